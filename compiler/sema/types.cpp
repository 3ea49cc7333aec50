#include "approval/types.h"

#include <cctype>

namespace approval {

std::string Type::spelling() const {
  switch (kind) {
    case TypeKind::Error: return "<error>";
    case TypeKind::Dyn: return "dyn";
    case TypeKind::Null: return "null";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Uint: return "uint";
    case TypeKind::Double: return "double";
    case TypeKind::String: return "string";
    case TypeKind::Bytes: return "bytes";
    case TypeKind::Duration: return "duration";
    case TypeKind::Timestamp: return "timestamp";
    case TypeKind::List: return "list<" + parameters.at(0).spelling() + ">";
    case TypeKind::Map: return "map<" + parameters.at(0).spelling() + ", " + parameters.at(1).spelling() + ">";
    case TypeKind::Parameter: return name;
  }
  return "?";
}

namespace {

/// Types nested deeper than this are refused: a type text from IR JSON is read by recursion,
/// and 20,000 levels of `list<` overflowed the stack. The DSL's brackets stop at 256 levels.
constexpr std::size_t kMaxTypeDepth = 256;

/// Recursive descent over `name ('<' type (',' type)* '>')?`; `at` advances past what it reads.
std::optional<Type> parseAt(std::string_view text, std::size_t& at, std::size_t depth = 0) {
  if (depth > kMaxTypeDepth) return std::nullopt;
  const auto skipSpaces = [&] {
    while (at < text.size() && text[at] == ' ') ++at;
  };
  skipSpaces();
  const std::size_t start = at;
  while (at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) != 0 || text[at] == '_')) ++at;
  const std::string_view name = text.substr(start, at - start);
  if (name.empty()) return std::nullopt;
  std::vector<Type> arguments;
  skipSpaces();
  if (at < text.size() && text[at] == '<') {
    ++at;
    while (true) {
      auto argument = parseAt(text, at, depth + 1);
      if (!argument) return std::nullopt;
      arguments.push_back(std::move(*argument));
      skipSpaces();
      if (at < text.size() && text[at] == ',') {
        ++at;
        continue;
      }
      if (at < text.size() && text[at] == '>') {
        ++at;
        break;
      }
      return std::nullopt;
    }
  }
  struct Scalar {
    std::string_view name;
    TypeKind kind;
  };
  static constexpr Scalar kScalars[] = {
      {"dyn", TypeKind::Dyn},       {"null", TypeKind::Null},         {"bool", TypeKind::Bool},
      {"int", TypeKind::Int},       {"uint", TypeKind::Uint},         {"double", TypeKind::Double},
      {"string", TypeKind::String}, {"bytes", TypeKind::Bytes},       {"duration", TypeKind::Duration},
      {"timestamp", TypeKind::Timestamp},
  };
  for (const auto& scalar : kScalars) {
    if (name == scalar.name) return arguments.empty() ? std::optional<Type>(Type::of(scalar.kind)) : std::nullopt;
  }
  if (name == "list" && arguments.size() == 1) return Type::list(std::move(arguments[0]));
  if (name == "map" && arguments.size() == 2) return Type::map(std::move(arguments[0]), std::move(arguments[1]));
  if (name.size() == 1 && std::isupper(static_cast<unsigned char>(name[0])) != 0 && arguments.empty()) {
    return Type::parameter(std::string(name));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Type> parseType(std::string_view text) {
  std::size_t at = 0;
  auto type = parseAt(text, at);
  while (at < text.size() && text[at] == ' ') ++at;
  if (!type || at != text.size()) return std::nullopt;
  return type;
}

bool isAssignable(const Type& expected, const Type& actual) {
  if (expected.isOpen() || actual.isOpen()) return true;
  if (expected.kind != actual.kind || expected.parameters.size() != actual.parameters.size()) return false;
  for (std::size_t i = 0; i < expected.parameters.size(); ++i) {
    if (!isAssignable(expected.parameters[i], actual.parameters[i])) return false;
  }
  return true;
}

}  // namespace approval
