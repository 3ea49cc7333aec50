// Values from JSON (contexts, payloads, `approvalc run` events) checked against the types
// the machine declares. Values the host passes directly are checked by approval/value_type.h.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "approval/result.h"
#include "approval/types.h"
#include "approval/value.h"
#include "approval/value_type.h"

namespace approval::runtime {

/// `json` as a value of `type`; an error says what was expected. Integers are accepted for
/// double; durations are "1h30m"/"3600s" strings and timestamps RFC 3339 strings.
[[nodiscard]] Result<Value> valueFromJson(const nlohmann::json& json, const Type& type);

}  // namespace approval::runtime
