// When the engine's timer thread sleeps and what wakes it. The thread sleeps until the
// earliest pending timer (at most a second); a timer armed meanwhile that is due sooner wakes
// it. A wake-up is never lost: a timer armed after the thread read the store's next due time
// but before it slept still ends that sleep. Arming a timer that is due later than the
// thread wakes anyway costs one atomic load and no lock, so the event path stays cheap.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>

namespace approval::runtime {

class TimerWake {
 public:
  /// `armed` wakes nobody until a thread sleeps here (an engine without a timer thread).
  TimerWake() = default;

  /// A timer due at `dueNanos` (the engine clock's time) was committed: wakes the sleeping
  /// thread if it would sleep past it.
  void armed(std::int64_t dueNanos);
  /// Ends every sleep for good (the engine is being destroyed).
  void stop();
  [[nodiscard]] bool stopped() const;

  /// Sleeps until the due time `nextDue()` gives (none: `longest`), taking `now` as the
  /// clock's time, at least a millisecond and at most `longest` of real time. `armed` with an
  /// earlier due time ends the sleep, and so does `stop`; so does an `armed` while the thread
  /// was awake (it may have read the store before that timer was committed). True when woken,
  /// false when the time ran out.
  bool sleep(const std::function<std::optional<std::int64_t>()>& nextDue, std::int64_t now,
             std::chrono::nanoseconds longest);
  /// Sleeps `length` of real time, ended early only by `stop`: the back-off after the clock
  /// or the store threw, which a timer armed meanwhile does not cut short (with a commit per
  /// event, a failing store would otherwise be retried at the rate of events). Such a timer
  /// still ends the next `sleep` at once.
  void pause(std::chrono::nanoseconds length);

 private:
  /// While the thread is awake (between sleeps) every `armed` wakes it: it may have read the
  /// store's next due time before the timer was committed.
  static constexpr std::int64_t kAwake = std::numeric_limits<std::int64_t>::max();
  /// No thread sleeps here yet: `armed` does nothing.
  static constexpr std::int64_t kNoThread = std::numeric_limits<std::int64_t>::min();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;  // under mutex_
  bool stopping_ = false;   // under mutex_
  std::atomic<std::int64_t> sleepingUntil_{kNoThread};
};

}  // namespace approval::runtime
