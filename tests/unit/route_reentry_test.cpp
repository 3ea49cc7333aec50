// Sinks that call back into the engine (docs/RUNTIME.md, "Routes"). A `Block` queue whose
// sink is firing at the engine takes events past its capacity instead of making producers
// wait: the wait could be for that very sink, which is the only one that makes room. Each
// scenario runs under a watchdog, so a deadlock fails the program instead of hanging it.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "approval/engine.h"
#include "support/routed_machine.h"

using namespace approval;
using namespace approval::runtime;

namespace {

/// Runs `scenario` on a thread of its own. One still running after two minutes is stuck: the
/// program says so and ends, since its threads can never be joined.
void finishesOrFails(const char* what, const std::function<void()>& scenario) {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  std::thread runner([&] {
    scenario();
    done.set_value();
  });
  if (finished.wait_for(std::chrono::minutes(2)) != std::future_status::ready) {
    std::fprintf(stderr, "deadlock: %s did not finish\n", what);
    std::_Exit(1);
  }
  runner.join();
}

/// What the sink saw and what its own fires were answered, read once the scenario ended.
struct SinkLog {
  std::mutex mutex;
  std::vector<std::string> delivered;
  std::vector<FireAnswer> answers;  // of the sink's own fires

  void deliveredOne(const std::string& id) {
    std::lock_guard lock(mutex);
    delivered.push_back(id);
  }
  void answered(FireAnswer answer) {
    std::lock_guard lock(mutex);
    answers.push_back(std::move(answer));
  }
};

std::unique_ptr<Engine> routedEngine(RouteSink sink, RouteOptions options) {
  auto engine = std::make_unique<Engine>();
  engine->bindRoute("sink", std::move(sink), options);
  REQUIRE(engine->loadSource(approval::test::kRoutedMachine, "routed.dsl").ok());
  REQUIRE(engine->start({"routed", "R", "t", "{}"}).ok());
  return engine;
}

/// A sink that answers each of the first `fanningOut` deliveries by firing two more pings at
/// the instance, which route back to this sink.
RouteSink fanningSink(Engine*& engine, SinkLog& log, int fanningOut) {
  auto fannedOut = std::make_shared<int>(0);  // only the worker's thread touches it
  return [&engine, &log, fanningOut, fannedOut](const RoutedEvent& event) {
    log.deliveredOne(event.eventId);
    if (*fannedOut == fanningOut) return;
    ++*fannedOut;
    for (int i = 1; i <= 2; ++i) {
      log.answered(engine->fire("R", Event{event.eventId + "." + std::to_string(i), "ping", "sink"}));
    }
  };
}

}  // namespace

TEST_CASE("route reentry: a Block sink that fires through its own full queue does not wait for itself") {
  // Capacity 1: the sink's first ping fills the queue, its second would wait for room that
  // only this sink's worker, busy running the sink, can make.
  SinkLog log;
  Engine* engine = nullptr;
  auto owned = routedEngine(fanningSink(engine, log, 10),
                            RouteOptions{.capacity = 1, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  finishesOrFails("a sink firing through its own full Block queue", [&] {
    REQUIRE(engine->fire("R", Event{"p", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    // 1 + 2 x 10 pings; drainRoutes() cannot return early: each delivery it waits for queues
    // the next ones before it ends.
    engine->drainRoutes();
  });
  CHECK(log.delivered.size() == 21);
  CHECK(log.answers.size() == 20);
  for (const FireAnswer& answer : log.answers) {
    CHECK(answer.kind == FireAnswer::Kind::Transitioned);
    CHECK(answer.routeFailures.empty());
  }
  const RouteCounters counters = engine->routeCounters("sink");
  CHECK(counters.delivered == 21);
  CHECK(counters.dropped == 0);
  CHECK(counters.failed == 0);
  CHECK(counters.queued == 0);
  // Every ping the sink fired was delivered once.
  auto ids = log.delivered;
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK(std::count(ids.begin(), ids.end(), "p.1") == 1);
  CHECK(std::count(ids.begin(), ids.end(), "p.2") == 1);
}

TEST_CASE("route reentry: a producer waiting for room, holding its instance, lets the sink fire at it") {
  std::mutex mutex;
  std::condition_variable changed;
  bool sinkEntered = false;
  bool sinkMayGo = false;
  SinkLog log;
  Engine* engine = nullptr;
  RouteSink sink = [&](const RoutedEvent& event) {
    log.deliveredOne(event.eventId);
    if (event.eventId != "p1") return;
    {
      std::unique_lock lock(mutex);
      sinkEntered = true;
      changed.notify_all();
      changed.wait(lock, [&] { return sinkMayGo; });
    }
    // The instance is held by the producer of p3, which waits for room in this queue.
    log.answered(engine->fire("R", Event{"s1", "ping", "sink"}));
  };
  auto owned = routedEngine(sink, RouteOptions{.capacity = 1, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  finishesOrFails("a sink firing at an instance whose producer waits for room", [&] {
    REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return sinkEntered; });
    }
    // The worker is in the sink: p2 fills the queue, and p3's producer waits for room while
    // it holds the instance.
    REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    FireAnswer third;
    std::thread producer([&] { third = engine->fire("R", Event{"p3", "ping", "ann"}); });
    // Only orders the threads, so that the producer is waiting when the sink fires (the
    // case that used to deadlock); the checks below hold in either order.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    {
      std::lock_guard lock(mutex);
      sinkMayGo = true;
    }
    changed.notify_all();
    producer.join();
    CHECK(third.kind == FireAnswer::Kind::Transitioned);
    engine->drainRoutes();
  });
  REQUIRE(log.answers.size() == 1);
  CHECK(log.answers[0].kind == FireAnswer::Kind::Transitioned);
  CHECK(log.answers[0].routeFailures.empty());
  auto ids = log.delivered;
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{"p1", "p2", "p3", "s1"});
  const RouteCounters counters = engine->routeCounters("sink");
  CHECK(counters.delivered == 4);
  CHECK(counters.dropped == 0);
  auto history = engine->history("R");
  REQUIRE(history.ok());
  CHECK(history.value().size() == 4);
}

TEST_CASE("route reentry: drainRoutes() inside a sink returns instead of waiting for itself") {
  SinkLog log;
  Engine* engine = nullptr;
  std::atomic<int> drains{0};
  RouteSink sink = [&](const RoutedEvent& event) {
    engine->drainRoutes();  // this delivery is under way until the sink returns
    ++drains;
    log.deliveredOne(event.eventId);
  };
  auto owned = routedEngine(sink, RouteOptions{.capacity = 4, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  finishesOrFails("drainRoutes() inside a sink", [&] {
    REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    engine->drainRoutes();  // outside a sink it waits for both deliveries
  });
  CHECK(drains == 2);
  CHECK(log.delivered == std::vector<std::string>{"p1", "p2"});
  CHECK(engine->routeCounters("sink").delivered == 2);
}

TEST_CASE("route reentry: a sink firing through its own full queue still drops or fails by its policy") {
  for (const QueuePolicy policy : {QueuePolicy::DropAndCount, QueuePolicy::Fail}) {
    CAPTURE(static_cast<int>(policy));
    SinkLog log;
    Engine* engine = nullptr;
    auto owned = routedEngine(fanningSink(engine, log, 1), RouteOptions{.capacity = 1, .policy = policy, .linger = {}});
    engine = owned.get();
    finishesOrFails("a sink firing through its own full queue", [&] {
      REQUIRE(engine->fire("R", Event{"p", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
      engine->drainRoutes();
    });
    // p.1 fills the queue while the worker runs the sink; p.2 finds it full.
    REQUIRE(log.answers.size() == 2);
    CHECK(log.answers[0].kind == FireAnswer::Kind::Transitioned);
    CHECK(log.answers[0].routeFailures.empty());
    CHECK(log.answers[1].kind == FireAnswer::Kind::Transitioned);
    const RouteCounters counters = engine->routeCounters("sink");
    CHECK(log.delivered == std::vector<std::string>{"p", "p.1"});
    CHECK(counters.delivered == 2);
    if (policy == QueuePolicy::DropAndCount) {
      CHECK(log.answers[1].routeFailures.empty());
      CHECK(counters.dropped == 1);
      CHECK(counters.failed == 0);
    } else {
      CHECK(log.answers[1].routeFailures == std::vector<std::string>{"sink: ping"});
      CHECK(counters.dropped == 0);
      CHECK(counters.failed == 1);
    }
  }
}
