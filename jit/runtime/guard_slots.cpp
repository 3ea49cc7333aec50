#include "approval/guard_slots.h"

#include <bit>

namespace approval {

Slot slotOf(const Value& value) {
  Slot slot;
  slot.value = &value;
  if (value.is<bool>()) slot.bits = value.as<bool>() ? 1 : 0;
  if (value.is<std::int64_t>()) slot.bits = static_cast<std::uint64_t>(value.as<std::int64_t>());
  if (value.is<std::uint64_t>()) slot.bits = value.as<std::uint64_t>();
  if (value.is<double>()) slot.bits = std::bit_cast<std::uint64_t>(value.as<double>());
  if (value.is<DurationValue>()) slot.bits = static_cast<std::uint64_t>(value.as<DurationValue>().nanoseconds);
  if (value.is<TimestampValue>()) slot.bits = static_cast<std::uint64_t>(value.as<TimestampValue>().nanoseconds);
  return slot;
}

SlotValues::SlotValues(std::vector<Value> values) : values_(std::move(values)) {
  slots_.reserve(values_.size());
  for (const auto& value : values_) slots_.push_back(slotOf(value));
}

SlotValues& SlotValues::operator=(const SlotValues& other) {
  if (this != &other) *this = SlotValues(other.values_);
  return *this;
}

void SlotValues::set(std::size_t index, Value value) {
  values_.at(index) = std::move(value);
  slots_[index] = slotOf(values_[index]);
}

void SlotValues::clear(std::size_t index) {
  values_.at(index) = Value();
  slots_[index] = Slot{};
}

}  // namespace approval
