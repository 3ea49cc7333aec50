#include "engine/payload_check.h"

#include <algorithm>

#include "approval/utf8.h"
#include "engine/typed_values.h"

namespace approval::runtime {

namespace {

std::string joinNames(const std::vector<PayloadField>& fields) {
  std::string names;
  for (const auto& field : fields) names += (names.empty() ? "" : ", ") + field.name;
  return names.empty() ? "none" : names;
}

/// Whether every text in `value` (lists and maps included, their keys too) is valid UTF-8.
bool textIsUtf8(const Value& value) {
  if (value.is<std::string>()) return isValidUtf8(value.as<std::string>());
  if (value.is<std::shared_ptr<const ValueList>>()) {
    return std::all_of(value.list().begin(), value.list().end(), textIsUtf8);
  }
  if (value.is<std::shared_ptr<const ValueMap>>()) {
    return std::all_of(value.map().begin(), value.map().end(),
                       [](const auto& entry) { return textIsUtf8(entry.first) && textIsUtf8(entry.second); });
  }
  return true;
}

}  // namespace

std::string unknownEventReason(const LoadedMachine& machine, std::string_view eventName) {
  return "`" + machine.ir.name + "` has no event `" + excerptForMessage(eventName) + "`";
}

std::string noTransitionReason(std::string_view eventName, std::string_view state) {
  return "no transition on `" + excerptForMessage(eventName) + "` from state `" + std::string(state) + "`";
}

std::string unknownFieldReason(const LoadedMachine& machine, ir::EventIndex index, std::string_view eventName,
                               std::string_view field) {
  return "event `" + std::string(eventName) + "` has no field `" + excerptForMessage(field) +
         "` (its fields: " + joinNames(machine.payloads[index]) + ")";
}

std::optional<std::string> payloadProblem(const LoadedMachine& machine, ir::EventIndex index,
                                          std::string_view eventName, const std::map<std::string, Value>& sent,
                                          std::vector<Value>* values) {
  const auto& fields = machine.payloads[index];
  for (const auto& entry : sent) {
    const std::string& name = entry.first;  // a name, not a structured binding: clang 14 cannot capture those
    const bool declared = std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.name == name; });
    if (!declared) return unknownFieldReason(machine, index, eventName, name);
  }
  if (values != nullptr) values->reserve(fields.size());
  for (const auto& field : fields) {
    auto found = sent.find(field.name);
    if (found != sent.end()) {
      if (auto problem = typeMismatch(found->second, field.type)) {
        return "field `" + field.name + "` of `" + std::string(eventName) + "`: " + *problem;
      }
      if (!textIsUtf8(found->second)) {
        return "field `" + field.name + "` of `" + std::string(eventName) +
               "`: its text is not valid UTF-8 (strings are Unicode text; send bytes as a list of ints)";
      }
      if (values != nullptr) values->push_back(found->second);
    } else if (field.defaultValue) {
      if (values != nullptr) values->push_back(*field.defaultValue);
    } else {
      return "event `" + std::string(eventName) + "` needs field `" + field.name + "`";
    }
  }
  return std::nullopt;
}

std::map<std::string, Value> payloadByName(const LoadedMachine& machine, ir::EventIndex index,
                                           const std::vector<Value>& values) {
  std::map<std::string, Value> payload;
  const auto& fields = machine.payloads[index];
  for (std::size_t f = 0; f < fields.size() && f < values.size(); ++f) payload.emplace(fields[f].name, values[f]);
  return payload;
}

Result<std::vector<Value>> checkPayload(const LoadedMachine& machine, ir::EventIndex index, std::string_view eventName,
                                        const std::map<std::string, Value>& sent) {
  std::vector<Value> values;
  if (auto problem = payloadProblem(machine, index, eventName, sent, &values)) return Error{std::move(*problem)};
  return values;
}

}  // namespace approval::runtime
