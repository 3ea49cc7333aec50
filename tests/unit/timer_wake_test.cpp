// The timer thread's sleep (runtime/engine/timer_wake.h): a timer armed while the thread
// sleeps, or while it is between reading the store and sleeping, ends the sleep; nothing is
// woken while no thread sleeps. Each case ends by a wake-up or by a sleep of a millisecond;
// a lost wake-up shows as a sleep that returns false, after its 30 seconds.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <optional>
#include <thread>

#include "engine/timer_wake.h"

using approval::runtime::TimerWake;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kNow = 1'000'000'000'000;
constexpr std::int64_t kHour = 3'600'000'000'000;

constexpr auto kLongest = 30s;

std::optional<std::int64_t> none() { return std::nullopt; }

}  // namespace

TEST_CASE("a timer committed after the thread read the next due time ends the sleep that follows") {
  TimerWake wake;
  // The store is read, then (before the thread sleeps) a commit arms a timer due in a second.
  auto readThenArmed = [&]() -> std::optional<std::int64_t> {
    const std::optional<std::int64_t> next = kNow + kHour;
    wake.armed(kNow + kHour / 3600);
    return next;
  };
  CHECK(wake.sleep(readThenArmed, kNow, kLongest));
  // The request was consumed: the next sleep runs out.
  CHECK_FALSE(wake.sleep(none, kNow, 1ms));
}

TEST_CASE("an earlier timer armed from another thread wakes the sleeping thread") {
  TimerWake wake;
  // The committer keeps arming until the sleep ends: an `armed` that comes before the thread
  // first sleeps wakes nobody by design (the engine's timer thread reads the store after it),
  // and the thread may start late (it did under ThreadSanitizer); one that comes while it
  // sleeps must wake it.
  std::atomic<bool> returned = false;
  std::thread committer([&] {
    while (!returned.load()) {
      wake.armed(kNow + kHour / 3600);
      std::this_thread::sleep_for(1ms);
    }
  });
  CHECK(wake.sleep([] { return std::optional<std::int64_t>(kNow + kHour); }, kNow, kLongest));
  returned = true;
  committer.join();
}

TEST_CASE("stop ends the sleep for good") {
  TimerWake wake;
  std::thread stopper([&] { wake.stop(); });
  CHECK(wake.sleep(none, kNow, kLongest));
  stopper.join();
  CHECK(wake.stopped());
  CHECK(wake.sleep(none, kNow, kLongest));  // returns at once
}

TEST_CASE("arming before any thread sleeps wakes nobody; a sleep with nothing armed runs out") {
  TimerWake wake;
  wake.armed(kNow);  // an engine without a timer thread: no request is left behind
  CHECK_FALSE(wake.sleep(none, kNow, 1ms));
  CHECK_FALSE(wake.stopped());
}

TEST_CASE("a clock before 1970 and a timer at the end of time: the sleep lasts its longest, not a millisecond") {
  // The wait, due minus now, overflowed and came out negative: a millisecond, 560 times a second.
  TimerWake wake;
  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(wake.sleep([] { return std::optional(std::numeric_limits<std::int64_t>::max()); }, -1'000'000'000,
                         100ms));
  CHECK(std::chrono::steady_clock::now() - started >= 100ms);
}

TEST_CASE("a timer due at the start of time, the clock after 1970: the sleep is the shortest, not the longest") {
  TimerWake wake;
  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(wake.sleep([] { return std::optional(std::numeric_limits<std::int64_t>::min()); }, kNow, kLongest));
  CHECK(std::chrono::steady_clock::now() - started < kLongest);
}

TEST_CASE("near the end of time an earlier timer still wakes the sleeping thread") {
  // The time the thread sleeps until, now plus the wait, wrapped around to 1677: no timer
  // was earlier than that, so none woke it.
  constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max();
  TimerWake wake;
  std::atomic<bool> returned = false;
  std::thread committer([&] {
    while (!returned.load()) {
      wake.armed(kLast - 500);
      std::this_thread::sleep_for(1ms);
    }
  });
  CHECK(wake.sleep(none, kLast - 1000, kLongest));
  returned = true;
  committer.join();
}

TEST_CASE("a pause runs its length although a timer was armed; that timer ends the next sleep at once") {
  TimerWake wake;
  CHECK_FALSE(wake.sleep(none, kNow, 1ms));  // a thread sleeps here now: arming requests a wake-up
  wake.armed(kNow);
  const auto started = std::chrono::steady_clock::now();
  wake.pause(20ms);
  CHECK(std::chrono::steady_clock::now() - started >= 20ms);
  CHECK(wake.sleep(none, kNow, kLongest));
}

TEST_CASE("stop ends a pause") {
  TimerWake wake;
  std::thread stopper([&] { wake.stop(); });
  const auto started = std::chrono::steady_clock::now();
  wake.pause(kLongest);
  CHECK(std::chrono::steady_clock::now() - started < kLongest);
  stopper.join();
}
