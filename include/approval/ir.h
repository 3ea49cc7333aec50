// The IR: a checked machine lowered to flat, index-based tables that the runtime executes
// and that serialise to versioned JSON (docs/IR.md). Value types throughout, so two IRs
// compare with ==.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "approval/ast.h"
#include "approval/types.h"

namespace approval::ir {

/// Bumped on every incompatible change of the JSON form.
inline constexpr int kFormatVersion = 2;

using StateIndex = std::uint32_t;
using EventIndex = std::uint32_t;
using TransitionIndex = std::uint32_t;

enum class ExprKind {
  Literal,
  ContextField,  // `ref` is the context field index
  EventField,    // `name` is the field: actor, id, time, or a declared payload field
  Select,        // operands[0].name
  Call,          // `name`; receiverCall: operands[0] is the receiver
  Index,
  List,
  Map,
  Unary,
  Binary,
  Conditional,
  Variable,      // a macro's bound variable, by name
};

/// A checked guard or argument expression.
struct Expr {
  ExprKind kind = ExprKind::Literal;
  ast::LiteralValue literal;
  std::string name;
  std::uint32_t ref = 0;
  bool receiverCall = false;
  ast::UnaryOp unaryOp = ast::UnaryOp::Not;
  ast::BinaryOp binaryOp = ast::BinaryOp::Or;
  std::vector<Expr> operands;
  SourceSpan span;
  Type type;  // the checked static type; dyn where only run time knows
  bool operator==(const Expr&) const = default;
};

struct Field {
  std::string name;
  std::string type;  // spelled as in the DSL: int, list<string>, map<string, int>
  std::optional<Expr> defaultValue;
  bool operator==(const Field&) const = default;
};

struct State {
  std::string name;
  bool isFinal = false;
  bool operator==(const State&) const = default;
};

struct Event {
  std::string name;
  std::vector<Field> payload;
  bool declared = false;  // listed in `events { }`, as opposed to only used
  bool operator==(const Event&) const = default;
};

struct Call {
  enum class Kind { Emit, Set, Compensate, Host };
  Kind kind = Kind::Host;
  std::string name;
  std::vector<Expr> arguments;
  bool operator==(const Call&) const = default;
};

struct Action {
  Call call;
  std::optional<Call> compensation;
  bool operator==(const Action&) const = default;
};

/// One (source state, trigger) → target edge. Source lists and `*` in the DSL are expanded,
/// so every IR transition has exactly one source; `declaration` is the index of the DSL
/// transition it came from, in declaration order.
struct Transition {
  StateIndex source = 0;
  StateIndex target = 0;
  std::optional<EventIndex> event;       // set for `on "event"`
  std::optional<std::int64_t> delayMs;   // set for `after DURATION`
  std::optional<Expr> guard;
  std::vector<Action> actions;
  std::uint32_t declaration = 0;
  SourceSpan span;
  bool operator==(const Transition&) const = default;
};

/// The transitions to try for one event in one state, in declaration order.
struct EventRow {
  EventIndex event = 0;
  std::vector<TransitionIndex> transitions;
  bool operator==(const EventRow&) const = default;
};

/// Per state: its event rows sorted by event index, and its timers sorted by delay.
struct StateTable {
  std::vector<EventRow> events;
  std::vector<TransitionIndex> timers;
  bool operator==(const StateTable&) const = default;
};

/// The policy `hasQuorum()` applies. Majority is only the default (DESIGN.md): more than
/// half of the `reviewers` list, used when no `quorum:` is given and that field exists.
enum class QuorumKind { Count, Percent, All, Majority };

struct Quorum {
  QuorumKind kind = QuorumKind::Count;
  std::int64_t value = 1;              // Count: votes needed; Percent: 1..100
  std::optional<std::uint32_t> field;  // Percent, All, Majority: context field of the voter list
  bool isDefault = true;               // no `quorum:` given
  bool operator==(const Quorum&) const = default;
};

struct Route {
  EventIndex event = 0;
  std::vector<std::string> targets;
  bool operator==(const Route&) const = default;
};

/// A host action the embedding application must bind, with the argument counts used.
struct HostAction {
  std::string name;
  std::uint32_t arity = 0;
  bool operator==(const HostAction&) const = default;
};

struct Machine {
  std::string name;
  std::int64_t version = 1;
  std::string contentHash;  // "sha256:<hex>" over the IR without spans and hash
  std::string sourcePath;
  std::vector<Field> context;
  std::vector<Event> events;
  std::vector<State> states;
  StateIndex initial = 0;
  Quorum quorum;
  std::vector<Transition> transitions;
  std::vector<StateTable> table;  // indexed by StateIndex
  std::vector<Route> routes;
  std::vector<HostAction> hostActions;  // sorted by name
  bool operator==(const Machine&) const = default;
};

struct Program {
  std::vector<Machine> machines;
  bool operator==(const Program&) const = default;
};

}  // namespace approval::ir
