#!/usr/bin/env python3
"""Ratios from one guard_bench or jit_compile_bench run (docs/PERFORMANCE.md).

    build/release/bench/guard_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \\
        --benchmark_out=guard.json --benchmark_out_format=json
    python3 bench/jit_ratios.py guard.json

    build/release/bench/jit_compile_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \\
        --benchmark_out=compile.json --benchmark_out_format=json
    python3 bench/jit_ratios.py compile.json

Uses the median of the repetitions (or the single run when there are no aggregates).
guard_bench: per guard, CPU ns of the JIT (GuardCall), the JIT through guard() (a Verdict),
the interpreter and hand-written C++, and the ratios to hand-written.
jit_compile_bench: per machine, wall (and process CPU) ms of every benchmark, cached / cold,
and the front end's share of a cold and of a cached load.
"""
import json
import sys


def medians(report):
    """{run name without the /process_time/real_time suffixes: run}, medians preferred."""
    runs = {}
    singles = {}
    for run in report["benchmarks"]:
        if run.get("error_occurred"):
            print(f"{run['name']}: skipped: {run.get('error_message', '')}")
            continue
        name = run.get("run_name", run["name"]).replace("/process_time", "").replace("/real_time", "")
        if run.get("run_type") == "aggregate":
            if run.get("aggregate_name") == "median":
                runs[name] = run
        else:
            singles.setdefault(name, run)
    for name, run in singles.items():
        runs.setdefault(name, run)
    return runs


def guard_table(runs):
    guards = []
    for name in runs:
        guard = name[len("BM_"):].rsplit("_", 1)[0]
        if guard not in guards:
            guards.append(guard)
    print(f"{'guard':<12} {'JIT ns':>8} {'Verdict ns':>11} {'interp. ns':>11} {'hand ns':>8} {'JIT/hand':>9} "
          f"{'Verdict/hand':>13} {'interp./hand':>13} {'interp./JIT':>12}")
    for guard in guards:
        try:
            jit, verdict, interpreter, hand = (runs[f"BM_{guard}_{kind}"]["cpu_time"]
                                               for kind in ("Jit", "JitVerdict", "Interpreter", "HandWritten"))
        except KeyError:
            continue
        print(f"{guard:<12} {jit:>8.2f} {verdict:>11.2f} {interpreter:>11.1f} {hand:>8.2f} {jit / hand:>9.2f} "
              f"{verdict / hand:>13.2f} {interpreter / hand:>13.1f} {interpreter / jit:>12.1f}")


def compile_table(runs):
    print(f"{'benchmark':<28} {'wall ms':>9} {'CPU ms':>9}")
    for name, run in runs.items():
        print(f"{name:<28} {run['real_time']:>9.3f} {run['cpu_time']:>9.3f}")
    for machine in ("Seed", "Guards1k"):
        def wall(kind):
            return runs[f"BM_{machine}_{kind}"]["real_time"]
        try:
            front, cold, cached = wall("FrontEnd"), wall("Load_Cold"), wall("Load_Cached")
            jit_cold, jit_cached = wall("Jit_Cold/2"), wall("Jit_Cached")
        except KeyError:
            continue
        print(f"{machine}: load cold {cold:.2f} ms, cached {cached:.2f} ms (cached/cold {cached / cold:.3f}); "
              f"front end {front:.2f} ms = {100 * front / cold:.0f}% of a cold load, {100 * front / cached:.0f}% of a cached one; "
              f"JIT alone cold {jit_cold:.2f} ms, cached {jit_cached:.2f} ms (cached/cold {jit_cached / jit_cold:.3f})")
        if f"BM_{machine}_Jit_Cold/0" in runs:
            jit_o0 = wall("Jit_Cold/0")
            print(f"{machine}: JIT alone cold at O0 {jit_o0:.2f} ms (O0/O2 {jit_o0 / jit_cold:.2f})")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        report = json.load(handle)
    runs = medians(report)
    if any(name.endswith("_HandWritten") for name in runs):
        guard_table(runs)
    else:
        compile_table(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
