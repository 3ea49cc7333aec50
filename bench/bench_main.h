// The main() shared by the benchmark programs: each program's own modes first (--self-check
// and the like), then Google Benchmark with the rest of the command line.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <optional>

/// Runs `modes` (the exit code of the mode the arguments chose, or nothing to run the
/// benchmarks); an exception from it is reported as `program: what` with exit code 2.
inline int benchmarkMain(const char* program, int argc, char** argv, const std::function<std::optional<int>()>& modes) {
  try {
    if (const auto code = modes()) return *code;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", program, error.what());
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
