// An event's payload checked against its declared fields: both paths of `fire` (the
// general one and the direct one) accept and refuse exactly the same payloads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "approval/result.h"
#include "approval/value.h"
#include "engine/loaded_machine.h"

namespace approval::runtime {

/// The payload's values in the event's declaration order, defaults filled in; or why the
/// event is refused (an undeclared field, a value of the wrong type, a missing field).
[[nodiscard]] Result<std::vector<Value>> checkPayload(const LoadedMachine& machine, ir::EventIndex index,
                                                      std::string_view eventName,
                                                      const std::map<std::string, Value>& sent);

}  // namespace approval::runtime
