// The reference interpreter: the executable definition of guard semantics (CEL's, for the
// subset approvalc supports). The JIT must agree with it on every expression.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "approval/ir.h"
#include "approval/value.h"

namespace approval {

/// What the approval stdlib asks of the running instance (votes, quorum, time).
/// The three counts are `noexcept`: JIT-compiled guards call them through the vtable,
/// directly from generated code, and nothing may unwind through that code.
class ApprovalState {
 public:
  virtual ~ApprovalState() = default;
  /// Distinct actors that sent `event` during the current visit of the current state.
  [[nodiscard]] virtual std::int64_t votes(std::string_view event) const = 0;
  /// Of those, the ones named on `voters` (`votes(event, voters)`): a vote from anyone else
  /// is recorded but not counted here. A name listed twice is one voter; values that are not
  /// text name no one.
  [[nodiscard]] virtual std::int64_t votesAmong(std::string_view event, const ValueList& voters) const = 0;
  /// Distinct actors that sent the event being applied (`hasQuorum(n)` compares this with n).
  [[nodiscard]] virtual std::int64_t currentEventVotes() const noexcept = 0;
  /// Votes the machine's quorum policy requires now (`hasQuorum()`).
  [[nodiscard]] virtual std::int64_t quorumRequired() const noexcept = 0;
  /// The current event's votes that count for the policy (`hasQuorum()`): a policy over a
  /// voter list (`60% of reviewers`) counts only actors on that list.
  [[nodiscard]] virtual std::int64_t quorumVotes() const noexcept { return currentEventVotes(); }
  /// The time of the event being applied (`now()`), and how long the instance has been in
  /// its state (`timeInState()`): nothing when that is longer than the longest duration
  /// (times span 1677 to 2262, durations ±292 years), which `timeInState()` reports as a
  /// duration overflow, as `-` does for two timestamps that far apart.
  [[nodiscard]] virtual TimestampValue now() const = 0;
  [[nodiscard]] virtual std::optional<DurationValue> timeInState() const = 0;
};

/// The event a guard sees as `event`.
struct EventView {
  std::string id;
  std::string actor;
  TimestampValue time;
  std::map<std::string, Value> payload;
};

/// Everything a guard reads. `context` is indexed like ir::Machine::context.
struct Environment {
  std::span<const Value> context;
  const EventView* event = nullptr;
  const ApprovalState* state = nullptr;  // null: votes/quorum/time functions are errors
};

/// What one evaluation may do, so that a short expression cannot run for hours or fill
/// memory (`[0,1,2,3,4,5,6,7,8,9].all(a, [0,1,2,3,4,5,6,7,8,9].all(b, ...))` nests to 10^n
/// steps; `[l + l].map(a, [a + a].map(b, ...))` doubles a list per level). Past either
/// bound the operation gives an error value, like any other error (`||`, `&&`, `all` and
/// `exists` may still absorb it), and every later one past it does too, at once. The
/// interpreter and the JIT count the same operations in the same order.
/// Elements visited: those of the macros (all, exists, exists_one, filter, map), nested ones
/// included, and, inside a macro, where an operation runs once per element, the size of
/// what each operation whose work grows with its operands reads, counted before it runs:
/// - `==`, `!=`, `<`, `<=`, `>`, `>=`: both operands;
/// - `in`: the value searched for, and a list searched (a map is searched by key);
/// - `container[key]`: the key;
/// - a function call: its string arguments, the receiver included (`contains`,
///   `startsWith`, `endsWith`, `matches`, `size`, conversions...; no function reads a list
///   or a map whole: `size` of one is its length);
/// - a map literal: its keys, which it compares;
/// - a macro over a map: the map's entries, whose keys it lists first.
/// A value's size (eval::readCost) is one per list element and map entry, nested ones
/// included, plus one per kBytesPerVisitedElement bytes of the strings in it, rounded down:
/// scalars and short texts cost nothing, and an operation that costs nothing is never
/// stopped. Outside a macro each operation runs once per evaluation, on operands no larger
/// than the input, so nothing is counted there.
inline constexpr std::uint64_t kMaxMacroElements = 1'000'000;
/// String bytes that count as one visited element: scanning 64 bytes costs about what
/// visiting one macro element does.
inline constexpr std::uint64_t kBytesPerVisitedElement = 64;
/// List elements and string bytes that `+` builds.
inline constexpr std::uint64_t kMaxConcatenatedSize = 1'000'000;

/// Evaluates a checked expression. Never throws; failures are ErrorValues.
[[nodiscard]] Value evaluate(const ir::Expr& expr, const Environment& environment);

/// A guard's verdict: true or false, or the error that stopped it (the transition then
/// does not fire and the error is reported).
[[nodiscard]] Value evaluateGuard(const ir::Expr& guard, const Environment& environment);

}  // namespace approval
