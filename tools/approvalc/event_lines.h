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

/// What `nextLine` found.
enum class LineRead {
  Line,     // a line, in `line` without its newline
  TooLong,  // a line longer than the limit, skipped to its end
  Endless,  // a line with no end in sight: twice the limit without a newline; stop reading
  End,      // nothing left
};

/// The next line of `in` into `line`. A line longer than `maxBytes` is skipped to its end,
/// so a line of gigabytes never has to fit in memory; one still unended after another
/// `maxBytes` bytes (`--events /dev/zero`) is Endless, so reading it ends.
[[nodiscard]] LineRead nextLine(std::istream& in, std::string& line, std::size_t maxBytes);

/// Reads line `lineNumber` (an event's id defaults to "line-<lineNumber>", its actor to
/// "anonymous"). Every key is checked: a misspelt one is an error, not silently ignored.
[[nodiscard]] ReadLine readEventLine(std::string_view text, std::size_t lineNumber);

}  // namespace approval::driver
