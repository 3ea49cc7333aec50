// Time for the runtime: injectable, so tests drive a virtual clock and production reads the
// system clock.
#pragma once

#include <atomic>
#include <cstdint>

#include "approval/value.h"

namespace approval::runtime {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimestampValue now() const = 0;
};

/// Wall-clock time (UTC, nanoseconds since the epoch).
class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimestampValue now() const override;
};

/// Time that moves only when told to: `approvalc run` and tests.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(TimestampValue start = {}) : nanoseconds_(start.nanoseconds) {}
  [[nodiscard]] TimestampValue now() const override { return {nanoseconds_.load()}; }
  void advance(DurationValue by) { nanoseconds_ += by.nanoseconds; }
  void set(TimestampValue to) { nanoseconds_ = to.nanoseconds; }

 private:
  std::atomic<std::int64_t> nanoseconds_;
};

}  // namespace approval::runtime
