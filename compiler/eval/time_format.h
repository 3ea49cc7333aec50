// Durations and timestamps as text: CEL's JSON forms ("1.5s", RFC 3339 UTC) and the parsers
// behind duration("1h30m") and timestamp("2024-01-02T03:04:05Z").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "approval/value.h"

namespace approval::eval {

/// "3600s", "1.5s", "-0.000000001s": seconds with up to 9 fractional digits, no trailing zeros.
[[nodiscard]] std::string formatDuration(DurationValue duration);
/// "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.25Z": RFC 3339 in UTC.
[[nodiscard]] std::string formatTimestamp(TimestampValue timestamp);
/// Go-style: optional sign, then number+unit pairs (ns us µs ms s m h), or "0".
[[nodiscard]] std::optional<DurationValue> parseDuration(std::string_view text);
/// RFC 3339 with optional fraction and a `Z` or ±hh:mm offset.
[[nodiscard]] std::optional<TimestampValue> parseTimestamp(std::string_view text);

}  // namespace approval::eval
