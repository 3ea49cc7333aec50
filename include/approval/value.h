// Run-time values of guard expressions (CEL values for the types of types.h). Errors are
// values too: CEL's `&&`, `||` and macros absorb some of them (docs/LANGUAGE.md).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace approval {

struct Value;

struct NullValue {
  bool operator==(const NullValue&) const = default;
};
/// CEL durations and timestamps have nanosecond precision.
struct DurationValue {
  std::int64_t nanoseconds = 0;
  bool operator==(const DurationValue&) const = default;
};
/// Nanoseconds since 1970-01-01T00:00:00Z.
struct TimestampValue {
  std::int64_t nanoseconds = 0;
  bool operator==(const TimestampValue&) const = default;
};
/// The result of an expression that failed: overflow, division by zero, a bad index...
struct ErrorValue {
  std::string message;
  bool operator==(const ErrorValue&) const = default;
};

/// Orders map keys (string, int, uint, bool): by kind, then by value.
struct ValueKeyLess {
  bool operator()(const Value& a, const Value& b) const;
};

using ValueList = std::vector<Value>;
using ValueMap = std::map<Value, Value, ValueKeyLess>;

struct Value {
  using Storage = std::variant<NullValue, bool, std::int64_t, std::uint64_t, double, std::string, DurationValue,
                               TimestampValue, std::shared_ptr<const ValueList>, std::shared_ptr<const ValueMap>,
                               ErrorValue>;
  Storage data;

  Value() = default;
  Value(NullValue v) : data(v) {}                     // NOLINT: values convert implicitly by design
  Value(bool v) : data(v) {}                          // NOLINT
  Value(std::int64_t v) : data(v) {}                  // NOLINT
  Value(std::uint64_t v) : data(v) {}                 // NOLINT
  Value(double v) : data(v) {}                        // NOLINT
  Value(std::string v) : data(std::move(v)) {}        // NOLINT
  Value(const char* v) : data(std::string(v)) {}      // NOLINT
  Value(DurationValue v) : data(v) {}                 // NOLINT
  Value(TimestampValue v) : data(v) {}                // NOLINT
  Value(ValueList v) : data(std::make_shared<const ValueList>(std::move(v))) {}  // NOLINT
  Value(ValueMap v) : data(std::make_shared<const ValueMap>(std::move(v))) {}    // NOLINT
  Value(ErrorValue v) : data(std::move(v)) {}         // NOLINT

  static Value error(std::string message) { return Value(ErrorValue{std::move(message)}); }

  template <typename T>
  [[nodiscard]] bool is() const { return std::holds_alternative<T>(data); }
  template <typename T>
  [[nodiscard]] const T& as() const { return std::get<T>(data); }
  [[nodiscard]] bool isError() const { return is<ErrorValue>(); }
  [[nodiscard]] const ValueList& list() const { return *as<std::shared_ptr<const ValueList>>(); }
  [[nodiscard]] const ValueMap& map() const { return *as<std::shared_ptr<const ValueMap>>(); }

  /// CEL equality of two values of one type (lists and maps element-wise).
  friend bool operator==(const Value& a, const Value& b);
};

/// The name of a value's kind in messages: "int", "list", "error"...
[[nodiscard]] inline std::string_view valueKindName(const Value& value) {
  static constexpr std::string_view kNames[] = {"null",     "bool",      "int",  "uint", "double", "string",
                                                "duration", "timestamp", "list", "map",  "error"};
  return kNames[value.data.index()];
}

/// CEL's JSON form of a value, as `approvalc eval` prints it: numbers, strings, lists,
/// maps; uint as a number; durations as "3600s"; timestamps in RFC 3339; errors as
/// {"error": message}.
[[nodiscard]] std::string toJsonText(const Value& value);

}  // namespace approval
