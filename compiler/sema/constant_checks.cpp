#include "sema/constant_checks.h"

#include <fmt/format.h>

#include <algorithm>

#include "approval/evaluate.h"
#include "approval/lower.h"
#include "approval/time_text.h"
#include "approval/value_type.h"
#include "sema/type_checks.h"

namespace approval::sema {

namespace {

/// Whether `expr` can be computed on its own: it names nothing, not even a macro variable
/// (the body of a macro is evaluated only with its variable bound).
bool namesNothing(const ast::Expr& expr) {
  if (expr.kind == ast::ExprKind::Ident) return false;
  return std::all_of(expr.operands.begin(), expr.operands.end(), [](const auto& operand) { return namesNothing(*operand); });
}

Value evaluateAlone(const ast::Expr& expr) { return evaluate(lowerConstant(expr), Environment{}); }

/// The smallest part of `expr` that fails with `message` by itself: where the error comes
/// from, so that the caret points at `1 / 0` rather than at the whole default.
const ast::Expr& failingPart(const ast::Expr& expr, const std::string& message) {
  const ast::Expr* failing = &expr;
  for (bool narrowed = true; narrowed;) {
    narrowed = false;
    for (const auto& operand : failing->operands) {
      if (!namesNothing(*operand)) continue;
      const Value value = evaluateAlone(*operand);
      if (value.isError() && value.as<ErrorValue>().message == message) {
        failing = operand.get();
        narrowed = true;
        break;
      }
    }
  }
  return *failing;
}

/// Whether `expr` is built only of operators and `?:` over number and bool literals.
bool isArithmeticOnLiterals(const ast::Expr& expr) {
  switch (expr.kind) {
    case ast::ExprKind::Literal:
      // A malformed literal (E0109) holds a placeholder: no constant is known.
      return !expr.malformed && (std::holds_alternative<std::int64_t>(expr.literal) || std::holds_alternative<std::uint64_t>(expr.literal) ||
             std::holds_alternative<double>(expr.literal) || std::holds_alternative<bool>(expr.literal));
    case ast::ExprKind::Unary:
    case ast::ExprKind::Binary:
    case ast::ExprKind::Conditional:
      return std::all_of(expr.operands.begin(), expr.operands.end(),
                         [](const auto& operand) { return isArithmeticOnLiterals(*operand); });
    default: return false;
  }
}

bool holdsMalformedLiteral(const ast::Expr& expr) {
  return expr.malformed || std::any_of(expr.operands.begin(), expr.operands.end(),
                                       [](const auto& operand) { return holdsMalformedLiteral(*operand); });
}

}  // namespace

std::optional<Value> arithmeticConstant(const ast::Expr& expr) {
  if (!isArithmeticOnLiterals(expr)) return std::nullopt;
  return evaluateAlone(expr);
}

void checkLiteralConversion(const ast::Expr& call, DiagnosticSink& sink) {
  if ((call.name != "duration" && call.name != "timestamp") || call.receiverCall || call.operands.size() != 1) return;
  const ast::Expr& argument = *call.operands[0];
  const auto* text = std::get_if<std::string>(&argument.literal);
  if (argument.kind != ast::ExprKind::Literal || argument.malformed || text == nullptr) return;
  const Value value = evaluateAlone(call);
  if (!value.isError()) return;
  auto diagnostic = sink.report(DiagnosticCode::InvalidLiteral, argument.span, value.as<ErrorValue>().message);
  diagnostic.label(fmt::format("`{}` cannot convert this", call.name));
  if (call.name == "duration" && durationFromText(*text)) {  // `7d`: the DSL's literal has the unit CEL's `duration` lacks
    diagnostic.help(fmt::format("write the duration literal `{}` instead of `duration(...)`", *text));
  }
}

void checkDefaultComputes(const ast::FieldDecl& field, DiagnosticSink& sink) {
  // Computing a placeholder (E0109's) reports what the source does not say: `10 / 1e999...`
  // as a division by zero.
  if (holdsMalformedLiteral(*field.defaultValue)) return;
  const Value value = evaluateAlone(*field.defaultValue);
  if (!value.isError()) {
    const Type expected = declaredType(field.type);
    if (auto mismatch = typeMismatch(value, expected)) {
      sink.report(DiagnosticCode::AssignmentTypeMismatch, field.defaultValue->span,
                  fmt::format("the default of `{}` computes a value that is not `{}`: {}", field.name.text,
                              expected.spelling(), *mismatch))
          .label("computed when the machine is loaded")
          .secondary(field.type.span, "declared here")
          .help(fmt::format("`dyn(...)` hides a value's type from the checker, not from the field: give a value of "
                            "type `{}`",
                            expected.spelling()));
    }
    return;
  }
  const std::string& message = value.as<ErrorValue>().message;
  sink.report(DiagnosticCode::DefaultNotConstant, failingPart(*field.defaultValue, message).span,
              fmt::format("the default of `{}` fails: {}", field.name.text, message))
      .label("fails here")
      .secondary(field.name.span, "the field")
      .help("a default is computed when the machine is loaded, and a machine whose default fails cannot run: "
            "give a value that computes, e.g. a literal");
}

}  // namespace approval::sema
