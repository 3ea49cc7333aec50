#include "approval/ast.h"

#include <fmt/format.h>

#include <cmath>

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

std::string quoteString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out += fmt::format("\\x{:02x}", byte);
        } else {
          out += c;  // UTF-8 passes through: labels should show 草稿, not escapes
        }
    }
  }
  return out + "\"";
}

namespace {

std::string quoteBytes(std::string_view bytes) {
  std::string out = "b\"";
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", byte);  // in bytes literals \x is one byte
    }
  }
  return out + "\"";
}

/// Shortest text that re-reads as the same double, and as a double: `1.0`, not `1`.
std::string formatDouble(double value) {
  if (std::isnan(value)) return "double(\"nan\")";
  if (std::isinf(value)) return value > 0 ? "double(\"inf\")" : "double(\"-inf\")";
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

}  // namespace

std::string formatLiteral(const LiteralValue& value) {
  struct Visitor {
    std::string operator()(const NullValue&) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(std::uint64_t u) const { return std::to_string(u) + "u"; }
    std::string operator()(double d) const { return formatDouble(d); }
    std::string operator()(const std::string& s) const { return quoteString(s); }
    std::string operator()(const Bytes& b) const { return quoteBytes(b.value); }
    std::string operator()(const Duration& d) const {
      return formatDuration(d.milliseconds);
    }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace approval::ast
