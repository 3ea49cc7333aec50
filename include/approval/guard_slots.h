// The fixed layout compiled guards read their inputs from: one 16-byte slot per context
// field (indexed like ir::Machine::context) and per event field. Scalars (bool, int, uint,
// double, duration, timestamp) are read from `bits` without a call; strings, lists and maps
// through `value`. No field is ever looked up by name at run time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "approval/value.h"

namespace approval {

struct Slot {
  /// bool: 0/1; int, duration, timestamp: the int64 (nanoseconds); uint: the uint64;
  /// double: its IEEE bits. Zero for other kinds.
  std::uint64_t bits = 0;
  /// The whole value (never null for a present field; null marks an absent event field).
  const Value* value = nullptr;
};

/// The slot of `value`, pointing at it: `value` must outlive every use of the slot.
[[nodiscard]] Slot slotOf(const Value& value);

/// Event slots: id, actor and time first, then the event's declared payload fields in order.
inline constexpr std::size_t kEventIdSlot = 0;
inline constexpr std::size_t kEventActorSlot = 1;
inline constexpr std::size_t kEventTimeSlot = 2;
inline constexpr std::size_t kEventPayloadSlot = 3;

/// Values with their slots, kept together so the slots' pointers stay valid: an instance's
/// context, or an event being applied. The number of fields is fixed at construction.
class SlotValues {
 public:
  SlotValues() = default;
  explicit SlotValues(std::vector<Value> values);
  SlotValues(const SlotValues& other) : SlotValues(other.values_) {}
  SlotValues& operator=(const SlotValues& other);
  SlotValues(SlotValues&&) noexcept = default;  // vector moves keep element addresses
  SlotValues& operator=(SlotValues&&) noexcept = default;

  void set(std::size_t index, Value value);
  /// Marks an event field absent (`has(event.x)` is false; reading it is an error).
  void clear(std::size_t index);
  [[nodiscard]] std::span<const Value> values() const { return values_; }
  [[nodiscard]] std::span<const Slot> slots() const { return slots_; }
  [[nodiscard]] std::size_t size() const { return values_.size(); }

 private:
  std::vector<Value> values_;
  std::vector<Slot> slots_;
};

}  // namespace approval
