// `&&` and `||` with CEL's error absorption: either side may decide the result (false for
// `&&`, true for `||`) even when the other is an error, so both sides are compiled against
// local error targets and their outcomes combined in the interpreter's order.
#include <llvm/IR/Constants.h>

#include "codegen/expression_codegen.h"

namespace approval::jit {

namespace {
constexpr std::uint32_t kFalse = 0;
constexpr std::uint32_t kTrue = 1;
constexpr std::uint32_t kError = 2;
constexpr std::uint32_t kOther = 3;
}  // namespace

Outcome ExpressionCodegen::outcome(const ir::Expr& expr) {
  const ErrorTarget outer = pushErrorTarget("absorb.error");
  const ErrorTarget local = target_;
  CgValue value = compile(expr);
  llvm::Value* kind = nullptr;
  llvm::Value* pointer = llvm::ConstantPointerNull::get(pointer_);
  if (value.repr == Repr::Bool) {
    kind = builder_.CreateZExt(value.value, i32_);
  } else {
    pointer = box(value);
    if (value.repr == Repr::Boxed) {
      auto* boolKind = helper("approval_jit_bool_kind", {pointer});
      kind = builder_.CreateSelect(builder_.CreateICmpEQ(boolKind, builder_.getInt32(2)), builder_.getInt32(kOther),
                                   boolKind);
    } else {
      kind = builder_.getInt32(kOther);
    }
  }
  auto* okEnd = builder_.GetInsertBlock();
  auto* done = newBlock("outcome");
  builder_.CreateBr(done);
  popErrorTarget(outer);

  builder_.SetInsertPoint(local.block);
  builder_.CreateBr(done);

  builder_.SetInsertPoint(done);
  auto* kindPhi = builder_.CreatePHI(i32_, 2, "outcome.kind");
  kindPhi->addIncoming(kind, okEnd);
  kindPhi->addIncoming(builder_.getInt32(kError), local.block);
  auto* pointerPhi = builder_.CreatePHI(pointer_, 2, "outcome.value");
  pointerPhi->addIncoming(pointer, okEnd);
  pointerPhi->addIncoming(local.error, local.block);
  return {kindPhi, pointerPhi};
}

CgValue ExpressionCodegen::logical(const ir::Expr& expr) {
  const bool isOr = expr.binaryOp == ast::BinaryOp::Or;
  auto* decisive = builder_.getInt32(isOr ? kTrue : kFalse);
  auto* done = newBlock(isOr ? "or.done" : "and.done");
  auto* result = llvm::PHINode::Create(i1_, 3, "logic");
  auto decideEarly = [&](llvm::Value* kind, const char* name) {
    auto* next = newBlock(name);
    result->addIncoming(builder_.getInt1(isOr), builder_.GetInsertBlock());
    builder_.CreateCondBr(builder_.CreateICmpEQ(kind, decisive), done, next);
    builder_.SetInsertPoint(next);
  };

  const Outcome left = outcome(expr.operands.at(0));
  decideEarly(left.kind, "logic.right");
  const Outcome right = outcome(expr.operands.at(1));
  decideEarly(right.kind, "logic.undecided");

  for (const Outcome* side : {&left, &right}) {
    failWhen(builder_.CreateICmpEQ(side->kind, builder_.getInt32(kError)), [&] { fail(side->pointer); });
  }
  auto* isOther = builder_.CreateOr(builder_.CreateICmpEQ(left.kind, builder_.getInt32(kOther)),
                                    builder_.CreateICmpEQ(right.kind, builder_.getInt32(kOther)));
  failWhen(isOther, [&] {
    auto* op = builder_.getInt32(static_cast<std::int32_t>(expr.binaryOp));
    helper("approval_jit_logic_no_overload", {frame_, op, left.kind, left.pointer, right.kind, right.pointer});
    failFromFrame();
  });
  auto* bools = builder_.GetInsertBlock();
  result->addIncoming(builder_.getInt1(!isOr), bools);
  builder_.CreateBr(done);

  done->moveAfter(bools);
  builder_.SetInsertPoint(done);
  done->getInstList().push_back(result);
  builder_.SetInsertPoint(done);
  return {result, Repr::Bool};
}

}  // namespace approval::jit
