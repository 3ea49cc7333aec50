// Where the runtime keeps instances: state, the journal of applied events, and timers.
//
// The engine only talks to this interface. Every change of one `fire` is one `commit`:
// the new instance record, its journal entry and its timers, applied atomically and only if
// the stored version is still the one the engine read (optimistic concurrency). That is
// what a durable store needs: SQLite runs a commit in one transaction; PostgreSQL adds
// `WHERE version = expected` on the update, and a unique key on the (instance, event id)
// pairs that commits applied makes a replayed event a Duplicate even across processes. That
// key is over applied ids only, not over the history: Duplicate, Rejected and Failed entries
// repeat ids and never apply one. docs/RUNTIME.md "Writing a store" is the whole contract
// (durability, threads, errors, transient failures, timer order). MemoryStore is the
// in-process implementation.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "approval/result.h"
#include "approval/value.h"

namespace approval::runtime {

/// One completed host action that has a compensation, remembered for `compensate()`.
struct SagaStep {
  std::string action;            // the compensating host action
  std::vector<Value> arguments;  // evaluated when the original action ran
  bool operator==(const SagaStep&) const = default;
};

/// Everything the engine knows about one instance between events.
struct InstanceRecord {
  std::string instanceId;
  std::string tenantId;
  std::string machineHash;  // the definition the instance is pinned to
  std::uint32_t state = 0;  // ir::StateIndex
  std::vector<Value> context;
  TimestampValue enteredAt;  // when the current state was entered
  std::uint64_t visit = 0;   // counts state entries: votes belong to one visit
  /// Distinct actors per event during this visit, each list sorted.
  std::vector<std::pair<std::string, std::vector<std::string>>> votes;
  std::vector<SagaStep> saga;  // compensations of completed actions, oldest first
  std::uint64_t version = 0;   // bumped by every commit
};

/// One applied (or refused) event in an instance's audit history.
struct JournalEntry {
  std::string eventId;
  std::string event;
  std::string actor;
  TimestampValue time;
  std::string answer;                         // Duplicate, Rejected, Stayed, Transitioned, Failed
  std::string detail;                         // the reason, "ACTION: failure", the state, or "FROM → TO"
  std::vector<std::string> guards;            // "transition N → TO: true|false|error: message"
  std::vector<std::string> actions;           // actions run, then compensations run
  std::vector<std::string> emitted;
  std::int64_t votes = 0;                     // distinct actors of this event in the visit
};

/// A pending `after` transition of an instance.
struct TimerRecord {
  std::string instanceId;
  std::uint32_t transition = 0;  // ir::TransitionIndex
  std::uint64_t visit = 0;       // the visit that armed it
  TimestampValue due;
  bool operator==(const TimerRecord&) const = default;
};

struct Commit {
  InstanceRecord instance;               // version: the version read (0: a new instance)
  std::optional<JournalEntry> journal;   // recorded with the change
  /// false: the entry is recorded as `record` records one, its id not applied. A Failed step
  /// that still changes the instance (a saga step kept, a timer re-armed) commits so, in one
  /// piece with its history entry: the event may be sent again under its id.
  bool journalApplies = true;
  bool replaceTimers = false;            // true: the instance's timers become `timers`
  std::vector<TimerRecord> timers;       // otherwise: added to the instance's timers
  std::optional<TimerRecord> consumedTimer;  // a timer that fired: removed
};

enum class CommitStatus { Committed, Conflict, DuplicateEvent };

/// An `after` transition a direct step arms on entering its target: due `delayNanos` after
/// the event's time.
struct DirectTimer {
  std::uint32_t transition = 0;  // ir::TransitionIndex
  std::int64_t delayNanos = 0;
};

/// One transition of a direct row, with the journal's texts (owned by DirectRow::owner).
struct DirectStep {
  std::uint32_t transition = 0;            // ir::TransitionIndex
  std::uint32_t target = 0;                // ir::StateIndex
  const std::string* detail = nullptr;     // "FROM → TO"
  const std::string* whenTrue = nullptr;   // "transition N → TO: true"; null: unguarded
  const std::string* whenFalse = nullptr;  // "transition N → TO: false"
  /// It can be taken in place: no actions but `emit`s, `set`s and host actions (their
  /// compensations, if any, join the instance's saga). A row may try steps that cannot: the
  /// event is direct only while their guards are false.
  bool takeable = false;
  /// Its state or its target has `after` transitions: taking it cancels the instance's
  /// pending timers and arms `timers`, as a commit with `replaceTimers` would.
  bool replacesTimers = false;
  const std::vector<DirectTimer>* timers = nullptr;  // the target's, in declaration order; null: none
  /// It runs host actions: the engine runs them before the store applies the step, and a
  /// store only ever sees it chosen once they succeeded.
  bool runsHostActions = false;
  /// It sets context fields: the decision carries the context after the step.
  bool setsContext = false;
  /// A step with actions: its actions as the answer lists them ("emit(NAME)", a host
  /// action's name) and the events it emits; null for a step without actions.
  const std::vector<std::string>* actions = nullptr;
  const std::vector<std::string>* emitted = nullptr;
  bool routesEmitted = false;  // an emitted event goes to route targets (the engine routes it)
};

/// An event's row in one state that the engine can decide from the stored instance and the
/// event alone (state, context, votes, time in state; the event's id, actor, time and
/// payload): its guards are compiled. docs/RUNTIME.md "Direct transitions".
struct DirectRow {
  const std::string* event = nullptr;  // the event's name
  const std::string* state = nullptr;  // the state's name (a Stayed entry's detail)
  std::vector<DirectStep> steps;       // the transitions tried, in declaration order
  const void* owner = nullptr;         // what DirectPlanner::keepAlive returns for it
  bool readsEvent = false;             // a guard reads the event (id, actor, time or payload)
  bool routed = false;                 // the event goes to route targets (the engine routes it)
  /// Its first step is taken whatever the instance: unguarded, without host actions or
  /// `set`s, and neither the event nor that step routes anything. The planner takes it at
  /// once for an event without payload fields.
  bool plain = false;
};

/// One event's identity, time and payload for `Store::applyDirect`.
struct DirectEvent {
  std::string_view instanceId;  // the instance it is fired at (the timers a step arms name it)
  std::string_view id;
  std::string_view name;  // as sent (a Duplicate's history entry records it)
  std::string_view actor;
  TimestampValue time;
  /// The payload as sent (null: none). The planner checks it against the event's fields; the
  /// store does not keep it (the history records payloads of neither path).
  const std::map<std::string, Value>* payload = nullptr;
  /// Set when the engine applies the event without serialising it first: the number of
  /// other paths that may be applying an event to the instance now. Read under the
  /// instance's lock; when it is not zero, `applyDirect` changes and records nothing and
  /// answers NotDirect (the engine then serialises the event and tries again).
  const std::atomic<std::uint32_t>* holds = nullptr;
};

/// What the store shows the planner of a stored instance.
struct DirectInstance {
  std::string_view machineHash;
  std::string_view tenantId;  // what host actions the step runs are told
  std::uint32_t state = 0;
  std::span<const Value> context;
  const decltype(InstanceRecord::votes)* votes = nullptr;  // this visit's, without the event's
  TimestampValue enteredAt;
  /// A cell the store keeps for each machine hash, for the planner to remember what the hash
  /// resolved to (so that later plans skip the lookup); null when the store keeps none. Only
  /// the planner of the engine that owns the store writes it.
  std::atomic<const void*>* machineMemo = nullptr;
  /// The record's version (InstanceRecord::version). A step with host actions is planned
  /// before they run and applied by a second `applyDirect` after: it applies only if the
  /// version is still the one it was planned on, so a writer that changed the instance in
  /// between (another process sharing a durable store) is never overwritten.
  std::uint64_t version = 0;
};

/// The planner's answer: not direct (`row` null), stay (`step` -1: every guard was false), or
/// take `row->steps[step]`.
struct DirectDecision {
  const DirectRow* row = nullptr;
  int step = -1;
  /// The instance's context after the step, when the step sets fields (null: unchanged);
  /// owned by the planner, valid during `applyDirect`.
  const std::vector<Value>* context = nullptr;
  /// The compensations the step's host actions registered, in order, to append to the
  /// instance's saga (null: none); owned by the planner, valid during `applyDirect`.
  const std::vector<SagaStep>* saga = nullptr;

  /// Whether the engine routes something after the step (the event, or an emitted one).
  [[nodiscard]] bool routes() const {
    return row != nullptr && (row->routed || (step >= 0 && row->steps[static_cast<std::size_t>(step)].routesEmitted));
  }
};

/// The engine's side of `Store::applyDirect`: called under the instance's lock.
class DirectPlanner {
 public:
  /// Decides the event for this instance; evaluates the row's guards. Not direct when the
  /// row is not, or a guard ends in an error (the general path then reports it).
  [[nodiscard]] virtual DirectDecision plan(const DirectInstance& instance, const DirectEvent& event) const = 0;
  /// Owns `row` and its texts: a store that keeps pointers to them (rather than copies)
  /// holds this for as long as it keeps them.
  [[nodiscard]] virtual std::shared_ptr<const void> keepAlive(const DirectRow& row) const = 0;
  /// After a plan that was not direct: why the instance refuses the event, worded as the
  /// general path words it (the machine has no such event, the payload does not fit, the
  /// state has no transition on it); null when the general path must decide.
  [[nodiscard]] virtual const std::string* refusal() const = 0;

 protected:
  ~DirectPlanner() = default;
};

struct DirectOutcome {
  /// Applied: the store made the change and journaled it. Duplicate: the instance has applied
  /// `event.id` already; the store only added `duplicateEntry(event)` to its history.
  /// Refused: the planner gave a refusal(); the store only added `refusedEntry(event, why)`
  /// to its history, and the event id stays free. NotDirect: nothing changed (no such
  /// instance, a timer is due, the planner declined, or the store does not apply in place);
  /// the engine takes the general path.
  enum class Status { Applied, Duplicate, Refused, NotDirect };
  Status status = Status::NotDirect;
  std::uint32_t from = 0;  // the instance's state before the event (all but NotDirect)
  DirectDecision decision;
  /// Applied, when decision.routes(): what the routed events carry. Valid until the store
  /// next changes the instance.
  std::string_view tenantId;
  /// Duplicate: the instance's machine hash (the store keeps it for as long as it lives).
  std::string_view machineHash;
};

/// Why an event whose id the instance has applied already is a Duplicate, as the answer and
/// the history word it: "event `ID` was already applied".
[[nodiscard]] std::string duplicateReason(std::string_view eventId);
/// Its history entry, on either path: answer Duplicate, detail duplicateReason(eventId).
[[nodiscard]] JournalEntry duplicateEntry(std::string_view eventId, std::string_view event, std::string_view actor,
                                          TimestampValue time);
[[nodiscard]] inline JournalEntry duplicateEntry(const DirectEvent& event) {
  return duplicateEntry(event.id, event.name, event.actor, event.time);
}
/// The history entry of a refused event, on either path: answer Rejected, detail `reason`.
[[nodiscard]] JournalEntry refusedEntry(std::string_view eventId, std::string_view event, std::string_view actor,
                                        TimestampValue time, std::string_view reason);
[[nodiscard]] inline JournalEntry refusedEntry(const DirectEvent& event, std::string_view reason) {
  return refusedEntry(event.id, event.name, event.actor, event.time, reason);
}

/// The hash of an instance id that Store::slot receives.
[[nodiscard]] inline std::size_t instanceIdHash(std::string_view instanceId) noexcept {
  return std::hash<std::string_view>{}(instanceId);
}

/// Where a store that keeps instances in memory holds one instance (Store::slot): stable for
/// as long as the store lives, and opaque to everyone but that store.
struct StoreSlot {};


class Store {
 public:
  virtual ~Store() = default;
  [[nodiscard]] virtual Result<std::optional<InstanceRecord>> load(std::string_view instanceId) = 0;
  /// Applies `commit` if the stored version equals `commit.instance.version` (absent counts as
  /// 0) and, when the journal entry applies (`journalApplies`), its event id is new for the
  /// instance; the stored version becomes one more, the entry joins the history, and an
  /// applying entry's id is applied. Otherwise Conflict (also for a version 0 whose instance
  /// exists) or DuplicateEvent; when both hold, either. Committed means durable.
  /// Timers: `replaceTimers` removes all of the instance's, then `consumedTimer` removes the
  /// one timer equal to it in all four fields, then `timers` are added, in their order.
  /// The store may move from `commit` (its record, journal entry and timers).
  [[nodiscard]] virtual Result<CommitStatus> commit(Commit&& commit) = 0;
  /// Records a journal entry that changes nothing (Rejected, Duplicate, Failed): its event id
  /// is not applied, and may be in the history already or later.
  [[nodiscard]] virtual Result<bool> record(std::string_view instanceId, const JournalEntry& entry) = 0;
  [[nodiscard]] virtual Result<bool> applied(std::string_view instanceId, std::string_view eventId) = 0;
  [[nodiscard]] virtual Result<std::vector<JournalEntry>> journal(std::string_view instanceId) = 0;
  /// At most `limit` entries of the history from the `from`th on (0: the oldest), in history
  /// order; empty past its end. A store with long histories answers it without reading the
  /// rest (`ORDER BY seq LIMIT ? OFFSET ?`, or a seek on its sequence); the default reads the
  /// whole history and keeps the page.
  [[nodiscard]] virtual Result<std::vector<JournalEntry>> journalPage(std::string_view instanceId, std::size_t from,
                                                                      std::size_t limit) {
    auto all = journal(instanceId);
    if (!all) return all;
    auto& entries = all.value();
    if (from >= entries.size()) return std::vector<JournalEntry>();
    const auto first = entries.begin() + static_cast<std::ptrdiff_t>(from);
    const auto end = first + static_cast<std::ptrdiff_t>(std::min(limit, entries.size() - from));
    return std::vector<JournalEntry>(std::make_move_iterator(first), std::make_move_iterator(end));
  }
  /// Timers due at or before `now`, earliest first; timers due at the same time in the order
  /// they were added (Commit::timers' order). `limit`: the first so many in that order.
  [[nodiscard]] virtual Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) = 0;
  /// What dueTimers(now, limit) returns, leaving out the timers another claimant holds past
  /// `now`; each timer returned is now held by `claimant` until `until`, and stays pending.
  /// It is how engines that share a store (several processes on one database) keep from
  /// firing one timer, and running its host actions, at once: each engine's timer thread
  /// claims before it fires, and a claim lapses at `until`, so the timers of an engine that
  /// stopped are fired by another. The default claims nothing and answers dueTimers: enough
  /// for a store that one engine uses. A claim goes with its timer (consumed or replaced).
  /// dueTimers and nextTimer still list claimed timers.
  [[nodiscard]] virtual Result<std::vector<TimerRecord>> claimDueTimers(TimestampValue now, std::size_t limit,
                                                                        std::string_view /*claimant*/,
                                                                        TimestampValue /*until*/) {
    return dueTimers(now, limit);
  }
  /// The timers of one instance due at or before `now`, earliest first (what `fire` applies
  /// before an event, so an event never overtakes a deadline that had already passed).
  [[nodiscard]] virtual Result<std::vector<TimerRecord>> dueTimers(std::string_view instanceId,
                                                                   TimestampValue now) = 0;
  /// The earliest pending timer, if any (for a timer thread's sleep).
  [[nodiscard]] virtual Result<std::optional<TimestampValue>> nextTimer() = 0;
  [[nodiscard]] virtual Result<std::size_t> instanceCount() = 0;

  /// The instance's slot, or null (no such instance, or the store does not apply events in
  /// place). Slots stay valid as long as the store: an engine's InstanceHandle keeps one.
  /// `idHash` is instanceIdHash(instanceId): the engine hashes an id once per event, and a
  /// store that finds slots by that hash need not hash it again.
  [[nodiscard]] virtual StoreSlot* slot(std::string_view /*instanceId*/, std::size_t /*idHash*/) { return nullptr; }
  /// Applies a direct row's decision in place, atomically with its journal entry, when the
  /// instance has no timer due at or before `event.time` (the general path fires it first)
  /// and has not seen `event.id` (Duplicate when it has: only the Duplicate's history entry
  /// is added). First of all, under the instance's lock: NotDirect, changing nothing, when
  /// `event.holds` is set and reads non-zero. A plan that is not direct but gives a
  /// `refusal()` is Refused: only its history entry is added. Taking a step: the state becomes its target, a visit starts (votes cleared,
  /// entered at `event.time`), the context becomes the decision's when it has one, the
  /// decision's `saga` steps join the instance's saga, and a step that `replacesTimers`
  /// replaces the instance's timers with its `timers`, each due at `event.time` plus its
  /// delay, for the new visit. Staying: the actor's vote for the event is recorded. Either way
  /// the version goes up, as a commit would. Stores that cannot do better than load and
  /// commit keep these defaults, and the engine takes the general path: the direct path is
  /// for stores that hold their instances in this process's memory.
  [[nodiscard]] virtual DirectOutcome applyDirect(StoreSlot& /*slot*/, const DirectEvent& /*event*/,
                                                  const DirectPlanner& /*planner*/) {
    return {};
  }
};

/// Keeps everything in memory; thread-safe.
[[nodiscard]] std::unique_ptr<Store> makeMemoryStore();

}  // namespace approval::runtime
