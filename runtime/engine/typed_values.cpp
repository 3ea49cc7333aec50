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

Result<DurationValue> parseDurationText(std::string_view text) {
  if (auto value = durationFromText(text)) return *value;
  return Error{durationTextError(text, DurationUnits::TextOrLiteral)};
}

Result<TimestampValue> parseTimestampText(std::string_view text) {
  if (auto value = timestampFromText(text)) return *value;
  return Error{timestampTextError(text)};
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
