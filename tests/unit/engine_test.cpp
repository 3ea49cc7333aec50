// The runtime engine (runtime/include/approval/engine.h) against the semantics of
// docs/RUNTIME.md: answers, votes and quorum, actions and saga compensation, timers on a
// virtual clock, routes and their queue policies, history, loading and binding checks,
// versions pinned by hash, and concurrent fires equal to a sequential replay.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "approval/compiler.h"
#include "approval/engine.h"
#include "support/engine_events.h"
#include "approval/ir_json.h"
#include "approval/json_input.h"
#include "approval/utf8.h"
#include "support/expression_bomb.h"
#include "support/forwarding_store.h"

using namespace approval;
using namespace approval::runtime;
using approval::test::event;
using Kind = FireAnswer::Kind;

namespace {

constexpr std::int64_t kHour = 3600LL * 1'000'000'000LL;
constexpr std::int64_t kMillisecond = 1'000'000;

/// Records host action calls; actions named in `failing` fail.
struct Host {
  std::mutex mutex;
  std::vector<std::string> calls;
  std::set<std::string> failing;

  HostAction action() {
    return [this](const ActionCall& call) {
      std::string text = std::string(call.compensation ? "undo " : "") + std::string(call.action) + "(";
      for (std::size_t i = 0; i < call.arguments.size(); ++i) text += (i ? "," : "") + toJsonText(call.arguments[i]);
      text += ")";
      std::lock_guard lock(mutex);
      calls.push_back(text);
      if (failing.count(std::string(call.action)) != 0) return ActionResult::failure("boom");
      return ActionResult::ok();
    };
  }
};

const char* const kLeave = R"(
state machine "leave" {
  context {
    days: int = 1
    reviewers: list<string> = ["rita", "ravi", "rosa"]
    approvedBy: list<string> = []
  }
  events { "submit" { days: int }  "approve" { note: string = "" }  "cancel" }
  quorum: 2
  initial: DRAFT
  states: [DRAFT, REVIEW, APPROVED, ESCALATED, CANCELLED]
  final: [APPROVED, CANCELLED]
  transitions {
    DRAFT → REVIEW on "submit" if event.days > 0
      → set(days, event.days), reserve(event.days) compensate release(event.days), notify("review")
    REVIEW → APPROVED on "approve" if event.actor in reviewers && hasQuorum()
      → set(approvedBy, [event.actor]), emit("approved")
    REVIEW → ESCALATED after 48h → notify("escalated")
    ESCALATED → REVIEW on "approve" if event.actor == "boss"
    [REVIEW, ESCALATED] → CANCELLED on "cancel" → compensate()
  }
  routes { "approved" → "audit", "hr"  "submit" → "audit" }
}
)";

struct Fixture {
  std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  Host host;
  std::mutex routedMutex;
  std::vector<std::string> routed;
  std::unique_ptr<Engine> engine;

  explicit Fixture(bool jit = true) {
    EngineOptions options;
    options.clock = clock;
    options.jit = jit;
    engine = std::make_unique<Engine>(std::move(options));
    for (const char* name : {"reserve", "release", "notify"}) engine->bindAction(name, host.action());
    for (const char* target : {"audit", "hr"}) {
      engine->bindRoute(target, [this](const RoutedEvent& e) {
        std::lock_guard lock(routedMutex);
        routed.push_back(e.target + ":" + e.event + (e.emitted ? "*" : "") + ":" + e.instanceId);
      });
    }
    auto loaded = engine->loadSource(kLeave, "leave.dsl");
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  }

  std::string state(const std::string& id) { return engine->instance(id).value().state; }
};

/// An engine with the defaults but for the evaluator: the JIT or the interpreter.
std::unique_ptr<Engine> engineWith(bool jit) {
  EngineOptions options;
  options.jit = jit;
  return std::make_unique<Engine>(std::move(options));
}

}  // namespace

TEST_CASE("engine: every kind of answer, with votes, quorum, actions and routes") {
  Fixture f;
  REQUIRE(f.engine->start({"leave", "L1", "acme", "{}"}).ok());
  CHECK(f.state("L1") == "DRAFT");

  // Rejected: unknown event, bad payload, no transition from this state. State unchanged.
  CHECK(f.engine->fire("L1", event("x1", "nonsense", "ann")).kind == Kind::Rejected);
  const auto badPayload = f.engine->fire("L1", event("x2", "submit", "ann", {{"days", Value("three")}}));
  CHECK(badPayload.kind == Kind::Rejected);
  CHECK(badPayload.reason == "field `days` of `submit`: expected int, got string");
  CHECK(f.engine->fire("L1", event("x3", "submit", "ann")).reason == "event `submit` needs field `days`");
  CHECK(f.engine->fire("L1", event("x4", "approve", "rita")).reason == "no transition on `approve` from state `DRAFT`");
  // Stayed: the guard is false.
  CHECK(f.engine->fire("L1", event("x5", "submit", "ann", {{"days", Value(std::int64_t{0})}})).kind == Kind::Stayed);

  const auto submitted = f.engine->fire("L1", event("e1", "submit", "ann", {{"days", Value(std::int64_t{3})}}));
  REQUIRE(submitted.kind == Kind::Transitioned);
  CHECK(submitted.from == "DRAFT");
  CHECK(submitted.to == "REVIEW");
  CHECK(submitted.actions == std::vector<std::string>{"set(days)", "reserve", "notify"});
  CHECK(f.host.calls == std::vector<std::string>{"reserve(3)", "notify(\"review\")"});
  // Duplicate: the same id again changes nothing.
  CHECK(f.engine->fire("L1", event("e1", "submit", "ann", {{"days", Value(std::int64_t{3})}})).kind == Kind::Duplicate);

  // Votes per visit: rita's vote twice counts once; quorum 2 needs a second reviewer.
  CHECK(f.engine->fire("L1", event("v1", "approve", "rita")).kind == Kind::Stayed);
  CHECK(f.engine->fire("L1", event("v2", "approve", "rita")).kind == Kind::Stayed);
  CHECK(f.engine->fire("L1", event("v3", "approve", "mallory")).kind == Kind::Stayed);  // not a reviewer
  const auto approved = f.engine->fire("L1", event("v4", "approve", "ravi"));
  REQUIRE(approved.kind == Kind::Transitioned);
  CHECK(approved.to == "APPROVED");
  CHECK(approved.emitted == std::vector<std::string>{"approved"});
  const auto view = f.engine->instance("L1").value();
  CHECK(view.final);
  CHECK(view.contextJson == R"({"days":3,"reviewers":["rita","ravi","rosa"],"approvedBy":["ravi"]})");

  f.engine->drainRoutes();
  std::sort(f.routed.begin(), f.routed.end());
  // Accepted events (Stayed and Transitioned) and emitted ones are routed; refused ones not.
  CHECK(f.routed ==
        std::vector<std::string>{"audit:approved*:L1", "audit:submit:L1", "audit:submit:L1", "hr:approved*:L1"});
  CHECK(f.engine->routeCounters("audit").delivered == 3);
  CHECK(f.engine->routeCounters("hr").delivered == 1);

  // The history has every fire with its answer, including refused ones.
  const auto history = f.engine->history("L1").value();
  REQUIRE(history.size() == 11);
  CHECK(history[0].answer == "Rejected");
  CHECK(history[4].answer == "Stayed");
  CHECK(history[5].answer == "Transitioned");
  CHECK(history[5].detail == "DRAFT → REVIEW");
  CHECK(history[6].answer == "Duplicate");
  CHECK(history[7].votes == 1);
  CHECK(history[8].votes == 1);   // rita again: still one distinct voter
  CHECK(history[9].votes == 2);   // rita, mallory
  CHECK(history[9].guards.front() == "transition 2 → APPROVED: false");  // mallory is no reviewer
  CHECK(history[10].votes == 3);  // rita, mallory, ravi
  CHECK(history[10].guards.front() == "transition 2 → APPROVED: true");

  // One page of it, entries kept in place and whole alike; nothing past its end.
  const auto page = f.engine->history("L1", 5, 3).value();
  REQUIRE(page.size() == 3);
  CHECK(page[0].detail == "DRAFT → REVIEW");
  CHECK(page[1].answer == "Duplicate");
  CHECK(page[2].eventId == "v1");
  CHECK(page[2].votes == 1);
  CHECK(f.engine->history("L1", 9, 100).value().size() == 2);
  CHECK(f.engine->history("L1", 11, 5).value().empty());
  CHECK(f.engine->history("nobody", 0, 5).error().message == "no instance `nobody`");
}

TEST_CASE("engine: a failing action compensates the transition's completed actions and leaves the state") {
  Fixture f;
  REQUIRE(f.engine->start({"leave", "L1", "acme", "{}"}).ok());
  f.host.failing = {"notify"};
  const auto failed = f.engine->fire("L1", event("e1", "submit", "ann", {{"days", Value(std::int64_t{2})}}));
  REQUIRE(failed.kind == Kind::Failed);
  CHECK(failed.failedAction == "notify");
  CHECK(failed.reason == "boom");
  CHECK(failed.compensations == std::vector<std::string>{"compensation of release"});
  CHECK(f.host.calls == std::vector<std::string>{"reserve(2)", "notify(\"review\")", "undo release(2)"});
  CHECK(f.state("L1") == "DRAFT");
  CHECK(f.engine->instance("L1").value().contextJson.find("\"days\":1") != std::string::npos);  // set() undone
  // Not applied: the same event id may be retried once the action works.
  f.host.failing.clear();
  CHECK(f.engine->fire("L1", event("e1", "submit", "ann", {{"days", Value(std::int64_t{2})}})).kind == Kind::Transitioned);
  // compensate() runs the saga (the reserve's compensation) in reverse order.
  f.host.calls.clear();
  const auto cancelled = f.engine->fire("L1", event("e2", "cancel", "ann"));
  REQUIRE(cancelled.kind == Kind::Transitioned);
  CHECK(cancelled.compensations == std::vector<std::string>{"release"});
  CHECK(f.host.calls == std::vector<std::string>{"undo release(2)"});
}

TEST_CASE("engine: an action whose compensation cannot be computed is not called, and the saga stays whole") {
  // The compensation's arguments were evaluated after the host action ran: `charge` ran, its
  // refund failed to compute, nothing undid the charge, and each retry charged again.
  for (bool jit : {true, false}) {
    CAPTURE(jit);
    const auto owned = engineWith(jit);
    Engine& engine = *owned;
    std::vector<std::string> calls;
    const auto record = [&](const char* name) {
      engine.bindAction(name, [&calls, name](const ActionCall& call) {
        calls.push_back(std::string(name) + "(" + toJsonText(call.arguments[0]) + ")");
        return ActionResult::ok();
      });
    };
    for (const char* name : {"reserve", "release", "charge", "refund"}) record(name);
    REQUIRE(engine.loadSource(R"(state machine "saga" {
  events { "pay" { parts: int } }
  initial: OPEN
  states: [OPEN, PAID]
  transitions {
    OPEN → PAID on "pay" → reserve("funds") compensate release("funds"),
                            charge("card") compensate refund(100 / event.parts)
  }
})", "saga.dsl").ok());
    REQUIRE(engine.start({"saga", "S", "t", "{}"}).ok());
    for (int attempt = 0; attempt < 2; ++attempt) {  // a retry of the same id does the same
      calls.clear();
      const auto failed = engine.fire("S", event("p1", "pay", "ann", {{"parts", Value(std::int64_t{0})}}));
      REQUIRE(failed.kind == Kind::Failed);
      CHECK(failed.failedAction == "charge");
      CHECK(failed.reason ==
            "not called, because its compensation cannot be computed: argument 1 of `refund`: division by zero");
      CHECK(failed.compensations == std::vector<std::string>{"compensation of release"});
      CHECK(calls == std::vector<std::string>{R"(reserve("funds"))", R"(release("funds"))"});
      CHECK(engine.instance("S").value().state == "OPEN");
    }
    calls.clear();
    CHECK(engine.fire("S", event("p1", "pay", "ann", {{"parts", Value(std::int64_t{4})}})).kind == Kind::Transitioned);
    CHECK(calls == std::vector<std::string>{R"(reserve("funds"))", R"(charge("card"))"});
  }
}

TEST_CASE("engine: timers arm on entry, cancel on exit, and fire once however overdue") {
  Fixture f;
  REQUIRE(f.engine->start({"leave", "L1", "acme", "{}"}).ok());
  REQUIRE(f.engine->start({"leave", "L2", "acme", "{}"}).ok());
  for (const char* id : {"L1", "L2"}) {
    REQUIRE(f.engine->fire(id, event("s", "submit", "ann", {{"days", Value(std::int64_t{1})}})).kind ==
            Kind::Transitioned);
  }
  // L2 leaves REVIEW before its timer: the timer is cancelled.
  REQUIRE(f.engine->fire("L2", event("c", "cancel", "ann")).kind == Kind::Transitioned);
  f.clock->advance({47 * kHour});
  CHECK(f.engine->runDueTimers().empty());
  f.clock->advance({500 * kHour});  // long overdue: fires once
  const auto fired = f.engine->runDueTimers();
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].first == "L1");
  CHECK(fired[0].second.kind == Kind::Transitioned);
  CHECK(fired[0].second.to == "ESCALATED");
  CHECK(f.engine->runDueTimers().empty());
  CHECK(f.state("L1") == "ESCALATED");
  CHECK(f.state("L2") == "CANCELLED");
  // Back in REVIEW: a new visit re-arms the timer from the time of entry.
  REQUIRE(f.engine->fire("L1", event("b", "approve", "boss")).kind == Kind::Transitioned);
  f.clock->advance({48 * kHour});
  CHECK(f.engine->runDueTimers().size() == 1);
}

TEST_CASE("engine: loading lists every unbound host action and route target") {
  Engine engine;
  engine.bindAction("notify", [](const ActionCall&) { return ActionResult::ok(); });
  auto loaded = engine.loadSource(kLeave, "leave.dsl");
  REQUIRE_FALSE(loaded.ok());
  const auto& message = loaded.error().message;
  CHECK(message.find("host action `reserve` (1 argument) of `leave`") != std::string::npos);
  CHECK(message.find("host action `release` (1 argument) of `leave`") != std::string::npos);
  CHECK(message.find("route target `audit` of `leave`") != std::string::npos);
  CHECK(message.find("route target `hr` of `leave`") != std::string::npos);
  CHECK(message.find("`notify`") == std::string::npos);
  // A source with errors gives its diagnostics.
  auto broken = engine.loadSource("state machine \"x\" { initial: A states: [B] }", "broken.dsl");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message.find("broken.dsl:1:") != std::string::npos);
}

TEST_CASE("engine: loading lists a route target named like a host action or a machine, each target once") {
  // Both targets were left out: the message already held `notify` (the host action) and
  // `audit` (the machine), and a target was listed only when its quoted name was not.
  Engine engine;
  auto loaded = engine.loadSource(R"(state machine "audit" {
  events { "go" "back" }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" → notify()
    B → A on "back"
  }
  routes { "go" → "notify, audit"  "back" → "audit" }
})", "audit.dsl");
  REQUIRE_FALSE(loaded.ok());
  const std::string& message = loaded.error().message;
  CHECK(message == "bind these before loading (Engine::bindAction / bindRoute):\n"
                   "  host action `notify` (0 arguments) of `audit`\n"
                   "  route target `notify` of `audit`\n"
                   "  route target `audit` of `audit`");
}

TEST_CASE("engine: contexts are checked against the declared fields") {
  Fixture f;
  CHECK(f.engine->start({"leave", "A", "t", R"({"days": 2})"}).ok());
  CHECK(f.engine->start({"leave", "A", "t", "{}"}).error().message == "instance `A` already exists");
  CHECK(f.engine->start({"leave", "B", "t", R"({"dayz": 2})"}).error().message ==
        "`leave` has no context field `dayz` (its fields: days, reviewers, approvedBy)");
  CHECK(f.engine->start({"leave", "C", "t", R"({"days": "2"})"}).error().message ==
        "context field `days`: expected int, got \"2\"");
  CHECK(f.engine->start({"nope", "D", "t", "{}"}).error().message ==
        "no loaded machine `nope` (give a name or a content hash)");
  CHECK(f.engine->fire("missing", event("e", "submit", "x")).reason == "no instance `missing`: start it first");
}

TEST_CASE("engine: a double that is infinite or NaN comes back from the view as start takes it") {
  // instance() shows them as "Infinity", "-Infinity" and "NaN" (JSON has no such numbers),
  // which start refused as "expected double".
  Engine engine;
  REQUIRE(engine.loadSource(R"(state machine "m" {
  context { up: double = 0.0  down: double = 0.0  odd: double = 0.0  plain: double = 0.0 }
  events { "go" }
  initial: A
  states: [A]
  transitions { A → A on "go" → set(up, 1.0 / 0.0), set(down, -1.0 / 0.0), set(odd, 0.0 / 0.0), set(plain, 2.5) }
})", "m.dsl").ok());
  REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
  REQUIRE(engine.fire("I", event("e", "go", "ann")).kind == Kind::Transitioned);
  const std::string shown = engine.instance("I").value().contextJson;
  CHECK(shown == R"({"up":"Infinity","down":"-Infinity","odd":"NaN","plain":2.5})");
  REQUIRE(engine.start({"m", "J", "t", shown}).ok());
  CHECK(engine.instance("J").value().contextJson == shown);
  CHECK(engine.start({"m", "K", "t", R"({"up": "inf"})"}).error().message == R"(context field `up`: expected double, got "inf")");
}

TEST_CASE("engine: a context, payload or IR nested a million levels deep is refused, not a stack overflow") {
  Fixture f;
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  const std::string tooDeep = "arrays and objects nest deeper than 256 levels";
  CHECK(f.engine->start({"leave", "A", "t", R"({"days": )" + deep + "}"}).error().message ==
        "the context is not valid JSON: " + tooDeep);
  REQUIRE(f.engine->start({"leave", "A", "t", "{}"}).ok());
  CHECK(f.engine->payloadFromJson("A", "submit", R"({"days": )" + deep + "}").error().message ==
        "the payload is not valid JSON: " + tooDeep);
  // IR nests as deep as the deepest expression the compiler accepts needs (docs/IR.md).
  CHECK(f.engine->loadIr(R"({"format": )" + deep + "}").error().message ==
        "IR is not valid JSON: arrays and objects nest deeper than 1042 levels");
  // Within the limit, the same calls read the value and check its type.
  CHECK(f.engine->payloadFromJson("A", "submit", R"({"days": [[1]]})").error().message ==
        "field `days`: expected int, got [[1]]");
}

TEST_CASE("engine: a context or payload of more than a million JSON values is refused before it is kept") {
  Fixture f;
  std::string huge = "[1";
  for (std::size_t i = 1; i < kMaxInstanceDataValues; ++i) huge += ",1";
  huge += "]";
  const std::string tooMany = "it holds more than 1000000 values";
  const auto context = f.engine->start({"leave", "A", "t", R"({"days": )" + huge + "}"});
  REQUIRE_FALSE(context.ok());
  CHECK(context.error().message.starts_with("the context is not valid JSON: " + tooMany));
  REQUIRE(f.engine->start({"leave", "A", "t", "{}"}).ok());
  const auto payload = f.engine->payloadFromJson("A", "submit", R"({"days": )" + huge + "}");
  REQUIRE_FALSE(payload.ok());
  CHECK(payload.error().message.starts_with("the payload is not valid JSON: " + tooMany));
}

TEST_CASE("engine: durations and timestamps in contexts and payloads are read as text, never evaluated") {
  const char* const kTimed = R"(
state machine "timed" {
  events { "snooze" { by: duration } }
  initial: A
  states: [A]
  context { grace: duration = 1h  since: timestamp = timestamp("2024-01-01T00:00:00Z") }
  transitions {
    A → A on "snooze" if event.by < grace
  }
}
)";
  Engine engine;
  REQUIRE(engine.loadSource(kTimed, "timed.dsl").ok());
  CHECK(engine.start({"timed", "A", "t", R"({"grace": "7d", "since": "2024-05-06T07:08:09Z"})"}).ok());
  CHECK(engine.start({"timed", "B", "t", R"({"grace": "1h + 2h"})"}).error().message ==
        "context field `grace`: expected duration, got \"1h + 2h\"");
  CHECK(engine.start({"timed", "C", "t", R"x({"since": "timestamp(\"2024-01-01T00:00:00Z\")"})x"}).error().message ==
        R"x(context field `since`: expected timestamp, got "timestamp(\"2024-01-01T00:00:00Z\")")x");
  auto payload = engine.payloadFromJson("A", "snooze", R"({"by": "1d12h"})");
  REQUIRE(payload.ok());
  CHECK(payload.value().at("by") == Value(DurationValue{36 * kHour}));
  CHECK_FALSE(engine.payloadFromJson("A", "snooze", R"({"by": ")" + approval::test::macroBomb(10) + R"("})").ok());
}

TEST_CASE("engine: IR whose default is not of its field's type is refused on load") {
  // The compiler converts nothing implicitly, so only edited IR can disagree; the JIT reads a
  // slot by its declared type and would take the int 7 for `true`.
  auto compilation = compile({InputFile{"flag.dsl", R"(
state machine "flag" {
  context { x: int = 7 }
  initial: A
  states: [A, B]
  transitions { A → B on "go" if x > 0 }
}
)"}});
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  nlohmann::json ir = toJson(compilation->program);
  for (const bool jit : {true, false}) {
    CAPTURE(jit);
    REQUIRE(engineWith(jit)->loadIr(ir.dump()).ok());
    nlohmann::json edited = ir;
    edited["machines"][0]["context"][0]["type"] = "bool";
    edited["machines"][0]["transitions"][0]["guard"]["operands"][0]["type"] = "bool";
    edited["machines"][0].erase("contentHash");  // with it, the edit is refused for that alone
    const auto refused = engineWith(jit)->loadIr(edited.dump());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "machine `flag`: its IR is not what the compiler makes of it: it does not compile: error[E0311]: `x` is "
          "`bool`, but this value is `int`; compile the machine again from its source");
  }
}

TEST_CASE("engine: IR whose default reads the context is refused on load, naming the field") {
  // The compiler refuses such a default (E0312), so only edited IR has one. The interpreter
  // alone would say "no context field #0 (context has 0)", an index the user never wrote.
  auto compilation = compile({InputFile{"two.dsl", R"(
state machine "two" {
  context { a: int = 1  b: int = 2 }
  initial: A
  states: [A, B]
  transitions { A → B on "go" if b > a }
}
)"}});
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  nlohmann::json ir = toJson(compilation->program);
  ir["machines"][0]["context"][1]["defaultValue"] = {{"kind", "contextField"}, {"ref", 0}, {"type", "int"}};
  ir["machines"][0].erase("contentHash");
  for (const bool jit : {true, false}) {
    CAPTURE(jit);
    const auto refused = engineWith(jit)->loadIr(ir.dump());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "machine `two`: its IR is not what the compiler makes of it: it does not compile: error[E0312]: a default "
          "cannot read the context field `a`; compile the machine again from its source");
  }
}

TEST_CASE("engine: IR is pinned by the hash of its content: a stale hash is refused, a missing one computed") {
  // Instances are pinned to a machine's content hash. The engine took the hash as written:
  // edited IR kept its old hash (so an instance could run either definition), and IR without
  // one loaded under "" (so two different machines shared it).
  auto compilation = compile({InputFile{"m.dsl", R"(
state machine "m" {
  initial: A
  states: [A, B, C]
  transitions { A → B on "go" }
}
)"}});
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  const nlohmann::json ir = toJson(compilation->program);
  const std::string hash = ir["machines"][0]["contentHash"];
  nlohmann::json edited = ir;
  edited["machines"][0]["transitions"][0]["target"] = 2;  // A → C
  const auto engine = engineWith(false);
  const auto stale = engine->loadIr(edited.dump());
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().message.find("machine `m`: its contentHash " + hash + " is not the hash of its content") == 0);
  CHECK(stale.error().message.find("compile it again, or remove contentHash") != std::string::npos);

  nlohmann::json unhashed = edited;
  unhashed["machines"][0].erase("contentHash");
  unhashed["machines"][0]["name"] = "other";
  nlohmann::json original = ir;
  original["machines"][0].erase("contentHash");
  const auto first = engine->loadIr(original.dump());
  const auto second = engine->loadIr(unhashed.dump());
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first.value()[0].contentHash == hash);  // computed: the same machine, the same hash
  CHECK(second.value()[0].contentHash.starts_with("sha256:"));
  CHECK(second.value()[0].contentHash != hash);
  REQUIRE(engine->start({"other", "i2", "t", "{}"}).ok());
  CHECK(engine->fire("i2", event("e1", "go", "ann")).to == "C");
  CHECK(engine->instance("i2").value().machine == "other");
}

TEST_CASE("engine: IR whose `in` claims a list that is not one is refused on load") {
  // `"a" in string(x)` with the call annotated list<string>: the JIT's membership scan took
  // the string for a list, threw through the compiled code, and terminated the process; a
  // number labelled a list was read as a pointer. A node's label must be what compiling its
  // operands gives.
  const std::string ir = R"({"format": "approval-ir", "version": 2, "machines": [{"name": "m", "version": 1,
    "context": [{"name": "x", "type": "int", "defaultValue": {"kind": "literal", "value": 1, "type": "int"}}],
    "events": [{"name": "go", "declared": true, "payload": []}],
    "states": [{"name": "A", "isFinal": false}, {"name": "B", "isFinal": true}], "initial": 0,
    "quorum": {"kind": "count", "value": 1, "isDefault": true},
    "transitions": [{"source": 0, "target": 1, "event": 0, "actions": [], "declaration": 0,
      "guard": {"kind": "binary", "binaryOp": "in", "type": "bool", "operands": [
        {"kind": "literal", "value": "a", "type": "string"},
        {"kind": "call", "name": "string", "type": "list<string>",
         "operands": [{"kind": "contextField", "name": "x", "ref": 0, "type": "int"}]}]}}],
    "table": [{"events": [{"event": 0, "transitions": [0]}], "timers": []}, {"events": [], "timers": []}],
    "routes": [], "hostActions": []}]})";
  for (const bool jit : {true, false}) {
    CAPTURE(jit);
    const auto refused = engineWith(jit)->loadIr(ir);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "machine `m`: its IR is not what the compiler makes of it: it does not compile: error[E0309]: `in` cannot "
          "take `string` and `string`; compile the machine again from its source");
  }
}

TEST_CASE("engine: two versions of a machine run side by side, each instance pinned to its hash") {
  Fixture f;
  std::string v2 = kLeave;
  v2.replace(v2.find("quorum: 2"), 9, "quorum: 1");
  v2.replace(v2.find("context {"), 9, "version: 2\n  context {");
  auto loaded = f.engine->loadSource(v2, "leave-v2.dsl");
  REQUIRE(loaded.ok());
  const std::string v2Hash = loaded.value()[0].contentHash;
  auto old = f.engine->start({"leave", "NEW", "t", "{}"});  // by name: the latest version
  REQUIRE(old.ok());
  CHECK(old.value().version == 2);
  auto v1 = f.engine->instance("NEW").value();
  CHECK(v1.contentHash == v2Hash);
  // Start one on version 1 by its hash, then drive both: quorum 2 vs 1.
  std::string v1Hash;
  {
    Engine probe;
    for (const char* name : {"reserve", "release", "notify"}) probe.bindAction(name, f.host.action());
    for (const char* target : {"audit", "hr"}) probe.bindRoute(target, [](const RoutedEvent&) {});
    v1Hash = probe.loadSource(kLeave, "leave.dsl").value()[0].contentHash;
  }
  REQUIRE(f.engine->start({v1Hash, "OLD", "t", "{}"}).ok());
  for (const char* id : {"OLD", "NEW"}) {
    REQUIRE(f.engine->fire(id, event("s", "submit", "ann", {{"days", Value(std::int64_t{1})}})).kind ==
            Kind::Transitioned);
  }
  CHECK(f.engine->fire("OLD", event("a", "approve", "rita")).kind == Kind::Stayed);
  CHECK(f.engine->fire("NEW", event("a", "approve", "rita")).kind == Kind::Transitioned);
}

TEST_CASE("engine: route queues drop, fail or block when full, and never lose counted events") {
  std::atomic<bool> release{false};
  for (QueuePolicy policy : {QueuePolicy::DropAndCount, QueuePolicy::Fail}) {
    release = false;
    Host host;
    Engine engine;
    for (const char* name : {"reserve", "release", "notify"}) engine.bindAction(name, host.action());
    engine.bindRoute("hr", [](const RoutedEvent&) {});
    // A slow target: the worker holds the first delivery until released.
    engine.bindRoute("audit", [&](const RoutedEvent&) {
      while (!release) std::this_thread::yield();
    }, RouteOptions{1, policy});
    REQUIRE(engine.loadSource(kLeave, "leave.dsl").ok());
    int refused = 0;
    for (int i = 0; i < 5; ++i) {
      const std::string id = "I" + std::to_string(i);
      REQUIRE(engine.start({"leave", id, "t", "{}"}).ok());
      const auto answer = engine.fire(id, event("s", "submit", "ann", {{"days", Value(std::int64_t{1})}}));
      CHECK(answer.kind == Kind::Transitioned);  // fire is never held up by the slow target
      refused += static_cast<int>(answer.routeFailures.size());
    }
    release = true;
    engine.drainRoutes();
    const auto counters = engine.routeCounters("audit");
    CHECK(counters.delivered + counters.dropped + counters.failed == 5);
    CHECK(counters.delivered >= 1);
    CHECK(counters.delivered <= 2);  // one in the worker's hands, one queued
    if (policy == QueuePolicy::Fail) {
      CHECK(counters.failed == static_cast<std::uint64_t>(refused));
      CHECK(counters.failed >= 3);
    } else {
      CHECK(counters.dropped >= 3);
      CHECK(refused == 0);
    }
  }
}

TEST_CASE("engine: the interpreter (jit = false) gives the same answers as the JIT") {
  std::vector<std::string> traces[2];
  for (int jit = 0; jit < 2; ++jit) {
    Fixture f(jit == 1);
    REQUIRE(f.engine->start({"leave", "L", "t", "{}"}).ok());
    const std::vector<Event> events = {
        event("1", "approve", "rita"),
        event("2", "submit", "ann", {{"days", Value(std::int64_t{0})}}),
        event("3", "submit", "ann", {{"days", Value(std::int64_t{4})}}),
        event("4", "approve", "mallory"),
        event("5", "approve", "rosa"),
        event("6", "approve", "rita"),
    };
    for (const auto& e : events) {
      const auto answer = f.engine->fire("L", e);
      traces[jit].push_back(std::string(kindName(answer.kind)) + " " + std::string(answer.from) + "→" + std::string(answer.to) + " " + answer.reason);
    }
  }
  CHECK(traces[0] == traces[1]);
  // Quorum counts distinct actors of the event: mallory and rosa make two.
  CHECK(traces[1][4] == "Transitioned REVIEW→APPROVED ");
}

TEST_CASE("engine: 8 threads firing at 10,000 instances end where a sequential replay ends") {
  // Each instance gets a seeded random script of events; threads take instances' events in
  // an interleaved order, so one instance's events are fired by several threads.
  constexpr int kInstances = 10'000;
  constexpr int kThreads = 8;
  const std::vector<std::string> reviewers = {"rita", "ravi", "rosa", "mallory"};
  auto script = [&](int instance) {
    std::mt19937 random(static_cast<unsigned>(instance));
    std::vector<Event> events;
    events.push_back(event("s", "submit", "ann", {{"days", Value(static_cast<std::int64_t>(random() % 3))}}));
    for (int i = 0; i < 4; ++i) events.push_back(event("a" + std::to_string(i), "approve", reviewers[random() % 4]));
    if (random() % 5 == 0) events.push_back(event("c", "cancel", "ann"));
    return events;
  };
  auto run = [&](Engine& engine, int threads) {
    for (int i = 0; i < kInstances; ++i) REQUIRE(engine.start({"leave", "I" + std::to_string(i), "t", "{}"}).ok());
    std::vector<std::vector<Event>> scripts;
    for (int i = 0; i < kInstances; ++i) scripts.push_back(script(i));
    // Step k of every instance before step k+1 of any: each step is spread over all threads.
    std::atomic<int> next{0};
    for (std::size_t step = 0; step < 6; ++step) {
      next = 0;
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
          for (int i = next++; i < kInstances; i = next++) {
            if (step < scripts[i].size()) (void)engine.fire("I" + std::to_string(i), scripts[i][step]);
          }
        });
      }
      for (auto& thread : pool) thread.join();
    }
    std::vector<std::string> finals;
    for (int i = 0; i < kInstances; ++i) {
      auto view = engine.instance("I" + std::to_string(i)).value();
      finals.push_back(view.state + view.contextJson);
    }
    return finals;
  };
  Fixture parallel;
  Fixture sequential;
  const auto concurrent = run(*parallel.engine, kThreads);
  const auto replay = run(*sequential.engine, 1);
  CHECK(concurrent == replay);
  std::map<std::string, int> states;
  for (const auto& final : replay) ++states[final.substr(0, final.find('{'))];
  CHECK(states.size() >= 3);  // the scripts reach several different end states
}

TEST_CASE("engine: concurrent events for one instance apply one at a time, none lost") {
  Fixture f;
  REQUIRE(f.engine->start({"leave", "L", "t", "{}"}).ok());
  REQUIRE(f.engine->fire("L", event("s", "submit", "ann", {{"days", Value(std::int64_t{1})}})).kind ==
          Kind::Transitioned);
  constexpr int kThreads = 8;
  constexpr int kEach = 250;
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string actor = "outsider-" + std::to_string(t) + "-" + std::to_string(i);  // never a reviewer
        (void)f.engine->fire("L", event("v" + std::to_string(t) + "-" + std::to_string(i), "approve", actor));
      }
    });
  }
  for (auto& thread : pool) thread.join();
  const auto history = f.engine->history("L").value();
  REQUIRE(history.size() == 1 + kThreads * kEach);
  // Every vote was counted exactly once, in the order the events were applied.
  for (std::size_t i = 1; i < history.size(); ++i) {
    CHECK(history[i].answer == "Stayed");
    CHECK(history[i].votes == static_cast<std::int64_t>(i));
  }
}

namespace {
const char* const kCommittee = R"(
state machine "committee" {
  context { reviewers: list<string> = ["ann", "bob", "cid", "dan", "eve"] }
  events { "approve"  "cancel"  "go" }
  quorum: 60% of reviewers
  initial: OPEN
  states: [OPEN, VOTING, APPROVED, CLOSED, TIMED_OUT]
  final: [APPROVED, CLOSED, TIMED_OUT]
  transitions {
    OPEN → VOTING on "go" → reserve(1) compensate release(1)
    VOTING → APPROVED on "approve" if hasQuorum()
    VOTING → CLOSED on "cancel" → compensate(), notify("closed")
    VOTING → TIMED_OUT after 24h → notify("timeout")
    VOTING → CLOSED after 25h → notify("closing")
  }
}
)";

struct CommitteeFixture {
  std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>();
  Host host;
  std::unique_ptr<Engine> engine;
  explicit CommitteeFixture(DurationValue timerRetry = DurationValue{kHour}) {
    EngineOptions options;
    options.clock = clock;
    options.timerRetry = timerRetry;
    engine = std::make_unique<Engine>(std::move(options));
    for (const char* name : {"reserve", "release", "notify"}) engine->bindAction(name, host.action());
    REQUIRE(engine->loadSource(kCommittee, "committee.dsl").ok());
    REQUIRE(engine->start({"committee", "C", "t", "{}"}).ok());
    REQUIRE(engine->fire("C", event("g", "go", "ann")).kind == Kind::Transitioned);
  }
};
}  // namespace

TEST_CASE("engine: a quorum over a voter list counts only the voters on it") {
  CommitteeFixture f;  // 60% of 5 reviewers: 3 of them
  for (const char* outsider : {"mallory", "trent", "oscar"}) {
    CHECK(f.engine->fire("C", event(std::string("o-") + outsider, "approve", outsider)).kind == Kind::Stayed);
  }
  CHECK(f.engine->fire("C", event("r1", "approve", "ann")).kind == Kind::Stayed);
  CHECK(f.engine->fire("C", event("r2", "approve", "bob")).kind == Kind::Stayed);
  CHECK(f.engine->fire("C", event("r3", "approve", "bob")).kind == Kind::Stayed);  // bob again: still two
  CHECK(f.engine->fire("C", event("r4", "approve", "cid")).kind == Kind::Transitioned);
}

TEST_CASE("engine: a name listed twice on the voter list is one voter") {
  // Votes count distinct actors, so a quorum that counted the list's length with its repeats
  // could never be reached: `all of` ["a", "a", "b"] would want three distinct voters.
  struct Policy {
    const char* quorum;  // the `quorum:` line; none: the default majority of `reviewers`
    const char* field;
    std::string voters;
    std::vector<const char*> deciding;  // the voters after whom the quorum holds
  };
  std::string longList = "[";  // past the lists compared pairwise: 100 names, 2 distinct
  for (int i = 0; i < 100; ++i) longList += std::string(i == 0 ? "" : ", ") + (i % 2 == 0 ? "\"a\"" : "\"b\"");
  longList += "]";
  const std::vector<Policy> policies = {
      {"quorum: all of voters", "voters", longList, {"a", "b"}},
      {"quorum: all of voters", "voters", R"(["a", "a", "b"])", {"a", "b"}},
      {"quorum: 100% of voters", "voters", R"(["a", "b", "a", "b", "b"])", {"a", "b"}},
      {"", "reviewers", R"(["a", "a", "a", "b", "c"])", {"a", "b"}},  // 3 distinct: 2 of them
  };
  for (const auto& policy : policies) {
    CAPTURE(policy.field);
    for (bool jit : {true, false}) {
      CAPTURE(jit);
      const auto owned = engineWith(jit);
      Engine& engine = *owned;
      const std::string source = std::string(R"(state machine "m" {
  context { )") + policy.field + R"(: list<string> = [] }
  events { "ok" }
  )" + policy.quorum + R"(
  initial: A
  states: [A, B]
  final: [B]
  transitions { A → B on "ok" if hasQuorum() }
})";
      REQUIRE(engine.loadSource(source, "m.dsl").ok());
      REQUIRE(engine.start({"m", "I", "t", "{\"" + std::string(policy.field) + "\": " + policy.voters + "}"}).ok());
      for (std::size_t i = 0; i < policy.deciding.size(); ++i) {
        const auto answer = engine.fire("I", event("v" + std::to_string(i), "ok", policy.deciding[i]));
        CHECK(answer.kind == (i + 1 == policy.deciding.size() ? Kind::Transitioned : Kind::Stayed));
      }
    }
  }
}

TEST_CASE("engine: compensations that ran are not run again when their transition fails later") {
  CommitteeFixture f;
  f.host.failing = {"notify"};
  f.host.calls.clear();
  const auto first = f.engine->fire("C", event("c1", "cancel", "ann"));
  REQUIRE(first.kind == Kind::Failed);
  CHECK(first.compensations == std::vector<std::string>{"release"});
  const auto again = f.engine->fire("C", event("c1", "cancel", "ann"));  // not applied: may be retried
  REQUIRE(again.kind == Kind::Failed);
  CHECK(again.compensations.empty());  // the saga was already compensated
  CHECK(std::count(f.host.calls.begin(), f.host.calls.end(), "undo release(1)") == 1);
}

TEST_CASE("engine: a failed timer transition is retried later; a timer of a left state is silent") {
  CommitteeFixture f;
  f.host.failing = {"notify"};
  f.clock->advance({25 * kHour});
  auto fired = f.engine->runDueTimers();
  // The first timer fails (and is re-armed an hour later); the second is still armed: it
  // fires too, and fails the same way.
  REQUIRE(fired.size() == 2);
  CHECK(fired[0].second.kind == Kind::Failed);
  CHECK(fired[1].second.kind == Kind::Failed);
  CHECK(f.engine->runDueTimers().empty());  // retries wait for their delay
  f.host.failing.clear();
  f.clock->advance({2 * kHour});
  fired = f.engine->runDueTimers();
  // The first retry transitions; the other timer belonged to the visit that just ended.
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].second.kind == Kind::Transitioned);
  CHECK(fired[0].second.to == "TIMED_OUT");
  CHECK(f.engine->instance("C").value().state == "TIMED_OUT");
}

TEST_CASE("engine: a host event id of a timer's form is refused, so timers and host events never meet as Duplicates") {
  // A due timer fires as the event `timer/<visit>/<transition>`. A host event that took that id
  // first made the timer a Duplicate that was never consumed: 65,536 Duplicate entries per
  // runDueTimers call, and the instance stuck in A.
  auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  EngineOptions options;
  options.clock = clock;
  Engine engine(std::move(options));
  REQUIRE(engine.loadSource(R"(state machine "m" {
  events { "ping" }
  initial: A
  states: [A, B]
  final: [B]
  transitions {
    A → B after 1h
    A → A on "ping" if false
  }
})", "m.dsl").ok());
  REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
  for (const char* id : {"timer/1/0", "timer/0/0", "timer/18446744073709551615/12"}) {
    CAPTURE(id);
    const auto refused = engine.fire("I", event(id, "ping", "u"));
    CHECK(refused.kind == Kind::Rejected);
    CHECK(refused.reason == "event id `" + std::string(id) +
                                "` has the form timer/<visit>/<transition>, which is kept for the events of timers; "
                                "give the event another id");
  }
  // A long one is quoted by its start, as other long ids are.
  const std::string longId = "timer/1/" + std::string(5'000, '7');
  const auto longRefused = engine.fire("I", event(longId, "ping", "u"));
  CHECK(longRefused.kind == Kind::Rejected);
  CHECK(longRefused.reason.size() < 400);
  CHECK(longRefused.reason.find("… (5008 bytes)") != std::string::npos);
  // Other ids that begin with timer/ are the host's, on either path.
  for (const char* id : {"timer/", "timer/1", "timer/1/", "timer/1/0/emit/1", "timer/a/0", "timer/1/0 ", "Timer/1/0"}) {
    CAPTURE(id);
    CHECK(engine.fire("I", event(id, "ping", "u")).kind == Kind::Stayed);
  }
  CHECK(isTimerEventId("timer/1/0"));
  CHECK_FALSE(isTimerEventId("timer//0"));
  clock->advance({kHour});
  const auto fired = engine.runDueTimers();
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].second.kind == Kind::Transitioned);
  CHECK(engine.instance("I").value().state == "B");
  CHECK(engine.history("I").value().size() == 7 + 1);  // the seven Stayed, the timer
}

TEST_CASE("engine: an event refused whatever its instance does not fire the instance's overdue timers") {
  // `fire` caught up the instance's overdue timers before it refused an event without an id
  // (or with a timer's id, or an actor that is not UTF-8): a malformed event moved the
  // instance on, and the timer's answer and history entry came of an event never applied.
  for (const bool jit : {true, false}) {  // the interpreter takes the general path only
    CAPTURE(jit);
    auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
    int timerAnswers = 0;
    EngineOptions options;
    options.clock = clock;
    options.jit = jit;
    options.onTimerAnswer = [&](const std::string&, const FireAnswer&) { ++timerAnswers; };
    Engine engine(std::move(options));
    REQUIRE(engine.loadSource(R"(state machine "m" {
  events { "ping" }
  initial: A
  states: [A, B]
  transitions {
    A → B after 1h
    A → A on "ping"
    B → B on "ping"
  }
})", "m.dsl").ok());
    REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
    clock->advance({2 * kHour});
    for (const auto& [id, actor] : std::vector<std::pair<std::string, std::string>>{
             {"", "u"}, {"timer/1/0", "u"}, {"p", "\xff"}, {"\xff", "u"}}) {
      CAPTURE(id);
      const FireAnswer refused = engine.fire("I", event(id, "ping", actor));
      CHECK(refused.kind == Kind::Rejected);
      CHECK(refused.from.empty());
    }
    CHECK(timerAnswers == 0);
    CHECK(engine.instance("I").value().state == "A");
    CHECK(engine.history("I").value().empty());
    // The timer is still due: the next event that reaches the instance fires it first.
    CHECK(engine.fire("I", event("p", "ping", "u")).from == "B");
    CHECK(timerAnswers == 1);
  }
}

TEST_CASE("engine: an actor or payload text that is not UTF-8 is refused, so the context stays showable") {
  // `set(who, event.actor)` took "\xff" into the context, and instance() then threw from its
  // JSON rendering instead of answering.
  for (bool jit : {true, false}) {
    CAPTURE(jit);
    const auto owned = engineWith(jit);
    Engine& engine = *owned;
    REQUIRE(engine.loadSource(R"(state machine "m" {
  context { who: string = ""  note: string = "" }
  events { "claim" { note: string }  "tag" { tags: list<string> } }
  initial: A
  states: [A]
  transitions {
    A → A on "claim" → set(who, event.actor), set(note, event.note)
    A → A on "tag"
  }
})", "m.dsl").ok());
    REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
    const auto handle = engine.handle("I").value();
    const std::string broken = "ab\xff";
    auto fireBoth = [&](const std::string& id, const Event& sent) {  // by id, then through the handle
      Event copy = sent;
      copy.id = id + "-handle";
      return std::pair{engine.fire("I", sent), engine.fire(handle, copy)};
    };
    const auto badId = fireBoth(broken, event(broken, "claim", "ann", {{"note", Value("n")}}));
    for (const auto& one : {badId.first, badId.second}) {
      CHECK(one.kind == Kind::Rejected);
      CHECK(one.reason == "the event's id is not valid UTF-8: send ids as UTF-8 text");
    }
    CHECK(engine.start({"m", broken, "t", "{}"}).error().message ==
          "the instance id is not valid UTF-8: give ids as UTF-8 text");
    CHECK(engine.start({"m", "J", broken, "{}"}).error().message ==
          "the tenant id is not valid UTF-8: give ids as UTF-8 text");
    const auto badActor = fireBoth("a", event("a", "claim", broken, {{"note", Value("n")}}));
    for (const auto& one : {badActor.first, badActor.second}) {
      CHECK(one.kind == Kind::Rejected);
      CHECK(one.reason == "the event's actor is not valid UTF-8: send actors as UTF-8 text");
    }
    const auto badNote = fireBoth("b", event("b", "claim", "ann", {{"note", Value("\xc3")}}));
    for (const auto& one : {badNote.first, badNote.second}) {
      CHECK(one.kind == Kind::Rejected);
      CHECK(one.reason ==
            "field `note` of `claim`: its text is not valid UTF-8 (strings are Unicode text; send bytes as a list of ints)");
    }
    const auto badTag = fireBoth("c", event("c", "tag", "ann", {{"tags", Value(ValueList{Value("ok"), Value("\xe2\x82")})}}));
    CHECK(badTag.first.kind == Kind::Rejected);
    CHECK(badTag.second.kind == Kind::Rejected);
    // Text that is UTF-8, any script, goes in and comes back out.
    CHECK(engine.fire("I", event("d", "claim", "José", {{"note", Value("审批 ✓")}})).kind == Kind::Transitioned);
    const auto view = engine.instance("I");
    REQUIRE(view.ok());
    CHECK(view.value().contextJson == R"({"who":"José","note":"审批 ✓"})");
  }
}

TEST_CASE("engine: a payload of Values converts nothing, and a map's keys are checked too") {
  // JSON numbers have no int or double kind, so JSON integers fill double fields; a Value is
  // typed, and CEL converts no numbers implicitly. A map<string, int> with an int key passed
  // the check before and reached the guards.
  Engine engine;
  REQUIRE(engine.loadSource(R"(state machine "m" {
  events { "rate" { score: double }  "tally" { counts: map<string, int> } }
  initial: A
  states: [A]
  transitions {
    A → A on "rate" if event.score > 0.5
    A → A on "tally" if "x" in event.counts
  }
})", "m.dsl").ok());
  REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
  const auto intForDouble = engine.fire("I", event("a", "rate", "ann", {{"score", Value(std::int64_t{1})}}));
  CHECK(intForDouble.kind == Kind::Rejected);
  CHECK(intForDouble.reason == "field `score` of `rate`: expected double, got int");
  CHECK(engine.fire("I", event("b", "rate", "ann", {{"score", Value(1.0)}})).kind == Kind::Transitioned);
  const auto fromJson = engine.payloadFromJson("I", "rate", R"({"score": 1})");
  REQUIRE(fromJson.ok());
  CHECK(engine.fire("I", event("c", "rate", "ann", fromJson.value())).kind == Kind::Transitioned);

  const auto intKey =
      engine.fire("I", event("d", "tally", "ann", {{"counts", Value(ValueMap{{Value(std::int64_t{7}), Value(std::int64_t{1})}})}}));
  CHECK(intKey.kind == Kind::Rejected);
  CHECK(intKey.reason == "field `counts` of `tally`: in a map key: expected string, got int");
  const auto stringKey =
      engine.fire("I", event("e", "tally", "ann", {{"counts", Value(ValueMap{{Value("x"), Value(std::int64_t{1})}})}}));
  CHECK(stringKey.kind == Kind::Transitioned);
}

TEST_CASE("engine: a failing timer is tried once per event, however far ahead of the clock the event is dated") {
  // Its retry is due timerRetry after the clock's now; an event dated past that fired the
  // timer, its retry, the retry's retry... 65,536 times in one call.
  auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  EngineOptions options;
  options.clock = clock;  // the default timerRetry: a minute
  Engine engine(std::move(options));
  int calls = 0;
  engine.bindAction("act", [&](const ActionCall&) {
    ++calls;
    return ActionResult::failure("service down");
  });
  REQUIRE(engine.loadSource(R"(state machine "m" {
  events { "s" }
  initial: A
  states: [A, B]
  final: [B]
  transitions {
    A → B after 1h → act()
    A → A on "s" if false
  }
})", "m.dsl").ok());
  REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
  clock->advance({kHour});
  const std::int64_t minute = 60LL * 1'000'000'000LL;
  auto ahead = event("x", "s", "u");
  ahead.time = TimestampValue{clock->now().nanoseconds + 2 * minute};
  CHECK(engine.fire("I", ahead).kind == Kind::Stayed);
  CHECK(calls == 1);
  auto later = event("y", "s", "u");
  later.time = TimestampValue{clock->now().nanoseconds + 10 * minute};
  CHECK(engine.fire("I", later).kind == Kind::Stayed);
  CHECK(calls == 2);  // the retry, once
  const auto history = engine.history("I").value();
  CHECK(std::count_if(history.begin(), history.end(), [](const JournalEntry& e) { return e.answer == "Failed"; }) == 2);
  CHECK(engine.instance("I").value().state == "A");
}

TEST_CASE("engine: a timer cycle two days overdue catches up 65,536 rounds per runDueTimers call") {
  // A tick every millisecond, the clock two days on: 172,800,000 periods were missed. One
  // call fires at most 65,536 rounds (here one tick each) and returns; the rest stay due.
  const char* const kTicking = R"(
state machine "ticking" {
  context { ticks: int = 0 }
  events { "go" }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go"
    B → B after 1ms → set(ticks, ticks + 1)
  }
}
)";
  auto clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});
  EngineOptions options;
  options.clock = clock;
  Engine engine(std::move(options));
  REQUIRE(engine.loadSource(kTicking, "ticking.dsl").ok());
  REQUIRE(engine.start({"ticking", "T", "t", "{}"}).ok());
  CHECK(engine.nextTimerDue().value() == std::nullopt);
  REQUIRE(engine.fire("T", event("g", "go", "ann")).kind == Kind::Transitioned);
  CHECK(engine.nextTimerDue().value()->nanoseconds == clock->now().nanoseconds + kMillisecond);
  clock->advance({48 * kHour});
  const auto first = engine.runDueTimers();
  REQUIRE(first.size() == 65536);
  CHECK(first.back().second.kind == Kind::Transitioned);
  CHECK(engine.instance("T").value().contextJson == R"({"ticks":65536})");
  // The next tick, due 65,537 ms after entering B, is still overdue.
  CHECK(engine.nextTimerDue().value()->nanoseconds ==
        clock->now().nanoseconds - 48 * kHour + 65537 * kMillisecond);
  CHECK(engine.runDueTimers().size() == 65536);
  CHECK(engine.instance("T").value().contextJson == R"({"ticks":131072})");
}

TEST_CASE("engine: a timer retry is at least a millisecond later, so one call fires a failing timer once") {
  CommitteeFixture f(DurationValue{0});
  f.host.failing = {"notify"};
  f.clock->advance({25 * kHour});
  // Both timers fail and are re-armed 1 ms on, not at once (which this call would fire again).
  REQUIRE(f.engine->runDueTimers().size() == 2);
  CHECK(f.engine->runDueTimers().empty());
  f.clock->advance({kMillisecond});
  CHECK(f.engine->runDueTimers().size() == 2);
}

TEST_CASE("engine: with a timer thread, due timers fire without runDueTimers") {
  auto clock = std::make_shared<VirtualClock>();
  Host host;
  EngineOptions options;
  options.clock = clock;
  options.timerThread = true;
  Engine engine(std::move(options));
  for (const char* name : {"reserve", "release", "notify"}) engine.bindAction(name, host.action());
  for (const char* target : {"audit", "hr"}) engine.bindRoute(target, [](const RoutedEvent&) {});
  REQUIRE(engine.loadSource(kLeave, "leave.dsl").ok());
  REQUIRE(engine.start({"leave", "T", "t", "{}"}).ok());
  REQUIRE(engine.fire("T", event("s", "submit", "ann", {{"days", Value(std::int64_t{1})}})).kind == Kind::Transitioned);
  clock->advance({49 * kHour});
  // The thread wakes at least once a second; give it a generous while on a loaded machine.
  std::string state;
  for (int i = 0; i < 300 && state != "ESCALATED"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    state = engine.instance("T").value().state;
  }
  CHECK(state == "ESCALATED");
}

TEST_CASE("engine: timeInState() longer than the largest duration is a duration overflow, with either evaluator") {
  // Times span 1677 to 2262, durations only ±292 years: the span wrapped around, negative,
  // and was answered as 0.
  constexpr std::int64_t kFirst = std::numeric_limits<std::int64_t>::min();
  for (const bool jit : {true, false}) {
    CAPTURE(jit);
    EngineOptions options;
    options.clock = std::make_shared<VirtualClock>(TimestampValue{kFirst});
    options.jit = jit;
    Engine engine(std::move(options));
    REQUIRE(engine.loadSource(R"(state machine "m" {
  events { "go" }
  initial: A
  states: [A, B]
  transitions { A → B on "go" if timeInState() > duration("1h") }
})", "m.dsl").ok());
    for (const char* id : {"fits", "over", "early"}) REQUIRE(engine.start({"m", id, "t", "{}"}).ok());
    Event largest = event("g", "go", "ann");
    largest.time = TimestampValue{-1};  // the largest duration after the first instant
    CHECK(engine.fire("fits", largest).kind == Kind::Transitioned);
    Event past = event("g", "go", "ann");
    past.time = TimestampValue{std::numeric_limits<std::int64_t>::max()};
    const FireAnswer over = engine.fire("over", past);
    CHECK(over.kind == Kind::Stayed);
    REQUIRE(over.guardErrors.size() == 1);
    CHECK(over.guardErrors[0].find("duration overflow in `timeInState()`") != std::string::npos);
    Event zero = event("g", "go", "ann");
    zero.time = TimestampValue{kFirst};  // no time in the state yet
    const FireAnswer early = engine.fire("early", zero);
    CHECK(early.kind == Kind::Stayed);
    CHECK(early.guardErrors.empty());
  }
}

TEST_CASE("engine: an event applies after the instance's timers that were due before it") {
  Fixture f;
  for (const char* id : {"late", "early"}) {
    REQUIRE(f.engine->start({"leave", id, "acme", "{}"}).ok());
    REQUIRE(f.engine->fire(id, event(std::string("s-") + id, "submit", "ann", {{"days", Value(std::int64_t{1})}})).kind ==
            Kind::Transitioned);
  }
  // No runDueTimers: fire itself applies the 48h escalation due before a vote at 49h, so the
  // vote meets ESCALATED (where only the boss may approve) and is rejected by its guard.
  f.clock->advance({49 * kHour});
  const FireAnswer late = f.engine->fire("late", event("v1", "approve", "rita"));
  CHECK(late.kind == Kind::Stayed);
  CHECK(late.from == "ESCALATED");
  CHECK(f.state("late") == "ESCALATED");
  // The timer fired once, as itself, before the vote; it is not fired again.
  const auto history = f.engine->history("late");
  REQUIRE(history.ok());
  REQUIRE(history.value().size() == 3);  // submit, the timer, the vote
  CHECK(history.value()[1].actor == "timer");
  CHECK(history.value()[1].answer == "Transitioned");
  CHECK(history.value()[2].eventId == "v1");
  CHECK(f.engine->runDueTimers().size() == 1);  // only "early"'s timer was left
  CHECK(f.state("early") == "ESCALATED");
  // An event dated before the deadline leaves the timer armed: the vote counts in REVIEW.
  REQUIRE(f.engine->start({"leave", "inTime", "acme", "{}"}).ok());
  REQUIRE(f.engine->fire("inTime", event("s-inTime", "submit", "ann", {{"days", Value(std::int64_t{1})}})).kind ==
          Kind::Transitioned);
  Event vote = event("v2", "approve", "rita");
  vote.time = TimestampValue{f.clock->now().nanoseconds + 47 * kHour};
  const FireAnswer inTime = f.engine->fire("inTime", vote);
  CHECK(inTime.kind == Kind::Stayed);  // one vote of the two the quorum needs
  CHECK(inTime.from == "REVIEW");
  // A second vote dated past the deadline: the escalation comes first.
  Event second = event("v3", "approve", "ravi");
  second.time = TimestampValue{f.clock->now().nanoseconds + 49 * kHour};
  CHECK(f.engine->fire("inTime", second).from == "ESCALATED");
}

TEST_CASE("engine: a refusal quotes at most the start of a long name or id, in the answer and the history") {
  // A megabyte event name was quoted whole in the reason, and the history kept it twice.
  for (bool jit : {true, false}) {
    CAPTURE(jit);
    const auto owned = engineWith(jit);
    Engine& engine = *owned;
    REQUIRE(engine.loadSource(R"(state machine "m" {
  events { "go" { n: int = 0 } }
  initial: A
  states: [A, B]
  transitions { A → B on "go" }
})", "m.dsl").ok());
    REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
    const std::string huge(1'000'000, 'z');
    const std::string start(kMessageExcerptBytes, 'z');
    const auto unknown = engine.fire("I", event("u", huge, "ann"));
    CHECK(unknown.kind == Kind::Rejected);
    CHECK(unknown.reason == "`m` has no event `" + start + "… (1000000 bytes)`");
    const auto field = engine.fire("I", event("f", "go", "ann", {{huge, Value(std::int64_t{1})}}));
    CHECK(field.kind == Kind::Rejected);
    CHECK(field.reason == "event `go` has no field `" + start + "… (1000000 bytes)` (its fields: n)");
    CHECK(engine.fire("I", event(huge, "go", "ann")).kind == Kind::Transitioned);
    const auto again = engine.fire("I", event(huge, "go", "ann"));
    CHECK(again.kind == Kind::Duplicate);
    CHECK(again.reason == "event `" + start + "… (1000000 bytes)` was already applied");
    const auto history = engine.history("I");
    REQUIRE(history.ok());
    REQUIRE(history.value().size() == 4);
    CHECK(history.value()[0].detail == unknown.reason);
    CHECK(history.value()[0].event == huge);  // the event itself is kept whole
    CHECK(history.value()[1].detail == field.reason);
    CHECK(history.value()[3].detail == again.reason);
    CHECK(engine.fire(huge, event("n", "go", "ann")).reason == "no instance `" + start + "… (1000000 bytes)`: start it first");
  }
}

TEST_CASE("engine: start's errors quote at most the start of a long instance id or context key") {
  // A megabyte id started twice, or a megabyte key the context does not declare, came back
  // whole in the error, as fire's reasons did before they were cut short.
  Engine engine;
  REQUIRE(engine.loadSource(R"(state machine "m" {
  context { tags: map<string, int> = {} }
  events { "go" }
  initial: A
  states: [A, B]
  transitions { A → B on "go" }
})", "m.dsl").ok());
  const std::string huge(1'000'000, 'z');
  const std::string start(kMessageExcerptBytes, 'z');
  const std::string excerpt = start + "… (1000000 bytes)";
  REQUIRE(engine.start({"m", huge, "t", "{}"}).ok());
  CHECK(engine.start({"m", huge, "t", "{}"}).error().message == "instance `" + excerpt + "` already exists");
  CHECK(engine.start({"m", "K", "t", R"({")" + huge + R"(": 1})"}).error().message ==
        "`m` has no context field `" + excerpt + "` (its fields: tags)");
  CHECK(engine.start({"m", "L", "t", R"({"tags": {")" + huge + R"(": "one"}})"}).error().message ==
        "context field `tags`: in \"" + excerpt + "\": expected int, got \"one\"");
}

TEST_CASE("engine: fire at an instance of a machine this engine has not loaded quotes a long id by its start") {
  // Two engines on one store, only the first with the machine: the second's refusal quoted
  // the instance's megabyte id whole.
  const std::shared_ptr<Store> shared = makeMemoryStore();
  const auto engineOn = [&] {
    EngineOptions options;
    options.store = std::make_unique<approval::test::ForwardingStore>(shared);
    return std::make_unique<Engine>(std::move(options));
  };
  const auto loading = engineOn();
  REQUIRE(loading->loadSource(R"(state machine "m" {
  initial: A
  states: [A, B]
  transitions { A → B on "go" }
})", "m.dsl").ok());
  const std::string huge(1'000'000, 'z');
  REQUIRE(loading->start({"m", huge, "t", "{}"}).ok());
  const FireAnswer answer = engineOn()->fire(huge, approval::test::event("e", "go", "ann"));
  CHECK(answer.kind == FireAnswer::Kind::Rejected);
  CHECK(answer.reason.starts_with("instance `" + std::string(kMessageExcerptBytes, 'z') + "… (1000000 bytes)` runs "));
  CHECK(answer.reason.ends_with(", which is not loaded"));
  CHECK(answer.reason.size() < 400);
}

TEST_CASE("engine: a `dyn` value is checked against its field's type when it is set") {
  // `set(n, dyn(event.v))` stored a string in an int field: the JIT then read it as 0 and fired
  // `if n == 0`, where the interpreter reported a guard error.
  for (bool jit : {true, false}) {
    CAPTURE(jit);
    const auto owned = engineWith(jit);
    Engine& engine = *owned;
    REQUIRE(engine.loadSource(R"(state machine "m" {
  context { n: int = 7  l: list<int> = []  m: map<string, int> = {} }
  events { "go" { v: string }  "list" { x: double }  "map" { x: double }  "fine" { k: int } }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" → set(n, dyn(event.v))
    A → B on "list" → set(l, [dyn(event.x)])
    A → B on "map" → set(m, {"k": dyn(event.x)})
    A → B on "fine" → set(n, dyn(event.k)), set(l, [dyn(event.k)])
  }
})", "m.dsl").ok());
    REQUIRE(engine.start({"m", "I", "t", "{}"}).ok());
    const auto go = engine.fire("I", event("g", "go", "ann", {{"v", Value("x")}}));
    CHECK(go.kind == Kind::Failed);
    CHECK(go.failedAction == "set(n)");
    CHECK(go.reason == "the value does not have the type of `n`: expected int, got string (a `dyn` value is checked when it is set)");
    const auto list = engine.fire("I", event("l", "list", "ann", {{"x", Value(2.5)}}));
    CHECK(list.kind == Kind::Failed);
    CHECK(list.reason == "the value does not have the type of `l`: in a list element: expected int, got double (a `dyn` value is checked when it is set)");
    const auto map = engine.fire("I", event("m", "map", "ann", {{"x", Value(2.5)}}));
    CHECK(map.kind == Kind::Failed);
    CHECK(map.reason.find("in a map value: expected int, got double") != std::string::npos);
    CHECK(engine.instance("I").value().state == "A");
    CHECK(engine.instance("I").value().contextJson == R"({"n":7,"l":[],"m":{}})");
    // A `dyn` value of the right type is stored.
    CHECK(engine.fire("I", event("f", "fine", "ann", {{"k", Value(std::int64_t{3})}})).kind == Kind::Transitioned);
    CHECK(engine.instance("I").value().contextJson == R"({"n":3,"l":[3],"m":{}})");
  }
}

TEST_CASE("engine: votes(event, list) counts only the voters the list names, the event's own included") {
  // A committee's blocking minority: declines from outside the committee are recorded but
  // must not count (the loan example declined on one member's vote after two outsiders').
  for (const std::size_t committee : {std::size_t{5}, std::size_t{3000}}) {  // pairwise, then sorted
    for (bool jit : {true, false}) {
      CAPTURE(committee);
      CAPTURE(jit);
      const auto owned = engineWith(jit);
      Engine& engine = *owned;
      REQUIRE(engine.loadSource(R"(state machine "m" {
  context { reviewers: list<string> }
  initial: A
  states: [A, DECLINED]
  transitions { A → DECLINED on "decline" if votes("decline", reviewers) >= 3 }
})", "m.dsl").ok());
      nlohmann::json reviewers = nlohmann::json::array();
      for (std::size_t i = 0; i < committee; ++i) reviewers.push_back("r" + std::to_string(i));
      reviewers.push_back("r1");  // listed twice: one voter
      REQUIRE(engine.start({"m", "I", "t", nlohmann::json{{"reviewers", reviewers}}.dump()}).ok());
      int id = 0;
      auto decline = [&](const std::string& actor) { return engine.fire("I", event(std::to_string(++id), "decline", actor)).kind; };
      CHECK(decline("outsider-1") == Kind::Stayed);
      CHECK(decline("outsider-2") == Kind::Stayed);
      CHECK(decline("r1") == Kind::Stayed);
      CHECK(decline("r1") == Kind::Stayed);  // the same member again: still one vote
      CHECK(decline("r3") == Kind::Stayed);
      CHECK(decline("r4") == Kind::Transitioned);  // the third member: its own vote counts
    }
  }
}
