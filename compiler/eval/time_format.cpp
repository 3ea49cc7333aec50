#include "eval/time_format.h"

#include <cstdint>
#include <limits>

namespace approval::eval {

namespace {

__extension__ typedef __int128 Int128;  // NOLINT: GCC/Clang extension, quiet under -Wpedantic

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

std::string fraction(std::int64_t nanos) {  // 0 < nanos < 1e9: ".5", ".000000001"
  std::string digits = std::to_string(nanos);
  digits.insert(0, 9 - digits.size(), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return "." + digits;
}

std::string twoDigits(unsigned value) {
  std::string text = std::to_string(value);
  return value < 10 ? "0" + text : text;
}

bool readDigits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') return false;
    out = out * 10 + (text[pos++] - '0');
  }
  return true;
}

}  // namespace

std::string formatDuration(DurationValue duration) {
  const std::int64_t ns = duration.nanoseconds;
  const bool negative = ns < 0;
  // Work in unsigned magnitude so INT64_MIN is fine.
  const std::uint64_t magnitude = negative ? ~static_cast<std::uint64_t>(ns) + 1 : static_cast<std::uint64_t>(ns);
  const std::uint64_t seconds = magnitude / kNanosPerSecond;
  const auto nanos = static_cast<std::int64_t>(magnitude % kNanosPerSecond);
  std::string text = negative ? "-" : "";
  text += std::to_string(seconds);
  if (nanos != 0) text += fraction(nanos);
  return text + "s";
}

std::string formatTimestamp(TimestampValue timestamp) {
  std::int64_t seconds = timestamp.nanoseconds / kNanosPerSecond;
  std::int64_t nanos = timestamp.nanoseconds % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t secondOfDay = seconds % 86400;
  if (secondOfDay < 0) {
    secondOfDay += 86400;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civilFromDays(days, year, month, day);
  std::string yearText = std::to_string(year);
  if (yearText.size() < 4) yearText.insert(0, 4 - yearText.size(), '0');
  std::string text = yearText + "-" + twoDigits(month) + "-" + twoDigits(day) + "T" +
                     twoDigits(static_cast<unsigned>(secondOfDay / 3600)) + ":" +
                     twoDigits(static_cast<unsigned>(secondOfDay / 60 % 60)) + ":" +
                     twoDigits(static_cast<unsigned>(secondOfDay % 60));
  if (nanos != 0) text += fraction(nanos);
  return text + "Z";
}

std::optional<DurationValue> parseDuration(std::string_view text) {
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  if (text.substr(pos) == "0") return DurationValue{0};
  if (pos >= text.size()) return std::nullopt;
  // Accumulate in long double-free integer arithmetic: whole part and fraction per unit.
  Int128 total = 0;
  constexpr Int128 kLimit = static_cast<Int128>(std::numeric_limits<std::int64_t>::max()) + 1;
  while (pos < text.size()) {
    Int128 whole = 0;
    bool anyDigit = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      whole = whole * 10 + (text[pos++] - '0');
      anyDigit = true;
      if (whole > kLimit) return std::nullopt;
    }
    Int128 fracDigits = 0;
    Int128 fracScale = 1;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (fracScale < static_cast<Int128>(1'000'000'000'000'000'000LL)) {
          fracDigits = fracDigits * 10 + (text[pos] - '0');
          fracScale *= 10;
        }
        ++pos;
        anyDigit = true;
      }
    }
    if (!anyDigit) return std::nullopt;
    std::int64_t unit = 0;
    auto rest = text.substr(pos);
    auto take = [&](std::string_view name, std::int64_t nanos) {
      if (unit == 0 && rest.substr(0, name.size()) == name) {
        unit = nanos;
        pos += name.size();
      }
    };
    // Longest units first where prefixes overlap (ms before m, ns/us before s).
    take("ns", 1);
    take("us", 1'000);
    take("\xC2\xB5s", 1'000);  // µs (micro sign)
    take("\xCE\xBCs", 1'000);  // μs (Greek mu)
    take("ms", 1'000'000);
    take("s", kNanosPerSecond);
    take("m", 60 * kNanosPerSecond);
    take("h", 3600 * kNanosPerSecond);
    if (unit == 0) return std::nullopt;
    total += whole * unit + fracDigits * unit / fracScale;
    if (total > kLimit) return std::nullopt;
  }
  if (negative) total = -total;
  if (total > std::numeric_limits<std::int64_t>::max() || total < std::numeric_limits<std::int64_t>::min()) {
    return std::nullopt;
  }
  return DurationValue{static_cast<std::int64_t>(total)};
}

std::optional<TimestampValue> parseTimestamp(std::string_view text) {
  std::size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!readDigits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-') return std::nullopt;
  if (!readDigits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-') return std::nullopt;
  if (!readDigits(text, pos, 2, day) || pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) {
    return std::nullopt;
  }
  ++pos;
  if (!readDigits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':') return std::nullopt;
  if (!readDigits(text, pos, 2, minute) || pos >= text.size() || text[pos++] != ':') return std::nullopt;
  if (!readDigits(text, pos, 2, second)) return std::nullopt;
  std::int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    bool anyDigit = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nanos += (text[pos++] - '0') * scale;
      scale /= 10;
      anyDigit = true;
    }
    if (!anyDigit) return std::nullopt;
  }
  std::int64_t offsetSeconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const bool negative = text[pos++] == '-';
    int offsetHours = 0;
    int offsetMinutes = 0;
    if (!readDigits(text, pos, 2, offsetHours) || pos >= text.size() || text[pos++] != ':') return std::nullopt;
    if (!readDigits(text, pos, 2, offsetMinutes) || offsetHours > 23 || offsetMinutes > 59) return std::nullopt;
    offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (negative ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1] || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  if (second == 60) second = 59;  // leap seconds are smeared, as CEL implementations do
  const std::int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const Int128 total = (static_cast<Int128>(days) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds) *
                             kNanosPerSecond +
                         nanos;
  if (total > std::numeric_limits<std::int64_t>::max() || total < std::numeric_limits<std::int64_t>::min()) {
    return std::nullopt;
  }
  return TimestampValue{static_cast<std::int64_t>(total)};
}

}  // namespace approval::eval
