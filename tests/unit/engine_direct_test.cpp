// Direct transitions (docs/RUNTIME.md "Direct transitions"): events whose row the state and
// context alone decide are applied in place by the in-memory store. They must be indistinguishable
// from the general path (load, apply, commit): same answers, same history, same states, the
// same idempotency, through an instance id or an InstanceHandle, under concurrency too. The
// last case runs the same scripts against the machine loaded from IR JSON (Engine::loadIr).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <future>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>

#include "approval/compiler.h"
#include "approval/engine.h"
#include "support/engine_events.h"
#include "support/finishes_or_fails.h"
#include "support/forwarding_store.h"
#include "approval/ir_json.h"
#include "engine/instance_stripes.h"

using namespace approval;
using namespace approval::runtime;
using approval::test::event;
using Kind = FireAnswer::Kind;

namespace {

constexpr std::int64_t kMinute = 60LL * 1'000'000'000LL;

// Direct rows: A/B/C on "next" and "back", A on "hop" and "skip" (a guard on the context,
// then an unguarded fallback), B and C on "hop" (guards on the context and on the event's
// actor, with no fallback: the event may stay), B on "vote" (a quorum guard, routed). D has a
// timer: steps into D arm it in place (C on "vote", B on "pay", which set a field), steps out
// of D cancel it (D on "next", "hop" and "call"), and an event that finds it due is left to
// the general path, which fires the timer first. C's second "hop" guard fails (division by
// zero): the direct path hands that case to the general one, which reports it. Events with a payload: C on "pay", and A and B
// on "note" (guards on the payload, one field with a default); a payload the event may not
// carry (an unknown field, a wrong type, a missing field) is refused by the general path.
// Transitions whose actions are only `emit`s are direct too: A and B on "ping" (emitting the
// routed "vote", and "next"), and C on "ping" while amount > 3; C on "ping" otherwise stays.
// So are those that call host actions without compensations ("call"): A's (arguments from the
// context and the event, then an emit), B's (guarded, the payload's field with its default,
// and `check`, which fails for some ids), C's (an argument that fails: the general path
// reports it). C on "undo" registers compensations in place (two actions with one each, then
// `check`, whose failure runs them newest first); A on "undo" runs the saga (`compensate()`:
// never direct).
// Transitions that `set` context fields are direct ("tally"): A's (from the payload, then a
// host action that is told the new value), B's (guarded, and a fallback whose value fails when amount is 6: the
// general path reports it) and C's (a value read from the votes, which may stay); B's "bump"
// sets a field from the payload and does nothing else. D's "reset" sets a field and leaves D:
// unguarded and without payload, yet not a plain row (its step sets the context).
const char* const kMachine = R"(
state machine "direct" {
  context { amount: int = 5 }
  events {
    "next"  "back"  "hop"  "skip"  "vote"  "pay" { sum: int }  "note" { text: string, level: int = 1 }  "ping"
    "call" { note: string = "n" }  "undo"  "tally" { by: int = 1 }  "bump" { by: int = 1 }  "reset"
  }
  initial: A
  states: [A, B, C, D, E]
  final: [E]
  transitions {
    A → B on "next"
    B → C on "next"
    C → A on "next"
    B → A on "back"
    C → B on "back"
    A → A on "hop"
    B → C on "hop" if amount > 6
    C → A on "hop" if event.actor == "actor-1"
    C → B on "hop" if 10 / (amount - amount) > 0
    A → C on "skip" if amount > 3
    A → B on "skip"
    B → A on "vote" if hasQuorum(2)
    C → D on "vote" if hasQuorum(3) → set(amount, 1)
    B → D on "pay" → set(amount, event.sum)
    C → E on "pay"
    D → A on "next"
    D → A on "hop" if amount > 100
    D → E after 1h
    A → B on "note" if event.level > 2
    B → B on "note" if event.text.startsWith("ok") && event.actor != "actor-2"
    A → C on "ping" → emit("vote"), emit("next")
    B → A on "ping" → emit("vote")
    C → B on "ping" if amount > 3 → emit("next")
    A → B on "call" → record(amount, event.actor), emit("vote")
    B → C on "call" if amount > 2 → record(amount + votes("call"), event.note), check(), emit("next")
    B → A on "call" → check()
    C → A on "call" → record(10 / (amount - amount), event.actor)
    D → A on "call" → record(amount, event.actor)
    C → C on "undo" → record(amount, event.actor) compensate record(amount + 1, "undo"),
      record(amount + 2, "again") compensate check(), check()
    A → A on "undo" → compensate()
    A → B on "tally" → set(amount, amount + event.by), record(amount, event.actor)
    B → C on "tally" if amount > 7 → set(amount, 0)
    B → B on "tally" → set(amount, 100 / (amount - 6)), emit("ping")
    C → A on "tally" if votes("tally") > 1 → set(amount, amount + votes("tally"))
    B → B on "bump" → set(amount, amount + event.by)
    D → C on "reset" → set(amount, amount + 4)
  }
  routes { "vote" → "audit" }
}
)";

/// Through it, every event takes the general path (it keeps Store's defaults for the direct one).
using GeneralOnlyStore = approval::test::ForwardingStore;

/// For stores that change what runDue reads by overriding dueTimers(now, limit): it claims
/// nothing, so Store's default claimDueTimers reads the due timers through that override.
class DueTimersStore : public GeneralOnlyStore {
 public:
  using GeneralOnlyStore::GeneralOnlyStore;
  Result<std::vector<TimerRecord>> claimDueTimers(TimestampValue now, std::size_t limit, std::string_view claimant,
                                                  TimestampValue until) override {
    return Store::claimDueTimers(now, limit, claimant, until);
  }
};

/// What a CountingStore saw applied directly.
struct DirectCounts {
  std::atomic<int> applied{0};
  std::atomic<int> stayed{0};       // every guard was false
  std::atomic<int> withPayload{0};  // the event carried a payload
  std::atomic<int> emitting{0};     // the step taken emits events
  std::atomic<int> hostActions{0};  // the step taken ran host actions
  std::atomic<int> setsContext{0};  // the step taken set context fields
  std::atomic<int> timers{0};       // the step taken replaced the instance's timers
  std::atomic<int> saga{0};         // the step taken registered compensations
  std::atomic<int> duplicates{0};   // answered Duplicate in place
  std::atomic<int> refused{0};      // refused in place (Rejected, recorded by the store)
  std::atomic<int> records{0};      // entries recorded apart from a change (Store::record)
  std::atomic<int> loads{0};        // instance records loaded (the general path loads; direct answers do not)
};

/// A memory store that counts the events it applied directly.
class CountingStore final : public GeneralOnlyStore {
 public:
  explicit CountingStore(DirectCounts& counts) : counts_(counts) {}
  StoreSlot* slot(std::string_view id, std::size_t idHash) override { return inner_->slot(id, idHash); }
  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    ++counts_.loads;
    return inner_->load(id);
  }
  Result<bool> record(std::string_view id, const JournalEntry& entry) override {
    ++counts_.records;
    return inner_->record(id, entry);
  }
  DirectOutcome applyDirect(StoreSlot& slot, const DirectEvent& event, const DirectPlanner& planner) override {
    DirectOutcome outcome = inner_->applyDirect(slot, event, planner);
    if (outcome.status == DirectOutcome::Status::Duplicate) ++counts_.duplicates;
    if (outcome.status == DirectOutcome::Status::Refused) ++counts_.refused;
    if (outcome.status == DirectOutcome::Status::Applied) {
      ++counts_.applied;
      const int step = outcome.decision.step;
      if (step < 0) ++counts_.stayed;
      const DirectStep* taken = step >= 0 ? &outcome.decision.row->steps[static_cast<std::size_t>(step)] : nullptr;
      if (taken != nullptr && taken->emitted != nullptr && !taken->emitted->empty()) ++counts_.emitting;
      if (taken != nullptr && taken->runsHostActions) ++counts_.hostActions;
      if (taken != nullptr && taken->setsContext) ++counts_.setsContext;
      if (taken != nullptr && taken->replacesTimers) ++counts_.timers;
      if (outcome.decision.saga != nullptr) ++counts_.saga;
      if (event.payload != nullptr && !event.payload->empty()) ++counts_.withPayload;
    }
    return outcome;
  }

 private:
  DirectCounts& counts_;
};

/// Host actions read the instance through the engine while they run (a direct step's actions
/// run with the store unlocked) and see it as it was before the event; `calls` gets what each
/// was told and saw. `check` fails for ids ending in 3 or 7; `record` throws when told "boom".
void bindHostActions(Engine& engine, std::vector<std::string>& calls) {
  for (const char* name : {"record", "check"}) {
    engine.bindAction(name, [&engine, &calls](const ActionCall& call) {
      std::string text = std::string(call.action) + "(";
      for (const auto& argument : call.arguments) text += toJsonText(argument) + ",";
      const auto seen = engine.instance(call.instanceId);
      const auto history = engine.history(call.instanceId);
      text += ")|" + std::string(call.machine) + "|" + std::string(call.instanceId) + "|" + std::string(call.tenantId) +
              "|" + call.event.id + "|" + call.event.actor + "|" + (call.compensation ? "undo" : "do") + "|" +
              (seen.ok() ? seen.value().state : "?") + "|" + std::to_string(history.ok() ? history.value().size() : 0);
      calls.push_back(text);
      const bool refused = call.event.id.ends_with('3') || call.event.id.ends_with('7');
      if (call.action == "check" && !call.compensation && refused) {
        return ActionResult::failure("check failed for " + call.event.id);
      }
      for (const auto& argument : call.arguments) {
        if (argument.is<std::string>() && argument.as<std::string>() == "boom") throw std::runtime_error("boom");
      }
      return ActionResult::ok();
    });
  }
}

struct Rig {
  std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  std::mutex routedMutex;
  std::vector<std::string> routed;  // every field of every routed event, in delivery order
  std::vector<std::string> calls;   // every host action call: what it was told, and what it saw
  Store* store = nullptr;           // the engine's
  // Declared last, so destroyed first: its route workers stop before `routed` goes away.
  std::unique_ptr<Engine> engine;

  explicit Rig(std::unique_ptr<Store> owned) : store(owned.get()) {
    EngineOptions options;
    options.clock = clock;
    options.store = std::move(owned);
    engine = std::make_unique<Engine>(std::move(options));
    bindHostActions(*engine, calls);
    engine->bindRoute("audit", [this](const RoutedEvent& e) {
      std::lock_guard lock(routedMutex);
      routed.push_back(e.target + "|" + e.machine + "|" + e.instanceId + "|" + e.tenantId + "|" + e.eventId + "|" +
                       e.event + "|" + (e.emitted ? "emitted" : "accepted") + "|" +
                       std::to_string(e.time.nanoseconds));
    });
    auto loaded = engine->loadSource(kMachine, "direct.dsl");
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  }
};

/// The instance's pending timers, due or not: transition, visit and due time of each.
/// An engine on a virtual clock, through the memory store or, `generalOnly`, a store that
/// only loads and commits (so every event takes the general path).
std::unique_ptr<Engine> engineOn(bool generalOnly, std::shared_ptr<VirtualClock> clock = nullptr) {
  EngineOptions options;
  options.clock = clock ? std::move(clock) : std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  options.store = generalOnly ? std::make_unique<GeneralOnlyStore>() : makeMemoryStore();
  return std::make_unique<Engine>(std::move(options));
}

std::string pendingTimers(Store& store, const std::string& id) {
  auto timers = store.dueTimers(id, TimestampValue{std::numeric_limits<std::int64_t>::max()});
  REQUIRE(timers.ok());
  std::string all;
  for (const auto& t : timers.value()) {
    all += t.instanceId + "|" + std::to_string(t.transition) + "|" + std::to_string(t.visit) + "|" +
           std::to_string(t.due.nanoseconds) + ";";
  }
  return all;
}

std::string join(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& part : parts) all += part + ";";
  return all;
}

std::string describe(const FireAnswer& answer) {
  return std::string(kindName(answer.kind)) + "|" + answer.reason + "|" + std::string(answer.from) + "|" + std::string(answer.to) + "|" +
         join(answer.actions) + "|" + join(answer.emitted) + "|" + answer.failedAction + "|" +
         join(answer.compensations) + "|" + join(answer.guardErrors) + "|" + join(answer.routeFailures);
}

std::string describe(const std::vector<JournalEntry>& history) {
  std::string all;
  for (const auto& e : history) {
    all += e.eventId + "|" + e.event + "|" + e.actor + "|" + std::to_string(e.time.nanoseconds) + "|" + e.answer +
           "|" + e.detail + "|" + join(e.guards) + "|" + join(e.actions) + "|" + join(e.emitted) + "|" +
           std::to_string(e.votes) + "\n";
  }
  return all;
}

/// A seeded script over every kind of row, with repeated ids, unknown events, missing
/// payloads and clock steps that let D's timer fall due.
struct Step {
  Event event;
  std::int64_t advance = 0;  // minutes the clock moves before the event
};

std::vector<Step> script(unsigned seed, std::size_t length) {
  std::mt19937 random(seed);
  const std::vector<std::string> names = {"next", "next",  "back",  "hop",   "hop",   "skip", "vote", "vote",
                                          "pay",  "note",  "note",  "ping",  "ping",  "call", "call", "call",
                                          "undo", "undo",  "undo",  "tally", "tally", "tally", "bump", "reset", "nope"};
  std::vector<Step> steps;
  for (std::size_t i = 0; i < length; ++i) {
    const std::string& name = names[random() % names.size()];
    const std::string id = random() % 8 == 0 && i > 0 ? "e" + std::to_string(random() % i) : "e" + std::to_string(i);
    std::map<std::string, Value> payload;
    if (name == "pay" && random() % 4 != 0) payload.emplace("sum", Value(static_cast<std::int64_t>(random() % 9)));
    if (name == "note") {
      // Mostly valid: text always, level sometimes (default 1). Sometimes not: text missing,
      // a field "note" does not declare, a level that is not an int.
      const auto shape = random() % 8;
      if (shape != 0) payload.emplace("text", Value(random() % 2 == 0 ? "ok, fine" : "no"));
      if (shape >= 4) payload.emplace("level", Value(static_cast<std::int64_t>(random() % 5)));
      if (shape == 1) payload.emplace("mood", Value("odd"));
      if (shape == 2) payload.emplace("level", Value("high"));
    }
    if ((name == "tally" || name == "bump") && random() % 3 == 0) {
      payload.emplace("by", Value(static_cast<std::int64_t>(random() % 4)));
    }
    if (name == "call") {
      // Mostly the default note; sometimes one that makes `record` throw, or a wrong type.
      const auto shape = random() % 6;
      if (shape == 1) payload.emplace("note", Value("hello"));
      if (shape == 2) payload.emplace("note", Value("boom"));
      if (shape == 3) payload.emplace("note", Value(std::int64_t{4}));
    }
    const std::int64_t advance = random() % 3 == 0 ? static_cast<std::int64_t>(random() % 50) : 0;
    steps.push_back({event(id, name, "actor-" + std::to_string(random() % 3), std::move(payload)), advance});
  }
  return steps;
}

}  // namespace

TEST_CASE("direct transitions: the same answers, history and states as the general path, by id and by handle") {
  DirectCounts counts;
  Rig general(std::make_unique<GeneralOnlyStore>());
  Rig byId(std::make_unique<CountingStore>(counts));
  Rig byHandle(std::make_unique<CountingStore>(counts));
  int kinds[5] = {};
  int compensatedFailures = 0;  // Failed answers that ran compensations
  int sagasRun = 0;             // `compensate()` running a saga
  for (unsigned instance = 0; instance < 40; ++instance) {
    const std::string id = "I" + std::to_string(instance);
    for (Rig* rig : {&general, &byId, &byHandle}) REQUIRE(rig->engine->start({"direct", id, "t", "{}"}).ok());
    auto handle = byHandle.engine->handle(id);
    REQUIRE(handle.ok());
    CHECK(handle.value().instanceId() == id);
    for (const Step& step : script(instance, 60)) {
      for (Rig* rig : {&general, &byId, &byHandle}) rig->clock->advance(DurationValue{step.advance * kMinute});
      const FireAnswer expected = general.engine->fire(id, step.event);
      CHECK(describe(byId.engine->fire(id, step.event)) == describe(expected));
      CHECK(describe(byHandle.engine->fire(handle.value(), step.event)) == describe(expected));
      const std::string timers = pendingTimers(*general.store, id);
      CHECK(pendingTimers(*byId.store, id) == timers);
      CHECK(pendingTimers(*byHandle.store, id) == timers);
      ++kinds[static_cast<int>(expected.kind)];
      if (!expected.compensations.empty()) ++(expected.kind == Kind::Failed ? compensatedFailures : sagasRun);
    }
    const std::string history = describe(general.engine->history(id).value());
    CHECK(describe(byId.engine->history(id).value()) == history);
    CHECK(describe(byHandle.engine->history(id).value()) == history);
    const auto view = general.engine->instance(id).value();
    for (Rig* rig : {&byId, &byHandle}) {
      const auto other = rig->engine->instance(id).value();
      CHECK(other.state == view.state);
      CHECK(other.contextJson == view.contextJson);
    }
  }
  for (Rig* rig : {&general, &byId, &byHandle}) rig->engine->drainRoutes();
  CHECK_FALSE(general.routed.empty());
  CHECK(byId.routed == general.routed);
  CHECK(byHandle.routed == general.routed);
  // Every host action ran once per event, told and seeing the same, on every path.
  CHECK_FALSE(general.calls.empty());
  CHECK(byId.calls == general.calls);
  CHECK(byHandle.calls == general.calls);
  // The scripts reached every kind of answer, and many events went the direct way (1,950 of
  // the 4,800 fired at the two counting engines when this was last changed: 476 stays, 426
  // steps with host actions, 302 with `set`s, 42 into or out of D, 116 registering
  // compensations; the instances that reach E stop moving).
  for (Kind kind : {Kind::Duplicate, Kind::Rejected, Kind::Stayed, Kind::Transitioned, Kind::Failed}) {
    CHECK(kinds[static_cast<int>(kind)] > 0);
  }
  CHECK(counts.applied.load() > 500);
  CHECK(counts.stayed.load() > 0);  // guarded direct rows where every guard was false
  CHECK(counts.withPayload.load() > 50);  // events with a payload, checked and read by guards in place
  CHECK(counts.emitting.load() > 50);  // transitions that emit (the routed "vote" among them)
  CHECK(counts.hostActions.load() > 50);  // transitions whose host actions ran before the store applied them
  CHECK(counts.setsContext.load() > 50);  // transitions that set context fields in place
  CHECK(counts.timers.load() > 25);  // transitions into or out of D, its timer armed or cancelled in place
  CHECK(counts.saga.load() > 20);    // C's "undo": compensations registered in place
  CHECK(counts.duplicates.load() > 50);  // ids sent again, answered in place
  CHECK(compensatedFailures > 5);
  CHECK(sagasRun > 5);
  MESSAGE("direct: ", counts.applied.load(), " applied, ", counts.stayed.load(), " stayed, ", counts.hostActions.load(),
          " with host actions, ", counts.setsContext.load(), " with sets, ", counts.timers.load(), " with timers, ",
          counts.saga.load(), " with compensations, ", counts.duplicates.load(), " duplicates; ", compensatedFailures,
          " compensated failures, ", sagasRun, " sagas run");
}

TEST_CASE("direct transitions: a seen id is a Duplicate and refusals are answered in place; a due timer goes first") {
  const std::int64_t start = 1'700'000'000LL * 1'000'000'000LL;
  DirectCounts counts;
  Rig rig(std::make_unique<CountingStore>(counts));
  REQUIRE(rig.engine->start({"direct", "X", "t", "{}"}).ok());
  CHECK(rig.engine->fire("X", event("1", "next", "ann")).kind == Kind::Transitioned);
  CHECK(counts.applied.load() == 1);
  const FireAnswer again = rig.engine->fire("X", event("1", "back", "ann"));
  CHECK(again.kind == Kind::Duplicate);
  CHECK(again.reason == "event `1` was already applied");
  CHECK(again.from == "B");
  CHECK(counts.duplicates.load() == 1);  // answered in place, whatever the event's row
  // Refusals are answered in place too, each with the general path's reason, in its order:
  // an unknown event, a payload that does not fit (before the missing transition), no
  // transition from the state. Their ids stay free.
  const FireAnswer unknown = rig.engine->fire("X", event("r1", "nope", "ann"));
  CHECK(unknown.kind == Kind::Rejected);
  CHECK(unknown.reason == "`direct` has no event `nope`");
  CHECK(unknown.from == "B");
  const FireAnswer badPayload = rig.engine->fire("X", event("r1", "undo", "ann", {{"mood", Value("odd")}}));
  CHECK(badPayload.kind == Kind::Rejected);
  CHECK(badPayload.reason == "event `undo` has no field `mood` (its fields: none)");
  const FireAnswer noRow = rig.engine->fire("X", event("r1", "undo", "ann"));
  CHECK(noRow.kind == Kind::Rejected);
  CHECK(noRow.reason == "no transition on `undo` from state `B`");
  const FireAnswer misfit = rig.engine->fire("X", event("r1", "note", "ann", {{"level", Value(std::int64_t{2})}}));
  CHECK(misfit.kind == Kind::Rejected);  // B's "note" row is direct: its payload is checked in place
  CHECK(misfit.reason == "event `note` needs field `text`");
  CHECK(counts.loads.load() == 0);  // none of them loaded the instance
  CHECK(counts.refused.load() == 4);  // the store recorded each refusal where it found it
  CHECK(counts.records.load() == 0);
  CHECK(rig.engine->instance("X").value().state == "B");

  // B → D enters a state with a timer: the step arms it in place (transition 17, D → E
  // after 1h, for the third visit). An event that stays in D is direct while the timer is
  // not due; once it is due, the general path fires it first.
  CHECK(rig.engine->fire("X", event("2", "pay", "ann", {{"sum", Value(std::int64_t{7})}})).kind == Kind::Transitioned);
  CHECK(counts.applied.load() == 2);
  CHECK(pendingTimers(*rig.store, "X") == "X|17|3|" + std::to_string(start + 60 * kMinute) + ";");
  CHECK(rig.engine->fire("X", event("3", "hop", "ann")).kind == Kind::Stayed);
  CHECK(counts.applied.load() == 3);
  rig.clock->advance(DurationValue{61 * kMinute});
  const FireAnswer late = rig.engine->fire("X", event("4", "hop", "ann"));
  CHECK(late.kind == Kind::Rejected);  // the timer took D to E first
  CHECK(rig.engine->instance("X").value().state == "E");
  CHECK(counts.applied.load() == 3);
  CHECK(pendingTimers(*rig.store, "X").empty());
  const auto history = rig.engine->history("X").value();
  REQUIRE(history.size() == 10);
  CHECK(history[0].answer == "Transitioned");
  CHECK(history[0].detail == "A → B");
  CHECK(history[0].votes == 1);
  // The store recorded the Duplicate in place, as the general path records it.
  CHECK(history[1].eventId == "1");
  CHECK(history[1].answer == "Duplicate");
  CHECK(history[1].event == "back");
  CHECK(history[1].actor == "ann");
  CHECK(history[1].time.nanoseconds == start);
  CHECK(history[1].detail == "event `1` was already applied");
  CHECK(history[1].guards.empty());
  CHECK(history[1].votes == 0);
  for (std::size_t i = 2; i < 6; ++i) {
    CHECK(history[i].eventId == "r1");
    CHECK(history[i].answer == "Rejected");
  }
  CHECK(history[4].detail == "no transition on `undo` from state `B`");
  CHECK(history[7].answer == "Stayed");
  CHECK(history[7].guards == std::vector<std::string>{"transition 17 → A: false"});
  CHECK(history[8].event == "after 1h");
}

/// A store that forgets to drop an instance's timers when a commit replaces them: the timers
/// of ended visits stay.
class StaleTimersStore final : public GeneralOnlyStore {
 public:
  Result<CommitStatus> commit(Commit&& commit) override {
    commit.replaceTimers = false;
    return inner_->commit(std::move(commit));
  }
};

TEST_CASE("engine: a timer of an ended visit that a store kept is consumed the first time it is due") {
  Rig rig(std::make_unique<StaleTimersStore>());
  REQUIRE(rig.engine->start({"direct", "X", "t", "{}"}).ok());
  CHECK(rig.engine->fire("X", event("1", "next", "ann")).to == "B");
  CHECK(rig.engine->fire("X", event("2", "pay", "ann", {{"sum", Value(std::int64_t{1})}})).to == "D");
  CHECK(rig.engine->fire("X", event("3", "next", "ann")).to == "A");  // D's timer should go now
  CHECK_FALSE(pendingTimers(*rig.store, "X").empty());                // this store kept it
  rig.clock->advance(DurationValue{120 * kMinute});
  const FireAnswer later = rig.engine->fire("X", event("4", "next", "ann"));
  CHECK(later.kind == Kind::Transitioned);
  CHECK(later.from == "A");
  CHECK(pendingTimers(*rig.store, "X").empty());
  const auto history = rig.engine->history("X").value();
  REQUIRE(history.size() == 4);  // the stale timer fired nothing
  CHECK(history[3].eventId == "4");
}

/// A store whose `applied` never sees an id: what the engine meets when another process
/// applies the same event between its check and its commit. Only `commit` finds the id.
class LateDuplicateStore final : public GeneralOnlyStore {
 public:
  int misses = 0;
  Result<bool> applied(std::string_view id, std::string_view event) override {
    auto seen = inner_->applied(id, event);
    if (seen && seen.value() && misses++ == 0) return false;  // once: the commit must catch it
    return seen;
  }
};

TEST_CASE("engine: an id another writer applied first, found by the commit, is a Duplicate with its history entry") {
  auto store = std::make_unique<LateDuplicateStore>();
  LateDuplicateStore& late = *store;
  Rig rig(std::move(store));
  REQUIRE(rig.engine->start({"direct", "X", "t", "{}"}).ok());
  CHECK(rig.engine->fire("X", event("1", "next", "ann")).kind == Kind::Transitioned);
  const FireAnswer again = rig.engine->fire("X", event("1", "next", "bob"));
  CHECK(late.misses == 2);  // missed by the first attempt, seen by the second
  CHECK(again.kind == Kind::Duplicate);
  CHECK(again.reason == "event `1` was already applied");
  CHECK(again.from == "B");
  CHECK(rig.engine->instance("X").value().state == "B");
  const auto history = rig.engine->history("X").value();
  REQUIRE(history.size() == 2);
  CHECK(history[1].eventId == "1");
  CHECK(history[1].answer == "Duplicate");
  CHECK(history[1].actor == "bob");
  CHECK(history[1].detail == "event `1` was already applied");
}

TEST_CASE("direct transitions: a step into a state with a timer arms it, a step out cancels it") {
  const std::int64_t start = 1'700'000'000LL * 1'000'000'000LL;
  DirectCounts counts;
  Rig rig(std::make_unique<CountingStore>(counts));
  for (const char* id : {"Y", "Z"}) {
    REQUIRE(rig.engine->start({"direct", id, "t", "{}"}).ok());
    CHECK(rig.engine->fire(id, event("1", "next", "ann")).kind == Kind::Transitioned);
    CHECK(rig.engine->fire(id, event("2", "pay", "ann", {{"sum", Value(std::int64_t{1})}})).to == "D");
  }
  CHECK(counts.applied.load() == 4);
  CHECK(counts.timers.load() == 2);
  // Y leaves D before the hour is up: its timer goes with the step, and never fires.
  rig.clock->advance(DurationValue{10 * kMinute});
  CHECK(rig.engine->fire("Y", event("3", "next", "ann")).to == "A");
  CHECK(counts.timers.load() == 3);
  CHECK(pendingTimers(*rig.store, "Y").empty());
  // Back in D (visit 6), a new timer runs from the new entry.
  CHECK(rig.engine->fire("Y", event("4", "next", "ann")).to == "B");
  CHECK(rig.engine->fire("Y", event("5", "pay", "ann", {{"sum", Value(std::int64_t{2})}})).to == "D");
  CHECK(pendingTimers(*rig.store, "Y") == "Y|17|6|" + std::to_string(start + 70 * kMinute) + ";");
  CHECK(counts.applied.load() == 7);
  // Z's timer, armed in place, fires from the timer loop as any other.
  rig.clock->advance(DurationValue{55 * kMinute});
  const auto fired = rig.engine->runDueTimers();
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].first == "Z");
  CHECK(fired[0].second.kind == Kind::Transitioned);
  CHECK(fired[0].second.to == "E");
  CHECK(rig.engine->instance("Y").value().state == "D");
  rig.clock->advance(DurationValue{10 * kMinute});
  const auto later = rig.engine->runDueTimers();
  REQUIRE(later.size() == 1);
  CHECK(later[0].first == "Y");
  CHECK(rig.engine->history("Y").value().back().event == "after 1h");
  CHECK(pendingTimers(*rig.store, "Y").empty());
}

TEST_CASE("engine: a timer armed near the end of time's range is due at its end, not wrapped around to 1677") {
  // Timestamps are int64 nanoseconds: 2262-04-11T23:47:16Z is the last. D's hour-long
  // timer, armed half an hour before it, is due then, on either path.
  constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max();
  DirectCounts counts;
  Rig general(std::make_unique<GeneralOnlyStore>());
  Rig direct(std::make_unique<CountingStore>(counts));
  for (Rig* rig : {&general, &direct}) {
    REQUIRE(rig->engine->start({"direct", "Y", "t", "{}"}).ok());
    CHECK(rig->engine->fire("Y", event("1", "next", "ann")).kind == Kind::Transitioned);
    rig->clock->set(TimestampValue{kLast - 30 * kMinute});
    CHECK(rig->engine->fire("Y", event("2", "pay", "ann", {{"sum", Value(std::int64_t{1})}})).to == "D");
    CHECK(pendingTimers(*rig->store, "Y") == "Y|17|3|" + std::to_string(kLast) + ";");  // visit 3
    CHECK(rig->engine->runDueTimers().empty());
    rig->clock->set(TimestampValue{kLast - 1});
    CHECK(rig->engine->runDueTimers().empty());
    CHECK(rig->engine->instance("Y").value().state == "D");
  }
  CHECK(counts.applied.load() == 2);  // the direct rig applied both in place
}

TEST_CASE("direct transitions: compensations join the saga in place; a failed action runs its step's, newest first") {
  DirectCounts counts;
  Rig rig(std::make_unique<CountingStore>(counts));
  REQUIRE(rig.engine->start({"direct", "S", "t", "{}"}).ok());
  CHECK(rig.engine->fire("S", event("1", "next", "ann")).to == "B");
  CHECK(rig.engine->fire("S", event("2", "next", "ann")).to == "C");
  // C → C on "undo": two records, each registering a compensation, then check.
  const FireAnswer done = rig.engine->fire("S", event("4", "undo", "ann"));
  CHECK(done.kind == Kind::Transitioned);
  CHECK(done.actions == std::vector<std::string>{"record", "record", "check"});
  CHECK(counts.saga.load() == 1);
  // check fails for ids ending in 3: the compensations run, newest first (each listed by its
  // own action), and nothing is applied.
  rig.calls.clear();
  const FireAnswer failed = rig.engine->fire("S", event("13", "undo", "bob"));
  CHECK(failed.kind == Kind::Failed);
  CHECK(failed.failedAction == "check");
  CHECK(failed.compensations == std::vector<std::string>{"compensation of check", "compensation of record"});
  REQUIRE(rig.calls.size() == 5);
  CHECK(rig.calls[0].starts_with("record(5,\"bob\",)|direct|S|t|13|bob|do|C|"));
  CHECK(rig.calls[1].starts_with("record(7,\"again\",)|direct|S|t|13|bob|do|C|"));
  CHECK(rig.calls[2].starts_with("check()|direct|S|t|13|bob|do|C|"));
  CHECK(rig.calls[3].starts_with("check()|direct|S|t|13|bob|undo|C|"));
  CHECK(rig.calls[4].starts_with("record(6,\"undo\",)|direct|S|t|13|bob|undo|C|"));
  CHECK(counts.saga.load() == 1);
  const auto history = rig.engine->history("S").value();
  REQUIRE(history.size() == 4);
  CHECK(history[3].answer == "Failed");
  CHECK(history[3].detail == "check: check failed for 13");
  CHECK(history[3].actions ==
        std::vector<std::string>{"record", "record", "compensation of check", "compensation of record"});
  // Back in A, compensate() runs the saga the first "undo" left: newest first.
  CHECK(rig.engine->fire("S", event("5", "next", "ann")).to == "A");
  rig.calls.clear();
  const FireAnswer undone = rig.engine->fire("S", event("6", "undo", "ann"));
  CHECK(undone.kind == Kind::Transitioned);
  CHECK(undone.compensations == std::vector<std::string>{"check", "record"});
  REQUIRE(rig.calls.size() == 2);
  CHECK(rig.calls[0].starts_with("check()|direct|S|t|6|ann|undo|A|"));
  CHECK(rig.calls[1].starts_with("record(6,\"undo\",)|direct|S|t|6|ann|undo|A|"));
  // The saga is spent.
  rig.calls.clear();
  CHECK(rig.engine->fire("S", event("7", "undo", "ann")).compensations.empty());
  CHECK(rig.calls.empty());
}

TEST_CASE("direct transitions: host actions run before the step is applied; a failed one applies nothing") {
  DirectCounts counts;
  Rig rig(std::make_unique<CountingStore>(counts));
  REQUIRE(rig.engine->start({"direct", "H", "acme", "{}"}).ok());
  // A → B: the action is told the context and the event, and sees the instance as it was.
  const FireAnswer first = rig.engine->fire("H", event("c1", "call", "ann"));
  CHECK(first.kind == Kind::Transitioned);
  CHECK(first.to == "B");
  CHECK(first.actions == std::vector<std::string>{"record", "emit(vote)"});
  CHECK(first.emitted == std::vector<std::string>{"vote"});
  CHECK(counts.hostActions.load() == 1);
  REQUIRE(rig.calls.size() == 1);
  CHECK(rig.calls[0] == "record(5,\"ann\",)|direct|H|acme|c1|ann|do|A|0");

  // B → C: `check` fails for ids ending in 3. Failed: nothing applied, the id stays free.
  const FireAnswer failed = rig.engine->fire("H", event("c3", "call", "bob", {{"note", Value("hi")}}));
  CHECK(failed.kind == Kind::Failed);
  CHECK(failed.from == "B");
  CHECK(failed.failedAction == "check");
  CHECK(failed.reason == "check failed for c3");
  CHECK(failed.actions.empty());
  CHECK(failed.emitted.empty());
  REQUIRE(rig.calls.size() == 3);
  CHECK(rig.calls[1] == "record(6,\"hi\",)|direct|H|acme|c3|bob|do|B|1");  // amount + votes("call"), its own vote
  CHECK(rig.calls[2] == "check()|direct|H|acme|c3|bob|do|B|1");
  CHECK(rig.engine->instance("H").value().state == "B");
  auto history = rig.engine->history("H").value();
  REQUIRE(history.size() == 2);
  CHECK(history[1].answer == "Failed");
  CHECK(history[1].detail == "check: check failed for c3");
  CHECK(history[1].guards == std::vector<std::string>{"transition 25 → C: true"});
  CHECK(history[1].actions == std::vector<std::string>{"record"});
  CHECK(history[1].votes == 1);
  CHECK(counts.applied.load() == 1);
  CHECK(rig.engine->fire("H", event("c3", "back", "bob")).kind == Kind::Transitioned);  // not a Duplicate
  CHECK(rig.engine->fire("H", event("c4", "next", "bob")).to == "B");

  // B → C again, with the payload's default note; then C's action has an argument that
  // fails, which the general path reports (the direct path runs nothing).
  const FireAnswer passed = rig.engine->fire("H", event("c5", "call", "cy"));
  CHECK(passed.to == "C");
  CHECK(passed.actions == std::vector<std::string>{"record", "check", "emit(next)"});
  CHECK(counts.hostActions.load() == 2);
  CHECK(rig.calls.at(3) == "record(6,\"n\",)|direct|H|acme|c5|cy|do|B|4");
  const std::size_t calls = rig.calls.size();
  const int applied = counts.applied.load();
  const FireAnswer broken = rig.engine->fire("H", event("c6", "call", "cy"));
  CHECK(broken.kind == Kind::Failed);
  CHECK(broken.failedAction == "record");
  CHECK(broken.reason.find("argument 1 of `record`") == 0);
  CHECK(rig.calls.size() == calls);
  CHECK(counts.applied.load() == applied);
  CHECK(rig.engine->instance("H").value().state == "C");

  // A `set` then a host action: the action is told the new value, which the step stores.
  // Each instance keeps its own tenant.
  REQUIRE(rig.engine->start({"direct", "S", "globex", "{}"}).ok());
  const FireAnswer tally = rig.engine->fire("S", event("t1", "tally", "ann"));
  CHECK(tally.to == "B");
  CHECK(tally.actions == std::vector<std::string>{"set(amount)", "record"});
  CHECK(rig.calls.back() == "record(6,\"ann\",)|direct|S|globex|t1|ann|do|A|0");
  CHECK(rig.engine->fire("H", event("c8", "back", "ann")).to == "B");
  CHECK(rig.engine->fire("H", event("c9", "call", "ann")).to == "C");
  CHECK(rig.calls.back().find("|direct|H|acme|c9|") != std::string::npos);
  CHECK(rig.engine->instance("S").value().contextJson == R"({"amount":6})");
  CHECK(counts.setsContext.load() == 1);
  CHECK(rig.engine->history("S").value().at(0).actions == tally.actions);
  REQUIRE(rig.engine->start({"direct", "S2", "globex", "{}"}).ok());
  CHECK(rig.engine->fire("S2", event("t1", "tally", "bo", {{"by", Value(std::int64_t{3})}})).to == "B");
  CHECK(rig.engine->instance("S2").value().contextJson == R"({"amount":8})");
  CHECK(rig.calls.back() == "record(8,\"bo\",)|direct|S2|globex|t1|bo|do|A|0");
  CHECK(counts.setsContext.load() == 2);
  CHECK(rig.engine->fire("S2", event("t2", "bump", "bo", {{"by", Value(std::int64_t{2})}})).to == "B");
  CHECK(rig.engine->instance("S2").value().contextJson == R"({"amount":10})");
  CHECK(counts.setsContext.load() == 3);  // a `set` from the payload alone is direct too
}

TEST_CASE("direct transitions: a long history keeps every id once, however long the id") {
  // The in-memory journal packs direct entries and finds seen ids by scanning a short
  // history and through an index past 32 entries; ids and actors of 64 KiB or more pack
  // their lengths in several bytes. None of that may show: answers and history equal the
  // general path's.
  DirectCounts counts;
  Rig general(std::make_unique<GeneralOnlyStore>());
  Rig packed(std::make_unique<CountingStore>(counts));
  for (Rig* rig : {&general, &packed}) REQUIRE(rig->engine->start({"direct", "L", "t", "{}"}).ok());
  const std::string longId(70'000, 'i');
  const std::string longActor(66'000, 'a');
  std::vector<std::pair<Event, Kind>> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back({event("n" + std::to_string(i), "next", "actor-" + std::to_string(i % 3)), Kind::Transitioned});
    if (i % 10 == 9) {
      // Seen ids: one from the scanned start of the history, one from the indexed part.
      events.push_back({event("n3", "next", "actor-0"), Kind::Duplicate});
      if (i > 100) events.push_back({event("n" + std::to_string(i - 50), "back", "actor-1"), Kind::Duplicate});
    }
    if (i == 20 || i == 120) {
      // Refused first, so not applied: the same id counts when it comes again.
      events.push_back({event("r" + std::to_string(i), "nope", "actor-2"), Kind::Rejected});
      events.push_back({event("r" + std::to_string(i), "next", "actor-2"), Kind::Transitioned});
      events.push_back({event("r" + std::to_string(i), "next", "actor-2"), Kind::Duplicate});
    }
    if (i == 10 || i == 150) {
      events.push_back({event(longId + std::to_string(i), "next", longActor), Kind::Transitioned});
      events.push_back({event(longId + std::to_string(i), "next", "actor-0"), Kind::Duplicate});
    }
  }
  for (const auto& [sent, kind] : events) {
    const FireAnswer expected = general.engine->fire("L", sent);
    CHECK(kindName(expected.kind) == std::string(kindName(kind)));
    CHECK(describe(packed.engine->fire("L", sent)) == describe(expected));
  }
  const auto history = packed.engine->history("L").value();
  CHECK(history.size() == events.size());
  CHECK(describe(history) == describe(general.engine->history("L").value()));
  REQUIRE(history.size() > 20);
  CHECK(std::any_of(history.begin(), history.end(),
                    [&](const JournalEntry& e) { return e.eventId == longId + "150" && e.actor == longActor; }));
  CHECK(counts.applied.load() == 204);  // every Transitioned "next", the long ones too
}

TEST_CASE("direct transitions: handle() names a missing instance; a handle fires general rows too") {
  Rig rig(makeMemoryStore());
  auto missing = rig.engine->handle("ghost");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "no instance `ghost`: start it first");
  REQUIRE(rig.engine->start({"direct", "H", "t", "{}"}).ok());
  auto handle = rig.engine->handle("H").value();
  CHECK(rig.engine->fire(handle, event("1", "skip", "ann")).to == "C");  // guarded: general
  const FireAnswer pay = rig.engine->fire(handle, event("2", "pay", "ann"));
  CHECK(pay.kind == Kind::Rejected);  // the payload's field is missing
  CHECK(pay.reason == "event `pay` needs field `sum`");
  CHECK(rig.engine->fire(handle, event("3", "back", "ann")).to == "B");

  // Another engine's handle fires by id there: its slot belongs to this engine's store.
  Rig other(makeMemoryStore());
  REQUIRE(other.engine->start({"direct", "H", "t", "{}"}).ok());
  CHECK(other.engine->fire(handle, event("1", "next", "ann")).to == "B");
  CHECK(other.engine->instance("H").value().state == "B");
  CHECK(rig.engine->instance("H").value().state == "B");  // untouched by the other engine
  CHECK(rig.engine->history("H").value().size() == 3);

  // A moved-from handle is an empty one: it applied events to H under the id "".
  std::vector<InstanceHandle> kept;
  kept.push_back(std::move(handle));
  CHECK(handle.instanceId().empty());  // NOLINT(bugprone-use-after-move): what a moved-from handle does
  const FireAnswer moved = rig.engine->fire(handle, event("4", "next", "ann"));  // NOLINT(bugprone-use-after-move)
  CHECK(moved.kind == Kind::Rejected);
  CHECK(moved.reason == "no instance ``: start it first");
  CHECK(rig.engine->history("H").value().size() == 3);
  CHECK(rig.engine->fire(kept.front(), event("4", "next", "ann")).kind != Kind::Rejected);  // the new owner fires
  InstanceHandle assigned;
  assigned = std::move(kept.front());
  CHECK(assigned.instanceId() == "H");
  CHECK(rig.engine->fire(kept.front(), event("5", "next", "ann")).kind == Kind::Rejected);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("direct transitions: a handle kept past its engine fires by id at a later engine made at its address") {
  // A handle knew its engine by address. An engine made where a destroyed one had been (the
  // allocator reuses it within a few rounds) took the handle for its own and fired through
  // the freed store's slot: the in-memory store spun for ever on the freed instance's lock.
  approval::test::finishesOrFails("firing through handles of destroyed engines", [] {
    std::optional<InstanceHandle> stale;
    for (int round = 0; round < 8; ++round) {
      CAPTURE(round);
      Rig rig(makeMemoryStore());
      REQUIRE(rig.engine->start({"direct", "live", "t", "{}"}).ok());
      if (stale) {
        const FireAnswer answer = rig.engine->fire(*stale, event("e", "next", "ann"));
        CHECK(answer.kind == Kind::Rejected);
        CHECK(answer.reason == "no instance `" + stale->instanceId() + "`: start it first");
      }
      const std::string id = "gone" + std::to_string(round);
      REQUIRE(rig.engine->start({"direct", id, "t", "{}"}).ok());
      stale = rig.engine->handle(id).value();
    }
  });
}

TEST_CASE("direct transitions: 8 threads on one instance, by id and by handle, apply one at a time") {
  Rig rig(makeMemoryStore());
  REQUIRE(rig.engine->start({"direct", "T", "t", "{}"}).ok());
  const InstanceHandle handle = rig.engine->handle("T").value();
  constexpr int kThreads = 8;
  constexpr int kEach = 500;
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const Event e = event(std::to_string(t) + "-" + std::to_string(i), i % 3 == 0 ? "back" : "next", "ann");
        (void)(t % 2 == 0 ? rig.engine->fire(handle, e) : rig.engine->fire("T", e));
      }
    });
  }
  for (auto& thread : pool) thread.join();
  const auto history = rig.engine->history("T").value();
  REQUIRE(history.size() == kThreads * kEach);
  // The transitions form one chain: each starts where the previous one ended.
  std::string state = "A";
  int transitions = 0;
  for (const auto& entry : history) {
    if (entry.answer != "Transitioned") continue;
    ++transitions;
    CHECK(entry.detail.substr(0, entry.detail.find(' ')) == state);
    state = entry.detail.substr(entry.detail.rfind(' ') + 1);
  }
  CHECK(transitions > kThreads * kEach / 2);
  CHECK(rig.engine->instance("T").value().state == state);
}

TEST_CASE("direct transitions: 8 threads on one instance route its events in the order it applied them") {
  // "ping" is routed; "pong" is not, but its steps emit a "ping", which is.
  const char* const kRelay = R"(
state machine "relay" {
  initial: A
  states: [A, B]
  transitions {
    A → B on "ping"
    B → A on "ping"
    A → B on "pong" → emit("ping")
    B → A on "pong" → emit("ping")
  }
  routes { "ping" → "log" }
}
)";
  Engine engine;
  std::mutex routedMutex;
  std::vector<std::string> routed;
  engine.bindRoute(
      "log",
      [&](const RoutedEvent& e) {
        std::lock_guard lock(routedMutex);
        routed.push_back(e.eventId);
      },
      RouteOptions{.capacity = 1 << 16, .policy = QueuePolicy::Block, .linger = std::chrono::microseconds(0)});
  REQUIRE(engine.loadSource(kRelay, "relay.dsl").ok());
  REQUIRE(engine.start({"relay", "R", "t", "{}"}).ok());
  const InstanceHandle handle = engine.handle("R").value();
  constexpr int kThreads = 8;
  constexpr int kEach = 2000;
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const Event e = event(std::to_string(t) + "-" + std::to_string(i), i % 2 == 0 ? "ping" : "pong", "ann");
        (void)(t % 2 == 0 ? engine.fire(handle, e) : engine.fire("R", e));
      }
    });
  }
  for (auto& thread : pool) thread.join();
  engine.drainRoutes();
  const auto history = engine.history("R").value();
  std::vector<std::string> applied;
  for (const auto& entry : history) applied.push_back(entry.event == "ping" ? entry.eventId : entry.eventId + "/emit/1");
  REQUIRE(applied.size() == kThreads * kEach);
  std::lock_guard lock(routedMutex);
  REQUIRE(routed.size() == applied.size());
  std::size_t firstDifference = 0;
  while (firstDifference < applied.size() && routed[firstDifference] == applied[firstDifference]) ++firstDifference;
  CHECK_MESSAGE(firstDifference == applied.size(), "routed out of order at event " << firstDifference);
}

TEST_CASE("direct transitions: a machine with more states × events than the row table holds finds its rows by search") {
  // 260 × 260 cells: over LoadedMachine::kMaxDirectCells. Si goes to S(i+1) on "Ei" and to
  // S(i+2) on "E(i+1)"; every other event is refused in Si.
  constexpr int kSize = 260;
  static_assert(std::size_t{kSize} * kSize > std::size_t{1} << 16);
  std::string dsl = "state machine \"wide\" {\n  events {";
  for (int i = 0; i < kSize; ++i) dsl += " \"E" + std::to_string(i) + "\"";
  dsl += " }\n  initial: S0\n  states: [";
  for (int i = 0; i < kSize; ++i) dsl += (i == 0 ? "S" : ", S") + std::to_string(i);
  dsl += "]\n  transitions {\n";
  for (int i = 0; i < kSize; ++i) {
    dsl += "    S" + std::to_string(i) + " → S" + std::to_string((i + 1) % kSize) + " on \"E" + std::to_string(i) + "\"\n";
    dsl += "    S" + std::to_string(i) + " → S" + std::to_string((i + 2) % kSize) + " on \"E" +
           std::to_string((i + 1) % kSize) + "\"\n";
  }
  dsl += "  }\n}\n";
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    const auto owned = engineOn(generalOnly);
    Engine& engine = *owned;
    auto loaded = engine.loadSource(dsl, "wide.dsl");
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
    REQUIRE(engine.start({"wide", "W", "t", "{}"}).ok());
    int state = 0;
    for (int i = 0; i < 600; ++i) {
      const std::string id = std::to_string(i);
      if (i % 3 == 2) {  // an event the state has no transition on
        const int other = (state + 7) % kSize;
        const FireAnswer refused = engine.fire("W", event(id, "E" + std::to_string(other), "ann"));
        CHECK(refused.kind == Kind::Rejected);
        CHECK(refused.reason == "no transition on `E" + std::to_string(other) + "` from state `S" + std::to_string(state) + "`");
        continue;
      }
      const int step = i % 3 == 0 ? 0 : 1;
      const FireAnswer answer = engine.fire("W", event(id, "E" + std::to_string((state + step) % kSize), "ann"));
      const int target = (state + 1 + step) % kSize;
      CHECK(answer.kind == Kind::Transitioned);
      CHECK(answer.from == "S" + std::to_string(state));
      CHECK(answer.to == "S" + std::to_string(target));
      state = target;
    }
    CHECK(engine.instance("W").value().state == "S" + std::to_string(state));
  }
}

TEST_CASE("engine: a machine loaded from IR JSON runs as the same machine loaded from DSL") {
  auto compilation = compile({InputFile{"direct.dsl", kMachine}});
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  const std::string irJson = toJson(compilation->program).dump();

  Rig fromDsl(makeMemoryStore());
  EngineOptions options;
  options.clock = fromDsl.clock;
  auto fromIr = std::make_unique<Engine>(std::move(options));
  fromIr->bindRoute("audit", [](const RoutedEvent&) {});
  std::vector<std::string> irCalls;
  bindHostActions(*fromIr, irCalls);
  auto loaded = fromIr->loadIr(irJson);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.value().size() == 1);
  CHECK(loaded.value()[0].name == "direct");
  CHECK(loaded.value()[0].contentHash == fromDsl.engine->loadSource(kMachine, "again.dsl").value()[0].contentHash);

  REQUIRE(fromDsl.engine->start({"direct", "J", "t", "{}"}).ok());
  REQUIRE(fromIr->start({"direct", "J", "t", "{}"}).ok());
  for (const Step& step : script(7, 40)) {
    fromDsl.clock->advance(DurationValue{step.advance * kMinute});
    CHECK(describe(fromIr->fire("J", step.event)) == describe(fromDsl.engine->fire("J", step.event)));
  }
  CHECK(describe(fromIr->history("J").value()) == describe(fromDsl.engine->history("J").value()));
  CHECK(irCalls == fromDsl.calls);

  auto broken = fromIr->loadIr("{\"machines\": 3}");
  REQUIRE_FALSE(broken.ok());
  CHECK_FALSE(broken.error().message.empty());
}

TEST_CASE("engine: a host action may start and fire at other instances, even on its stripe, but not at its own") {
  // Instances share 1,024 stripes: among 20,000 others, some share the parent's (the chance
  // that none does is about 3e-9). Before, such a call waited for the stripe its own thread
  // held, forever. The direct path and the general path both take stripes.
  const char* const kNest = R"(
state machine "nest" {
  initial: IDLE
  states: [IDLE, BUSY]
  transitions {
    IDLE → BUSY on "go" → spread()
    BUSY → IDLE on "stop"
  }
}
)";
  constexpr int kChildren = 20'000;
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    const auto owned = engineOn(generalOnly);
    Engine& engine = *owned;
    FireAnswer own;
    FireAnswer ownByHandle;
    int started = 0;
    int moved = 0;
    engine.bindAction("spread", [&](const ActionCall& call) {
      if (call.instanceId != "root") return ActionResult::ok();
      own = engine.fire("root", event("s1", "stop", "ann"));
      ownByHandle = engine.fire(engine.handle("root").value(), event("s2", "stop", "ann"));
      for (int i = 0; i < kChildren; ++i) {
        const std::string id = "child-" + std::to_string(i);
        started += engine.start({"nest", id, "t", "{}"}).ok() ? 1 : 0;
        moved += engine.fire(id, event("g", "go", "ann")).kind == Kind::Transitioned ? 1 : 0;
      }
      return ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kNest, "nest.dsl").ok());
    REQUIRE(engine.start({"nest", "root", "t", "{}"}).ok());
    const FireAnswer go = engine.fire("root", event("g", "go", "ann"));
    CHECK(go.kind == Kind::Transitioned);
    CHECK(started == kChildren);
    CHECK(moved == kChildren);
    for (const FireAnswer* refused : {&own, &ownByHandle}) {
      CHECK(refused->kind == Kind::Rejected);
      CHECK(refused->reason ==
            "instance `root` is applying an event on this thread: a host action cannot fire at or start its own "
            "instance");
    }
    // The refused events were not applied: their ids are still free.
    CHECK(engine.fire("root", event("s1", "stop", "ann")).kind == Kind::Transitioned);
    CHECK(engine.instance("child-7").value().state == "BUSY");
  }
}

TEST_CASE("engine: runDueTimers in a host action answers its own instance's due timer once, not every round") {
  // The timer cannot apply while its instance applies the event that called the action; it
  // was left due and tried again in each of kMaxTimerRounds rounds: 65,536 Rejected answers.
  const char* const kLate = R"(
state machine "late" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" → work()
    A → C after 1h
  }
}
)";
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
    const auto owned = engineOn(generalOnly, clock);
    Engine& engine = *owned;
    std::vector<std::pair<std::string, FireAnswer>> inside;
    int callbacks = 0;
    engine.bindAction("work", [&](const ActionCall&) {
      inside = engine.runDueTimers([&](const std::string&, const FireAnswer&) { ++callbacks; });
      return ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kLate, "late.dsl").ok());
    REQUIRE(engine.start({"late", "X", "t", "{}"}).ok());
    clock->advance({2 * 3600 * 1'000'000'000LL});  // A's timer is overdue by the clock
    Event go = event("g", "go", "ann");
    go.time = TimestampValue{1'700'000'000LL * 1'000'000'000LL};  // a late event, dated before the deadline
    CHECK(engine.fire("X", go).kind == Kind::Transitioned);
    REQUIRE(inside.size() == 1);
    CHECK(callbacks == 1);
    CHECK(inside[0].first == "X");
    CHECK(inside[0].second.kind == Kind::Rejected);
    // Once in B the timer is gone: nothing is due any more.
    CHECK(engine.runDueTimers().empty());
    CHECK(engine.instance("X").value().state == "B");
  }
}

/// The memory store, but handing out due timers as a database would with `ORDER BY due,
/// instance_id LIMIT n`: a timer armed again (a failed one's retry) is not put behind the others
/// due at the same time.
class TimersByIdStore final : public DueTimersStore {
 public:
  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    auto all = inner_->dueTimers(now, std::numeric_limits<std::size_t>::max());
    if (!all) return all;
    auto timers = std::move(all).value();
    std::stable_sort(timers.begin(), timers.end(), [](const TimerRecord& a, const TimerRecord& b) {
      return std::tie(a.due.nanoseconds, a.instanceId) < std::tie(b.due.nanoseconds, b.instanceId);
    });
    if (timers.size() > limit) timers.resize(limit);
    return timers;
  }
  using GeneralOnlyStore::dueTimers;
};

TEST_CASE("engine: a compensation that fails stays in the saga, and a later compensate() runs it again") {
  // It was dropped: the reserved budget was never released, and nothing retried it.
  const char* const kSaga = R"(
state machine "saga" {
  initial: A
  states: [A, B, C, Z]
  transitions {
    A → B on "reserve" → reserveBudget() compensate releaseBudget(), book() compensate unbook()
    A → B on "hold" → reserveBudget() compensate releaseBudget(), charge()
    B → C on "abort" → compensate()
    C → Z on "abort" → compensate()
    A → Z on "cancel" → compensate()
  }
}
)";
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    const auto owned = engineOn(generalOnly);
    Engine& engine = *owned;
    int releases = 0;
    int releaseFailures = 1;  // the first call fails
    engine.bindAction("reserveBudget", [](const ActionCall&) { return ActionResult::ok(); });
    engine.bindAction("book", [](const ActionCall&) { return ActionResult::ok(); });
    engine.bindAction("unbook", [](const ActionCall&) { return ActionResult::ok(); });
    engine.bindAction("charge", [](const ActionCall&) { return ActionResult::failure("card declined"); });
    engine.bindAction("releaseBudget", [&](const ActionCall&) {
      ++releases;
      return releaseFailures-- > 0 ? ActionResult::failure("ledger down") : ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kSaga, "saga.dsl").ok());

    // compensate(): the failed step stays registered.
    REQUIRE(engine.start({"saga", "X", "t", "{}"}).ok());
    REQUIRE(engine.fire("X", event("1", "reserve", "ann")).kind == Kind::Transitioned);
    const FireAnswer first = engine.fire("X", event("2", "abort", "ann"));
    CHECK(first.kind == Kind::Transitioned);
    CHECK(first.compensations == std::vector<std::string>{"unbook", "releaseBudget (failed: ledger down)"});
    const FireAnswer second = engine.fire("X", event("3", "abort", "ann"));
    CHECK(second.compensations == std::vector<std::string>{"releaseBudget"});
    CHECK(releases == 2);

    // A failed transition's undo that fails stays in the saga too (the event is not applied).
    releases = 0;
    releaseFailures = 1;
    REQUIRE(engine.start({"saga", "Y", "t", "{}"}).ok());
    const FireAnswer failed = engine.fire("Y", event("1", "hold", "ann"));
    CHECK(failed.kind == Kind::Failed);
    CHECK(failed.reason == "card declined");
    CHECK(failed.compensations == std::vector<std::string>{"compensation of releaseBudget (failed: ledger down)"});
    CHECK(engine.instance("Y").value().state == "A");
    const FireAnswer cancel = engine.fire("Y", event("2", "cancel", "ann"));
    CHECK(cancel.kind == Kind::Transitioned);
    CHECK(cancel.compensations == std::vector<std::string>{"releaseBudget"});
    CHECK(releases == 2);
  }
}

/// The memory store, but changing each record it loads as `tamper` says: a store's data
/// the engine must not trust.
class TamperingStore final : public GeneralOnlyStore {
 public:
  std::function<void(InstanceRecord&)> tamper;
  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    auto loaded = inner_->load(id);
    if (loaded && loaded.value() && tamper) tamper(*loaded.value());
    return loaded;
  }
};

TEST_CASE("engine: a record a store returns that does not fit its machine is refused, not read") {
  // A state out of range threw std::out_of_range out of fire() and instance(); a longer
  // context was read past the machine's fields; an int field holding a string was read by
  // compiled guards as an int.
  const char* const kGuarded = R"(
state machine "g" {
  context { n: int = 1  who: string = "bob"  xs: list<string> = ["a"] }
  initial: A
  states: [A, B]
  transitions { A → B on "go" if n > 0 && who != "x" && size(xs) > 0 }
}
)";
  struct Case {
    const char* name;
    std::function<void(InstanceRecord&)> tamper;
    std::string problem;
  };
  const std::vector<Case> cases{
      {"state", [](InstanceRecord& r) { r.state = 99; }, "its state 99 is not one of the machine's 2"},
      {"longer context", [](InstanceRecord& r) { r.context.resize(5); }, "its context has 5 fields, the machine 3"},
      {"kind", [](InstanceRecord& r) { r.context[0] = Value("one"); }, "its field `n` holds a value of kind string; the machine declares int"},
      {"container", [](InstanceRecord& r) { r.context[2] = Value(std::int64_t{3}); },
       "its field `xs` holds a value of kind int; the machine declares list<string>"},
  };
  for (bool jit : {true, false}) {
    for (const auto& c : cases) {
      CAPTURE(jit);
      CAPTURE(c.name);
      auto store = std::make_unique<TamperingStore>();
      TamperingStore& tampering = *store;
      EngineOptions options;
      options.store = std::move(store);
      options.jit = jit;
      Engine engine(std::move(options));
      REQUIRE(engine.loadSource(kGuarded, "g.dsl").ok());
      REQUIRE(engine.start({"g", "i", "t", "{}"}).ok());
      tampering.tamper = c.tamper;
      const std::string expected = "store: the record of instance `i` does not fit its machine `g`: " + c.problem;
      const FireAnswer answer = engine.fire("i", event("e", "go", "ann"));
      CHECK(answer.kind == Kind::Rejected);
      CHECK(answer.reason == expected);
      const auto view = engine.instance("i");
      REQUIRE_FALSE(view.ok());
      CHECK(view.error().message == expected);
    }
  }
  auto store = std::make_unique<TamperingStore>();
  TamperingStore& tampering = *store;
  EngineOptions options;
  options.store = std::move(store);
  Engine engine(std::move(options));
  REQUIRE(engine.loadSource(kGuarded, "g.dsl").ok());
  REQUIRE(engine.start({"g", "i", "t", "{}"}).ok());
  tampering.tamper = [](InstanceRecord& r) { r.instanceId = "other"; };
  CHECK(engine.fire("i", event("e", "go", "ann")).reason == "store: asked for instance `i`, it returned `other`");
}

/// The memory store, but its journal takes no entry of an event that changed nothing.
class ReadOnlyJournalStore final : public GeneralOnlyStore {
 public:
  Result<bool> record(std::string_view, const JournalEntry&) override { return Error{"journal table is read-only"}; }
};

TEST_CASE("engine: an entry the store cannot record is named in the answer, not lost in silence") {
  auto store = std::make_unique<ReadOnlyJournalStore>();
  EngineOptions options;
  options.store = std::move(store);
  Engine engine(std::move(options));
  engine.bindAction("charge", [](const ActionCall&) { return ActionResult::failure("card declined"); });
  REQUIRE(engine.loadSource(R"(state machine "m" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" → charge()
    A → C on "poke"
  }
})", "m.dsl").ok());
  REQUIRE(engine.start({"m", "i", "t", "{}"}).ok());
  const std::string note = " (not recorded in the history: store: journal table is read-only)";
  const FireAnswer failed = engine.fire("i", event("e1", "go", "ann"));
  CHECK(failed.kind == Kind::Failed);
  CHECK(failed.reason == "card declined" + note);
  const FireAnswer unknown = engine.fire("i", event("e2", "nope", "ann"));
  CHECK(unknown.kind == Kind::Rejected);
  CHECK(unknown.reason == "`m` has no event `nope`" + note);
  CHECK(engine.fire("i", event("e3", "poke", "ann")).kind == Kind::Transitioned);  // committed with its entry
  const FireAnswer again = engine.fire("i", event("e3", "poke", "ann"));
  CHECK(again.kind == Kind::Duplicate);
  CHECK(again.reason == "event `e3` was already applied" + note);
  CHECK(engine.history("i").value().size() == 1);
}

/// A booking whose compensation the saga keeps, and a compensate() that runs it (from A too,
/// where a step whose commit was lost leaves the instance).
const char* const kBooking = R"(
state machine "booking" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" → book() compensate cancelBooking()
    [A, B] → C on "abort" → compensate()
  }
}
)";

/// The memory store, but losing commits as a store shared with other writers can: `lose`
/// decides for each commit (numbered from 1) whether it is lost, and how.
class LosingStore final : public GeneralOnlyStore {
 public:
  enum class Loss { None, Conflict, Error, Throw, DuplicateEvent };
  std::function<Loss(int)> lose;
  int commits = 0;
  bool declineSecondDirect = false;  // the direct path's second plan is not applied
  Result<CommitStatus> commit(Commit&& commit) override {
    switch (lose ? lose(++commits) : Loss::None) {
      case Loss::None: break;
      case Loss::Conflict: return CommitStatus::Conflict;
      case Loss::Error: return Error{"disk full"};
      case Loss::Throw: throw std::runtime_error("connection reset");
      case Loss::DuplicateEvent: {
        // Another process applied the same event id first.
        (void)inner_->commit(std::move(commit));
        return CommitStatus::DuplicateEvent;
      }
    }
    return inner_->commit(std::move(commit));
  }
  StoreSlot* slot(std::string_view id, std::size_t idHash) override {
    return declineSecondDirect ? inner_->slot(id, idHash) : nullptr;
  }
  DirectOutcome applyDirect(StoreSlot& slot, const DirectEvent& event, const DirectPlanner& planner) override {
    // The third call is the plan after the host actions ran (the first two, a short-only
    // attempt and the serialised one, found the actions to run): the instance changed.
    if (++directCalls == 3) return {};
    return inner_->applyDirect(slot, event, planner);
  }
  int directCalls = 0;
};

/// An engine on `store` with `source` loaded, `actions` bound, and instance "i" of `machine`
/// started.
std::unique_ptr<Engine> startedEngine(std::unique_ptr<Store> store, const std::string& source, const std::string& machine,
                                      std::vector<std::pair<std::string, HostAction>> actions) {
  EngineOptions options;
  options.store = std::move(store);
  auto engine = std::make_unique<Engine>(std::move(options));
  for (auto& [name, action] : actions) engine->bindAction(name, std::move(action));
  REQUIRE(engine->loadSource(source, machine + ".dsl").ok());
  REQUIRE(engine->start({machine, "i", "t", "{}"}).ok());
  return engine;
}

/// An engine on a LosingStore (that loses nothing yet) with kBooking loaded, `book` and
/// `cancelBooking` bound as given, and its instance `i` started.
std::pair<std::unique_ptr<Engine>, LosingStore*> bookingEngine(HostAction book, HostAction cancelBooking,
                                                               bool declineSecondDirect = false) {
  auto store = std::make_unique<LosingStore>();
  LosingStore* losing = store.get();
  losing->declineSecondDirect = declineSecondDirect;
  auto engine = startedEngine(std::move(store), kBooking, "booking",
                              {{"book", std::move(book)}, {"cancelBooking", std::move(cancelBooking)}});
  return {std::move(engine), losing};
}

/// What a fire whose commit `lose` loses answers, as a lost-commit test expects it.
struct LostAnswer {
  Kind kind;
  std::string reason;
  std::vector<std::string> compensations;
};

/// Fires `lost` while `losing` loses commits as `lose` says and checks its answer; then, the
/// store back, fires `compensating` (a compensate()) and returns the compensations it ran:
/// what the saga kept.
std::vector<std::string> sagaAfterLoss(Engine& engine, LosingStore& losing, std::function<LosingStore::Loss(int)> lose,
                                         const Event& lost, const LostAnswer& expected, const Event& compensating) {
  losing.lose = std::move(lose);
  const FireAnswer answer = engine.fire("i", lost);
  CHECK(answer.kind == expected.kind);
  CHECK(answer.reason == expected.reason);
  CHECK(answer.compensations == expected.compensations);
  losing.lose = nullptr;  // the store is back
  const FireAnswer after = engine.fire("i", compensating);
  CHECK(after.kind == Kind::Transitioned);
  return after.compensations;
}

TEST_CASE("engine: host actions whose commit was lost are compensated, not left done or done twice") {
  // `book()` ran once per attempt and was never compensated: 8 bookings for a store that kept
  // conflicting, answered Rejected ("none" of its effects), two after one lost race.
  using Loss = LosingStore::Loss;
  struct Case {
    const char* name;
    std::function<Loss(int)> lose;
    Kind kind;
    std::string reason;
    int books;
    int cancels;
    std::string state;
  };
  const std::vector<Case> cases{
      {"one lost race", [](int n) { return n == 1 ? Loss::Conflict : Loss::None; }, Kind::Transitioned, "", 2, 1, "B"},
      {"always conflicting", [](int) { return Loss::Conflict; }, Kind::Rejected,
       "instance `i` kept changing under this event; try again", 8, 8, "A"},
      {"a store error", [](int) { return Loss::Error; }, Kind::Rejected, "store: disk full", 1, 1, "A"},
      {"a throwing commit", [](int n) { return n == 1 ? Loss::Throw : Loss::None; }, Kind::Rejected,
       "store: commit threw: connection reset", 1, 1, "A"},
      {"another process first", [](int n) { return n == 1 ? Loss::DuplicateEvent : Loss::None; }, Kind::Duplicate,
       "event `g` was already applied", 1, 1, "B"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    int books = 0;
    int cancels = 0;
    auto [owned, losing] = bookingEngine([&](const ActionCall&) { ++books; return ActionResult::ok(); },
                                         [&](const ActionCall&) { ++cancels; return ActionResult::ok(); });
    Engine& engine = *owned;
    losing->lose = c.lose;
    const FireAnswer answer = engine.fire("i", event("g", "go", "ann"));
    CHECK(answer.kind == c.kind);
    if (!c.reason.empty()) CHECK(answer.reason == c.reason);
    CHECK(books == c.books);
    CHECK(cancels == c.cancels);
    CHECK(answer.compensations == std::vector<std::string>(static_cast<std::size_t>(c.cancels),
                                                           "commit lost, compensation of cancelBooking"));
    CHECK(engine.instance("i").value().state == c.state);
  }
}

TEST_CASE("engine: a compensate() whose commit was lost does not run the saga twice") {
  int cancels = 0;
  auto [owned, losing] = bookingEngine([](const ActionCall&) { return ActionResult::ok(); },
                                       [&](const ActionCall&) { ++cancels; return ActionResult::ok(); });
  Engine& engine = *owned;
  REQUIRE(engine.fire("i", event("g", "go", "ann")).kind == Kind::Transitioned);
  losing->commits = 0;
  losing->lose = [](int n) { return n == 1 ? LosingStore::Loss::Conflict : LosingStore::Loss::None; };
  const FireAnswer abort = engine.fire("i", event("a", "abort", "ann"));
  CHECK(abort.kind == Kind::Transitioned);
  CHECK(cancels == 1);  // the retry found the saga's step done already
  CHECK(engine.instance("i").value().state == "C");
}

TEST_CASE("engine: a direct step whose host actions ran but that was not applied is taken back first") {
  int books = 0;
  int cancels = 0;
  auto [owned, losing] = bookingEngine([&](const ActionCall&) { ++books; return ActionResult::ok(); },
                                       [&](const ActionCall&) { ++cancels; return ActionResult::ok(); },
                                       /*declineSecondDirect=*/true);
  Engine& engine = *owned;
  const FireAnswer answer = engine.fire("i", event("g", "go", "ann"));
  CHECK(answer.kind == Kind::Transitioned);  // by the general path, after the direct step was taken back
  CHECK(books == 2);
  CHECK(cancels == 1);
  CHECK(answer.compensations == std::vector<std::string>{"commit lost, compensation of cancelBooking"});
}

/// The memory store with its direct path, as a durable store shared with another process
/// could be: between the plan made before a step's host actions and the one applied after
/// them, another writer commits `n = 10` to the instance, keeping its state.
class InterveningStore final : public GeneralOnlyStore {
 public:
  int directCalls = 0;
  StoreSlot* slot(std::string_view id, std::size_t idHash) override { return inner_->slot(id, idHash); }
  DirectOutcome applyDirect(StoreSlot& slot, const DirectEvent& event, const DirectPlanner& planner) override {
    // The third call is the plan after the host actions ran (the first two, a short-only
    // attempt and the serialised one, found the actions to run).
    if (++directCalls == 3) {
      auto record = inner_->load(event.instanceId).value().value();
      record.context.at(0) = Value(std::int64_t{10});
      Commit other;
      other.instance = std::move(record);
      REQUIRE(inner_->commit(std::move(other)).value() == CommitStatus::Committed);
    }
    return inner_->applyDirect(slot, event, planner);
  }
};

TEST_CASE("engine: a direct step planned before its host actions is not applied over another writer's change") {
  auto store = std::make_unique<InterveningStore>();
  InterveningStore& intervening = *store;
  int ticks = 0;
  int unticks = 0;
  auto engine = startedEngine(std::move(store), R"(state machine "counter" {
  context { n: int = 0 }
  initial: OPEN
  states: [OPEN, DONE]
  transitions {
    OPEN → OPEN on "inc" → set(n, n + 1), tick() compensate untick()
    OPEN → DONE on "close"
  }
})", "counter", {{"tick", [&](const ActionCall&) { ++ticks; return ActionResult::ok(); }},
                   {"untick", [&](const ActionCall&) { ++unticks; return ActionResult::ok(); }}});
  const FireAnswer answer = engine->fire("i", event("e1", "inc", "ann"));
  CHECK(intervening.directCalls == 3);
  // The plan made on n = 0 would have written n = 1 over the other writer's 10: it is taken
  // back, and the general path applies the event to n = 10.
  CHECK(answer.kind == Kind::Transitioned);
  CHECK(answer.compensations == std::vector<std::string>{"commit lost, compensation of untick"});
  CHECK(ticks == 2);
  CHECK(unticks == 1);
  CHECK(engine->instance("i").value().contextJson == R"({"n":11})");
}

/// The memory store, returning due timers in the reverse of its order: as a store that keeps
/// no sequence may return timers due at the same time.
class ReversingTimersStore final : public DueTimersStore {
 public:
  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    return reversed(inner_->dueTimers(now, limit));
  }
  Result<std::vector<TimerRecord>> dueTimers(std::string_view id, TimestampValue now) override {
    return reversed(inner_->dueTimers(id, now));
  }

 private:
  static Result<std::vector<TimerRecord>> reversed(Result<std::vector<TimerRecord>> timers) {
    if (timers) std::reverse(timers.value().begin(), timers.value().end());
    return timers;
  }
};

TEST_CASE("engine: timers due at the same time fire in declaration order, whatever order the store returns") {
  const char* const source = R"(state machine "leave" {
  context { escalations: int = 0 }
  initial: REVIEW
  states: [REVIEW, ESCALATED, EXPIRED]
  transitions {
    REVIEW → ESCALATED after 7d if escalations == 0
    REVIEW → EXPIRED after 7d
  }
})";
  for (const bool byFire : {false, true}) {
    CAPTURE(byFire);
    auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
    EngineOptions options;
    options.store = std::make_unique<ReversingTimersStore>();
    options.clock = clock;
    Engine engine(std::move(options));
    REQUIRE(engine.loadSource(source, "leave.dsl").ok());
    REQUIRE(engine.start({"leave", "i", "t", "{}"}).ok());
    clock->advance(DurationValue{7 * 24 * 60 * kMinute});
    if (byFire) {
      (void)engine.fire("i", event("e1", "poke", "ann"));  // catches the timers up first
    } else {
      CHECK(engine.runDueTimers().size() == 1);  // the other one's visit has ended
    }
    CHECK(engine.instance("i").value().state == "ESCALATED");
  }
}

/// The memory store, counting the reads of due timers (runDueTimers' first step) for a test
/// to wait on.
class DueReadsStore final : public DueTimersStore {
 public:
  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    auto due = inner_->dueTimers(now, limit);
    {
      std::lock_guard lock(mutex);
      ++reads;
    }
    read.notify_all();
    return due;
  }
  using GeneralOnlyStore::dueTimers;
  std::mutex mutex;
  std::condition_variable read;
  int reads = 0;
};

TEST_CASE("engine: a failed timer that two callers read due is tried once, and retried once a period") {
  auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  EngineOptions options;
  auto store = std::make_unique<DueReadsStore>();
  DueReadsStore& reads = *store;
  options.store = std::move(store);
  options.clock = clock;
  Engine engine(std::move(options));
  std::mutex mutex;
  std::condition_variable changed;
  bool entered = false;
  bool open = false;
  int charges = 0;
  engine.bindAction("charge", [&](const ActionCall&) {
    std::unique_lock lock(mutex);
    if (++charges == 1) {  // the first waits until the second caller has read the timer due
      entered = true;
      changed.notify_all();
      changed.wait(lock, [&] { return open; });
    }
    return ActionResult::failure("card declined");
  });
  REQUIRE(engine.loadSource(R"(state machine "t" {
  initial: A
  states: [A, B]
  transitions { A → B after 1m → charge() }
})", "t.dsl").ok());
  REQUIRE(engine.start({"t", "i", "t", "{}"}).ok());
  clock->advance(DurationValue{kMinute});
  std::thread first([&] { CHECK(engine.runDueTimers().size() == 1); });
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return entered; });
  }
  std::thread second([&] { (void)engine.runDueTimers(); });
  {
    std::unique_lock lock(reads.mutex);
    reads.read.wait(lock, [&] { return reads.reads >= 2; });  // the second caller read it due
  }
  {
    std::lock_guard lock(mutex);
    open = true;
  }
  changed.notify_all();
  first.join();
  second.join();
  CHECK(charges == 1);
  // Its retry is armed once: a period later, one more try.
  clock->advance(DurationValue{2 * kMinute});
  CHECK(engine.runDueTimers().size() == 1);
  CHECK(engine.runDueTimers().empty());
  CHECK(charges == 2);
}

TEST_CASE("engine: a compensation that fails while a lost commit is taken back stays in the saga, or the answer says it is lost") {
  // It was listed as failed and dropped: the booking stayed, and no compensate() ever
  // cancelled it. Each case: the commit is lost, `cancelBooking` fails once ("ledger down"),
  // and a later "abort" shows what the saga kept.
  using Loss = LosingStore::Loss;
  const std::string kept = "commit lost, compensation of cancelBooking (failed: ledger down; kept in the saga)";
  const std::string lost =
      "commit lost, compensation of cancelBooking (failed: ledger down; not kept in the saga: store: disk full)";
  const std::string again = "commit lost, compensation of cancelBooking";
  const std::string notKeptNote = " (the compensations that failed are not kept in the saga: store: disk full)";
  struct Case {
    const char* name;
    bool direct;  // the direct path's second plan is not applied (the general path runs the event after)
    std::function<Loss(int)> lose;
    Kind kind;
    std::string reason;
    std::vector<std::string> compensations;
    std::vector<std::string> abort;  // what the later compensate() runs
  };
  const auto once = [](Loss loss) { return [loss](int n) { return n == 1 ? loss : Loss::None; }; };
  const std::vector<Case> cases{
      {"one lost race", false, once(Loss::Conflict), Kind::Transitioned, "", {kept},
       {"cancelBooking", "cancelBooking"}},  // the retry's booking, then the first one's
      {"a throwing commit", false, once(Loss::Throw), Kind::Rejected, "store: commit threw: connection reset", {kept},
       {"cancelBooking"}},
      {"another process first", false, once(Loss::DuplicateEvent), Kind::Duplicate, "event `g` was already applied",
       {kept}, {"cancelBooking", "cancelBooking"}},
      {"a store that keeps failing", false, [](int) { return Loss::Error; }, Kind::Rejected,
       "store: disk full" + notKeptNote, {lost}, {}},
      {"direct, then the general path", true, nullptr, Kind::Transitioned, "", {kept},
       {"cancelBooking", "cancelBooking"}},
      {"direct, on a store that keeps failing", true, [](int) { return Loss::Error; }, Kind::Rejected,
       "store: disk full" + notKeptNote, {lost, again}, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    int cancelFailures = 1;
    auto [owned, losing] = bookingEngine(
        [](const ActionCall&) { return ActionResult::ok(); },
        [&](const ActionCall&) { return cancelFailures-- > 0 ? ActionResult::failure("ledger down") : ActionResult::ok(); },
        c.direct);
    CHECK(sagaAfterLoss(*owned, *losing, c.lose, event("g", "go", "ann"), {c.kind, c.reason, c.compensations},
                          event("a", "abort", "ann")) == c.abort);
  }
}

TEST_CASE("engine: onTimerAnswer sees every timer's answer, one that `fire` caught up included") {
  const char* const kLate = R"(
state machine "late" {
  initial: A
  states: [A, B, C, D]
  transitions {
    A → B after 1h
    B → C after 1h
    B → D on "go"
    C → D on "go"
  }
}
)";
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    const TimestampValue start{1'700'000'000LL * 1'000'000'000LL};
    constexpr std::int64_t kHour = 3600LL * 1'000'000'000LL;
    auto clock = std::make_shared<VirtualClock>(start);
    std::vector<std::string> seen;
    EngineOptions options;
    options.clock = clock;
    options.store = generalOnly ? std::unique_ptr<Store>(std::make_unique<GeneralOnlyStore>()) : makeMemoryStore();
    options.onTimerAnswer = [&seen](const std::string& id, const FireAnswer& answer) {
      seen.push_back(id + ": " + kindName(answer.kind) + " " + std::string(answer.from) + " → " + std::string(answer.to));
      throw std::runtime_error("ignored");  // a notification cannot fail the step
    };
    Engine engine(std::move(options));
    REQUIRE(engine.loadSource(kLate, "late.dsl").ok());
    REQUIRE(engine.start({"late", "X", "t", "{}"}).ok());
    REQUIRE(engine.start({"late", "Y", "t", "{}"}).ok());
    // X: an event dated past both deadlines; `fire` catches both timers up first.
    Event go = event("g", "go", "ann");
    go.time = TimestampValue{start.nanoseconds + 3 * kHour};
    const auto answer = engine.fire("X", go);
    CHECK(answer.kind == Kind::Transitioned);
    CHECK(answer.from == "C");
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == "X: Transitioned A → B");
    CHECK(seen[1] == "X: Transitioned B → C");
    // Y: runDueTimers, its own callback after the engine's.
    seen.clear();
    clock->advance({kHour});
    const auto fired = engine.runDueTimers([&seen](const std::string& id, const FireAnswer&) { seen.push_back(id + " again"); });
    CHECK(fired.size() == 1);
    CHECK(seen == std::vector<std::string>{"Y: Transitioned A → B", "Y again"});
  }
}

TEST_CASE("engine: an onTimerAnswer that fires at instances with overdue timers is not called from inside itself") {
  // Each callback fired at the partner, whose `fire` caught up a timer, whose callback fired
  // back: one level of nesting per overdue timer, until the stack overflowed.
  auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  EngineOptions options;
  options.clock = clock;
  Engine* engine = nullptr;
  int depth = 0;
  int deepest = 0;
  int told = 0;
  int nudges = 0;
  options.onTimerAnswer = [&](const std::string& id, const FireAnswer&) {
    ++told;
    deepest = std::max(deepest, ++depth);
    (void)engine->fire(id == "X" ? "Y" : "X", event("n" + std::to_string(++nudges), "nudge", "partner"));
    --depth;
  };
  Engine owned(std::move(options));
  engine = &owned;
  REQUIRE(owned.loadSource(R"(state machine "p" {
  context { n: int = 0 }
  events { "nudge" }
  initial: A
  states: [A]
  transitions {
    A → A after 1ms
    A → A on "nudge" → set(n, n + 1)
  }
})", "p.dsl").ok());
  REQUIRE(owned.start({"p", "X", "t", "{}"}).ok());
  REQUIRE(owned.start({"p", "Y", "t", "{}"}).ok());
  clock->advance(DurationValue{20'000LL * 1'000'000});  // 20,000 overdue timers each
  (void)owned.runDueTimers();
  CHECK(deepest == 1);
  CHECK(told == 40'000);  // every timer's answer is told, once
  CHECK(owned.nextTimerDue().value()->nanoseconds > clock->now().nanoseconds);
}

TEST_CASE("engine: runDueTimers reaches the timers behind more than a round's worth of refused ones") {
  // At the end of time a failed timer's retry is due at once, at the same instant. A store
  // that orders equal due times by instance kept the 1,024 refused ones first, and the call
  // stopped there: the timers behind them never fired.
  const char* const kEnd = R"(
state machine "end" {
  initial: A
  states: [A, B]
  transitions { A → B after 1h → work() }
}
)";
  constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kHalfHour = 1800LL * 1'000'000'000LL;
  for (const bool byId : {false, true}) {
    CAPTURE(byId);
    auto clock = std::make_shared<VirtualClock>(TimestampValue{kLast - kHalfHour});
    EngineOptions options;
    options.clock = clock;
    options.store = byId ? std::unique_ptr<Store>(std::make_unique<TimersByIdStore>()) : makeMemoryStore();
    Engine engine(std::move(options));
    engine.bindAction("work", [](const ActionCall& call) {
      return call.instanceId.starts_with("a") ? ActionResult::failure("down") : ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kEnd, "end.dsl").ok());
    constexpr int kFailing = 1100;
    for (int i = 0; i < kFailing; ++i) {
      char id[8];
      std::snprintf(id, sizeof id, "a%04d", i);
      REQUIRE(engine.start({"end", id, "t", "{}"}).ok());
    }
    REQUIRE(engine.start({"end", "z", "t", "{}"}).ok());
    clock->advance({kHalfHour});  // every timer is due at the last nanosecond
    const auto answers = engine.runDueTimers();
    CHECK(answers.size() == kFailing + 1);
    std::set<std::string> failed;
    for (const auto& [id, answer] : answers) {
      if (answer.kind == Kind::Failed) failed.insert(id);
    }
    CHECK(failed.size() == kFailing);  // each answered once
    CHECK(engine.instance("z").value().state == "B");
    CHECK(engine.instance("a1099").value().state == "A");
  }
}

TEST_CASE("engine: a state entered at the last nanosecond arms no timer, so a timer cycle cannot spin there") {
  // Due past the end of time, a timer is due at the end; entered at the end, it was due at
  // once, and `B → B after 1ms` re-entered B at the same instant 65,536 times per call.
  const char* const kCycle = R"(
state machine "cycle" {
  initial: A
  states: [A, B, DONE]
  final: [DONE]
  transitions {
    A → B on "go"
    B → B after 1ms
    B → DONE on "stop"
  }
}
)";
  constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max();
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    auto clock = std::make_shared<VirtualClock>(TimestampValue{kLast - 1'000'000});  // a millisecond before the end
    const auto owned = engineOn(generalOnly, clock);
    Engine& engine = *owned;
    REQUIRE(engine.loadSource(kCycle, "cycle.dsl").ok());
    REQUIRE(engine.start({"cycle", "X", "t", "{}"}).ok());
    REQUIRE(engine.fire("X", event("g", "go", "ann")).kind == Kind::Transitioned);
    clock->advance({1'000'000});  // now the last nanosecond: B's timer fires once, into B at the end
    const auto fired = engine.runDueTimers();
    CHECK(fired.size() == 1);
    CHECK(engine.runDueTimers().empty());
    CHECK(engine.fire("X", event("s", "stop", "ann")).kind == Kind::Transitioned);
    CHECK(engine.history("X").value().size() == 3);  // go, the one timer, stop
  }
}

TEST_CASE("engine: a host action may rebind its own name while it runs; the running one stays whole") {
  // Binding a name again used to assign over the running std::function: what the action
  // captured was freed under it (ASan: heap-use-after-free).
  const char* const kPinging = R"(
state machine "pinging" {
  initial: A
  states: [A]
  transitions {
    A → A on "go" → ping()
  }
}
)";
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    const auto owned = engineOn(generalOnly);
    Engine& engine = *owned;
    std::vector<std::string> seen;
    const std::string first(64, 'a');  // on the heap: a freed copy would not read back as 64 a's
    engine.bindAction("ping", [&engine, &seen, label = first](const ActionCall&) {
      engine.bindAction("ping", [&seen, label = std::string(64, 'b')](const ActionCall&) {
        seen.push_back(label);
        return ActionResult::ok();
      });
      seen.push_back(label);  // this action's own capture, after its name was bound again
      return ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kPinging, "pinging.dsl").ok());
    REQUIRE(engine.start({"pinging", "P", "t", "{}"}).ok());
    CHECK(engine.fire("P", event("1", "go", "ann")).kind == Kind::Transitioned);
    CHECK(engine.fire("P", event("2", "go", "ann")).kind == Kind::Transitioned);
    CHECK(seen == std::vector<std::string>{first, std::string(64, 'b')});
  }
}

TEST_CASE("engine: a slow host action holds up its own instance's events and no other instance of its stripe") {
  const char* const kSlow = R"(
state machine "slow" {
  initial: IDLE
  states: [IDLE, BUSY]
  transitions {
    IDLE → BUSY on "go" → work()
    BUSY → IDLE on "stop"
    IDLE → IDLE on "stop"
  }
}
)";
  // Before, the whole stripe waited for the action: 1 in 1,024 instances, chosen by hash.
  std::string neighbour;
  for (int i = 0; neighbour.empty(); ++i) {
    const std::string id = "other-" + std::to_string(i);
    if (InstanceStripes::indexOf(id) == InstanceStripes::indexOf("slow")) neighbour = id;
  }
  constexpr auto kPatience = std::chrono::seconds(30);  // only ends a test that would hang
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    const auto owned = engineOn(generalOnly);
    Engine& engine = *owned;
    std::promise<void> working;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    engine.bindAction("work", [&](const ActionCall& call) {
      if (call.instanceId == "slow") {
        working.set_value();
        released.wait();
      }
      return ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kSlow, "slow.dsl").ok());
    REQUIRE(engine.start({"slow", "slow", "t", "{}"}).ok());
    REQUIRE(engine.start({"slow", neighbour, "t", "{}"}).ok());
    auto go = std::async(std::launch::async, [&] { return engine.fire("slow", event("g", "go", "ann")); });
    REQUIRE(working.get_future().wait_for(kPatience) == std::future_status::ready);
    // The neighbour's events apply while the action works; the slow instance's next event waits.
    auto neighbourGo = std::async(std::launch::async, [&] { return engine.fire(neighbour, event("g", "go", "bob")); });
    auto slowStop = std::async(std::launch::async, [&] { return engine.fire("slow", event("s", "stop", "ann")); });
    const bool neighbourDone = neighbourGo.wait_for(kPatience) == std::future_status::ready;
    CHECK(neighbourDone);
    // Still waiting for `go` (it cannot end before the release; the wait lets it start).
    CHECK(slowStop.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
    release.set_value();
    CHECK(neighbourGo.get().kind == Kind::Transitioned);
    CHECK(go.get().kind == Kind::Transitioned);
    // `stop` waited for `go` to be applied, although it is a short step in IDLE too (one that
    // may go without a hold: it must not while its instance's stripe has one).
    const FireAnswer stopped = slowStop.get();
    CHECK(stopped.kind == Kind::Transitioned);
    CHECK(stopped.from == "BUSY");
    CHECK(engine.instance("slow").value().state == "IDLE");
    CHECK(engine.instance(neighbour).value().state == "BUSY");
  }
}

TEST_CASE("engine: host actions that fire along a chain of instances stop 32 deep") {
  const char* const kChain = R"(
state machine "chain" {
  initial: IDLE
  states: [IDLE, BUSY]
  transitions { IDLE → BUSY on "go" → pass() }
}
)";
  Engine engine(EngineOptions{});
  std::vector<FireAnswer> answers(40);  // by link: what its fire at the next link answered
  engine.bindAction("pass", [&](const ActionCall& call) {
    const int link = std::stoi(std::string(call.instanceId.substr(1)));
    answers.at(static_cast<std::size_t>(link)) = engine.fire("L" + std::to_string(link + 1), event("g", "go", "ann"));
    return ActionResult::ok();
  });
  REQUIRE(engine.loadSource(kChain, "chain.dsl").ok());
  for (int link = 0; link < 40; ++link) REQUIRE(engine.start({"chain", "L" + std::to_string(link), "t", "{}"}).ok());
  CHECK(engine.fire("L0", event("g", "go", "ann")).kind == Kind::Transitioned);
  for (int link = 0; link < 31; ++link) CHECK(answers[static_cast<std::size_t>(link)].kind == Kind::Transitioned);
  CHECK(answers[31].kind == Kind::Rejected);
  CHECK(answers[31].reason == "instance `L32`: host actions nest deeper than 32 instances (each firing at the next)");
  CHECK(engine.instance("L31").value().state == "BUSY");
  CHECK(engine.instance("L32").value().state == "IDLE");
  CHECK(engine.fire("L32", event("g", "go", "ann")).kind == Kind::Transitioned);  // not applied before
}

TEST_CASE("engine: a host action that throws anything is Failed, on either path; an empty binding unbinds") {
  const char* const kActs = R"(
state machine "acts" {
  initial: A
  states: [A, B]
  transitions { A → B on "go" → act() }
}
)";
  for (const bool generalOnly : {false, true}) {
    INFO("general path only: " << generalOnly);
    auto engine = engineOn(generalOnly);
    engine->bindAction("act", [](const ActionCall& call) -> ActionResult {
      if (call.event.id == "int") throw 42;  // not a std::exception: this ended the process
      if (call.event.id == "text") throw std::string("text");
      throw std::runtime_error("boom");
    });
    REQUIRE(engine->loadSource(kActs, "acts.dsl").ok());
    REQUIRE(engine->start({"acts", "i", "t", "{}"}).ok());
    for (const char* id : {"int", "text"}) {
      const FireAnswer thrown = engine->fire("i", event(id, "go", "ann"));
      CHECK(thrown.kind == Kind::Failed);
      CHECK(thrown.failedAction == "act");
      CHECK(thrown.reason == "threw something that is not a std::exception");
    }
    CHECK(engine->fire("i", event("std", "go", "ann")).reason == "threw: boom");
    CHECK(engine->instance("i").value().state == "A");

    // Binding an empty callable unbinds the name: a machine that needs it no longer loads,
    // and a loaded one's transition fails saying it is not bound.
    engine->bindAction("act", HostAction{});
    const FireAnswer unbound = engine->fire("i", event("u", "go", "ann"));
    CHECK(unbound.kind == Kind::Failed);
    CHECK(unbound.reason == "host action `act` is not bound");
    auto reload = engine->loadSource(std::string(kActs).replace(std::string(kActs).find("\"acts\""), 6, "\"acts2\""),
                                     "acts2.dsl");
    REQUIRE_FALSE(reload.ok());
    CHECK(reload.error().message.find("act") != std::string::npos);
  }
}

TEST_CASE("engine: an empty sink unbinds a route target; its events are then route failures") {
  const char* const kRouted = R"(
state machine "routed" {
  initial: A
  states: [A, B]
  transitions { A → B on "go" }
  routes { "go" → "audit" }
}
)";
  auto engine = engineOn(false);
  std::atomic<int> delivered{0};
  engine->bindRoute("audit", [&](const RoutedEvent&) { ++delivered; });
  REQUIRE(engine->loadSource(kRouted, "routed.dsl").ok());
  REQUIRE(engine->start({"routed", "i", "t", "{}"}).ok());
  REQUIRE(engine->start({"routed", "j", "t", "{}"}).ok());
  CHECK(engine->fire("i", event("e1", "go", "ann")).routeFailures.empty());
  engine->drainRoutes();
  CHECK(delivered.load() == 1);
  engine->bindRoute("audit", RouteSink{});
  const FireAnswer unrouted = engine->fire("j", event("e1", "go", "ann"));
  CHECK(unrouted.kind == Kind::Transitioned);
  CHECK(unrouted.routeFailures == std::vector<std::string>{"audit: go (no sink bound)"});
  engine->drainRoutes();
  CHECK(delivered.load() == 1);

  // A sink that throws loses that delivery, which counts as failed, not delivered.
  engine->bindRoute("audit", [&](const RoutedEvent& routed) {
    if (routed.instanceId == "k") throw 7;
    ++delivered;
  });
  REQUIRE(engine->start({"routed", "k", "t", "{}"}).ok());
  REQUIRE(engine->start({"routed", "l", "t", "{}"}).ok());
  CHECK(engine->fire("k", event("e1", "go", "ann")).routeFailures.empty());
  CHECK(engine->fire("l", event("e1", "go", "ann")).routeFailures.empty());
  engine->drainRoutes();
  const RouteCounters counters = engine->routeCounters("audit");
  CHECK(counters.delivered == 1);
  CHECK(counters.failed == 1);
  CHECK(delivered.load() == 2);
}

TEST_CASE("engine: history and payloadFromJson name an unknown instance or event as instance() and fire do") {
  auto engine = engineOn(false);
  REQUIRE(engine->loadSource(R"(
state machine "p" {
  events { "go" { n: int } }
  initial: A
  states: [A, B]
  transitions { A → B on "go" }
}
)", "p.dsl").ok());
  const auto missing = engine->history("nobody");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "no instance `nobody`");
  CHECK(engine->instance("nobody").error().message == missing.error().message);
  REQUIRE(engine->start({"p", "i", "t", "{}"}).ok());
  CHECK(engine->history("i").value().empty());
  const auto unknownEvent = engine->payloadFromJson("i", "nogo", R"({"k": 1})");
  REQUIRE_FALSE(unknownEvent.ok());
  const FireAnswer fired = engine->fire("i", event("e1", "nogo", "ann"));
  CHECK(fired.kind == Kind::Rejected);
  CHECK(unknownEvent.error().message == fired.reason);
  // The fields are named, as `fire` names them for a payload given as values.
  const auto misspelt = engine->payloadFromJson("i", "go", R"({"k": 1})");
  CHECK(misspelt.error().message == "event `go` has no field `k` (its fields: n)");
  Event withField = event("e2", "go", "ann");
  withField.payload = {{"k", Value(std::int64_t{1})}};
  CHECK(engine->fire("i", withField).reason == misspelt.error().message);
}

/// A store whose commits fail while `failing` is set: with an error ("db down"), or, with
/// `conflict`, as lost races (another writer always committed first).
class FailingCommitStore final : public GeneralOnlyStore {
 public:
  bool failing = false;
  bool conflict = false;
  int refusedCommits = 0;
  Result<CommitStatus> commit(Commit&& commit) override {
    if (!failing) return inner_->commit(std::move(commit));
    ++refusedCommits;
    if (conflict) return CommitStatus::Conflict;
    return Error{"db down"};
  }
};

TEST_CASE("engine: an overdue timer the store will not commit is tried once per `fire`, as runDueTimers tries it") {
  // Only a Failed timer was remembered by `fire`'s catch-up: a Rejected one (a store error,
  // "kept changing") was tried again in each of 65,536 rounds, its host action with it.
  const char* const kNotify = R"(
state machine "notify" {
  events { "poke" }
  initial: A
  states: [A, B]
  transitions {
    A → B after 1h → notify()
    A → A on "poke"
  }
}
)";
  constexpr int kCommitAttempts = 8;  // one try of a trigger commits at most this often
  for (const bool conflict : {false, true}) {
    CAPTURE(conflict);
    auto owned = std::make_unique<FailingCommitStore>();
    FailingCommitStore& store = *owned;
    auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
    EngineOptions options;
    options.clock = clock;
    options.store = std::move(owned);
    Engine engine(std::move(options));
    int notified = 0;
    engine.bindAction("notify", [&](const ActionCall&) {
      ++notified;
      return ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kNotify, "notify.dsl").ok());
    REQUIRE(engine.start({"notify", "X", "t", "{}"}).ok());
    clock->advance({2 * 60 * kMinute});
    store.failing = true;
    store.conflict = conflict;
    const FireAnswer poke = engine.fire("X", event("p", "poke", "ann"));
    CHECK(poke.kind == Kind::Rejected);
    CHECK(poke.reason == (conflict ? "instance `X` kept changing under this event; try again" : "store: db down"));
    // One try of the timer, then the event's own.
    CHECK(notified <= kCommitAttempts);
    CHECK(store.refusedCommits <= 2 * kCommitAttempts);
    notified = 0;
    const auto due = engine.runDueTimers();
    REQUIRE(due.size() == 1);
    CHECK(due[0].second.kind == Kind::Rejected);
    CHECK(notified <= kCommitAttempts);
    store.failing = false;  // the store is back: the timer fires
    REQUIRE(engine.runDueTimers().size() == 1);
    CHECK(engine.instance("X").value().state == "B");
  }
}

/// Counts the loads and due-timer reads an engine asks of a store that engines share (a
/// durable store, reopened after a restart); `firstRead` is told of the first due-timer read.
class SharedCountingStore final : public DueTimersStore {
 public:
  explicit SharedCountingStore(std::shared_ptr<Store> shared) : DueTimersStore(std::move(shared)) {}
  std::atomic<int> loads{0};
  std::atomic<int> dueReads{0};
  std::mutex mutex;
  std::condition_variable firstRead;

  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    ++loads;
    return inner_->load(id);
  }
  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    {
      std::lock_guard lock(mutex);
      ++dueReads;
    }
    firstRead.notify_all();
    return inner_->dueTimers(now, limit);
  }
  Result<std::vector<TimerRecord>> dueTimers(std::string_view id, TimestampValue now) override {
    ++dueReads;
    return inner_->dueTimers(id, now);
  }
};

const char* const kRestart = R"(
state machine "restart" {
  events { "poke" }
  initial: A
  states: [A, B]
  transitions {
    A → B after 1h
    A → A on "poke"
  }
}
)";

/// Starts `count` instances (X0, X1...) of kRestart in `shared` with an engine that is then
/// destroyed, and moves the clock past their timers: what a restarted engine finds.
void startBeforeRestart(const std::shared_ptr<Store>& shared, const std::shared_ptr<VirtualClock>& clock, int count) {
  EngineOptions options;
  options.clock = clock;
  options.store = std::make_unique<GeneralOnlyStore>(shared);
  Engine before(std::move(options));
  REQUIRE(before.loadSource(kRestart, "restart.dsl").ok());
  for (int i = 0; i < count; ++i) REQUIRE(before.start({"restart", "X" + std::to_string(i), "t", "{}"}).ok());
  clock->advance({2 * 60 * kMinute});
}

/// Options for an engine restarted on a store where `count` instances of `restart` have
/// timers due two hours ago (startBeforeRestart), through a store that counts its calls.
std::pair<EngineOptions, SharedCountingStore*> restartedOptions(int count) {
  const std::shared_ptr<Store> shared = makeMemoryStore();
  auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  startBeforeRestart(shared, clock, count);
  auto owned = std::make_unique<SharedCountingStore>(shared);
  SharedCountingStore* store = owned.get();
  EngineOptions options;
  options.clock = clock;
  options.store = std::move(owned);
  return {std::move(options), store};
}

TEST_CASE("engine: after a restart, due timers whose machine is not loaded yet are skipped for the call, not re-read") {
  // Bindings come before loading, so a restarted engine meets due timers of machines it has
  // not loaded. Each was read again in every one of 65,536 rounds: one `fire` loaded the
  // instance 65,537 times, one runDueTimers every instance 65,536 times.
  constexpr int kInstances = 20;
  auto [options, counted] = restartedOptions(kInstances);
  SharedCountingStore& store = *counted;
  Engine engine(std::move(options));
  const FireAnswer poke = engine.fire("X0", event("p", "poke", "ann"));
  CHECK(poke.kind == Kind::Rejected);
  CHECK(poke.reason.ends_with(", which is not loaded"));
  CHECK(store.loads.load() <= 4);
  CHECK(store.dueReads.load() <= 4);
  store.loads = 0;
  store.dueReads = 0;
  CHECK(engine.runDueTimers().empty());
  CHECK(store.loads.load() <= 2 * kInstances);
  CHECK(store.dueReads.load() <= 4);
  // Once the machine is loaded they fire.
  REQUIRE(engine.loadSource(kRestart, "restart.dsl").ok());
  const auto fired = engine.runDueTimers();
  CHECK(fired.size() == kInstances);
  CHECK(engine.instance("X0").value().state == "B");
}

TEST_CASE("engine: the timer thread does not spin on due timers it cannot fire") {
  // It slept until the earliest pending timer, which was one it had just skipped: a
  // millisecond, then again, millions of store loads a second.
  constexpr int kInstances = 20;
  auto [options, counted] = restartedOptions(kInstances);
  SharedCountingStore& store = *counted;
  options.timerThread = true;
  Engine engine(std::move(options));
  {
    std::unique_lock lock(store.mutex);
    REQUIRE(store.firstRead.wait_for(lock, std::chrono::seconds(30), [&] { return store.dueReads > 0; }));
  }
  // A window in which a spinning thread makes hundreds of calls; this one sleeps a second
  // (it wakes for a timer it has not skipped, or for one committed meanwhile: none here).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(store.loads.load() <= 2 * kInstances);
  CHECK(store.dueReads.load() <= 6);
}

/// A clock that throws on threads other than the one that made it (or `everyThread`), `throwsLeft` times:
/// std::runtime_error, then an int (something a host's code may throw that is no exception).
class ThrowingClock final : public Clock {
 public:
  explicit ThrowingClock(TimestampValue start) : clock(start) {}
  [[nodiscard]] TimestampValue now() const override {
    if ((everyThread || std::this_thread::get_id() != owner_) && takeOne(throwsLeft)) {
      if (throwsLeft.load() % 2 == 1) throw std::runtime_error("clock broken");
      throw 42;
    }
    return clock.now();
  }
  static bool takeOne(std::atomic<int>& left) {
    int now = left.load();
    while (now > 0 && !left.compare_exchange_weak(now, now - 1)) {
    }
    return now > 0;
  }
  VirtualClock clock;
  mutable std::atomic<int> throwsLeft{0};
  bool everyThread = false;  // throws on the thread that made it too

 private:
  std::thread::id owner_ = std::this_thread::get_id();
};

/// A store whose due-timer reads and loads throw on threads other than the one that made it,
/// `throwsLeft` times each (a database connection lost).
class ThrowingStore final : public DueTimersStore {
 public:
  std::atomic<int> dueThrowsLeft{0};
  std::atomic<int> loadThrowsLeft{0};
  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    if (std::this_thread::get_id() != owner_ && ThrowingClock::takeOne(loadThrowsLeft)) {
      throw std::runtime_error("database connection lost");
    }
    return inner_->load(id);
  }
  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    if (std::this_thread::get_id() != owner_ && ThrowingClock::takeOne(dueThrowsLeft)) {
      throw std::runtime_error("database connection lost");
    }
    return inner_->dueTimers(now, limit);
  }
  using GeneralOnlyStore::dueTimers;

 private:
  std::thread::id owner_ = std::this_thread::get_id();
};

TEST_CASE("engine: the timer thread outlives what its clock and its store throw, and goes on firing timers") {
  // Nothing caught them: the first exception on the thread called std::terminate.
  auto clock = std::make_shared<ThrowingClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  clock->throwsLeft = 2;
  auto owned = std::make_unique<ThrowingStore>();
  ThrowingStore& store = *owned;
  store.dueThrowsLeft = 2;
  store.loadThrowsLeft = 2;
  std::mutex mutex;
  std::condition_variable answered;
  std::vector<std::string> answers;
  EngineOptions options;
  options.clock = clock;
  options.store = std::move(owned);
  options.timerThread = true;
  options.onTimerAnswer = [&](const std::string& id, const FireAnswer& answer) {
    {
      std::lock_guard lock(mutex);
      answers.push_back(id + ": " + kindName(answer.kind));
    }
    answered.notify_all();
  };
  Engine engine(std::move(options));
  REQUIRE(engine.loadSource(R"(
state machine "soon" {
  initial: A
  states: [A, B]
  transitions { A → B after 1ms }
}
)", "soon.dsl").ok());
  REQUIRE(engine.start({"soon", "X", "t", "{}"}).ok());
  clock->clock.advance({kMinute});
  {
    std::unique_lock lock(mutex);
    REQUIRE(answered.wait_for(lock, std::chrono::seconds(30), [&] { return !answers.empty(); }));
    CHECK(answers == std::vector<std::string>{"X: Transitioned"});
  }
  CHECK(clock->throwsLeft == 0);
  CHECK(store.dueThrowsLeft == 0);
  CHECK(store.loadThrowsLeft == 0);
  CHECK(engine.instance("X").value().state == "B");
}

/// A store that fails the calls timers make, each as often as told, on any thread: with the
/// error "db down", or for the `Throws` ones by throwing "connection reset".
class FaultyStore final : public DueTimersStore {
 public:
  std::atomic<int> dueErrorsLeft{0};
  std::atomic<int> dueThrowsLeft{0};
  std::atomic<int> instanceDueErrorsLeft{0};  // one instance's due timers, read before its event
  std::atomic<int> nextErrorsLeft{0};
  std::atomic<int> loadErrorsLeft{0};
  std::atomic<int> loadThrowsLeft{0};
  std::atomic<int> commitErrorsLeft{0};

  Result<std::vector<TimerRecord>> dueTimers(TimestampValue now, std::size_t limit) override {
    if (ThrowingClock::takeOne(dueThrowsLeft)) throw std::runtime_error("connection reset");
    if (ThrowingClock::takeOne(dueErrorsLeft)) return Error{"db down"};
    return inner_->dueTimers(now, limit);
  }
  Result<std::vector<TimerRecord>> dueTimers(std::string_view id, TimestampValue now) override {
    if (ThrowingClock::takeOne(instanceDueErrorsLeft)) return Error{"db down"};
    return inner_->dueTimers(id, now);
  }
  Result<std::optional<TimestampValue>> nextTimer() override {
    if (ThrowingClock::takeOne(nextErrorsLeft)) return Error{"db down"};
    return inner_->nextTimer();
  }
  Result<std::optional<InstanceRecord>> load(std::string_view id) override {
    if (ThrowingClock::takeOne(loadThrowsLeft)) throw std::runtime_error("connection reset");
    if (ThrowingClock::takeOne(loadErrorsLeft)) return Error{"db down"};
    return inner_->load(id);
  }
  Result<CommitStatus> commit(Commit&& commit) override {
    if (ThrowingClock::takeOne(commitErrorsLeft)) return Error{"db down"};
    return inner_->commit(std::move(commit));
  }
};

/// Collects what an engine tells its onTimerError and onTimerAnswer (whose every call throws
/// "noted"), from any thread.
struct TimerReports {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> errors;   // "source|instance|message"
  std::vector<std::string> answers;  // "instance: kind"

  void watch(EngineOptions& options) {
    options.onTimerError = [this](const TimerError& error) {
      static const char* const kSources[] = {"clock", "store", "onTimerAnswer", "engine"};
      add(errors, std::string(kSources[static_cast<int>(error.source)]) + "|" + error.instanceId + "|" + error.message);
      throw std::runtime_error("ignored");  // the last word: nothing is told of it
    };
    options.onTimerAnswer = [this](const std::string& id, const FireAnswer& answer) {
      add(answers, id + ": " + kindName(answer.kind));
      throw std::runtime_error("noted");
    };
  }
  void add(std::vector<std::string>& to, std::string text) {
    {
      std::lock_guard lock(mutex);
      to.push_back(std::move(text));
    }
    changed.notify_all();
  }
  /// The errors told since the last call, sorted (threads may tell them in any order).
  std::vector<std::string> takeErrors() {
    std::lock_guard lock(mutex);
    std::vector<std::string> taken = std::move(errors);
    errors.clear();
    std::sort(taken.begin(), taken.end());
    return taken;
  }
};

const char* const kSoon = R"(
state machine "soon" {
  events { "poke" }
  initial: A
  states: [A, B]
  transitions {
    A → B after 1ms
    A → A on "poke"
  }
}
)";

/// An engine on a ThrowingClock and a FaultyStore, neither failing yet, that tells `reports`;
/// kSoon is loaded and its instance X started.
struct FaultyTimers {
  std::shared_ptr<ThrowingClock> clock = std::make_shared<ThrowingClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  FaultyStore* store = nullptr;  // the engine's
  TimerReports reports;
  std::unique_ptr<Engine> engine;  // declared last, so destroyed first: its thread stops before `reports` goes

  explicit FaultyTimers(bool timerThread) {
    auto owned = std::make_unique<FaultyStore>();
    store = owned.get();
    EngineOptions options;
    options.clock = clock;
    options.store = std::move(owned);
    options.timerThread = timerThread;
    reports.watch(options);
    engine = std::make_unique<Engine>(std::move(options));
    REQUIRE(engine->loadSource(kSoon, "soon.dsl").ok());
    REQUIRE(engine->start({"soon", "X", "t", "{}"}).ok());
  }
};

TEST_CASE("engine: the timer thread tells onTimerError what its clock and store fail, and fires the timer once they work") {
  // The thread caught what they threw and backed off, and dropped the errors they returned:
  // a timer that never fired, and no sign of why.
  FaultyTimers rig(/*timerThread=*/true);
  auto& [clock, store, reports, engine] = rig;
  clock->throwsLeft = 2;
  store->dueErrorsLeft = 1;
  store->dueThrowsLeft = 1;
  store->nextErrorsLeft = 1;
  store->loadThrowsLeft = 1;
  store->commitErrorsLeft = 1;
  clock->clock.advance({kMinute});
  std::vector<std::string> expected{
      "clock||clock: now() threw: clock broken",
      "clock||clock: now() threw something that is not a std::exception",
      "store||store: reading the due timers: db down",
      "store||store: reading the due timers: claimDueTimers threw: connection reset",
      "store||store: reading when the next timer is due: db down",
      "store|X|store: loading the instance of a due timer: load threw: connection reset",
      "store|X|store: db down",  // the timer's step: its answer is Rejected, and it stays due
      "onTimerAnswer|X|onTimerAnswer threw: noted",
      "onTimerAnswer|X|onTimerAnswer threw: noted",
  };
  std::sort(expected.begin(), expected.end());
  {
    std::unique_lock lock(reports.mutex);
    const bool told = reports.changed.wait_for(lock, std::chrono::seconds(30), [&] {
      return reports.errors.size() >= expected.size() && !reports.answers.empty() &&
             reports.answers.back() == "X: Transitioned";
    });
    CHECK(told);
    CHECK(reports.answers == std::vector<std::string>{"X: Rejected", "X: Transitioned"});
  }
  CHECK(reports.takeErrors() == expected);
  CHECK(engine->instance("X").value().state == "B");
}

TEST_CASE("engine: runDueTimers and `fire` tell onTimerError what the clock and the store fail, as the thread does") {
  // runDueTimers threw what the clock threw, and answered "nothing due" for a store that
  // returned an error; a timer whose instance could not be loaded was skipped in silence.
  FaultyTimers rig(/*timerThread=*/false);
  auto& [clock, store, reports, engine] = rig;
  clock->everyThread = true;
  clock->clock.advance({kMinute});
  using Errors = std::vector<std::string>;

  // `fire` catching up the instance's timers first: the event goes on, the host is told.
  store->instanceDueErrorsLeft = 1;
  CHECK(engine->fire("X", event("p", "poke", "ann")).kind == Kind::Transitioned);
  CHECK(reports.takeErrors() == Errors{"store|X|store: reading the instance's due timers before an event: db down"});
  CHECK(engine->instance("X").value().state == "A");

  clock->clock.advance({kMinute});  // past the timer the poke armed again

  clock->throwsLeft = 1;  // an int
  CHECK(engine->runDueTimers().empty());
  CHECK(reports.takeErrors() == Errors{"clock||clock: now() threw something that is not a std::exception"});
  store->dueErrorsLeft = 1;
  CHECK(engine->runDueTimers().empty());
  CHECK(reports.takeErrors() == Errors{"store||store: reading the due timers: db down"});
  store->loadErrorsLeft = 1;
  CHECK(engine->runDueTimers().empty());
  CHECK(reports.takeErrors() == Errors{"store|X|store: loading the instance of a due timer: db down"});
  store->commitErrorsLeft = 1;
  auto answers = engine->runDueTimers();
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].second.reason == "store: db down");
  CHECK(reports.takeErrors() == Errors{"onTimerAnswer|X|onTimerAnswer threw: noted", "store|X|store: db down"});
  // Working again, the timer fires.
  answers = engine->runDueTimers();
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].second.kind == Kind::Transitioned);
  CHECK(reports.takeErrors() == Errors{"onTimerAnswer|X|onTimerAnswer threw: noted"});
  CHECK(engine->instance("X").value().state == "B");
}

/// A clock that moves a millisecond on at every read: time passing while `fire` runs.
class TickingClock final : public Clock {
 public:
  [[nodiscard]] TimestampValue now() const override { return {nanoseconds_.fetch_add(1'000'000)}; }

 private:
  mutable std::atomic<std::int64_t> nanoseconds_{0};
};

TEST_CASE("engine: an event without a time does not overtake a deadline that passes while `fire` runs") {
  // The general path read the clock for the catch-up of overdue timers, then again for the
  // event: a timer due in between fired after the event, which met the old state.
  const char* const kLate = R"(
state machine "late" {
  events { "vote" }
  initial: A
  states: [A, LATE, X]
  transitions {
    A → LATE after 18ms
    A → A on "vote" if event.actor == "nobody"
    LATE → X on "vote"
  }
}
)";
  for (const bool generalOnly : {false, true}) {
    CAPTURE(generalOnly);
    EngineOptions options;
    options.clock = std::make_shared<TickingClock>();
    options.store = generalOnly ? std::unique_ptr<Store>(std::make_unique<GeneralOnlyStore>()) : makeMemoryStore();
    Engine engine(std::move(options));
    REQUIRE(engine.loadSource(kLate, "late.dsl").ok());
    REQUIRE(engine.start({"late", "I", "t", "{}"}).ok());
    for (int i = 0; i < 30; ++i) (void)engine.fire("I", event("v" + std::to_string(i), "vote", "ann"));
    const auto history = engine.history("I").value();
    const auto timer = std::find_if(history.begin(), history.end(),
                                    [](const JournalEntry& entry) { return entry.actor == "timer"; });
    REQUIRE(timer != history.end());
    for (auto entry = history.begin(); entry != timer; ++entry) {
      CAPTURE(entry->eventId);
      CHECK(entry->time.nanoseconds < timer->time.nanoseconds);  // met A before its deadline
    }
    CHECK(engine.instance("I").value().state == "X");
  }
}

/// The memory store with its direct path, whose `applyDirect` throws at its `throwAt`th call
/// (0: never) and whose `slot` throws while `slotThrows` is set.
class DirectThrowingStore final : public GeneralOnlyStore {
 public:
  int throwAt = 0;
  int directCalls = 0;
  bool slotThrows = false;
  StoreSlot* slot(std::string_view id, std::size_t idHash) override {
    if (slotThrows) throw std::runtime_error("slot table gone");
    return inner_->slot(id, idHash);
  }
  DirectOutcome applyDirect(StoreSlot& slot, const DirectEvent& event, const DirectPlanner& planner) override {
    if (++directCalls == throwAt) throw std::runtime_error("lock table corrupt");
    return inner_->applyDirect(slot, event, planner);
  }
};

TEST_CASE("engine: a store's applyDirect or slot that throws is a Rejected answer, with nothing applied") {
  // What they threw went out of `fire` to the host. The first call is the unserialised
  // attempt, the second the serialised plan, the third the plan after `book` ran (which is
  // then taken back, as after a commit that threw).
  struct Case {
    const char* name;
    int throwAt;
    bool slotThrows;
    std::string reason;
    int books;
    std::vector<std::string> compensations;
  };
  const std::string threw = "store: applyDirect threw: lock table corrupt";
  const std::vector<Case> cases{
      {"unserialised", 1, false, threw, 0, {}},
      {"serialised", 2, false, threw, 0, {}},
      {"after the host actions", 3, false, threw, 1, {"commit lost, compensation of cancelBooking"}},
      {"slot", 0, true, "store: slot threw: slot table gone", 0, {}},
  };
  for (const bool byHandle : {false, true}) {
    for (const auto& c : cases) {
      if (byHandle && c.slotThrows) continue;  // a handle keeps its slot: `fire` asks for none
      CAPTURE(byHandle);
      CAPTURE(c.name);
      auto store = std::make_unique<DirectThrowingStore>();
      DirectThrowingStore& throwing = *store;
      int books = 0;
      int cancels = 0;
      auto engine = startedEngine(std::move(store), kBooking, "booking",
                                  {{"book", [&](const ActionCall&) { ++books; return ActionResult::ok(); }},
                                   {"cancelBooking", [&](const ActionCall&) { ++cancels; return ActionResult::ok(); }}});
      const InstanceHandle handle = engine->handle("i").value();
      throwing.throwAt = c.throwAt;
      throwing.slotThrows = c.slotThrows;
      const Event go = event("g", "go", "ann");
      FireAnswer answer;
      CHECK_NOTHROW(answer = byHandle ? engine->fire(handle, go) : engine->fire("i", go));
      CHECK(answer.kind == Kind::Rejected);
      CHECK(answer.reason == c.reason);
      CHECK(books == c.books);
      CHECK(cancels == c.books);
      CHECK(answer.compensations == c.compensations);
      throwing.slotThrows = false;
      CHECK(engine->instance("i").value().state == "A");
      CHECK(engine->history("i").value().empty());
      // The id stays free: sent again to a store that works, the event applies.
      CHECK(engine->fire("i", go).kind == Kind::Transitioned);
    }
  }
}

TEST_CASE("engine: a clock that throws as `fire` reads it is a Rejected answer, by id and by handle") {
  // What it threw went out of `fire` to the host.
  auto clock = std::make_shared<ThrowingClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  clock->everyThread = true;
  EngineOptions options;
  options.clock = clock;
  Engine engine(std::move(options));
  int books = 0;
  engine.bindAction("book", [&](const ActionCall&) { ++books; return ActionResult::ok(); });
  engine.bindAction("cancelBooking", [](const ActionCall&) { return ActionResult::ok(); });
  REQUIRE(engine.loadSource(kBooking, "booking.dsl").ok());
  REQUIRE(engine.start({"booking", "i", "t", "{}"}).ok());
  const InstanceHandle handle = engine.handle("i").value();
  clock->throwsLeft = 2;  // a std::runtime_error, then an int
  FireAnswer byId;
  CHECK_NOTHROW(byId = engine.fire("i", event("g", "go", "ann")));
  CHECK(byId.kind == Kind::Rejected);
  CHECK(byId.reason == "clock: now() threw: clock broken");
  FireAnswer byHandle;
  CHECK_NOTHROW(byHandle = engine.fire(handle, event("g", "go", "ann")));
  CHECK(byHandle.kind == Kind::Rejected);
  CHECK(byHandle.reason == "clock: now() threw something that is not a std::exception");
  CHECK(books == 0);
  CHECK(engine.instance("i").value().state == "A");
  CHECK(engine.history("i").value().empty());
  // An event with its own time does not read the clock.
  clock->throwsLeft = 1;
  Event dated = event("g", "go", "ann");
  dated.time = TimestampValue{1'700'000'000LL * 1'000'000'000LL};
  CHECK(engine.fire("i", dated).kind == Kind::Transitioned);
}

/// A trip: "go" books (its undo joins the saga), "pay" books and charges (which fails: the
/// booking is undone), "abort" books again and runs the saga, "undo" only runs the saga.
const char* const kTrip = R"(
state machine "trip" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" → book() compensate cancelBooking()
    A → B on "pay" → book() compensate cancelBooking(), charge()
    B → C on "abort" → book() compensate cancelBooking(), compensate()
    [A, B, C] → C on "undo" → compensate()
  }
}
)";

/// Counts of what a trip's host actions did: `cancelFailures` calls of cancelBooking fail
/// ("ledger down") before the next ones succeed.
struct TripCounts {
  int books = 0;
  int cancels = 0;  // the ones that succeeded
  int cancelFailures = 0;
};

/// An engine on a LosingStore (that loses nothing yet) with kTrip loaded and instance `i`
/// started; charge always fails.
std::pair<std::unique_ptr<Engine>, LosingStore*> tripEngine(TripCounts& counts) {
  auto store = std::make_unique<LosingStore>();
  LosingStore* losing = store.get();
  auto engine = startedEngine(
      std::move(store), kTrip, "trip",
      {{"book", [&counts](const ActionCall&) { ++counts.books; return ActionResult::ok(); }},
       {"cancelBooking",
        [&counts](const ActionCall&) {
          if (counts.cancelFailures > 0) {
            --counts.cancelFailures;
            return ActionResult::failure("ledger down");
          }
          ++counts.cancels;
          return ActionResult::ok();
        }},
       {"charge", [](const ActionCall&) { return ActionResult::failure("card declined"); }}});
  return {std::move(engine), losing};
}

TEST_CASE("engine: compensations that fail in a compensate() or a failed transition whose commit is lost stay in the saga") {
  // Their undo was lost with the commit: a compensate() step whose commit was lost dropped
  // this step's own compensations that failed, and on a retry the stored ones that failed too
  // (the retry took them for done); a Failed transition whose saga-only commit was lost
  // dropped the compensations that failed to undo it. Each case: the commit is lost, the
  // compensations fail as said, and a later "undo" shows what the saga kept.
  using Loss = LosingStore::Loss;
  const std::string kept = " (failed: ledger down; kept in the saga)";
  const std::string lost = " (failed: ledger down; not kept in the saga: store: disk full)";
  const std::string notKeptNote = " (the compensations that failed are not kept in the saga: store: disk full)";
  const auto once = [](Loss loss) { return std::function<Loss(int)>([loss](int n) { return n == 1 ? loss : Loss::None; }); };
  const std::function<Loss(int)> always = [](int) { return Loss::Error; };
  struct Case {
    const char* name;
    const char* event;   // "abort" after "go" (compensate()), or "pay" (a Failed transition)
    int cancelFailures;  // how many cancelBooking calls fail, from the event on
    std::function<Loss(int)> lose;
    Kind kind;
    std::string reason;
    std::vector<std::string> compensations;
    std::vector<std::string> undo;  // what the later compensate() runs
  };
  const std::vector<Case> cases{
      // abort's own booking's undo, then go's: both fail; the retry runs both again, and its own.
      {"compensate(), one lost race", "abort", 2, once(Loss::Conflict), Kind::Transitioned, "",
       {"cancelBooking" + kept, "cancelBooking" + kept, "cancelBooking", "cancelBooking", "cancelBooking"}, {}},
      {"compensate(), a throwing commit", "abort", 2, once(Loss::Throw), Kind::Rejected,
       "store: commit threw: connection reset", {"cancelBooking" + kept, "cancelBooking" + kept},
       {"cancelBooking", "cancelBooking"}},
      {"compensate(), a store that keeps failing", "abort", 2, always, Kind::Rejected, "store: disk full" + notKeptNote,
       {"cancelBooking" + lost, "cancelBooking" + kept}, {"cancelBooking"}},
      {"a failed transition, one lost race", "pay", 1, once(Loss::Conflict), Kind::Failed, "card declined",
       {"compensation of cancelBooking" + kept, "compensation of cancelBooking"}, {"cancelBooking"}},
      {"a failed transition, a throwing commit", "pay", 1, once(Loss::Throw), Kind::Rejected,
       "store: commit threw: connection reset", {"compensation of cancelBooking" + kept}, {"cancelBooking"}},
      {"a failed transition, a store that keeps failing", "pay", 1, always, Kind::Rejected,
       "store: disk full" + notKeptNote, {"compensation of cancelBooking" + lost}, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    TripCounts counts;
    auto [owned, losing] = tripEngine(counts);
    Engine& engine = *owned;
    if (std::string(c.event) == "abort") REQUIRE(engine.fire("i", event("g", "go", "ann")).kind == Kind::Transitioned);
    counts.cancelFailures = c.cancelFailures;
    losing->commits = 0;
    CHECK(sagaAfterLoss(engine, *losing, c.lose, event("e", c.event, "ann"), {c.kind, c.reason, c.compensations},
                          event("u", "undo", "ann")) == c.undo);
    // Every booking undone, but for the one whose undo the answer said was not kept.
    const bool oneLost = std::any_of(c.compensations.begin(), c.compensations.end(),
                                     [&](const std::string& label) { return label.ends_with(lost); });
    CHECK(counts.cancels == counts.books - (oneLost ? 1 : 0));
  }
}

TEST_CASE("engine: stored compensations that a compensate() ran are not run again after its commit was lost") {
  // A compensate() whose commit failed with a store error (no retry) ran the stored saga's
  // steps, which stayed stored: a later compensate() ran them a second time (go's booking
  // was cancelled twice). They are now taken out of the saga, or the answer says they could
  // not be.
  using Loss = LosingStore::Loss;
  const auto once = [](Loss loss) { return std::function<Loss(int)>([loss](int n) { return n == 1 ? loss : Loss::None; }); };
  struct Case {
    const char* name;
    std::function<Loss(int)> lose;
    std::string reason;
    std::vector<std::string> undo;  // what the later compensate() runs
  };
  const std::vector<Case> cases{
      {"a throwing commit", once(Loss::Throw), "store: commit threw: connection reset", {}},
      {"a store error", once(Loss::Error), "store: disk full", {}},
      {"a store that keeps failing", [](int) { return Loss::Error; },
       "store: disk full (compensations that ran are still in the saga, and a later compensate() runs them again: "
       "store: disk full)",
       {"cancelBooking"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    TripCounts counts;
    auto [owned, losing] = tripEngine(counts);
    Engine& engine = *owned;
    REQUIRE(engine.fire("i", event("g", "go", "ann")).kind == Kind::Transitioned);
    losing->commits = 0;
    CHECK(sagaAfterLoss(engine, *losing, c.lose, event("e", "abort", "ann"),
                        {Kind::Rejected, c.reason, {"cancelBooking", "cancelBooking"}}, event("u", "undo", "ann")) ==
          c.undo);
    // Each booking cancelled once, but where the answer said the saga still held one.
    CHECK(counts.cancels == counts.books + static_cast<int>(c.undo.size()));
  }
}
