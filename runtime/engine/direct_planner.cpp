#include "engine/direct_planner.h"

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "approval/guard_slots.h"
#include "engine/instance_state.h"
#include "engine/payload_check.h"

namespace approval::runtime {

namespace {

/// Most contexts are small: their slots live on the stack.
constexpr std::size_t kStackSlots = 16;

/// Takes `row->steps[step]`, unless its actions or timers need the general path (then: not direct).
DirectDecision chosen(const DirectRow* row, std::size_t step) {
  if (!row->steps[step].takeable) return {};
  return {row, static_cast<int>(step)};
}

}  // namespace

DirectDecision EventPlanner::plan(const DirectInstance& instance, const DirectEvent& event) const {
  machine_ = machines_.cached(instance.machineHash);
  if (machine_ == nullptr) return {};
  auto index = machine_->eventByName.find(event_);
  if (index == machine_->eventByName.end()) return {};
  const DirectRow* row = machine_->direct(instance.state, index->second);
  if (row == nullptr) return {};
  // A payload the event may not carry is refused by the general path, with its reason.
  static const std::map<std::string, Value> kNoPayload;
  const auto& sent = event.payload != nullptr ? *event.payload : kNoPayload;
  const bool hasPayload = !sent.empty() || !machine_->payloads[index->second].empty();
  // The common row, an unguarded first transition, needs no guard input: the payload is
  // checked, not copied.
  const bool unguarded = row->steps.front().whenTrue == nullptr;
  std::vector<Value> payload;
  if (hasPayload && payloadProblem(*machine_, index->second, event_, sent, unguarded ? nullptr : &payload)) return {};
  if (unguarded) return chosen(row, 0);
  return runGuards(*row, instance, event, payload);
}

DirectDecision EventPlanner::runGuards(const DirectRow& row, const DirectInstance& instance, const DirectEvent& event,
                                       const std::vector<Value>& payload) const {
  std::array<Slot, kStackSlots> stackSlots;
  std::vector<Slot> heapSlots;
  std::span<const Slot> context;
  std::optional<SlotValues> eventSlots;  // built for the first guard, when guards read the event
  // The event's vote is not stored yet, but guards count it (as the general path does).
  const InstanceState state(*machine_, *instance.votes, instance.context, instance.enteredAt, *row.event, event.time,
                            event.actor);
  for (std::size_t i = 0; i < row.steps.size(); ++i) {
    const DirectStep& step = row.steps[i];
    if (step.whenTrue == nullptr) return chosen(&row, i);  // unguarded: taken
    if (context.empty() && !instance.context.empty()) {
      Slot* slots = stackSlots.data();
      if (instance.context.size() > kStackSlots) {
        heapSlots.resize(instance.context.size());
        slots = heapSlots.data();
      }
      for (std::size_t f = 0; f < instance.context.size(); ++f) slots[f] = slotOf(instance.context[f]);
      context = {slots, instance.context.size()};
    }
    if (row.readsEvent && !eventSlots) {
      std::vector<Value> values{Value(std::string(event.id)), Value(std::string(event.actor)), Value(event.time)};
      values.insert(values.end(), payload.begin(), payload.end());
      eventSlots.emplace(std::move(values));
    }
    const jit::GuardInput input{context, eventSlots ? eventSlots->slots() : std::span<const Slot>(), &state};
    switch (machine_->guards->test(step.transition, input, nullptr)) {
      case jit::GuardStatus::True: return chosen(&row, i);
      case jit::GuardStatus::False: break;
      case jit::GuardStatus::Error: return {};  // the general path evaluates and reports it
    }
  }
  return {&row, -1};  // every guard was false: the event stays
}

std::shared_ptr<const void> EventPlanner::keepAlive(const DirectRow& row) const {
  return static_cast<const LoadedMachine*>(row.owner)->shared_from_this();
}

}  // namespace approval::runtime
