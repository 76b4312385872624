"""Calibration benchmark (issue 15 point 6): six free parameters to eight targets at `demo` size.

The eight targets are synthetic: the means of ``--target-runs`` runs of `demo` under `national` at known
parameter values (TRUTH below), with the standard error of that mean, written to a targets file. Then the
real command line calibrates six free parameters to them on local workers, and the benchmark reports the
wall time, the CPU time of the command and its workers (what an idle machine of this many cores would
need is about CPU / cores), the runs made, and how far the estimates are from the known values.

    python benchmarks/bench_calibrate.py                         # the figure in docs/performance.md
    python benchmarks/bench_calibrate.py --workers 2 --json
    python benchmarks/bench_calibrate.py --enterprises 1500 --months 12 --design-points 4   # a smoke run

Nothing is asserted: the numbers go to docs/performance.md with the date, the machine and the command.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import run_info

#: The known parameter values the targets are simulated at, and each free parameter's range (the committed
#: share at most 0.7: with `demo`'s calibrated incompetent share, 0.283, the two stay at most 1).
TRUTH: dict[str, tuple[float, float, float]] = {
    "scenario.behaviour.types.committed.share": (0.45, 0.2, 0.7),
    "scenario.behaviour.types.calculator.honesty.mean": (0.62, 0.3, 0.9),
    "scenario.population.history.violations_per_year": (0.55, 0.05, 2.0),
    "scenario.behaviour.types.calculator.opportunity_per_month": (0.25, 0.05, 0.6),
    "scenario.behaviour.risk_aversion": (0.5, 0.0, 3.0),
    "scenario.population.dynamic.honesty_link": (0.5, 0.0, 1.0),
}
#: Eight outcomes: the four grade shares and four figures of the runs' inspections.
OUTCOMES = (
    "grade_share.A",
    "grade_share.B",
    "grade_share.C",
    "grade_share.D",
    "violation_prevalence",
    "hit_rate",
    "hit_rate.D",
    "compliant_burden",
)


def size_overrides(args: argparse.Namespace) -> list[str]:
    return [f"scenario.population.enterprises={args.enterprises}", f"scenario.months={args.months}"]


def synthetic_targets(args: argparse.Namespace, path: Path) -> dict[str, float]:
    """Simulate at TRUTH and write the targets file; returns the observed means."""
    import numpy as np

    from credsup.calibration.outcomes import outcome_values
    from credsup.experiments.seeds import run_seed
    from credsup.simulation.runner import run_simulation

    overrides: list[tuple[str, Any]] = [
        ("population.enterprises", args.enterprises),
        ("months", args.months),
        *((k.removeprefix("scenario."), v) for k, (v, _, _) in TRUTH.items()),
    ]
    rows = [
        outcome_values(
            run_simulation("demo", "national", run_seed(args.target_seed, 0, r), scenario_overrides=overrides)
        )
        for r in range(args.target_runs)
    ]
    values = np.array([[row[k] for k in OUTCOMES] for row in rows])
    mean = values.mean(axis=0)
    se = values.std(axis=0, ddof=1) / np.sqrt(len(rows))
    lines = [
        'targets = "synthetic-demo"',
        'jurisdiction = "national"',
        f'source = "assumption: simulated, demo under national at known parameters, seed {args.target_seed}"',
    ]
    for k, m, s in zip(OUTCOMES, mean, se):
        lines += [
            "",
            "[[figures]]",
            f'outcome = "{k}"',
            f"value = {float(m)!r}",
            f'uncertainty = {{ standard_error = {float(s)!r}, source = "assumption: the standard error of a '
            f'mean of {len(rows)} runs" }}',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {k: float(m) for k, m in zip(OUTCOMES, mean)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--enterprises", type=int, default=20000)
    p.add_argument("--months", type=int, default=36)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--replications", type=int, default=2)
    p.add_argument("--design-points", type=int, default=None, help="default: credsup's (56 for six parameters)")
    p.add_argument("--max-evaluations", type=int, default=40)
    p.add_argument("--target-runs", type=int, default=8)
    p.add_argument("--target-seed", type=int, default=101)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=None, help="keep the targets, database and report here")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    folder = args.out or Path(tempfile.mkdtemp(prefix="credsup-bench-calibrate-"))
    folder.mkdir(parents=True, exist_ok=True)
    targets = folder / "targets.toml"
    t0 = time.perf_counter()
    observed = synthetic_targets(args, targets)
    targets_wall = time.perf_counter() - t0

    command = [
        sys.executable,
        "-m",
        "credsup.cli.main",
        "calibrate",
        str(targets),
        "--scenario",
        "demo",
        *(a for k, (_, lo, hi) in TRUTH.items() for a in ("--free", f"{k}={lo}..{hi}")),
        *(a for s in size_overrides(args) for a in ("--set", s)),
        "-r",
        str(args.replications),
        "--seed",
        str(args.seed),
        *(("--design-points", str(args.design_points)) if args.design_points else ()),
        "--max-evaluations",
        str(args.max_evaluations),
        "-w",
        str(args.workers),
        "--db",
        str(folder / "calibration.db"),
        "--out",
        str(folder / "report"),
        "--json",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"calibrate failed ({done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    estimates = {row["key"]: row for row in result["uncertainty"]}
    out = {
        **run_info(),
        "command": " ".join(command[2:]),
        "free_parameters": len(TRUTH),
        "targets": len(OUTCOMES),
        "targets_seconds": round(targets_wall, 1),
        "calibrate_wall_seconds": round(wall, 1),
        "calibrate_cpu_seconds": round(cpu, 1),
        "cpu_over_workers_seconds": round(cpu / args.workers, 1),
        "points_evaluated": result["evaluations"],
        "replications": result["replications"],
        "fit": {k: result["fit"][k] for k in ("verdict", "j", "df", "p_value")},
        "parameters": {
            k: {
                "truth": TRUTH[k][0],
                "estimate": estimates[k]["value"],
                "interval": [estimates[k]["interval_low"], estimates[k]["interval_high"]],
                "status": estimates[k]["status"],
            }
            for k in TRUTH
            if k in estimates
        },
        "observed": observed,
        "folder": str(folder),
        "loadavg": os.getloadavg(),
        "surface": result.get("surface"),
    }
    print(json.dumps(out, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
