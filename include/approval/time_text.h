// Durations and timestamps given as text from outside (events files, JSON contexts and
// payloads, --start): read by the language's own parsers, never compiled as expressions, so
// any text costs time linear in its length.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "approval/value.h"

namespace approval {

/// `duration("...")`'s forms (`1h30m`, `3600s`, `1.5s`, `-90m`) or a DSL duration literal
/// (`48h`, `7d`, `1d12h`); nothing when it is neither or exceeds a duration's range.
[[nodiscard]] std::optional<DurationValue> durationFromText(std::string_view text);

/// One part of a duration's text: a number and the unit written after it (`30` and `m` in
/// `1h30m`).
struct DurationTextPart {
  std::string_view number;  // digits, with an optional `.` and fraction
  std::string_view unit;    // any run of letters, `_` or non-ASCII: a unit or not
};

/// `text` cut into its parts, a leading sign aside, so that a message can tell a misspelt
/// unit (`hh` in `1hh`, `x` in `3x`) from a duration out of range. Nothing when the text has
/// another shape (`soon`, `1h + 2h`, `1h30`).
[[nodiscard]] std::optional<std::vector<DurationTextPart>> durationTextParts(std::string_view text);

/// The durations a message is about: what `duration("...")` converts (CEL's units, `ns` to
/// `h`), or any text durationFromText reads (a DSL literal's `d` too).
enum class DurationUnits { Conversion, TextOrLiteral };

/// Why `text`, which the reader of `units` refused, is not a duration: a unit that does not
/// exist is named and the units listed (`` `1hh` is not a duration: `hh` is not a unit; the
/// units are ... ``), and only text whose units all exist and whose size exceeds the range is
/// told the range. One line whatever the text's length.
[[nodiscard]] std::string durationTextError(std::string_view text, DurationUnits units);

/// An RFC 3339 timestamp (`2024-01-02T03:04:05Z`, with optional fraction and offset) within
/// a timestamp's range; nothing otherwise.
[[nodiscard]] std::optional<TimestampValue> timestampFromText(std::string_view text);

/// Why timestampFromText refused `text`: the form and range it takes, with an example.
[[nodiscard]] std::string timestampTextError(std::string_view text);

}  // namespace approval
