#include "engine/timer_wake.h"

#include <algorithm>

#include "clock/time_arithmetic.h"

namespace approval::runtime {

void TimerWake::armed(std::int64_t dueNanos) {
  if (dueNanos >= sleepingUntil_.load()) return;  // the thread wakes by then anyway
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

void TimerWake::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

bool TimerWake::stopped() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

bool TimerWake::sleep(const std::function<std::optional<std::int64_t>()>& nextDue, std::int64_t now,
                      std::chrono::nanoseconds longest) {
  // Announced before the store is read: a timer committed after that read finds the thread
  // awake and requests a wake-up, which the wait below sees.
  sleepingUntil_.store(kAwake);
  std::chrono::nanoseconds wait = longest;
  if (const auto due = nextDue()) wait = std::min(std::chrono::nanoseconds(spanUntil(now, *due)), longest);
  wait = std::max<std::chrono::nanoseconds>(wait, std::chrono::milliseconds(1));
  std::unique_lock lock(mutex_);
  bool woken = requested_ || stopping_;
  if (!woken) {
    // Saturated at the end of time, which is kAwake: every timer armed meanwhile is earlier.
    sleepingUntil_.store(dueAfter(now, wait.count()));
    woken = wake_.wait_for(lock, wait, [this] { return requested_ || stopping_; });
  }
  requested_ = false;
  sleepingUntil_.store(kAwake);
  return woken;
}

void TimerWake::pause(std::chrono::nanoseconds length) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, length, [this] { return stopping_; });
}

}  // namespace approval::runtime
