// Google Benchmark program for guard evaluation (docs/PERFORMANCE.md, "Guard evaluation"):
// the guard JIT (approval::jit::CompiledExpressions, O2) and the reference interpreter
// (approval::evaluateGuard on an ir::Expr from compileExpression) against the same predicate
// hand-written in C++.
//
// Context layout: each prepared context is an approval::SlotValues. The JIT and the
// hand-written functions read the same Slot array (guard_slots.h): scalars from `slot.bits`,
// strings and lists through `slot.value`. The interpreter reads the Values behind it
// (`SlotValues::values()`, a span of approval::Value indexed by field), its own layout.
//
//   guard_bench                 run every benchmark
//   guard_bench --self-check    no timing: JIT == interpreter == hand-written on 1000 random
//                               contexts per guard (the ctest bench.guard_evaluators_agree)
//
// Guards:
//   Threshold:  amount > 500000 (one comparison: what calling a guard costs)
//   Quorum:     amount > 500000 && hasQuorum(2)
//   TagsOrg:    "beta" in tags && org.startsWith("cn-")
//   Matches:    org.matches("^cn-[a-z]+$") (RE2; the hand-written version keeps its pattern)
//   Arithmetic: a 20-operand arithmetic/boolean mix over int fields a, b, c, d
//
// Every benchmark alternates between two prepared contexts so the work cannot be hoisted
// out of the loop. The hand-written functions use plain C++ arithmetic (no overflow or
// division-by-zero checks): all contexts used here keep |a|, |b|, |c|, |d| <= 1000 and the
// divisors are constants, so neither the interpreter nor the JIT produces an error on them.
// The `Jit` rows time GuardCall (approval/guard_call.h), the direct call the runtime makes:
// two input-size checks, a frame on the stack and the call into generated code. The
// `JitVerdict` rows time the convenience entry CompiledExpressions::guard(0, input), which
// also builds a Verdict (with its message string).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "approval/evaluate.h"
#include "approval/expression.h"
#include "approval/guard_slots.h"
#include "approval/jit.h"
#include "approval/types.h"
#include "approval/value.h"
#include "bench_main.h"
#include "verdict_text.h"

namespace {

using approval::ApprovalState;
using approval::CompiledExpression;
using approval::ContextFieldType;
using approval::DurationValue;
using approval::Environment;
using approval::Slot;
using approval::SlotValues;
using approval::TimestampValue;
using approval::Type;
using approval::TypeKind;
using approval::Value;
using approval::ValueList;
using approval::jit::CompiledExpressions;
using approval::jit::GuardInput;
using approval::jit::Verdict;
/// One prepared context: the values (what the interpreter reads) and their slots (what the
/// JIT and the hand-written functions read).
using Context = SlotValues;

/// The approval state the quorum guard reads: `currentEventVotes()` is the only call it makes.
class FakeState final : public ApprovalState {
 public:
  explicit FakeState(std::int64_t currentVotes = 3) : currentVotes_(currentVotes) {}
  [[nodiscard]] std::int64_t votes(std::string_view) const override { return currentVotes_; }
  [[nodiscard]] std::int64_t votesAmong(std::string_view, const approval::ValueList&) const override { return currentVotes_; }
  [[nodiscard]] std::int64_t currentEventVotes() const noexcept override { return currentVotes_; }
  [[nodiscard]] std::int64_t quorumRequired() const noexcept override { return 2; }
  [[nodiscard]] TimestampValue now() const override { return {}; }
  [[nodiscard]] std::optional<DurationValue> timeInState() const override { return DurationValue{}; }

 private:
  std::int64_t currentVotes_;
};

// ---- The guards: DSL text, context fields, hand-written equivalent ----

/// A hand-written guard reads the slot array, as generated code does.
using HandWritten = bool (*)(const Slot* context, const ApprovalState& state);

struct Guard {
  const char* name;
  const char* text;
  std::vector<ContextFieldType> fields;
  HandWritten handWritten;
};

// Scalars come from the slot's bits, strings and lists from the Value it points at.
std::int64_t intAt(const Slot* context, std::size_t index) { return static_cast<std::int64_t>(context[index].bits); }
const std::string& stringAt(const Slot* context, std::size_t index) {
  return context[index].value->text();
}
const ValueList& listAt(const Slot* context, std::size_t index) {
  return *std::get<std::shared_ptr<const ValueList>>(context[index].value->data);
}

// Fields: amount (0).
bool thresholdHandWritten(const Slot* context, const ApprovalState&) { return intAt(context, 0) > 500000; }

// Fields: amount (0).
bool quorumHandWritten(const Slot* context, const ApprovalState& state) {
  return intAt(context, 0) > 500000 && state.currentEventVotes() >= 2;
}

// Fields: tags (0), org (1).
bool tagsOrgHandWritten(const Slot* context, const ApprovalState&) {
  bool found = false;
  for (const Value& tag : listAt(context, 0)) {
    if (tag.text() == "beta") {
      found = true;
      break;
    }
  }
  if (!found) return false;
  return std::string_view(stringAt(context, 1)).starts_with("cn-");
}

// Fields: org (0). The pattern compiled once, as any C++ service would keep it.
bool matchesHandWritten(const Slot* context, const ApprovalState&) {
  static const RE2 pattern("^cn-[a-z]+$");
  return RE2::PartialMatch(stringAt(context, 0), pattern);
}

// Fields: a (0), b (1), c (2), d (3). 20 operands (identifiers and literals).
constexpr const char* kArithmeticText =
    "a + b * 2 > c - d + 1"                      // 6 operands
    " && (a % 7 != 3 || b / 3 < d)"              // 6
    " && (c * 3 - a >= b + 5 || d % 4 == 1)";    // 8
bool arithmeticHandWritten(const Slot* context, const ApprovalState&) {
  const std::int64_t a = intAt(context, 0);
  const std::int64_t b = intAt(context, 1);
  const std::int64_t c = intAt(context, 2);
  const std::int64_t d = intAt(context, 3);
  return a + b * 2 > c - d + 1 && (a % 7 != 3 || b / 3 < d) && (c * 3 - a >= b + 5 || d % 4 == 1);
}

const Type kInt = Type::of(TypeKind::Int);
const Type kString = Type::of(TypeKind::String);

const Guard& thresholdGuard() {
  static const Guard guard{"Threshold", "amount > 500000", {{"amount", kInt}}, thresholdHandWritten};
  return guard;
}
const Guard& quorumGuard() {
  static const Guard guard{"Quorum", "amount > 500000 && hasQuorum(2)", {{"amount", kInt}}, quorumHandWritten};
  return guard;
}
const Guard& tagsOrgGuard() {
  static const Guard guard{"TagsOrg",
                           "\"beta\" in tags && org.startsWith(\"cn-\")",
                           {{"tags", Type::list(kString)}, {"org", kString}},
                           tagsOrgHandWritten};
  return guard;
}
const Guard& matchesGuard() {
  static const Guard guard{"Matches", "org.matches(\"^cn-[a-z]+$\")", {{"org", kString}}, matchesHandWritten};
  return guard;
}
const Guard& arithmeticGuard() {
  static const Guard guard{
      "Arithmetic", kArithmeticText, {{"a", kInt}, {"b", kInt}, {"c", kInt}, {"d", kInt}}, arithmeticHandWritten};
  return guard;
}

// ---- Contexts ----

/// Threshold and Quorum read the same field, and share their contexts.
bool readsAmount(const Guard& guard) { return &guard == &thresholdGuard() || &guard == &quorumGuard(); }

Context quorumContext(std::int64_t amount) { return Context(std::vector<Value>{Value(amount)}); }

Context tagsOrgContext(std::vector<std::string> tags, std::string org) {
  ValueList list;
  for (auto& tag : tags) list.emplace_back(std::move(tag));
  return Context(std::vector<Value>{Value(std::move(list)), Value(std::move(org))});
}

Context orgContext(std::string org) { return Context(std::vector<Value>{Value(std::move(org))}); }

Context arithmeticContext(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  return Context(std::vector<Value>{Value(a), Value(b), Value(c), Value(d)});
}

/// The two contexts each benchmark alternates between, and a few more variations for the
/// pre-timing agreement check.
std::vector<Context> benchContexts(const Guard& guard) {
  if (readsAmount(guard)) return {quorumContext(750000), quorumContext(750001)};
  if (&guard == &tagsOrgGuard()) {
    return {tagsOrgContext({"urgent", "finance", "beta", "emea", "q4"}, "cn-north"),
            tagsOrgContext({"finance", "urgent", "q4", "emea", "beta"}, "cn-south")};
  }
  if (&guard == &matchesGuard()) return {orgContext("cn-north"), orgContext("cn-south1")};
  return {arithmeticContext(120, 45, 80, 9), arithmeticContext(121, 44, 81, 10)};
}

std::vector<Context> variations(const Guard& guard) {
  std::vector<Context> contexts = benchContexts(guard);
  if (readsAmount(guard)) {
    contexts.push_back(quorumContext(500000));
    contexts.push_back(quorumContext(-3));
  } else if (&guard == &tagsOrgGuard()) {
    contexts.push_back(tagsOrgContext({"alpha", "gamma"}, "cn-east"));
    contexts.push_back(tagsOrgContext({"beta"}, "us-east"));
    contexts.push_back(tagsOrgContext({}, "cn-"));
  } else if (&guard == &matchesGuard()) {
    contexts.push_back(orgContext("cn-"));
    contexts.push_back(orgContext("us-east"));
    contexts.push_back(orgContext(""));
  } else {
    contexts.push_back(arithmeticContext(-500, 3, 999, -2));
    contexts.push_back(arithmeticContext(10, 10, 10, 10));
    contexts.push_back(arithmeticContext(3, -7, -40, 1));
  }
  return contexts;
}

Context randomContext(const Guard& guard, std::mt19937_64& random) {
  auto between = [&](std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
  };
  if (readsAmount(guard)) {
    // Half near the threshold, half anywhere in ±1,000,000.
    return quorumContext(between(0, 1) != 0 ? between(499990, 500010) : between(-1000000, 1000000));
  }
  if (&guard == &tagsOrgGuard()) {
    static const char* const pool[] = {"alpha", "beta", "gamma", "delta", "urgent", "bet", "betaa", "q4"};
    static const char* const orgs[] = {"cn-north", "cn-", "cn", "us-east", "xcn-1", "", "CN-north", "cn-beta"};
    std::vector<std::string> tags;
    const auto count = between(0, 6);
    for (std::int64_t i = 0; i < count; ++i) tags.emplace_back(pool[between(0, 7)]);
    return tagsOrgContext(std::move(tags), orgs[between(0, 7)]);
  }
  if (&guard == &matchesGuard()) {
    static const char* const orgs[] = {"cn-north", "cn-", "cn", "us-east", "xcn-a", "", "CN-north", "cn-beta2"};
    return orgContext(orgs[between(0, 7)]);
  }
  return arithmeticContext(between(-1000, 1000), between(-1000, 1000), between(-1000, 1000), between(-1000, 1000));
}

// ---- Compilation and agreement ----

/// The guard compiled by the front end and by the JIT, or an error message in `problem`.
struct Compiled {
  std::unique_ptr<CompiledExpression> compiled;
  std::unique_ptr<CompiledExpressions> jit;
  std::string problem;
};

const Compiled& compiledFor(const Guard& guard) {
  static std::vector<std::pair<const Guard*, std::unique_ptr<Compiled>>> cache;
  for (const auto& [key, value] : cache) {
    if (key == &guard) return *value;
  }
  auto result = std::make_unique<Compiled>();
  result->compiled = approval::compileExpression(guard.text, guard.fields);
  const auto& diagnostics = result->compiled->diagnostics.diagnostics();
  if (!diagnostics.empty()) {
    result->problem = std::string(guard.name) + ": " + std::to_string(diagnostics.size()) +
                      " diagnostic(s); first: " + std::string(diagnostics.front().code()) + ": " +
                      diagnostics.front().message;
  } else if (!result->compiled->expr) {
    result->problem = std::string(guard.name) + ": no expression was lowered";
  } else if (!result->compiled->type.is(TypeKind::Bool)) {
    result->problem = std::string(guard.name) + ": guard is not a bool but " + result->compiled->type.spelling();
  } else {
    std::vector<Type> contextTypes;
    for (const auto& field : guard.fields) contextTypes.push_back(field.type);
    const approval::jit::ExpressionEntry entry{&*result->compiled->expr, true, {}};
    auto code = CompiledExpressions::compile({&entry, 1}, contextTypes, "",
                                             approval::jit::JitOptions{.optimizationLevel = 2});
    if (code) {
      result->jit = std::move(code).value();
    } else {
      result->problem = std::string(guard.name) + ": the JIT failed: " + code.error().message;
    }
  }
  cache.emplace_back(&guard, std::move(result));
  return *cache.back().second;
}

/// "" when the JIT, the interpreter and the hand-written function give the same bool on
/// `context`, else a description.
std::string disagreement(const Guard& guard, const Compiled& compiled, const Context& context,
                         const ApprovalState& state) {
  const Environment environment{context.values(), nullptr, &state};
  const Value interpreted = approval::evaluateGuard(*compiled.compiled->expr, environment);
  const bool expected = guard.handWritten(context.slots().data(), state);
  const GuardInput input{context.slots(), {}, &state};
  const Verdict verdict = compiled.jit->guard(0, input);
  const auto call = compiled.jit->guardCall(0);
  const Verdict::Kind expectedKind = expected ? Verdict::Kind::True : Verdict::Kind::False;
  if (!call || (*call)(input) != verdict.kind) return std::string(guard.name) + ": GuardCall and guard() disagree";
  if (interpreted.is<bool>() && interpreted.as<bool>() == expected && verdict.kind == expectedKind) return {};
  std::string context_text;
  for (const Value& value : context.values()) context_text += " " + approval::toJsonText(value);
  return std::string(guard.name) + ": JIT gave " + verdictText(verdict) + ", interpreter " +
         approval::toJsonText(interpreted) + ", hand-written " + (expected ? "true" : "false") + " on context" +
         context_text;
}

/// The setup check of every benchmark: the guard compiles cleanly (front end and JIT) and
/// the three implementations agree on the prepared variations. Returns null (and skips the
/// benchmark) otherwise.
const Compiled* checkedGuard(benchmark::State& state, const Guard& guard) {
  const Compiled& compiled = compiledFor(guard);
  if (!compiled.problem.empty()) {
    state.SkipWithError(compiled.problem.c_str());
    return nullptr;
  }
  const FakeState approvalState;
  for (const Context& context : variations(guard)) {
    const std::string problem = disagreement(guard, compiled, context, approvalState);
    if (!problem.empty()) {
      state.SkipWithError(problem.c_str());
      return nullptr;
    }
  }
  return &compiled;
}

// ---- Benchmarks ----

/// Times `evaluate` on the two prepared inputs in turn, its result kept alive.
template <typename Input, typename Evaluate>
void alternate(benchmark::State& state, const Input (&inputs)[2], Evaluate evaluate) {
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = evaluate(inputs[i & 1U]);
    benchmark::DoNotOptimize(result);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}

/// The engine's hot path: GuardCall, the direct call of the guard's native entry.
void runJit(benchmark::State& state, const Guard& guard) {
  const Compiled* compiled = checkedGuard(state, guard);
  if (compiled == nullptr) return;
  const std::optional<approval::jit::GuardCall> call = compiled->jit->guardCall(0);
  if (!call) {
    state.SkipWithError("entry 0 is not a guard");
    return;
  }
  const std::vector<Context> contexts = benchContexts(guard);
  const FakeState approvalState;
  const GuardInput inputs[2] = {{contexts[0].slots(), {}, &approvalState}, {contexts[1].slots(), {}, &approvalState}};
  alternate(state, inputs, [&](const GuardInput& input) { return (*call)(input); });
}

/// The convenience entry: CompiledExpressions::guard, which returns a Verdict.
void runJitVerdict(benchmark::State& state, const Guard& guard) {
  const Compiled* compiled = checkedGuard(state, guard);
  if (compiled == nullptr) return;
  const CompiledExpressions& code = *compiled->jit;
  const std::vector<Context> contexts = benchContexts(guard);
  const FakeState approvalState;
  const GuardInput inputs[2] = {{contexts[0].slots(), {}, &approvalState}, {contexts[1].slots(), {}, &approvalState}};
  alternate(state, inputs, [&](const GuardInput& input) { return code.guard(0, input); });
}

void runInterpreter(benchmark::State& state, const Guard& guard) {
  const Compiled* compiled = checkedGuard(state, guard);
  if (compiled == nullptr) return;
  const approval::ir::Expr& expr = *compiled->compiled->expr;
  const std::vector<Context> contexts = benchContexts(guard);
  const FakeState approvalState;
  const Environment environments[2] = {{contexts[0].values(), nullptr, &approvalState},
                                       {contexts[1].values(), nullptr, &approvalState}};
  alternate(state, environments, [&](const Environment& environment) { return approval::evaluateGuard(expr, environment); });
}

void runHandWritten(benchmark::State& state, const Guard& guard) {
  if (checkedGuard(state, guard) == nullptr) return;
  const std::vector<Context> contexts = benchContexts(guard);
  const FakeState approvalState;
  const ApprovalState* statePointer = &approvalState;
  const Slot* const slots[2] = {contexts[0].slots().data(), contexts[1].slots().data()};
  std::size_t i = 0;
  for (auto _ : state) {
    const Slot* context = slots[i & 1U];
    benchmark::DoNotOptimize(context);
    benchmark::DoNotOptimize(statePointer);
    bool result = guard.handWritten(context, *statePointer);
    benchmark::DoNotOptimize(result);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Threshold_Jit(benchmark::State& state) { runJit(state, thresholdGuard()); }
void BM_Threshold_JitVerdict(benchmark::State& state) { runJitVerdict(state, thresholdGuard()); }
void BM_Threshold_Interpreter(benchmark::State& state) { runInterpreter(state, thresholdGuard()); }
void BM_Threshold_HandWritten(benchmark::State& state) { runHandWritten(state, thresholdGuard()); }
void BM_Quorum_Jit(benchmark::State& state) { runJit(state, quorumGuard()); }
void BM_Quorum_JitVerdict(benchmark::State& state) { runJitVerdict(state, quorumGuard()); }
void BM_Quorum_Interpreter(benchmark::State& state) { runInterpreter(state, quorumGuard()); }
void BM_Quorum_HandWritten(benchmark::State& state) { runHandWritten(state, quorumGuard()); }
void BM_TagsOrg_Jit(benchmark::State& state) { runJit(state, tagsOrgGuard()); }
void BM_TagsOrg_JitVerdict(benchmark::State& state) { runJitVerdict(state, tagsOrgGuard()); }
void BM_TagsOrg_Interpreter(benchmark::State& state) { runInterpreter(state, tagsOrgGuard()); }
void BM_TagsOrg_HandWritten(benchmark::State& state) { runHandWritten(state, tagsOrgGuard()); }
void BM_Matches_Jit(benchmark::State& state) { runJit(state, matchesGuard()); }
void BM_Matches_JitVerdict(benchmark::State& state) { runJitVerdict(state, matchesGuard()); }
void BM_Matches_Interpreter(benchmark::State& state) { runInterpreter(state, matchesGuard()); }
void BM_Matches_HandWritten(benchmark::State& state) { runHandWritten(state, matchesGuard()); }
void BM_Arithmetic_Jit(benchmark::State& state) { runJit(state, arithmeticGuard()); }
void BM_Arithmetic_JitVerdict(benchmark::State& state) { runJitVerdict(state, arithmeticGuard()); }
void BM_Arithmetic_Interpreter(benchmark::State& state) { runInterpreter(state, arithmeticGuard()); }
void BM_Arithmetic_HandWritten(benchmark::State& state) { runHandWritten(state, arithmeticGuard()); }

BENCHMARK(BM_Threshold_Jit);
BENCHMARK(BM_Threshold_JitVerdict);
BENCHMARK(BM_Threshold_Interpreter);
BENCHMARK(BM_Threshold_HandWritten);
BENCHMARK(BM_Quorum_Jit);
BENCHMARK(BM_Quorum_JitVerdict);
BENCHMARK(BM_Quorum_Interpreter);
BENCHMARK(BM_Quorum_HandWritten);
BENCHMARK(BM_TagsOrg_Jit);
BENCHMARK(BM_TagsOrg_JitVerdict);
BENCHMARK(BM_TagsOrg_Interpreter);
BENCHMARK(BM_TagsOrg_HandWritten);
BENCHMARK(BM_Matches_Jit);
BENCHMARK(BM_Matches_JitVerdict);
BENCHMARK(BM_Matches_Interpreter);
BENCHMARK(BM_Matches_HandWritten);
BENCHMARK(BM_Arithmetic_Jit);
BENCHMARK(BM_Arithmetic_JitVerdict);
BENCHMARK(BM_Arithmetic_Interpreter);
BENCHMARK(BM_Arithmetic_HandWritten);

// ---- --self-check ----

int selfCheck() {
  constexpr int kContextsPerGuard = 1000;
  std::mt19937_64 random(20261126);
  int failures = 0;
  for (const Guard* guard : {&thresholdGuard(), &quorumGuard(), &tagsOrgGuard(), &matchesGuard(), &arithmeticGuard()}) {
    const Compiled& compiled = compiledFor(*guard);
    if (!compiled.problem.empty()) {
      std::fprintf(stderr, "guard_bench: %s\n", compiled.problem.c_str());
      ++failures;
      continue;
    }
    int trues = 0;
    int mismatches = 0;
    std::vector<Context> contexts = variations(*guard);
    while (contexts.size() < kContextsPerGuard) contexts.push_back(randomContext(*guard, random));
    for (std::size_t i = 0; i < contexts.size(); ++i) {
      // The quorum guard also sees 0 to 4 current-event votes (2 is the threshold).
      const FakeState approvalState(guard == &quorumGuard() ? static_cast<std::int64_t>(i % 5) : 3);
      const std::string problem = disagreement(*guard, compiled, contexts[i], approvalState);
      if (!problem.empty()) {
        if (mismatches < 5) std::fprintf(stderr, "guard_bench: mismatch: %s\n", problem.c_str());
        ++mismatches;
      }
      if (guard->handWritten(contexts[i].slots().data(), approvalState)) ++trues;
    }
    std::printf("%-10s %zu contexts, %d true, %d mismatch(es) between JIT, interpreter and hand-written\n",
                guard->name, contexts.size(), trues, mismatches);
    // Both outcomes must be exercised, or the check proves little.
    if (trues == 0 || trues == static_cast<int>(contexts.size())) {
      std::fprintf(stderr, "guard_bench: %s: random contexts never produced both outcomes\n", guard->name);
      ++failures;
    }
    failures += mismatches;
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return benchmarkMain("guard_bench", argc, argv, [&]() -> std::optional<int> {
    if (argc > 1 && std::strcmp(argv[1], "--self-check") == 0) return selfCheck();
    return std::nullopt;
  });
}
