// Google Benchmark programs for the front end (docs/PERFORMANCE.md explains how to run them
// and records results).
//
//   frontend_bench                         run every benchmark
//   frontend_bench --self-check            no timing: checks that generated machines compile
//                                          with zero diagnostics (the ctest
//                                          bench.generator_compiles_cleanly)
//   frontend_bench --print-machine N [S]   writes the generated machine with N transitions
//                                          (and S states) to stdout, e.g. for `approvalc check`
//   frontend_bench --stages [N...]         CPU time per transition of parse, check, lower
//                                          and the content hash, over a sweep of sizes
//
// Every benchmark reports time per declared transition ("per_transition", and the usual
// items_per_second). Stage benchmarks time parse, check and lower separately so a change in
// scaling can be located without a profiler.
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "approval/compiler.h"
#include "approval/lower.h"
#include "approval/sema.h"
#include "approval/syntax.h"
#include "bench_main.h"
#include "machine_generator.h"

namespace {

using approval::bench::GeneratedMachine;
using approval::bench::generateMachine;

/// Generated machines are cached: generating 100,000 transitions is not what is measured.
const GeneratedMachine& machineFor(std::size_t transitions, std::size_t states = 0) {
  static std::map<std::pair<std::size_t, std::size_t>, GeneratedMachine> cache;
  const auto key = std::make_pair(transitions, states);
  auto found = cache.find(key);
  if (found == cache.end()) found = cache.emplace(key, generateMachine(transitions, states)).first;
  return found->second;
}

std::unique_ptr<approval::Compilation> compileMachine(const GeneratedMachine& machine) {
  std::vector<approval::InputFile> inputs;
  inputs.push_back({machine.path, machine.source});
  return approval::compile(std::move(inputs));
}

/// "" when the compilation is clean (no diagnostic of any severity, one machine lowered),
/// else a description of the first problem.
std::string problemsOf(const approval::Compilation& compilation, const GeneratedMachine& machine) {
  const auto& diagnostics = compilation.diagnostics.diagnostics();
  if (!diagnostics.empty()) {
    const auto& first = diagnostics.front();
    return std::to_string(diagnostics.size()) + " diagnostic(s); first: " + machine.path + ":" +
           std::to_string(first.primary.line) + ":" + std::to_string(first.primary.column) + ": " +
           std::string(first.code()) + ": " + first.message;
  }
  if (compilation.program.machines.size() != 1) return "expected exactly one lowered machine";
  const auto& lowered = compilation.program.machines.front();
  if (lowered.states.size() != machine.states) {
    return "lowered machine has " + std::to_string(lowered.states.size()) + " states, expected " +
           std::to_string(machine.states);
  }
  const auto& ast = compilation.files.front().machines.front();
  if (ast.transitions.size() != machine.transitions) {
    return "parsed machine has " + std::to_string(ast.transitions.size()) + " transitions, expected " +
           std::to_string(machine.transitions);
  }
  return {};
}

/// The setup check of every benchmark: skips it with the first diagnostic if the generated
/// machine does not compile cleanly. Returns false when skipped. The answer is remembered
/// per machine, so each machine is compiled for the check only once per run.
bool checkClean(benchmark::State& state, const GeneratedMachine& machine) {
  static std::map<const GeneratedMachine*, std::string> problems;
  auto found = problems.find(&machine);
  if (found == problems.end()) found = problems.emplace(&machine, problemsOf(*compileMachine(machine), machine)).first;
  if (found->second.empty()) return true;
  state.SkipWithError(found->second.c_str());
  return false;
}

void reportPerTransition(benchmark::State& state, const GeneratedMachine& machine) {
  const auto items = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(machine.transitions);
  state.SetItemsProcessed(items);
  // Seconds of CPU per transition; the console shows it scaled (e.g. "45us").
  state.counters["per_transition"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["transitions"] = static_cast<double>(machine.transitions);
  state.counters["states"] = static_cast<double>(machine.states);
  state.counters["source_MB"] = static_cast<double>(machine.source.size()) / 1e6;
}

/// A machine parsed (and, when asked, checked) outside the timed region, for the stage
/// benchmarks that start after parsing.
struct Parsed {
  approval::SourceManager sources;
  approval::ast::File file;
};

std::unique_ptr<Parsed> parseMachine(const GeneratedMachine& machine) {
  auto parsed = std::make_unique<Parsed>();
  const approval::FileId id = parsed->sources.add(machine.path, machine.source);
  approval::DiagnosticSink sink;
  parsed->file = approval::parseFile(parsed->sources, id, approval::InputLimits{}, sink);
  return parsed;
}

// ---- Whole front end: approval::compile() (read → parse → check → lower) ----

void runCompile(benchmark::State& state, const GeneratedMachine& machine, const approval::CompileOptions& options = {}) {
  if (!checkClean(state, machine)) return;
  for (auto _ : state) {
    // The input copy and the destruction of the result are not part of compile().
    state.PauseTiming();
    std::vector<approval::InputFile> inputs;
    inputs.push_back({machine.path, machine.source});
    state.ResumeTiming();
    auto compilation = approval::compile(std::move(inputs), options);
    benchmark::DoNotOptimize(compilation.get());
    state.PauseTiming();
    compilation.reset();
    state.ResumeTiming();
  }
  reportPerTransition(state, machine);
}

void BM_Compile(benchmark::State& state) {
  runCompile(state, machineFor(static_cast<std::size_t>(state.range(0))));
}

/// The 10,000-state target: a machine with 10,000 states and 20,000 transitions compiles
/// (parse, check and lower, so certainly checks) in under a second.
void BM_Compile10kStates(benchmark::State& state) {
  runCompile(state, machineFor(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1))));
}

/// The same machine as `approvalc check` compiles it: parse and check, no IR (and so no
/// content hash). This is the number the 1 s target is about.
void BM_Check10kStates(benchmark::State& state) {
  runCompile(state, machineFor(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1))),
             approval::CompileOptions{.limits = {}, .lower = false});
}

// ---- Stages: parse only (approval::parseFile), check only (approval::checkProgram on a
// parsed AST), lower only (approval::lowerMachine on a checked AST, content hash included) ----

void BM_Parse(benchmark::State& state) {
  const GeneratedMachine& machine = machineFor(static_cast<std::size_t>(state.range(0)));
  if (!checkClean(state, machine)) return;
  approval::SourceManager sources;
  const approval::FileId id = sources.add(machine.path, machine.source);
  const approval::InputLimits limits;
  for (auto _ : state) {
    approval::DiagnosticSink sink;
    auto file = approval::parseFile(sources, id, limits, sink);
    benchmark::DoNotOptimize(file.machines.data());
    state.PauseTiming();
    file = {};
    state.ResumeTiming();
  }
  reportPerTransition(state, machine);
}

void BM_Check(benchmark::State& state) {
  const GeneratedMachine& machine = machineFor(static_cast<std::size_t>(state.range(0)));
  if (!checkClean(state, machine)) return;
  const auto parsed = parseMachine(machine);
  const std::vector<const approval::ast::File*> files{&parsed->file};
  for (auto _ : state) {
    approval::DiagnosticSink sink;
    const bool clean = approval::checkProgram(files, sink);
    benchmark::DoNotOptimize(clean);
  }
  reportPerTransition(state, machine);
}

void BM_Lower(benchmark::State& state) {
  const GeneratedMachine& machine = machineFor(static_cast<std::size_t>(state.range(0)));
  if (!checkClean(state, machine)) return;
  const auto parsed = parseMachine(machine);
  const auto& ast = parsed->file.machines.front();
  for (auto _ : state) {
    auto lowered = approval::lowerMachine(ast, parsed->sources);
    benchmark::DoNotOptimize(lowered.transitions.data());
    state.PauseTiming();
    lowered = {};
    state.ResumeTiming();
  }
  reportPerTransition(state, machine);
}

// Iteration counts are fixed (Iterations() holds for a whole family, so each size is
// registered on its own) so that the whole binary runs in under two minutes on two cores.
// Sizes are 1k, 10k and 100k declared transitions; states default to transitions / 2 + 3.
// compile() runs on a thread of its own (a large stack for deep inputs), so time is measured
// as CPU time of the whole process, not of the benchmark's thread.
#define APPROVAL_BENCH_SIZES(function)                                                                         \
  BENCHMARK(function)->Arg(1'000)->Unit(benchmark::kMillisecond)->Iterations(20)->MeasureProcessCPUTime();   \
  BENCHMARK(function)->Arg(10'000)->Unit(benchmark::kMillisecond)->Iterations(5)->MeasureProcessCPUTime();    \
  BENCHMARK(function)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(1)->MeasureProcessCPUTime()

APPROVAL_BENCH_SIZES(BM_Compile);
BENCHMARK(BM_Compile10kStates)->Args({20'000, 10'000})->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_Check10kStates)->Args({20'000, 10'000})->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
APPROVAL_BENCH_SIZES(BM_Parse);
APPROVAL_BENCH_SIZES(BM_Check);
APPROVAL_BENCH_SIZES(BM_Lower);

// ---- Modes that run before Google Benchmark sees the arguments ----

int selfCheck() {
  struct Case {
    std::size_t transitions;
    std::size_t states;  // 0: the generator's default
  };
  const Case cases[] = {{10, 0}, {100, 0}, {1'000, 0}, {2'000, 1'000}, {10'000, 0}, {20'000, 10'000}, {1'000, 50}};
  int failures = 0;
  for (const Case& c : cases) {
    const GeneratedMachine machine = generateMachine(c.transitions, c.states);
    const auto compilation = compileMachine(machine);
    const std::string problem = problemsOf(*compilation, machine);
    const bool deterministic = generateMachine(c.transitions, c.states).source == machine.source;
    const bool ok = problem.empty() && deterministic;
    std::printf("%s %s: %zu transitions, %zu states, %zu bytes%s%s\n", ok ? "ok  " : "FAIL", machine.name.c_str(),
                machine.transitions, machine.states, machine.source.size(), problem.empty() ? "" : ": ",
                problem.c_str());
    if (!deterministic) std::printf("     the generator gave a different text the second time\n");
    if (!ok) ++failures;
  }
  // Invalid shapes are refused instead of producing a machine with warnings.
  try {
    (void)generateMachine(10, 100);
    std::printf("FAIL generateMachine(10, 100) did not throw\n");
    ++failures;
  } catch (const std::invalid_argument&) {
    std::printf("ok   generateMachine(10, 100) is refused\n");
  }
  std::printf("%s\n", failures == 0 ? "self-check passed" : "self-check FAILED");
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

double cpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

/// Times each stage of compile() on its own over a sweep of sizes, as process CPU time (the
/// machine is shared, so wall time is noisier) and the best of a few runs. Prints
/// microseconds per declared transition: a column that grows with the size is a stage that
/// does not scale linearly.
int stages(int argc, char** argv) {
  std::vector<std::size_t> sizes{1'000, 2'000, 5'000, 10'000, 20'000, 50'000, 100'000};
  if (argc > 2) {
    sizes.clear();
    for (int i = 2; i < argc; ++i) sizes.push_back(static_cast<std::size_t>(std::strtoull(argv[i], nullptr, 10)));
  }
  std::printf("%12s %8s | %9s %9s %9s %9s | %9s   (us of CPU per transition, best of runs)\n", "transitions",
              "states", "parse", "check", "lower", "(hash)", "compile");
  for (const std::size_t size : sizes) {
    const GeneratedMachine machine = generateMachine(size);
    const int runs = static_cast<int>(std::clamp<std::size_t>(200'000 / size, 2, 20));
    double parse = 1e30, check = 1e30, lower = 1e30, hash = 1e30, whole = 1e30;
    for (int run = 0; run < runs; ++run) {
      approval::SourceManager sources;
      const approval::FileId id = sources.add(machine.path, machine.source);
      approval::DiagnosticSink sink;
      double start = cpuSeconds();
      const approval::ast::File file = approval::parseFile(sources, id, approval::InputLimits{}, sink);
      double end = cpuSeconds();
      parse = std::min(parse, end - start);
      const std::vector<const approval::ast::File*> files{&file};
      start = cpuSeconds();
      const bool clean = approval::checkProgram(files, sink);
      end = cpuSeconds();
      check = std::min(check, end - start);
      if (!clean || !sink.diagnostics().empty() || file.machines.size() != 1) {
        std::printf("%s does not compile cleanly\n", machine.name.c_str());
        return EXIT_FAILURE;
      }
      start = cpuSeconds();
      const approval::ir::Machine lowered = approval::lowerMachine(file.machines.front(), sources);
      end = cpuSeconds();
      lower = std::min(lower, end - start);
      start = cpuSeconds();
      const std::string again = approval::computeContentHash(lowered);
      end = cpuSeconds();
      hash = std::min(hash, end - start);
      if (again != lowered.contentHash) std::printf("content hash differs between runs\n");

      std::vector<approval::InputFile> inputs;
      inputs.push_back({machine.path, machine.source});
      start = cpuSeconds();
      auto compilation = approval::compile(std::move(inputs));
      end = cpuSeconds();
      whole = std::min(whole, end - start);
    }
    const double perTransition = 1e6 / static_cast<double>(size);
    std::printf("%12zu %8zu | %9.2f %9.2f %9.2f %9.2f | %9.2f\n", size, machine.states, parse * perTransition,
                check * perTransition, lower * perTransition, hash * perTransition, whole * perTransition);
    std::fflush(stdout);
  }
  return EXIT_SUCCESS;
}

int printMachine(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: frontend_bench --print-machine TRANSITIONS [STATES]\n");
    return 2;
  }
  const auto transitions = static_cast<std::size_t>(std::strtoull(argv[2], nullptr, 10));
  const auto states = argc > 3 ? static_cast<std::size_t>(std::strtoull(argv[3], nullptr, 10)) : 0;
  const GeneratedMachine machine = generateMachine(transitions, states);
  std::fwrite(machine.source.data(), 1, machine.source.size(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return benchmarkMain("frontend_bench", argc, argv, [&]() -> std::optional<int> {
    if (argc > 1 && std::strcmp(argv[1], "--self-check") == 0) return selfCheck();
    if (argc > 1 && std::strcmp(argv[1], "--print-machine") == 0) return printMachine(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "--stages") == 0) return stages(argc, argv);
    return std::nullopt;
  });
}
