// The engine's state and its steps, shared by the files that implement them: engine.cpp
// (loading, bindings, the direct path, routes and the public API), general_path.cpp (load,
// apply and commit, with lost commits taken back) and engine_timers.cpp (due timers and the
// timer thread).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <limits>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <tuple>
#include <utility>

#include "approval/engine.h"
#include "approval/compiler.h"
#include "approval/ir_verify.h"
#include "approval/ir_json.h"
#include "approval/json_input.h"
#include "approval/lower.h"
#include "approval/render.h"
#include "approval/utf8.h"
#include "clock/time_arithmetic.h"
#include "engine/direct_host_actions.h"
#include "engine/direct_planner.h"
#include "engine/instance_stripes.h"
#include "engine/loaded_machine.h"
#include "engine/machine_registry.h"
#include "engine/payload_check.h"
#include "engine/thrown_as_error.h"
#include "engine/timer_wake.h"
#include "engine/transition_runner.h"
#include "engine/typed_values.h"
#include "routes/route_queue.h"

namespace approval::runtime {

inline constexpr int kCommitAttempts = 8;
inline constexpr std::int64_t kMinTimerRetry = 1'000'000;  // 1 ms
/// Timers one round of runDueTimers reads from the store, besides the ones it refused.
inline constexpr std::size_t kTimersPerRound = 1024;

/// When the first of `timers` is due (none: no timers).
inline std::optional<std::int64_t> earliestDue(const std::vector<TimerRecord>& timers) {
  if (timers.empty()) return std::nullopt;
  return std::min_element(timers.begin(), timers.end(), [](const TimerRecord& a, const TimerRecord& b) {
           return a.due.nanoseconds < b.due.nanoseconds;
         })->due.nanoseconds;
}

/// The shortest delay of a direct step's timers (not empty).
inline std::int64_t earliestDelay(const std::vector<DirectTimer>& timers) {
  return std::min_element(timers.begin(), timers.end(), [](const DirectTimer& a, const DirectTimer& b) {
           return a.delayNanos < b.delayNanos;
         })->delayNanos;
}

inline FireAnswer rejected(std::string reason) {
  FireAnswer answer;
  answer.kind = FireAnswer::Kind::Rejected;
  answer.reason = std::move(reason);
  return answer;
}

/// How an answer's reason says that compensations that failed could not be kept in the saga:
/// nothing will retry them, so the host must undo what they stand for itself.
inline std::string notKeptInSaga(std::string_view problem) {
  return " (the compensations that failed are not kept in the saga: " + std::string(problem) + ")";
}

/// What taking back the host actions of steps whose commit was lost leaves for the answer
/// that follows (the retry's, or the refusal's).
struct TakenBack {
  std::vector<std::string> compensations;  // as the answer lists them, in the order they ran
  std::string notKept;                     // why the saga could not keep those that failed; empty: it did

  /// Puts them in `answer`: these compensations before its own, notKept after its reason.
  void addTo(FireAnswer& answer) && {
    answer.compensations.insert(answer.compensations.begin(), std::make_move_iterator(compensations.begin()),
                                std::make_move_iterator(compensations.end()));
    if (!notKept.empty()) answer.reason += notKeptInSaga(notKept);
  }
};

/// What an attempt whose commit was lost ran besides its host actions: the compensations of
/// its `compensate()` or of its failed transition, as its answer listed them (they ran, so
/// the answer that follows lists them too), and those of them that failed, which its commit
/// would have kept in the saga.
struct LostAttempt {
  std::vector<std::string> compensations;
  std::vector<FailedUndo> failed;
};

struct Engine::Impl {
  /// Tells this engine's handles from those of every other engine of the process, destroyed
  /// ones included (InstanceHandle::engine_): never 0, never reused.
  const std::uint64_t serial = nextSerial();
  static std::uint64_t nextSerial();

  std::unique_ptr<Store> store;
  std::shared_ptr<Clock> clock;
  bool jit = true;
  unsigned optimizationLevel = 2;
  DurationValue timerRetry;
  DurationValue timerClaim;
  /// Who this engine is to the store's timer claims: unique among the engines sharing it.
  std::string timerClaimant;

  MachineRegistry machines;

  mutable std::shared_mutex bindingsMutex;
  std::map<std::string, std::shared_ptr<const HostAction>, std::less<>> actions;
  // Shared: `fire`, drainRoutes() and bindRoute use a queue without holding the lock while
  // they wait on it (a sink may call the engine meanwhile), and the last of them stops it.
  std::map<std::string, std::shared_ptr<RouteQueue>, std::less<>> routes;
  /// Replaced queues that are delivering what they hold on their own: their last user could
  /// not wait for that. Joined once stopped by bindRoute and drainRoutes, or by ~Engine.
  std::vector<std::unique_ptr<RouteQueue>> retiredRoutes;
  /// The stop of each unbound target's last queue, which may still be delivering: a later
  /// binding of the target delivers nothing before it, as a rebinding's queue does.
  std::map<std::string, std::shared_ptr<const QueueStopped>, std::less<>> unboundRouteStops;
  /// Queues made and not yet deleted, wherever their references are (the bindings, a
  /// producer or a sink pushing to one, the retired list): ~Engine waits for none to be left,
  /// so no worker runs on into a freed engine. Guarded by bindingsMutex.
  std::size_t liveQueues = 0;
  std::condition_variable_any queueGone;
  /// Deletes a queue (joining its worker) and counts it gone.
  void deleteQueue(RouteQueue* queue);

  /// Whether this thread may wait for a sink: not from a sink (its own worker cannot stop
  /// itself, and a sink waiting for another sink that waits for it would never end) nor while
  /// holding an instance (the sink may be firing at it).
  static bool mayWaitForSinks() {
    return RouteQueue::deliveringOnThisThread() == nullptr && !InstanceStripes::holdsAnyHere();
  }

  std::shared_ptr<RouteQueue> makeRouteQueue(RouteSink sink, RouteOptions options);

  /// The stored record for the engine's reading calls (instance(), history(), handle(), ...):
  /// an Error when the store returns one or throws, or when there is no such instance (the
  /// message ends with `whenAbsent`).
  Result<InstanceRecord> loadExisting(std::string_view instanceId, std::string_view whenAbsent = {});

  /// Takes the retired queues out: those already stopped, or (`all`) every one.
  void takeRetired(bool all);

  /// What every queue has taken so far, for drainRoutes(). The same before and after a
  /// round that drained every queue, with all of them idle: no queue took an event during
  /// the round, so at its end every queue was empty at once.
  struct RouteActivity {
    std::vector<std::pair<std::shared_ptr<RouteQueue>, RouteQueue::Activity>> queues;
    bool retiredWaiting = false;  // replaced queues not joined yet
    [[nodiscard]] bool quiet() const {
      return !retiredWaiting &&
             std::all_of(queues.begin(), queues.end(), [](const auto& queue) { return queue.second.idle; });
    }
    bool operator==(const RouteActivity&) const = default;
  };
  RouteActivity routeActivity() const;

  InstanceStripes stripes;

  TimerWake timerWake;
  TimerAnswerCallback onTimerAnswer;  // EngineOptions::onTimerAnswer
  TimerErrorCallback onTimerError;    // EngineOptions::onTimerError
  std::thread timerThread;

  /// Tells onTimerError, if any; what that throws is dropped (nothing is left to tell it).
  void reportTimerError(TimerError::Source source, std::string_view instanceId, std::string message) const;
  /// The clock's now where timers are fired; nullopt, told to onTimerError, when it throws.
  std::optional<TimestampValue> timerNow() const;

  /// The event's time, or the clock's now when it has none (read only then: the system
  /// clock costs a call into the kernel's time page). Read once per `fire`: the catch-up of
  /// overdue timers and the event must see one instant, or a timer due between two reads
  /// would fire after the event, which met the state the deadline ended.
  /// A clock that throws gives false, and `refusal` is the answer that says what it threw:
  /// `fire` answers that, as a store's error, instead of throwing it at the host.
  // Nothing on the way of an event with a time but the test: a string for the message, or
  // a call, on every `fire` cost a short step 5–15% (docs/PERFORMANCE.md).
  bool timeOf(const Event& event, TimestampValue& time, FireAnswer& refusal) const {
    if (event.time) [[likely]] {
      time = *event.time;
      return true;
    }
    return clockTime(time, refusal);
  }
  [[gnu::noinline]] bool clockTime(TimestampValue& time, FireAnswer& refusal) const {
    try {
      time = clock->now();
      return true;
    } catch (...) {
      refusal = rejected("clock: now() " + describeThrown());
      return false;
    }
  }

  /// Store::applyDirect, with what it throws caught: then NotDirect, `threw` is set and
  /// `refusal` says it (the event is refused, as the general path refuses one whose store
  /// call fails, rather than retried). Returned as applyDirect returns it: no copy.
  DirectOutcome applyDirectCaught(StoreSlot& slot, const DirectEvent& event, const EventPlanner& planner,
                                  FireAnswer& refusal, bool& threw) {
    try {
      return store->applyDirect(slot, event, planner);
    } catch (...) {
      refusal = rejected("store: applyDirect " + describeThrown());
      threw = true;
      return {};
    }
  }

  /// Why `fire` refuses `event` whatever instance it is sent to (no id, a timer's id, an id
  /// or actor that is not UTF-8); nothing when it does not. Answered before anything runs
  /// for the instance, its overdue timers included: a malformed event has no effect at all.
  static std::optional<std::string> eventRefusal(const Event& event) {
    if (event.id.empty()) return "an event needs an id (events are applied once per id)";
    if (isTimerEventId(event.id)) {
      return "event id `" + excerptForMessage(event.id) +
             "` has the form timer/<visit>/<transition>, which is kept for the events of timers; "
             "give the event another id";
    }
    // Guards and `set` may take the actor into the context, which is Unicode text.
    if (!isValidUtf8(event.actor)) return "the event's actor is not valid UTF-8: send actors as UTF-8 text";
    // `set(who, event.id)` would take it into the context too.
    if (!isValidUtf8(event.id)) return "the event's id is not valid UTF-8: send ids as UTF-8 text";
    return std::nullopt;
  }

  /// Whether `event` may go direct at all: what `fire` refuses before it reaches the
  /// instance (eventRefusal) never does.
  static bool mayGoDirect(const Event& event) { return !eventRefusal(event); }

  /// Applies the event in place when its row is direct (Store::applyDirect), or answers its
  /// Duplicate or refusal there, and fills `answer`; false when the general path must run. A
  /// short step, a Duplicate or a refusal goes without a hold when its stripe has none;
  /// anything else, or one that meets a hold, is serialised by a hold first.
  bool fireDirect(std::size_t stripe, std::string_view instanceId, StoreSlot& slot, const Event& event,
                  TimestampValue time, FireAnswer& answer);

  /// The answer to an event the store applied in place, found a Duplicate or refused (it
  /// recorded the entry of either); routes what the step routes.
  void answerInPlace(const DirectOutcome& outcome, EventPlanner& planner, std::string_view instanceId,
                     const Event& event, TimestampValue time, FireAnswer& answer);

  /// The answer to an event whose id the instance has applied already; its history entry is
  /// the one a store records for a Duplicate it finds in place (duplicateEntry).
  FireAnswer duplicate(const LoadedMachine& machine, std::uint32_t state, std::string_view instanceId,
                       const Event& event, TimestampValue time);

  /// Records the history entry of an event that changed nothing (Rejected, Duplicate,
  /// Failed); a store that cannot is named in the answer's reason, so the host learns that
  /// its audit history misses the entry.
  void recordUnchanged(std::string_view instanceId, const JournalEntry& entry, FireAnswer& answer);

  /// Commits `change` of the instance's saga alone (no applied event, no timers), loading it
  /// again after a lost race; why not, when the store could not. `unapplied`, when given, is
  /// the history entry of the Failed event that changes the saga, committed with the change
  /// without applying its id: the entry and the change are kept together or not at all.
  [[nodiscard]] std::optional<std::string> changeSaga(std::string_view instanceId,
                                                      const std::function<void(std::vector<SagaStep>&)>& change,
                                                      const JournalEntry* unapplied = nullptr);
  /// Adds `steps` (compensations that failed to run) to the instance's saga, so that a later
  /// compensate() tries them again; why not, when the store could not (their undo is then
  /// lost, and the answer must say so: notKeptInSaga). `unapplied`: as for changeSaga.
  [[nodiscard]] std::optional<std::string> keepInSaga(std::string_view instanceId, const std::vector<SagaStep>& steps,
                                                      const JournalEntry* unapplied = nullptr);
  /// Removes `steps` (stored compensations that a lost attempt's compensate() ran) from the
  /// instance's saga, when the event ends without a commit that would have: left there, a
  /// later compensate() would run them a second time. Why not, when the store could not.
  [[nodiscard]] std::optional<std::string> dropFromSaga(std::string_view instanceId, const std::vector<SagaStep>& steps);
  /// `answer`, with the reason saying so when `ran` (compensations that ran, see dropFromSaga)
  /// could not be taken out of the saga.
  FireAnswer withSagaSettled(std::string_view instanceId, const std::vector<SagaStep>& ran, FireAnswer answer);

  /// The general path: due timers first, then load, apply and commit, all at `time` (the
  /// event's). Refused at once on the thread applying an event to the instance (a host
  /// action firing at its own instance).
  FireAnswer fireGeneral(std::string_view instanceId, const Event& event, TimestampValue time);

  /// The general path after a direct attempt that declined: `answer` becomes the general
  /// path's, keeping what the direct attempt's TakenBack put in it first (a step taken back).
  void fireGeneralAfter(std::string_view instanceId, const Event& event, TimestampValue time, FireAnswer& answer);

  Bindings bindings() {
    return Bindings{[this](std::string_view name) -> std::shared_ptr<const HostAction> {
      std::shared_lock lock(bindingsMutex);
      auto found = actions.find(name);
      return found == actions.end() ? nullptr : found->second;
    }};
  }

  /// `hashed`: the machines come straight from the compiler, which hashed them.
  Result<std::vector<MachineInfo>> install(ir::Program program, bool hashed = false);

  enum class Pushed { Queued, Dropped, Refused, Unbound };
  /// Pushes `event` to the queue bound to `target` now. A queue replaced while this waited
  /// for room in it is closed, and the event goes to the target's new binding.
  Pushed pushToBound(const std::string& target, RoutedEvent&& event);

  /// Queues the outcome's accepted and emitted events for their targets.
  void route(const LoadedMachine& machine, std::string_view instanceId, std::string_view tenantId, const Event& event,
             TimestampValue time, const std::vector<std::pair<std::string, bool>>& routed, FireAnswer& answer);

  /// Loads, applies and commits one trigger at `time` (a timer's: its due time); retries
  /// when another writer won the race. Nothing for a timer whose state visit has ended (it
  /// was cancelled meanwhile).
  std::optional<FireAnswer> apply(std::string_view instanceId, const Event& event, TimestampValue time,
                                  std::optional<TimerRecord> timer);

  /// Why the record the store returned for `instanceId` cannot be applied to: a store's data
  /// is not trusted (a state out of range was an exception out of `fire`, a context field of
  /// another kind was read by compiled guards as the declared one).
  static std::optional<std::string> storedRecordProblem(std::string_view instanceId, const LoadedMachine& machine,
                                                        const InstanceRecord& record);

  /// The name of the machine the instance runs, for a refusal that names it; empty when the
  /// store cannot tell.
  std::string machineNameOf(std::string_view instanceId);

  /// A commit that throws is a store error like one it returns.
  Result<CommitStatus> commitToStore(Commit&& commit);

  /// Takes back a step whose host actions ran but whose commit was lost: their
  /// compensations run, newest first (an action without one cannot be taken back), listed in
  /// `takenBack` after what the lost attempt ran itself (`lost`). Those that fail, and the
  /// lost attempt's own that failed, are kept in the instance's saga, as its commit would have
  /// kept them, so that a later compensate() tries them again; their labels say whether they are.
  void takeBack(const LoadedMachine& machine, std::string_view instanceId, std::string_view tenantId,
                const Event& event, const std::vector<SagaStep>& undo, TakenBack& takenBack, LostAttempt lost = {});

  std::optional<FireAnswer> applyAttempts(std::string_view instanceId, const Event& event, TimestampValue time,
                                          std::optional<TimerRecord> timer, TakenBack& takenBack);

  void timerLoop();

  /// Removes a timer that must not fire (its visit ended, or it fired already) from the
  /// store, which would otherwise find it due again before every event. `record` is the
  /// instance as loaded, committed unchanged.
  void consumeTimer(const TimerRecord& timer, InstanceRecord record);

  /// Applies one due timer as the synthetic event `after <delay>`; nothing when the timer's
  /// machine is gone or its state visit has ended.
  std::optional<FireAnswer> fireTimer(const TimerRecord& timer);

  /// Fires the instance's timers due at or before `time` (chains included: a timer that
  /// fires may arm one that is due too), so an event never overtakes a passed deadline.
  /// Each timer is tried once per event. One that fires is gone, and the next of a chain is
  /// another (of a new visit). One that Fails is due again `timerRetry` after the clock's
  /// now, which an event stamped later than the clock has passed already; one refused (a
  /// store error, a lost race, host actions nested too deep) or that cannot fire (its
  /// machine is not loaded) stays due: each would be met again in every round.
  void fireOverdueTimers(std::string_view instanceId, TimestampValue time);
  /// Calls onTimerAnswer, at once unless this thread is inside such a callback already: then
  /// once it has returned (docs/RUNTIME.md "Timers").
  void tellTimerAnswer(const std::string& instanceId, const FireAnswer& answer);
  void callOnTimerAnswer(const std::string& instanceId, const FireAnswer& answer);
  /// A timer's answer that waits for its engine's onTimerAnswer on this thread.
  struct UntoldTimerAnswer {
    Impl* engine;
    std::string instanceId;
    FireAnswer answer;
  };
  /// Set while this thread runs onTimerAnswer callbacks: the answers of timers that a
  /// callback makes fire (a `fire` it calls catches up overdue timers) wait here.
  static thread_local std::deque<UntoldTimerAnswer>* untoldTimerAnswers;
  /// Whether the store still has `timer` (no other caller fired it meanwhile).
  [[nodiscard]] Result<bool> timerPending(const TimerRecord& timer);

  /// A due timer as runDue tells it from the others: instance, visit, transition.
  using TimerKey = std::tuple<std::string, std::uint64_t, std::uint32_t>;

  /// What one runDue call did.
  struct DueRun {
    std::vector<std::pair<std::string, FireAnswer>> answers;  // in due order
    std::set<TimerKey> skipped;  // timers it tried that may still be due
    /// The clock or the store could not tell what is due (told to onTimerError): the timer
    /// thread backs off before it asks again.
    bool blind = false;
    /// Nothing could be claimed, yet a timer is due: another engine sharing the store holds
    /// it. The timer thread looks again after a back-off, not at once.
    bool heldElsewhere = false;
  };

  /// Fires what is due.
  DueRun runDue(const TimerAnswerCallback& onAnswer = {});

  /// After runDue claimed nothing: whether a timer is due at `now` all the same (another
  /// engine sharing the store claimed it).
  bool dueButHeld(TimestampValue now);
  /// When the earliest pending timer that runDue did not just skip is due (none: nullopt).
  /// A skipped one is due already, so waiting for it would wake the thread at once, again
  /// and again; it is tried at the thread's next wake-up instead, at most a second later.
  std::optional<std::int64_t> nextDueBesides(const std::set<TimerKey>& skipped);
};

}  // namespace approval::runtime
