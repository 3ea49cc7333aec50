// Types of guard expressions and the typed stdlib table.
#include <doctest/doctest.h>

#include <string>

#include "approval/stdlib.h"
#include "approval/types.h"

using namespace approval;

TEST_CASE("types parse from their DSL spelling and spell back the same") {
  for (const char* text : {"int", "uint", "double", "bool", "string", "duration", "timestamp", "dyn", "list<string>",
                           "map<string, list<int>>", "list<T>", "map<K, V>"}) {
    const auto type = parseType(text);
    REQUIRE(type.has_value());
    CHECK(type->spelling() == text);
  }
  CHECK(parseType("map<string, int>")->parameters.at(1) == Type::of(TypeKind::Int));
  CHECK(parseType(" list < int > ") == Type::list(Type::of(TypeKind::Int)));
  for (const char* bad : {"", "list", "list<>", "map<int>", "int<string>", "lst<int>", "list<int", "int int"}) {
    CAPTURE(bad);
    CHECK_FALSE(parseType(bad).has_value());
  }
  // IR JSON spells types as text: 20,000 levels of `list<` overflowed the stack of the
  // recursive reader. Past 256 levels (the DSL's own bracket limit) a type is refused.
  const auto nested = [](std::size_t depth) {
    std::string text;
    for (std::size_t i = 0; i < depth; ++i) text += "list<";
    return text + "int" + std::string(depth, '>');
  };
  CHECK(parseType(nested(256)).has_value());
  CHECK_FALSE(parseType(nested(257)).has_value());
  CHECK_FALSE(parseType(nested(100'000)).has_value());
}

TEST_CASE("assignability: equal types, or an open side (dyn, error), recursively") {
  const Type integer = Type::of(TypeKind::Int);
  const Type real = Type::of(TypeKind::Double);
  CHECK(isAssignable(integer, integer));
  CHECK_FALSE(isAssignable(real, integer));  // no implicit numeric conversion
  CHECK(isAssignable(Type::list(Type::of(TypeKind::Dyn)), Type::list(integer)));
  CHECK(isAssignable(Type::list(integer), Type::of(TypeKind::Error)));
  CHECK_FALSE(isAssignable(Type::list(integer), Type::list(real)));
  CHECK_FALSE(isAssignable(Type::map(Type::of(TypeKind::String), integer), Type::list(integer)));
}

TEST_CASE("every typed overload belongs to a guard function and fits its arity; every function has one") {
  for (const auto& overload : functionOverloads()) {
    CAPTURE(std::string(overload.name));
    const auto functions = findGuardFunction(overload.name);
    REQUIRE_FALSE(functions.empty());
    std::uint32_t parameterCount = 0;
    if (!overload.parameters.empty()) {
      parameterCount = 1;
      for (const char c : overload.parameters) parameterCount += c == ';' ? 1 : 0;
    }
    bool fits = false;
    for (const auto& function : functions) {
      fits = fits || (function.receiver == !overload.receiver.empty() && parameterCount >= function.minArguments &&
                      parameterCount <= function.maxArguments);
    }
    CHECK(fits);
    CHECK(parseType(overload.result).has_value());
    if (!overload.receiver.empty()) CHECK(parseType(overload.receiver).has_value());
  }
  for (const auto& function : guardFunctions()) {
    CAPTURE(std::string(function.name));
    bool typed = false;
    for (const auto& overload : functionOverloads()) {
      typed = typed || (overload.name == function.name && overload.receiver.empty() != function.receiver);
    }
    CHECK(typed);
  }
}
