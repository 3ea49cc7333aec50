// What generated code receives: one JitFrame per call, laid out as codegen/frame_layout.h
// says. Helpers that fail store their error in `error` and return null (or status 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "approval/evaluate.h"
#include "approval/guard_slots.h"
#include "approval/value.h"

namespace approval::jit {

/// Temporaries of one call (boxed values, lists being built), freed when the call returns.
/// Most guards never need one: it is created on first use (LazyScratch).
struct Scratch {
  std::vector<std::unique_ptr<Value>> values;
  std::vector<std::unique_ptr<ValueList>> builders;

  const Value* keep(Value value) {
    values.push_back(std::make_unique<Value>(std::move(value)));
    return values.back().get();
  }
};

class LazyScratch {
 public:
  Scratch& get() {
    if (!scratch_) scratch_.emplace();
    return *scratch_;
  }

 private:
  std::optional<Scratch> scratch_;
};

struct JitFrame {
  const Slot* context = nullptr;
  const Slot* event = nullptr;  // null: no event
  const ApprovalState* state = nullptr;
  const Value* const* constants = nullptr;
  const Value* error = nullptr;  // set by a failing helper, or by the entry on its error exit
  LazyScratch* scratch = nullptr;
};

/// Byte offsets generated code uses; checked against the struct here so they never drift.
namespace frame_offset {
inline constexpr unsigned kContext = 0;
inline constexpr unsigned kEvent = 8;
inline constexpr unsigned kState = 16;
inline constexpr unsigned kConstants = 24;
inline constexpr unsigned kError = 32;
inline constexpr unsigned kSlotSize = 16;
inline constexpr unsigned kSlotBits = 0;
inline constexpr unsigned kSlotValue = 8;
}  // namespace frame_offset

static_assert(offsetof(JitFrame, context) == frame_offset::kContext);
static_assert(offsetof(JitFrame, event) == frame_offset::kEvent);
static_assert(offsetof(JitFrame, state) == frame_offset::kState);
static_assert(offsetof(JitFrame, constants) == frame_offset::kConstants);
static_assert(offsetof(JitFrame, error) == frame_offset::kError);
static_assert(sizeof(Slot) == frame_offset::kSlotSize);
static_assert(offsetof(Slot, bits) == frame_offset::kSlotBits);
static_assert(offsetof(Slot, value) == frame_offset::kSlotValue);

/// Native kinds generated code passes to and from helpers (`unbox`, `box`).
enum class NativeKind : std::int32_t { Bool = 0, Int = 1, Uint = 2, Double = 3, Duration = 4, Timestamp = 5 };

/// Status codes of helpers that return a bool: 0 false, 1 true, 2 error (in frame.error).
inline constexpr std::int32_t kStatusError = 2;

}  // namespace approval::jit
