"""Where a city run's time goes: cProfile of one ``run_simulation``, summarised by the simulator's steps.

    python benchmarks/profile_city.py -j shanghai              # city, 1,000,000 x 60 (about 10 s)
    python benchmarks/profile_city.py -j national --out city.prof   # keep the profile for pstats/snakeviz
    python benchmarks/profile_city.py --enterprises 20000 --months 12   # a small run: fixed costs show

Prints the time of each step of the regulator and the behaviour model (cumulative, so a step includes
the hooks it calls), then the functions with the most time of their own. The profiler slows the run by
a quarter or so; shares are what to read. docs/performance.md summarises the profile of the city runs.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time

from common import sized_scenario

#: The steps worth a line: (file suffix, function) -> label.
STEPS = {
    ("simulation/behaviour.py", "decide"): "behaviour: enterprises decide",
    ("simulation/behaviour.py", "perceived_costs_of_members"): "behaviour: perceived costs (probe)",
    ("simulation/regulator.py", "_grade"): "grading",
    ("simulation/regulator.py", "_count_enterprises"): "enterprise-month counts",
    ("simulation/licences.py", "apply"): "licence applications, commitments",
    ("simulation/spot_checks.py", "draw"): "spot-check draw",
    ("simulation/complaints.py", "draw"): "complaints drawn",
    ("simulation/complaints.py", "arrive"): "complaints arrive",
    ("simulation/repairs.py", "apply"): "repair applications",
    ("simulation/credit_record.py", "advance"): "record: a new day (windows, publicity, listings, bans)",
    ("simulation/regulator.py", "_close_month"): "month end: perception, exposure",
    ("simulation/inspectorate.py", "work"): "inspectorate: daily dispatch and inspections",
    ("simulation/deadlines.py", "decide"): "rectification deadlines: tolerance, sanction",
    ("simulation/objections.py", "withdraw"): "objections upheld",
    ("simulation/repairs.py", "repaired"): "repairs take effect",
    ("simulation/population.py", "generate"): "population generated",
    ("simulation/metrics.py", "summarise"): "metrics",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="city")
    parser.add_argument("-j", "--jurisdiction", default="shanghai")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--enterprises", type=int, default=0)
    parser.add_argument("--months", type=int, default=0)
    parser.add_argument("--top", type=int, default=20, help="functions listed by own time")
    parser.add_argument("--out", help="also write the raw profile here (for pstats or snakeviz)")
    args = parser.parse_args(argv)

    from credsup.simulation import run_simulation

    sc = sized_scenario(args.scenario, args.enterprises, args.months)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    result = run_simulation(sc, args.jurisdiction, args.seed)
    profiler.disable()
    wall = time.perf_counter() - t0
    if args.out:
        profiler.dump_stats(args.out)
    stats = pstats.Stats(profiler)
    raw = stats.stats  # type: ignore[attr-defined]
    print(
        f"{args.jurisdiction}, {sc.population.enterprises:,} enterprises x {sc.months} months: "
        f"{wall:.2f} s under the profiler; hooks {result.timings['hooks']:.2f} s"
    )
    print(f"\n{'step':<48}{'calls':>8}{'seconds':>9}{'share':>7}")
    rows = []
    for (path, _line, func), (_cc, calls, _tt, cumulative, _callers) in raw.items():
        for (suffix, name), label in STEPS.items():
            if func == name and path.replace("\\", "/").endswith(suffix):
                rows.append((cumulative, calls, label))
    for cumulative, calls, label in sorted(rows, reverse=True):
        print(f"{label:<48}{calls:>8}{cumulative:>9.3f}{cumulative / wall:>7.0%}")
    print(f"\n{'hook':<48}{'calls':>8}{'seconds':>9}{'share':>7}")
    for hook, h in sorted(result.hooks.items(), key=lambda kv: -kv[1]["seconds"]):
        print(f"{hook:<48}{h['calls']:>8.0f}{h['seconds']:>9.3f}{h['seconds'] / wall:>7.0%}")
    print(f"\nfunctions by own time (top {args.top}):")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
