// The embeddable engine: loads machines, binds host actions and route targets, starts
// instances and applies events to them with the semantics of docs/RUNTIME.md.
//
//   approval::runtime::Engine engine;               // or Engine(EngineOptions{...})
//   engine.bindAction("validatePolicy", [](const ActionCall&) { return ActionResult::ok(); });
//   engine.bindRoute("audit-service", [](const RoutedEvent&) { /* ... */ });   // bind, then load
//   auto machine = engine.loadSource(dslText, "leave.dsl");      // or loadIr(json)
//   if (!machine) return fail(machine.error().message);
//   if (auto started = engine.start({.machine = "leave-approval", .instanceId = "L-1", .tenantId = "acme"});
//       !started) return fail(started.error().message);
//   FireAnswer answer = engine.fire("L-1", Event{.id = "e1", .name = "submit", .actor = "ann"});
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "approval/clock.h"
#include "approval/ir.h"
#include "approval/result.h"
#include "approval/store.h"
#include "approval/value.h"

namespace approval {
struct Compilation;  // approval/compiler.h
}

namespace approval::runtime {

/// Whether `id` has the form of the events a due timer fires as, `timer/<visit>/<transition>`
/// (two decimal numbers). A host's event id may not, so that no host event is taken for a
/// timer that fired, nor a timer for a host event (either would be answered Duplicate);
/// `fire` refuses it. Other ids beginning with `timer/` are the host's.
[[nodiscard]] bool isTimerEventId(std::string_view id) noexcept;

/// An event as the host sends it.
struct Event {
  std::string id;     // unique per instance: a second event with this id is a Duplicate; not empty, not isTimerEventId
  std::string name;
  std::string actor;
  std::optional<TimestampValue> time{};    // default: the engine clock's now
  std::map<std::string, Value> payload{};  // checked against the event's declared fields
};

/// What a host action receives.
struct ActionCall {
  std::string_view action;
  std::span<const Value> arguments;  // evaluated in the instance's context
  std::string_view machine;
  std::string_view instanceId;
  std::string_view tenantId;
  const Event& event;
  bool compensation = false;  // running as a compensation
};

struct ActionResult {
  std::optional<std::string> error;  // set: the action failed
  static ActionResult ok() { return {}; }
  static ActionResult failure(std::string message) { return {std::move(message)}; }
};

using HostAction = std::function<ActionResult(const ActionCall&)>;

/// An accepted or emitted event on its way to a route target.
struct RoutedEvent {
  std::string target;
  std::string machine;
  std::string instanceId;
  std::string tenantId;
  std::string eventId;  // the accepted event's id; emitted events: "<id>/emit/<n>"
  std::string event;
  bool emitted = false;
  TimestampValue time;
};

using RouteSink = std::function<void(const RoutedEvent&)>;

enum class QueuePolicy {
  Block,         // fire waits for room (past the capacity instead while this target's sink
                 // itself calls fire, start or runDueTimers: the wait could be for the sink)
  DropAndCount,  // the event is dropped and counted
  Fail,          // the event is not queued; the answer lists it under routeFailures
};

struct RouteOptions {
  std::size_t capacity = 1024;
  QueuePolicy policy = QueuePolicy::Block;
  /// How long the worker, woken by an event, waits for more before delivering them as one
  /// batch (it delivers at once when half the capacity has gathered, a producer is blocked
  /// or drainRoutes() runs). A stream of events then costs one wake-up per batch instead of
  /// one per event; zero delivers every event as soon as it is queued.
  std::chrono::microseconds linger{1000};
};

struct RouteCounters {
  std::uint64_t delivered = 0;  // the sink returned
  std::uint64_t dropped = 0;    // QueuePolicy::DropAndCount, full
  std::uint64_t failed = 0;     // QueuePolicy::Fail, full; or the sink threw (that delivery is lost)
  std::uint64_t queued = 0;     // waiting now
};

struct FireAnswer {
  enum class Kind { Duplicate, Rejected, Stayed, Transitioned, Failed };
  Kind kind = Kind::Rejected;
  std::string reason;                       // Rejected: why; Failed: the action's error
  // The names of the machine's states, viewed: valid while the engine lives (it never
  // unloads a machine). Copying two names into every answer was a tenth of a short step.
  std::string_view from;                    // state names
  std::string_view to;                      // Transitioned only
  std::vector<std::string> actions;         // actions run, in order
  std::vector<std::string> emitted;         // events emitted
  std::string failedAction;                 // Failed only
  std::vector<std::string> compensations;   // Failed (and `compensate()`): compensations run
  std::vector<std::string> guardErrors;     // guards that ended in an error (they did not fire)
  std::vector<std::string> routeFailures;   // targets that refused (QueuePolicy::Fail) or have no sink
};

[[nodiscard]] const char* kindName(FireAnswer::Kind kind);

/// Durations as guards write them ("48h", "1h30m", "3600s") and RFC 3339 timestamps.
[[nodiscard]] Result<DurationValue> parseDurationText(std::string_view text);
[[nodiscard]] Result<TimestampValue> parseTimestampText(std::string_view text);

struct StartRequest {
  std::string machine{};     // a machine name (its latest loaded version) or a content hash
  std::string instanceId{};
  std::string tenantId{};
  std::string contextJson = "{}";  // fields not given take their declared defaults
};

using TimerAnswerCallback = std::function<void(const std::string& instanceId, const FireAnswer& answer)>;

/// A failure that kept due timers from firing, or a timer's answer from being told
/// (EngineOptions::onTimerError).
struct TimerError {
  enum class Source {
    Clock,        // Clock::now() threw
    Store,        // a Store call returned an error or threw
    TimerAnswer,  // EngineOptions::onTimerAnswer threw
    Engine,       // anything else the timer thread caught (the engine out of memory)
  };
  Source source = Source::Store;
  std::string instanceId;  // the instance of the timer it concerns; empty when it concerns no one timer
  /// What failed, doing what, and what it said, such as "store: reading the due timers:
  /// claimDueTimers threw: connection reset" or "clock: now() threw: clock broken".
  std::string message;
};

using TimerErrorCallback = std::function<void(const TimerError& error)>;

struct EngineOptions {
  std::unique_ptr<Store> store;                // default: makeMemoryStore()
  std::shared_ptr<Clock> clock;                // default: SystemClock
  bool jit = true;                             // false: guards run in the reference interpreter
  unsigned optimizationLevel = 2;
  bool timerThread = false;                    // true: a thread fires due timers on its own
  /// A timer whose transition Failed is tried again this much later (at least 1 ms).
  DurationValue timerRetry{60LL * 1'000'000'000LL};
  /// How long a due timer that this engine's timer thread or runDueTimers took stays this
  /// engine's (Store::claimDueTimers): other engines sharing the store leave it alone until
  /// then, so a timer's host actions run once. If this engine stops before it fires the
  /// timer, another fires it once the claim lapses. Longer than a timer's host actions take
  /// (at least 1 ms).
  DurationValue timerClaim{5LL * 60 * 1'000'000'000LL};
  /// Called with every timer's answer, whichever call fired it: runDueTimers (before that
  /// call's own callback), the timer thread, or `fire` catching up the instance's overdue
  /// timers before its event. It runs on the firing thread, after the timer's step and
  /// before that call goes on, with no instance held by the engine for it; what it throws
  /// cannot undo the step: it goes to onTimerError. Without it, the answers of timers that
  /// `fire` or the timer thread fired are seen only in the history. It is never called from
  /// inside itself: answers of timers fired while it runs are told after it returns.
  TimerAnswerCallback onTimerAnswer;
  /// Called with every failure that keeps due timers from firing, whichever call met it (the
  /// timer thread, runDueTimers, or `fire` catching up): the clock or the store throwing or
  /// answering an error, and onTimerAnswer throwing. The thread and runDueTimers go on after
  /// each (docs/RUNTIME.md, "Timers"), so a timer that cannot fire stays due and its cause
  /// is told here, every time it is met. It runs on the thread that met the failure, on
  /// several at once if they meet several; what it throws is ignored (it is the last word).
  TimerErrorCallback onTimerError;
};

/// Rounds of chained timers one catch-up fires at most: per runDueTimers call, and before
/// one event (a timer cycle such as `B → B after 1ms` days overdue would otherwise run for
/// hours). What is left stays due.
inline constexpr int kMaxTimerRounds = 65536;

/// Rounds drainRoutes() waits at most. Each waits until every queue has delivered what it
/// held at the round's start; a sink may meanwhile route events to any queue, so it takes as
/// many rounds as the longest chain of sinks routing to each other. Sinks that keep doing so
/// for ever (a sink firing an event that is routed back to it, each time) would hold the call
/// for ever: after this many rounds it returns, and their events stay queued.
inline constexpr int kMaxDrainRounds = 1024;

/// A loaded machine: name, version and the content hash instances are pinned to.
struct MachineInfo {
  std::string name;
  std::int64_t version = 1;
  std::string contentHash;
};

/// An instance looked up once (Engine::handle). Firing through it skips the lookup by id
/// where the store keeps stable slots (the in-memory store does); otherwise, and when given
/// to another engine, it fires by id. Its slot is valid while the engine that made it lives;
/// kept longer, the handle still fires by id at any later engine.
class InstanceHandle {
 public:
  InstanceHandle() = default;
  InstanceHandle(const InstanceHandle&) = default;
  InstanceHandle& operator=(const InstanceHandle&) = default;
  /// A moved-from handle is an empty one (it names no instance, and `fire` through it is
  /// Rejected): keeping its slot would apply events to its old instance under the id "".
  InstanceHandle(InstanceHandle&& other) noexcept { *this = std::move(other); }
  InstanceHandle& operator=(InstanceHandle&& other) noexcept {
    if (this == &other) return *this;
    instanceId_ = std::move(other.instanceId_);
    stripe_ = other.stripe_;
    slot_ = std::exchange(other.slot_, nullptr);
    engine_ = std::exchange(other.engine_, 0);
    other.instanceId_.clear();
    return *this;
  }
  [[nodiscard]] const std::string& instanceId() const { return instanceId_; }

 private:
  friend class Engine;
  std::string instanceId_;
  std::size_t stripe_ = 0;
  StoreSlot* slot_ = nullptr;
  // The engine whose store holds slot_, by its serial: an engine made where a destroyed one
  // was has its address, and would take the handle's freed slot for one of its own.
  std::uint64_t engine_ = 0;
};

class Engine {
 public:
  Engine();  // in-memory store, system clock, JIT guards
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Bindings come first: loading fails, listing everything missing, when a machine needs a
  /// host action or route target that is not bound. An empty callable unbinds the name: a
  /// transition calling an unbound action is Failed ("host action `x` is not bound").
  void bindAction(std::string name, HostAction action);
  /// Rebinding a target: its old queue delivers what it holds to the old sink first; events
  /// routed later, one a `fire` was still waiting to queue there included, go to the new one.
  /// From an ordinary thread this waits until the old sink's last call has returned; from a
  /// sink or a host action it does not (the old sink may be waiting for the caller), and the
  /// old sink may still be called afterwards.
  /// An empty sink unbinds the target: its queue delivers what it holds, and events routed
  /// to it later are listed in the answer's routeFailures ("target: event (no sink bound)").
  /// A new queue's counters start from zero.
  void bindRoute(std::string target, RouteSink sink, RouteOptions options = {});

  /// Compiles DSL text (every machine in it) or reads IR JSON (docs/IR.md). Machines are
  /// kept by content hash: several versions of one machine may be loaded at once.
  [[nodiscard]] Result<std::vector<MachineInfo>> loadSource(std::string text, std::string path = "<source>");
  [[nodiscard]] Result<std::vector<MachineInfo>> loadIr(std::string_view json);
  [[nodiscard]] Result<std::vector<MachineInfo>> loadProgram(ir::Program program);
  /// The machines compile() made (`compilation.program`, from which machines may be left out
  /// but in which none is changed): trusted as loadSource trusts its own compilation, so
  /// they are not written back as source and compiled again as loadIr's and loadProgram's
  /// are. A compilation with errors is refused with its diagnostics, as loadSource refuses it.
  [[nodiscard]] Result<std::vector<MachineInfo>> loadCompiled(Compilation&& compilation);

  [[nodiscard]] Result<MachineInfo> start(const StartRequest& request);
  /// A JSON object as the payload of `event` for this instance's machine, typed by the
  /// event's declared fields (what `approvalc run` reads from its events file).
  [[nodiscard]] Result<std::map<std::string, Value>> payloadFromJson(std::string_view instanceId,
                                                                     std::string_view event, std::string_view json);
  /// Applies one event; events of one instance apply one at a time, others in parallel.
  [[nodiscard]] FireAnswer fire(std::string_view instanceId, const Event& event);
  /// The instance, looked up once for `fire(const InstanceHandle&, ...)`.
  [[nodiscard]] Result<InstanceHandle> handle(std::string_view instanceId);
  /// `fire` with the answer and effects of `fire(handle.instanceId(), event)`.
  [[nodiscard]] FireAnswer fire(const InstanceHandle& instance, const Event& event);
  /// Fires every timer due by the clock's now (each once, however overdue, as of its due
  /// time); returns the answers in due order, also passing each to `onAnswer` as it comes.
  /// Timers that fired timers already due catch up in order, for at most kMaxTimerRounds
  /// rounds per call: the rest of a long overdue cycle stays due for the next call. What
  /// the clock or the store fails (returns or throws) goes to EngineOptions::onTimerError,
  /// as on the timer thread, and the call fires what it still can.
  std::vector<std::pair<std::string, FireAnswer>> runDueTimers(const TimerAnswerCallback& onAnswer = {});
  /// When the earliest pending timer is due (none: nullopt): for hosts that call
  /// runDueTimers on their own schedule. At or before the clock's now: some are due.
  [[nodiscard]] Result<std::optional<TimestampValue>> nextTimerDue();

  struct InstanceView {
    std::string machine;
    std::string contentHash;
    std::string state;
    std::string contextJson;
    bool final = false;
  };
  [[nodiscard]] Result<InstanceView> instance(std::string_view instanceId);
  /// The instance's audit history, oldest first; an error for an instance never started.
  [[nodiscard]] Result<std::vector<JournalEntry>> history(std::string_view instanceId);
  /// One page of it: at most `limit` entries from the `from`th on (0: the oldest); empty past
  /// its end. An instance voted on by thousands need not be read whole to show its latest.
  [[nodiscard]] Result<std::vector<JournalEntry>> history(std::string_view instanceId, std::size_t from,
                                                          std::size_t limit);
  [[nodiscard]] RouteCounters routeCounters(std::string_view target) const;
  /// Waits until every route queue is empty (tests and shutdown), what sinks route to other
  /// queues meanwhile included, for at most kMaxDrainRounds rounds. Inside a sink or a host
  /// action it returns at once: the sink's own delivery lasts until it returns, and a sink
  /// may be waiting for the instance the host action holds.
  void drainRoutes();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace approval::runtime
