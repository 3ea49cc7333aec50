#include "engine/payload_check.h"

#include <algorithm>

#include "engine/typed_values.h"

namespace approval::runtime {

namespace {

std::string joinNames(const std::vector<PayloadField>& fields) {
  std::string names;
  for (const auto& field : fields) names += (names.empty() ? "" : ", ") + field.name;
  return names.empty() ? "none" : names;
}

}  // namespace

Result<std::vector<Value>> checkPayload(const LoadedMachine& machine, ir::EventIndex index, std::string_view eventName,
                                        const std::map<std::string, Value>& sent) {
  const auto& fields = machine.payloads[index];
  const std::string event(eventName);
  for (const auto& [name, value] : sent) {
    const bool declared = std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.name == name; });
    if (!declared) {
      return Error{"event `" + event + "` has no field `" + name + "` (its fields: " + joinNames(fields) + ")"};
    }
  }
  std::vector<Value> values;
  values.reserve(fields.size());
  for (const auto& field : fields) {
    auto found = sent.find(field.name);
    if (found != sent.end()) {
      if (auto problem = typeMismatch(found->second, field.type)) {
        return Error{"field `" + field.name + "` of `" + event + "`: " + *problem};
      }
      values.push_back(found->second);
    } else if (field.defaultValue) {
      values.push_back(*field.defaultValue);
    } else {
      return Error{"event `" + event + "` needs field `" + field.name + "`"};
    }
  }
  return values;
}

}  // namespace approval::runtime
