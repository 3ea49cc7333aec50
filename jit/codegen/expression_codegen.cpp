// The code generator's entry functions and the strict (non-absorbing) expression forms.
#include "codegen/expression_codegen.h"

#include <algorithm>
#include <limits>

#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/Transforms/Utils/Local.h>

#include "approval/evaluate.h"
#include "codegen/code_size.h"
#include "eval/eval_internal.h"

namespace approval::jit {

namespace {

using ast::BinaryOp;

bool isScalarRepr(Repr repr) { return repr != Repr::Boxed; }

}  // namespace

ExpressionCodegen::ExpressionCodegen(llvm::Module& module, std::deque<Value>& constants,
                                     std::span<const Type> contextTypes)
    : module_(module),
      context_(module.getContext()),
      builder_(module.getContext()),
      constants_(constants),
      contextTypes_(contextTypes),
      i1_(llvm::Type::getInt1Ty(context_)),
      i32_(llvm::Type::getInt32Ty(context_)),
      i64_(llvm::Type::getInt64Ty(context_)),
      double_(llvm::Type::getDoubleTy(context_)),
      pointer_(llvm::Type::getInt8PtrTy(context_)) {}

llvm::Function* ExpressionCodegen::beginFunction(const std::string& name, llvm::Type* result,
                                                 const ExpressionEntry& entry) {
  // (context, event, state, constants, outcome): GuardCall::Entry.
  auto* type = llvm::FunctionType::get(result, {pointer_, pointer_, pointer_, pointer_, pointer_}, false);
  function_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module_);
  function_->addFnAttr(llvm::Attribute::NoUnwind);
  contextSlots_ = function_->getArg(0);
  eventSlots_ = function_->getArg(1);
  state_ = function_->getArg(2);
  outcome_ = function_->getArg(4);
  contextSlots_->setName("context");
  eventSlots_->setName("event");
  state_->setName("state");
  function_->getArg(3)->setName("constants");
  outcome_->setName("outcome");
  entry_ = &entry;
  scope_.clear();
  closedCache_.clear();
  asWritten_ = compiledAsWritten(measure(*entry.expr));
  nodesInBlock_ = 0;
  stackArrayElements_ = 0;
  allocaBlock_ = newBlock("entry");
  builder_.SetInsertPoint(allocaBlock_);
  frame_ = builder_.CreateAlloca(builder_.getInt8Ty(), builder_.getInt32(frame_offset::kFrameSize), "frame");
  llvm::cast<llvm::AllocaInst>(frame_)->setAlignment(llvm::Align(8));
  visited_ = nullptr;
  if (asWritten_) {
    // Unoptimised, a frame filled before every helper call costs some twenty instructions a
    // call, the bulk of a large guard's code; filled once, its scratch field is the scratch.
    storeFrameArguments();
    scratchSoFar_ = scratchField();
  } else {
    // The scratch pointer lives in a register (this alloca never escapes, so it is promoted)
    // and goes into the frame only around helper calls: the paths that call no helper never
    // touch the frame, and the function needs no stack frame on them.
    scratchSoFar_ = builder_.CreateAlloca(pointer_, nullptr, "scratch.so.far");
  }
  builder_.CreateStore(llvm::ConstantPointerNull::get(pointer_), scratchSoFar_);
  constantTable_ = builder_.CreateBitCast(function_->getArg(3), pointer_->getPointerTo());
  trueConstant_ = constant(Value(true));
  falseConstant_ = constant(Value(false));
  auto* body = newBlock("body");
  builder_.SetInsertPoint(body);
  target_ = {};
  target_.block = newBlock("error.exit");
  llvm::IRBuilder<> phiBuilder(target_.block);
  target_.error = phiBuilder.CreatePHI(pointer_, 4, "error");
  return function_;
}

namespace {

/// Branches the entry block to the body, closes every block left open after a failure, and
/// drops blocks nothing reaches (an error exit no failure leads to has a phi with no
/// incoming values, which printed IR may not contain).
void finishFunction(llvm::Function& function, llvm::BasicBlock* allocaBlock, bool asWritten) {
  // LLVM's loop passes take time that grows much faster than the depth of nested loops: 80
  // nested macros took 2 s at O2, 250 took 20 s. Its passes over one long block grow faster
  // than its length too: a list of 4,000 computed elements took 23 s. Past
  // kOptimizedMacroDepth or kOptimizedNodes a guard is compiled as written (optnone), which
  // takes time linear in its size and still runs natively.
  if (asWritten) {
    function.addFnAttr(llvm::Attribute::OptimizeNone);
    function.addFnAttr(llvm::Attribute::NoInline);
  }
  llvm::IRBuilder<> builder(allocaBlock);
  builder.CreateBr(allocaBlock->getNextNode());
  for (auto& block : function) {
    if (block.getTerminator() == nullptr) {
      builder.SetInsertPoint(&block);
      builder.CreateUnreachable();
    }
  }
  llvm::removeUnreachableBlocks(function);
}

}  // namespace

void ExpressionCodegen::emitGuard(const ExpressionEntry& entry, const std::string& name) {
  beginFunction(name, i32_, entry);
  const auto errorExit = target_;
  CgValue result = compile(*entry.expr);
  if (result.repr == Repr::Bool) {
    returnStatus(builder_.CreateZExt(result.value, i32_));
  } else {
    returnStatus(helper("approval_jit_guard_verdict", {frame_, box(result)}));
  }
  builder_.SetInsertPoint(errorExit.block);
  auto* errorField = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), outcome_, frame_offset::kOutcomeError);
  builder_.CreateStore(errorExit.error, builder_.CreateBitCast(errorField, pointer_->getPointerTo()));
  returnStatus(builder_.getInt32(kStatusError));
  finishFunction(*function_, allocaBlock_, asWritten_);
}

void ExpressionCodegen::emitValue(const ExpressionEntry& entry, const std::string& name) {
  beginFunction(name, pointer_, entry);
  const auto errorExit = target_;
  CgValue result = compile(*entry.expr);
  llvm::Value* boxed = box(result);
  auto* checked = checkPointer(boxed);
  handOverScratch();
  builder_.CreateRet(checked);
  builder_.SetInsertPoint(errorExit.block);
  auto* errorField = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), outcome_, frame_offset::kOutcomeError);
  builder_.CreateStore(errorExit.error, builder_.CreateBitCast(errorField, pointer_->getPointerTo()));
  handOverScratch();
  builder_.CreateRet(llvm::ConstantPointerNull::get(pointer_));
  finishFunction(*function_, allocaBlock_, asWritten_);
}

void ExpressionCodegen::limitBlockLength() {
  if (!asWritten_ || ++nodesInBlock_ <= kNodesPerBlock) return;
  // Every caller of compile() leaves the builder at the end of an open block, and takes the
  // block it ends in (for a phi) only after compile() returns: a branch may go anywhere here.
  auto* next = newBlock("next");
  builder_.CreateBr(next);
  builder_.SetInsertPoint(next);
  nodesInBlock_ = 1;
}

CgValue ExpressionCodegen::compile(const ir::Expr& expr) {
  limitBlockLength();
  switch (expr.kind) {
    case ir::ExprKind::Literal: return literal(expr);
    case ir::ExprKind::ContextField: return contextField(expr);
    case ir::ExprKind::EventField: return eventField(expr);
    case ir::ExprKind::Variable: return variable(expr);
    case ir::ExprKind::Select: {
      llvm::Value* target = box(compile(expr.operands.at(0)));
      auto* result = checkPointer(helper("approval_jit_select", {frame_, target, stringConstant(expr.name)}));
      return fromBoxed(result, expr);
    }
    case ir::ExprKind::Index: {
      llvm::Value* container = box(compile(expr.operands.at(0)));
      const CgValue key = compile(expr.operands.at(1));
      if (!scope_.empty()) {
        chargeRead({operandCost(expr.operands[1], key, "approval_jit_read_cost", eval::readCost)}, "[]");
      }
      return fromBoxed(checkPointer(helper("approval_jit_index", {frame_, container, box(key)})), expr);
    }
    case ir::ExprKind::List: return list(expr);
    case ir::ExprKind::Map: return map(expr);
    case ir::ExprKind::Unary: return unary(expr);
    case ir::ExprKind::Binary: return binary(expr);
    case ir::ExprKind::Conditional: return conditional(expr);
    case ir::ExprKind::Call: return call(expr);
  }
  failWithMessage("unknown expression kind");
  return {llvm::ConstantPointerNull::get(pointer_), Repr::Boxed};
}

CgValue ExpressionCodegen::literal(const ir::Expr& expr) {
  const auto& value = expr.literal;
  if (const auto* b = std::get_if<bool>(&value)) return {builder_.getInt1(*b), Repr::Bool};
  if (const auto* i = std::get_if<std::int64_t>(&value)) return {builder_.getInt64(static_cast<std::uint64_t>(*i)), Repr::Int};
  if (const auto* u = std::get_if<std::uint64_t>(&value)) return {builder_.getInt64(*u), Repr::Uint};
  if (const auto* d = std::get_if<double>(&value)) return {llvm::ConstantFP::get(double_, *d), Repr::Double};
  if (const auto* s = std::get_if<std::string>(&value)) return {stringConstant(*s), Repr::Boxed};
  if (const auto* duration = std::get_if<ast::Duration>(&value)) {
    std::int64_t ns = 0;
    if (!__builtin_mul_overflow(duration->milliseconds, std::int64_t{1'000'000}, &ns)) {
      return {builder_.getInt64(static_cast<std::uint64_t>(ns)), Repr::Duration};
    }
    failWithMessage("duration overflow in literal");
  } else if (std::holds_alternative<ast::Bytes>(value)) {
    failWithMessage("bytes are not supported");
  } else {
    return {constant(NullValue{}), Repr::Boxed};
  }
  return {llvm::ConstantPointerNull::get(pointer_), Repr::Boxed};
}

CgValue ExpressionCodegen::contextField(const ir::Expr& expr) {
  if (expr.ref >= contextTypes_.size()) {
    failWithMessage("no context field #" + std::to_string(expr.ref) + " (context has " +
                    std::to_string(contextTypes_.size()) + ")");
    return {llvm::ConstantPointerNull::get(pointer_), Repr::Boxed};
  }
  auto* slots = contextSlots_;
  ir::Expr typed;
  typed.type = contextTypes_[expr.ref];
  const Repr repr = nativeRepr(typed);
  llvm::Value* bits = isScalarRepr(repr) ? slotBits(slots, expr.ref) : nullptr;
  switch (repr) {
    case Repr::Bool: return {builder_.CreateICmpNE(bits, builder_.getInt64(0)), repr};
    case Repr::Double: return {builder_.CreateBitCast(bits, double_), repr};
    case Repr::Boxed: return {slotValue(slots, expr.ref), repr};
    default: return {bits, repr};
  }
}

CgValue ExpressionCodegen::eventField(const ir::Expr& expr) {
  auto* slots = eventSlots_;
  requireEvent("no event: `event." + expr.name + "` needs an event");
  if (expr.name == "id") return {slotValue(slots, kEventIdSlot), Repr::Boxed};
  if (expr.name == "actor") return {slotValue(slots, kEventActorSlot), Repr::Boxed};
  if (expr.name == "time") return {slotBits(slots, kEventTimeSlot), Repr::Timestamp};
  const auto& names = entry_->eventPayload;
  const auto found = std::find(names.begin(), names.end(), expr.name);
  if (found == names.end()) {
    failWithMessage("event has no field " + expr.name);
    return {llvm::ConstantPointerNull::get(pointer_), Repr::Boxed};
  }
  const auto slot = kEventPayloadSlot + static_cast<std::size_t>(found - names.begin());
  llvm::Value* value = slotValue(slots, slot);
  failWhen(builder_.CreateIsNull(value), [&] { failWithMessage("event has no field " + expr.name); });
  const Repr repr = nativeRepr(expr);
  if (!isScalarRepr(repr)) return {value, repr};
  llvm::Value* bits = slotBits(slots, slot);
  if (repr == Repr::Bool) return {builder_.CreateICmpNE(bits, builder_.getInt64(0)), repr};
  if (repr == Repr::Double) return {builder_.CreateBitCast(bits, double_), repr};
  return {bits, repr};
}

CgValue ExpressionCodegen::variable(const ir::Expr& expr) {
  for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
    if (it->name == expr.name) return it->value;
  }
  if (expr.name == "event") {
    requireEvent("unknown variable `event`");
    ValueList names;
    for (const auto& name : entry_->eventPayload) names.emplace_back(name);
    auto* result = helper("approval_jit_event_map", {frame_, constant(Value(std::move(names)))});
    return {checkPointer(result), Repr::Boxed};
  }
  failWithMessage("unknown variable `" + expr.name + "`");
  return {llvm::ConstantPointerNull::get(pointer_), Repr::Boxed};
}

CgValue ExpressionCodegen::unary(const ir::Expr& expr) {
  CgValue operand = compile(expr.operands.at(0));
  const auto op = static_cast<std::int32_t>(expr.unaryOp);
  if (expr.unaryOp == ast::UnaryOp::Not && operand.repr == Repr::Bool) {
    return {builder_.CreateNot(operand.value), Repr::Bool};
  }
  if (expr.unaryOp == ast::UnaryOp::Negate && operand.repr == Repr::Double) {
    return {builder_.CreateFNeg(operand.value), Repr::Double};
  }
  if (expr.unaryOp == ast::UnaryOp::Negate && (operand.repr == Repr::Int || operand.repr == Repr::Duration)) {
    auto* overflow = builder_.CreateICmpEQ(
        operand.value, builder_.getInt64(static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min())));
    failWhen(overflow, [&] {
      helper("approval_jit_unary", {frame_, builder_.getInt32(op), box(operand)});  // the interpreter's error
      failFromFrame();
    });
    return {builder_.CreateNeg(operand.value), operand.repr};
  }
  auto* result = checkPointer(helper("approval_jit_unary", {frame_, builder_.getInt32(op), box(operand)}));
  return fromBoxed(result, expr);
}

CgValue ExpressionCodegen::binary(const ir::Expr& expr) {
  if (expr.binaryOp == BinaryOp::And || expr.binaryOp == BinaryOp::Or) return logical(expr);
  CgValue left = compile(expr.operands.at(0));
  CgValue right = compile(expr.operands.at(1));
  // Inside a macro an operation runs once per element: what comparisons and `in` read
  // counts as visited (eval::binaryCost), or a macro over a large list comparing a large
  // operand, or searching that list, would be quadratic.
  if (!scope_.empty()) {
    const auto& ops = expr.operands;
    switch (expr.binaryOp) {
      case BinaryOp::Equal:
      case BinaryOp::NotEqual:
      case BinaryOp::Less:
      case BinaryOp::LessEqual:
      case BinaryOp::Greater:
      case BinaryOp::GreaterEqual:
        chargeRead({operandCost(ops[0], left, "approval_jit_read_cost", eval::readCost),
                    operandCost(ops[1], right, "approval_jit_read_cost", eval::readCost)},
                   ast::spelling(expr.binaryOp));
        break;
      case BinaryOp::In:
        chargeRead({operandCost(ops[0], left, "approval_jit_read_cost", eval::readCost),
                    operandCost(ops[1], right, "approval_jit_list_cost", eval::listCost)},
                   ast::spelling(expr.binaryOp));
        break;
      default: break;  // arithmetic reads scalars; `+` counts what it builds instead
    }
  }
  // `x in list` over a closed list: a membership scan without building a result Value.
  const ir::Expr& container = expr.operands.at(1);
  if (expr.binaryOp == BinaryOp::In && closed(expr) && container.type.is(TypeKind::List)) {
    llvm::Value* needle = box(left);
    auto* fast = helper("approval_jit_list_contains", {needle, right.value});
    return {withSlowPath(fast,
                         [&] {
                           auto* op = builder_.getInt32(static_cast<std::int32_t>(expr.binaryOp));
                           return checkStatus(helper("approval_jit_binary_bool", {frame_, op, needle, right.value}));
                         }),
            Repr::Bool};
  }
  if (left.repr == right.repr && isScalarRepr(left.repr)) {
    CgValue native = nativeBinary(expr.binaryOp, left, right);
    if (native.value != nullptr) return native;
  }
  const auto op = builder_.getInt32(static_cast<std::int32_t>(expr.binaryOp));
  llvm::Value* a = box(left);
  llvm::Value* b = box(right);
  if (nativeRepr(expr) == Repr::Bool) {
    return {checkStatus(helper("approval_jit_binary_bool", {frame_, op, a, b})), Repr::Bool};
  }
  return fromBoxed(checkPointer(helper("approval_jit_binary", {frame_, op, a, b})), expr);
}

CgValue ExpressionCodegen::nativeBinary(BinaryOp op, CgValue left, CgValue right) {
  const Repr repr = left.repr;
  auto* a = left.value;
  auto* b = right.value;
  const bool isDouble = repr == Repr::Double;
  const bool isSigned = repr == Repr::Int || repr == Repr::Duration || repr == Repr::Timestamp;
  switch (op) {
    case BinaryOp::Equal:
      return {isDouble ? builder_.CreateFCmpOEQ(a, b) : builder_.CreateICmpEQ(a, b), Repr::Bool};
    case BinaryOp::NotEqual:
      return {isDouble ? builder_.CreateFCmpUNE(a, b) : builder_.CreateICmpNE(a, b), Repr::Bool};
    case BinaryOp::Less:
    case BinaryOp::LessEqual:
    case BinaryOp::Greater:
    case BinaryOp::GreaterEqual: {
      if (repr == Repr::Bool) return {};
      using P = llvm::CmpInst::Predicate;
      static constexpr P kDouble[] = {P::FCMP_OLT, P::FCMP_OLE, P::FCMP_OGT, P::FCMP_OGE};
      static constexpr P kSigned[] = {P::ICMP_SLT, P::ICMP_SLE, P::ICMP_SGT, P::ICMP_SGE};
      static constexpr P kUnsigned[] = {P::ICMP_ULT, P::ICMP_ULE, P::ICMP_UGT, P::ICMP_UGE};
      const auto index = static_cast<int>(op) - static_cast<int>(BinaryOp::Less);
      const P predicate = isDouble ? kDouble[index] : (isSigned ? kSigned[index] : kUnsigned[index]);
      return {builder_.CreateCmp(predicate, a, b), Repr::Bool};
    }
    case BinaryOp::Add:
    case BinaryOp::Subtract:
    case BinaryOp::Multiply:
    case BinaryOp::Divide:
      if (isDouble) {
        if (op == BinaryOp::Add) return {builder_.CreateFAdd(a, b), repr};
        if (op == BinaryOp::Subtract) return {builder_.CreateFSub(a, b), repr};
        if (op == BinaryOp::Multiply) return {builder_.CreateFMul(a, b), repr};
        return {builder_.CreateFDiv(a, b), repr};
      }
      [[fallthrough]];
    case BinaryOp::Modulo:
      if (repr == Repr::Int || repr == Repr::Uint) return arithmetic(op, left, right);
      return {};
    default: return {};
  }
}

namespace {

enum class Failure { Overflow, ByZero };

/// The interpreter's error for an integer operation that fails as `failure` says.
Value failingExample(BinaryOp op, bool isSigned, Failure failure) {
  if (failure == Failure::ByZero) {
    return isSigned ? eval::applyBinary(op, Value(std::int64_t{1}), Value(std::int64_t{0}))
                    : eval::applyBinary(op, Value(std::uint64_t{1}), Value(std::uint64_t{0}));
  }
  if (isSigned) {
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    switch (op) {
      case BinaryOp::Add: return eval::applyBinary(op, Value(kMax), Value(std::int64_t{1}));
      case BinaryOp::Subtract: return eval::applyBinary(op, Value(kMin), Value(std::int64_t{1}));
      case BinaryOp::Multiply: return eval::applyBinary(op, Value(kMax), Value(std::int64_t{2}));
      default: return eval::applyBinary(op, Value(kMin), Value(std::int64_t{-1}));  // divide, modulo
    }
  }
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  switch (op) {
    case BinaryOp::Subtract: return eval::applyBinary(op, Value(std::uint64_t{0}), Value(std::uint64_t{1}));
    case BinaryOp::Multiply: return eval::applyBinary(op, Value(kMax), Value(std::uint64_t{2}));
    default: return eval::applyBinary(op, Value(kMax), Value(std::uint64_t{1}));  // add
  }
}

}  // namespace

CgValue ExpressionCodegen::arithmetic(BinaryOp op, CgValue left, CgValue right) {
  const bool isSigned = left.repr == Repr::Int;
  auto* a = left.value;
  auto* b = right.value;
  llvm::Value* result = nullptr;
  llvm::Value* bad = nullptr;
  if (op == BinaryOp::Divide || op == BinaryOp::Modulo) {
    bad = builder_.CreateICmpEQ(b, builder_.getInt64(0));
    if (isSigned) {
      auto* minimum = builder_.getInt64(static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min()));
      bad = builder_.CreateOr(bad, builder_.CreateAnd(builder_.CreateICmpEQ(a, minimum),
                                                      builder_.CreateICmpEQ(b, builder_.getInt64(~0ULL))));
    }
  } else {
    llvm::Intrinsic::ID id = llvm::Intrinsic::not_intrinsic;
    if (op == BinaryOp::Add) id = isSigned ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::uadd_with_overflow;
    if (op == BinaryOp::Subtract) id = isSigned ? llvm::Intrinsic::ssub_with_overflow : llvm::Intrinsic::usub_with_overflow;
    if (op == BinaryOp::Multiply) id = isSigned ? llvm::Intrinsic::smul_with_overflow : llvm::Intrinsic::umul_with_overflow;
    auto* pair = builder_.CreateBinaryIntrinsic(id, a, b);
    result = builder_.CreateExtractValue(pair, 0);
    bad = builder_.CreateExtractValue(pair, 1);
  }
  failWhen(bad, [&] {
    // The error depends only on the operator, the type and the kind of failure: take the
    // interpreter's own error for operands that fail the same way, as a constant, so the
    // function needs no helper (and no frame or saved registers) for it.
    const bool divides = op == BinaryOp::Divide || op == BinaryOp::Modulo;
    if (!divides) {
      fail(constant(failingExample(op, isSigned, Failure::Overflow)));
    } else if (!isSigned) {
      fail(constant(failingExample(op, isSigned, Failure::ByZero)));
    } else {
      fail(builder_.CreateSelect(builder_.CreateICmpEQ(b, builder_.getInt64(0)),
                                 constant(failingExample(op, isSigned, Failure::ByZero)),
                                 constant(failingExample(op, isSigned, Failure::Overflow))));
    }
  });
  if (op == BinaryOp::Divide) result = isSigned ? builder_.CreateSDiv(a, b) : builder_.CreateUDiv(a, b);
  if (op == BinaryOp::Modulo) result = isSigned ? builder_.CreateSRem(a, b) : builder_.CreateURem(a, b);
  return {result, left.repr};
}

CgValue ExpressionCodegen::conditional(const ir::Expr& expr) {
  llvm::Value* holds = requireBool(compile(expr.operands.at(0)), "approval_jit_conditional_no_overload", nullptr);
  auto* thenBlock = newBlock("then");
  auto* elseBlock = newBlock("else");
  auto* merge = newBlock("merge");
  builder_.CreateCondBr(holds, thenBlock, elseBlock);
  builder_.SetInsertPoint(thenBlock);
  CgValue whenTrue = compile(expr.operands.at(1));
  auto* thenEnd = builder_.GetInsertBlock();
  builder_.SetInsertPoint(elseBlock);
  CgValue whenFalse = compile(expr.operands.at(2));
  auto* elseEnd = builder_.GetInsertBlock();
  const bool same = whenTrue.repr == whenFalse.repr;
  builder_.SetInsertPoint(thenEnd);
  llvm::Value* a = same ? whenTrue.value : box(whenTrue);
  builder_.CreateBr(merge);
  builder_.SetInsertPoint(elseEnd);
  llvm::Value* b = same ? whenFalse.value : box(whenFalse);
  builder_.CreateBr(merge);
  builder_.SetInsertPoint(merge);
  auto* phi = builder_.CreatePHI(a->getType(), 2);
  phi->addIncoming(a, thenEnd);
  phi->addIncoming(b, elseEnd);
  return {phi, same ? whenTrue.repr : Repr::Boxed};
}

namespace {

/// What building the maps of a literals-only expression charges for their keys in a macro
/// (eval::readCost of each key).
std::uint64_t literalKeysCost(const ir::Expr& expr) {
  std::uint64_t cost = 0;
  for (std::size_t i = 0; i < expr.operands.size(); ++i) {
    const ir::Expr& operand = expr.operands[i];
    if (expr.kind == ir::ExprKind::Map && i % 2 == 0) {
      const auto* text = std::get_if<std::string>(&operand.literal);
      cost += text == nullptr ? 0 : eval::readCost(Value(*text));
    }
    cost += literalKeysCost(operand);
  }
  return cost;
}

}  // namespace

std::optional<Value> ExpressionCodegen::builtOnce(const ir::Expr& expr) {
  if (!literalsOnly(expr)) return std::nullopt;
  Value built = evaluate(expr, Environment{});
  if (built.isError()) return std::nullopt;  // the code below fails the same way, when it runs
  return built;
}

CgValue ExpressionCodegen::list(const ir::Expr& expr) {
  // A list of literals is built once, as the guard is compiled: built by code, a helper
  // call per element, a 4,000-element allow-list took LLVM's passes 23 s.
  if (auto built = builtOnce(expr)) {
    if (const std::uint64_t keys = literalKeysCost(expr); keys != 0) chargeRead({builder_.getInt64(keys)}, "{}");
    return {constant(std::move(*built)), Repr::Boxed};
  }
  llvm::Value* elements = boxedArray(expr.operands, nullptr);
  auto* count = builder_.getInt32(static_cast<std::uint32_t>(expr.operands.size()));
  return {checkPointer(helper("approval_jit_list", {frame_, elements, count})), Repr::Boxed};
}

CgValue ExpressionCodegen::map(const ir::Expr& expr) {
  if (auto built = builtOnce(expr)) {
    // Built once here, but the interpreter charges its keys (and those of maps inside it)
    // every time it builds it in a macro: so does this code.
    if (const std::uint64_t keys = literalKeysCost(expr); keys != 0) chargeRead({builder_.getInt64(keys)}, "{}");
    return {constant(std::move(*built)), Repr::Boxed};
  }
  std::vector<llvm::Value*> keyCosts;  // building the map compares its keys
  llvm::Value* entries = boxedArray(expr.operands, [&](std::size_t i, const CgValue& entry) {
    if (i % 2 == 0 && !scope_.empty()) {
      keyCosts.push_back(operandCost(expr.operands[i], entry, "approval_jit_read_cost", eval::readCost));
    }
  });
  chargeRead(keyCosts, "{}");
  auto* count = builder_.getInt32(static_cast<std::uint32_t>(expr.operands.size() / 2));
  return {checkPointer(helper("approval_jit_map", {frame_, entries, count})), Repr::Boxed};
}

CgValue ExpressionCodegen::call(const ir::Expr& expr) {
  const auto& ops = expr.operands;
  if (isMacroCall(expr)) return macro(expr);
  if (!expr.receiverCall && expr.name == "has" && ops.size() == 1) return has(ops[0]);
  if (!expr.receiverCall && expr.name == "hasQuorum" && ops.empty()) return hasQuorum();
  if (!expr.receiverCall && expr.name == "hasQuorum" && ops.size() == 1) {
    CgValue n = compile(ops[0]);
    if (n.repr == Repr::Int) return hasQuorumOf(n.value);
    chargeArguments(expr, {n});
    auto* count = builder_.getInt32(1);
    auto* result = helper("approval_jit_call", {frame_, stringConstant(expr.name), pointerArray({box(n)}), count});
    return fromBoxed(checkPointer(result), expr);
  }
  static constexpr std::string_view kStringTests[] = {"contains", "startsWith", "endsWith"};
  const auto* test = std::find(std::begin(kStringTests), std::end(kStringTests), expr.name);
  if (expr.receiverCall && ops.size() == 2 && test != std::end(kStringTests) && closed(ops[0]) && closed(ops[1]) &&
      ops[0].type.is(TypeKind::String) && ops[1].type.is(TypeKind::String)) {
    const CgValue receiverValue = compile(ops[0]);
    const CgValue partValue = compile(ops[1]);
    chargeArguments(expr, {receiverValue, partValue});
    llvm::Value* receiver = box(receiverValue);
    llvm::Value* part = box(partValue);
    auto* which = builder_.getInt32(static_cast<std::uint32_t>(test - std::begin(kStringTests)));
    auto* fast = helper("approval_jit_text_test", {receiver, which, part});
    return {withSlowPath(fast, [&] { return checkStatus(helper("approval_jit_string_test", {frame_, receiver, which, part})); }),
            Repr::Bool};
  }
  if (expr.name == "matches" && ops.size() == 2 && closed(expr) && closed(ops[0]) && closed(ops[1]) &&
      ops[0].type.is(TypeKind::String) && ops[1].type.is(TypeKind::String) && expr.type.is(TypeKind::Bool)) {
    const CgValue textValue = compile(ops[0]);
    const CgValue patternValue = compile(ops[1]);
    chargeArguments(expr, {textValue, patternValue});
    llvm::Value* text = box(textValue);
    llvm::Value* pattern = box(patternValue);
    auto* fast = helper("approval_jit_text_matches", {text, pattern});
    return {withSlowPath(fast,
                         [&] {
                           // An invalid pattern: the generic call reports the interpreter's error.
                           auto* result = helper("approval_jit_call", {frame_, stringConstant(expr.name),
                                                                       pointerArray({text, pattern}), builder_.getInt32(2)});
                           return fromBoxed(checkPointer(result), expr).value;
                         }),
            Repr::Bool};
  }
  return genericCall(expr);
}

CgValue ExpressionCodegen::genericCall(const ir::Expr& expr) {
  std::vector<CgValue> values;
  for (const auto& operand : expr.operands) values.push_back(compile(operand));
  chargeArguments(expr, values);
  std::vector<llvm::Value*> arguments;
  for (const auto& value : values) arguments.push_back(box(value));
  auto* count = builder_.getInt32(static_cast<std::uint32_t>(arguments.size()));
  auto* result = helper("approval_jit_call", {frame_, stringConstant(expr.name), pointerArray(arguments), count});
  return fromBoxed(checkPointer(result), expr);
}

CgValue ExpressionCodegen::has(const ir::Expr& selection) {
  if (selection.kind == ir::ExprKind::EventField) {
    auto* slots = eventSlots_;
    requireEvent("no event: `has(event." + selection.name + ")` needs an event");
    if (selection.name == "actor" || selection.name == "id" || selection.name == "time") {
      return {builder_.getInt1(true), Repr::Bool};
    }
    const auto& names = entry_->eventPayload;
    const auto found = std::find(names.begin(), names.end(), selection.name);
    if (found == names.end()) return {builder_.getInt1(false), Repr::Bool};
    const auto slot = kEventPayloadSlot + static_cast<std::size_t>(found - names.begin());
    return {builder_.CreateIsNotNull(slotValue(slots, slot)), Repr::Bool};
  }
  if (selection.kind != ir::ExprKind::Select || selection.operands.empty()) {
    failWithMessage("`has` needs a field selection");
    return {builder_.getInt1(false), Repr::Bool};
  }
  llvm::Value* target = box(compile(selection.operands[0]));
  auto* status = helper("approval_jit_has_field", {frame_, target, stringConstant(selection.name)});
  return {checkStatus(status), Repr::Bool};
}

}  // namespace approval::jit
