#include "engine/direct_planner.h"

#include <map>
#include <optional>
#include <type_traits>
#include <vector>

#include "approval/evaluate.h"
#include "approval/guard_slots.h"
#include "engine/instance_state.h"
#include "engine/payload_check.h"
#include "store/votes.h"

namespace approval::runtime {

namespace {

/// Most contexts are small: their slots live on the stack.
constexpr std::size_t kStackSlots = 16;

/// Room for the stack's slots, left unfilled: a std::array<Slot, N> zero-fills all of them
/// (a `rep stos` of 256 bytes, slow to start) before the guard reads the few it needs.
union StackSlots {
  StackSlots() {}  // NOLINT: leaves `slots` uninitialised on purpose
  Slot slots[kStackSlots];
};
static_assert(std::is_trivially_destructible_v<Slot>);

}  // namespace

DirectDecision EventPlanner::plan(const DirectInstance& instance, const DirectEvent& event) const {
  refusal_.reset();
  const void* memo = instance.machineMemo != nullptr ? instance.machineMemo->load(std::memory_order_acquire) : nullptr;
  machine_ = memo != nullptr ? static_cast<const LoadedMachine*>(memo) : machines_.cached(instance.machineHash);
  if (machine_ == nullptr) return {};
  // Machines stay loaded while the engine (and so its store) lives.
  if (memo == nullptr && instance.machineMemo != nullptr) {
    instance.machineMemo->store(machine_, std::memory_order_release);
  }
  if (instance.state >= machine_->ir.states.size()) return {};  // the general path reports it
  auto index = machine_->eventByName.find(event_);
  if (index == machine_->eventByName.end()) {
    refusal_ = unknownEventReason(*machine_, event_);
    return {};
  }
  eventIndex_ = index->second;
  static const std::map<std::string, Value> kNoPayload;
  const auto& sent = event.payload != nullptr ? *event.payload : kNoPayload;
  const DirectRow* row = machine_->direct(instance.state, index->second);
  if (row != nullptr && row->plain && sent.empty()) return {row, 0};
  if (row == nullptr) {
    // Refused in the general path's order: the payload first, then the missing transition.
    // A row that is not direct is the general path's, refusals of its payload included.
    if (machine_->row(instance.state, index->second) != nullptr) return {};
    if (auto problem = payloadProblem(*machine_, index->second, event_, sent)) {
      refusal_ = std::move(*problem);
    } else {
      refusal_ = noTransitionReason(event_, machine_->ir.states[instance.state].name);
    }
    return {};
  }
  const bool hasPayload = !sent.empty() || !machine_->payloads[index->second].empty();
  // The common row, an unguarded first transition without host actions or `set`s, needs no
  // guard or action input: the payload is checked, not copied.
  const DirectStep& first = row->steps.front();
  const bool unguarded = first.whenTrue == nullptr;
  const bool readsValues = !unguarded || first.runsHostActions || first.setsContext;
  std::vector<Value> payload;
  if (hasPayload) {
    if (auto problem = payloadProblem(*machine_, index->second, event_, sent, readsValues ? &payload : nullptr)) {
      refusal_ = std::move(*problem);
      return {};
    }
  }
  // Built in place and settled in place: copied, its 8-byte fields read back 16 bytes at a time
  // stalled on store forwarding.
  DirectDecision chosen = unguarded ? DirectDecision{row, 0} : runGuards(*row, instance, event, payload);
  settle(chosen, instance, event, payload);
  return chosen;
}

DirectDecision EventPlanner::runGuards(const DirectRow& row, const DirectInstance& instance, const DirectEvent& event,
                                       const std::vector<Value>& payload) const {
  StackSlots stackSlots;
  std::vector<Slot> heapSlots;
  std::span<const Slot> context;
  std::optional<SlotValues> eventSlots;  // built for the first guard, when guards read the event
  // The event's vote is not stored yet, but guards count it (as the general path does).
  const InstanceState state(*machine_, *instance.votes, instance.context, instance.enteredAt, *row.event, event.time,
                            event.actor);
  for (std::size_t i = 0; i < row.steps.size(); ++i) {
    const DirectStep& step = row.steps[i];
    if (step.whenTrue == nullptr) return {&row, static_cast<int>(i)};  // unguarded: taken
    if (context.empty() && !instance.context.empty()) {
      Slot* slots = stackSlots.slots;
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
      case jit::GuardStatus::True: return {&row, static_cast<int>(i)};
      case jit::GuardStatus::False: break;
      case jit::GuardStatus::Error: return {};  // the general path evaluates and reports it
    }
  }
  return {&row, -1};  // every guard was false: the event stays
}

void EventPlanner::settle(DirectDecision& chosen, const DirectInstance& instance, const DirectEvent& event,
                          const std::vector<Value>& payload) const {
  if (chosen.row == nullptr) return;
  const auto decline = [&chosen] { chosen = {}; };
  // Routed events keep the order their instance applied them in only when serialised.
  if (scope_ == PlanScope::ShortOnly && chosen.routes()) return decline();
  if (chosen.step < 0) return;
  const DirectStep& step = chosen.row->steps[static_cast<std::size_t>(chosen.step)];
  if (!step.takeable) return decline();  // its actions need the general path
  if (scope_ == PlanScope::ShortOnly && step.runsHostActions) return decline();  // they run outside the store's lock
  if (!step.runsHostActions && !step.setsContext) return;
  if (!hostActionsRan_) {
    prepared_ = prepare(chosen, instance, event, payload);
    if (!prepared_ || step.runsHostActions) return decline();  // nothing applies before the actions succeed
  } else if (!prepared_ || prepared_->row != chosen.row || prepared_->step != chosen.step ||
             prepared_->from != instance.state || prepared_->version != instance.version) {
    return decline();
  }
  chosen.context = step.setsContext ? &prepared_->context : nullptr;
  chosen.saga = prepared_->saga.empty() ? nullptr : &prepared_->saga;
}

std::optional<PreparedStep> EventPlanner::prepare(const DirectDecision& chosen, const DirectInstance& instance,
                                                  const DirectEvent& event, const std::vector<Value>& payload) const {
  const DirectRow& row = *chosen.row;
  const DirectStep& step = row.steps[static_cast<std::size_t>(chosen.step)];
  PreparedStep prepared{&row, chosen.step, instance.state, instance.version, std::string(instance.tenantId), {},
                        countVotes(*instance.votes, *row.event, event.actor), {}, {}, {}};
  if (step.setsContext) prepared.context.assign(instance.context.begin(), instance.context.end());
  const std::span<const Value> context = step.setsContext ? std::span<const Value>(prepared.context) : instance.context;
  // What the general path's actions see: the event with its declared payload (defaults
  // filled in), the context as the actions before have set it, and the votes with the
  // event's own (quorum policies read the stored context).
  std::optional<EventView> view;
  std::optional<InstanceState> state;
  auto evaluated = [&](const ir::Expr& expr) {
    if (!view) {
      view.emplace(EventView{std::string(event.id), std::string(event.actor), event.time,
                             payloadByName(*machine_, eventIndex_, payload)});
      state.emplace(*machine_, *instance.votes, instance.context, instance.enteredAt, *row.event, event.time,
                    event.actor);
    }
    return evaluate(expr, Environment{context, &*view, &*state});
  };
  auto arguments = [&](const ir::Call& call) -> std::optional<std::vector<Value>> {
    std::vector<Value> values;
    for (const auto& argument : call.arguments) {
      Value value = evaluated(argument);
      if (value.isError()) return std::nullopt;
      values.push_back(std::move(value));
    }
    return values;
  };
  for (const auto& action : machine_->ir.transitions[step.transition].actions) {
    const ir::Call& call = action.call;
    if (call.kind == ir::Call::Kind::Set) {
      Value value = evaluated(call.arguments[1]);
      // The general path reports either problem.
      if (value.isError() || setValueProblem(*machine_, call, value)) return std::nullopt;
      prepared.context[call.arguments[0].ref] = std::move(value);
    } else if (call.kind == ir::Call::Kind::Host) {
      auto values = arguments(call);
      if (!values) return std::nullopt;
      prepared.arguments.push_back(std::move(*values));
      auto& compensation = prepared.compensations.emplace_back();
      // Host actions change no context, so the general path's compensation arguments,
      // evaluated after the action ran, are these.
      if (action.compensation) {
        auto undo = arguments(*action.compensation);
        if (!undo) return std::nullopt;
        compensation = SagaStep{action.compensation->name, std::move(*undo)};
        prepared.saga.push_back(*compensation);
      }
    }
  }
  return prepared;
}

std::shared_ptr<const void> EventPlanner::keepAlive(const DirectRow& row) const {
  return static_cast<const LoadedMachine*>(row.owner)->shared_from_this();
}

}  // namespace approval::runtime
