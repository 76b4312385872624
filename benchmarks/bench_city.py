"""City-scale benchmark: wall time, enterprise-periods per second and peak memory of `credsup run`.

Each jurisdiction runs in a fresh child process, so its peak resident memory is its own. A *floor* is
measured the same way: the scenario's population is generated and then, once per period, every state
array is read once (the speed of memory for the same data), which is the least any simulation of this
state could cost.

    python benchmarks/bench_city.py                      # city, every built-in jurisdiction
    python benchmarks/bench_city.py -j national --json   # one jurisdiction, machine-readable
    python benchmarks/bench_city.py --repeat 3           # fastest of three runs each (busy machines)
    python benchmarks/bench_city.py --enterprises 20000 --months 12   # a quick smoke run

``benchmarks/run_all.py`` runs this together with the naive models, the scaling curve and the targets.
Nothing is asserted: the numbers go to docs/performance.md with the date, the machine and the command.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from common import builtin_jurisdictions, peak_mb, run_child, run_info, sized_scenario

FLOOR = "floor"


def child_run(args: argparse.Namespace) -> dict[str, Any]:
    from credsup.simulation import run_simulation

    sc = sized_scenario(args.scenario, args.enterprises, args.months)
    t0, c0 = time.perf_counter(), time.process_time()
    result = run_simulation(sc, args.child, args.seed)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = sc.population.enterprises * sc.months
    return {
        "jurisdiction": args.child,
        "scenario": sc.scenario,
        "enterprises": sc.population.enterprises,
        "months": sc.months,
        "wall_s": wall,
        "cpu_s": cpu,  # CPU seconds of the run's process: less disturbed by a shared machine's load
        "enterprise_periods_per_s": n / wall,
        "peak_mb": peak_mb(),
        "timings": result.timings,
        "hooks": {
            k: {
                **v,
                "us_per_row": 1e6 * v["seconds"] / max(v["rows"], 1),
                "ns_per_enterprise_period": 1e9 * v["seconds"] / n,
            }
            for k, v in result.hooks.items()
        },
        "summary": result.summary,
    }


def child_floor(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the population, then read every state array once per period: the speed of memory."""
    import numpy as np

    from credsup.simulation.population import generate
    from credsup.simulation.streams import as_seed_sequence, streams

    sc = sized_scenario(args.scenario, args.enterprises, args.months)
    t0 = time.perf_counter()
    world, _ = generate(sc, (rngs := streams(as_seed_sequence(args.seed)))["population"], entrants=rngs["entrants"])
    population_s = time.perf_counter() - t0
    arrays = [a for a in vars(world).values() if isinstance(a, np.ndarray)] + list(world.cols.values())
    arrays = [a.view(np.int64) if a.dtype.kind == "M" else a for a in arrays]
    t1 = time.perf_counter()
    sink = 0.0
    for _ in range(sc.months):
        for a in arrays:
            sink += float(a.sum())
    wall = time.perf_counter() - t1  # the passes alone (population generation not counted: a strict floor)
    n = sc.population.enterprises * sc.months
    return {
        "jurisdiction": "floor (one pass over the state per period)",
        "scenario": sc.scenario,
        "enterprises": sc.population.enterprises,
        "months": sc.months,
        "wall_s": wall,
        "population_s": population_s,
        "enterprise_periods_per_s": n / wall,
        "peak_mb": peak_mb(),
        "state_mb": world.memory_bytes() / 2**20,
        "checksum": sink,
    }


def measure(
    scenario: str, name: str, seed: int = 1, enterprises: int = 0, months: int = 0, repeat: int = 1
) -> dict[str, Any]:
    """One child process per run (``repeat`` of them); the fastest run is kept: the least disturbed."""
    args = [
        "--scenario",
        scenario,
        "--seed",
        str(seed),
        "--child",
        name,
        "--enterprises",
        str(enterprises),
        "--months",
        str(months),
    ]
    runs = [run_child("bench_city.py", args) for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r["wall_s"])
    best["repeats"] = len(runs)
    return best


def city_rows(
    scenario: str, jurisdictions: list[str], seed: int = 1, enterprises: int = 0, months: int = 0, repeat: int = 1
) -> list[dict[str, Any]]:
    """The floor, then each jurisdiction, with ``times_floor`` set."""
    rows = [measure(scenario, name, seed, enterprises, months, repeat) for name in [FLOOR, *jurisdictions]]
    for row in rows[1:]:
        row["times_floor"] = row["wall_s"] / rows[0]["wall_s"]
    return rows


def print_city(rows: list[dict[str, Any]]) -> None:
    print(f"{'run':<45}{'enterprises x months':>22}{'wall s':>9}{'ent-periods/s':>15}{'peak MB':>9}{'x floor':>9}")
    for r in rows:
        size = f"{r['enterprises']:,} x {r['months']}"
        times = f"{r['times_floor']:.1f}" if "times_floor" in r else ""
        print(
            f"{r['jurisdiction']:<45}{size:>22}{r['wall_s']:>9.2f}{r['enterprise_periods_per_s']:>15,.0f}"
            f"{r['peak_mb']:>9.0f}{times:>9}"
        )


def print_phases(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        if "hooks" not in r:
            continue
        hooks = sorted(r["hooks"].items(), key=lambda kv: -kv[1]["seconds"])
        print(f"\n{r['jurisdiction']}: phases " + ", ".join(f"{k} {v:.2f} s" for k, v in r["timings"].items()))
        for name, h in hooks:
            print(
                f"  {name:<36}{h['calls']:>7.0f} calls {h['seconds']:>7.3f} s {h['us_per_row']:>9.4f} us/row"
                f" {h['ns_per_enterprise_period']:>8.2f} ns/enterprise-period"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="city")
    parser.add_argument(
        "-j",
        "--jurisdiction",
        action="append",
        dest="jurisdictions",
        help="jurisdiction to run (repeatable; default every built-in one)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--enterprises", type=int, default=0, help="override the number of enterprises")
    parser.add_argument("--months", type=int, default=0, help="override the number of months")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each child this many times and keep the fastest (the least disturbed)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_floor(args) if args.child == FLOOR else child_run(args)))
        return 0
    rows = city_rows(
        args.scenario,
        args.jurisdictions or builtin_jurisdictions(),
        args.seed,
        args.enterprises,
        args.months,
        args.repeat,
    )
    info = {**run_info(), "rows": rows}
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"{info['date']}  commit {info['commit']}  {info['machine']}  load {info['load_average'][0]:.2f}")
    print_city(rows)
    print_phases(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
