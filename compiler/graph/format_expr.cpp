// IR expressions written back as CEL source, with only the parentheses that precedence and
// associativity require, so that labels read like the guard the user wrote. Also the
// transition label text shared by the DOT and Mermaid writers.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <fmt/format.h>

#include "approval/graph.h"
#include "graph/transition_label.h"

namespace approval {


namespace {

/// CEL's precedence levels, loosest first. An operand is parenthesised when its own level is
/// looser than the position it appears in demands.
enum Level : int {
  kConditional = 0,
  kOr,
  kAnd,
  kRelation,
  kAdditive,
  kMultiplicative,
  kUnary,
  kMember,  // member access, index, call, and every primary expression
};

Level levelOf(ast::BinaryOp op) {
  using Op = ast::BinaryOp;
  switch (op) {
    case Op::Or: return kOr;
    case Op::And: return kAnd;
    case Op::Add:
    case Op::Subtract: return kAdditive;
    case Op::Multiply:
    case Op::Divide:
    case Op::Modulo: return kMultiplicative;
    default: return kRelation;
  }
}

/// A literal that prints with a leading minus reads like a unary expression, and must be
/// parenthesised where one would be (`(-5).abs()`, `-(-5)`).
bool printsNegative(const ast::LiteralValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i < 0;
  if (const auto* d = std::get_if<double>(&value)) return std::isfinite(*d) && std::signbit(*d);
  if (const auto* t = std::get_if<ast::Duration>(&value)) return t->milliseconds < 0;
  return false;
}

Level levelOf(const ir::Expr& expr) {
  switch (expr.kind) {
    case ir::ExprKind::Conditional: return kConditional;
    case ir::ExprKind::Binary: return levelOf(expr.binaryOp);
    case ir::ExprKind::Unary: return kUnary;
    case ir::ExprKind::Literal: return printsNegative(expr.literal) ? kUnary : kMember;
    default: return kMember;
  }
}

class ExprPrinter {
 public:
  explicit ExprPrinter(const ir::Machine& machine) : machine_(machine) {}

  std::string print(const ir::Expr& expr) const {
    using K = ir::ExprKind;
    switch (expr.kind) {
      case K::Literal: return ast::formatLiteral(expr.literal);
      case K::ContextField:
        if (expr.ref < machine_.context.size()) return machine_.context[expr.ref].name;
        return fmt::format("<context field {}>", expr.ref);  // malformed IR: say so, don't crash
      case K::EventField: return "event." + expr.name;
      case K::Variable: return expr.name;
      case K::Select: return operand(expr, 0, kMember) + "." + expr.name;
      case K::Index: return operand(expr, 0, kMember) + std::string("[") + operand(expr, 1, kConditional) + "]";
      case K::Call: return call(expr);
      case K::List: return fmt::format("[{}]", joined(expr, 0, 1, ", "));
      case K::Map: return map(expr);
      case K::Unary: return unary(expr);
      case K::Binary: {
        // Left-associative: an equal-level operand needs parentheses on the right only.
        const Level level = levelOf(expr.binaryOp);
        return fmt::format("{} {} {}", operand(expr, 0, level), ast::spelling(expr.binaryOp),
                           operand(expr, 1, static_cast<Level>(level + 1)));
      }
      case K::Conditional:
        // CEL: cond and then-branch are conditionalOr; the else-branch is a full expression.
        return fmt::format("{} ? {} : {}", operand(expr, 0, kOr), operand(expr, 1, kOr),
                           operand(expr, 2, kConditional));
    }
    return "?";
  }

 private:
  /// Operand `index` printed for a position that needs at least `minimum`; a missing operand
  /// (only in a malformed IR) prints as `?`.
  std::string operand(const ir::Expr& expr, std::size_t index, Level minimum) const {
    if (index >= expr.operands.size()) return "?";
    const ir::Expr& child = expr.operands[index];
    std::string text = print(child);
    return levelOf(child) < minimum ? "(" + text + ")" : text;
  }

  std::string joined(const ir::Expr& expr, std::size_t first, std::size_t step,
                     std::string_view separator) const {
    std::string out;
    for (std::size_t i = first; i < expr.operands.size(); i += step) {
      if (i != first) out += separator;
      out += operand(expr, i, kConditional);
    }
    return out;
  }

  std::string call(const ir::Expr& expr) const {
    if (!expr.receiverCall) return expr.name + std::string("(") + joined(expr, 0, 1, ", ") + ")";
    return operand(expr, 0, kMember) + "." + expr.name + std::string("(") + joined(expr, 1, 1, ", ") + ")";
  }

  std::string map(const ir::Expr& expr) const {
    std::string out = "{";
    for (std::size_t i = 0; i < expr.operands.size(); i += 2) {
      if (i != 0) out += ", ";
      out += operand(expr, i, kConditional) + std::string(": ") + operand(expr, i + 1, kConditional);
    }
    return out + "}";
  }

  std::string unary(const ir::Expr& expr) const {
    const bool isNot = expr.unaryOp == ast::UnaryOp::Not;
    // CEL allows `!!x`; `--x` would also parse but reads like a typo, so it becomes `-(-x)`.
    if (isNot && !expr.operands.empty() && expr.operands[0].kind == ir::ExprKind::Unary &&
        expr.operands[0].unaryOp == ast::UnaryOp::Not) {
      return fmt::format("!{}", print(expr.operands[0]));
    }
    return fmt::format("{}{}", isNot ? "!" : "-", operand(expr, 0, kMember));
  }

  const ir::Machine& machine_;
};

std::string formatCall(const ir::Call& call, const ir::Machine& machine) {
  static constexpr std::string_view kBuiltinNames[] = {"emit", "set", "compensate", ""};
  std::string name = call.name;
  if (name.empty()) name = std::string(kBuiltinNames[static_cast<std::size_t>(call.kind) % 4]);
  std::string out = name + "(";
  for (std::size_t i = 0; i < call.arguments.size(); ++i) {
    if (i != 0) out += ", ";
    out += formatExpr(call.arguments[i], machine);
  }
  return out + ")";
}

}  // namespace

std::string formatExpr(const ir::Expr& expr, const ir::Machine& machine) {
  return ExprPrinter(machine).print(expr);
}

/// `event`, or `after 48h`; then ` [guard]`; then ` / action(), other() compensate undo()`.
std::string graph_detail::formatTransitionLabel(const ir::Transition& transition,
                                                const ir::Machine& machine) {
  std::string label;
  if (transition.event) {
    label = *transition.event < machine.events.size()
                ? machine.events[*transition.event].name
                : fmt::format("<event {}>", *transition.event);
  } else if (transition.delayMs) {
    label = std::string("after ") + ast::formatDuration(*transition.delayMs);
  }
  if (transition.guard) label += std::string(" [") + formatExpr(*transition.guard, machine) + "]";
  for (std::size_t i = 0; i < transition.actions.size(); ++i) {
    const ir::Action& action = transition.actions[i];
    label += i == 0 ? " / " : ", ";
    label += formatCall(action.call, machine);
    if (action.compensation) label += std::string(" compensate ") + formatCall(*action.compensation, machine);
  }
  return label;
}

}  // namespace approval
