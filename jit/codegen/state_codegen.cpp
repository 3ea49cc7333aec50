// `hasQuorum()` and `hasQuorum(n)`: the approval state's counts, asked through its vtable
// the way a C++ caller asks (runtime/state_methods.h), or through the frame-free helpers on
// an ABI whose vtable layout is unknown. Without a state, the reporting helper gives the
// interpreter's error.
#include <llvm/IR/Constants.h>

#include "codegen/expression_codegen.h"
#include "runtime/state_methods.h"

namespace approval::jit {

CgValue ExpressionCodegen::hasQuorum() {
  const auto& offsets = stateMethodOffsets();
  llvm::Value* fast = nullptr;
  if (offsets.quorumVotes && offsets.quorumRequired) {
    fast = withState([&] {
      auto* votes = callStateMethod(*offsets.quorumVotes);
      return builder_.CreateICmpSGE(votes, callStateMethod(*offsets.quorumRequired));
    });
  } else {
    fast = helper("approval_jit_quorum_reached", {state_});
  }
  return {withSlowPath(fast, [&] { return checkStatus(helper("approval_jit_has_quorum", {frame_})); }), Repr::Bool};
}

CgValue ExpressionCodegen::hasQuorumOf(llvm::Value* n) {
  const auto& offsets = stateMethodOffsets();
  llvm::Value* fast = nullptr;
  if (offsets.currentEventVotes) {
    fast = withState([&] { return builder_.CreateICmpSGE(callStateMethod(*offsets.currentEventVotes), n); });
  } else {
    fast = helper("approval_jit_votes_reach", {state_, n});
  }
  return {withSlowPath(fast, [&] { return checkStatus(helper("approval_jit_has_quorum_n", {frame_, n})); }),
          Repr::Bool};
}

llvm::Value* ExpressionCodegen::withState(const std::function<llvm::Value*()>& decide) {
  auto* start = builder_.GetInsertBlock();
  auto* present = newBlock("state.present");
  auto* done = newBlock("state.done");
  builder_.CreateCondBr(builder_.CreateIsNull(state_), done, present);
  builder_.SetInsertPoint(present);
  auto* decided = builder_.CreateZExt(decide(), i32_);
  auto* presentEnd = builder_.GetInsertBlock();
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
  auto* status = builder_.CreatePHI(i32_, 2, "state.status");
  status->addIncoming(builder_.getInt32(kStatusError), start);
  status->addIncoming(decided, presentEnd);
  return status;
}

llvm::Value* ExpressionCodegen::callStateMethod(std::uint64_t slotOffset) {
  auto* methodType = llvm::FunctionType::get(i64_, {pointer_}, false);
  auto* vtable = builder_.CreateLoad(pointer_, builder_.CreateBitCast(state_, pointer_->getPointerTo()), "vtable");
  auto* slot = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), vtable, slotOffset);
  auto* method = builder_.CreateLoad(methodType->getPointerTo(),
                                     builder_.CreateBitCast(slot, methodType->getPointerTo()->getPointerTo()));
  auto* call = builder_.CreateCall(methodType, method, {state_});
  call->addFnAttr(llvm::Attribute::NoUnwind);  // the count methods are noexcept
  return call;
}

}  // namespace approval::jit
