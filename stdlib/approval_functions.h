// The approval stdlib's implementations, referenced from the function table.
#pragma once

#include <span>

#include "approval/evaluate.h"
#include "approval/value.h"

namespace approval::stdlib {

Value votes(std::span<const Value> arguments, const ApprovalState* state);
Value hasQuorum(std::span<const Value> arguments, const ApprovalState* state);
Value now(std::span<const Value> arguments, const ApprovalState* state);
Value timeInState(std::span<const Value> arguments, const ApprovalState* state);
Value hashBucket(std::span<const Value> arguments, const ApprovalState* state);

}  // namespace approval::stdlib
