// Run-time values of guard expressions (CEL values for the types of types.h). Errors are
// values too: CEL's `&&`, `||` and macros absorb some of them (docs/LANGUAGE.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
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

/// The bytes of a long string, which every copy of its Value shares: guards run over
/// payloads from outside, and a macro that only moves a string around (`items.map(x, text)`)
/// must not copy its bytes once per element, which the bounds on an evaluation do not count.
using SharedText = std::shared_ptr<const std::string>;
/// Strings up to this many bytes stay in the Value (std::string's own buffer up to 15, one
/// small allocation beyond): copying one costs no more than reading it inside a macro, which
/// counts one visited element per kBytesPerVisitedElement (64) bytes (approval/evaluate.h),
/// so copies stay bounded by the visits; and the short texts guards work on (tags, actors,
/// ids, emails) keep no reference count. Longer ones are a SharedText.
inline constexpr std::size_t kMaxInlineTextSize = 64;

struct Value {
  using Storage = std::variant<NullValue, bool, std::int64_t, std::uint64_t, double, std::string, DurationValue,
                               TimestampValue, std::shared_ptr<const ValueList>, std::shared_ptr<const ValueMap>,
                               ErrorValue, SharedText>;  // a long string: see SharedText
  Storage data;

  Value() = default;
  Value(NullValue v) : data(v) {}                     // NOLINT: values convert implicitly by design
  Value(bool v) : data(v) {}                          // NOLINT
  Value(std::int64_t v) : data(v) {}                  // NOLINT
  Value(std::uint64_t v) : data(v) {}                 // NOLINT
  Value(double v) : data(v) {}                        // NOLINT
  Value(std::string v) : data(heldText(std::move(v))) {}  // NOLINT
  Value(const char* v) : Value(std::string(v)) {}          // NOLINT
  Value(DurationValue v) : data(v) {}                 // NOLINT
  Value(TimestampValue v) : data(v) {}                // NOLINT
  Value(ValueList v) : data(std::make_shared<const ValueList>(std::move(v))) {}  // NOLINT
  Value(ValueMap v) : data(std::make_shared<const ValueMap>(std::move(v))) {}    // NOLINT
  Value(ErrorValue v) : data(std::move(v)) {}         // NOLINT

  static Value error(std::string message) { return Value(ErrorValue{std::move(message)}); }

  /// `is<std::string>()` and `as<std::string>()` see a string however it is held.
  template <typename T>
  [[nodiscard]] bool is() const {
    if constexpr (std::is_same_v<T, std::string>) {
      return kindIndex() == kStringIndex;
    } else {
      return std::holds_alternative<T>(data);
    }
  }
  template <typename T>
  [[nodiscard]] const T& as() const {
    if constexpr (std::is_same_v<T, std::string>) {
      return text();
    } else {
      return std::get<T>(data);
    }
  }
  // The inline alternative is tested first: guards' texts are short.
  /// A string's text, however it is held; std::bad_variant_access for other kinds.
  [[nodiscard]] const std::string& text() const {
    if (const auto* held = std::get_if<std::string>(&data)) [[likely]] return *held;
    return *std::get<SharedText>(data);
  }
  /// A string's text, or null for other kinds.
  [[nodiscard]] const std::string* textIf() const noexcept {
    if (const auto* held = std::get_if<std::string>(&data)) [[likely]] return held;
    if (const auto* shared = std::get_if<SharedText>(&data)) return shared->get();
    return nullptr;
  }
  /// The index of the value's kind in Storage: a long string's is std::string's, so that one
  /// text is one kind (ordering, equality) whichever way it is held.
  [[nodiscard]] std::size_t kindIndex() const noexcept {
    const std::size_t index = data.index();
    return index == kSharedTextIndex ? kStringIndex : index;
  }
  static constexpr std::size_t kStringIndex = 5;
  static constexpr std::size_t kSharedTextIndex = 11;
  [[nodiscard]] bool isError() const { return is<ErrorValue>(); }
  [[nodiscard]] const ValueList& list() const { return *as<std::shared_ptr<const ValueList>>(); }
  [[nodiscard]] const ValueMap& map() const { return *as<std::shared_ptr<const ValueMap>>(); }

  /// CEL equality of two values of one type (lists and maps element-wise).
  friend bool operator==(const Value& a, const Value& b);

 private:
  /// Short texts inline, long ones shared (kMaxInlineTextSize).
  static Storage heldText(std::string&& text) {
    if (text.size() <= kMaxInlineTextSize) return Storage(std::in_place_type<std::string>, std::move(text));
    return sharedText(std::move(text));
  }
  static Storage sharedText(std::string&& text);
};

static_assert(std::is_same_v<std::variant_alternative_t<Value::kStringIndex, Value::Storage>, std::string>);
static_assert(std::is_same_v<std::variant_alternative_t<Value::kSharedTextIndex, Value::Storage>, SharedText>);

/// The name of a value's kind in messages: "int", "list", "error"...
[[nodiscard]] inline std::string_view valueKindName(const Value& value) {
  static constexpr std::string_view kNames[] = {"null",     "bool",      "int",  "uint", "double", "string",
                                                "duration", "timestamp", "list", "map",  "error"};
  return kNames[value.kindIndex()];
}

/// CEL's JSON form of a value, as `approvalc eval` prints it: numbers, strings, lists,
/// maps; uint as a number; durations as "3600s"; timestamps in RFC 3339; errors as
/// {"error": message}.
[[nodiscard]] std::string toJsonText(const Value& value);

}  // namespace approval
