// Values from JSON (contexts, payloads, `approvalc run` events) checked against the types
// the machine declares, and the checks for values the host passes directly.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "approval/result.h"
#include "approval/types.h"
#include "approval/value.h"

namespace approval::runtime {

/// `json` as a value of `type`; an error says what was expected. Integers are accepted for
/// double; durations are "1h30m"/"3600s" strings and timestamps RFC 3339 strings.
[[nodiscard]] Result<Value> valueFromJson(const nlohmann::json& json, const Type& type);

/// Empty when `value` has type `type`; otherwise what is wrong ("expected int, got string").
[[nodiscard]] std::optional<std::string> typeMismatch(const Value& value, const Type& type);

}  // namespace approval::runtime
