// The syntax tree of a DSL file: plain structs, a SourceSpan on every node, no parser types.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "approval/source.h"

namespace approval::ast {

struct Name {
  std::string text;
  SourceSpan span;
};

/// A string literal after escape processing.
struct StringLiteral {
  std::string value;
  SourceSpan span;
};

/// A length of time in milliseconds (`48h`, `30m`, `1h30m`, `250ms`).
struct Duration {
  /// Guards, timers and the runtime count time in int64 nanoseconds: this is the longest
  /// whole number of milliseconds they can hold (2562047h47m16s854ms, about 292 years).
  static constexpr std::int64_t kMaxMilliseconds = 9'223'372'036'854;
  std::int64_t milliseconds = 0;
  bool operator==(const Duration&) const = default;
};

struct NullValue {
  bool operator==(const NullValue&) const = default;
};

/// Bytes literals are kept apart from strings so the checker can reject them by name.
struct Bytes {
  std::string value;
  bool operator==(const Bytes&) const = default;
};

using LiteralValue = std::variant<NullValue, bool, std::int64_t, std::uint64_t, double,
                                  std::string, Bytes, Duration>;

enum class UnaryOp { Not, Negate };
enum class BinaryOp {
  Or, And,
  Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual, In,
  Add, Subtract, Multiply, Divide, Modulo,
};

[[nodiscard]] const char* spelling(UnaryOp op);
[[nodiscard]] const char* spelling(BinaryOp op);
/// A CEL string literal for `text`: quoted, with `"`, `\` and control characters escaped;
/// other UTF-8 passes through (labels show 草稿, not escapes).
[[nodiscard]] std::string quoteString(std::string_view text);
/// A literal written back as CEL source that re-reads as the same value and type (`1.0`, `7u`).
[[nodiscard]] std::string formatLiteral(const LiteralValue& value);
/// A duration in the DSL's own spelling: `48h`, `1h30m`, `1s500ms`, `250ms`, `0s`.
[[nodiscard]] std::string formatDuration(std::int64_t milliseconds);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
  Literal,      // literal
  Ident,        // name (leadingDot for `.name`)
  Select,       // operands[0].name
  Call,         // name(operands...) or, with receiver, operands[0].name(operands[1...])
  Index,        // operands[0][operands[1]]
  List,         // [operands...]
  Map,          // {operands[0]: operands[1], ...}
  Unary,        // unaryOp operands[0]
  Binary,       // operands[0] binaryOp operands[1]
  Conditional,  // operands[0] ? operands[1] : operands[2]
};

/// One expression node. A single shape for every kind keeps traversals iterative and the
/// serialised form uniform; `kind` says which members are meaningful.
struct Expr {
  ExprKind kind = ExprKind::Literal;
  SourceSpan span;
  LiteralValue literal;      // Literal
  std::string name;          // Ident, Select, Call
  SourceSpan nameSpan;       // Ident, Select, Call: just the name
  bool leadingDot = false;   // Ident, Call: `.name`
  bool receiverCall = false; // Call: operands[0] is the receiver
  bool malformed = false;    // Literal: failed to decode (E0109), `literal` is a placeholder
  UnaryOp unaryOp = UnaryOp::Not;
  BinaryOp binaryOp = BinaryOp::Or;
  std::vector<ExprPtr> operands;
};

struct TypeRef {
  Name name;
  std::vector<TypeRef> arguments;
  SourceSpan span;
};

struct FieldDecl {
  Name name;
  TypeRef type;
  ExprPtr defaultValue;  // may be null
  SourceSpan span;
};

struct EventDecl {
  StringLiteral name;
  std::vector<FieldDecl> fields;
  SourceSpan span;
};

struct QuorumPolicy {
  enum class Kind { Count, Percent, All };
  Kind kind = Kind::Count;
  /// Count: the number; Percent: 1..100; All: unused. Empty when the literal was malformed
  /// (already E0109): the checks have no value to judge, rather than a placeholder 0.
  std::optional<std::int64_t> value;
  std::optional<Name> field;  // Percent and All: the list field of voters
  SourceSpan span;
};

struct Call {
  Name name;
  std::vector<ExprPtr> arguments;
  SourceSpan span;
};

struct Action {
  Call call;
  std::optional<Call> compensation;  // `compensate undo(args)`
  SourceSpan span;
};

struct TransitionSource {
  enum class Kind { State, List, Any };
  Kind kind = Kind::State;
  std::vector<Name> states;  // one for State, the list for List, none for Any
  SourceSpan span;
};

struct Trigger {
  enum class Kind { Event, Timer };
  Kind kind = Kind::Event;
  StringLiteral event;  // Event
  /// Timer. Empty when the duration literal was malformed (already E0109), so that no
  /// check reports a consequence of a placeholder length.
  std::optional<Duration> delay;
  SourceSpan span;
};

struct Transition {
  TransitionSource source;
  Name target;
  Trigger trigger;
  ExprPtr guard;  // may be null
  std::vector<Action> actions;
  SourceSpan span;
};

/// `"approve" → "notification-service, audit-service"`: targets are split on commas.
struct Route {
  StringLiteral event;
  std::vector<StringLiteral> targets;
  SourceSpan span;
};

/// A `states:` or `final:` list.
struct StateList {
  std::vector<Name> states;
  SourceSpan span;
};

/// Sections may repeat in the source; the checker reports repeats. The builder keeps the
/// first occurrence in the single-valued members and the span of every occurrence.
struct Machine {
  StringLiteral name;
  SourceSpan span;

  std::optional<std::int64_t> version;
  std::vector<FieldDecl> context;
  std::vector<EventDecl> events;
  std::optional<QuorumPolicy> quorum;
  std::optional<Name> initial;
  std::optional<StateList> states;
  std::optional<StateList> finals;
  std::vector<Transition> transitions;
  std::vector<Route> routes;

  /// Keyword span of every section, in source order, so repeats can be reported.
  struct SectionMark {
    std::string keyword;
    SourceSpan span;
  };
  std::vector<SectionMark> sections;
  /// A literal of this machine failed to decode (E0109, reported while building the tree):
  /// the machine has errors, so the whole-machine warnings are skipped.
  bool malformedLiterals = false;
};

struct File {
  FileId file = 0;
  std::vector<Machine> machines;
  /// False when the tree lacks parts of the source (syntax errors, or an expression dropped
  /// for nesting too deep): checking it would only report consequences of those errors.
  /// Malformed literals leave the tree complete, with a placeholder value.
  bool complete = false;
};

}  // namespace approval::ast
