#include "approval/record_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "approval/json_input.h"

namespace approval::runtime {

namespace {

using nlohmann::json;

// ---- encoding ----

/// One tag and its payload: the form of the kinds plain JSON cannot tell apart.
json tagged(const char* tag, json payload) {
  json object = json::object();
  object[tag] = std::move(payload);
  return object;
}

json listToJson(std::span<const Value> values);

json toJson(const Value& value) {
  if (value.is<NullValue>()) return nullptr;
  if (value.is<bool>()) return value.as<bool>();
  if (value.is<std::int64_t>()) return value.as<std::int64_t>();
  if (value.is<std::uint64_t>()) return tagged("uint", value.as<std::uint64_t>());
  if (value.is<double>()) {
    const double number = value.as<double>();
    if (std::isnan(number)) return tagged("double", "nan");
    if (std::isinf(number)) return tagged("double", number > 0 ? "inf" : "-inf");
    return tagged("double", number);
  }
  if (const std::string* text = value.textIf()) return *text;
  if (value.is<DurationValue>()) return tagged("duration", value.as<DurationValue>().nanoseconds);
  if (value.is<TimestampValue>()) return tagged("timestamp", value.as<TimestampValue>().nanoseconds);
  if (value.is<std::shared_ptr<const ValueList>>()) return listToJson(*value.as<std::shared_ptr<const ValueList>>());
  if (value.is<std::shared_ptr<const ValueMap>>()) {
    json pairs = json::array();
    for (const auto& [key, item] : *value.as<std::shared_ptr<const ValueMap>>()) {
      pairs.push_back(json::array({toJson(key), toJson(item)}));
    }
    return tagged("map", std::move(pairs));
  }
  return tagged("error", value.as<ErrorValue>().message);
}

json listToJson(std::span<const Value> values) {
  json items = json::array();
  for (const Value& value : values) items.push_back(toJson(value));
  return items;
}

/// The text of `document`; an Error for a string that is not valid UTF-8.
Result<std::string> strictText(const json& document, std::string_view what) {
  try {
    return document.dump();
  } catch (const json::type_error& error) {
    return Error{std::string(what) + " cannot be written as JSON: " + jsonErrorMessage(error)};
  }
}

// ---- decoding ----

/// `inner`, said from one level up: its path gains `step` ("/3", "/map").
Error within(std::string_view step, const Error& inner) {
  const bool hasPath = !inner.message.empty() && inner.message.front() == '/';
  return Error{std::string(step) + (hasPath ? "" : ": ") + inner.message};
}

Error withIndex(std::size_t index, const Error& inner) { return within("/" + std::to_string(index), inner); }

/// Said at the top: "at PATH: what", or just "what" for the document itself.
Error located(std::string_view what, const Error& inner) {
  if (!inner.message.empty() && inner.message.front() == '/') return Error{std::string(what) + " at " + inner.message};
  return Error{std::string(what) + ": " + inner.message};
}

Result<json> parsed(std::string_view text, std::string_view what) {
  auto document = parseJsonInput(text, kMaxRecordJsonNesting);
  if (!document) return Error{std::string(what) + " cannot be read as JSON: " + document.error().message};
  return document;
}

Result<Value> fromJson(const json& node);

Result<ValueList> listFromJson(const json& items) {
  ValueList list;
  list.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto item = fromJson(items[i]);
    if (!item) return withIndex(i, item.error());
    list.push_back(std::move(item).value());
  }
  return list;
}

Result<Value> mapFromJson(const json& pairs) {
  if (!pairs.is_array()) return Error{"a map is an array of [key, value] pairs"};
  ValueMap map;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const json& pair = pairs[i];
    if (!pair.is_array() || pair.size() != 2) return withIndex(i, Error{"a map entry is a [key, value] pair"});
    auto key = fromJson(pair[0]);
    if (!key) return withIndex(i, within("/0", key.error()));
    auto item = fromJson(pair[1]);
    if (!item) return withIndex(i, within("/1", item.error()));
    if (!map.emplace(std::move(key).value(), std::move(item).value()).second) {
      return withIndex(i, Error{"a map key repeats"});
    }
  }
  return Value(std::move(map));
}

Result<Value> doubleFromJson(const json& payload) {
  if (payload.is_number()) return Value(payload.get<double>());
  if (payload == "nan") return Value(std::numeric_limits<double>::quiet_NaN());
  if (payload == "inf") return Value(std::numeric_limits<double>::infinity());
  if (payload == "-inf") return Value(-std::numeric_limits<double>::infinity());
  return Error{"a double is a number, \"nan\", \"inf\" or \"-inf\""};
}

/// A JSON integer that fits `std::int64_t`, for nanosecond counts and ints.
Result<std::int64_t> int64FromJson(const json& payload, std::string_view what) {
  if (payload.is_number_unsigned()) {
    if (payload.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Error{std::string(what) + " is out of range (64-bit signed; a uint is {\"uint\": n})"};
    }
    return static_cast<std::int64_t>(payload.get<std::uint64_t>());
  }
  if (payload.is_number_integer()) return payload.get<std::int64_t>();
  return Error{std::string(what) + " must be a JSON integer"};
}

Result<Value> taggedFromJson(const json& object) {
  if (object.size() != 1) return Error{"a tagged value is an object with one of uint, double, duration, timestamp, map, error"};
  const auto only = object.begin();  // not items(): its proxy's key dies with the statement
  const std::string& tag = only.key();
  const json& payload = only.value();
  if (tag == "uint") {
    if (!payload.is_number_unsigned()) return Error{"a uint is a non-negative JSON integer"};
    return Value(payload.get<std::uint64_t>());
  }
  if (tag == "double") return doubleFromJson(payload);
  if (tag == "duration" || tag == "timestamp") {
    auto nanoseconds = int64FromJson(payload, "a " + tag + "'s nanoseconds");
    if (!nanoseconds) return nanoseconds.error();
    if (tag == "duration") return Value(DurationValue{nanoseconds.value()});
    return Value(TimestampValue{nanoseconds.value()});
  }
  if (tag == "map") {
    auto map = mapFromJson(payload);
    if (!map) return within("/map", map.error());
    return map;
  }
  if (tag == "error") {
    if (!payload.is_string()) return Error{"an error value's message is a string"};
    return Value::error(payload.get<std::string>());
  }
  return Error{"`" + tag + "` is not a tag (uint, double, duration, timestamp, map, error)"};
}

Result<Value> fromJson(const json& node) {
  switch (node.type()) {
    case json::value_t::null: return Value(NullValue{});
    case json::value_t::boolean: return Value(node.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      auto number = int64FromJson(node, "an int");
      if (!number) return number.error();
      return Value(number.value());
    }
    case json::value_t::number_float: return Error{"a double is written {\"double\": x}; a plain number is an int"};
    case json::value_t::string: return Value(node.get<std::string>());
    case json::value_t::array: {
      auto list = listFromJson(node);
      if (!list) return list.error();
      return Value(std::move(list).value());
    }
    case json::value_t::object: return taggedFromJson(node);
    default: return Error{"binary JSON values are not values"};
  }
}

Result<std::string> stringFromJson(const json& node, std::string_view what) {
  if (!node.is_string()) return Error{std::string(what) + " must be a string"};
  return node.get<std::string>();
}

Result<std::vector<std::string>> stringsFromJson(const json& node, std::string_view what) {
  if (!node.is_array()) return Error{std::string(what) + " must be an array of strings"};
  std::vector<std::string> texts;
  texts.reserve(node.size());
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto text = stringFromJson(node[i], "each element");
    if (!text) return withIndex(i, text.error());
    texts.push_back(std::move(text).value());
  }
  return texts;
}

/// What makes one event's voters unlike any votesToJson writes: the engine counts an event's
/// voters as its list's length and finds an actor by binary search, so a name listed twice
/// would be two votes, and a list out of order would take a repeated vote for a new one. Nor
/// may an event come twice: only its first list would be counted.
std::optional<Error> votersProblem(const decltype(InstanceRecord::votes)& before, const std::string& event,
                                   const std::vector<std::string>& actors) {
  if (std::any_of(before.begin(), before.end(), [&](const auto& earlier) { return earlier.first == event; })) {
    return within("/0", Error{"the event's votes are listed earlier already"});
  }
  const auto unordered = std::adjacent_find(actors.begin(), actors.end(), std::greater_equal<>());
  if (unordered == actors.end()) return std::nullopt;
  const auto second = static_cast<std::size_t>(unordered - actors.begin()) + 1;
  return within("/1", withIndex(second, Error{"the actors must be distinct and sorted: this one does not come after "
                                               "the one before"}));
}

}  // namespace

Result<std::string> valuesToJson(std::span<const Value> values) { return strictText(listToJson(values), "a value"); }

Result<std::vector<Value>> valuesFromJson(std::string_view text) {
  auto document = parsed(text, "stored values");
  if (!document) return document.error();
  if (!document.value().is_array()) return Error{"stored values must be a JSON array"};
  auto list = listFromJson(document.value());
  if (!list) return located("stored values", list.error());
  return std::move(list).value();
}

Result<std::string> votesToJson(const decltype(InstanceRecord::votes)& votes) {
  json pairs = json::array();
  for (const auto& [event, actors] : votes) pairs.push_back(json::array({event, actors}));
  return strictText(pairs, "a vote");
}

Result<decltype(InstanceRecord::votes)> votesFromJson(std::string_view text) {
  auto document = parsed(text, "stored votes");
  if (!document) return document.error();
  const json& pairs = document.value();
  if (!pairs.is_array()) return Error{"stored votes must be a JSON array of [event, [actors]] pairs"};
  decltype(InstanceRecord::votes) votes;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const json& pair = pairs[i];
    if (!pair.is_array() || pair.size() != 2) {
      return located("stored votes", withIndex(i, Error{"each element is an [event, [actors]] pair"}));
    }
    auto event = stringFromJson(pair[0], "the event");
    if (!event) return located("stored votes", withIndex(i, within("/0", event.error())));
    auto actors = stringsFromJson(pair[1], "the actors");
    if (!actors) return located("stored votes", withIndex(i, within("/1", actors.error())));
    if (auto problem = votersProblem(votes, event.value(), actors.value())) {
      return located("stored votes", withIndex(i, *problem));
    }
    votes.emplace_back(std::move(event).value(), std::move(actors).value());
  }
  return votes;
}

Result<std::string> sagaToJson(const std::vector<SagaStep>& saga) {
  json steps = json::array();
  for (const SagaStep& step : saga) steps.push_back({{"action", step.action}, {"arguments", listToJson(step.arguments)}});
  return strictText(steps, "a saga step");
}

Result<std::vector<SagaStep>> sagaFromJson(std::string_view text) {
  auto document = parsed(text, "a stored saga");
  if (!document) return document.error();
  const json& steps = document.value();
  if (!steps.is_array()) return Error{"a stored saga must be a JSON array of steps"};
  std::vector<SagaStep> saga;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const json& step = steps[i];
    if (!step.is_object() || step.size() != 2 || !step.contains("action") || !step.contains("arguments")) {
      return located("a stored saga", withIndex(i, Error{"each step is {\"action\": name, \"arguments\": [values]}"}));
    }
    auto action = stringFromJson(step["action"], "the action");
    if (!action) return located("a stored saga", withIndex(i, within("/action", action.error())));
    if (!step["arguments"].is_array()) {
      return located("a stored saga", withIndex(i, Error{"/arguments: the arguments must be an array"}));
    }
    auto arguments = listFromJson(step["arguments"]);
    if (!arguments) return located("a stored saga", withIndex(i, within("/arguments", arguments.error())));
    saga.push_back({std::move(action).value(), std::move(arguments).value()});
  }
  return saga;
}

std::string journalEntryToJson(const JournalEntry& entry) {
  const json object = {{"eventId", entry.eventId}, {"event", entry.event},     {"actor", entry.actor},
                       {"time", entry.time.nanoseconds}, {"answer", entry.answer}, {"detail", entry.detail},
                       {"guards", entry.guards},   {"actions", entry.actions}, {"emitted", entry.emitted},
                       {"votes", entry.votes}};
  return object.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<JournalEntry> journalEntryFromJson(std::string_view text) {
  auto document = parsed(text, "a stored journal entry");
  if (!document) return document.error();
  const json& object = document.value();
  static constexpr std::string_view kFields[] = {"eventId", "event", "actor",   "time",    "answer",
                                                 "detail",  "guards", "actions", "emitted", "votes"};
  if (!object.is_object()) return Error{"a stored journal entry must be a JSON object"};
  for (std::string_view field : kFields) {
    if (!object.contains(field)) return Error{"a stored journal entry has no `" + std::string(field) + "`"};
  }
  if (object.size() != std::size(kFields)) return Error{"a stored journal entry has fields it should not have"};
  JournalEntry entry;
  std::string* texts[] = {&entry.eventId, &entry.event, &entry.actor, &entry.answer, &entry.detail};
  const char* textFields[] = {"eventId", "event", "actor", "answer", "detail"};
  for (std::size_t i = 0; i < std::size(texts); ++i) {
    auto text = stringFromJson(object[textFields[i]], "the value");
    if (!text) return located("a stored journal entry", within(std::string("/") + textFields[i], text.error()));
    *texts[i] = std::move(text).value();
  }
  std::vector<std::string>* lists[] = {&entry.guards, &entry.actions, &entry.emitted};
  const char* listFields[] = {"guards", "actions", "emitted"};
  for (std::size_t i = 0; i < std::size(lists); ++i) {
    auto list = stringsFromJson(object[listFields[i]], "the value");
    if (!list) return located("a stored journal entry", within(std::string("/") + listFields[i], list.error()));
    *lists[i] = std::move(list).value();
  }
  auto time = int64FromJson(object["time"], "the value");
  if (!time) return located("a stored journal entry", within("/time", time.error()));
  entry.time = TimestampValue{time.value()};
  auto votes = int64FromJson(object["votes"], "the value");
  if (!votes) return located("a stored journal entry", within("/votes", votes.error()));
  entry.votes = votes.value();
  return entry;
}

}  // namespace approval::runtime
