#include "approval/time_text.h"

#include <cstdlib>
#include <limits>
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

namespace {

/// The units duration text may use, in nanoseconds; `d` only where a DSL literal may stand.
struct DurationUnit {
  std::string_view name;
  long double nanoseconds;
  bool literalOnly = false;
};
constexpr DurationUnit kDurationUnits[] = {
    {"ns", 1.0L},         {"us", 1e3L},         {"\xC2\xB5s", 1e3L},  // µs (micro sign)
    {"\xCE\xBCs", 1e3L}, {"ms", 1e6L},         {"s", 1e9L},
    {"m", 60e9L},         {"h", 3600e9L},       {"d", 86400e9L, true}};
constexpr std::string_view kExamples = "write 48h, 1h30m or 3600s";

const DurationUnit* findUnit(std::string_view name, DurationUnits units) {
  for (const auto& unit : kDurationUnits) {
    if (unit.name == name && (units == DurationUnits::TextOrLiteral || !unit.literalOnly)) return &unit;
  }
  return nullptr;
}

std::string_view unitList(DurationUnits units) {
  return units == DurationUnits::TextOrLiteral ? "ns, us (or \xC2\xB5s), ms, s, m, h and d"
                                               : "ns, us (or \xC2\xB5s), ms, s, m and h";
}

/// `text` for a message: a line of its own at most, however long the input.
std::string shown(std::string_view text) {
  if (text.size() <= 60) return "`" + std::string(text) + "`";
  return "`" + std::string(text.substr(0, 57)) + "...`";
}

}  // namespace

std::string durationTextError(std::string_view text, DurationUnits units) {
  const auto parts = durationTextParts(text);
  if (!parts) return shown(text) + " is not a duration (" + std::string(kExamples) + ")";  // `soon`, `1h + 2h`
  long double nanoseconds = 0;
  for (const auto& part : *parts) {
    const DurationUnit* unit = findUnit(part.unit, units);
    if (unit == nullptr) {
      return shown(text) + " is not a duration: " + shown(part.unit) + " is not a unit; the units are " +
             std::string(unitList(units)) + " (" + std::string(kExamples) + ")";
    }
    nanoseconds += std::strtold(std::string(part.number).c_str(), nullptr) * unit->nanoseconds;
  }
  if (nanoseconds > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    const std::string_view longest = units == DurationUnits::TextOrLiteral ? "106751d" : "2562047h";
    return shown(text) + " is not a duration of at most 292 years, " + std::string(longest) + " (" +
           std::string(kExamples) + ")";
  }
  if (units == DurationUnits::Conversion) return shown(text) + " is not a duration (" + std::string(kExamples) + ")";
  // Known units within range, in a form neither reader takes (`1.5d`, `-1d`, `1d1ns`).
  return shown(text) + " is not a duration: `d` takes whole days, without a sign, a fraction or `ns`/`us` beside it (" +
         std::string(kExamples) + ")";
}

std::optional<TimestampValue> timestampFromText(std::string_view text) { return eval::parseTimestamp(text); }

std::string timestampTextError(std::string_view text) {
  return shown(text) + " is not an RFC 3339 timestamp from 1677-09-21T00:12:43.145224192Z to "
                       "2262-04-11T23:47:16.854775807Z (write 2024-01-02T03:04:05Z)";
}

}  // namespace approval
