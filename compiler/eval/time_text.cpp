#include "approval/time_text.h"

#include <variant>

#include "eval/time_format.h"
#include "syntax/literal_decoding.h"

namespace approval {

namespace {

/// Only what the DSL's DURATION token matches, `(DIGIT+ ('ms'|'s'|'m'|'h'|'d'))+`: the
/// decoder below assumes its lexer checked the shape.
bool looksLikeDurationLiteral(std::string_view text) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t digits = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == digits || i == text.size()) return false;
    if (text.substr(i).starts_with("ms")) {
      i += 2;
    } else if (text[i] == 's' || text[i] == 'm' || text[i] == 'h' || text[i] == 'd') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<DurationValue> durationFromText(std::string_view text) {
  if (auto parsed = eval::parseDuration(text)) return parsed;
  if (!looksLikeDurationLiteral(text)) return std::nullopt;
  const auto decoded = syntax::decodeDurationMs(text);
  const auto* milliseconds = std::get_if<std::int64_t>(&decoded);
  std::int64_t nanoseconds = 0;
  if (milliseconds == nullptr || __builtin_mul_overflow(*milliseconds, std::int64_t{1'000'000}, &nanoseconds)) {
    return std::nullopt;
  }
  return DurationValue{nanoseconds};
}

std::optional<TimestampValue> timestampFromText(std::string_view text) { return eval::parseTimestamp(text); }

}  // namespace approval
