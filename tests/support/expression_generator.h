// A seeded generator of random, well-typed guard expressions (CEL text) over a fixed set of
// typed context fields, for differential tests: checker vs generator types, interpreter vs
// static types now, and later the JIT vs the interpreter.
//
// Generation is type-directed: for a wanted type it picks a literal, a field, a bound macro
// variable, or an operator / call / macro whose operands it generates with the right types.
// Every subexpression is parenthesised, so the text's structure does not depend on CEL's
// precedence. Error-producing shapes (division by zero, overflow near INT64_MAX, indexes out
// of range, missing map keys, `uint(-1)`, `int("x")`...) are generated on purpose.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "approval/expression.h"
#include "approval/types.h"
#include "approval/value.h"

namespace approval::testing {

class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(std::uint64_t seed);

  struct Generated {
    std::string text;
    /// The static type the checker must give `text`: `wanted`, except that a wanted `dyn`
    /// is produced as `dyn(...)` and has type dyn. No other expression is dyn-typed.
    approval::Type type;
  };

  /// A random expression of type `wanted` (bool, int, uint, double, string, dyn, list<T> and
  /// map<string, T> of those) whose tree is at most `depth` operators deep.
  Generated generate(const approval::Type& wanted, int depth);

  /// A random type for `generate`: mostly bool and scalars, some lists, maps and dyn.
  approval::Type randomType();

  /// The fixed context every expression is checked against (same for every seed).
  [[nodiscard]] const std::vector<approval::ContextFieldType>& context() const { return context_; }

  /// Random values for `context()`, in its order, with edge cases (0, INT64_MAX, empty
  /// lists, missing map keys) frequent.
  [[nodiscard]] std::vector<approval::Value> contextValues(std::mt19937_64& random) const;

 private:
  std::string gen(const approval::Type& type, int depth);
  std::string leaf(const approval::Type& type);
  std::string literal(const approval::Type& type);
  std::string genInt(int depth);
  std::string genUint(int depth);
  std::string genDouble(int depth);
  std::string genString(int depth);
  std::string genBool(int depth);
  std::string genList(const approval::Type& type, int depth);
  std::string genMap(const approval::Type& type, int depth);
  /// `ternary`, list index or map index/select producing `type`; empty when not applicable.
  std::string genAnyTyped(const approval::Type& type, int depth);
  /// `(range).NAME(v, ARGS)` over a range of type `range` (a list, or a map: its keys):
  /// binds a fresh variable of the element (key) type while `arguments` generates ARGS.
  template <typename Arguments>
  std::string macro(const approval::Type& range, const std::string& name, int depth, Arguments arguments);

  int below(int n);  // uniform in [0, n)
  bool chance(int percent);
  approval::Type scalarType();
  approval::Type elementType();

  std::mt19937_64 random_;
  std::vector<approval::ContextFieldType> context_;
  std::vector<std::pair<std::string, approval::Type>> bound_;  // macro variables in scope
  int nextVariable_ = 0;
};

}  // namespace approval::testing
