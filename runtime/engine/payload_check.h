// An event's payload checked against its declared fields: both paths of `fire` (the
// general one and the direct one) accept and refuse exactly the same payloads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "approval/result.h"
#include "approval/value.h"
#include "engine/loaded_machine.h"

namespace approval::runtime {

/// Why the event is refused (an undeclared field, a value of the wrong type, a missing
/// field), or nothing; `values`, when given, receives the payload's values in the event's
/// declaration order, defaults filled in.
[[nodiscard]] std::optional<std::string> payloadProblem(const LoadedMachine& machine, ir::EventIndex index,
                                                        std::string_view eventName,
                                                        const std::map<std::string, Value>& sent,
                                                        std::vector<Value>* values = nullptr);

/// Why an event is refused before its payload is looked at (the machine does not declare
/// it), and after (the state has no transition on it): both paths give these reasons.
[[nodiscard]] std::string unknownEventReason(const LoadedMachine& machine, std::string_view eventName);
[[nodiscard]] std::string noTransitionReason(std::string_view eventName, std::string_view state);
/// Why a payload is refused that gives a field the event does not declare: names the
/// fields it does declare, for a misspelt key.
[[nodiscard]] std::string unknownFieldReason(const LoadedMachine& machine, ir::EventIndex index,
                                             std::string_view eventName, std::string_view field);

/// The payload as expressions read it (`event.NAME`): each declared field with its value
/// from `values`, as `payloadProblem` gives them.
[[nodiscard]] std::map<std::string, Value> payloadByName(const LoadedMachine& machine, ir::EventIndex index,
                                                         const std::vector<Value>& values);

/// The payload's values as `payloadProblem` gives them, or its problem as the error.
[[nodiscard]] Result<std::vector<Value>> checkPayload(const LoadedMachine& machine, ir::EventIndex index,
                                                      std::string_view eventName,
                                                      const std::map<std::string, Value>& sent);

}  // namespace approval::runtime
