#include "sema/numeric_help.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace approval::sema {

namespace {

/// `operand`, a number literal, spelled as a literal of `target` when it has that value
/// exactly: `1` as `1.0` or `1u`, `2.0` as `2`; nothing for `1.5` as an int or `-1` as a uint.
std::optional<std::string> respelled(const ast::Expr& operand, const Type& target) {
  if (operand.kind != ast::ExprKind::Literal) return std::nullopt;
  std::optional<double> number;  // the literal's value, when it is a whole number
  if (const auto* i = std::get_if<std::int64_t>(&operand.literal)) number = static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&operand.literal)) number = static_cast<double>(*u);
  if (const auto* d = std::get_if<double>(&operand.literal); d != nullptr && std::trunc(*d) == *d) number = *d;
  if (!number || std::abs(*number) >= 9.0e15) return std::nullopt;  // exact as a double, no exponent
  const auto whole = static_cast<std::int64_t>(*number);
  switch (target.kind) {
    case TypeKind::Double: return fmt::format("{}.0", whole);
    case TypeKind::Uint: return whole >= 0 ? std::optional(fmt::format("{}u", whole)) : std::nullopt;
    case TypeKind::Int: return std::to_string(whole);
    default: return std::nullopt;
  }
}

/// A name or a literal as written, or a placeholder for anything longer.
std::string shown(const ast::Expr& operand, const char* placeholder) {
  if (operand.kind == ast::ExprKind::Ident) return operand.name;
  if (operand.kind == ast::ExprKind::Literal) return ast::formatLiteral(operand.literal);
  return placeholder;
}

}  // namespace

std::string numericMismatchHelp(const ast::Expr& binary, const Type& left, const Type& right) {
  const std::string op = ast::spelling(binary.binaryOp);
  const ast::Expr& leftOperand = *binary.operands[0];
  const ast::Expr& rightOperand = *binary.operands[1];
  if (binary.binaryOp == ast::BinaryOp::Modulo && (left.is(TypeKind::Double) || right.is(TypeKind::Double))) {
    return fmt::format("`%` takes an `int` or a `uint` on both sides: convert, e.g. `int({}) % {}`",
                       shown(leftOperand, "x"), left.is(TypeKind::Double) && right.is(TypeKind::Double) ? "2" : "y");
  }
  if (auto literal = respelled(rightOperand, left)) {
    return fmt::format("CEL converts no numbers implicitly: write `{}` as `{}`", ast::formatLiteral(rightOperand.literal),
                       *literal);
  }
  if (auto literal = respelled(leftOperand, right)) {
    return fmt::format("CEL converts no numbers implicitly: write `{}` as `{}`", ast::formatLiteral(leftOperand.literal),
                       *literal);
  }
  // Convert toward double when one side is, else the uint side to int.
  const Type& target = left.is(TypeKind::Double) || right.is(TypeKind::Double) ? Type::of(TypeKind::Double)
                                                                                : Type::of(TypeKind::Int);
  const bool convertLeft = !(left == target);
  const std::string converted =
      fmt::format("{}({})", target.spelling(), shown(convertLeft ? leftOperand : rightOperand, convertLeft ? "x" : "y"));
  return fmt::format("CEL converts no numbers implicitly: convert one side, e.g. `{} {} {}`",
                     convertLeft ? converted : shown(leftOperand, "x"), op,
                     convertLeft ? shown(rightOperand, "y") : converted);
}

}  // namespace approval::sema
