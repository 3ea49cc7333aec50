// The approval stdlib (DESIGN.md "Approval stdlib"): votes and quorum of the current state
// visit, the event's time, time in state, and stable hash buckets. Arguments have been type
// checked; a `dyn` argument of the wrong kind is a "no such overload" error, as in CEL.
#include "approval_functions.h"

#include <string>

namespace approval::stdlib {

namespace {

Value noOverload(std::string_view name, std::span<const Value> arguments) {
  std::string text = "no such overload: " + std::string(name) + "(";
  for (std::size_t i = 0; i < arguments.size(); ++i) text += (i ? ", " : "") + std::string(valueKindName(arguments[i]));
  return Value::error(text + ")");
}

Value noState(std::string_view name) {
  return Value::error("no instance state: `" + std::string(name) + "` needs a running instance");
}

}  // namespace

Value votes(std::span<const Value> arguments, const ApprovalState* state) {
  if (state == nullptr) return noState("votes");
  if (arguments.empty() || !arguments[0].is<std::string>()) return noOverload("votes", arguments);
  if (arguments.size() == 1) return state->votes(arguments[0].as<std::string>());
  if (arguments.size() == 2 && arguments[1].is<std::shared_ptr<const ValueList>>()) {
    return state->votesAmong(arguments[0].as<std::string>(), arguments[1].list());
  }
  return noOverload("votes", arguments);
}

Value hasQuorum(std::span<const Value> arguments, const ApprovalState* state) {
  if (state == nullptr) return noState("hasQuorum");
  if (arguments.empty()) return state->quorumVotes() >= state->quorumRequired();
  if (arguments.size() == 1 && arguments[0].is<std::int64_t>()) {
    return state->currentEventVotes() >= arguments[0].as<std::int64_t>();
  }
  return noOverload("hasQuorum", arguments);
}

Value now(std::span<const Value> arguments, const ApprovalState* state) {
  if (state == nullptr) return noState("now");
  if (!arguments.empty()) return noOverload("now", arguments);
  return state->now();
}

Value timeInState(std::span<const Value> arguments, const ApprovalState* state) {
  if (state == nullptr) return noState("timeInState");
  if (!arguments.empty()) return noOverload("timeInState", arguments);
  const auto span = state->timeInState();
  if (!span) return Value::error("duration overflow in `timeInState()`");
  return *span;
}

/// FNV-1a (64-bit) of the key's UTF-8, modulo n: stable across runs and machines.
Value hashBucket(std::span<const Value> arguments, const ApprovalState*) {
  if (arguments.size() != 2 || !arguments[0].is<std::string>() || !arguments[1].is<std::int64_t>()) {
    return noOverload("hashBucket", arguments);
  }
  const auto n = arguments[1].as<std::int64_t>();
  if (n <= 0) return Value::error("hashBucket needs a positive bucket count, got " + std::to_string(n));
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : arguments[0].as<std::string>()) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(n));
}

}  // namespace approval::stdlib
