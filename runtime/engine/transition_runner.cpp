#include "engine/transition_runner.h"

#include <algorithm>
#include <span>

#include "approval/evaluate.h"
#include "approval/guard_slots.h"
#include "clock/time_arithmetic.h"
#include "engine/instance_state.h"
#include "engine/payload_check.h"
#include "engine/typed_values.h"

namespace approval::runtime {

namespace {

std::string describeVerdict(const Value& verdict) {
  if (verdict.isError()) return "error: " + verdict.as<ErrorValue>().message;
  return verdict.is<bool>() && verdict.as<bool>() ? "true" : "false";
}

/// Runs one transition's actions; on failure compensates what it completed, in reverse.
class ActionRunner {
 public:
  ActionRunner(const LoadedMachine& machine, const InstanceRecord& record, const Event& event, const EventView& view,
               const ApprovalState& state, const Bindings& bindings, FireAnswer& answer)
      : machine_(machine), record_(record), event_(event), view_(view), state_(state), bindings_(bindings),
        answer_(answer), context_(record.context), saga_(record.saga), sagaOrigins_(saga_.size(), Origin{true, {}}) {}

  /// True when every action succeeded.
  bool run(const ir::Transition& transition) {
    for (const auto& action : transition.actions) {
      if (!runAction(action)) {
        // What fails to undo stays in the saga: a later compensate() tries it again.
        std::vector<std::size_t> labels;
        for (const std::size_t failed : compensate(completed_, "compensation of ", labels)) {
          failedRollback_.push_back({completed_[failed], false, labels[failed]});
        }
        return false;
      }
    }
    return true;
  }

  std::vector<Value>& context() { return context_; }
  [[nodiscard]] bool sagaConsumed() const { return sagaConsumed_; }
  /// After a failure: the saga to keep, what compensate() left of the stored one (all of it
  /// when none ran) and this transition's compensations that failed to undo its actions.
  [[nodiscard]] std::vector<SagaStep> sagaAfterFailure() const {
    std::vector<SagaStep> kept = saga_;
    for (const FailedUndo& failed : failedRollback_) kept.push_back(failed.step);
    return kept;
  }
  [[nodiscard]] bool sagaChangedByFailure() const { return sagaConsumed_ || !failedRollback_.empty(); }
  /// This transition's own compensations not run yet (its completed host actions').
  [[nodiscard]] const std::vector<SagaStep>& completed() const { return completed_; }
  /// The stored saga's steps a `compensate()` of this transition ran (and that did not fail).
  [[nodiscard]] const std::vector<SagaStep>& compensatedSaga() const { return compensatedSaga_; }
  /// The compensations that failed and that the saga keeps: those a compensate() left in it,
  /// then (after a failure) the ones that failed to undo this transition's actions.
  [[nodiscard]] std::vector<FailedUndo> failedUndo() const {
    std::vector<FailedUndo> failed;
    for (std::size_t i = 0; i < saga_.size(); ++i) {
      if (sagaOrigins_[i].failedLabel) failed.push_back({saga_[i], sagaOrigins_[i].stored, *sagaOrigins_[i].failedLabel});
    }
    failed.insert(failed.end(), failedRollback_.begin(), failedRollback_.end());
    return failed;
  }
  std::vector<SagaStep> saga() const {
    std::vector<SagaStep> all = saga_;
    all.insert(all.end(), completed_.begin(), completed_.end());
    return all;
  }

 private:
  Environment environment() const { return Environment{context_, &view_, &state_}; }

  bool failAction(const std::string& action, std::string error) {
    answer_.kind = FireAnswer::Kind::Failed;
    answer_.failedAction = action;
    answer_.reason = std::move(error);
    return false;
  }

  std::optional<std::vector<Value>> arguments(const ir::Call& call, std::string& error) const {
    std::vector<Value> values;
    for (std::size_t i = 0; i < call.arguments.size(); ++i) {
      Value value = evaluate(call.arguments[i], environment());
      if (value.isError()) {
        error = "argument " + std::to_string(i + 1) + " of `" + call.name + "`: " + value.as<ErrorValue>().message;
        return std::nullopt;
      }
      values.push_back(std::move(value));
    }
    return values;
  }

  ActionResult callHost(const std::string& name, const std::vector<Value>& args) const {
    const ActionCall call{name, args, machine_.ir.name, record_.instanceId, record_.tenantId, event_, false};
    return callHostAction(bindings_.action(name), call);
  }

  bool runAction(const ir::Action& action) {
    const ir::Call& call = action.call;
    switch (call.kind) {
      case ir::Call::Kind::Set: {
        if (call.arguments.size() != 2 || call.arguments[0].kind != ir::ExprKind::ContextField) {
          return failAction("set", "malformed set()");
        }
        Value value = evaluate(call.arguments[1], environment());
        const auto field = call.arguments[0].ref;
        const std::string label = setActionLabel(machine_.ir.context.at(field).name);
        if (value.isError()) return failAction(label, value.as<ErrorValue>().message);
        if (auto problem = setValueProblem(machine_, call, value)) return failAction(label, std::move(*problem));
        context_.at(field) = std::move(value);
        answer_.actions.push_back(label);
        return true;
      }
      case ir::Call::Kind::Emit: {
        const std::string* name = emittedEvent(call);
        if (name == nullptr) return failAction("emit", "emit() needs an event name");
        answer_.emitted.push_back(*name);
        answer_.actions.push_back(emitActionLabel(*name));
        return true;
      }
      case ir::Call::Kind::Compensate: {
        // The saga: every compensation registered so far, newest first.
        std::vector<SagaStep> steps = saga_;
        steps.insert(steps.end(), completed_.begin(), completed_.end());
        std::vector<Origin> origins = sagaOrigins_;
        origins.resize(steps.size(), Origin{false, {}});  // this transition's own
        std::vector<std::size_t> labels;
        const std::vector<std::size_t> failed = compensate(steps, "", labels);
        // A step that failed to run stays registered, for the next compensate() to try again.
        saga_.clear();
        sagaOrigins_.clear();
        auto nextFailed = failed.begin();
        for (std::size_t i = 0; i < steps.size(); ++i) {
          if (nextFailed != failed.end() && *nextFailed == i) {
            ++nextFailed;
            saga_.push_back(steps[i]);
            sagaOrigins_.push_back({origins[i].stored, labels[i]});
          } else if (origins[i].stored) {
            // Only the stored steps that ran: a retry after a lost commit, which loads the
            // saga again, keeps the ones that failed and tries them again.
            compensatedSaga_.push_back(steps[i]);
          }
        }
        completed_.clear();
        sagaConsumed_ = true;
        answer_.actions.push_back("compensate()");
        return true;
      }
      case ir::Call::Kind::Host: {
        std::string error;
        auto values = arguments(call, error);
        if (!values) return failAction(call.name, error);
        // The compensation's arguments first: an action whose undo cannot be computed must
        // not run, or the saga could never take it back (host actions change no context, so
        // the arguments are the same before the call as after it).
        std::optional<std::vector<Value>> undo;
        if (action.compensation) {
          undo = arguments(*action.compensation, error);
          if (!undo) {
            return failAction(call.name, "not called, because its compensation cannot be computed: " + error);
          }
        }
        ActionResult result = callHost(call.name, *values);
        if (result.error) return failAction(call.name, *result.error);
        answer_.actions.push_back(call.name);
        if (undo) completed_.push_back({action.compensation->name, std::move(*undo)});
        return true;
      }
    }
    return failAction(call.name, "unknown action kind");
  }

  /// Runs `steps`, newest first; returns the positions of the ones that failed, ascending.
  /// `labels[i]` is where the answer lists steps[i].
  std::vector<std::size_t> compensate(const std::vector<SagaStep>& steps, const std::string& label,
                                      std::vector<std::size_t>& labels) {
    const CompensationSite site{machine_.ir.name, record_.instanceId, record_.tenantId, event_};
    std::vector<std::size_t> failed;
    labels.assign(steps.size(), 0);
    for (std::size_t i = steps.size(); i-- > 0;) {
      bool stepFailed = false;
      labels[i] = answer_.compensations.size();
      answer_.compensations.push_back(runCompensation(bindings_, steps[i], label, site, &stepFailed));
      if (stepFailed) failed.insert(failed.begin(), i);
    }
    return failed;
  }

  const LoadedMachine& machine_;
  const InstanceRecord& record_;
  const Event& event_;
  const EventView& view_;
  const ApprovalState& state_;
  const Bindings& bindings_;
  FireAnswer& answer_;
  std::vector<Value> context_;
  /// Where a step of saga_ comes from: the saga as loaded (`stored`) or this transition, and
  /// where the answer lists it when a compensate() ran it and it failed.
  struct Origin {
    bool stored = false;
    std::optional<std::size_t> failedLabel;
  };
  std::vector<SagaStep> saga_;
  std::vector<Origin> sagaOrigins_;  // parallel to saga_
  std::vector<SagaStep> completed_;  // this transition's compensations
  std::vector<SagaStep> compensatedSaga_;
  std::vector<FailedUndo> failedRollback_;  // this transition's compensations that failed, after a failure
  bool sagaConsumed_ = false;
};

}  // namespace

ActionResult callHostAction(const std::shared_ptr<const HostAction>& action, const ActionCall& call) {
  if (action == nullptr) return ActionResult::failure("host action `" + std::string(call.action) + "` is not bound");
  try {
    return (*action)(call);
  } catch (const std::exception& error) {
    return ActionResult::failure(std::string("threw: ") + error.what());
  } catch (...) {  // a host's own exception types, or `throw 42`: still a failure, never terminate()
    return ActionResult::failure("threw something that is not a std::exception");
  }
}

std::string runCompensation(const Bindings& bindings, const SagaStep& step, const std::string& label,
                            const CompensationSite& site, bool* failed) {
  const ActionCall call{step.action, step.arguments, site.machine, site.instanceId, site.tenantId, site.event, true};
  const ActionResult result = callHostAction(bindings.action(step.action), call);
  if (failed != nullptr) *failed = result.error.has_value();
  return label + step.action + (result.error ? " (failed: " + *result.error + ")" : "");
}

std::vector<TimerRecord> timersFor(const LoadedMachine& machine, const InstanceRecord& record) {
  std::vector<TimerRecord> timers;
  if (record.state >= machine.timersByState.size()) return timers;
  for (const DirectTimer& timer : machine.timersByState[record.state]) {
    const std::int64_t due = dueAfter(record.enteredAt.nanoseconds, timer.delayNanos);
    if (due == record.enteredAt.nanoseconds) continue;  // entered at the end of time: never due
    timers.push_back({record.instanceId, timer.transition, record.visit, TimestampValue{due}});
  }
  return timers;
}

Outcome applyTrigger(const LoadedMachine& machine, InstanceRecord record, const Trigger& trigger,
                     const Bindings& bindings) {
  const ir::Machine& ir = machine.ir;
  const Event& event = *trigger.event;
  Outcome out;
  out.record = std::move(record);
  const InstanceRecord& current = out.record;
  out.journal = {event.id, event.name, event.actor, trigger.time, "", "", {}, {}, {}, 0};
  FireAnswer& answer = out.answer;
  answer.from = ir.states.at(current.state).name;
  auto reject = [&](std::string reason) {
    answer.kind = FireAnswer::Kind::Rejected;
    answer.reason = std::move(reason);
    // The entry a store records for a refusal it finds in place.
    out.journal = refusedEntry(event.id, event.name, event.actor, trigger.time, answer.reason);
    return out;
  };

  std::span<const ir::TransitionIndex> candidates;  // the row's, or the timer's one transition
  decltype(InstanceRecord::votes) votesBefore;
  std::map<std::string, Value> payload;
  std::vector<Value> payloadSlots;
  if (trigger.timerTransition) {
    candidates = {&*trigger.timerTransition, 1};
  } else {
    auto found = machine.eventByName.find(event.name);
    if (found == machine.eventByName.end()) return reject(unknownEventReason(machine, event.name));
    auto checked = checkPayload(machine, found->second, event.name, event.payload);
    if (!checked) return reject(checked.error().message);
    payloadSlots = std::move(checked).value();
    payload = payloadByName(machine, found->second, payloadSlots);
    const ir::EventRow* row = machine.row(current.state, found->second);
    if (row == nullptr) return reject(noTransitionReason(event.name, answer.from));
    candidates = row->transitions;  // the machine outlives this call: no copy
    votesBefore = out.record.votes;  // a failed event leaves the votes as they were
    addVote(out.record.votes, event.name, event.actor);
  }

  const EventView view{event.id, event.actor, trigger.time, payload};
  InstanceState state(machine, out.record, event.name, trigger.time);
  out.journal.votes = trigger.timerTransition ? 0 : state.currentEventVotes();
  // Guard inputs are built on the first guarded candidate: most events meet none.
  std::vector<Slot> contextSlots;
  std::optional<SlotValues> eventSlots;
  auto guardInput = [&]() -> jit::GuardInput {
    if (!eventSlots) {
      contextSlots.reserve(out.record.context.size());
      for (const auto& value : out.record.context) contextSlots.push_back(slotOf(value));
      std::vector<Value> eventValues = {Value(event.id), Value(event.actor), Value(trigger.time)};
      eventValues.insert(eventValues.end(), payloadSlots.begin(), payloadSlots.end());
      eventSlots.emplace(std::move(eventValues));
    }
    return {contextSlots, eventSlots->slots(), &state};
  };
  const Environment environment{out.record.context, &view, &state};

  std::optional<ir::TransitionIndex> chosen;
  for (const auto index : candidates) {
    const auto& transition = ir.transitions[index];
    if (!transition.guard) {
      chosen = index;
      break;
    }
    Value verdict(true);
    if (machine.guards) {
      std::string message;
      const jit::GuardStatus status = machine.guards->test(index, guardInput(), &message);
      verdict = status == jit::GuardStatus::Error ? Value::error(std::move(message))
                                                  : Value(status == jit::GuardStatus::True);
    } else {
      verdict = evaluateGuard(*transition.guard, environment);
    }
    const std::string label = "transition " + std::to_string(transition.declaration + 1) + " → " +
                              ir.states.at(transition.target).name;
    out.journal.guards.push_back(label + ": " + describeVerdict(verdict));
    if (verdict.isError()) answer.guardErrors.push_back(label + ": " + verdict.as<ErrorValue>().message);
    if (verdict.is<bool>() && verdict.as<bool>()) {
      chosen = index;
      break;
    }
  }

  if (!chosen) {
    answer.kind = FireAnswer::Kind::Stayed;
    out.journal.answer = "Stayed";
    out.journal.detail = answer.from;
    out.commit = true;
    if (!trigger.timerTransition) out.routed.emplace_back(event.name, false);
    return out;
  }

  const ir::Transition& transition = ir.transitions[*chosen];
  ActionRunner runner(machine, out.record, event, view, state, bindings, answer);
  const bool succeeded = runner.run(transition);
  out.compensatedSaga = runner.compensatedSaga();
  out.failedUndo = runner.failedUndo();
  if (succeeded) out.undo = runner.completed();  // a failure compensated them already
  out.journal.actions = answer.actions;
  out.journal.actions.insert(out.journal.actions.end(), answer.compensations.begin(), answer.compensations.end());
  if (!succeeded) {
    if (runner.sagaChangedByFailure()) {
      out.sagaConsumed = true;
      // Only the saga changes: compensate() ran its steps, and the failed transition's own
      // steps ran already; what failed to run stays. The event's vote is not kept.
      out.record.votes = std::move(votesBefore);
      out.record.saga = runner.sagaAfterFailure();
    }
    out.journal.answer = "Failed";
    out.journal.detail = answer.failedAction + ": " + answer.reason;
    answer.actions.clear();
    answer.emitted.clear();
    return out;
  }
  answer.kind = FireAnswer::Kind::Transitioned;
  answer.to = ir.states.at(transition.target).name;
  out.record.context = std::move(runner.context());
  out.record.saga = runner.saga();
  out.record.state = transition.target;
  out.record.enteredAt = trigger.time;
  ++out.record.visit;
  out.record.votes.clear();  // votes belong to one visit of a state
  out.commit = true;
  out.rearmTimers = true;
  out.journal.answer = "Transitioned";
  out.journal.detail = std::string(answer.from) + " → " + std::string(answer.to);
  out.journal.emitted = answer.emitted;
  if (!trigger.timerTransition) out.routed.emplace_back(event.name, false);
  for (const auto& emitted : answer.emitted) out.routed.emplace_back(emitted, true);
  return out;
}

}  // namespace approval::runtime
