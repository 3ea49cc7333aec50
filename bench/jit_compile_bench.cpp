// Google Benchmark program for the guard JIT's compile latency (docs/PERFORMANCE.md, "Guard
// compilation"): how long a machine takes to load, from DSL text to callable guards.
//
//   jit_compile_bench                  run every benchmark
//   jit_compile_bench --self-check     no timing: the generated 1,000-guard machine and the seed
//                                      example compile, every guard is callable and agrees with
//                                      the interpreter on a few contexts, and a second compile
//                                      with the same MemoryObjectCache is served from it (the
//                                      ctest bench.jit_compile_self_check)
//   jit_compile_bench --print-machine  writes the generated 1,000-guard machine to stdout
//   jit_compile_bench --first-load     one seed load in a fresh process (LLVM's one-time set-up
//                                      included), wall milliseconds per stage
//
// Machines:
//   Seed      examples/leave-approval.seed.dsl verbatim: one guard, `hasQuorum()`
//   Guards1k  generated here: 100 states, 1,000 guarded transitions (10 events per state),
//             guards cycling through 17 templates over int, string and list<...> context
//             fields (comparisons, arithmetic, `in`, string functions, macros, `?:`,
//             conversions, `hasQuorum(n)`), with constants varied per transition
//
// Benchmarks, per machine:
//   <M>_FrontEnd        approval::compile(): parse, check, lower (content hash included)
//   <M>_Load_Cold       approval::compile() + jit::MachineGuards::compile(), no object cache
//   <M>_Load_Cached     the same with a warm MemoryObjectCache (the module is still built, but
//                       LLVM's optimiser and code generator are skipped)
//   <M>_Jit_Cold/L      MachineGuards::compile() alone on the lowered machine, at O<L>
//   <M>_Jit_Cached      MachineGuards::compile() alone, warm cache
// The input text is in memory; destroying the result is outside the timed region. Times are
// wall-clock (UseRealTime) with the CPU time of the whole process alongside, because compile()
// runs the front end on a thread of its own.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "approval/compiler.h"
#include "approval/evaluate.h"
#include "approval/guard_slots.h"
#include "approval/ir.h"
#include "approval/jit.h"
#include "approval/value.h"
#include "bench_main.h"
#include "verdict_text.h"

namespace {

using approval::ApprovalState;
using approval::DurationValue;
using approval::TimestampValue;
using approval::Value;
using approval::ValueList;
using approval::jit::GuardInput;
using approval::jit::JitOptions;
using approval::jit::MachineGuards;
using approval::jit::MemoryObjectCache;
using approval::jit::Verdict;

// ---- The machines ----

struct Source {
  std::string path;
  std::string text;
};

const Source& seedSource() {
  static const Source source = [] {
    Source result{APPROVAL_SOURCE_DIR "/examples/leave-approval.seed.dsl", {}};
    std::ifstream stream(result.path, std::ios::binary);
    if (!stream) throw std::runtime_error("cannot read " + result.path);
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    result.text = buffer.str();
    return result;
  }();
  return source;
}

constexpr std::size_t kGeneratedStates = 100;
constexpr std::size_t kEventsPerState = 10;
constexpr std::size_t kGeneratedGuards = kGeneratedStates * kEventsPerState;
constexpr const char* kEvents[kEventsPerState] = {"approve", "reject",   "escalate", "review",   "countersign",
                                                  "delegate", "remind", "comment",  "withdraw", "resubmit"};
/// The context fields, in declaration (slot) order.
constexpr const char* kContextBlock =
    "  context {\n"
    "    amount: int\n"
    "    score: int\n"
    "    applicant: string\n"
    "    org: string\n"
    "    tags: list<string>\n"
    "    reviewers: list<string>\n"
    "    limits: list<int>\n"
    "  }\n";
constexpr std::size_t kGuardTemplates = 17;

/// Guard `g` of the generated machine: template g % 17, constants from g.
std::string generatedGuard(std::size_t g) {
  const std::size_t k = g / kGuardTemplates;  // 0..58: varies the constants per template
  const std::string n = std::to_string(1000 * (g % 97));
  const auto s = [](std::size_t value) { return std::to_string(value); };
  switch (g % kGuardTemplates) {
    case 0: return "amount > " + n;
    case 1: return "amount + score * " + s(k % 5 + 2) + " <= " + n + " && org.startsWith(\"cn-\")";
    case 2: return "\"tag" + s(k % 10) + "\" in tags";
    case 3: return "size(reviewers) >= " + s(k % 4 + 1) + " || applicant == \"user" + s(k % 10) + "\"";
    case 4: return "tags.exists(t, t.startsWith(\"tag" + s(k % 5) + "\"))";
    case 5: return "amount % " + s(k % 7 + 2) + " == 0 && score > " + s(k % 50);
    case 6: return "org.endsWith(\"-" + s(k % 5) + "\") || applicant.contains(\"" + s(k % 10) + "\")";
    case 7: return "limits.all(x, x < " + n + ")";
    case 8: return "(amount > " + s(k * 100) + " ? score : amount) >= " + s(k % 40);
    case 9: return "applicant in reviewers && amount <= " + n;
    case 10: return "hasQuorum(" + s(k % 3 + 1) + ") && amount < " + n;
    case 11: return "size(tags) > 1 && tags[1] == \"tag" + s(k % 10) + "\"";
    case 12: return "amount / score > " + s(k % 5);                       // an error when score is 0
    case 13: return "size(limits.filter(x, x > " + s(k * 10) + ")) >= 2";
    case 14: return "limits.map(x, x * " + s(k % 4 + 1) + ").exists(y, y > " + n + ")";
    case 15: return "applicant + \"@\" + org == \"user" + s(k % 10) + "@cn-" + s(k % 5) + "\"";
    default: return "score * 3074457345618258602 > amount || double(amount) / 100.0 > " + s(k) + ".5";  // overflow
  }
}

const Source& generatedSource() {
  static const Source source = [] {
    Source result{"guards-1000.dsl", {}};
    std::string& out = result.text;
    out += "// Generated by bench/jit_compile_bench.cpp: " + std::to_string(kGeneratedGuards) +
           " guarded transitions.\n";
    out += "state machine \"guards-1000\" {\n";
    out += kContextBlock;
    out += "  initial: S0\n  states: [";
    for (std::size_t state = 0; state < kGeneratedStates; ++state) out += "S" + std::to_string(state) + ", ";
    out += "DONE]\n  final: [DONE]\n  transitions {\n";
    std::size_t g = 0;
    for (std::size_t state = 0; state < kGeneratedStates; ++state) {
      const std::string target = state + 1 < kGeneratedStates ? "S" + std::to_string(state + 1) : "DONE";
      for (const char* event : kEvents) {
        out += "    S" + std::to_string(state) + " → " + target + " on \"" + event + "\" if " + generatedGuard(g++) + "\n";
      }
    }
    out += "  }\n}\n";
    return result;
  }();
  return source;
}

// ---- Front end ----

std::unique_ptr<approval::Compilation> frontEnd(const Source& source) {
  std::vector<approval::InputFile> inputs;
  inputs.push_back({source.path, source.text});
  return approval::compile(std::move(inputs));
}

/// "" when the compilation is clean and gives one machine, else the problem. The generated
/// machine must give no diagnostic at all; the seed example is compiled verbatim and has two
/// warnings (W0401: REJECTED and CANCELLED are never entered), so only errors count for it.
std::string problemsOf(const approval::Compilation& compilation, const Source& source) {
  const auto& diagnostics = compilation.diagnostics.diagnostics();
  const bool warningsAllowed = &source == &seedSource();
  if (warningsAllowed ? compilation.diagnostics.hasErrors() : !diagnostics.empty()) {
    const auto& first = diagnostics.front();
    return source.path + ": " + std::to_string(diagnostics.size()) + " diagnostic(s); first: " +
           std::to_string(first.primary.line) + ":" + std::to_string(first.primary.column) + ": " +
           std::string(first.code()) + ": " + first.message;
  }
  if (compilation.program.machines.size() != 1) return source.path + ": expected exactly one lowered machine";
  return {};
}

/// A lowered machine, compiled once per process (for the JIT-only benchmarks).
const approval::Compilation& loweredOnce(const Source& source) {
  static std::vector<std::pair<const Source*, std::unique_ptr<approval::Compilation>>> cache;
  for (const auto& [key, value] : cache) {
    if (key == &source) return *value;
  }
  auto compilation = frontEnd(source);
  if (auto problem = problemsOf(*compilation, source); !problem.empty()) throw std::runtime_error(problem);
  cache.emplace_back(&source, std::move(compilation));
  return *cache.back().second;
}

std::size_t guardCount(const approval::ir::Machine& machine) {
  std::size_t count = 0;
  for (const auto& transition : machine.transitions) count += transition.guard ? 1 : 0;
  return count;
}

// ---- Benchmarks ----

/// Checks the machine once; false (benchmark skipped) if it does not compile cleanly.
bool setUp(benchmark::State& state, const Source& source) {
  try {
    const auto& lowered = loweredOnce(source);
    const auto& machine = lowered.program.machines.front();
    state.counters["guards"] = static_cast<double>(guardCount(machine));
    state.counters["transitions"] = static_cast<double>(machine.transitions.size());
    return true;
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
    return false;
  }
}

void runFrontEnd(benchmark::State& state, const Source& source) {
  if (!setUp(state, source)) return;
  for (auto _ : state) {
    auto compilation = frontEnd(source);
    benchmark::DoNotOptimize(compilation.get());
    state.PauseTiming();
    compilation.reset();
    state.ResumeTiming();
  }
}

/// Front end + JIT; `cache` null: cold.
void runLoad(benchmark::State& state, const Source& source, MemoryObjectCache* cache) {
  if (!setUp(state, source)) return;
  const JitOptions options{.optimizationLevel = 2, .cache = cache};
  if (cache != nullptr) {  // warm it
    auto warm = MachineGuards::compile(loweredOnce(source).program.machines.front(), options);
    if (!warm) {
      state.SkipWithError(warm.error().message.c_str());
      return;
    }
  }
  for (auto _ : state) {
    auto compilation = frontEnd(source);
    if (compilation->program.machines.empty()) {
      state.SkipWithError("the front end failed");
      return;
    }
    auto guards = MachineGuards::compile(compilation->program.machines.front(), options);
    if (!guards || guards.value().statistics().fromCache != (cache != nullptr)) {
      state.SkipWithError(guards ? "unexpected object cache outcome" : guards.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(guards.value());
    state.PauseTiming();
    { const auto discard = std::move(guards); }
    compilation.reset();
    state.ResumeTiming();
  }
}

/// The JIT alone on the lowered machine; `cache` null: cold.
void runJit(benchmark::State& state, const Source& source, MemoryObjectCache* cache, unsigned level) {
  if (!setUp(state, source)) return;
  const auto& machine = loweredOnce(source).program.machines.front();
  const JitOptions options{.optimizationLevel = level, .cache = cache};
  if (cache != nullptr) {
    auto warm = MachineGuards::compile(machine, options);
    if (!warm) {
      state.SkipWithError(warm.error().message.c_str());
      return;
    }
  }
  double llvmMilliseconds = 0;
  for (auto _ : state) {
    auto guards = MachineGuards::compile(machine, options);
    if (!guards || guards.value().statistics().fromCache != (cache != nullptr)) {
      state.SkipWithError(guards ? "unexpected object cache outcome" : guards.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(guards.value());
    state.PauseTiming();
    llvmMilliseconds += guards.value().statistics().milliseconds;
    { const auto discard = std::move(guards); }
    state.ResumeTiming();
  }
  // CompileStatistics::milliseconds as the JIT reports it (its own wall clock).
  state.counters["reported_ms"] = llvmMilliseconds / static_cast<double>(state.iterations());
}

MemoryObjectCache& cacheFor(const Source& source) {
  static MemoryObjectCache seed;
  static MemoryObjectCache generated;
  return &source == &seedSource() ? seed : generated;
}

void BM_Seed_FrontEnd(benchmark::State& state) { runFrontEnd(state, seedSource()); }
void BM_Seed_Load_Cold(benchmark::State& state) { runLoad(state, seedSource(), nullptr); }
void BM_Seed_Load_Cached(benchmark::State& state) { runLoad(state, seedSource(), &cacheFor(seedSource())); }
void BM_Seed_Jit_Cold(benchmark::State& state) {
  runJit(state, seedSource(), nullptr, static_cast<unsigned>(state.range(0)));
}
void BM_Seed_Jit_Cached(benchmark::State& state) { runJit(state, seedSource(), &cacheFor(seedSource()), 2); }
void BM_Guards1k_FrontEnd(benchmark::State& state) { runFrontEnd(state, generatedSource()); }
void BM_Guards1k_Load_Cold(benchmark::State& state) { runLoad(state, generatedSource(), nullptr); }
void BM_Guards1k_Load_Cached(benchmark::State& state) {
  runLoad(state, generatedSource(), &cacheFor(generatedSource()));
}
void BM_Guards1k_Jit_Cold(benchmark::State& state) {
  runJit(state, generatedSource(), nullptr, static_cast<unsigned>(state.range(0)));
}
void BM_Guards1k_Jit_Cached(benchmark::State& state) {
  runJit(state, generatedSource(), &cacheFor(generatedSource()), 2);
}

#define APPROVAL_LATENCY(b) b->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()
APPROVAL_LATENCY(BENCHMARK(BM_Seed_FrontEnd));
APPROVAL_LATENCY(BENCHMARK(BM_Seed_Load_Cold));
APPROVAL_LATENCY(BENCHMARK(BM_Seed_Load_Cached));
APPROVAL_LATENCY(BENCHMARK(BM_Seed_Jit_Cold)->Arg(2)->Arg(0));
APPROVAL_LATENCY(BENCHMARK(BM_Seed_Jit_Cached));
APPROVAL_LATENCY(BENCHMARK(BM_Guards1k_FrontEnd));
APPROVAL_LATENCY(BENCHMARK(BM_Guards1k_Load_Cold));
APPROVAL_LATENCY(BENCHMARK(BM_Guards1k_Load_Cached));
APPROVAL_LATENCY(BENCHMARK(BM_Guards1k_Jit_Cold)->Arg(2)->Arg(0));
APPROVAL_LATENCY(BENCHMARK(BM_Guards1k_Jit_Cached));
#undef APPROVAL_LATENCY

// ---- --self-check ----

class FakeState final : public ApprovalState {
 public:
  explicit FakeState(std::int64_t votes) : votes_(votes) {}
  [[nodiscard]] std::int64_t votes(std::string_view) const override { return votes_; }
  [[nodiscard]] std::int64_t votesAmong(std::string_view, const approval::ValueList&) const override { return votes_; }
  [[nodiscard]] std::int64_t currentEventVotes() const noexcept override { return votes_; }
  [[nodiscard]] std::int64_t quorumRequired() const noexcept override { return 2; }
  [[nodiscard]] TimestampValue now() const override { return {}; }
  [[nodiscard]] std::optional<DurationValue> timeInState() const override { return DurationValue{}; }

 private:
  std::int64_t votes_;
};

Value strings(std::initializer_list<const char*> items) {
  ValueList list;
  for (const char* item : items) list.emplace_back(item);
  return Value(std::move(list));
}

Value ints(std::initializer_list<std::int64_t> items) {
  ValueList list;
  for (const std::int64_t item : items) list.emplace_back(item);
  return Value(std::move(list));
}

/// Contexts for the generated machine, in its slot order (amount, score, applicant, org,
/// tags, reviewers, limits), chosen so that every template gives true, false and (for the
/// division and the overflow templates) errors somewhere.
std::vector<std::vector<Value>> generatedContexts() {
  using I = std::int64_t;
  std::vector<std::vector<Value>> contexts;
  contexts.push_back({I{750000}, I{3}, "user3", "cn-north", strings({"tag1", "tag3", "beta"}),
                      strings({"user3", "user7"}), ints({10, 20, 500, 90000})});
  contexts.push_back({I{12}, I{0}, "bob", "us-east-2", strings({}), strings({}), ints({})});
  contexts.push_back({I{-40000}, I{-7}, "user0", "cn-0", strings({"tag0", "tag0"}), strings({"alice", "bob", "carol"}),
                      ints({-5, 5})});
  contexts.push_back({I{96000}, I{2}, "user12", "cn-4", strings({"tag4", "tag2", "tag9"}), strings({"user12"}),
                      ints({1000, 2000, 3000, 4000})});
  contexts.push_back({I{5040}, I{1}, "x", "eu-1", strings({"tag7"}), strings({"x", "y"}), ints({96001})});
  contexts.push_back({I{0}, I{100}, "user5", "cn-3", strings({"alpha", "tag5", "tag8", "tag6"}), strings({"user5"}),
                      ints({0, 0, 0})});
  return contexts;
}

bool sameVerdict(const Value& interpreted, const Verdict& verdict) {
  if (interpreted.is<bool>()) {
    return verdict.kind == (interpreted.as<bool>() ? Verdict::Kind::True : Verdict::Kind::False);
  }
  return interpreted.isError() && verdict.kind == Verdict::Kind::Error &&
         verdict.error == interpreted.as<approval::ErrorValue>().message;
}

struct Tally {
  std::size_t trues = 0;
  std::size_t falses = 0;
  std::size_t errors = 0;
  std::size_t mismatches = 0;
};

/// Every guarded transition of `machine` on every context and vote count: JIT == interpreter.
/// `perGuard` counts, per guard, the contexts where it gave a bool.
Tally compare(const char* label, const approval::ir::Machine& machine, const MachineGuards& guards,
              const std::vector<std::vector<Value>>& contexts, std::vector<std::size_t>* perGuard) {
  Tally tally;
  for (std::size_t c = 0; c < contexts.size(); ++c) {
    const approval::SlotValues slots(contexts[c]);
    for (const std::int64_t votes : {0, 1, 2, 3}) {
      const FakeState state(votes);
      const approval::Environment environment{slots.values(), nullptr, &state};
      const GuardInput input{slots.slots(), {}, &state};
      std::size_t guardIndex = 0;
      for (std::size_t t = 0; t < machine.transitions.size(); ++t) {
        const auto& transition = machine.transitions[t];
        if (!transition.guard) continue;
        const Value interpreted = approval::evaluateGuard(*transition.guard, environment);
        const Verdict verdict = guards.evaluate(static_cast<approval::ir::TransitionIndex>(t), input);
        if (!sameVerdict(interpreted, verdict)) {
          if (tally.mismatches < 5) {
            std::fprintf(stderr, "jit_compile_bench: %s: transition %zu, context %zu, %lld votes: JIT gave %s, "
                                 "interpreter %s\n",
                         label, t, c, static_cast<long long>(votes), verdictText(verdict).c_str(),
                         approval::toJsonText(interpreted).c_str());
          }
          ++tally.mismatches;
        }
        if (verdict.kind == Verdict::Kind::True) ++tally.trues;
        if (verdict.kind == Verdict::Kind::False) ++tally.falses;
        if (verdict.kind == Verdict::Kind::Error) ++tally.errors;
        if (perGuard != nullptr && verdict.kind != Verdict::Kind::Error) ++(*perGuard)[guardIndex];
        ++guardIndex;
      }
    }
  }
  return tally;
}

/// Compiles `source`, JIT-compiles it twice with one MemoryObjectCache (cold, then cached),
/// and compares both with the interpreter. Returns the number of failures.
int checkMachine(const char* label, const Source& source, const std::vector<std::vector<Value>>& contexts,
                 std::size_t expectedGuards, bool requireEveryOutcome) {
  int failures = 0;
  auto compilation = frontEnd(source);
  if (auto problem = problemsOf(*compilation, source); !problem.empty()) {
    std::fprintf(stderr, "jit_compile_bench: %s\n", problem.c_str());
    return 1;
  }
  const auto& machine = compilation->program.machines.front();
  const std::size_t guards = guardCount(machine);
  if (guards != expectedGuards) {
    std::fprintf(stderr, "jit_compile_bench: %s: %zu guards, expected %zu\n", label, guards, expectedGuards);
    ++failures;
  }
  MemoryObjectCache cache;
  const JitOptions options{.optimizationLevel = 2, .cache = &cache};
  for (const bool second : {false, true}) {
    auto compiled = MachineGuards::compile(machine, options);
    if (!compiled) {
      std::fprintf(stderr, "jit_compile_bench: %s: the JIT failed: %s\n", label, compiled.error().message.c_str());
      return failures + 1;
    }
    const auto& statistics = compiled.value().statistics();
    if (statistics.fromCache != second) {
      std::fprintf(stderr, "jit_compile_bench: %s: compile %d: fromCache is %s\n", label, second ? 2 : 1,
                   statistics.fromCache ? "true" : "false");
      ++failures;
    }
    if (statistics.expressions != guards) {
      std::fprintf(stderr, "jit_compile_bench: %s: %zu compiled expressions for %zu guards\n", label,
                   statistics.expressions, guards);
      ++failures;
    }
    std::vector<std::size_t> perGuard(guards, 0);
    const Tally tally = compare(label, machine, compiled.value(), contexts, &perGuard);
    std::size_t neverBool = 0;
    for (const std::size_t count : perGuard) neverBool += count == 0 ? 1 : 0;
    std::printf("%-9s %s compile (%.1f ms%s): %zu guards x %zu contexts x 4 vote counts: %zu true, %zu false, "
                "%zu error, %zu mismatch(es); %zu guard(s) never gave a bool\n",
                label, second ? "second" : "first ", statistics.milliseconds,
                statistics.fromCache ? ", from the cache" : "", guards, contexts.size(), tally.trues, tally.falses,
                tally.errors, tally.mismatches, neverBool);
    failures += static_cast<int>(tally.mismatches);
    if (neverBool != 0) {
      std::fprintf(stderr, "jit_compile_bench: %s: %zu guard(s) never evaluated to a bool\n", label, neverBool);
      ++failures;
    }
    if (requireEveryOutcome && (tally.trues == 0 || tally.falses == 0 || tally.errors == 0)) {
      std::fprintf(stderr, "jit_compile_bench: %s: the contexts did not give true, false and errors\n", label);
      ++failures;
    }
  }
  if (cache.size() != 1) {
    std::fprintf(stderr, "jit_compile_bench: %s: the cache holds %zu objects, expected 1\n", label, cache.size());
    ++failures;
  }
  return failures;
}

int selfCheck() {
  int failures = 0;
  failures += checkMachine("guards-1k", generatedSource(), generatedContexts(), kGeneratedGuards, true);
  // The seed reads no context; hasQuorum() needs the state only.
  failures += checkMachine("seed", seedSource(), std::vector<std::vector<Value>>(1), 1, false);
  return failures == 0 ? 0 : 1;
}

/// One seed load in this process, before anything else touched LLVM.
int firstLoad() {
  const Source& source = seedSource();
  const auto started = std::chrono::steady_clock::now();
  auto compilation = frontEnd(source);
  const auto parsed = std::chrono::steady_clock::now();
  if (auto problem = problemsOf(*compilation, source); !problem.empty()) {
    std::fprintf(stderr, "jit_compile_bench: %s\n", problem.c_str());
    return 1;
  }
  auto guards = MachineGuards::compile(compilation->program.machines.front());
  const auto done = std::chrono::steady_clock::now();
  if (!guards) {
    std::fprintf(stderr, "jit_compile_bench: %s\n", guards.error().message.c_str());
    return 1;
  }
  using Ms = std::chrono::duration<double, std::milli>;
  std::printf("first seed load in this process: %.2f ms (front end %.2f ms, JIT %.2f ms)\n",
              Ms(done - started).count(), Ms(parsed - started).count(), Ms(done - parsed).count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return benchmarkMain("jit_compile_bench", argc, argv, [&]() -> std::optional<int> {
    if (argc > 1 && std::strcmp(argv[1], "--self-check") == 0) return selfCheck();
    if (argc > 1 && std::strcmp(argv[1], "--print-machine") == 0) {
      std::fputs(generatedSource().text.c_str(), stdout);
      return 0;
    }
    if (argc > 1 && std::strcmp(argv[1], "--first-load") == 0) return firstLoad();
    return std::nullopt;
  });
}
