#include <algorithm>
#include <array>

#include "approval/stdlib.h"
#include "approval_functions.h"

namespace approval {

namespace {

// Sorted by name so lookups can binary-search; overloads of one name are adjacent.
// CEL standard functions first-class with the approval ones (DESIGN.md "Approval stdlib").
constexpr std::array kGuardFunctions = {
    FunctionSignature{"bool", false, 1, 1, "bool(value) -> bool", "conversion to bool"},
    FunctionSignature{"contains", true, 1, 1, "string.contains(s: string) -> bool", "substring test"},
    FunctionSignature{"double", false, 1, 1, "double(value) -> double", "conversion to double"},
    FunctionSignature{"duration", false, 1, 1, "duration(s: string) -> duration", "parses \"1h30m\""},
    FunctionSignature{"dyn", false, 1, 1, "dyn(value) -> dyn", "drops static type information"},
    FunctionSignature{"endsWith", true, 1, 1, "string.endsWith(s: string) -> bool", "suffix test"},
    FunctionSignature{"hasQuorum", false, 0, 1, "hasQuorum([n: int]) -> bool",
                      "at least n distinct actors (default: the quorum policy) sent the current event",
                      &stdlib::hasQuorum, true},
    FunctionSignature{"hashBucket", false, 2, 2, "hashBucket(key: string, n: int) -> int",
                      "stable bucket in [0, n) for gray rollouts", &stdlib::hashBucket},
    FunctionSignature{"int", false, 1, 1, "int(value) -> int", "conversion to int"},
    FunctionSignature{"matches", false, 2, 2, "matches(s: string, re: string) -> bool", "RE2 match"},
    FunctionSignature{"matches", true, 1, 1, "string.matches(re: string) -> bool", "RE2 match"},
    FunctionSignature{"now", false, 0, 0, "now() -> timestamp", "the time of the current event", &stdlib::now, true},
    FunctionSignature{"size", false, 1, 1, "size(x: string|list|map) -> int", "length"},
    FunctionSignature{"size", true, 0, 0, "x.size() -> int", "length"},
    FunctionSignature{"startsWith", true, 1, 1, "string.startsWith(s: string) -> bool", "prefix test"},
    FunctionSignature{"string", false, 1, 1, "string(value) -> string", "conversion to string"},
    FunctionSignature{"timeInState", false, 0, 0, "timeInState() -> duration",
                      "how long the instance has been in its current state", &stdlib::timeInState, true},
    FunctionSignature{"timestamp", false, 1, 1, "timestamp(s: string) -> timestamp", "parses RFC 3339"},
    FunctionSignature{"uint", false, 1, 1, "uint(value) -> uint", "conversion to uint"},
    FunctionSignature{"votes", false, 1, 2, "votes(event: string[, voters: list<string>]) -> int",
                      "distinct actors (on `voters`, when given) that sent the event during this visit of the state",
                      &stdlib::votes, true},
};

constexpr std::array kOverloads = {
    FunctionOverload{"bool", "", "bool", "bool"},
    FunctionOverload{"bool", "", "string", "bool"},
    FunctionOverload{"contains", "string", "string", "bool"},
    FunctionOverload{"double", "", "double", "double"},
    FunctionOverload{"double", "", "int", "double"},
    FunctionOverload{"double", "", "uint", "double"},
    FunctionOverload{"double", "", "string", "double"},
    FunctionOverload{"duration", "", "string", "duration"},
    FunctionOverload{"duration", "", "duration", "duration"},
    FunctionOverload{"dyn", "", "T", "dyn"},
    FunctionOverload{"endsWith", "string", "string", "bool"},
    FunctionOverload{"hasQuorum", "", "", "bool"},
    FunctionOverload{"hasQuorum", "", "int", "bool"},
    FunctionOverload{"hashBucket", "", "string; int", "int"},
    FunctionOverload{"int", "", "int", "int"},
    FunctionOverload{"int", "", "uint", "int"},
    FunctionOverload{"int", "", "double", "int"},
    FunctionOverload{"int", "", "string", "int"},
    FunctionOverload{"int", "", "timestamp", "int"},
    FunctionOverload{"matches", "", "string; string", "bool"},
    FunctionOverload{"matches", "string", "string", "bool"},
    FunctionOverload{"now", "", "", "timestamp"},
    FunctionOverload{"size", "", "string", "int"},
    FunctionOverload{"size", "", "bytes", "int"},
    FunctionOverload{"size", "", "list<T>", "int"},
    FunctionOverload{"size", "", "map<K, V>", "int"},
    FunctionOverload{"size", "string", "", "int"},
    FunctionOverload{"size", "bytes", "", "int"},
    FunctionOverload{"size", "list<T>", "", "int"},
    FunctionOverload{"size", "map<K, V>", "", "int"},
    FunctionOverload{"startsWith", "string", "string", "bool"},
    FunctionOverload{"string", "", "string", "string"},
    FunctionOverload{"string", "", "int", "string"},
    FunctionOverload{"string", "", "uint", "string"},
    FunctionOverload{"string", "", "double", "string"},
    FunctionOverload{"string", "", "bool", "string"},
    FunctionOverload{"string", "", "bytes", "string"},
    FunctionOverload{"string", "", "timestamp", "string"},
    FunctionOverload{"string", "", "duration", "string"},
    FunctionOverload{"timeInState", "", "", "duration"},
    FunctionOverload{"timestamp", "", "string", "timestamp"},
    FunctionOverload{"timestamp", "", "timestamp", "timestamp"},
    FunctionOverload{"timestamp", "", "int", "timestamp"},
    FunctionOverload{"uint", "", "uint", "uint"},
    FunctionOverload{"uint", "", "int", "uint"},
    FunctionOverload{"uint", "", "double", "uint"},
    FunctionOverload{"uint", "", "string", "uint"},
    FunctionOverload{"votes", "", "string", "int"},
    FunctionOverload{"votes", "", "string; list<string>", "int"},
};

// `has(x.f)` and the list macros are expanded by the checker, not called.
constexpr std::array<std::string_view, 6> kMacros = {"all", "exists", "exists_one", "filter", "has", "map"};

constexpr std::array kBuiltinActions = {
    BuiltinAction{"compensate", 0, "compensate()"},
    BuiltinAction{"emit", 1, "emit(event: string)"},
    BuiltinAction{"set", 2, "set(field, value)"},
};

}  // namespace

std::span<const FunctionSignature> guardFunctions() { return kGuardFunctions; }

std::span<const FunctionOverload> functionOverloads() { return kOverloads; }

std::span<const FunctionSignature> findGuardFunction(std::string_view name) {
  auto range = std::equal_range(kGuardFunctions.begin(), kGuardFunctions.end(), name,
                                [](const auto& a, const auto& b) {
                                  if constexpr (std::is_same_v<std::decay_t<decltype(a)>, std::string_view>) {
                                    return a < b.name;
                                  } else {
                                    return a.name < b;
                                  }
                                });
  return {range.first, range.second};
}

bool isMacro(std::string_view name) {
  return std::find(kMacros.begin(), kMacros.end(), name) != kMacros.end();
}

std::span<const BuiltinAction> builtinActions() { return kBuiltinActions; }

const BuiltinAction* findBuiltinAction(std::string_view name) {
  for (const auto& action : kBuiltinActions) {
    if (action.name == name) return &action;
  }
  return nullptr;
}

}  // namespace approval
