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
/// The error of `what` (a macro, or an operation inside one) when it would take the
/// elements this evaluation visited past kMaxMacroElements.
[[nodiscard]] Value tooManyVisited(std::string_view what);

// What an operation inside a macro adds to the visited count for reading its operands
// (approval/evaluate.h). The JIT adds the same parts for the operands it holds boxed; a
// native operand is a scalar, whose part is zero.
/// A value's size: one per list element and map entry, nested ones included, plus one per
/// kBytesPerVisitedElement bytes of its strings, rounded down.
[[nodiscard]] std::uint64_t readCost(const Value& value) noexcept;
/// readCost of a string; zero for any other kind (a function argument).
[[nodiscard]] std::uint64_t textCost(const Value& value) noexcept;
/// readCost of a list; zero for any other kind (what `in` searches).
[[nodiscard]] std::uint64_t listCost(const Value& value) noexcept;
/// A map's entries; zero for any other kind (a macro's range).
[[nodiscard]] std::uint64_t rangeCost(const Value& value) noexcept;
/// A binary operator's: readCost of both operands of a comparison; of the needle and
/// listCost of the container for `in`; zero for arithmetic and `+` (kMaxConcatenatedSize).
[[nodiscard]] std::uint64_t binaryCost(ast::BinaryOp op, const Value& left, const Value& right) noexcept;
/// Whether `part` occurs in `text`, in time linear in both (std::string::find compares
/// the part at every position: a 100,000-byte part in a megabyte of text took 7 s).
[[nodiscard]] bool containsText(std::string_view text, std::string_view part) noexcept;
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
/// Why `key` cannot be added to the map being built, `entries`, or nothing: a key must be an
/// int, uint, bool or string (CEL's key kinds; `dyn` lets others through the checker), and
/// equal to no key there, numbers equal across kinds (`1` and `dyn(1u)` are one key, as
/// lookup finds them).
[[nodiscard]] std::optional<std::string> mapKeyProblem(const ValueMap& entries, const Value& key);

}  // namespace approval::eval
