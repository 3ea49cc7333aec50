#include "expression_generator.h"

#include <array>
#include <limits>
#include <string_view>

namespace approval::testing {

namespace {

using K = TypeKind;

const Type kBool = Type::of(K::Bool);
const Type kInt = Type::of(K::Int);
const Type kUint = Type::of(K::Uint);
const Type kDouble = Type::of(K::Double);
const Type kString = Type::of(K::String);
const Type kDyn = Type::of(K::Dyn);

std::string paren(const std::string& text) { return "(" + text + ")"; }

std::string binary(const std::string& left, std::string_view op, const std::string& right) {
  return paren(left) + " " + std::string(op) + " " + paren(right);
}

/// How deeply list and map types nest: 0 for scalars.
int nesting(const Type& type) {
  int deepest = 0;
  for (const auto& parameter : type.parameters) deepest = std::max(deepest, nesting(parameter) + 1);
  return deepest;
}

// Literal pools, rich in edge cases.
constexpr std::array<std::string_view, 12> kIntLiterals = {
    "0", "1", "2", "3", "-1", "7", "100", "0x10", "9223372036854775807", "-9223372036854775808", "0", "1"};
constexpr std::array<std::string_view, 7> kUintLiterals = {"0u", "1u", "2u", "5u", "18446744073709551615u", "0u",
                                                           "3u"};
constexpr std::array<std::string_view, 9> kDoubleLiterals = {"0.0", "1.5", "-2.5", "1e300", "0.5",
                                                             "2e3", ".25", "-1e19", "3.0"};
// Strings that convert (or fail to convert) to numbers and bools, and map keys.
constexpr std::array<std::string_view, 16> kStrings = {
    "",     "a",    "ab",   "abc", "b",     "42", "-1", "3.5", "1e400", "true", "18446744073709551616",
    "x y",  "c",    "7",    "false", "9223372036854775808"};
constexpr std::array<std::string_view, 4> kKeys = {"a", "b", "c", "zz"};

template <std::size_t N>
std::string pickFrom(const std::array<std::string_view, N>& pool, std::size_t index) {
  return std::string(pool[index % N]);
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

ExpressionGenerator::ExpressionGenerator(std::uint64_t seed) : random_(seed) {
  context_ = {
      {"i", kInt},           {"j", kInt},      {"big", kInt},   {"u", kUint},
      {"v", kUint},          {"d", kDouble},   {"e", kDouble},  {"b", kBool},
      {"c", kBool},          {"s", kString},   {"t", kString},  {"li", Type::list(kInt)},
      {"ls", Type::list(kString)}, {"m", Type::map(kString, kInt)},
  };
}

int ExpressionGenerator::below(int n) { return static_cast<int>(random_() % static_cast<std::uint64_t>(n)); }

bool ExpressionGenerator::chance(int percent) { return below(100) < percent; }

Type ExpressionGenerator::scalarType() {
  switch (below(5)) {
    case 0: return kBool;
    case 1: return kInt;
    case 2: return kUint;
    case 3: return kDouble;
    default: return kString;
  }
}

Type ExpressionGenerator::elementType() {
  // Lists of ints and strings most often: the context has those.
  switch (below(8)) {
    case 0: case 1: case 2: return kInt;
    case 3: case 4: return kString;
    default: return scalarType();
  }
}

Type ExpressionGenerator::randomType() {
  const int roll = below(100);
  if (roll < 35) return kBool;
  if (roll < 55) return kInt;
  if (roll < 63) return kUint;
  if (roll < 71) return kDouble;
  if (roll < 81) return kString;
  if (roll < 91) return Type::list(elementType());
  if (roll < 96) return Type::map(kString, chance(60) ? kInt : scalarType());
  return kDyn;
}

ExpressionGenerator::Generated ExpressionGenerator::generate(const Type& wanted, int depth) {
  bound_.clear();
  nextVariable_ = 0;
  if (wanted.is(K::Dyn)) {
    Type inner = randomType();
    while (inner.is(K::Dyn)) inner = randomType();
    return {"dyn" + paren(gen(inner, depth - 1)), kDyn};
  }
  return {gen(wanted, depth), wanted};
}

std::string ExpressionGenerator::gen(const Type& type, int depth) {
  if (depth <= 0 || chance(25)) return leaf(type);
  switch (type.kind) {
    case K::Bool: return genBool(depth);
    case K::Int: return genInt(depth);
    case K::Uint: return genUint(depth);
    case K::Double: return genDouble(depth);
    case K::String: return genString(depth);
    case K::List: return genList(type, depth);
    case K::Map: return genMap(type, depth);
    default: return leaf(type);
  }
}

std::string ExpressionGenerator::leaf(const Type& type) {
  std::vector<std::string> names;
  for (const auto& field : context_) {
    if (field.type == type) names.push_back(field.name);
  }
  for (const auto& [name, variableType] : bound_) {
    if (variableType == type) {
      names.push_back(name);  // twice: prefer variables to fields
      names.push_back(name);
    }
  }
  if (!names.empty() && chance(65)) return names[static_cast<std::size_t>(below(static_cast<int>(names.size())))];
  return literal(type);
}

std::string ExpressionGenerator::literal(const Type& type) {
  const auto index = static_cast<std::size_t>(below(1 << 16));
  switch (type.kind) {
    case K::Bool: return chance(50) ? "true" : "false";
    case K::Int: return pickFrom(kIntLiterals, index);
    case K::Uint: return pickFrom(kUintLiterals, index);
    case K::Double: return pickFrom(kDoubleLiterals, index);
    case K::String: return quoted(kStrings[index % kStrings.size()]);
    case K::List: {
      // Never `[]`: its elements are dyn.
      std::string text = "[";
      const int count = 1 + below(3);
      for (int i = 0; i < count; ++i) text += (i == 0 ? "" : ", ") + leaf(type.parameters[0]);
      return text + "]";
    }
    case K::Map: {
      // Distinct keys, "a" always; "zz" never, so `.zz` always misses.
      std::string text = "{";
      const int count = 1 + below(3);
      for (int i = 0; i < count; ++i) {
        text += (i == 0 ? "" : ", ") + quoted(kKeys[static_cast<std::size_t>(i)]) + ": " + leaf(type.parameters[1]);
      }
      return text + "}";
    }
    default: return "null";
  }
}

std::string ExpressionGenerator::genAnyTyped(const Type& type, int depth) {
  // Indexes and keys are mostly ones that exist, so errors stay a minority: index 0 or a
  // small computed one (often out of range); key "a" (always in map literals) or another.
  switch (below(4)) {
    case 1: {
      if (nesting(type) >= 1) break;
      const bool asUint = chance(20);
      const std::string index = chance(60) ? (asUint ? "0u" : "0") : gen(asUint ? kUint : kInt, depth - 1);
      return paren(gen(Type::list(type), depth - 1)) + "[" + index + "]";
    }
    case 2: {
      if (nesting(type) >= 1) break;
      const std::string map = paren(gen(Type::map(kString, type), depth - 1));
      if (chance(50)) return map + "[" + (chance(60) ? std::string("\"a\"") : gen(kString, depth - 1)) + "]";
      return map + "." + (chance(60) ? std::string("a") : std::string(kKeys[static_cast<std::size_t>(below(4))]));
    }
    default: break;
  }
  return paren(gen(kBool, depth - 1)) + " ? " + paren(gen(type, depth - 1)) + " : " + paren(gen(type, depth - 1));
}

template <typename Arguments>
std::string ExpressionGenerator::macro(const Type& range, const std::string& name, int depth, Arguments arguments) {
  const std::string rangeText = paren(gen(range, depth - 1));
  const std::string variable = "x" + std::to_string(nextVariable_++);
  bound_.emplace_back(variable, range.parameters[0]);
  const std::string rest = arguments();
  bound_.pop_back();
  return rangeText + "." + name + "(" + variable + ", " + rest + ")";
}

std::string ExpressionGenerator::genInt(int depth) {
  constexpr std::array<std::string_view, 5> kOps = {"+", "-", "*", "/", "%"};
  switch (below(10)) {
    case 0:
    case 1: return binary(gen(kInt, depth - 1), kOps[static_cast<std::size_t>(below(5))], gen(kInt, depth - 1));
    case 2: return "-" + paren(gen(kInt, depth - 1));
    case 3: {
      switch (below(5)) {
        case 0: return "size" + paren(gen(kString, depth - 1));
        case 1: return paren(gen(kString, depth - 1)) + ".size()";
        case 2: return "size" + paren(gen(Type::list(elementType()), depth - 1));
        case 3: return paren(gen(Type::list(elementType()), depth - 1)) + ".size()";
        default: return "size" + paren(gen(Type::map(kString, kInt), depth - 1));
      }
    }
    case 4: {
      // Conversions: uint near UINT64_MAX, doubles like 1e300 and strings like "x" fail.
      const std::array<Type, 4> sources = {kUint, kDouble, kString, kInt};
      return "int" + paren(gen(sources[static_cast<std::size_t>(below(4))], depth - 1));
    }
    case 5:
      // Overflow near INT64_MAX (and 0 * x, big + 0...).
      if (chance(50)) return binary("big", chance(50) ? "+" : "*", gen(kInt, depth - 1));
      break;
    default: break;
  }
  return genAnyTyped(kInt, depth);
}

std::string ExpressionGenerator::genUint(int depth) {
  constexpr std::array<std::string_view, 5> kOps = {"+", "-", "*", "/", "%"};
  switch (below(8)) {
    case 0:
    case 1: return binary(gen(kUint, depth - 1), kOps[static_cast<std::size_t>(below(5))], gen(kUint, depth - 1));
    case 2:
    case 3: {
      // uint(-1), uint(-2.5), uint("-1") fail.
      const std::array<Type, 4> sources = {kInt, kDouble, kString, kUint};
      return "uint" + paren(gen(sources[static_cast<std::size_t>(below(4))], depth - 1));
    }
    default: return genAnyTyped(kUint, depth);
  }
}

std::string ExpressionGenerator::genDouble(int depth) {
  constexpr std::array<std::string_view, 4> kOps = {"+", "-", "*", "/"};
  switch (below(8)) {
    case 0:
    case 1: return binary(gen(kDouble, depth - 1), kOps[static_cast<std::size_t>(below(4))], gen(kDouble, depth - 1));
    case 2: return "-" + paren(gen(kDouble, depth - 1));
    case 3:
    case 4: {
      const std::array<Type, 4> sources = {kInt, kUint, kString, kDouble};
      return "double" + paren(gen(sources[static_cast<std::size_t>(below(4))], depth - 1));
    }
    default: return genAnyTyped(kDouble, depth);
  }
}

std::string ExpressionGenerator::genString(int depth) {
  switch (below(6)) {
    case 0: return binary(gen(kString, depth - 1), "+", gen(kString, depth - 1));
    case 1:
    case 2: {
      const std::array<Type, 5> sources = {kInt, kUint, kDouble, kBool, kString};
      return "string" + paren(gen(sources[static_cast<std::size_t>(below(5))], depth - 1));
    }
    default: return genAnyTyped(kString, depth);
  }
}

std::string ExpressionGenerator::genBool(int depth) {
  switch (below(14)) {
    case 0: {
      // == and != on one type, including lists and maps.
      Type type = chance(80) ? scalarType() : (chance(50) ? Type::list(elementType()) : Type::map(kString, kInt));
      return binary(gen(type, depth - 1), chance(50) ? "==" : "!=", gen(type, depth - 1));
    }
    case 1:
    case 2: {
      // Ordering, across int, uint and double as CEL allows, or on strings and bools.
      constexpr std::array<std::string_view, 4> kOps = {"<", "<=", ">", ">="};
      const std::array<Type, 3> numbers = {kInt, kUint, kDouble};
      const auto op = kOps[static_cast<std::size_t>(below(4))];
      if (chance(20)) {
        const Type type = chance(70) ? kString : kBool;
        return binary(gen(type, depth - 1), op, gen(type, depth - 1));
      }
      return binary(gen(numbers[static_cast<std::size_t>(below(3))], depth - 1), op,
                    gen(numbers[static_cast<std::size_t>(below(3))], depth - 1));
    }
    case 3: {
      if (chance(30)) return binary(gen(kString, depth - 1), "in", gen(Type::map(kString, scalarType()), depth - 1));
      const Type element = elementType();
      return binary(gen(element, depth - 1), "in", gen(Type::list(element), depth - 1));
    }
    case 4:
    case 5: return binary(gen(kBool, depth - 1), chance(50) ? "&&" : "||", gen(kBool, depth - 1));
    case 6: return "!" + paren(gen(kBool, depth - 1));
    case 7: {
      constexpr std::array<std::string_view, 3> kNames = {"startsWith", "endsWith", "contains"};
      return paren(gen(kString, depth - 1)) + "." + std::string(kNames[static_cast<std::size_t>(below(3))]) +
             paren(gen(kString, depth - 1));
    }
    case 8:
    case 9: {
      constexpr std::array<std::string_view, 3> kNames = {"all", "exists", "exists_one"};
      const Type range = chance(80) ? Type::list(elementType()) : Type::map(kString, kInt);
      return macro(range, std::string(kNames[static_cast<std::size_t>(below(3))]), depth,
                   [&] { return gen(kBool, depth - 1); });
    }
    case 10: {
      const std::string key(kKeys[static_cast<std::size_t>(below(4))]);
      if (chance(70)) return "has(m." + key + ")";
      return "has(" + paren(gen(Type::map(kString, scalarType()), depth - 1)) + "." + key + ")";
    }
    case 11: return "bool" + paren(gen(chance(70) ? kString : kBool, depth - 1));  // bool("x") fails
    default: return genAnyTyped(kBool, depth);
  }
}

std::string ExpressionGenerator::genList(const Type& type, int depth) {
  const Type& element = type.parameters[0];
  switch (below(7)) {
    case 0: {
      std::string text = "[";
      const int count = 1 + below(3);
      for (int i = 0; i < count; ++i) text += (i == 0 ? "" : ", ") + paren(gen(element, depth - 1));
      return text + "]";
    }
    case 1: return binary(gen(type, depth - 1), "+", gen(type, depth - 1));
    case 2: {
      // filter keeps the list's type; over a map it gives the keys.
      const Type range = element == kString && chance(30) ? Type::map(kString, kInt) : type;
      return macro(range, "filter", depth, [&] { return gen(kBool, depth - 1); });
    }
    case 3:
    case 4: {
      const Type range = chance(80) ? Type::list(elementType()) : Type::map(kString, kInt);
      if (chance(30)) {
        return macro(range, "map", depth,
                     [&] { return gen(kBool, depth - 1) + ", " + gen(element, depth - 1); });
      }
      return macro(range, "map", depth, [&] { return gen(element, depth - 1); });
    }
    default: return genAnyTyped(type, depth);
  }
}

std::string ExpressionGenerator::genMap(const Type& type, int depth) {
  if (chance(50)) {
    std::string text = "{";
    const int count = 1 + below(3);
    for (int i = 0; i < count; ++i) {
      text += (i == 0 ? "" : ", ") + quoted(kKeys[static_cast<std::size_t>(i)]) + ": " +
              paren(gen(type.parameters[1], depth - 1));
    }
    return text + "}";
  }
  return genAnyTyped(type, depth);
}

std::vector<Value> ExpressionGenerator::contextValues(std::mt19937_64& random) const {
  auto below = [&](int n) { return static_cast<int>(random() % static_cast<std::uint64_t>(n)); };
  auto smallInt = [&] { return std::int64_t{below(11) - 5}; };
  auto anyString = [&] { return Value(std::string(kStrings[static_cast<std::size_t>(below(static_cast<int>(kStrings.size())))])); };
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  std::vector<Value> values;
  for (const auto& field : context_) {
    const std::string& name = field.name;
    if (name == "i") {
      values.emplace_back(below(3) == 0 ? std::int64_t{0} : smallInt());
    } else if (name == "j") {
      values.emplace_back(std::int64_t{below(201) - 100});
    } else if (name == "big") {
      // Often 0 or at the edge of int64.
      const std::array<std::int64_t, 6> edges = {0, kMax, kMax - 1, kMin, kMin + 1, 0};
      values.emplace_back(below(4) == 0 ? smallInt() : edges[static_cast<std::size_t>(below(6))]);
    } else if (name == "u") {
      values.emplace_back(static_cast<std::uint64_t>(below(6)));
    } else if (name == "v") {
      const std::array<std::uint64_t, 4> edges = {0, 1, std::numeric_limits<std::uint64_t>::max(), 1ULL << 63};
      values.emplace_back(edges[static_cast<std::size_t>(below(4))]);
    } else if (name == "d") {
      const std::array<double, 7> edges = {0.0, -1.5, 2.5, 1e300, -1e300, 0.1, 3.0};
      values.emplace_back(edges[static_cast<std::size_t>(below(7))]);
    } else if (name == "e") {
      values.emplace_back(std::uniform_real_distribution<double>(-100.0, 100.0)(random));
    } else if (name == "b" || name == "c") {
      values.emplace_back(below(2) == 0);
    } else if (name == "s" || name == "t") {
      values.push_back(anyString());
    } else if (name == "li") {
      ValueList list;
      const int count = below(5);
      for (int i = 0; i < count; ++i) list.emplace_back(below(8) == 0 ? kMax : smallInt());
      values.emplace_back(std::move(list));
    } else if (name == "ls") {
      ValueList list;
      const int count = below(5);
      for (int i = 0; i < count; ++i) list.push_back(anyString());
      values.emplace_back(std::move(list));
    } else if (name == "m") {
      ValueMap map;
      for (std::string_view key : {"a", "b", "c"}) {
        if (key == "a" ? below(10) != 0 : below(2) == 0) map.emplace(Value(std::string(key)), Value(smallInt()));
      }
      values.emplace_back(std::move(map));
    } else {
      values.emplace_back(ErrorValue{"no value for " + name});
    }
  }
  return values;
}

}  // namespace approval::testing
