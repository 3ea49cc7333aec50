// Engine: loading and binding, instance start, `fire` with per-instance serialisation and
// optimistic commits, due timers, routes and audit history (docs/RUNTIME.md).
#include "approval/engine.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <limits>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <tuple>
#include <utility>

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
#include "engine/timer_wake.h"
#include "engine/transition_runner.h"
#include "engine/typed_values.h"
#include "routes/route_queue.h"

namespace approval::runtime {

const char* kindName(FireAnswer::Kind kind) {
  switch (kind) {
    case FireAnswer::Kind::Duplicate: return "Duplicate";
    case FireAnswer::Kind::Rejected: return "Rejected";
    case FireAnswer::Kind::Stayed: return "Stayed";
    case FireAnswer::Kind::Transitioned: return "Transitioned";
    case FireAnswer::Kind::Failed: return "Failed";
  }
  return "?";
}

namespace {

constexpr int kCommitAttempts = 8;
constexpr std::int64_t kMinTimerRetry = 1'000'000;  // 1 ms
/// Timers one round of runDueTimers reads from the store, besides the ones it refused.
constexpr std::size_t kTimersPerRound = 1024;

/// When the first of `timers` is due (none: no timers).
std::optional<std::int64_t> earliestDue(const std::vector<TimerRecord>& timers) {
  if (timers.empty()) return std::nullopt;
  return std::min_element(timers.begin(), timers.end(), [](const TimerRecord& a, const TimerRecord& b) {
           return a.due.nanoseconds < b.due.nanoseconds;
         })->due.nanoseconds;
}

/// The shortest delay of a direct step's timers (not empty).
std::int64_t earliestDelay(const std::vector<DirectTimer>& timers) {
  return std::min_element(timers.begin(), timers.end(), [](const DirectTimer& a, const DirectTimer& b) {
           return a.delayNanos < b.delayNanos;
         })->delayNanos;
}

FireAnswer rejected(std::string reason) {
  FireAnswer answer;
  answer.kind = FireAnswer::Kind::Rejected;
  answer.reason = std::move(reason);
  return answer;
}

}  // namespace

struct Engine::Impl {
  std::unique_ptr<Store> store;
  std::shared_ptr<Clock> clock;
  bool jit = true;
  unsigned optimizationLevel = 2;
  DurationValue timerRetry;

  MachineRegistry machines;

  mutable std::shared_mutex bindingsMutex;
  std::map<std::string, std::shared_ptr<const HostAction>, std::less<>> actions;
  // Shared: `fire`, drainRoutes() and bindRoute use a queue without holding the lock while
  // they wait on it (a sink may call the engine meanwhile), and the last of them stops it.
  std::map<std::string, std::shared_ptr<RouteQueue>, std::less<>> routes;
  /// Replaced queues that are delivering what they hold on their own: their last user could
  /// not wait for that. Joined once stopped by bindRoute and drainRoutes, or by ~Engine.
  std::vector<std::unique_ptr<RouteQueue>> retiredRoutes;

  /// Whether this thread may wait for a sink: not from a sink (its own worker cannot stop
  /// itself, and a sink waiting for another sink that waits for it would never end) nor while
  /// holding an instance (the sink may be firing at it).
  static bool mayWaitForSinks() {
    return RouteQueue::deliveringOnThisThread() == nullptr && !InstanceStripes::holdsAnyHere();
  }

  std::shared_ptr<RouteQueue> makeRouteQueue(RouteSink sink, RouteOptions options) {
    return {new RouteQueue(std::move(sink), options), [this](RouteQueue* queue) {
              if (mayWaitForSinks()) {
                delete queue;  // delivers what it holds, then stops its worker
                return;
              }
              queue->close();
              std::unique_lock lock(bindingsMutex);
              retiredRoutes.emplace_back(queue);
            }};
  }

  /// Takes the retired queues out: those already stopped, or (`all`) every one.
  std::vector<std::unique_ptr<RouteQueue>> takeRetired(bool all) {
    std::vector<std::unique_ptr<RouteQueue>> taken;
    std::unique_lock lock(bindingsMutex);
    auto kept = std::partition(retiredRoutes.begin(), retiredRoutes.end(),
                               [all](const auto& queue) { return !all && !queue->stopped(); });
    std::move(kept, retiredRoutes.end(), std::back_inserter(taken));
    retiredRoutes.erase(kept, retiredRoutes.end());
    return taken;
  }

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
  RouteActivity routeActivity() const {
    RouteActivity activity;
    std::shared_lock lock(bindingsMutex);
    for (const auto& [name, queue] : routes) activity.queues.emplace_back(queue, queue->activity());
    activity.retiredWaiting = !retiredRoutes.empty();
    return activity;
  }

  InstanceStripes stripes;

  TimerWake timerWake;
  TimerAnswerCallback onTimerAnswer;  // EngineOptions::onTimerAnswer
  std::thread timerThread;

  /// The event's time, or the clock's now when it has none (read only then: the system
  /// clock costs a call into the kernel's time page). Read once per `fire`: the catch-up of
  /// overdue timers and the event must see one instant, or a timer due between two reads
  /// would fire after the event, which met the state the deadline ended.
  TimestampValue timeOf(const Event& event) const { return event.time ? *event.time : clock->now(); }

  /// Whether `event` may go direct at all: what the general path refuses before it reaches
  /// the instance (no id, a timer's id, an actor that is not UTF-8) never does.
  static bool mayGoDirect(const Event& event) {
    return !event.id.empty() && !isTimerEventId(event.id) && isValidUtf8(event.actor) && isValidUtf8(event.id);
  }

  /// Applies the event in place when its row is direct (Store::applyDirect), or answers its
  /// Duplicate or refusal there, and fills `answer`; false when the general path must run. A
  /// short step, a Duplicate or a refusal goes without a hold when its stripe has none;
  /// anything else, or one that meets a hold, is serialised by a hold first.
  bool fireDirect(std::size_t stripe, std::string_view instanceId, StoreSlot& slot, const Event& event,
                  TimestampValue time, FireAnswer& answer) {
    // One DirectEvent for both attempts, built in place: a copy of it stalled on store
    // forwarding (its views were written as 8-byte halves and read back 16 bytes at a time).
    DirectEvent direct{instanceId, event.id, event.name, event.actor, time, &event.payload, &stripes.holds(stripe)};
    {
      EventPlanner planner(machines, event.name, PlanScope::ShortOnly);
      const DirectOutcome outcome = store->applyDirect(slot, direct, planner);
      if (outcome.status != DirectOutcome::Status::NotDirect) {
        answerInPlace(outcome, planner, instanceId, event, time, answer);
        return true;
      }
    }
    direct.holds = nullptr;  // serialised from here on
    auto hold = stripes.hold(stripe, instanceId);
    if (!hold.held()) return false;
    EventPlanner planner(machines, event.name);
    DirectOutcome outcome = store->applyDirect(slot, direct, planner);
    if (outcome.status == DirectOutcome::Status::NotDirect) {
      const PreparedStep* pending = planner.pendingHostActions();
      if (pending == nullptr) return false;
      hold.releaseStripe();  // host actions take their time: only this instance waits for them
      JournalEntry failure;
      if (!runDirectHostActions(*planner.machine(), *pending, instanceId, event, time, bindings(), answer, failure)) {
        recordUnchanged(instanceId, failure, answer);
        return true;
      }
      planner.hostActionsSucceeded();
      outcome = store->applyDirect(slot, direct, planner);
      // Not applied only if the instance changed meanwhile, which the hold rules out for
      // this engine's events; were a store to allow it, the actions are taken back as after
      // a lost commit, and the general path runs the event again (the caller keeps the
      // compensations in its answer).
      if (outcome.status != DirectOutcome::Status::Applied) {
        const CompensationSite site{planner.machine()->ir.name, instanceId, pending->tenantId, event};
        for (auto step = pending->saga.rbegin(); step != pending->saga.rend(); ++step) {
          answer.compensations.push_back(runCompensation(bindings(), *step, "commit lost, compensation of ", site));
        }
        return false;
      }
    }
    answerInPlace(outcome, planner, instanceId, event, time, answer);
    return true;
  }

  /// The answer to an event the store applied in place, found a Duplicate or refused (it
  /// recorded the entry of either); routes what the step routes.
  void answerInPlace(const DirectOutcome& outcome, EventPlanner& planner, std::string_view instanceId,
                     const Event& event, TimestampValue time, FireAnswer& answer) {
    if (outcome.status == DirectOutcome::Status::Refused) {
      answer.kind = FireAnswer::Kind::Rejected;
      answer.reason = planner.takeRefusal();
      answer.from = planner.machine()->ir.states[outcome.from].name;
      return;
    }
    if (outcome.status == DirectOutcome::Status::Duplicate) {
      answer.kind = FireAnswer::Kind::Duplicate;
      answer.reason = duplicateReason(event.id);
      const LoadedMachine* machine = machines.cached(outcome.machineHash);
      if (machine != nullptr && outcome.from < machine->ir.states.size()) {
        answer.from = machine->ir.states[outcome.from].name;
      }
      return;
    }
    const auto& states = planner.machine()->ir.states;
    answer.from = states[outcome.from].name;
    if (outcome.decision.step < 0) {
      answer.kind = FireAnswer::Kind::Stayed;
    } else {
      const DirectStep* taken = &outcome.decision.row->steps[static_cast<std::size_t>(outcome.decision.step)];
      answer.kind = FireAnswer::Kind::Transitioned;
      answer.to = states[taken->target].name;
      if (taken->actions != nullptr) {
        answer.actions = *taken->actions;
        answer.emitted = *taken->emitted;
      }
      if (taken->timers != nullptr) timerWake.armed(dueAfter(time.nanoseconds, earliestDelay(*taken->timers)));
    }
    if (outcome.decision.routes()) {  // the accepted event, then the emitted ones, as the general path routes them
      std::vector<std::pair<std::string, bool>> routed{{event.name, false}};
      for (const auto& name : answer.emitted) routed.emplace_back(name, true);
      route(*planner.machine(), instanceId, outcome.tenantId, event, time, routed, answer);
    }
  }

  /// The answer to an event whose id the instance has applied already; its history entry is
  /// the one a store records for a Duplicate it finds in place (duplicateEntry).
  FireAnswer duplicate(const LoadedMachine& machine, std::uint32_t state, std::string_view instanceId,
                       const Event& event, TimestampValue time) {
    FireAnswer answer;
    answer.kind = FireAnswer::Kind::Duplicate;
    answer.from = machine.ir.states.at(state).name;
    answer.reason = duplicateReason(event.id);
    recordUnchanged(instanceId, duplicateEntry(event.id, event.name, event.actor, time), answer);
    return answer;
  }

  /// Records the history entry of an event that changed nothing (Rejected, Duplicate,
  /// Failed); a store that cannot is named in the answer's reason, so the host learns that
  /// its audit history misses the entry.
  void recordUnchanged(std::string_view instanceId, const JournalEntry& entry, FireAnswer& answer) {
    std::optional<std::string> problem;
    try {
      auto recorded = store->record(instanceId, entry);
      if (!recorded) problem = recorded.error().message;
    } catch (const std::exception& error) {
      problem = std::string("record threw: ") + error.what();
    } catch (...) {
      problem = "record threw";
    }
    if (problem) answer.reason += " (not recorded in the history: store: " + *problem + ")";
  }

  /// The general path: due timers first, then load, apply and commit, all at `time` (the
  /// event's). Refused at once on the thread applying an event to the instance (a host
  /// action firing at its own instance).
  FireAnswer fireGeneral(std::string_view instanceId, const Event& event, TimestampValue time) {
    if (stripes.applyingHere(InstanceStripes::indexOf(instanceId), instanceId)) {
      return rejected(InstanceStripes::applyingAlready(instanceId));
    }
    fireOverdueTimers(instanceId, time);
    return apply(instanceId, event, time, std::nullopt).value_or(rejected("timer of an earlier visit"));
  }

  /// The general path after a direct attempt that declined: `answer` becomes the general
  /// path's, keeping the compensations the direct attempt ran first (a step taken back).
  void fireGeneralAfter(std::string_view instanceId, const Event& event, TimestampValue time, FireAnswer& answer) {
    std::vector<std::string> takenBack = std::move(answer.compensations);
    answer = fireGeneral(instanceId, event, time);
    answer.compensations.insert(answer.compensations.begin(), takenBack.begin(), takenBack.end());
  }

  Bindings bindings() {
    return Bindings{[this](std::string_view name) -> std::shared_ptr<const HostAction> {
      std::shared_lock lock(bindingsMutex);
      auto found = actions.find(name);
      return found == actions.end() ? nullptr : found->second;
    }};
  }

  /// `hashed`: the machines come straight from the compiler, which hashed them.
  Result<std::vector<MachineInfo>> install(ir::Program program, bool hashed = false) {
    // Instances are pinned to a machine's content hash: a hash that is missing, or that does
    // not match the machine (edited IR), would pin them to some other machine.
    if (!hashed) {
      for (auto& machine : program.machines) {
        const std::string computed = computeContentHash(machine);
        if (computed.empty()) return Error{"cannot compute the content hash of `" + machine.name + "`"};
        if (machine.contentHash.empty()) {
          machine.contentHash = computed;
        } else if (machine.contentHash != computed) {
          return Error{"machine `" + machine.name + "`: its contentHash " + machine.contentHash +
                       " is not the hash of its content (" + computed +
                       "): the IR was changed after it was written; compile it again, or remove contentHash to "
                       "load it as it is"};
        }
        // Guards are compiled by the labels on their nodes: IR not written by the compiler
        // must be what the compiler writes for it.
        if (auto mismatch = irCompileMismatch(machine)) {
          return Error{"machine `" + machine.name + "`: its IR is not what the compiler makes of it: " + *mismatch +
                       "; compile the machine again from its source"};
        }
      }
    }
    std::string missing;
    {
      std::shared_lock lock(bindingsMutex);
      for (const auto& machine : program.machines) {
        for (const auto& action : machine.hostActions) {
          if (!actions.contains(action.name)) {
            missing += "\n  host action `" + action.name + "` (" + std::to_string(action.arity) + " argument" +
                       (action.arity == 1 ? "" : "s") + ") of `" + machine.name + "`";
          }
        }
        for (const auto& route : machine.routes) {
          for (const auto& target : route.targets) {
            if (!routes.contains(target) && missing.find("`" + target + "`") == std::string::npos) {
              missing += "\n  route target `" + target + "` of `" + machine.name + "`";
            }
          }
        }
      }
    }
    if (!missing.empty()) return Error{"bind these before loading (Engine::bindAction / bindRoute):" + missing};
    std::vector<std::shared_ptr<const LoadedMachine>> prepared;
    for (auto& machine : program.machines) {
      auto loaded = prepareMachine(std::move(machine), jit, optimizationLevel);
      if (!loaded) return loaded.error();
      prepared.push_back(std::move(loaded).value());
    }
    std::vector<MachineInfo> infos;
    for (auto& machine : prepared) {
      infos.push_back({machine->ir.name, machine->ir.version, machine->ir.contentHash});
      machines.add(std::move(machine));
    }
    return infos;
  }

  enum class Pushed { Queued, Dropped, Refused, Unbound };
  /// Pushes `event` to the queue bound to `target` now. A queue replaced while this waited
  /// for room in it is closed, and the event goes to the target's new binding.
  Pushed pushToBound(const std::string& target, RoutedEvent&& event) {
    for (;;) {
      std::shared_ptr<RouteQueue> queue;
      {
        std::shared_lock lock(bindingsMutex);
        auto bound = routes.find(target);
        if (bound != routes.end()) queue = bound->second;
      }
      if (queue == nullptr) return Pushed::Unbound;  // unbound since the machine loaded (an empty sink)
      switch (queue->push(std::move(event))) {
        case RouteQueue::Pushed::Queued: return Pushed::Queued;
        case RouteQueue::Pushed::Dropped: return Pushed::Dropped;
        case RouteQueue::Pushed::Refused: return Pushed::Refused;
        case RouteQueue::Pushed::Closed: break;  // `event` is still ours
      }
    }
  }

  /// Queues the outcome's accepted and emitted events for their targets.
  void route(const LoadedMachine& machine, std::string_view instanceId, std::string_view tenantId, const Event& event,
             TimestampValue time, const std::vector<std::pair<std::string, bool>>& routed, FireAnswer& answer) {
    std::size_t emittedCount = 0;
    for (const auto& [name, emitted] : routed) {
      auto index = machine.eventByName.find(name);
      if (index == machine.eventByName.end()) continue;
      const std::string eventId = emitted ? event.id + "/emit/" + std::to_string(++emittedCount) : event.id;
      for (const auto& target : machine.routes[index->second]) {
        RoutedEvent routedEvent{target,         machine.ir.name, std::string(instanceId), std::string(tenantId),
                                eventId,        name,            emitted,                time};
        switch (pushToBound(target, std::move(routedEvent))) {
          case Pushed::Unbound: answer.routeFailures.push_back(target + ": " + name + " (no sink bound)"); break;
          case Pushed::Refused: answer.routeFailures.push_back(target + ": " + name); break;
          case Pushed::Queued:
          case Pushed::Dropped: break;
        }
      }
    }
  }

  /// Loads, applies and commits one trigger at `time` (a timer's: its due time); retries
  /// when another writer won the race. Nothing for a timer whose state visit has ended (it
  /// was cancelled meanwhile).
  std::optional<FireAnswer> apply(std::string_view instanceId, const Event& event, TimestampValue time,
                                  std::optional<TimerRecord> timer) {
    std::vector<std::string> takenBack;  // compensations run for attempts whose commit was lost
    auto answer = applyAttempts(instanceId, event, time, timer, takenBack);
    if (answer && !takenBack.empty()) {
      answer->compensations.insert(answer->compensations.begin(), takenBack.begin(), takenBack.end());
    }
    return answer;
  }

  /// Why the record the store returned for `instanceId` cannot be applied to: a store's data
  /// is not trusted (a state out of range was an exception out of `fire`, a context field of
  /// another kind was read by compiled guards as the declared one).
  static std::optional<std::string> storedRecordProblem(std::string_view instanceId, const LoadedMachine& machine,
                                                        const InstanceRecord& record) {
    if (record.instanceId != instanceId) {
      return "store: asked for instance `" + excerptForMessage(instanceId) + "`, it returned `" +
             excerptForMessage(record.instanceId) + "`";
    }
    if (auto problem = recordProblem(machine, record)) {
      return "store: the record of instance `" + excerptForMessage(instanceId) + "` does not fit its machine `" +
             machine.ir.name + "`: " + *problem;
    }
    return std::nullopt;
  }

  /// A commit that throws is a store error like one it returns.
  Result<CommitStatus> commitToStore(Commit&& commit) {
    try {
      return store->commit(std::move(commit));
    } catch (const std::exception& error) {
      return Error{std::string("commit threw: ") + error.what()};
    } catch (...) {
      return Error{"commit threw"};
    }
  }

  /// Takes back a step whose host actions ran but whose commit was lost: their
  /// compensations run, newest first (an action without one cannot be taken back), listed in
  /// `takenBack`.
  void takeBack(const LoadedMachine& machine, std::string_view instanceId, std::string_view tenantId,
                const Event& event, const Outcome& outcome, std::vector<std::string>& takenBack) {
    const CompensationSite site{machine.ir.name, instanceId, tenantId, event};
    for (auto step = outcome.undo.rbegin(); step != outcome.undo.rend(); ++step) {
      takenBack.push_back(runCompensation(bindings(), *step, "commit lost, compensation of ", site));
    }
  }

  std::optional<FireAnswer> applyAttempts(std::string_view instanceId, const Event& event, TimestampValue time,
                                          std::optional<TimerRecord> timer, std::vector<std::string>& takenBack) {
    // The stored saga's steps a `compensate()` of a lost attempt ran: the next attempt, which
    // loads the saga again, must not run them twice.
    std::vector<SagaStep> compensatedBefore;
    auto hold = stripes.hold(instanceId);
    if (!hold.held()) return rejected(hold.refusal());
    hold.releaseStripe();  // the general path runs host actions and store calls that may take long
    for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
      auto loaded = store->load(instanceId);
      if (!loaded) return rejected("store: " + loaded.error().message);
      if (!loaded.value()) return rejected("no instance `" + excerptForMessage(instanceId) + "`: start it first");
      InstanceRecord& record = *loaded.value();
      const LoadedMachine* machine = machines.cached(record.machineHash);
      if (!machine) {
        return rejected("instance `" + record.instanceId + "` runs " + record.machineHash + ", which is not loaded");
      }
      if (auto problem = storedRecordProblem(instanceId, *machine, record)) return rejected(std::move(*problem));
      if (event.id.empty()) return rejected("an event needs an id (events are applied once per id)");
      if (!timer && isTimerEventId(event.id)) {
        return rejected("event id `" + event.id +
                        "` has the form timer/<visit>/<transition>, which is kept for the events of timers; "
                        "give the event another id");
      }
      // Guards and `set` may take the actor into the context, which is Unicode text.
      if (!isValidUtf8(event.actor)) return rejected("the event's actor is not valid UTF-8: send actors as UTF-8 text");
      // `set(who, event.id)` would take it into the context too.
      if (!isValidUtf8(event.id)) return rejected("the event's id is not valid UTF-8: send ids as UTF-8 text");
      if (timer && timer->visit != record.visit) {
        // Its visit ended: the step that ended it replaced the instance's timers.
        consumeTimer(*timer, std::move(record));
        return std::nullopt;
      }
      auto alreadyApplied = store->applied(instanceId, event.id);
      if (!alreadyApplied) return rejected("store: " + alreadyApplied.error().message);
      if (alreadyApplied.value()) {
        if (!timer) return duplicate(*machine, record.state, instanceId, event, time);
        // This timer fired already (another engine sharing the store applied it).
        consumeTimer(*timer, std::move(record));
        return std::nullopt;
      }

      for (const SagaStep& done : compensatedBefore) {
        if (auto found = std::find(record.saga.begin(), record.saga.end(), done); found != record.saga.end()) {
          record.saga.erase(found);
        }
      }
      Trigger trigger{&event, timer ? std::optional(timer->transition) : std::nullopt, time};
      const std::uint64_t version = record.version;
      Outcome outcome = applyTrigger(*machine, std::move(record), trigger, bindings());
      const bool failed = outcome.answer.kind == FireAnswer::Kind::Failed;
      if (!outcome.commit && !timer && !outcome.sagaConsumed) {
        recordUnchanged(instanceId, outcome.journal, outcome.answer);
        return outcome.answer;
      }
      // What a timer that did not transition commits is the record as loaded (timers cast
      // no votes), which is what the outcome holds then.
      Commit commit;
      commit.instance = std::move(outcome.record);
      commit.instance.version = version;
      // A failed event is not applied (it may be sent again): its entry is recorded apart.
      if (!failed) commit.journal = std::move(outcome.journal);
      commit.replaceTimers = true;
      if (outcome.rearmTimers) {
        commit.timers = timersFor(*machine, commit.instance);
      } else if (timer) {
        commit.replaceTimers = false;
        commit.consumedTimer = *timer;
        if (failed) {  // a failed timer transition is tried again later
          TimerRecord retry = *timer;
          retry.due = TimestampValue{dueAfter(clock->now().nanoseconds, timerRetry.nanoseconds)};
          commit.timers.push_back(retry);
        }
      } else {
        commit.replaceTimers = false;
      }
      const std::string tenantId = commit.instance.tenantId;
      const std::optional<std::int64_t> armed = earliestDue(commit.timers);
      auto status = commitToStore(std::move(commit));  // moves the record's context, votes, saga
      if (!status || status.value() != CommitStatus::Committed) {
        // The step is not applied, but its host actions ran: take them back, or a retry (or
        // the host's, after a store error) would do them twice.
        takeBack(*machine, instanceId, tenantId, event, outcome, takenBack);
        compensatedBefore.insert(compensatedBefore.end(), outcome.compensatedSaga.begin(), outcome.compensatedSaga.end());
      }
      if (!status) return rejected("store: " + status.error().message);
      // DuplicateEvent: another writer applied this id after `applied` was asked (a store
      // shared by several processes). The next attempt finds it applied and answers
      // Duplicate, with the instance's state and the Duplicate's history entry.
      if (status.value() != CommitStatus::Committed) continue;
      if (failed) recordUnchanged(instanceId, outcome.journal, outcome.answer);
      route(*machine, instanceId, tenantId, event, time, outcome.routed, outcome.answer);
      if (armed) timerWake.armed(*armed);
      return outcome.answer;
    }
    return rejected("instance `" + excerptForMessage(instanceId) + "` kept changing under this event; try again");
  }

  void timerLoop() {
    constexpr std::chrono::milliseconds kFirstBackOff{10};
    constexpr std::chrono::milliseconds kLongestSleep{1000};
    std::set<TimerKey> skipped;
    auto nextDue = [this, &skipped] { return nextDueBesides(skipped); };
    std::chrono::milliseconds backOff{0};
    while (!timerWake.stopped()) {
      // Nobody could catch what the clock, the store or the engine throws here (a database
      // gone, a record that is not what the engine wrote): it would end the process. The
      // thread waits, longer each time in a row, and tries again.
      try {
        runDue({}, &skipped);
        // Until the earliest timer not just skipped, and at most a second: a store may gain
        // timers that this engine did not commit, and the skipped ones are tried again.
        (void)timerWake.sleep(nextDue, clock->now().nanoseconds, kLongestSleep);
        backOff = std::chrono::milliseconds{0};
      } catch (...) {
        backOff = std::clamp(2 * backOff, kFirstBackOff, kLongestSleep);
        timerWake.pause(backOff);
      }
    }
  }

  /// Removes a timer that must not fire (its visit ended, or it fired already) from the
  /// store, which would otherwise find it due again before every event. `record` is the
  /// instance as loaded, committed unchanged.
  void consumeTimer(const TimerRecord& timer, InstanceRecord record) {
    Commit consumed;
    consumed.consumedTimer = timer;
    consumed.instance = std::move(record);
    (void)store->commit(std::move(consumed));
  }

  /// Applies one due timer as the synthetic event `after <delay>`; nothing when the timer's
  /// machine is gone or its state visit has ended.
  std::optional<FireAnswer> fireTimer(const TimerRecord& timer) {
    auto machine = [&]() -> std::shared_ptr<const LoadedMachine> {
      auto record = store->load(timer.instanceId);
      if (!record || !record.value()) return nullptr;
      return machines.byHash(record.value()->machineHash);
    }();
    if (!machine || timer.transition >= machine->ir.transitions.size()) return std::nullopt;
    const auto delay = machine->ir.transitions[timer.transition].delayMs.value_or(0);
    Event event;
    event.id = "timer/" + std::to_string(timer.visit) + "/" + std::to_string(timer.transition);  // isTimerEventId
    event.name = "after " + ast::formatDuration(delay);
    event.actor = "timer";
    auto answer = apply(timer.instanceId, event, timer.due, timer);
    if (answer && onTimerAnswer) {
      // A notification: what it throws cannot undo the step, nor become the caller's answer.
      try {
        onTimerAnswer(timer.instanceId, *answer);
      } catch (...) {  // NOLINT(bugprone-empty-catch): documented in EngineOptions::onTimerAnswer
      }
    }
    return answer;
  }

  /// Fires the instance's timers due at or before `time` (chains included: a timer that
  /// fires may arm one that is due too), so an event never overtakes a passed deadline.
  /// Each timer is tried once per event. One that fires is gone, and the next of a chain is
  /// another (of a new visit). One that Fails is due again `timerRetry` after the clock's
  /// now, which an event stamped later than the clock has passed already; one refused (a
  /// store error, a lost race, host actions nested too deep) or that cannot fire (its
  /// machine is not loaded) stays due: each would be met again in every round.
  void fireOverdueTimers(std::string_view instanceId, TimestampValue time) {
    std::set<std::pair<std::uint64_t, std::uint32_t>> tried;  // (visit, transition)
    for (int round = 0; round < kMaxTimerRounds; ++round) {
      auto due = store->dueTimers(instanceId, time);
      if (!due) return;
      bool fired = false;
      for (const auto& timer : due.value()) {
        if (!tried.emplace(timer.visit, timer.transition).second) continue;
        fired = true;
        (void)fireTimer(timer);
      }
      if (!fired) return;
    }
  }

  /// A due timer as runDue tells it from the others: instance, visit, transition.
  using TimerKey = std::tuple<std::string, std::uint64_t, std::uint32_t>;

  /// Fires what is due; `skipped` (if given) gets the timers it tried that may still be due.
  std::vector<std::pair<std::string, FireAnswer>> runDue(const TimerAnswerCallback& onAnswer = {},
                                                         std::set<TimerKey>* skipped = nullptr) {
    std::vector<std::pair<std::string, FireAnswer>> answers;
    const TimestampValue until = clock->now();
    // A fired timer may arm another that is already due (the clock jumped): keep going until
    // nothing is due, for at most kMaxTimerRounds rounds. A timer refused without being
    // consumed (a store error, its instance busy on this thread: a host action called this)
    // stays due, a failed one is due again `timerRetry` later (at once at the end of time),
    // and one whose machine is not loaded (an engine restarted on a durable store) stays due
    // until it is: each is tried once and left for a later call, not tried again every
    // round. Those stay among the earliest due, so each round asks for as many more as it
    // has tried: however many there are, the timers behind them are still reached.
    std::set<TimerKey> tried;
    for (int round = 0; round < kMaxTimerRounds; ++round) {
      auto due = store->dueTimers(until, kTimersPerRound + tried.size());
      if (!due || due.value().empty()) break;
      bool triedOne = false;
      for (const auto& timer : due.value()) {
        auto key = std::make_tuple(timer.instanceId, timer.visit, timer.transition);
        if (tried.contains(key)) continue;
        triedOne = true;
        auto answer = fireTimer(timer);
        // A timer that fired is gone, and so is one whose state was left (no answer); one
        // that may still be due is remembered. (Remembering more only asks for more.)
        if (!answer || answer->kind == FireAnswer::Kind::Rejected || answer->kind == FireAnswer::Kind::Failed) {
          tried.insert(std::move(key));
        }
        if (!answer) continue;
        if (onAnswer) onAnswer(timer.instanceId, *answer);
        answers.emplace_back(timer.instanceId, std::move(*answer));
      }
      if (!triedOne) break;
    }
    if (skipped != nullptr) *skipped = std::move(tried);
    return answers;
  }

  /// When the earliest pending timer that runDue did not just skip is due (none: nullopt).
  /// A skipped one is due already, so waiting for it would wake the thread at once, again
  /// and again; it is tried at the thread's next wake-up instead, at most a second later.
  std::optional<std::int64_t> nextDueBesides(const std::set<TimerKey>& skipped) {
    if (skipped.empty()) {
      auto next = store->nextTimer();
      if (!next || !next.value()) return std::nullopt;
      return next.value()->nanoseconds;
    }
    // The earliest timers, one more than were skipped: the first not skipped is among them.
    auto pending = store->dueTimers(TimestampValue{std::numeric_limits<std::int64_t>::max()}, skipped.size() + 1);
    if (!pending) return std::nullopt;
    for (const auto& timer : pending.value()) {
      if (!skipped.contains(std::make_tuple(timer.instanceId, timer.visit, timer.transition))) {
        return timer.due.nanoseconds;
      }
    }
    return std::nullopt;
  }
};

bool isTimerEventId(std::string_view id) noexcept {
  constexpr std::string_view kPrefix = "timer/";
  if (!id.starts_with(kPrefix)) return false;
  id.remove_prefix(kPrefix.size());
  auto number = [&id] {  // one or more digits, taken off the front
    const std::size_t digits = std::min(id.find_first_not_of("0123456789"), id.size());
    id.remove_prefix(digits);
    return digits > 0;
  };
  if (!number() || !id.starts_with('/')) return false;
  id.remove_prefix(1);
  return number() && id.empty();
}

Engine::Engine() : Engine(EngineOptions{}) {}

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->store = options.store ? std::move(options.store) : makeMemoryStore();
  impl_->clock = options.clock ? std::move(options.clock) : std::make_shared<SystemClock>();
  impl_->jit = options.jit;
  impl_->optimizationLevel = options.optimizationLevel;
  // At least a millisecond: a retry due at once would be fired again by the same call.
  impl_->timerRetry = DurationValue{std::max(options.timerRetry.nanoseconds, kMinTimerRetry)};
  impl_->onTimerAnswer = std::move(options.onTimerAnswer);
  if (options.timerThread) impl_->timerThread = std::thread([this] { impl_->timerLoop(); });
}

Engine::~Engine() {
  if (impl_->timerThread.joinable()) {
    impl_->timerWake.stop();
    impl_->timerThread.join();
  }
  // The queues deliver what they hold before they stop, while the rest of the engine is
  // whole: a sink may still call it (what it fires now is applied, but routed nowhere; a
  // target it binds now is stopped by the next round).
  for (;;) {
    decltype(impl_->routes) routes;
    decltype(impl_->retiredRoutes) retired;
    {
      std::unique_lock lock(impl_->bindingsMutex);
      if (impl_->routes.empty() && impl_->retiredRoutes.empty()) break;
      routes.swap(impl_->routes);
      retired.swap(impl_->retiredRoutes);
    }
  }
}

void Engine::bindAction(std::string name, HostAction action) {
  std::shared_ptr<const HostAction> replaced;  // may hold what the action captured: freed unlocked
  std::unique_lock lock(impl_->bindingsMutex);
  if (!action) {  // an empty callable unbinds: calling it would only throw bad_function_call
    auto found = impl_->actions.find(name);
    if (found != impl_->actions.end()) {
      replaced = std::move(found->second);
      impl_->actions.erase(found);
    }
    return;
  }
  auto bound = std::make_shared<const HostAction>(std::move(action));
  replaced = std::exchange(impl_->actions[std::move(name)], std::move(bound));
}

void Engine::bindRoute(std::string target, RouteSink sink, RouteOptions options) {
  {
    std::shared_ptr<RouteQueue> replaced;  // stops after the lock is released: its sink may call the engine
    if (!sink) {  // an empty sink unbinds: events for the target are then route failures
      std::unique_lock lock(impl_->bindingsMutex);
      auto found = impl_->routes.find(target);
      if (found != impl_->routes.end()) {
        replaced = std::move(found->second);
        impl_->routes.erase(found);
      }
    } else {
      auto queue = impl_->makeRouteQueue(std::move(sink), options);
      std::unique_lock lock(impl_->bindingsMutex);
      replaced = std::exchange(impl_->routes[std::move(target)], std::move(queue));
    }
    if (replaced != nullptr) {
      // A producer may still hold the old queue (waiting for room in it): closed, it sends
      // that event to the new binding instead, and the old sink gets nothing more.
      replaced->close();
      // Waiting for the last reference to go would be waiting for that producer.
      if (Impl::mayWaitForSinks()) replaced->waitUntilStopped();
    }
  }
  impl_->takeRetired(false);  // their workers have left: joined at once
}

Result<std::vector<MachineInfo>> Engine::loadSource(std::string text, std::string path) {
  auto compilation = compile({InputFile{std::move(path), std::move(text)}});
  if (compilation->diagnostics.hasErrors()) {
    return Error{renderText(compilation->diagnostics.diagnostics(), compilation->sources)};
  }
  return impl_->install(std::move(compilation->program), /*hashed=*/true);
}

Result<std::vector<MachineInfo>> Engine::loadIr(std::string_view json) {
  auto program = parseIr(json);
  if (!program) return program.error();
  return impl_->install(std::move(program).value());
}

Result<std::vector<MachineInfo>> Engine::loadProgram(ir::Program program) { return impl_->install(std::move(program)); }

Result<MachineInfo> Engine::start(const StartRequest& request) {
  const SinkFiring fromSink;  // it may wait for a stripe a producer holds while it waits for this sink
  std::shared_ptr<const LoadedMachine> machine = impl_->machines.byHashOrName(request.machine);
  if (!machine) return Error{"no loaded machine `" + request.machine + "` (give a name or a content hash)"};
  if (request.instanceId.empty()) return Error{"an instance needs an id"};
  // Ids reach host actions, sinks and JSON views as text.
  if (!isValidUtf8(request.instanceId)) return Error{"the instance id is not valid UTF-8: give ids as UTF-8 text"};
  if (!isValidUtf8(request.tenantId)) return Error{"the tenant id is not valid UTF-8: give ids as UTF-8 text"};
  const ir::Machine& ir = machine->ir;

  auto parsed = parseJsonInput(request.contextJson, kMaxJsonNesting, kMaxInstanceDataValues);
  if (!parsed) return Error{"the context is not valid JSON: " + parsed.error().message};
  const nlohmann::json& given = parsed.value();
  if (!given.is_object()) return Error{"the context must be a JSON object of field names to values"};
  std::string fields;
  for (const auto& field : ir.context) fields += (fields.empty() ? "" : ", ") + field.name;
  for (const auto& item : given.items()) {
    const std::string& key = item.key();  // a name, not a structured binding: clang 14 cannot capture those
    const bool known = std::any_of(ir.context.begin(), ir.context.end(), [&](const auto& f) { return f.name == key; });
    if (!known) return Error{"`" + ir.name + "` has no context field `" + key + "` (its fields: " + fields + ")"};
  }
  InstanceRecord record;
  record.instanceId = request.instanceId;
  record.tenantId = request.tenantId;
  record.machineHash = ir.contentHash;
  record.state = ir.initial;
  record.enteredAt = impl_->clock->now();
  record.visit = 1;
  for (std::size_t i = 0; i < ir.context.size(); ++i) {
    const auto& field = ir.context[i];
    if (given.contains(field.name)) {
      auto value = valueFromJson(given[field.name], machine->contextTypes[i]);
      if (!value) return Error{"context field `" + field.name + "`: " + value.error().message};
      record.context.push_back(std::move(value).value());
    } else if (machine->contextDefaults[i]) {
      record.context.push_back(*machine->contextDefaults[i]);
    } else {
      return Error{"context field `" + field.name + "` has no default: give it in the context"};
    }
  }
  const auto hold = impl_->stripes.hold(record.instanceId);
  if (!hold.held()) return Error{hold.refusal()};
  Commit commit;
  commit.timers = timersFor(*machine, record);
  commit.replaceTimers = true;
  commit.instance = std::move(record);
  const std::optional<std::int64_t> armed = earliestDue(commit.timers);
  auto status = impl_->store->commit(std::move(commit));
  if (!status) return Error{"store: " + status.error().message};
  if (status.value() != CommitStatus::Committed) return Error{"instance `" + request.instanceId + "` already exists"};
  if (armed) impl_->timerWake.armed(*armed);
  return MachineInfo{ir.name, ir.version, ir.contentHash};
}

Result<std::map<std::string, Value>> Engine::payloadFromJson(std::string_view instanceId, std::string_view event,
                                                             std::string_view json) {
  auto loaded = impl_->store->load(instanceId);
  if (!loaded) return loaded.error();
  if (!loaded.value()) return Error{"no instance `" + excerptForMessage(instanceId) + "`"};
  auto machine = impl_->machines.byHash(loaded.value()->machineHash);
  if (!machine) return Error{"the instance's machine is not loaded"};
  auto parsed = parseJsonInput(json, kMaxJsonNesting, kMaxInstanceDataValues);
  if (!parsed) return Error{"the payload is not valid JSON: " + parsed.error().message};
  const nlohmann::json& object = parsed.value();
  if (!object.is_object()) return Error{"the payload must be a JSON object"};
  std::map<std::string, Value> payload;
  auto index = machine->eventByName.find(std::string(event));
  if (index == machine->eventByName.end()) return Error{unknownEventReason(*machine, event)};  // as `fire` says it
  for (const auto& [key, value] : object.items()) {
    const PayloadField* field = nullptr;
    for (const auto& f : machine->payloads[index->second]) {
      if (f.name == key) field = &f;
    }
    if (field == nullptr) return Error{"event `" + std::string(event) + "` has no field `" + excerptForMessage(key) + "`"};
    auto typed = valueFromJson(value, field->type);
    if (!typed) return Error{"field `" + excerptForMessage(key) + "`: " + typed.error().message};
    payload.emplace(key, std::move(typed).value());
  }
  return payload;
}

// The direct path leaves an event that a due timer must precede to the general path, which
// fires the timer first.
FireAnswer Engine::fire(std::string_view instanceId, const Event& event) {
  const SinkFiring fromSink;
  FireAnswer answer;
  const TimestampValue time = impl_->timeOf(event);
  const std::size_t idHash = instanceIdHash(instanceId);
  StoreSlot* slot = Impl::mayGoDirect(event) ? impl_->store->slot(instanceId, idHash) : nullptr;
  const bool direct = slot != nullptr && impl_->fireDirect(InstanceStripes::indexOfHash(idHash), instanceId, *slot,
                                                           event, time, answer);
  if (!direct) impl_->fireGeneralAfter(instanceId, event, time, answer);
  return answer;
}

Result<InstanceHandle> Engine::handle(std::string_view instanceId) {
  auto loaded = impl_->store->load(instanceId);
  if (!loaded) return loaded.error();
  if (!loaded.value()) return Error{"no instance `" + excerptForMessage(instanceId) + "`: start it first"};
  InstanceHandle handle;
  handle.instanceId_ = std::string(instanceId);
  const std::size_t idHash = instanceIdHash(instanceId);
  handle.stripe_ = InstanceStripes::indexOfHash(idHash);
  handle.slot_ = impl_->store->slot(instanceId, idHash);
  handle.engine_ = impl_.get();
  return handle;
}

FireAnswer Engine::fire(const InstanceHandle& instance, const Event& event) {
  const SinkFiring fromSink;
  FireAnswer answer;
  const TimestampValue time = impl_->timeOf(event);
  const bool direct = instance.slot_ != nullptr && instance.engine_ == impl_.get() && Impl::mayGoDirect(event) &&
                      impl_->fireDirect(instance.stripe_, instance.instanceId_, *instance.slot_, event, time, answer);
  if (!direct) impl_->fireGeneralAfter(instance.instanceId_, event, time, answer);
  return answer;
}

std::vector<std::pair<std::string, FireAnswer>> Engine::runDueTimers(const TimerAnswerCallback& onAnswer) {
  const SinkFiring fromSink;
  return impl_->runDue(onAnswer);
}

Result<std::optional<TimestampValue>> Engine::nextTimerDue() { return impl_->store->nextTimer(); }

Result<Engine::InstanceView> Engine::instance(std::string_view instanceId) {
  auto loaded = impl_->store->load(instanceId);
  if (!loaded) return loaded.error();
  if (!loaded.value()) return Error{"no instance `" + excerptForMessage(instanceId) + "`"};
  const InstanceRecord& record = *loaded.value();
  auto machine = impl_->machines.byHash(record.machineHash);
  if (!machine) return Error{"instance `" + record.instanceId + "` runs " + record.machineHash + ", which is not loaded"};
  if (auto problem = Impl::storedRecordProblem(instanceId, *machine, record)) return Error{std::move(*problem)};
  InstanceView view;
  view.machine = machine->ir.name;
  view.contentHash = record.machineHash;
  view.state = machine->ir.states.at(record.state).name;
  view.final = machine->ir.states.at(record.state).isFinal;
  // `fire` and `start` take in only UTF-8 text, but a store's data is not ours to trust:
  // what JSON cannot show is an error, not an exception.
  try {
    nlohmann::ordered_json context = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < record.context.size(); ++i) {
      context[machine->ir.context[i].name] = nlohmann::ordered_json::parse(toJsonText(record.context[i]));
    }
    view.contextJson = context.dump();
  } catch (const std::exception& error) {
    return Error{"instance `" + record.instanceId + "`: its context cannot be shown as JSON: " + error.what()};
  }
  return view;
}

Result<std::vector<JournalEntry>> Engine::history(std::string_view instanceId) {
  auto loaded = impl_->store->load(instanceId);  // an unknown id is an error, as instance() says
  if (!loaded) return loaded.error();
  if (!loaded.value()) return Error{"no instance `" + excerptForMessage(instanceId) + "`"};
  return impl_->store->journal(instanceId);
}

RouteCounters Engine::routeCounters(std::string_view target) const {
  std::shared_lock lock(impl_->bindingsMutex);
  auto found = impl_->routes.find(target);
  return found == impl_->routes.end() ? RouteCounters{} : found->second->counters();
}

void Engine::drainRoutes() {
  // A sink's own delivery is under way until it returns, and a held instance may be what a
  // sink is waiting for: waiting here would never end.
  if (!Impl::mayWaitForSinks()) return;
  // A sink may route to any target, one drained before it too: rounds go on until one in
  // which no queue took an event. Sinks that keep routing to each other would never let that
  // happen; after kMaxDrainRounds what they make is left queued.
  Impl::RouteActivity before = impl_->routeActivity();
  for (int round = 0; round < kMaxDrainRounds; ++round) {
    // Retired queues first: what their sinks fire may be routed to the bound ones. Each
    // delivers what it holds as it is destroyed.
    impl_->takeRetired(true);
    for (const auto& [queue, activity] : before.queues) queue->drain();
    Impl::RouteActivity after = impl_->routeActivity();
    if (after.quiet() && after == before) return;
    before = std::move(after);
  }
  impl_->takeRetired(true);
}

}  // namespace approval::runtime
