"""Sweep benchmark: wall time of the same sweep on 1 worker, 2 local worker processes and (optionally) a
Dask LocalCluster, the speed-up, and a check that every executor stored identical metrics.

The wall time runs from opening the executor (starting worker processes or a cluster) to the last run
stored, as a user waits for it; spec validation is left out (it is the same for every executor). Each
executor writes to a fresh SQLite database in a temporary folder.

    python benchmarks/bench_sweep.py                       # the example sweep at the demo's 20,000 enterprises
    python benchmarks/bench_sweep.py --dask-local          # and on a Dask LocalCluster
    python benchmarks/bench_sweep.py --enterprises 1000 --months 6 --json   # a quick smoke run

Nothing is asserted about time: the numbers go to docs/performance.md with the date, the machine and the
command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def measure(spec: str, set_texts: list[str], workers: int, dask_local: bool, db: Path) -> dict[str, Any]:
    from credsup.experiments.executors import open_executor
    from credsup.experiments.sweep import prepare, run, start
    from credsup.results.db import open_database
    from credsup.results.store import load_experiment

    prepared = prepare(spec, set_texts=set_texts)
    engine = open_database(str(db))
    t0 = time.perf_counter()
    with open_executor(workers, dask_local=dask_local) as executor:
        label = executor.describe()
        exp = start(engine, prepared, executor)
        tally = run(engine, exp, prepared, executor, progress=False)
    wall = time.perf_counter() - t0
    results = load_experiment(engine, exp)
    busy = sum(r["wall_seconds"] or 0.0 for r in results.runs)
    return {
        "executor": label,
        "workers": workers,
        "dask": dask_local,
        "runs": tally.ok,
        "failed": tally.failed,
        "wall_s": wall,
        "runs_per_s": tally.ok / wall,
        "run_seconds": busy,
        "results": results,
    }


def identical(a: Any, b: Any) -> bool:
    return a.summary.keys() == b.summary.keys() and all(
        np.array_equal(a.summary[k][m], b.summary[k][m], equal_nan=True) for k in a.summary for m in a.summary[k]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default="capacity-x-d-rate", help="sweep spec (file or shipped name)")
    ap.add_argument("--enterprises", type=int, default=20000, help="scenario.population.enterprises")
    ap.add_argument("--months", type=int, default=None, help="scenario.months (default: the spec's)")
    ap.add_argument("--workers", type=int, default=2, help="the parallel run's local worker processes")
    ap.add_argument("--dask-local", action="store_true", help="also run on a Dask LocalCluster of --workers")
    ap.add_argument("--repeat", type=int, default=1, help="keep the fastest of this many runs of each")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    set_texts = [f"scenario.population.enterprises={args.enterprises}"]
    if args.months:
        set_texts.append(f"scenario.months={args.months}")
    plans = [(1, False), (args.workers, False)] + ([(args.workers, True)] if args.dask_local else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (workers, dask) in enumerate(plans):
            best = None
            for k in range(args.repeat):
                row = measure(args.spec, set_texts, workers, dask, Path(tmp) / f"b{i}_{k}.db")
                if best is None or row["wall_s"] < best["wall_s"]:
                    best = row
            rows.append(best)
    base = rows[0]
    for row in rows:
        row["speedup"] = base["wall_s"] / row["wall_s"]
        row["identical_to_1_worker"] = identical(base["results"], row["results"])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent
    ).stdout.strip()
    meta = {
        "spec": args.spec,
        "set": set_texts,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "commit": commit,
        "load_average": os.getloadavg(),
    }
    out = [{k: v for k, v in r.items() if k != "results"} for r in rows]
    if args.json:
        print(json.dumps({**meta, "rows": out}, indent=2))
        return
    print(
        f"sweep {args.spec} with {' '.join(set_texts)}; {meta['cores']} cores, Python {meta['python']}, "
        f"commit {commit}, load average {' '.join(f'{x:.1f}' for x in meta['load_average'])}"
    )
    print(f"{'executor':<48} {'runs':>5} {'wall s':>8} {'runs/s':>7} {'speed-up':>8}  identical")
    for r in out:
        print(
            f"{r['executor']:<48} {r['runs']:>5} {r['wall_s']:>8.2f} {r['runs_per_s']:>7.2f} "
            f"{r['speedup']:>7.2f}x  {'yes' if r['identical_to_1_worker'] else 'NO'}"
        )


if __name__ == "__main__":
    sys.exit(main())
