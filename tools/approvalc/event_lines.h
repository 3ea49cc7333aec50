// One line of `approvalc run`'s events file, read: an event, a move of the virtual clock, or
// what is wrong with it. The event's payload stays JSON: only the engine knows its fields.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "approval/engine.h"

namespace approval::driver {

/// `{"advance": "48h"}`.
struct ClockAdvance {
  DurationValue by;
  std::string text;  // as written, for the trace
};

/// `{"id": ..., "name": ..., "actor": ..., "time": ..., "payload": {...}}`; only `name` is
/// required.
struct EventLine {
  runtime::Event event;             // without its payload
  std::string timeText;             // as written (empty: none), for the trace
  std::optional<nlohmann::json> payload;
};

struct BadLine {
  std::string message;
};

using ReadLine = std::variant<ClockAdvance, EventLine, BadLine>;

/// The next line of `in` into `line`, without its newline; false at the end. A line longer
/// than `maxBytes` sets `tooLong` and is skipped to its end, keeping only its first
/// `maxBytes` bytes: a line of gigabytes never has to fit in memory.
[[nodiscard]] bool nextLine(std::istream& in, std::string& line, std::size_t maxBytes, bool& tooLong);

/// Reads line `lineNumber` (an event's id defaults to "line-<lineNumber>", its actor to
/// "anonymous"). Every key is checked: a misspelt one is an error, not silently ignored.
[[nodiscard]] ReadLine readEventLine(std::string_view text, std::size_t lineNumber);

}  // namespace approval::driver
