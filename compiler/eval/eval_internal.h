// Internals of the reference interpreter: operators and stdlib functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "approval/ast.h"
#include "approval/evaluate.h"
#include "approval/value.h"

namespace approval::eval {

/// A non-logical binary operator (relations, `in`, arithmetic) on two non-error values.
[[nodiscard]] Value applyBinary(ast::BinaryOp op, const Value& left, const Value& right);
/// The error `left + right` gives when it would take the size `+` has built in this
/// evaluation (`built`, which it grows by the result's size) past kMaxConcatenatedSize; none
/// when it would not, or when `op` is not a concatenation.
[[nodiscard]] std::optional<Value> chargeConcatenation(ast::BinaryOp op, const Value& left, const Value& right,
                                                       std::uint64_t& built);
/// The error of `what` (a macro, or `in` inside one) when it would take the elements this
/// evaluation visited past kMaxMacroElements.
[[nodiscard]] Value tooManyVisited(std::string_view what);
/// `!x` and `-x` on a non-error value.
[[nodiscard]] Value applyUnary(ast::UnaryOp op, const Value& operand);
/// `container[key]`, and `map.key` with a string key.
[[nodiscard]] Value applyIndex(const Value& container, const Value& key);
/// A stdlib function on evaluated, non-error arguments (the receiver first for receiver calls).
[[nodiscard]] Value callFunction(std::string_view name, const std::vector<Value>& arguments,
                                 const Environment& environment);
/// Text for a value in messages: strings quoted, numbers plain.
[[nodiscard]] std::string describe(const Value& value);
/// The name of a value's kind: "int", "list", ...
[[nodiscard]] std::string kindName(const Value& value);

}  // namespace approval::eval
