#include "approval/time_text.h"

#include <variant>

#include "eval/time_format.h"
#include "syntax/literal_decoding.h"

namespace approval {

std::optional<DurationValue> durationFromText(std::string_view text) {
  if (auto parsed = eval::parseDuration(text)) return parsed;
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
