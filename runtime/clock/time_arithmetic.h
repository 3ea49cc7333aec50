// Due times as a time plus a delay, in int64 nanoseconds since 1970: an event near the end
// of that range (2262-04-11) with a long timer would overflow, so sums stop at the end.
#pragma once

#include <cstdint>
#include <limits>

namespace approval::runtime {

/// `at + delay`, or the last (first) representable time when that is past the range: a
/// timer due then never comes due.
[[nodiscard]] inline std::int64_t dueAfter(std::int64_t at, std::int64_t delay) {
  std::int64_t due = 0;
  if (!__builtin_add_overflow(at, delay, &due)) return due;
  return delay > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

}  // namespace approval::runtime
