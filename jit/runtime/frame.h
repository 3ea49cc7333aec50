// What runtime helpers receive from generated code: a JitFrame, at the byte offsets below.
// Helpers that fail store their error in the call's JitOutcome (approval/guard_call.h) and
// return null (or status 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "approval/evaluate.h"
#include "approval/guard_call.h"
#include "approval/guard_slots.h"
#include "approval/value.h"

namespace approval::jit {

/// Temporaries of one call (boxed values, lists being built), freed when the call returns.
/// Most guards never need one: the first helper that does creates it (scratchOf).
struct Scratch {
  std::vector<std::unique_ptr<Value>> values;
  std::vector<std::unique_ptr<ValueList>> builders;
  std::vector<std::unique_ptr<const Value*[]>> arrays;  // element arrays past the stack's share
  std::uint64_t concatenated = 0;  // list elements and string bytes `+` built (kMaxConcatenatedSize)

  const Value* keep(Value value) {
    values.push_back(std::make_unique<Value>(std::move(value)));
    return values.back().get();
  }
};

/// What runtime helpers receive: the entry's arguments, stored by generated code (on the
/// paths that call a helper only) into a frame on its own stack.
struct JitFrame {
  const Slot* context = nullptr;
  const Slot* event = nullptr;  // null: no event
  const ApprovalState* state = nullptr;
  const Value* const* constants = nullptr;
  JitOutcome* outcome = nullptr;
  Scratch* scratch = nullptr;  // handed over to `outcome` when the entry returns
};

/// The call's scratch, created on first use; the caller of the entry frees it.
inline Scratch& scratchOf(JitFrame* frame) {
  if (frame->scratch == nullptr) frame->scratch = new Scratch();
  return *frame->scratch;
}

/// Byte offsets generated code uses; checked against the struct here so they never drift.
namespace frame_offset {
inline constexpr unsigned kContext = 0;
inline constexpr unsigned kEvent = 8;
inline constexpr unsigned kState = 16;
inline constexpr unsigned kConstants = 24;
inline constexpr unsigned kOutcome = 32;
inline constexpr unsigned kScratch = 40;
inline constexpr unsigned kFrameSize = 48;
inline constexpr unsigned kOutcomeError = 0;
inline constexpr unsigned kOutcomeScratch = 8;
inline constexpr unsigned kSlotSize = 16;
inline constexpr unsigned kSlotBits = 0;
inline constexpr unsigned kSlotValue = 8;
}  // namespace frame_offset

static_assert(offsetof(JitFrame, context) == frame_offset::kContext);
static_assert(offsetof(JitFrame, event) == frame_offset::kEvent);
static_assert(offsetof(JitFrame, state) == frame_offset::kState);
static_assert(offsetof(JitFrame, constants) == frame_offset::kConstants);
static_assert(offsetof(JitFrame, outcome) == frame_offset::kOutcome);
static_assert(offsetof(JitFrame, scratch) == frame_offset::kScratch);
static_assert(sizeof(JitFrame) == frame_offset::kFrameSize);
static_assert(offsetof(JitOutcome, error) == frame_offset::kOutcomeError);
static_assert(offsetof(JitOutcome, scratch) == frame_offset::kOutcomeScratch);
static_assert(sizeof(Slot) == frame_offset::kSlotSize);
static_assert(offsetof(Slot, bits) == frame_offset::kSlotBits);
static_assert(offsetof(Slot, value) == frame_offset::kSlotValue);

/// Native kinds generated code passes to and from helpers (`unbox`, `box`).
enum class NativeKind : std::int32_t { Bool = 0, Int = 1, Uint = 2, Double = 3, Duration = 4, Timestamp = 5 };

/// Status codes of helpers that return a bool: 0 false, 1 true, 2 error (in frame.error).
inline constexpr std::int32_t kStatusError = 2;
/// Or-ed into a guard entry's status when the call left a scratch for the caller to free.
inline constexpr std::int32_t kStatusScratch = 4;

}  // namespace approval::jit
