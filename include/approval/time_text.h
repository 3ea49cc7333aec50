// Durations and timestamps given as text from outside (events files, JSON contexts and
// payloads, --start): read by the language's own parsers, never compiled as expressions, so
// any text costs time linear in its length.
#pragma once

#include <optional>
#include <string_view>

#include "approval/value.h"

namespace approval {

/// `duration("...")`'s forms (`1h30m`, `3600s`, `1.5s`, `-90m`) or a DSL duration literal
/// (`48h`, `7d`, `1d12h`); nothing when it is neither or exceeds a duration's range.
[[nodiscard]] std::optional<DurationValue> durationFromText(std::string_view text);

/// An RFC 3339 timestamp (`2024-01-02T03:04:05Z`, with optional fraction and offset) within
/// a timestamp's range; nothing otherwise.
[[nodiscard]] std::optional<TimestampValue> timestampFromText(std::string_view text);

}  // namespace approval
