// Whether a computed value has a declared type: the runtime checks contexts and payloads the
// host passes with it, and the compiler checks the defaults it computes (`dyn` hides a
// default's type from the type checker, not from this).
#pragma once

#include <optional>
#include <string>

#include "approval/types.h"
#include "approval/value.h"

namespace approval {

/// Empty when `value` has type `type`; otherwise what is wrong ("expected int, got string").
/// Lists and maps are checked element by element, map keys too; `dyn` accepts anything.
[[nodiscard]] std::optional<std::string> typeMismatch(const Value& value, const Type& type);

}  // namespace approval
