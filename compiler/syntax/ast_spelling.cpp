#include "approval/ast.h"

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace approval::ast {

const char* spelling(UnaryOp op) { return op == UnaryOp::Not ? "!" : "-"; }

const char* spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return "||";
    case BinaryOp::And: return "&&";
    case BinaryOp::Less: return "<";
    case BinaryOp::LessEqual: return "<=";
    case BinaryOp::Greater: return ">";
    case BinaryOp::GreaterEqual: return ">=";
    case BinaryOp::Equal: return "==";
    case BinaryOp::NotEqual: return "!=";
    case BinaryOp::In: return "in";
    case BinaryOp::Add: return "+";
    case BinaryOp::Subtract: return "-";
    case BinaryOp::Multiply: return "*";
    case BinaryOp::Divide: return "/";
    case BinaryOp::Modulo: return "%";
  }
  return "?";
}

std::string formatDuration(std::int64_t milliseconds) {
  if (milliseconds == 0) return "0s";
  std::string out = milliseconds < 0 ? "-" : "";
  // Unsigned, so that the most negative value negates without overflow.
  std::uint64_t rest = milliseconds < 0 ? 0 - static_cast<std::uint64_t>(milliseconds)
                                        : static_cast<std::uint64_t>(milliseconds);
  constexpr std::pair<std::uint64_t, std::string_view> kUnits[] = {
      {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}};
  for (const auto& [size, suffix] : kUnits) {
    if (rest >= size) {
      out += fmt::format("{}{}", rest / size, suffix);
      rest %= size;
    }
  }
  return out;
}

}  // namespace approval::ast
