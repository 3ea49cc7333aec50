#include <chrono>

#include "approval/clock.h"

namespace approval::runtime {

TimestampValue SystemClock::now() const {
  const auto since = std::chrono::system_clock::now().time_since_epoch();
  return {std::chrono::duration_cast<std::chrono::nanoseconds>(since).count()};
}

}  // namespace approval::runtime
