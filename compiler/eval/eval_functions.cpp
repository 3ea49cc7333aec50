// The stdlib functions of stdlib/function_table.cpp on run-time values.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <re2/re2.h>

#include "approval/stdlib.h"
#include "approval/time_text.h"
#include "eval/eval_internal.h"
#include "eval/regex_cache.h"
#include "eval/time_format.h"

namespace approval::eval {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

Value noOverload(std::string_view name, const std::vector<Value>& arguments) {
  std::string text = "no such overload: " + std::string(name) + "(";
  for (std::size_t i = 0; i < arguments.size(); ++i) text += (i ? ", " : "") + kindName(arguments[i]);
  return Value::error(text + ")");
}

std::int64_t codePoints(const std::string& text) {
  std::int64_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::optional<std::int64_t> parseInt(const std::string& text) {
  std::int64_t value = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  if (first != last && *first == '+') ++first;
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || first == last) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parseUint(const std::string& text) {
  std::uint64_t value = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  if (first != last && *first == '+') ++first;
  if (first != last && *first == '-') return std::nullopt;
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || first == last) return std::nullopt;
  return value;
}

/// CEL's text of a double (cel-go parses it with Go's ParseFloat): an optional sign, then
/// decimal digits with an optional fraction and exponent, or `inf`, `infinity` or `nan` in any
/// case. C's strtod also takes hexadecimal (`0x10`) and `nan(...)`, which CEL does not.
bool isDoubleText(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  const auto isWord = [&](std::string_view word) {
    return text.size() == word.size() && std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  if (isWord("inf") || isWord("infinity") || isWord("nan")) return true;
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) ++i;
    return i - start;
  };
  std::size_t mantissaDigits = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissaDigits += digits();
  }
  if (mantissaDigits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

std::optional<double> parseDouble(const std::string& text) {
  if (!isDoubleText(text)) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  // Past the largest double is out of range (as the literal `1e400` is), not an infinity;
  // only the words say infinity. Too small rounds to zero, as Go's ParseFloat does.
  if (std::isinf(value) && std::isdigit(static_cast<unsigned char>(text.back())) != 0) return std::nullopt;
  return value;
}

std::string formatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

Value toInt(const Value& v) {
  if (v.is<std::int64_t>()) return v;
  if (v.is<std::uint64_t>()) {
    if (v.as<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Value::error("int overflow in conversion of uint");
    }
    return static_cast<std::int64_t>(v.as<std::uint64_t>());
  }
  if (v.is<double>()) {
    const double d = v.as<double>();
    if (std::isnan(d) || d <= -9223372036854775809.0 || d >= 9223372036854775808.0) {
      return Value::error("int overflow in conversion of double " + formatDouble(d));
    }
    return static_cast<std::int64_t>(d);
  }
  if (v.is<std::string>()) {
    if (auto parsed = parseInt(v.as<std::string>())) return *parsed;
    return Value::error("cannot convert " + describe(v) + " to int");
  }
  if (v.is<TimestampValue>()) {
    const auto ns = v.as<TimestampValue>().nanoseconds;
    std::int64_t seconds = ns / kNanosPerSecond;
    if (ns % kNanosPerSecond < 0) --seconds;
    return seconds;
  }
  return noOverload("int", {v});
}

Value toUint(const Value& v) {
  if (v.is<std::uint64_t>()) return v;
  if (v.is<std::int64_t>()) {
    if (v.as<std::int64_t>() < 0) return Value::error("uint overflow in conversion of int " + describe(v));
    return static_cast<std::uint64_t>(v.as<std::int64_t>());
  }
  if (v.is<double>()) {
    const double d = v.as<double>();
    if (std::isnan(d) || d < 0.0 || d >= 18446744073709551616.0) {  // -0.5 has no uint either
      return Value::error("uint overflow in conversion of double " + formatDouble(d));
    }
    return static_cast<std::uint64_t>(d);
  }
  if (v.is<std::string>()) {
    if (auto parsed = parseUint(v.as<std::string>())) return *parsed;
    return Value::error("cannot convert " + describe(v) + " to uint");
  }
  return noOverload("uint", {v});
}

Value toDouble(const Value& v) {
  if (v.is<double>()) return v;
  if (v.is<std::int64_t>()) return static_cast<double>(v.as<std::int64_t>());
  if (v.is<std::uint64_t>()) return static_cast<double>(v.as<std::uint64_t>());
  if (v.is<std::string>()) {
    if (auto parsed = parseDouble(v.as<std::string>())) return *parsed;
    return Value::error("cannot convert " + describe(v) + " to double");
  }
  return noOverload("double", {v});
}

Value toString(const Value& v) {
  if (v.is<std::string>()) return v;
  if (v.is<std::int64_t>()) return std::to_string(v.as<std::int64_t>());
  if (v.is<std::uint64_t>()) return std::to_string(v.as<std::uint64_t>());
  if (v.is<double>()) return formatDouble(v.as<double>());
  if (v.is<bool>()) return std::string(v.as<bool>() ? "true" : "false");
  if (v.is<DurationValue>()) return formatDuration(v.as<DurationValue>());
  if (v.is<TimestampValue>()) return formatTimestamp(v.as<TimestampValue>());
  return noOverload("string", {v});
}

Value toBool(const Value& v) {
  if (v.is<bool>()) return v;
  if (v.is<std::string>()) {
    const auto& s = v.as<std::string>();
    if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") return true;
    if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") return false;
    return Value::error("cannot convert " + describe(v) + " to bool");
  }
  return noOverload("bool", {v});
}

Value toDuration(const Value& v) {
  if (v.is<DurationValue>()) return v;
  if (v.is<std::string>()) {
    if (auto parsed = parseDuration(v.as<std::string>())) return *parsed;
    return Value::error(durationTextError(v.as<std::string>(), DurationUnits::Conversion));
  }
  return noOverload("duration", {v});
}

Value toTimestamp(const Value& v) {
  if (v.is<TimestampValue>()) return v;
  if (v.is<std::string>()) {
    if (auto parsed = parseTimestamp(v.as<std::string>())) return *parsed;
    return Value::error(timestampTextError(v.as<std::string>()));
  }
  if (v.is<std::int64_t>()) {
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(v.as<std::int64_t>(), kNanosPerSecond, &ns)) {
      return Value::error("timestamp overflow in conversion of int " + describe(v));
    }
    return TimestampValue{ns};
  }
  return noOverload("timestamp", {v});
}

Value size(const Value& v) {
  if (v.is<std::string>()) return codePoints(v.as<std::string>());
  if (v.is<std::shared_ptr<const ValueList>>()) return static_cast<std::int64_t>(v.list().size());
  if (v.is<std::shared_ptr<const ValueMap>>()) return static_cast<std::int64_t>(v.map().size());
  return noOverload("size", {v});
}

// CEL's `matches` is RE2 syntax with partial-match semantics. RE2 runs in linear time, so
// a pattern from a guard cannot make evaluation hang. Patterns are compiled once
// (regex_cache.h).
Value matches(const Value& text, const Value& pattern) {
  if (!text.is<std::string>() || !pattern.is<std::string>()) return noOverload("matches", {text, pattern});
  const auto re = compiledRegex(pattern.as<std::string>());
  if (!re->ok()) return Value::error("invalid regular expression " + describe(pattern) + ": " + re->error());
  return RE2::PartialMatch(text.as<std::string>(), *re);
}

Value stringTest(std::string_view name, const std::vector<Value>& args) {
  if (args.size() != 2 || !args[0].is<std::string>() || !args[1].is<std::string>()) return noOverload(name, args);
  const std::string_view text = args[0].as<std::string>();
  const std::string_view part = args[1].as<std::string>();
  if (name == "contains") return containsText(text, part);
  if (name == "startsWith") return text.substr(0, part.size()) == part;
  return text.size() >= part.size() && text.substr(text.size() - part.size()) == part;
}

}  // namespace

bool containsText(std::string_view text, std::string_view part) noexcept {
  if (part.empty()) return true;
  // glibc's memmem is the two-way algorithm: linear time, constant space.
  return memmem(text.data(), text.size(), part.data(), part.size()) != nullptr;
}

Value callFunction(std::string_view name, const std::vector<Value>& args, const Environment& environment) {
  for (const auto& function : findGuardFunction(name)) {
    if (function.implementation != nullptr) return function.implementation(args, environment.state);
  }
  const auto one = args.size() == 1;
  if (name == "size" && one) return size(args[0]);
  if (name == "contains" || name == "startsWith" || name == "endsWith") return stringTest(name, args);
  if (name == "matches" && args.size() == 2) return matches(args[0], args[1]);
  if (name == "int" && one) return toInt(args[0]);
  if (name == "uint" && one) return toUint(args[0]);
  if (name == "double" && one) return toDouble(args[0]);
  if (name == "string" && one) return toString(args[0]);
  if (name == "bool" && one) return toBool(args[0]);
  if (name == "duration" && one) return toDuration(args[0]);
  if (name == "timestamp" && one) return toTimestamp(args[0]);
  if (name == "dyn" && one) return args[0];
  return noOverload(name, args);
}

}  // namespace approval::eval
