// Boxing, unboxing, constants, helper calls and error plumbing of the code generator.
#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/MDBuilder.h>

#include <algorithm>
#include <utility>

#include "codegen/expression_codegen.h"
#include "runtime/helpers.h"

namespace approval::jit {

namespace {

bool typeClosed(const Type& type) {
  if (type.isOpen() || type.is(TypeKind::Parameter)) return false;
  for (const auto& parameter : type.parameters) {
    if (!typeClosed(parameter)) return false;
  }
  return true;
}

llvm::Type* typeOfLetter(char letter, llvm::LLVMContext& context) {
  switch (letter) {
    case 'p': return llvm::Type::getInt8PtrTy(context);
    case 'l': return llvm::Type::getInt64Ty(context);
    case 'i': return llvm::Type::getInt32Ty(context);
    case 'd': return llvm::Type::getDoubleTy(context);
    default: return llvm::Type::getVoidTy(context);
  }
}

}  // namespace

Repr ExpressionCodegen::nativeRepr(const ir::Expr& expr) {
  if (!closed(expr)) return Repr::Boxed;
  switch (expr.type.kind) {
    case TypeKind::Bool: return Repr::Bool;
    case TypeKind::Int: return Repr::Int;
    case TypeKind::Uint: return Repr::Uint;
    case TypeKind::Double: return Repr::Double;
    case TypeKind::Duration: return Repr::Duration;
    case TypeKind::Timestamp: return Repr::Timestamp;
    default: return Repr::Boxed;
  }
}

bool ExpressionCodegen::closed(const ir::Expr& expr) {
  if (expr.kind == ir::ExprKind::Variable) {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->name == expr.name) return it->closed && typeClosed(expr.type);
    }
    return false;
  }
  auto found = closedCache_.find(&expr);
  if (found != closedCache_.end()) return found->second;
  bool result = typeClosed(expr.type);
  for (const auto& operand : expr.operands) {
    if (!result) break;
    result = closed(operand);
  }
  closedCache_.emplace(&expr, result);
  return result;
}

llvm::Value* ExpressionCodegen::helper(std::string_view name, std::vector<llvm::Value*> arguments) {
  llvm::Function* function = module_.getFunction(llvm::StringRef(name.data(), name.size()));
  if (function == nullptr) {
    std::string_view signature;
    for (const auto& symbol : runtimeHelpers()) {
      if (symbol.name == name) signature = symbol.signature;
    }
    if (signature.size() < 2) throw std::logic_error("unknown runtime helper " + std::string(name));
    std::vector<llvm::Type*> parameters;
    for (const char letter : signature.substr(2)) parameters.push_back(typeOfLetter(letter, context_));
    auto* type = llvm::FunctionType::get(typeOfLetter(signature[0], context_), parameters, false);
    function = llvm::Function::Create(type, llvm::Function::ExternalLinkage, llvm::StringRef(name.data(), name.size()),
                                      module_);
    function->addFnAttr(llvm::Attribute::NoUnwind);
  }
  auto* type = function->getFunctionType();
  // The frame is only filled on paths that call a helper, so guards that call none (or only
  // on cold paths) never build one. A guard compiled as written filled it on entry.
  const bool takesFrame = std::find(arguments.begin(), arguments.end(), frame_) != arguments.end();
  if (takesFrame && !asWritten_) {
    storeFrameArguments();
    builder_.CreateStore(builder_.CreateLoad(pointer_, scratchSoFar_), scratchField());
  }
  for (unsigned i = 0; i < arguments.size(); ++i) {
    if (arguments[i]->getType() != type->getParamType(i)) {
      arguments[i] = builder_.CreateBitOrPointerCast(arguments[i], type->getParamType(i));
    }
  }
  auto* result = builder_.CreateCall(function, arguments);
  // The helper may have created the scratch: carry it on in a register.
  if (takesFrame && !asWritten_) builder_.CreateStore(builder_.CreateLoad(pointer_, scratchField()), scratchSoFar_);
  return result;
}

llvm::Value* ExpressionCodegen::box(CgValue value) {
  switch (value.repr) {
    case Repr::Bool: return builder_.CreateSelect(value.value, trueConstant_, falseConstant_);
    case Repr::Int: return helper("approval_jit_box_int", {frame_, value.value});
    case Repr::Uint: return helper("approval_jit_box_uint", {frame_, value.value});
    case Repr::Double: return helper("approval_jit_box_double", {frame_, value.value});
    case Repr::Duration: return helper("approval_jit_box_duration", {frame_, value.value});
    case Repr::Timestamp: return helper("approval_jit_box_timestamp", {frame_, value.value});
    case Repr::Boxed: return value.value;
  }
  return value.value;
}

CgValue ExpressionCodegen::unboxTo(llvm::Value* boxed, Repr repr) {
  if (repr == Repr::Boxed) return {boxed, repr};
  static constexpr NativeKind kKinds[] = {NativeKind::Bool,   NativeKind::Int,      NativeKind::Uint,
                                          NativeKind::Double, NativeKind::Duration, NativeKind::Timestamp};
  auto* out = entryAlloca(i64_, "unboxed");
  auto* status = helper("approval_jit_unbox",
                        {frame_, boxed, builder_.getInt32(static_cast<std::int32_t>(kKinds[static_cast<int>(repr)])), out});
  checkStatus(status);
  llvm::Value* bits = builder_.CreateLoad(i64_, out);
  if (repr == Repr::Bool) return {builder_.CreateICmpNE(bits, builder_.getInt64(0)), repr};
  if (repr == Repr::Double) return {builder_.CreateBitCast(bits, double_), repr};
  return {bits, repr};
}

CgValue ExpressionCodegen::fromBoxed(llvm::Value* boxed, const ir::Expr& expr) {
  return unboxTo(boxed, nativeRepr(expr));
}

llvm::BasicBlock* ExpressionCodegen::newBlock(const char* name) {
  return llvm::BasicBlock::Create(context_, name, function_);
}

void ExpressionCodegen::failWhen(llvm::Value* condition, const std::function<void()>& emitFailure) {
  auto* cold = newBlock("failing");
  auto* ok = newBlock("continue");
  llvm::MDBuilder weights(context_);
  builder_.CreateCondBr(condition, cold, ok, weights.createBranchWeights(1, 1000));
  builder_.SetInsertPoint(cold);
  emitFailure();
  builder_.SetInsertPoint(ok);
}

llvm::Value* ExpressionCodegen::requireBool(CgValue value, std::string_view notBoolHelper, llvm::Value* extra) {
  if (value.repr == Repr::Bool) return value.value;
  llvm::Value* boxed = box(value);
  auto* kind = helper("approval_jit_bool_kind", {boxed});
  failWhen(builder_.CreateICmpEQ(kind, builder_.getInt32(2)), [&] {
    helper(notBoolHelper, {frame_, extra != nullptr ? extra : boxed});
    failFromFrame();
  });
  return builder_.CreateICmpEQ(kind, builder_.getInt32(1));
}

void ExpressionCodegen::requireEvent(const std::string& message) {
  failWhen(builder_.CreateIsNull(eventSlots_), [&] { failWithMessage(message); });
}

void ExpressionCodegen::fail(llvm::Value* error) {
  target_.error->addIncoming(error, builder_.GetInsertBlock());
  builder_.CreateBr(target_.block);
  // Anything emitted after a failure is unreachable; give it a block of its own.
  builder_.SetInsertPoint(newBlock("after.fail"));
}

llvm::BasicBlock* ExpressionCodegen::fromFrameBlock() {
  if (target_.fromFrame == nullptr) {
    target_.fromFrame = newBlock("helper.failed");
    llvm::IRBuilder<> cold(target_.fromFrame);
    auto* address = cold.CreateConstInBoundsGEP1_64(cold.getInt8Ty(), outcome_, frame_offset::kOutcomeError);
    auto* error = cold.CreateLoad(pointer_, cold.CreateBitCast(address, pointer_->getPointerTo()));
    target_.error->addIncoming(error, target_.fromFrame);
    cold.CreateBr(target_.block);
  }
  return target_.fromFrame;
}

void ExpressionCodegen::failFromFrame() {
  builder_.CreateBr(fromFrameBlock());
  builder_.SetInsertPoint(newBlock("after.fail"));
}

void ExpressionCodegen::failWithMessage(const std::string& message) {
  fail(constant(Value::error(message)));
}

llvm::Value* ExpressionCodegen::checkPointer(llvm::Value* pointer) {
  auto* ok = newBlock("helper.ok");
  llvm::MDBuilder weights(context_);
  builder_.CreateCondBr(builder_.CreateIsNull(pointer), fromFrameBlock(), ok, weights.createBranchWeights(1, 1000));
  builder_.SetInsertPoint(ok);
  return pointer;
}

llvm::Value* ExpressionCodegen::checkStatus(llvm::Value* status) {
  auto* ok = newBlock("helper.ok");
  llvm::MDBuilder weights(context_);
  builder_.CreateCondBr(builder_.CreateICmpEQ(status, builder_.getInt32(kStatusError)), fromFrameBlock(), ok,
                        weights.createBranchWeights(1, 1000));
  builder_.SetInsertPoint(ok);
  return builder_.CreateICmpEQ(status, builder_.getInt32(1));
}

llvm::Value* ExpressionCodegen::constant(Value value) {
  constants_.push_back(std::move(value));
  const auto index = constants_.size() - 1;
  auto* address = builder_.CreateConstInBoundsGEP1_64(pointer_, constantTable_, index);
  return builder_.CreateLoad(pointer_, address);
}

llvm::Value* ExpressionCodegen::stringConstant(const std::string& text) {
  auto found = stringConstants_.find(text);
  if (found == stringConstants_.end()) {
    constants_.push_back(Value(text));
    found = stringConstants_.emplace(text, constants_.size() - 1).first;
  }
  auto* address = builder_.CreateConstInBoundsGEP1_64(pointer_, constantTable_, found->second);
  return builder_.CreateLoad(pointer_, address);
}

llvm::Value* ExpressionCodegen::withSlowPath(llvm::Value* fastStatus, const std::function<llvm::Value*()>& slow) {
  auto* fastBlock = builder_.GetInsertBlock();
  auto* fastResult = builder_.CreateICmpEQ(fastStatus, builder_.getInt32(1));
  auto* slowBlock = newBlock("slow.path");
  auto* merge = newBlock("slow.merge");
  llvm::MDBuilder weights(context_);
  builder_.CreateCondBr(builder_.CreateICmpEQ(fastStatus, builder_.getInt32(kStatusError)), slowBlock, merge,
                        weights.createBranchWeights(1, 1000));
  builder_.SetInsertPoint(slowBlock);
  llvm::Value* slowResult = slow();
  auto* slowEnd = builder_.GetInsertBlock();
  builder_.CreateBr(merge);
  builder_.SetInsertPoint(merge);
  auto* result = builder_.CreatePHI(i1_, 2);
  result->addIncoming(fastResult, fastBlock);
  result->addIncoming(slowResult, slowEnd);
  return result;
}

llvm::Value* ExpressionCodegen::scratchField() {
  auto* address = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), frame_, frame_offset::kScratch);
  return builder_.CreateBitCast(address, pointer_->getPointerTo());
}

llvm::BasicBlock* ExpressionCodegen::storeScratchIfAny() {
  // A branch, not a store through a select: on the paths that called no helper the scratch
  // is known null, the branch folds away and nothing is stored (the select kept the frame
  // alive, and a dead store in it, on every call).
  auto* scratch = builder_.CreateLoad(pointer_, scratchSoFar_);
  auto* handOver = newBlock("scratch.hand.over");
  auto* none = newBlock("scratch.none");
  builder_.CreateCondBr(builder_.CreateIsNotNull(scratch), handOver, none);
  builder_.SetInsertPoint(handOver);
  auto* outcomeAddress = builder_.CreateBitCast(
      builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), outcome_, frame_offset::kOutcomeScratch),
      pointer_->getPointerTo());
  builder_.CreateStore(scratch, outcomeAddress);
  return none;
}

void ExpressionCodegen::handOverScratch() {
  auto* none = storeScratchIfAny();
  builder_.CreateBr(none);
  builder_.SetInsertPoint(none);
}

void ExpressionCodegen::returnStatus(llvm::Value* status) {
  // Two returns rather than one of a merged status, so the paths without a scratch return
  // `status` as it is.
  auto* none = storeScratchIfAny();
  builder_.CreateRet(builder_.CreateOr(status, builder_.getInt32(kStatusScratch)));
  builder_.SetInsertPoint(none);
  builder_.CreateRet(status);
}

void ExpressionCodegen::storeFrameArguments() {
  const std::pair<unsigned, llvm::Value*> fields[] = {{frame_offset::kContext, contextSlots_},
                                                      {frame_offset::kEvent, eventSlots_},
                                                      {frame_offset::kState, state_},
                                                      {frame_offset::kConstants, function_->getArg(3)},
                                                      {frame_offset::kOutcome, outcome_}};
  for (const auto& [offset, value] : fields) {
    auto* address = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), frame_, offset);
    builder_.CreateStore(value, builder_.CreateBitCast(address, pointer_->getPointerTo()));
  }
}

llvm::Value* ExpressionCodegen::slotBits(llvm::Value* slots, std::uint64_t index) {
  auto* address = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), slots,
                                                      index * frame_offset::kSlotSize + frame_offset::kSlotBits);
  return builder_.CreateLoad(i64_, builder_.CreateBitCast(address, i64_->getPointerTo()));
}

llvm::Value* ExpressionCodegen::slotValue(llvm::Value* slots, std::uint64_t index) {
  auto* address = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), slots,
                                                      index * frame_offset::kSlotSize + frame_offset::kSlotValue);
  return builder_.CreateLoad(pointer_, builder_.CreateBitCast(address, pointer_->getPointerTo()));
}

llvm::Value* ExpressionCodegen::elementArray(std::size_t count) {
  if (stackArrayElements_ + count <= kStackArrayElements) {
    stackArrayElements_ += count;
    return entryAlloca(pointer_, "elements", static_cast<unsigned>(count));
  }
  auto* array = checkPointer(helper("approval_jit_scratch_array", {frame_, builder_.getInt64(count)}));
  return builder_.CreateBitCast(array, pointer_->getPointerTo());
}

llvm::Value* ExpressionCodegen::pointerArray(const std::vector<llvm::Value*>& elements) {
  if (elements.empty()) return llvm::ConstantPointerNull::get(pointer_);
  auto* array = elementArray(elements.size());
  for (std::size_t i = 0; i < elements.size(); ++i) {
    builder_.CreateStore(elements[i], builder_.CreateConstInBoundsGEP1_64(pointer_, array, i));
  }
  return builder_.CreateBitCast(array, pointer_);
}

llvm::Value* ExpressionCodegen::boxedArray(const std::vector<ir::Expr>& operands,
                                           const std::function<void(std::size_t, const CgValue&)>& each) {
  if (operands.empty()) return llvm::ConstantPointerNull::get(pointer_);
  auto* array = elementArray(operands.size());
  for (std::size_t i = 0; i < operands.size(); ++i) {
    const CgValue value = compile(operands[i]);
    if (each) each(i, value);
    builder_.CreateStore(box(value), builder_.CreateConstInBoundsGEP1_64(pointer_, array, i));
  }
  return builder_.CreateBitCast(array, pointer_);
}

llvm::AllocaInst* ExpressionCodegen::entryAlloca(llvm::Type* type, const char* name, unsigned count) {
  llvm::IRBuilder<> entry(allocaBlock_, allocaBlock_->begin());
  return entry.CreateAlloca(type, count == 1 ? nullptr : entry.getInt32(count), name);
}

ExpressionCodegen::ErrorTarget ExpressionCodegen::pushErrorTarget(const char* name) {
  ErrorTarget saved = target_;
  target_ = {};
  target_.block = newBlock(name);
  llvm::IRBuilder<> phiBuilder(target_.block);
  target_.error = phiBuilder.CreatePHI(pointer_, 2, "error");
  return saved;
}

void ExpressionCodegen::popErrorTarget(const ErrorTarget& saved) { target_ = saved; }

}  // namespace approval::jit
