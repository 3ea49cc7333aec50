// Host actions that fire at each other's instances from different threads (docs/RUNTIME.md,
// "Instances and events"): X's action waits for Y while Y's waits for X. The thread that would
// close such a cycle is answered Rejected instead of waiting, so both actions finish. Each
// scenario runs under a watchdog, so a deadlock fails the program instead of hanging it.
#include <doctest/doctest.h>

#include <barrier>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "approval/engine.h"
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
          CHECK(answer.reason.find("is held by a host action that waits, through other host actions, for an instance "
                                   "this one holds") != std::string::npos);
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
    // X's action fires at Y while Y's action runs and returns: X waits, then applies.
    Engine engine(EngineOptions{});
    std::barrier meet(2);
    FireAnswer fromX;
    engine.bindAction("hop", [&](const ActionCall& call) {
      meet.arrive_and_wait();
      if (call.instanceId == "X") {
        fromX = engine.fire("Y", event("p", "poke"));
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      return ActionResult::ok();
    });
    REQUIRE(engine.loadSource(kHop, "hop.dsl").ok());
    REQUIRE(engine.start({"hop", "X", "t", R"({"next": "Y"})"}).ok());
    REQUIRE(engine.start({"hop", "Y", "t", R"({"next": "Z"})"}).ok());
    std::thread first([&] { (void)engine.fire("X", event("g", "go")); });
    std::thread second([&] { (void)engine.fire("Y", event("g", "go")); });
    first.join();
    second.join();
    CHECK(fromX.kind == FireAnswer::Kind::Transitioned);
  });
}
