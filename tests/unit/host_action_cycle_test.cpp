// Host actions that fire at each other's instances from different threads (docs/RUNTIME.md,
// "Instances and events"): X's action waits for Y while Y's waits for X. The thread that would
// close such a cycle is answered Rejected instead of waiting, so both actions finish, whether
// the instances are of one engine or of several. Each scenario runs under a watchdog, so a
// deadlock fails the program instead of hanging it.
#include <doctest/doctest.h>

#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "approval/engine.h"
#include "engine/host_action_waits.h"
#include "support/engine_events.h"
#include "support/finishes_or_fails.h"

using namespace approval;
using namespace approval::runtime;
using test::finishesOrFails;

namespace {

const char* const kHop = R"(
state machine "hop" {
  context { next: string }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" → hop(next)
    B → B on "poke"
  }
}
)";

/// An event from ann.
Event event(std::string id, std::string name) { return test::event(std::move(id), std::move(name), "ann"); }

/// How the refusal of a fire that would close a cycle goes on after the instance's id: it
/// names the instance's machine (engines have no names of their own, and one id may live in
/// several of the engines a cycle passes through).
constexpr const char* kCycleRefusal =
    "` of machine `hop` is held by a host action that waits, through other host actions, for an instance this one "
    "holds";

/// One step of a ring of host actions: an instance of one of the engines. Its "go" runs a host
/// action that fires "poke" at the next step's instance (the last step's at the first's).
struct RingStep {
  std::size_t engine;
  std::string instanceId;
};

/// What the outer fires ("go") and the inner ones (each step's action firing at the next) got.
struct RingAnswers {
  std::vector<FireAnswer> outer;
  std::vector<FireAnswer> inner;
};

/// Starts the ring's instances in `engineCount` fresh engines and fires "go" at each of them
/// on a thread of its own. Every action first waits until all of them hold their instances, so
/// that the fires meet as a ring of waits.
RingAnswers runRing(std::size_t engineCount, const std::vector<RingStep>& ring) {
  std::vector<std::unique_ptr<Engine>> engines;
  for (std::size_t i = 0; i < engineCount; ++i) engines.push_back(std::make_unique<Engine>(EngineOptions{}));
  std::barrier meet(static_cast<std::ptrdiff_t>(ring.size()));
  RingAnswers answers{std::vector<FireAnswer>(ring.size()), std::vector<FireAnswer>(ring.size())};
  for (auto& engine : engines) {
    engine->bindAction("hop", [&](const ActionCall& call) {
      const std::size_t to = std::stoul(call.arguments[0].as<std::string>());  // the next step
      meet.arrive_and_wait();
      answers.inner[(to + ring.size() - 1) % ring.size()] =
          engines[ring[to].engine]->fire(ring[to].instanceId, event("p", "poke"));
      return ActionResult::ok();
    });
    REQUIRE(engine->loadSource(kHop, "hop.dsl").ok());
  }
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const std::string next = std::to_string((i + 1) % ring.size());
    REQUIRE(engines[ring[i].engine]->start({"hop", ring[i].instanceId, "t", R"({"next": ")" + next + R"("})"}).ok());
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    threads.emplace_back([&, i] { answers.outer[i] = engines[ring[i].engine]->fire(ring[i].instanceId, event("g", "go")); });
  }
  for (auto& thread : threads) thread.join();
  for (const RingStep& step : ring) CHECK(engines[step.engine]->instance(step.instanceId).value().state == "B");
  return answers;
}

/// X (of `xs`) fires at Y (of `ys`, the same engine or another) while Y's action runs, which
/// waits for nothing: a wait that closes no ring. Y's action returns once X's fire waits for Y;
/// what that fire got is answered.
FireAnswer chainOfTwo(Engine& xs, Engine& ys) {
  std::barrier meet(2);
  FireAnswer fromX;
  const auto hop = [&](const ActionCall& call) {
    meet.arrive_and_wait();  // both actions hold their instances now
    if (call.instanceId == "X") {
      fromX = ys.fire("Y", event("p", "poke"));
    } else {
      while (HostActionWaits::waitingNow() == 0) std::this_thread::yield();
    }
    return ActionResult::ok();
  };
  std::vector<Engine*> engines{&xs};
  if (&ys != &xs) engines.push_back(&ys);
  for (Engine* engine : engines) {
    engine->bindAction("hop", hop);
    REQUIRE(engine->loadSource(kHop, "hop.dsl").ok());
  }
  REQUIRE(xs.start({"hop", "X", "t", R"({"next": "Y"})"}).ok());
  REQUIRE(ys.start({"hop", "Y", "t", R"({"next": "none"})"}).ok());
  std::thread x([&] { (void)xs.fire("X", event("g", "go")); });
  std::thread y([&] { (void)ys.fire("Y", event("g", "go")); });
  x.join();
  y.join();
  CHECK(ys.instance("Y").value().state == "B");
  return fromX;
}

/// Every "go" applied; exactly one action's fire closed the ring and was refused, and each of
/// the others waited for the action it fired at to return, then applied.
void checkRingBrokenOnce(const RingAnswers& answers) {
  for (const auto& answer : answers.outer) CHECK(answer.kind == FireAnswer::Kind::Transitioned);
  int refused = 0;
  for (const auto& answer : answers.inner) {
    if (answer.kind == FireAnswer::Kind::Rejected) {
      ++refused;
      CHECK(answer.reason.find(kCycleRefusal) != std::string::npos);
    } else {
      CHECK(answer.kind == FireAnswer::Kind::Transitioned);
    }
  }
  CHECK(refused == 1);
  CHECK(HostActionWaits::waitingNow() == 0);  // no wait outlives its engine's call
}

}  // namespace

TEST_CASE("host actions on two threads firing at each other's instances: one is refused, neither waits forever") {
  finishesOrFails("two host actions firing at each other's instances", [] {
    for (int round = 0; round < 20; ++round) {
      Engine engine(EngineOptions{});
      std::barrier meet(2);
      std::vector<FireAnswer> inner(2);  // what each action's fire at the other instance got
      engine.bindAction("hop", [&](const ActionCall& call) {
        const std::string next = call.arguments[0].as<std::string>();
        meet.arrive_and_wait();  // both actions hold their instances now
        inner[call.instanceId == "X" ? 0 : 1] = engine.fire(next, event("p" + std::to_string(round), "poke"));
        return ActionResult::ok();
      });
      REQUIRE(engine.loadSource(kHop, "hop.dsl").ok());
      REQUIRE(engine.start({"hop", "X", "t", R"({"next": "Y"})"}).ok());
      REQUIRE(engine.start({"hop", "Y", "t", R"({"next": "X"})"}).ok());
      FireAnswer x;
      FireAnswer y;
      std::thread first([&] { x = engine.fire("X", event("g", "go")); });
      std::thread second([&] { y = engine.fire("Y", event("g", "go")); });
      first.join();
      second.join();
      CHECK(x.kind == FireAnswer::Kind::Transitioned);
      CHECK(y.kind == FireAnswer::Kind::Transitioned);
      // Exactly one inner fire closed the cycle and was refused; the other waited for the
      // refused action to return, then applied (B → B on "poke").
      const int refused = (inner[0].kind == FireAnswer::Kind::Rejected) + (inner[1].kind == FireAnswer::Kind::Rejected);
      CHECK(refused == 1);
      for (const auto& answer : inner) {
        if (answer.kind == FireAnswer::Kind::Rejected) {
          CHECK(answer.reason.find(kCycleRefusal) != std::string::npos);
        } else {
          CHECK(answer.kind == FireAnswer::Kind::Transitioned);
        }
      }
      CHECK(engine.instance("X").value().state == "B");
      CHECK(engine.instance("Y").value().state == "B");
    }
  });
}

TEST_CASE("a cycle of three host actions on three threads is broken too; a chain without a cycle waits") {
  finishesOrFails("three host actions in a cycle", [] {
    Engine engine(EngineOptions{});
    std::barrier meet(3);
    std::vector<FireAnswer> inner(3);
    engine.bindAction("hop", [&](const ActionCall& call) {
      const std::string next = call.arguments[0].as<std::string>();
      meet.arrive_and_wait();
      inner[static_cast<std::size_t>(call.instanceId[1] - '0')] = engine.fire(next, event("p", "poke"));
      return ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kHop, "hop.dsl").ok());
    for (int i = 0; i < 3; ++i) {
      const std::string next = "I" + std::to_string((i + 1) % 3);
      REQUIRE(engine.start({"hop", "I" + std::to_string(i), "t", R"({"next": ")" + next + R"("})"}).ok());
    }
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) threads.emplace_back([&, i] { (void)engine.fire("I" + std::to_string(i), event("g", "go")); });
    for (auto& thread : threads) thread.join();
    int refused = 0;
    for (const auto& answer : inner) refused += answer.kind == FireAnswer::Kind::Rejected;
    CHECK(refused == 1);
    for (int i = 0; i < 3; ++i) CHECK(engine.instance("I" + std::to_string(i)).value().state == "B");
  });
  finishesOrFails("a host action waiting for another that waits for nothing", [] {
    Engine engine(EngineOptions{});
    CHECK(chainOfTwo(engine, engine).kind == FireAnswer::Kind::Transitioned);
  });
}

// The engines of each round are destroyed at its end and the next round's may well be built at
// the same addresses: a wait left in the process-wide graph would point into a dead engine.
TEST_CASE("host actions of two engines firing at each other's instances: one is refused and neither waits forever") {
  finishesOrFails("two engines' host actions firing at each other's instances", [] {
    // The same instance id in both engines: a different instance each, so not "its own".
    for (int round = 0; round < 10; ++round) checkRingBrokenOnce(runRing(2, {{0, "X"}, {1, "X"}}));
  });
}

TEST_CASE("a ring of host actions through three engines is broken too") {
  finishesOrFails("three engines' host actions in a ring", [] {
    for (int round = 0; round < 10; ++round) checkRingBrokenOnce(runRing(3, {{0, "X"}, {1, "Y"}, {2, "Z"}}));
  });
}

TEST_CASE("a ring of host actions with steps within one engine and steps across engines is broken too") {
  finishesOrFails("a ring of host actions within and across engines", [] {
    // A's X fires at A's Y, which fires at B's Z, which fires at A's X: neither engine alone sees the ring.
    for (int round = 0; round < 10; ++round) checkRingBrokenOnce(runRing(2, {{0, "X"}, {0, "Y"}, {1, "Z"}}));
  });
}

TEST_CASE("a host action waiting for another engine's instance whose action waits for nothing waits and then applies") {
  finishesOrFails("a host action waiting for another engine's instance", [] {
    Engine first(EngineOptions{});
    Engine second(EngineOptions{});
    CHECK(chainOfTwo(first, second).kind == FireAnswer::Kind::Transitioned);
    CHECK(HostActionWaits::waitingNow() == 0);
  });
}
