// Applies one event (or due timer) to one instance record: payload check, vote, guards in
// declaration order, actions with saga compensation. Pure with respect to the store: it
// returns the answer, the new record and its journal entry; the engine commits them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "approval/engine.h"
#include "approval/store.h"
#include "engine/loaded_machine.h"

namespace approval::runtime {

struct Bindings {
  /// The action bound to a name (null: none). Shared: a bindAction that replaces it while it
  /// runs leaves the running one whole.
  std::function<std::shared_ptr<const HostAction>(std::string_view)> action;
};

/// Runs a bound host action: one that is not bound, or that throws, fails with the reason.
[[nodiscard]] ActionResult callHostAction(const std::shared_ptr<const HostAction>& action, const ActionCall& call);

/// Where a compensation runs: the instance and the event that made it run.
struct CompensationSite {
  std::string_view machine;
  std::string_view instanceId;
  std::string_view tenantId;
  const Event& event;
};

/// Runs one compensation; returns how the answer lists it: `label` and its action's name,
/// with " (failed: ...)" when it failed (a failed compensation stops nothing; `failed`, when
/// given, tells).
[[nodiscard]] std::string runCompensation(const Bindings& bindings, const SagaStep& step, const std::string& label,
                                          const CompensationSite& site, bool* failed = nullptr);

/// A compensation that failed to run, which the step's commit keeps in the saga for a later
/// compensate() to try again.
struct FailedUndo {
  SagaStep step;
  bool stored = false;    // in the saga as loaded: a commit that is lost leaves it there
  std::size_t label = 0;  // where the answer's compensations list it
};

struct Outcome {
  FireAnswer answer;
  InstanceRecord record;           // the record to commit (Stayed, Transitioned)
  JournalEntry journal;
  bool commit = false;             // false: state unchanged, journal only
  /// Failed after `compensate()` ran, or with compensations that failed to run: the saga
  /// changed (what ran is gone, what failed stays), so the record's saga (only) must still be
  /// saved, without applying the event.
  bool sagaConsumed = false;
  bool rearmTimers = false;        // the instance entered a state: its timers change
  /// What taking the step back needs when its commit is lost (another writer changed the
  /// instance, or the store failed) after its host actions ran: the compensations of the
  /// host actions it completed (and did not compensate itself), and the stored saga's steps
  /// a `compensate()` ran, which a retry must not run again.
  std::vector<SagaStep> undo;
  std::vector<SagaStep> compensatedSaga;
  /// The compensations that failed in this step (in a compensate(), or undoing a failed
  /// transition's actions) and that its commit keeps in the saga: a commit that is lost must
  /// keep those not stored already some other way, or their undo is lost.
  std::vector<FailedUndo> failedUndo;
  std::vector<std::pair<std::string, bool>> routed;  // (event name, emitted) to route, in order
};

struct Trigger {
  const Event* event = nullptr;                         // the event as sent (timers: a synthetic one)
  std::optional<ir::TransitionIndex> timerTransition;  // set: a due `after` timer
  TimestampValue time;
};

/// `record` is the instance as loaded; the outcome's record is it after the trigger (on
/// Rejected and Failed: as loaded, except the saga after a `compensate()` that ran).
[[nodiscard]] Outcome applyTrigger(const LoadedMachine& machine, InstanceRecord record, const Trigger& trigger,
                                   const Bindings& bindings);

/// Every timer of the record's state, due its delay after record.enteredAt (past the end of
/// the time range: due at its end), as entering the state arms them. A state entered at the
/// very end arms none: due at once, a timer cycle there would fire for ever.
[[nodiscard]] std::vector<TimerRecord> timersFor(const LoadedMachine& machine, const InstanceRecord& record);

}  // namespace approval::runtime
