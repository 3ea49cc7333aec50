#!/usr/bin/env python3
"""Scaling ratios from one frontend_bench run (docs/PERFORMANCE.md).

    build/release/bench/frontend_bench --benchmark_out=bench.json --benchmark_out_format=json
    python3 bench/scaling_ratios.py bench.json

For each benchmark family (BM_Compile, BM_Parse, ...) prints the CPU time per transition at
every size and its ratio to the smallest size. Linear scaling means ratios near 1.0; a
quadratic stage shows ratios near 10 at 10x the size and 100 at 100x.
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        report = json.load(handle)
    families = {}
    for run in report["benchmarks"]:
        if run.get("error_occurred"):
            print(f"{run['name']}: skipped: {run.get('error_message', '')}")
            continue
        family = run["name"].split("/")[0]
        families.setdefault(family, []).append(run)
    print(f"{'benchmark':<26} {'transitions':>11} {'states':>8} {'us/transition':>14} {'ratio':>7} {'wall ms':>9} {'CPU ms':>9}")
    for family, runs in families.items():
        runs.sort(key=lambda run: run["transitions"])
        base = runs[0]["per_transition"]
        for run in runs:
            per = run["per_transition"]
            # Times are in the benchmark's unit (ms here); counters are in seconds.
            print(f"{family:<26} {int(run['transitions']):>11} {int(run['states']):>8} {per * 1e6:>14.2f} "
                  f"{per / base:>7.2f} {run['real_time']:>9.1f} {run['cpu_time']:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
