// Route delivery in batches (RouteOptions::linger, docs/RUNTIME.md "Routes"): a woken
// worker waits for more events before delivering, but never past the moment something needs
// the events: half the capacity gathered, drainRoutes(), or the engine shutting down. The
// linger here is an hour, so each of those is what ends it (a test that waited for the linger
// would not finish).
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "approval/engine.h"
#include "support/routed_machine.h"

using namespace approval;
using namespace approval::runtime;

namespace {

constexpr std::chrono::microseconds kHour = std::chrono::hours(1);

/// Collects deliveries; `waitFor(n)` returns once n have arrived (or after a minute, failing).
struct Sink {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::string> ids;

  RouteSink sink() {
    return [this](const RoutedEvent& event) {
      std::lock_guard lock(mutex);
      ids.push_back(event.eventId);
      arrived.notify_all();
    };
  }
  bool waitFor(std::size_t count) {
    std::unique_lock lock(mutex);
    return arrived.wait_for(lock, std::chrono::minutes(1), [&] { return ids.size() >= count; });
  }
  std::vector<std::string> delivered() {
    std::lock_guard lock(mutex);
    return ids;
  }
};

std::unique_ptr<Engine> routedEngine(Sink& sink, RouteOptions options) {
  auto engine = std::make_unique<Engine>();
  engine->bindRoute("sink", sink.sink(), options);
  REQUIRE(engine->loadSource(approval::test::kRoutedMachine, "routed.dsl").ok());
  REQUIRE(engine->start({"routed", "R", "t", "{}"}).ok());
  return engine;
}

void ping(Engine& engine, const std::string& id) {
  REQUIRE(engine.fire("R", Event{id, "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
}

}  // namespace

TEST_CASE("route linger: half the capacity gathered is delivered at once, in order") {
  Sink sink;
  auto engine = routedEngine(sink, RouteOptions{.capacity = 4, .linger = kHour});
  ping(*engine, "p1");
  ping(*engine, "p2");  // two of four: the batch goes
  REQUIRE(sink.waitFor(2));
  CHECK(sink.delivered() == std::vector<std::string>{"p1", "p2"});
  engine->drainRoutes();  // the counters are updated once the batch's delivery ends
  CHECK(engine->routeCounters("sink").delivered == 2);
}

TEST_CASE("route linger: a lingering event waits, counted as queued, until drainRoutes()") {
  Sink sink;
  auto engine = routedEngine(sink, RouteOptions{.capacity = 8, .linger = kHour});
  ping(*engine, "p1");
  const RouteCounters before = engine->routeCounters("sink");
  CHECK(before.queued == 1);
  CHECK(before.delivered == 0);
  engine->drainRoutes();
  CHECK(sink.delivered() == std::vector<std::string>{"p1"});
  const RouteCounters after = engine->routeCounters("sink");
  CHECK(after.queued == 0);
  CHECK(after.delivered == 1);
}

TEST_CASE("route linger: shutting the engine down delivers what lingers") {
  Sink sink;
  {
    auto engine = routedEngine(sink, RouteOptions{.capacity = 8, .linger = kHour});
    ping(*engine, "p1");
    ping(*engine, "p2");
  }
  CHECK(sink.delivered() == std::vector<std::string>{"p1", "p2"});
}

TEST_CASE("route linger: zero delivers every event on its own") {
  Sink sink;
  auto engine = routedEngine(sink, RouteOptions{.capacity = 8, .linger = std::chrono::microseconds(0)});
  ping(*engine, "p1");
  REQUIRE(sink.waitFor(1));  // one of eight queued: only a zero linger delivers it
  ping(*engine, "p2");
  REQUIRE(sink.waitFor(2));
  CHECK(sink.delivered() == std::vector<std::string>{"p1", "p2"});
}
