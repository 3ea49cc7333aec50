#include "engine/typed_values.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "approval/engine.h"
#include "approval/time_text.h"
#include "approval/utf8.h"

namespace approval::runtime {

namespace {

/// `text` for a message: a line of its own at most, however long the input.
std::string shownText(std::string_view text) {
  if (text.size() <= 60) return std::string(text);
  return std::string(text.substr(0, 57)) + "...";
}

Error expected(const Type& type, const nlohmann::json& json) {
  return Error{"expected " + type.spelling() + ", got " + shownText(json.dump())};
}

}  // namespace

namespace {

/// The units duration text may use (durationFromText: `duration("...")`'s and the DSL's), in
/// nanoseconds.
struct DurationUnit {
  std::string_view name;
  long double nanoseconds;
};
constexpr DurationUnit kDurationUnits[] = {
    {"ns", 1.0L},         {"us", 1e3L},         {"\xC2\xB5s", 1e3L},  // µs (micro sign)
    {"\xCE\xBCs", 1e3L}, {"ms", 1e6L},         {"s", 1e9L},
    {"m", 60e9L},         {"h", 3600e9L},       {"d", 86400e9L}};
constexpr std::string_view kUnitList = "ns, us (or \xC2\xB5s), ms, s, m, h and d";
constexpr std::string_view kExamples = "write 48h, 1h30m or 3600s";

const DurationUnit* findUnit(std::string_view name) {
  for (const auto& unit : kDurationUnits) {
    if (unit.name == name) return &unit;
  }
  return nullptr;
}

}  // namespace

/// durationFromText refused `text`: says why. A misspelt unit is named, and only text whose
/// units all exist and whose size exceeds the range is called out of range.
Result<DurationValue> parseDurationText(std::string_view text) {
  if (auto value = durationFromText(text)) return *value;
  const std::string shown = "`" + shownText(text) + "`";
  const auto parts = durationTextParts(text);
  if (!parts) return Error{shown + " is not a duration (" + std::string(kExamples) + ")"};  // `soon`, `1h + 2h`
  long double nanoseconds = 0;
  for (const auto& part : *parts) {
    const DurationUnit* unit = findUnit(part.unit);
    if (unit == nullptr) {
      return Error{shown + " is not a duration: `" + shownText(part.unit) + "` is not a unit; the units are " +
                   std::string(kUnitList) + " (" + std::string(kExamples) + ")"};
    }
    nanoseconds += std::strtold(std::string(part.number).c_str(), nullptr) * unit->nanoseconds;
  }
  if (nanoseconds > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    return Error{shown + " is not a duration of at most 292 years, 106751d (" + std::string(kExamples) + ")"};
  }
  // Known units within range, in a form neither reader takes (`1.5d`, `-1d`, `1d1ns`).
  return Error{shown + " is not a duration: `d` takes whole days, without a sign, a fraction or `ns`/`us` beside it (" +
               std::string(kExamples) + ")"};
}

Result<TimestampValue> parseTimestampText(std::string_view text) {
  if (auto value = timestampFromText(text)) return *value;
  return Error{"`" + shownText(text) + "` is not an RFC 3339 timestamp from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (write 2024-01-02T03:04:05Z)"};
}

Result<Value> valueFromJson(const nlohmann::json& json, const Type& type) {
  switch (type.kind) {
    case TypeKind::Bool:
      if (json.is_boolean()) return Value(json.get<bool>());
      break;
    case TypeKind::Int:
      if (json.is_number_integer() &&
          (json.is_number_unsigned() ? json.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max() : true)) {
        return Value(json.get<std::int64_t>());
      }
      break;
    case TypeKind::Uint:
      if (json.is_number_unsigned()) return Value(json.get<std::uint64_t>());
      break;
    case TypeKind::Double:
      if (json.is_number()) return Value(json.get<double>());
      // What JSON has no number for, spelled as the views show it (proto3's JSON mapping).
      if (json == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
      if (json == "Infinity") return Value(std::numeric_limits<double>::infinity());
      if (json == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
      break;
    case TypeKind::String:
      if (json.is_string()) return Value(json.get<std::string>());
      break;
    case TypeKind::Duration:
    case TypeKind::Timestamp:
      if (json.is_string()) {
        const auto& text = json.get_ref<const std::string&>();
        if (type.is(TypeKind::Timestamp)) {
          if (auto value = timestampFromText(text)) return Value(*value);
        } else if (auto value = durationFromText(text)) {
          return Value(*value);
        }
      }
      break;
    case TypeKind::List:
      if (json.is_array()) {
        ValueList elements;
        for (const auto& item : json) {
          auto element = valueFromJson(item, type.parameters.at(0));
          if (!element) return element.error();
          elements.push_back(std::move(element).value());
        }
        return Value(std::move(elements));
      }
      break;
    case TypeKind::Map:
      if (json.is_object()) {
        ValueMap entries;
        for (const auto& [key, item] : json.items()) {
          auto element = valueFromJson(item, type.parameters.at(1));
          if (!element) return Error{"in \"" + excerptForMessage(key) + "\": " + element.error().message};
          entries.emplace(Value(key), std::move(element).value());
        }
        return Value(std::move(entries));
      }
      break;
    default: return Error{"fields of type " + type.spelling() + " cannot be given as JSON"};
  }
  return expected(type, json);
}

}  // namespace approval::runtime
