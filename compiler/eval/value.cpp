// Value ordering (map keys), CEL equality and the JSON form `approvalc eval` prints.
#include "approval/value.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "eval/time_format.h"

namespace approval {

namespace {

// Exact equality across the numeric kinds; `numeric` says whether both were numbers.
bool numericEqual(const Value& a, const Value& b, bool& numeric) {
  numeric = true;
  if (a.is<std::int64_t>() && b.is<std::uint64_t>()) {
    return a.as<std::int64_t>() >= 0 && static_cast<std::uint64_t>(a.as<std::int64_t>()) == b.as<std::uint64_t>();
  }
  if (a.is<std::uint64_t>() && b.is<std::int64_t>()) return numericEqual(b, a, numeric);
  if (a.is<double>() && (b.is<std::int64_t>() || b.is<std::uint64_t>())) return numericEqual(b, a, numeric);
  if (a.is<std::int64_t>() && b.is<double>()) {
    const double d = b.as<double>();
    if (std::isnan(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0 || std::trunc(d) != d) return false;
    return static_cast<std::int64_t>(d) == a.as<std::int64_t>();
  }
  if (a.is<std::uint64_t>() && b.is<double>()) {
    const double d = b.as<double>();
    if (std::isnan(d) || d < 0 || d >= 18446744073709551616.0 || std::trunc(d) != d) return false;
    return static_cast<std::uint64_t>(d) == a.as<std::uint64_t>();
  }
  numeric = false;
  return false;
}

nlohmann::json toJson(const Value& value);

std::string keyText(const Value& key) {
  if (key.is<std::string>()) return key.as<std::string>();
  if (key.is<std::int64_t>()) return std::to_string(key.as<std::int64_t>());
  if (key.is<std::uint64_t>()) return std::to_string(key.as<std::uint64_t>());
  if (key.is<bool>()) return key.as<bool>() ? "true" : "false";
  const auto json = toJson(key);
  return json.is_string() ? json.get<std::string>() : json.dump();
}

nlohmann::json toJson(const Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, NullValue>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isnan(v)) return "NaN";
          if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
          return v;
        } else if constexpr (std::is_same_v<T, DurationValue>) {
          return eval::formatDuration(v);
        } else if constexpr (std::is_same_v<T, TimestampValue>) {
          return eval::formatTimestamp(v);
        } else if constexpr (std::is_same_v<T, std::shared_ptr<const ValueList>>) {
          auto array = nlohmann::json::array();
          for (const auto& element : *v) array.push_back(toJson(element));
          return array;
        } else if constexpr (std::is_same_v<T, std::shared_ptr<const ValueMap>>) {
          auto object = nlohmann::json::object();
          for (const auto& [key, element] : *v) object[keyText(key)] = toJson(element);
          return object;
        } else if constexpr (std::is_same_v<T, ErrorValue>) {
          return nlohmann::json{{"error", v.message}};
        } else if constexpr (std::is_same_v<T, SharedText>) {
          return *v;
        } else {
          return v;  // bool, int64, uint64, string
        }
      },
      value.data);
}

}  // namespace

Value::Storage Value::sharedText(std::string&& text) {
  return Storage(std::in_place_type<SharedText>, std::make_shared<const std::string>(std::move(text)));
}

bool ValueKeyLess::operator()(const Value& a, const Value& b) const {
  if (a.kindIndex() != b.kindIndex()) return a.kindIndex() < b.kindIndex();
  if (const auto* left = a.textIf()) return *left < b.text();  // bytewise, however each is held
  return std::visit(
      [&b](const auto& left) -> bool {
        using T = std::decay_t<decltype(left)>;
        const auto& right = std::get<T>(b.data);
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t> ||
                      std::is_same_v<T, double>) {
          return left < right;
        } else if constexpr (std::is_same_v<T, DurationValue> || std::is_same_v<T, TimestampValue>) {
          return left.nanoseconds < right.nanoseconds;
        } else if constexpr (std::is_same_v<T, ErrorValue>) {
          return left.message < right.message;
        } else {
          return false;  // null, lists and maps are not keys
        }
      },
      a.data);
}

bool operator==(const Value& a, const Value& b) {
  if (a.kindIndex() != b.kindIndex()) {
    bool numeric = false;
    const bool equal = numericEqual(a, b, numeric);
    return numeric && equal;
  }
  if (const auto* left = a.textIf()) return *left == b.text();  // however each is held
  if (a.is<std::shared_ptr<const ValueList>>()) {
    const auto& left = a.list();
    const auto& right = b.list();
    if (left.size() != right.size()) return false;
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (!(left[i] == right[i])) return false;
    }
    return true;
  }
  if (a.is<std::shared_ptr<const ValueMap>>()) {
    const auto& left = a.map();
    const auto& right = b.map();
    if (left.size() != right.size()) return false;
    for (const auto& [key, value] : left) {
      auto found = right.find(key);
      if (found == right.end() || !(found->second == value)) return false;
    }
    return true;
  }
  return a.data == b.data;  // doubles compare IEEE: NaN != NaN
}

std::string toJsonText(const Value& value) { return toJson(value).dump(); }

}  // namespace approval
