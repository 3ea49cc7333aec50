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

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// A unit's bytes: ASCII letters, `_`, and any byte of a non-ASCII character (µ, μ).
bool isUnitByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

std::optional<std::vector<DurationTextPart>> durationTextParts(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  std::vector<DurationTextPart> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && isDigit(text[i])) ++i;
    if (i == start) return std::nullopt;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && isDigit(text[i])) ++i;
    }
    const std::size_t unitStart = i;
    while (i < text.size() && isUnitByte(text[i])) ++i;
    if (i == unitStart) return std::nullopt;
    parts.push_back({text.substr(start, unitStart - start), text.substr(unitStart, i - unitStart)});
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

std::optional<TimestampValue> timestampFromText(std::string_view text) { return eval::parseTimestamp(text); }

}  // namespace approval
