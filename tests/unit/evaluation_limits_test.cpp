// The bounds on one evaluation (approval/evaluate.h: kMaxMacroElements,
// kMaxConcatenatedSize), on the interpreter and the JIT alike: a short guard must not run for
// hours or fill memory, and the two evaluators must stop at the same operation with the same
// error.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/guard_slots.h"
#include "approval/jit.h"
#include "support/expression_bomb.h"

using namespace approval;

namespace {

/// Context `l: list<int>` and `s: string`.
const std::vector<ContextFieldType> kContext{{"l", Type::list(Type::of(TypeKind::Int))},
                                             {"s", Type::of(TypeKind::String)}};

std::vector<Value> contextOf(std::size_t listSize, std::size_t stringSize) {
  ValueList list(listSize, Value(std::int64_t{1}));
  return {Value(std::move(list)), Value(std::string(stringSize, 'x'))};
}

std::string describe(const Value& value) {
  return value.isError() ? "error: " + value.as<ErrorValue>().message : toJsonText(value);
}

/// `text` evaluated by the interpreter, by a JIT value entry and, when `guard`, by a JIT
/// guard entry (as a Value): the three must be the same; returns the interpreter's.
Value evaluateEverywhere(const std::string& text, const std::vector<Value>& context, bool guard) {
  auto compiled = compileExpression(text, kContext);
  REQUIRE(compiled->expr.has_value());
  const Environment environment{context, nullptr, nullptr};
  const Value interpreted = guard ? evaluateGuard(*compiled->expr, environment) : evaluate(*compiled->expr, environment);

  std::vector<jit::ExpressionEntry> entries{{&*compiled->expr, false, {}}};
  if (guard) entries.push_back({&*compiled->expr, true, {}});
  const std::vector<Type> types{kContext[0].type, kContext[1].type};
  auto code = jit::CompiledExpressions::compile(entries, types, "", {});
  REQUIRE_MESSAGE(code.ok(), (code.ok() ? std::string() : code.error().message));
  const SlotValues slots(context);
  const jit::GuardInput input{slots.slots(), {}, nullptr};
  INFO(text);
  const Value compiledValue = code.value()->value(0, input);
  CHECK(describe(compiledValue) == describe(interpreted));
  if (guard) {
    const jit::Verdict verdict = code.value()->guard(1, input);
    const Value asValue = verdict.kind == jit::Verdict::Kind::Error ? Value::error(verdict.error) : Value(verdict.holds());
    CHECK(describe(asValue) == describe(interpreted));
    // The count belongs to one call: a second call of the same code starts from zero.
    const jit::Verdict again = code.value()->guard(1, input);
    CHECK(again.kind == verdict.kind);
  }
  return interpreted;
}

bool isErrorContaining(const Value& value, const std::string& part) {
  return value.isError() && value.as<ErrorValue>().message.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a macro may visit 1,000,000 elements in one evaluation, and not one more") {
  static_assert(kMaxMacroElements == 1'000'000);
  CHECK(evaluateEverywhere("l.all(x, x > 0)", contextOf(1'000'000, 0), true) == Value(true));
  const Value over = evaluateEverywhere("l.all(x, x > 0)", contextOf(1'000'001, 0), true);
  CHECK_MESSAGE(isErrorContaining(over, "`all` would take this evaluation past 1,000,000 visited elements"),
                describe(over));
  // Every macro counts: `map` and `filter` build a list per element, `exists_one` and
  // `exists` visit until they know.
  for (const char* text : {"size(l.map(x, x + 1)) > 0", "size(l.filter(x, x > 0)) > 0", "l.exists_one(x, x > 1)",
                           "l.exists(x, x > 1)", "size(l.map(x, x > 0, x)) > 0"}) {
    CHECK(!evaluateEverywhere(text, contextOf(1'000'000, 0), true).isError());
    CHECK(isErrorContaining(evaluateEverywhere(text, contextOf(1'000'001, 0), true), "past 1,000,000 visited elements"));
  }
}

TEST_CASE("nested macros count together, so ten levels of ten elements stop at the bound") {
  // 10^10 visits were it run to the end; it stops once 1,000,000 are counted.
  const Value bomb = evaluateEverywhere(test::macroBomb(10), contextOf(0, 0), false);
  CHECK_MESSAGE(isErrorContaining(bomb, "`all` would take this evaluation past 1,000,000 visited elements"), describe(bomb));
  // 100 + 100 * 100 * 100 visits stop inside the innermost macro.
  const Value nested = evaluateEverywhere("l.all(a, l.all(b, l.all(c, c > 0)))", contextOf(100, 0), true);
  CHECK(isErrorContaining(nested, "would take this evaluation past 1,000,000 visited elements"));
  // 99 + 99^3 = 970,398 visits: within it.
  CHECK(evaluateEverywhere("l.all(a, l.all(b, l.all(c, c > 0)))", contextOf(99, 0), true) == Value(true));
}

TEST_CASE("inside a macro, `in` counts the list it searches as visited; outside one it does not") {
  // 1,000 elements, each searching the 1,000-element list: 1,000 + 1,000 * 1,000 visits.
  const Value quadratic = evaluateEverywhere("l.all(x, x in l)", contextOf(1'000, 0), true);
  CHECK_MESSAGE(isErrorContaining(quadratic, "`in` would take this evaluation past 1,000,000 visited elements"),
                describe(quadratic));
  // 999 + 999 * 999 = 998,999: within it.
  CHECK(evaluateEverywhere("l.all(x, x in l)", contextOf(999, 0), true) == Value(true));
  // The same through `dyn`, where the JIT cannot take its closed-list path.
  CHECK(isErrorContaining(evaluateEverywhere("l.all(x, x in dyn(l))", contextOf(1'000, 0), true),
                          "`in` would take this evaluation past"));
  // Outside a macro `in` runs once: a list of any length is searched.
  CHECK(evaluateEverywhere("1 in l", contextOf(2'000'000, 0), true) == Value(true));
  // A map's keys are found without a scan: nothing is counted.
  CHECK(evaluateEverywhere("l.all(x, x in {1: 2})", contextOf(1'000, 0), true) == Value(true));
}

TEST_CASE("`+` may build 1,000,000 list elements and string bytes in one evaluation, and not one more") {
  static_assert(kMaxConcatenatedSize == 1'000'000);
  CHECK(evaluateEverywhere("size(l + l)", contextOf(500'000, 0), false) == Value(std::int64_t{1'000'000}));
  const Value lists = evaluateEverywhere("size(l + l)", contextOf(500'001, 0), false);
  CHECK_MESSAGE(isErrorContaining(lists, "`+` would take what this evaluation builds past 1,000,000"),
                describe(lists));
  CHECK(evaluateEverywhere("size(s + s)", contextOf(0, 500'000), false) == Value(std::int64_t{1'000'000}));
  CHECK(isErrorContaining(evaluateEverywhere("size(s + s)", contextOf(0, 500'001), false), "`+` would take"));
  // What earlier `+`s built counts too: 2 * 300,000 + 2 * 300,000 is past it.
  CHECK(isErrorContaining(evaluateEverywhere("size(s + s) + size(s + s)", contextOf(0, 300'000), false),
                          "`+` would take"));
  // Doubling a list in every level of nested macros: 2^26 elements were it run to the end.
  std::string doubling = "size(z)";
  for (char level = 'y'; level >= 'a'; --level) {
    const std::string inner(1, static_cast<char>(level + 1));
    doubling = "[" + std::string(1, level) + " + " + std::string(1, level) + "].map(" + inner + ", " + doubling + ")";
  }
  doubling = "[[1] + [1]].map(a, " + doubling + ")";
  CHECK(isErrorContaining(evaluateEverywhere(doubling, contextOf(0, 0), false), "`+` would take"));
}

TEST_CASE("past the bound the error is an ordinary one, and every macro step after it fails too") {
  const auto over = contextOf(1'000'001, 0);
  CHECK(evaluateEverywhere("l.all(x, x > 0) || true", over, true) == Value(true));
  CHECK(evaluateEverywhere("l.all(x, x > 0) && false", over, true) == Value(false));
  CHECK(evaluateEverywhere("true || l.all(x, x > 0)", over, true) == Value(true));
  // `exists` keeps the inner macro's error; its own next element is one visit past the
  // bound, so it fails there rather than deciding on it.
  const Value outer = evaluateEverywhere("[1, 2].exists(i, i == 2 || l.all(x, x > 0))", over, true);
  CHECK_MESSAGE(isErrorContaining(outer, "`exists` would take this evaluation past 1,000,000 visited elements"), describe(outer));
  // Within the bound the same shape absorbs an ordinary error, as CEL says.
  CHECK(evaluateEverywhere("[1, 2].exists(i, i == 2 || l[5] > 0)", contextOf(3, 0), true) == Value(true));
}
