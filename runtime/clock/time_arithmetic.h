// Due times as a time plus a delay, and waits as the span between two times, in int64
// nanoseconds since 1970: an event near the end of that range (2262-04-11) with a long timer
// would overflow, and so would the span from 1677 to 2262, so both stop at the range's ends.
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

/// `to - from`, or the longest (shortest) span when that is past the range: a clock before
/// 1970 and a timer due at the end of time are further apart than int64 nanoseconds reach.
[[nodiscard]] inline std::int64_t spanUntil(std::int64_t from, std::int64_t to) {
  std::int64_t span = 0;
  if (!__builtin_sub_overflow(to, from, &span)) return span;
  return to > from ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

}  // namespace approval::runtime
