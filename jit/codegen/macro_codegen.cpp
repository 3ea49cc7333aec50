// The CEL macros (all, exists, exists_one, filter, map) as loops over the range's elements
// (a map's keys). Loops are bounded by the range's size, and one call's loops together by
// kMaxMacroElements, so no guard runs for long, however deeply its macros nest.
// `all` and `exists` absorb errors of single elements as CEL says; the others are strict.
#include <llvm/IR/Constants.h>

#include "approval/evaluate.h"
#include "codegen/expression_codegen.h"
#include "eval/eval_internal.h"

namespace approval::jit {

namespace {

/// The static type of the macro variable: a list's element or a map's key.
Type elementType(const Type& range) {
  if ((range.is(TypeKind::List) || range.is(TypeKind::Map)) && !range.parameters.empty()) return range.parameters[0];
  return Type::of(TypeKind::Dyn);
}

}  // namespace

void ExpressionCodegen::countVisited(llvm::Value* elements, const std::string& what) {
  if (visited_ == nullptr) {
    visited_ = entryAlloca(i64_, "visited");
    llvm::IRBuilder<> entry(allocaBlock_);  // the entry block is still open: its branch comes last
    entry.CreateStore(builder_.getInt64(0), visited_);
  }
  auto* visited = builder_.CreateAdd(builder_.CreateLoad(i64_, visited_), elements);
  builder_.CreateStore(visited, visited_);
  llvm::Value* past = builder_.CreateICmpUGT(visited, builder_.getInt64(kMaxMacroElements));
  // An operation that read nothing counted goes on, as in the interpreter.
  if (!llvm::isa<llvm::ConstantInt>(elements)) {
    past = builder_.CreateAnd(past, builder_.CreateICmpNE(elements, builder_.getInt64(0)));
  }
  failWhen(past, [&] { fail(constant(eval::tooManyVisited(what))); });
}

CgValue ExpressionCodegen::macro(const ir::Expr& expr) {
  const auto& ops = expr.operands;
  const std::string& name = expr.name;
  const bool absorbs = name == "all" || name == "exists";
  const bool collects = name == "filter" || name == "map";

  const CgValue range = compile(ops[0]);
  // A map's keys are listed before the loop: inside an outer macro that runs once per
  // element, so the entries count as visited (eval::rangeCost).
  if (!scope_.empty()) chargeRead({operandCost(ops[0], range, "approval_jit_range_cost", eval::rangeCost)}, name);
  llvm::Value* rangeValue = box(range);
  auto* macroName = stringConstant(name);
  llvm::Value* elements = checkPointer(helper("approval_jit_range", {frame_, rangeValue, macroName}));
  llvm::Value* size = helper("approval_jit_list_size", {elements});
  ir::Expr element;
  element.type = elementType(ops[0].type);
  const bool rangeClosed = closed(ops[0]);
  const Repr elementRepr = rangeClosed ? nativeRepr(element) : Repr::Boxed;

  auto* index = entryAlloca(i64_, "index");
  auto* firstError = entryAlloca(pointer_, "first.error");
  auto* trueCount = entryAlloca(i64_, "true.count");
  builder_.CreateStore(builder_.getInt64(0), index);
  builder_.CreateStore(llvm::ConstantPointerNull::get(pointer_), firstError);
  builder_.CreateStore(builder_.getInt64(0), trueCount);
  llvm::Value* results = nullptr;
  if (collects) results = checkPointer(helper("approval_jit_builder_new", {frame_}));

  auto* header = newBlock("macro.header");
  auto* body = newBlock("macro.body");
  auto* next = newBlock("macro.next");
  auto* exit = newBlock("macro.exit");
  auto* done = newBlock("macro.done");
  std::vector<std::pair<llvm::Value*, llvm::BasicBlock*>> decided;  // early results of all/exists

  builder_.CreateBr(header);
  builder_.SetInsertPoint(header);
  llvm::Value* position = builder_.CreateLoad(i64_, index);
  builder_.CreateCondBr(builder_.CreateICmpSLT(position, size), body, exit);

  builder_.SetInsertPoint(body);
  countVisited(builder_.getInt64(1), name);
  llvm::Value* boxedElement = helper("approval_jit_list_at", {elements, position});
  CgValue bound = unboxTo(boxedElement, elementRepr);
  scope_.push_back({ops[1].name, bound, rangeClosed});

  // The predicate (or map's filter) as i1, failing when it is not a bool.
  auto predicateHolds = [&](CgValue value) {
    return requireBool(value, "approval_jit_predicate_not_bool", macroName);
  };
  auto push = [&](llvm::Value* value) { checkStatus(helper("approval_jit_builder_push", {frame_, results, value})); };

  if (absorbs) {
    const Outcome result = outcome(ops[2]);
    const std::uint32_t decisive = name == "all" ? 0 : 1;
    auto* undecided = newBlock("macro.undecided");
    decided.emplace_back(builder_.getInt1(decisive == 1), builder_.GetInsertBlock());
    builder_.CreateCondBr(builder_.CreateICmpEQ(result.kind, builder_.getInt32(decisive)), done, undecided);
    builder_.SetInsertPoint(undecided);
    failWhen(builder_.CreateICmpEQ(result.kind, builder_.getInt32(3)), [&] {
      helper("approval_jit_predicate_not_bool", {frame_, macroName});
      failFromFrame();
    });
    // Remember the first error; a later decisive element still wins over it.
    auto* isError = builder_.CreateICmpEQ(result.kind, builder_.getInt32(2));
    auto* previous = builder_.CreateLoad(pointer_, firstError);
    auto* keepFirst = builder_.CreateAnd(isError, builder_.CreateIsNull(previous));
    builder_.CreateStore(builder_.CreateSelect(keepFirst, result.pointer, previous), firstError);
  } else if (name == "exists_one") {
    llvm::Value* holds = predicateHolds(compile(ops[2]));
    auto* count = builder_.CreateLoad(i64_, trueCount);
    builder_.CreateStore(builder_.CreateAdd(count, builder_.CreateZExt(holds, i64_)), trueCount);
  } else if (name == "filter" || ops.size() >= 4) {  // filter(x, p), map(x, p, transform)
    llvm::Value* holds = predicateHolds(compile(ops[2]));
    auto* take = newBlock("macro.take");
    builder_.CreateCondBr(holds, take, next);
    builder_.SetInsertPoint(take);
    push(name == "filter" ? boxedElement : box(compile(ops[3])));
  } else {  // map(x, transform)
    push(box(compile(ops[2])));
  }
  scope_.pop_back();
  builder_.CreateBr(next);

  builder_.SetInsertPoint(next);
  auto* current = builder_.CreateLoad(i64_, index);
  builder_.CreateStore(builder_.CreateAdd(current, builder_.getInt64(1)), index);
  builder_.CreateBr(header);

  builder_.SetInsertPoint(exit);
  CgValue finished;
  if (absorbs) {
    auto* error = builder_.CreateLoad(pointer_, firstError);
    failWhen(builder_.CreateIsNotNull(error), [&] { fail(error); });
    auto* clean = builder_.GetInsertBlock();
    decided.emplace_back(builder_.getInt1(name == "all"), clean);
    builder_.CreateBr(done);
    builder_.SetInsertPoint(done);
    auto* phi = builder_.CreatePHI(i1_, static_cast<unsigned>(decided.size()));
    for (const auto& [value, block] : decided) phi->addIncoming(value, block);
    return {phi, Repr::Bool};
  }
  if (name == "exists_one") {
    finished = {builder_.CreateICmpEQ(builder_.CreateLoad(i64_, trueCount), builder_.getInt64(1)), Repr::Bool};
  } else {
    finished = {checkPointer(helper("approval_jit_builder_finish", {frame_, results})), Repr::Boxed};
  }
  auto* end = builder_.GetInsertBlock();
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
  auto* phi = builder_.CreatePHI(finished.value->getType(), 1);
  phi->addIncoming(finished.value, end);
  return {phi, finished.repr};
}

}  // namespace approval::jit
