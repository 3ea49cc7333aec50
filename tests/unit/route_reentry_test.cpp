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
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "approval/engine.h"
#include "engine/instance_stripes.h"
#include "support/finishes_or_fails.h"
#include "support/routed_machine.h"

using namespace approval;
using namespace approval::runtime;

namespace {

using test::finishesOrFails;

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
  std::size_t count() {
    std::lock_guard lock(mutex);
    return delivered.size();
  }
};

/// Holds a sink inside its delivery until the test opens it, so the test can set up what
/// happens meanwhile.
class Gate {
 public:
  /// In the sink: says it is in, then waits to be let through.
  void enterAndWait() {
    std::unique_lock lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void waitUntilEntered() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
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

/// Returns once `instanceId`'s history has `entries` entries. An event is applied before it
/// is routed, so a routed step in the history means its producer holds the instance's stripe
/// until its push is done.
void waitUntilHistoryHas(Engine& engine, const std::string& instanceId, std::size_t entries) {
  for (;;) {
    auto history = engine.history(instanceId);
    REQUIRE(history.ok());
    if (history.value().size() >= entries) return;
    std::this_thread::yield();
  }
}

/// An instance id other than `instanceId` that shares its stripe.
std::string idSharingStripeWith(const std::string& instanceId) {
  for (int k = 0;; ++k) {
    std::string candidate = "Z" + std::to_string(k);
    if (candidate != instanceId &&
        InstanceStripes::indexOf(candidate) == InstanceStripes::indexOf(instanceId)) {
      return candidate;
    }
  }
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
  Gate gate;
  SinkLog log;
  Engine* engine = nullptr;
  RouteSink sink = [&](const RoutedEvent& event) {
    log.deliveredOne(event.eventId);
    if (event.eventId != "p1") return;
    gate.enterAndWait();
    // The instance is held by the producer of p3, which waits for room in this queue.
    log.answered(engine->fire("R", Event{"s1", "ping", "sink"}));
  };
  auto owned = routedEngine(sink, RouteOptions{.capacity = 1, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  finishesOrFails("a sink firing at an instance whose producer waits for room", [&] {
    REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    gate.waitUntilEntered();
    // The worker is in the sink: p2 fills the queue, and p3's producer waits for room while
    // it holds the instance.
    REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    FireAnswer third;
    std::thread producer([&] { third = engine->fire("R", Event{"p3", "ping", "ann"}); });
    // Only orders the threads, so that the producer is waiting when the sink fires (the
    // case that used to deadlock); the checks below hold in either order.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    gate.open();
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

TEST_CASE("route reentry: rebinding a target delivers the old queue's events outside the engine's locks") {
  // The old sink asks the engine for its counters (a shared lock of the bindings) while the
  // rebinding stops its queue; it used to do that under the exclusive lock, and wait forever.
  SinkLog oldLog;
  SinkLog newLog;
  Engine* engine = nullptr;
  RouteSink oldSink = [&](const RoutedEvent& event) {
    (void)engine->routeCounters("sink");
    oldLog.deliveredOne(event.eventId);
  };
  auto owned = routedEngine(oldSink, RouteOptions{.capacity = 64, .policy = QueuePolicy::Block,
                                                  .linger = std::chrono::hours(1)});
  engine = owned.get();
  finishesOrFails("rebinding a target whose sink calls the engine", [&] {
    REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    // p1 and p2 linger in the old queue until it stops.
    engine->bindRoute("sink", [&](const RoutedEvent& event) { newLog.deliveredOne(event.eventId); },
                      RouteOptions{.linger = {}});
    REQUIRE(engine->fire("R", Event{"p3", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    engine->drainRoutes();
  });
  CHECK(oldLog.delivered == std::vector<std::string>{"p1", "p2"});
  CHECK(newLog.delivered == std::vector<std::string>{"p3"});
}

TEST_CASE("route reentry: a sink may rebind its own target while drainRoutes() waits for it") {
  Gate gate;
  SinkLog oldLog;
  SinkLog newLog;
  Engine* engine = nullptr;
  RouteSink oldSink = [&](const RoutedEvent& event) {
    oldLog.deliveredOne(event.eventId);
    gate.enterAndWait();
    // Its own queue cannot stop from its own worker: it stops with the engine. drainRoutes(),
    // waiting for this delivery, must not hold what bindRoute needs.
    engine->bindRoute("sink", [&](const RoutedEvent& next) { newLog.deliveredOne(next.eventId); },
                      RouteOptions{.linger = {}});
  };
  auto owned = routedEngine(oldSink, RouteOptions{.capacity = 8, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  finishesOrFails("a sink rebinding its own target while drainRoutes() waits", [&] {
    REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    gate.waitUntilEntered();
    std::thread drainer([&] { engine->drainRoutes(); });
    // Only orders the threads, so that drainRoutes() waits when the sink rebinds (the case
    // that used to deadlock); the checks below hold in either order.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    gate.open();
    drainer.join();
    for (const char* id : {"p2", "p3"}) {
      REQUIRE(engine->fire("R", Event{id, "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    }
    engine->drainRoutes();
  });
  CHECK(oldLog.delivered == std::vector<std::string>{"p1"});
  CHECK(newLog.delivered == std::vector<std::string>{"p2", "p3"});
  finishesOrFails("destroying the engine with a retired queue", [&] { owned.reset(); });
}

TEST_CASE("route reentry: a queue whose own sink rebinds its target stops once it has delivered") {
  // Nothing else holds the old queue when its sink replaces it: its own worker cannot wait
  // for itself, so it stops on its own.
  SinkLog oldLog;
  SinkLog newLog;
  Engine* engine = nullptr;
  std::atomic<bool> rebound{false};
  RouteSink oldSink = [&](const RoutedEvent& event) {
    oldLog.deliveredOne(event.eventId);
    engine->bindRoute("sink", [&](const RoutedEvent& next) { newLog.deliveredOne(next.eventId); },
                      RouteOptions{.linger = {}});
    rebound = true;
  };
  auto owned = routedEngine(oldSink, RouteOptions{.capacity = 8, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  finishesOrFails("a sink rebinding its own target", [&] {
    REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    while (!rebound) std::this_thread::yield();
    REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    engine->drainRoutes();
    owned.reset();
  });
  CHECK(oldLog.delivered == std::vector<std::string>{"p1"});
  CHECK(newLog.delivered == std::vector<std::string>{"p2"});
}

namespace {

/// The threads of this process now (Linux).
std::size_t threadCount() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++count;
  return count;
}

/// A sink that, for its first `remaining` deliveries, binds its target again to a sink like
/// itself and fires the next ping, which that new sink gets.
RouteSink selfRebindingSink(Engine*& engine, SinkLog& log, int remaining, std::atomic<int>& rebinds) {
  return [&engine, &log, remaining, &rebinds](const RoutedEvent& event) {
    log.deliveredOne(event.eventId);
    if (remaining == 0) return;
    engine->bindRoute("sink", selfRebindingSink(engine, log, remaining - 1, rebinds), RouteOptions{.linger = {}});
    ++rebinds;
    log.answered(engine->fire("R", Event{"p" + std::to_string(rebinds.load()), "ping", "sink"}));
  };
}

}  // namespace

TEST_CASE("route reentry: a sink that rebinds its own target again and again leaves no threads behind") {
  // Each replaced queue stops once it has delivered, and the next bindRoute or drainRoutes()
  // joins it: they used to keep their worker threads until the engine was destroyed.
  constexpr int kRebinds = 100;
  SinkLog log;
  Engine* engine = nullptr;
  std::atomic<int> rebinds{0};
  auto owned = routedEngine(selfRebindingSink(engine, log, kRebinds, rebinds),
                            RouteOptions{.capacity = 8, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  const std::size_t threadsBefore = threadCount();  // the bound queue's worker among them
  finishesOrFails("a sink rebinding its own target a hundred times", [&] {
    REQUIRE(engine->fire("R", Event{"p0", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    while (rebinds < kRebinds) std::this_thread::yield();
    engine->drainRoutes();
  });
  CHECK(threadCount() <= threadsBefore);
  REQUIRE(log.delivered.size() == kRebinds + 1);
  for (int i = 0; i <= kRebinds; ++i) CHECK(log.delivered[i] == "p" + std::to_string(i));
  for (const FireAnswer& answer : log.answers) CHECK(answer.kind == FireAnswer::Kind::Transitioned);
}

TEST_CASE("route reentry: two sinks that rebind each other's targets do not wait for each other") {
  // The sink of "a" rebinds "b", whose old queue still holds an event; delivering it, the
  // sink of "b" rebinds "a". Each used to wait for the other's worker to stop.
  SinkLog aLog;
  SinkLog bLog;
  SinkLog reboundLog;
  Engine engine;
  auto rebound = [&](const RoutedEvent& event) { reboundLog.deliveredOne(event.target + ":" + event.eventId); };
  Gate fired;  // p1 is in both queues before a's sink rebinds b
  engine.bindRoute("a", [&](const RoutedEvent& event) {
    fired.enterAndWait();
    engine.bindRoute("b", rebound, RouteOptions{.linger = {}});
    aLog.deliveredOne(event.eventId);
  }, RouteOptions{.linger = {}});
  engine.bindRoute("b", [&](const RoutedEvent& event) {
    engine.bindRoute("a", rebound, RouteOptions{.linger = {}});
    bLog.deliveredOne(event.eventId);
  }, RouteOptions{.capacity = 64, .linger = std::chrono::hours(1)});  // p1 waits in b's queue
  REQUIRE(engine.loadSource(approval::test::routedMachineTo("a, b"), "routed-to-two.dsl").ok());
  REQUIRE(engine.start({"routed", "R", "t", "{}"}).ok());
  finishesOrFails("two sinks rebinding each other's targets", [&] {
    REQUIRE(engine.fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    fired.open();
    while (aLog.count() == 0 || bLog.count() == 0) std::this_thread::yield();  // both rebound
    REQUIRE(engine.fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    engine.drainRoutes();
  });
  CHECK(aLog.delivered == std::vector<std::string>{"p1"});
  CHECK(bLog.delivered == std::vector<std::string>{"p1"});
  auto rest = reboundLog.delivered;
  std::sort(rest.begin(), rest.end());
  CHECK(rest == std::vector<std::string>{"a:p2", "b:p2"});
}

namespace {

/// A machine whose "act" runs the host action `act`, on a state with routed pings.
const char* const kActing = R"(
state machine "acting" {
  events { "ping" "act" }
  initial: A
  states: [A]
  transitions {
    A → A on "ping"
    A → A on "act" → act()
  }
  routes { "ping" → "sink" }
}
)";

/// A sink that answers each ping an outside actor fired by firing one more at the instance.
RouteSink echoingSink(Engine*& engine, SinkLog& log) {
  return [&engine, &log](const RoutedEvent& event) {
    log.deliveredOne(event.eventId);
    if (event.eventId.starts_with("echo-")) return;
    log.answered(engine->fire(event.instanceId, Event{"echo-" + event.eventId, "ping", "sink"}));
  };
}

std::unique_ptr<Engine> actingEngine(RouteSink sink, HostAction act) {
  auto engine = std::make_unique<Engine>();
  // p1 waits in the queue until someone drains it or the queue stops.
  engine->bindRoute("sink", std::move(sink), RouteOptions{.capacity = 64, .linger = std::chrono::hours(1)});
  engine->bindAction("act", std::move(act));
  REQUIRE(engine->loadSource(kActing, "acting.dsl").ok());
  REQUIRE(engine->start({"acting", "R", "t", "{}"}).ok());
  return engine;
}

/// Fires p1 (it waits in the queue), then "act" (the host action runs while p1 still waits),
/// then drains the routes.
void pingThenAct(Engine& engine, const char* what) {
  finishesOrFails(what, [&] {
    REQUIRE(engine.fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    REQUIRE(engine.fire("R", Event{"a1", "act", "ann"}).kind == FireAnswer::Kind::Transitioned);
    engine.drainRoutes();
  });
}

}  // namespace

TEST_CASE("route reentry: a host action may rebind a target whose old sink fires at the action's instance") {
  // The old queue still holds p1, and delivering it fires at R, which the action holds: the
  // rebinding used to wait for that delivery, which waited for the action.
  SinkLog oldLog;
  SinkLog newLog;
  Engine* engine = nullptr;
  auto owned = actingEngine(echoingSink(engine, oldLog), [&](const ActionCall&) {
    engine->bindRoute("sink", [&](const RoutedEvent& event) { newLog.deliveredOne(event.eventId); },
                      RouteOptions{.linger = {}});
    return ActionResult::ok();
  });
  engine = owned.get();
  pingThenAct(*engine, "a host action rebinding a target");
  CHECK(oldLog.delivered == std::vector<std::string>{"p1"});
  REQUIRE(oldLog.answers.size() == 1);
  CHECK(oldLog.answers[0].kind == FireAnswer::Kind::Transitioned);  // after the action ended
  CHECK(newLog.delivered == std::vector<std::string>{"echo-p1"});
  CHECK(engine->routeCounters("sink").delivered == 1);  // the new queue's
}

TEST_CASE("route reentry: a rebound target gets no event before the old queue has delivered what it held") {
  // p1 and p2 wait in the old queue; a host action rebinds the target (unbinding it first, or
  // not), so the old queue delivers them on its own worker, and p1 is held inside the old
  // sink. p3 goes to the new queue: it used to be delivered at once, ahead of p1 and p2.
  for (const bool unbindFirst : {false, true}) {
    CAPTURE(unbindFirst);
    std::mutex mutex;
    std::vector<std::string> order;  // deliveries to either sink
    Gate gate;
    std::promise<void> newSinkCalled;
    std::atomic<bool> calledOnce{false};
    Engine* engine = nullptr;
    RouteSink oldSink = [&](const RoutedEvent& event) {
      if (event.eventId == "p1") gate.enterAndWait();
      std::lock_guard lock(mutex);
      order.push_back(event.eventId);
    };
    RouteSink newSink = [&](const RoutedEvent& event) {
      {
        std::lock_guard lock(mutex);
        order.push_back(event.eventId);
      }
      if (!calledOnce.exchange(true)) newSinkCalled.set_value();
    };
    auto owned = actingEngine(oldSink, [&](const ActionCall&) {
      if (unbindFirst) engine->bindRoute("sink", RouteSink{});
      engine->bindRoute("sink", newSink, RouteOptions{.linger = {}});
      return ActionResult::ok();
    });
    engine = owned.get();
    finishesOrFails("a rebound target's first delivery", [&] {
      REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
      REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
      REQUIRE(engine->fire("R", Event{"a1", "act", "ann"}).kind == FireAnswer::Kind::Transitioned);
      gate.waitUntilEntered();
      REQUIRE(engine->fire("R", Event{"p3", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
      // Not a timing assertion: the new sink must not be called before the gate opens at all,
      // and a second is ample for the old code to deliver p3 ahead of p1.
      newSinkCalled.get_future().wait_for(std::chrono::seconds(1));
      gate.open();
      engine->drainRoutes();
    });
    CHECK(order == std::vector<std::string>{"p1", "p2", "p3"});
  }
}

TEST_CASE("route reentry: an old sink firing into its rebound target's full Block queue does not wait for itself") {
  // The new queue (capacity 1, Block) delivers nothing before the old one has stopped, and
  // the old one's sink fires echoes that route to the new queue: a producer waiting for room
  // there would wait for the old sink, its own caller.
  SinkLog oldLog;
  SinkLog newLog;
  Engine* engine = nullptr;
  auto owned = actingEngine(echoingSink(engine, oldLog), [&](const ActionCall&) {
    engine->bindRoute("sink", [&](const RoutedEvent& event) { newLog.deliveredOne(event.eventId); },
                      RouteOptions{.capacity = 1, .policy = QueuePolicy::Block, .linger = {}});
    return ActionResult::ok();
  });
  engine = owned.get();
  finishesOrFails("an old sink firing into its rebound target", [&] {
    REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    REQUIRE(engine->fire("R", Event{"a1", "act", "ann"}).kind == FireAnswer::Kind::Transitioned);
    engine->drainRoutes();
  });
  CHECK(oldLog.delivered == std::vector<std::string>{"p1", "p2"});
  REQUIRE(oldLog.answers.size() == 2);
  CHECK(oldLog.answers[0].kind == FireAnswer::Kind::Transitioned);
  CHECK(oldLog.answers[1].kind == FireAnswer::Kind::Transitioned);
  CHECK(newLog.delivered == std::vector<std::string>{"echo-p1", "echo-p2"});
}

TEST_CASE("route reentry: drainRoutes() inside a host action returns instead of waiting for its own instance") {
  SinkLog log;
  Engine* engine = nullptr;
  std::atomic<bool> drained{false};
  auto owned = actingEngine(echoingSink(engine, log), [&](const ActionCall&) {
    engine->drainRoutes();  // p1's delivery would wait for R, which this action holds
    drained = true;
    return ActionResult::ok();
  });
  engine = owned.get();
  pingThenAct(*engine, "drainRoutes() in a host action");
  CHECK(drained);
  CHECK(log.delivered == std::vector<std::string>{"p1", "echo-p1"});
  REQUIRE(log.answers.size() == 1);
  CHECK(log.answers[0].kind == FireAnswer::Kind::Transitioned);
}

TEST_CASE("route reentry: at shutdown, queued events reach a sink that still fires at the engine") {
  SinkLog log;
  Engine* engine = nullptr;
  RouteSink sink = [&](const RoutedEvent& event) {
    log.deliveredOne(event.eventId);
    if (event.instanceId == "R") log.answered(engine->fire("S", Event{"from-" + event.eventId, "ping", "sink"}));
  };
  auto owned = routedEngine(sink, RouteOptions{.capacity = 64, .linger = std::chrono::hours(1)});
  engine = owned.get();
  REQUIRE(engine->start({"routed", "S", "t", "{}"}).ok());
  REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
  REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
  // Both linger until the engine stops its queues, which it does while it is still whole.
  finishesOrFails("an engine stopping its queues", [&] { owned.reset(); });
  CHECK(log.delivered == std::vector<std::string>{"p1", "p2"});  // what S's pings route goes nowhere
  REQUIRE(log.answers.size() == 2);
  for (const FireAnswer& answer : log.answers) CHECK(answer.kind == FireAnswer::Kind::Transitioned);
}

TEST_CASE("route reentry: a Block sink may start an instance whose stripe a producer waiting for room holds") {
  // The producer of p3 holds R's stripe (a routed step without host actions) while it waits
  // for room that only this sink's worker makes; the sink's `start` needs that stripe, both
  // for R itself and for a new id that shares it.
  for (const std::string& startedId : {std::string("R"), idSharingStripeWith("R")}) {
    CAPTURE(startedId);
    Gate gate;
    Engine* engine = nullptr;
    std::optional<Result<MachineInfo>> started;  // written by the worker, read after the drain
    RouteSink sink = [&](const RoutedEvent& event) {
      if (event.eventId != "p1") return;
      gate.enterAndWait();
      started = engine->start({"routed", startedId, "t", "{}"});
    };
    auto owned = routedEngine(sink, RouteOptions{.capacity = 1, .policy = QueuePolicy::Block, .linger = {}});
    engine = owned.get();
    finishesOrFails("a sink starting an instance whose stripe a waiting producer holds", [&] {
      REQUIRE(engine->fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
      gate.waitUntilEntered();
      REQUIRE(engine->fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);  // fills the queue
      FireAnswer third;
      std::thread producer([&] { third = engine->fire("R", Event{"p3", "ping", "ann"}); });
      waitUntilHistoryHas(*engine, "R", 3);  // p3 is applied: its producer holds the stripe until it pushes
      gate.open();
      producer.join();
      CHECK(third.kind == FireAnswer::Kind::Transitioned);
      engine->drainRoutes();
    });
    REQUIRE(started.has_value());
    if (startedId == "R") {
      REQUIRE_FALSE(started->ok());
      CHECK(started->error().message == "instance `R` already exists");
    } else {
      CHECK(started->ok());
    }
    CHECK(engine->routeCounters("sink").delivered == 3);
  }
}

TEST_CASE("route reentry: bindRoute from an ordinary thread returns after the old sink's last call") {
  // The old sink is inside p1's delivery, p2 fills its queue and p3's producer waits for room
  // in it. bindRoute used to return at once, and the old sink then delivered p2 and p3 (the
  // host may have freed what it captures by then). p3 was not queued yet: it goes to the new
  // binding, and bindRoute returns once the old sink has delivered p1 and p2.
  for (const bool unbind : {false, true}) {
    CAPTURE(unbind);
    Gate gate;
    std::mutex mutex;
    std::condition_variable changed;
    bool rebound = false;     // bindRoute returned
    bool thirdFired = false;  // p3's fire returned
    std::vector<std::string> oldDelivered;
    std::vector<std::string> oldReturnedAfterRebind;
    SinkLog newLog;
    RouteSink oldSink = [&](const RoutedEvent& event) {
      if (event.eventId == "p1") gate.enterAndWait();
      std::lock_guard lock(mutex);
      oldDelivered.push_back(event.eventId);
      if (rebound) oldReturnedAfterRebind.push_back(event.eventId);
    };
    RouteSink newSink;
    if (!unbind) newSink = [&](const RoutedEvent& event) { newLog.deliveredOne(event.eventId); };
    auto owned = routedEngine(oldSink, RouteOptions{.capacity = 1, .policy = QueuePolicy::Block, .linger = {}});
    Engine& engine = *owned;
    FireAnswer third;
    finishesOrFails("rebinding a target whose full queue a producer waits on", [&] {
      REQUIRE(engine.fire("R", Event{"p1", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
      gate.waitUntilEntered();
      REQUIRE(engine.fire("R", Event{"p2", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);  // fills the queue
      std::thread producer([&] {
        third = engine.fire("R", Event{"p3", "ping", "ann"});
        std::lock_guard lock(mutex);
        thirdFired = true;
        changed.notify_all();
      });
      waitUntilHistoryHas(engine, "R", 3);  // p3 is applied: its producer waits for room
      std::thread rebinder([&] {
        engine.bindRoute("sink", newSink, RouteOptions{.linger = {}});
        std::lock_guard lock(mutex);
        rebound = true;
        changed.notify_all();
      });
      {
        // Either is only possible while the old sink is still inside p1's delivery.
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return rebound || thirdFired; });
      }
      gate.open();
      producer.join();
      rebinder.join();
      engine.drainRoutes();
    });
    CHECK(oldReturnedAfterRebind.empty());
    CHECK(oldDelivered == std::vector<std::string>{"p1", "p2"});
    CHECK(third.kind == FireAnswer::Kind::Transitioned);
    if (unbind) {
      CHECK(third.routeFailures == std::vector<std::string>{"sink: ping (no sink bound)"});
    } else {
      CHECK(third.routeFailures.empty());
      CHECK(newLog.delivered == std::vector<std::string>{"p3"});
      CHECK(engine.routeCounters("sink").delivered == 1);
    }
  }
}

namespace {

/// "go" is routed to target "b", "followup" to "a", which sorts before it.
const char* const kChained = R"(
state machine "chained" {
  events { "go" "followup" }
  initial: A
  states: [A]
  transitions {
    A → A on "go"
    A → A on "followup"
  }
  routes { "go" → "b"  "followup" → "a" }
}
)";

}  // namespace

TEST_CASE("route reentry: drainRoutes() waits for what one target's sink routes to another") {
  // b's sink fires "followup" at each instance, routed to a. drainRoutes() used to drain each
  // queue once in name order, and return with the followups in a's queue. Both linger for an
  // hour, so only drainRoutes() delivers them.
  constexpr int kInstances = 3;
  Engine engine;
  SinkLog aLog;
  SinkLog bLog;
  const RouteOptions lingering{.linger = std::chrono::hours(1)};
  engine.bindRoute("a", [&](const RoutedEvent& event) { aLog.deliveredOne(event.eventId); }, lingering);
  engine.bindRoute("b", [&](const RoutedEvent& event) {
    bLog.deliveredOne(event.eventId);
    bLog.answered(engine.fire(event.instanceId, Event{event.eventId + "/followup", "followup", "b"}));
  }, lingering);
  REQUIRE(engine.loadSource(kChained, "chained.dsl").ok());
  for (int i = 0; i < kInstances; ++i) {
    const std::string id = "I" + std::to_string(i);
    REQUIRE(engine.start({"chained", id, "t", "{}"}).ok());
    REQUIRE(engine.fire(id, Event{"g", "go", "ann"}).kind == FireAnswer::Kind::Transitioned);
  }
  finishesOrFails("drainRoutes() over a chain of targets", [&] { engine.drainRoutes(); });
  const RouteCounters a = engine.routeCounters("a");
  CHECK(a.delivered == kInstances);
  CHECK(a.queued == 0);
  CHECK(aLog.count() == kInstances);
  CHECK(engine.routeCounters("b").delivered == kInstances);
  for (const FireAnswer& answer : bLog.answers) CHECK(answer.kind == FireAnswer::Kind::Transitioned);
}

TEST_CASE("route reentry: drainRoutes() returns though a sink keeps routing events back to itself") {
  // Each delivery fires one more ping, routed back to this sink: the queues are never empty
  // at once, and drainRoutes() gives up after kMaxDrainRounds rounds instead of waiting for
  // ever. Once the sink stops, drainRoutes() empties the queue.
  std::atomic<bool> stop{false};
  SinkLog log;
  Engine* engine = nullptr;
  int next = 0;  // only the worker's thread touches it
  RouteSink sink = [&](const RoutedEvent& event) {
    log.deliveredOne(event.eventId);
    if (!stop) log.answered(engine->fire("R", Event{"s" + std::to_string(++next), "ping", "sink"}));
  };
  auto owned = routedEngine(sink, RouteOptions{.capacity = 4, .policy = QueuePolicy::Block, .linger = {}});
  engine = owned.get();
  finishesOrFails("drainRoutes() with a sink that keeps firing", [&] {
    REQUIRE(engine->fire("R", Event{"p", "ping", "ann"}).kind == FireAnswer::Kind::Transitioned);
    engine->drainRoutes();
    CHECK(log.count() >= 2);  // it waited for p's delivery at least
    stop = true;
    engine->drainRoutes();
  });
  const RouteCounters counters = engine->routeCounters("sink");
  CHECK(counters.queued == 0);
  CHECK(counters.delivered == log.count());
  CHECK(std::all_of(log.answers.begin(), log.answers.end(),
                    [](const FireAnswer& answer) { return answer.kind == FireAnswer::Kind::Transitioned; }));
}

TEST_CASE("route reentry: ~Engine waits for a worker whose sink is firing into its own target") {
  // A sink pushing to its own target holds that queue while the destructor drops the
  // bindings' reference: the destructor must still wait for the worker, which would
  // otherwise run on into the freed engine (the sink would be called after ~Engine).
  std::atomic<bool> destroyed{false};
  std::atomic<int> lateCalls{0};
  for (int round = 0; round < 100; ++round) {
    destroyed = false;
    std::mutex mutex;
    std::condition_variable called;
    int calls = 0;
    {
      Engine* target = nullptr;
      auto engine = routedEngine(
          [&](const RoutedEvent& event) {
            if (destroyed) {
              ++lateCalls;
              return;
            }
            {
              std::lock_guard lock(mutex);
              ++calls;
            }
            called.notify_all();
            (void)target->fire("R", Event{event.eventId + "+", "ping", "sink"});  // routed back here
          },
          RouteOptions{.capacity = 64, .policy = QueuePolicy::Block, .linger = std::chrono::microseconds(0)});
      target = engine.get();
      (void)engine->fire("R", Event{"first", "ping", "u"});
      {
        std::unique_lock lock(mutex);
        called.wait(lock, [&] { return calls >= 20; });  // the sink keeps itself busy from here
      }
      engine.reset();
      destroyed = true;
    }
  }
  CHECK(lateCalls == 0);
}
