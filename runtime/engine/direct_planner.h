// The engine's side of Store::applyDirect for one event: the direct row, if any, the event
// meets in a stored instance's machine and state, and which of its transitions it takes
// (its guards run here, on the stored context). A step's `set`s are evaluated here too. A
// step that runs host actions is planned twice: the first plan prepares the actions (the
// store applies nothing), the engine runs them outside the store's lock, and the second plan
// lets the store apply the step.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "approval/store.h"
#include "engine/machine_registry.h"

namespace approval::runtime {

/// A chosen step with actions to prepare: the context after its `set`s, and what its host
/// actions are told, taken while the instance was locked. A step with host actions applies
/// only after they succeed.
struct PreparedStep {
  const DirectRow* row = nullptr;
  int step = 0;
  std::uint32_t from = 0;                      // the instance's state
  std::uint64_t version = 0;                   // the record's, when planned (DirectInstance::version)
  std::string tenantId;
  std::vector<std::vector<Value>> arguments;   // each host action's, in the transition's order
  std::int64_t votes = 0;                      // the event's votes, its own counted (the history's)
  std::vector<Value> context;                  // after the step's `set`s (only when it has any)
  /// Each host action's compensation with its arguments (parallel to `arguments`; absent:
  /// none), and the ones there are, in order: what the step adds to the saga.
  std::vector<std::optional<SagaStep>> compensations;
  std::vector<SagaStep> saga;

  [[nodiscard]] const DirectStep& taken() const { return row->steps[static_cast<std::size_t>(step)]; }
};

/// Which decisions a plan may hand the store: any direct one, or only a short step, one the
/// engine may apply without serialising the event first (no host actions, nothing routed).
enum class PlanScope { Any, ShortOnly };

class EventPlanner final : public DirectPlanner {
 public:
  EventPlanner(const MachineRegistry& machines, const std::string& event, PlanScope scope = PlanScope::Any)
      : machines_(machines), event_(event), scope_(scope) {}

  DirectDecision plan(const DirectInstance& instance, const DirectEvent& event) const override;
  std::shared_ptr<const void> keepAlive(const DirectRow& row) const override;
  [[nodiscard]] const std::string* refusal() const override { return refusal_ ? &*refusal_ : nullptr; }
  /// The refusal of the last `plan` call, moved out (the answer takes it, the store has
  /// recorded it).
  [[nodiscard]] std::string takeRefusal() { return refusal_ ? std::move(*refusal_) : std::string(); }
  /// The machine of the last `plan` call.
  [[nodiscard]] const LoadedMachine* machine() const { return machine_; }
  /// After a plan that chose a step with host actions (and so was not direct): that step.
  [[nodiscard]] const PreparedStep* pendingHostActions() const {
    return prepared_ && prepared_->taken().runsHostActions ? &*prepared_ : nullptr;
  }
  /// The host actions ran and succeeded: the next plan chooses their step, if it chooses it
  /// again from the same state.
  void hostActionsSucceeded() { hostActionsRan_ = true; }

 private:
  /// The steps of a row whose first transition is guarded, evaluated in order: the step the
  /// event takes (-1: it stays), whether it can be taken in place or not.
  [[nodiscard]] DirectDecision runGuards(const DirectRow& row, const DirectInstance& instance, const DirectEvent& event,
                                         const std::vector<Value>& payload) const;
  /// Keeps `chosen` if the store may apply it now (with its context when it sets fields),
  /// else empties it; a step with host actions is prepared instead, and not direct until
  /// they ran.
  void settle(DirectDecision& chosen, const DirectInstance& instance, const DirectEvent& event,
              const std::vector<Value>& payload) const;
  /// Evaluates the step's `set`s and host action arguments in order, as the general path
  /// would; nothing when one fails (the general path reports it, after running the actions
  /// before it).
  [[nodiscard]] std::optional<PreparedStep> prepare(const DirectDecision& chosen, const DirectInstance& instance,
                                                    const DirectEvent& event, const std::vector<Value>& payload) const;

  const MachineRegistry& machines_;
  const std::string& event_;
  PlanScope scope_;
  mutable const LoadedMachine* machine_ = nullptr;
  mutable ir::EventIndex eventIndex_ = 0;
  mutable std::optional<PreparedStep> prepared_;
  mutable std::optional<std::string> refusal_;
  bool hostActionsRan_ = false;
};

}  // namespace approval::runtime
