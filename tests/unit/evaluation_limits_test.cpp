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
#include "approval/utf8.h"
#include "support/expression_bomb.h"

using namespace approval;

namespace {

/// Context `l: list<int>`, `s: string`, `t: string`, `words: list<string>`,
/// `m: map<int, int>` and `names: map<string, int>`.
const std::vector<ContextFieldType> kContext{{"l", Type::list(Type::of(TypeKind::Int))},
                                             {"s", Type::of(TypeKind::String)},
                                             {"t", Type::of(TypeKind::String)},
                                             {"words", Type::list(Type::of(TypeKind::String))},
                                             {"m", Type::map(Type::of(TypeKind::Int), Type::of(TypeKind::Int))},
                                             {"names", Type::map(Type::of(TypeKind::String), Type::of(TypeKind::Int))}};

struct Inputs {
  std::size_t listSize = 0;    // l: [1, 1, ...]
  std::size_t stringSize = 0;  // s: "xx..."
  std::string t;
  std::vector<std::string> words;
  std::size_t mapSize = 0;  // m: {0: 0, 1: 1, ...}; names: {s: 0}
};

std::vector<Value> contextOf(const Inputs& inputs) {
  ValueList words;
  for (const auto& word : inputs.words) words.emplace_back(word);
  ValueMap map;
  for (std::size_t i = 0; i < inputs.mapSize; ++i) map.emplace(Value(std::int64_t(i)), Value(std::int64_t(i)));
  const std::string text(inputs.stringSize, 'x');
  return {Value(ValueList(inputs.listSize, Value(std::int64_t{1}))), Value(text), Value(inputs.t),
          Value(std::move(words)), Value(std::move(map)), Value(ValueMap{{Value(text), Value(std::int64_t{0})}})};
}

std::vector<Value> contextOf(std::size_t listSize, std::size_t stringSize) {
  return contextOf(Inputs{listSize, stringSize, {}, {}, 0});
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
  std::vector<Type> types;
  for (const auto& field : kContext) types.push_back(field.type);
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

TEST_CASE("inside a macro, a function, comparison, `in`, index or map literal counts what it reads, 64 bytes a visit") {
  static_assert(kBytesPerVisitedElement == 64);
  // 1,000 elements, each visited (1) and reading a string of 999 * 64 bytes and up to 63
  // more (999): 1,000,000, the bound exactly. 64 bytes more (1,000), and the last
  // element's operation is one visit past it. Literals as short as "y" read nothing.
  const std::size_t within = 1'000 * kBytesPerVisitedElement - 1;
  const std::size_t over = 1'000 * kBytesPerVisitedElement;
  const std::pair<const char*, const char*> operations[] = {
      {"s.contains(\"y\")", "contains"},  {"s.startsWith(\"y\")", "startsWith"}, {"s.endsWith(\"y\")", "endsWith"},
      {"s.matches(\"y\")", "matches"},    {"matches(s, \"y\")", "matches"},
      {"s.contains(dyn(\"y\"))", "contains"},  // not closed: the JIT's generic call
      {"size(s) == 0", "size"},           {"hashBucket(s, 2) == 5", "hashBucket"},
      {"s == t", "=="},                   {"s < t", "<"},
      {"s in words", "in"},               {"names[s] == 1", "[]"},
      {"size({s: 1}) == 0", "{}"}};
  for (const auto& [operation, what] : operations) {
    const std::string text = std::string("l.exists(x, ") + operation + ")";
    CHECK(evaluateEverywhere(text, contextOf(1'000, within), true) == Value(false));
    const Value past = evaluateEverywhere(text, contextOf(1'000, over), true);
    CHECK_MESSAGE(isErrorContaining(past, std::string("`") + what + "` would take this evaluation past 1,000,000 visited"),
                  describe(past));
  }
}

TEST_CASE("a map of literals inside a macro counts its keys as one built each time does") {
  // The JIT builds a literals-only map once, as the guard is compiled; the interpreter builds
  // it at every element and counts its keys' bytes then. Both must stop at the same element.
  const std::size_t within = 1'000 * kBytesPerVisitedElement - 1;
  const std::size_t over = 1'000 * kBytesPerVisitedElement;
  for (const std::size_t keyBytes : {within, over}) {
    const std::string key(keyBytes, 'k');
    for (const std::string& built : {"{\"" + key + "\": 1}", "[{\"" + key + "\": 1}][0]"}) {
      const std::string text = "l.exists(x, size(" + built + ") == 0)";
      const Value result = evaluateEverywhere(text, contextOf(1'000, 0), true);
      if (keyBytes == within) {
        CHECK(result == Value(false));
      } else {
        CHECK_MESSAGE(isErrorContaining(result, "`{}` would take this evaluation past 1,000,000 visited"), describe(result));
      }
    }
  }
}

TEST_CASE("a list or map read inside a macro counts its elements and entries, nested ones and bytes included") {
  // `==` reads the whole list: 999 * (1 + 999) visits, then 1,000 * (1 + 1,000).
  CHECK(evaluateEverywhere("l.exists(x, l == [])", contextOf(999, 0), true) == Value(false));
  CHECK(isErrorContaining(evaluateEverywhere("l.exists(x, l == [])", contextOf(1'000, 0), true), "`==` would take"));
  // Nine strings of 7,040 bytes: 9 elements + 63,360 / 64 bytes = 999 per read; 64 bytes
  // more in one of them make it 1,000.
  Inputs inputs{1'000, 0, "", std::vector<std::string>(9, std::string(7'040, 'w')), 0};
  for (const char* text : {"l.exists(x, words == [])", "l.exists(x, t in words)"}) {
    CHECK(evaluateEverywhere(text, contextOf(inputs), true) == Value(false));
  }
  inputs.words[0] += std::string(64, 'w');
  CHECK(isErrorContaining(evaluateEverywhere("l.exists(x, words == [])", contextOf(inputs), true), "`==` would take"));
  CHECK(isErrorContaining(evaluateEverywhere("l.exists(x, t in words)", contextOf(inputs), true), "`in` would take"));
  // A macro over a map lists its keys first: inside another macro the entries count. Each
  // of 1,000 elements: 1 + 998 entries + 1 element of the inner `all`.
  CHECK(evaluateEverywhere("l.exists(x, m.all(k, false))", contextOf({1'000, 0, "", {}, 998}), true) == Value(false));
  CHECK(isErrorContaining(evaluateEverywhere("l.exists(x, m.all(k, false))", contextOf({1'000, 0, "", {}, 999}), true),
                          "`all` would take"));
  // A map is searched by key: `in` over one reads only the value searched for.
  CHECK(evaluateEverywhere("l.all(x, x in m)", contextOf({1'000, 0, "", {}, 1'000'000}), true) == Value(true));
}

TEST_CASE("a macro reading a megabyte per element stops at the bound instead of running 10^12 steps") {
  // A million elements, each reading a megabyte (15,625 visits): the 64th stops it.
  const auto large = contextOf({1'000'000, 1'000'000, "y", {}, 0});
  for (const char* text : {"l.exists(x, s.contains(t))", "l.exists(x, s.matches(t))", "l.exists(x, s == t)",
                           "l.exists(x, size(s) == 0)"}) {
    CHECK(isErrorContaining(evaluateEverywhere(text, large, true), "would take this evaluation past 1,000,000 visited"));
  }
  // Comparing a million-element list stops at the first element (`exists` keeps that
  // error, but its next element is past the bound too).
  const Value list = evaluateEverywhere("l.exists(x, l == [])", contextOf(1'000'000, 0), true);
  CHECK_MESSAGE(isErrorContaining(list, "`exists` would take this evaluation past"), describe(list));
}

TEST_CASE("a macro that only moves a megabyte string around copies a pointer per element, not the megabyte") {
  // Copies are not counted (docs/LANGUAGE.md "Evaluation"): a long string is shared by its
  // copies. Copied byte by byte, the list was 100,000 megabytes (100 GB) and `all` copied as
  // many bytes; nothing here reads the string inside the macro, so no visit bound stops it.
  const auto large = contextOf(100'000, 1'000'000);
  CHECK(evaluateEverywhere("size(l.map(x, s)) == 100000", large, true) == Value(true));
  CHECK(evaluateEverywhere("l.map(x, s)[99999] == s", large, true) == Value(true));
  CHECK(evaluateEverywhere("l.all(x, size([s]) == 1)", large, true) == Value(true));
  CHECK(evaluateEverywhere("l.all(x, size({x: s}) == 1)", large, true) == Value(true));
}

TEST_CASE("what operations read is counted only inside macros, and its error is absorbed like any other") {
  // Outside a macro each operation runs once: any size is read.
  CHECK(evaluateEverywhere("s.contains(\"y\") || size(s) != 2000000", contextOf(0, 2'000'000), true) == Value(false));
  CHECK(evaluateEverywhere("l == l", contextOf(2'000'000, 0), true) == Value(true));
  // `contains` is linear in both operands: a 100,000-byte part that almost matches at
  // every position of a megabyte of text is found missing at once.
  CHECK(evaluateEverywhere("s.contains(t)", contextOf({0, 1'000'000, std::string(100'000, 'x') + "y", {}, 0}), true) ==
        Value(false));
  const auto past = contextOf(1'000, 1'000 * kBytesPerVisitedElement);
  CHECK(evaluateEverywhere("l.exists(x, s.contains(\"y\")) || true", past, true) == Value(true));
  CHECK(evaluateEverywhere("l.exists(x, s.contains(\"y\")) && false", past, true) == Value(false));
  CHECK(evaluateEverywhere("true || l.exists(x, s.contains(\"y\"))", past, true) == Value(true));
  // Inside a macro too; without an absorbing operand the error stays, and the outer
  // `exists`' next element is past the bound.
  CHECK(evaluateEverywhere("[1].all(i, l.exists(x, s.contains(\"y\")) || i == 1)", past, true) == Value(true));
  const Value outer = evaluateEverywhere("[1, 2].exists(i, i == 2 || l.exists(x, s.contains(\"y\")))", past, true);
  CHECK_MESSAGE(isErrorContaining(outer, "`exists` would take"), describe(outer));
}

TEST_CASE("a map finds a number's key of another kind by lookup, not by a scan") {
  const auto small = contextOf({0, 0, "", {}, 2});
  for (const char* text : {"dyn(1u) in m", "dyn(1.0) in m", "dyn(-0.0) in m", "m[dyn(1u)] == 1", "m[dyn(1.0)] == 1",
                           "!(dyn(1.5) in m)", "!(dyn(-1) in m)", "!(dyn(2u) in m)", "dyn(1) in {1u: 2}",
                           "{1u: 2}[dyn(1.0)] == 2"}) {
    CHECK(evaluateEverywhere(text, small, true) == Value(true));
  }
  CHECK(isErrorContaining(evaluateEverywhere("m[dyn(-1)] == 1", small, true), "no such key: -1"));
  // 100,000 misses in a 100,000-entry map: 10^10 steps as scans.
  CHECK(evaluateEverywhere("l.all(x, !(dyn(-1) in m) && !(dyn(2.5) in m))", contextOf({100'000, 0, "", {}, 100'000}),
                           true) == Value(true));
}

TEST_CASE("an evaluation error quotes at most the start of a long value, with its length") {
  // `no such key` once quoted the whole key: a megabyte of message for a megabyte of key.
  const auto context = contextOf(Inputs{3, 999'999, {}, {}, 0});  // "y" + s: at the bound on built bytes
  const std::string start = "\"y" + std::string(kMessageExcerptBytes - 1, 'x') + "\"";
  const Value missing = evaluateEverywhere("names[\"y\" + s] == 0", context, true);
  CHECK(describe(missing) == "error: no such key: " + start + "… (1000000 bytes)");
  const Value converted = evaluateEverywhere("int(\"y\" + s) > 0", context, true);
  CHECK(describe(converted) == "error: cannot convert " + start + "… (1000000 bytes) to int");
  // Other values are quoted as JSON, cut the same way.
  const Value listKey = evaluateEverywhere("dyn(names)[dyn(l.map(x, s))] == 0", context, true);
  REQUIRE(listKey.isError());
  const std::string& message = listKey.as<ErrorValue>().message;
  CHECK(message.size() < 200);
  CHECK(message.starts_with("no such key: [\"xxx"));
  CHECK(message.ends_with("… (3000007 bytes)"));
}
