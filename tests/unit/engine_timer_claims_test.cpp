// Engines that share a store (as processes share a database) claim a due timer before they
// fire it (Store::claimDueTimers), so its host actions run once; the timers of an engine that
// stopped holding them are fired by another once its claim lapses.
#include <doctest/doctest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "approval/clock.h"
#include "approval/engine.h"
#include "support/engine_events.h"
#include "support/finishes_or_fails.h"
#include "support/forwarding_store.h"

using namespace approval;
using namespace approval::runtime;
using approval::test::event;
using Kind = FireAnswer::Kind;

namespace {

constexpr std::int64_t kMinute = 60'000'000'000LL;
constexpr std::int64_t kHour = 60 * kMinute;

const char* const kReminder = R"(
state machine "reminder" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "open"
    B → C after 1h → notify()
  }
}
)";

/// One memory store and one virtual clock that several engines share.
struct SharedStore {
  std::shared_ptr<Store> store = makeMemoryStore();
  std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>(TimestampValue{1'700'000'000LL * 1'000'000'000LL});

  std::unique_ptr<Engine> engine(HostAction notify, bool timerThread = false, TimerAnswerCallback onTimerAnswer = {}) {
    EngineOptions options;
    options.store = std::make_unique<approval::test::ForwardingStore>(store);
    options.clock = clock;
    options.timerThread = timerThread;
    options.onTimerAnswer = std::move(onTimerAnswer);
    auto made = std::make_unique<Engine>(std::move(options));
    made->bindAction("notify", std::move(notify));
    REQUIRE(made->loadSource(kReminder, "reminder.dsl").ok());
    return made;
  }
};

}  // namespace

TEST_CASE("engine: a timer one engine claimed is not fired by another engine sharing its store") {
  SharedStore shared;
  int notified = 0;
  std::unique_ptr<Engine> second;
  std::size_t secondFired = 99;
  auto first = shared.engine([&](const ActionCall&) {
    ++notified;
    // While the first engine runs the timer's action, the second looks for due timers.
    if (notified == 1) secondFired = second->runDueTimers().size();
    return ActionResult::ok();
  });
  second = shared.engine([&](const ActionCall&) {
    ++notified;
    return ActionResult::ok();
  });
  REQUIRE(first->start({"reminder", "i", "t", "{}"}).ok());
  REQUIRE(first->fire("i", event("o", "open", "ann")).kind == Kind::Transitioned);
  shared.clock->advance({kHour});
  const auto fired = first->runDueTimers();
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].second.kind == Kind::Transitioned);
  CHECK(secondFired == 0);
  CHECK(notified == 1);
  auto view = second->instance("i");
  REQUIRE(view.ok());
  CHECK(view.value().state == "C");
}

TEST_CASE("engine: a timer whose claim lapsed is fired by another engine") {
  SharedStore shared;
  int notified = 0;
  auto engine = shared.engine([&](const ActionCall&) {
    ++notified;
    return ActionResult::ok();
  });
  REQUIRE(engine->start({"reminder", "i", "t", "{}"}).ok());
  REQUIRE(engine->fire("i", event("o", "open", "ann")).kind == Kind::Transitioned);
  shared.clock->advance({kHour});
  // An engine that has stopped claimed it for a minute.
  const TimestampValue now = shared.clock->now();
  const auto held = shared.store->claimDueTimers(now, 10, "engine gone", TimestampValue{now.nanoseconds + kMinute});
  REQUIRE(held.ok());
  REQUIRE(held.value().size() == 1);
  CHECK(engine->runDueTimers().empty());
  CHECK(notified == 0);
  shared.clock->advance({kMinute});
  const auto fired = engine->runDueTimers();
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].second.kind == Kind::Transitioned);
  CHECK(notified == 1);
}

TEST_CASE("engine: the timer thread waits out another engine's claim, then fires the timer") {
  approval::test::finishesOrFails("a timer thread and a claim that lapses", [] {
    SharedStore shared;
    std::mutex mutex;
    std::condition_variable answered;
    int transitions = 0;
    int notified = 0;
    auto starter = shared.engine([](const ActionCall&) { return ActionResult::ok(); });
    REQUIRE(starter->start({"reminder", "i", "t", "{}"}).ok());
    REQUIRE(starter->fire("i", event("o", "open", "ann")).kind == Kind::Transitioned);
    shared.clock->advance({kHour});
    const TimestampValue now = shared.clock->now();
    REQUIRE(shared.store->claimDueTimers(now, 10, "engine gone", TimestampValue{now.nanoseconds + kMinute}).ok());
    auto threaded = shared.engine(
        [&](const ActionCall&) {
          std::lock_guard lock(mutex);
          ++notified;
          return ActionResult::ok();
        },
        true,
        [&](const std::string&, const FireAnswer& answer) {
          std::lock_guard lock(mutex);
          if (answer.kind == Kind::Transitioned) ++transitions;
          answered.notify_all();
        });
    {
      // The thread finds the timer due but held: it backs off and looks again, and fires
      // nothing while the claim holds (the virtual clock stands still). Its first look, as
      // the engine was made, came before the machine was loaded: the next comes within a
      // second, and a thread that ignored the claim would fire the timer then.
      std::unique_lock lock(mutex);
      CHECK_FALSE(answered.wait_for(lock, std::chrono::milliseconds(1500), [&] { return transitions > 0; }));
      CHECK(notified == 0);
    }
    shared.clock->advance({kMinute});
    std::unique_lock lock(mutex);
    answered.wait(lock, [&] { return transitions > 0; });
    CHECK(transitions == 1);
    CHECK(notified == 1);
  });
}
