"""City-scale benchmark: wall time, enterprise-periods per second and peak memory of `credsup run`.

Each jurisdiction runs in a fresh child process, so its peak resident memory is its own. A *floor* is
measured the same way: the scenario's population is generated and then, once per period, every state
array is read once (the speed of memory for the same data), which is the least any simulation of this
state could cost.

    python benchmarks/bench_city.py                      # city, national and traditional
    python benchmarks/bench_city.py -j national --json   # one jurisdiction, machine-readable
    python benchmarks/bench_city.py --repeat 3                # fastest of three runs each (busy machines)
    python benchmarks/bench_city.py --enterprises 20000 --months 12   # a quick smoke run

Nothing is asserted: the numbers go to docs/performance.md with the date, the machine and the command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from typing import Any


def peak_mb() -> float:
    """Peak resident set size of this process, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def scenario_overrides(args: argparse.Namespace) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if args.enterprises:
        out.append(("population.enterprises", args.enterprises))
        # keep the inspectors per enterprise of the scenario
    if args.months:
        out.append(("months", args.months))
    return out


def child_run(args: argparse.Namespace) -> dict[str, Any]:
    from credsup.simulation import load_scenario, run_simulation

    sc = load_scenario(args.scenario, scenario_overrides(args))
    if args.enterprises:
        base = load_scenario(args.scenario)
        scale = args.enterprises / base.population.enterprises
        sc = load_scenario(args.scenario, [*scenario_overrides(args),
                                           ("regulator.inspectors", max(1, round(base.regulator.inspectors * scale)))])
    t0 = time.perf_counter()
    result = run_simulation(sc, args.child, args.seed)
    wall = time.perf_counter() - t0
    n = sc.population.enterprises * sc.months
    return {
        "jurisdiction": args.child, "scenario": sc.scenario, "enterprises": sc.population.enterprises,
        "months": sc.months, "wall_s": wall, "enterprise_periods_per_s": n / wall, "peak_mb": peak_mb(),
        "timings": result.timings,
        "hooks": {k: {**v, "us_per_row": 1e6 * v["seconds"] / max(v["rows"], 1)} for k, v in result.hooks.items()},
        "summary": result.summary,
    }


def child_floor(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from credsup.simulation import load_scenario
    from credsup.simulation.population import generate
    from credsup.simulation.streams import as_seed_sequence, streams

    sc = load_scenario(args.scenario, scenario_overrides(args))
    world, _ = generate(sc, streams(as_seed_sequence(args.seed))["population"])
    arrays = [a for a in vars(world).values() if isinstance(a, np.ndarray)] + list(world.cols.values())
    arrays = [a.view(np.int64) if a.dtype.kind == "M" else a for a in arrays]
    t0 = time.perf_counter()
    sink = 0.0
    for _ in range(sc.months):
        for a in arrays:
            sink += float(a.sum())
    wall = time.perf_counter() - t0
    n = sc.population.enterprises * sc.months
    return {"jurisdiction": "floor (one pass over the state per period)", "scenario": sc.scenario,
            "enterprises": sc.population.enterprises, "months": sc.months, "wall_s": wall,
            "enterprise_periods_per_s": n / wall, "peak_mb": peak_mb(), "state_mb": world.memory_bytes() / 2**20,
            "checksum": sink}


def spawn(args: argparse.Namespace, child: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--scenario", args.scenario, "--seed", str(args.seed), "--child", child]
    if args.enterprises:
        cmd += ["--enterprises", str(args.enterprises)]
    if args.months:
        cmd += ["--months", str(args.months)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="city")
    parser.add_argument("-j", "--jurisdiction", action="append", dest="jurisdictions",
                        help="jurisdiction to run (repeatable; default national and traditional)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--enterprises", type=int, default=0, help="override the number of enterprises")
    parser.add_argument("--months", type=int, default=0, help="override the number of months")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each child this many times and keep the fastest (the least disturbed)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_floor(args) if args.child == "floor" else child_run(args)))
        return 0
    rows = []
    for name in ["floor", *(args.jurisdictions or ["national", "traditional"])]:
        runs = [spawn(args, name) for _ in range(max(1, args.repeat))]
        best = min(runs, key=lambda r: r["wall_s"])
        best["repeats"] = len(runs)
        rows.append(best)
    floor = rows[0]["wall_s"]
    for row in rows[1:]:
        row["times_floor"] = row["wall_s"] / floor
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    info = {"date": time.strftime("%Y-%m-%d"), "commit": commit, "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}", "load_average": os.getloadavg(), "rows": rows}
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"{info['date']}  commit {info['commit'] or '?'}  {info['machine']}  load {info['load_average'][0]:.2f}")
    print(f"{'run':<45}{'enterprises x months':>22}{'wall s':>9}{'ent-periods/s':>15}{'peak MB':>9}{'x floor':>9}")
    for r in rows:
        size = f"{r['enterprises']:,} x {r['months']}"
        times = f"{r['times_floor']:.1f}" if "times_floor" in r else ""
        print(f"{r['jurisdiction']:<45}{size:>22}{r['wall_s']:>9.2f}{r['enterprise_periods_per_s']:>15,.0f}"
              f"{r['peak_mb']:>9.0f}{times:>9}")
    for r in rows[1:]:
        hooks = sorted(r["hooks"].items(), key=lambda kv: -kv[1]["seconds"])
        print(f"\n{r['jurisdiction']}: phases " + ", ".join(f"{k} {v:.2f} s" for k, v in r["timings"].items()))
        for name, h in hooks:
            print(f"  {name:<36}{h['calls']:>7.0f} calls {h['seconds']:>7.3f} s {h['us_per_row']:>9.4f} us/row")
    return 0


if __name__ == "__main__":
    sys.exit(main())
