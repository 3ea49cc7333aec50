#!/usr/bin/env python3
"""Ratios of the runtime benchmarks (docs/PERFORMANCE.md, "Runtime") from one JSON run.

    runtime_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
        --benchmark_out=runtime.json --benchmark_out_format=json
    python3 bench/runtime/runtime_ratios.py runtime.json

Uses the median of the repetitions (or the single run), CPU time (the process's CPU time:
the benchmarks use MeasureProcessCPUTime) and, in a second table, wall time. Prints Markdown.
"""
import json
import statistics
import sys
from collections import defaultdict

IMPLS = ("Switch", "MSM", "Engine", "EngineHandle")
ENGINES = ("Engine", "EngineHandle")  # fire by instance id; fire through an InstanceHandle
ORDER = ("Seed", "SeedNoRoutes", "SeedTimers", "GenSmall", "GenSmallGuarded", "GenSmallPayload", "GenFull",
         "GenFullGuarded")
# SeedNoRoutes is the seed without its routes block: its baselines are the seed's (they route nothing).
# SeedTimers is SeedNoRoutes with two escalation timers: its baselines are the seed's (they keep no timers).
# GenSmallPayload is GenSmall with a payload on every event: its baselines are GenSmall's (no payloads).
BASELINE_OF = {"SeedNoRoutes": "Seed", "SeedTimers": "Seed", "GenSmallPayload": "GenSmall"}


def load(path):
    with open(path) as f:
        data = json.load(f)
    medians = {}  # (machine, impl) -> (cpu ns, real ns)
    singles = defaultdict(list)
    for b in data["benchmarks"]:
        if b.get("error_occurred"):
            print(f"error in {b['name']}: {b.get('error_message')}", file=sys.stderr)
            continue
        name = b.get("run_name", b["name"]).removesuffix("/process_time")
        machine, impl = name.split("/")[:2]
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        times = (b["cpu_time"] * scale, b["real_time"] * scale)
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[(machine, impl)] = times
        else:
            singles[(machine, impl)].append(times)
    for key, runs in singles.items():
        if key not in medians:
            medians[key] = (statistics.median(t[0] for t in runs), statistics.median(t[1] for t in runs))
    return data.get("context", {}), medians


def fmt(ns):
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"


def table(medians, column, title):
    print(f"\n{title}\n")
    print("| machine | switch ns/event | MSM ns/event | engine ns/event (by id) | engine ns/event (handle) | "
          "MSM / switch | engine / switch (by id) | engine / MSM (by id) | engine / MSM (handle) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    machines = [m for m in ORDER if any((m, i) in medians for i in IMPLS)]
    for machine in machines:
        base = BASELINE_OF.get(machine, machine)
        t = {i: medians[(machine if i in ENGINES else base, i)][column] for i in IMPLS
             if (machine if i in ENGINES else base, i) in medians}
        cells = [fmt(t[i]) if i in t else "n/a" for i in IMPLS]

        def ratio(a, b):
            return f"{t[a] / t[b]:,.1f}" if a in t and b in t else "n/a"

        label = f"{machine} (baselines: {base})" if base != machine else machine
        print(f"| {label} | {' | '.join(cells)} | {ratio('MSM', 'Switch')} | {ratio('Engine', 'Switch')} | "
              f"{ratio('Engine', 'MSM')} | {ratio('EngineHandle', 'MSM')} |")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    context, medians = load(sys.argv[1])
    print(f"date {context.get('date')}, load average {context.get('load_avg')}")
    table(medians, 0, "Process CPU time per event (median of the repetitions):")
    table(medians, 1, "Wall time per event (median of the repetitions):")
    for suffix, title in (("Redelivered", "GenSmall's events sent again, each answered Duplicate"),
                          ("Refused", "events GenSmall's initial state has no transition on, each answered Rejected")):
        rows = [(i, medians[("GenSmall", i + suffix)][0]) for i in ENGINES if ("GenSmall", i + suffix) in medians]
        if not rows:
            continue
        print(f"\n{title} (CPU, median):\n")
        for engine, ns in rows:
            first = medians.get(("GenSmall", engine), (None,))[0]
            against = f" ({ns / first:.2f}x a transition)" if first else ""
            print(f"- {engine}: {fmt(ns)} ns/event{against}")
    msm = medians.get(("GenSmall", "MSM"), (None,))[0]
    floors = (("SwitchAudited", "that floor",
               "GenSmall's switch with the contract's per-event work by hand (lock, Duplicate check, history kept)",
               " (the floor under any engine's ratio)"),
              ("SwitchLean", "the lean floor",
               "The same work laid out as compactly as it allows (16-byte entries in arena chunks, interned actors)",
               ""))
    for row, called, what, why in floors:
        floor = medians.get(("GenSmall", row), (None,))[0]
        if not (floor and msm):
            continue
        print(f"\n{what}: {fmt(floor)} ns/event, {floor / msm:.1f}x MSM{why}")
        for engine in ENGINES:
            if ("GenSmall", engine) in medians:
                print(f"- {engine}: {medians[('GenSmall', engine)][0] / floor:.1f}x {called}")
    for engine in ENGINES:
        if ("GenSmall", engine) in medians and ("GenSmall", "MSM") in medians:
            r = medians[("GenSmall", engine)][0] / medians[("GenSmall", "MSM")][0]
            print(f"\nTarget (engine within 3x of Boost.MSM, guard-free GenSmall, CPU), {engine}: {r:.1f}x -> "
                  f"{'met' if r <= 3 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
