"""Batched runs (issue 16): many small runs sequential against batched, a sweep over scenario parameters
(every point different) unbatched against batched, a Sobol' study on two workers, the fixed cost of every
run (start-up, a 1,000-enterprise run), each part in a fresh process.

    python benchmarks/bench_batch.py                        # 64 demo replications, Sobol' sample, start-up
    python benchmarks/bench_batch.py --baseline DIR         # the same parts with an earlier credsup too
    python benchmarks/bench_batch.py --quick --json out.json   # tiny sizes (the CI smoke run)
    python benchmarks/bench_batch.py --scenario-sweep-only     # 64 Sobol' scenario points, unbatched/batched

``--baseline DIR`` names a folder that holds an earlier commit's package as ``DIR/credsup`` (for
example ``git archive <commit> | tar -x -C DIR/credsup``): the parts that exist there (sequential runs,
start-up, the city run) are measured with it in the same command, side by side. Per core means on one
process: each part's throughput is runs per CPU second of its process (``time.process_time``), which a
shared machine's load disturbs less than wall time; both are printed. Peak memory is the process's
high-water mark (``VmHWM``). Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import HERE, peak_mb, run_info

#: The Sobol' study of issue 16: eight parameters, base sample N = 512, demo size. Its scenario
#: parameters are those a user would study; the two jurisdiction parameters make every point a
#: jurisdiction of its own (see docs/performance.md for what that means for batching).
SOBOL_PARAMETERS = {
    "scenario.regulator.inspectors": {"low": 15, "high": 60},
    "scenario.regulator.detection_probability": {"low": 0.5, "high": 0.9},
    "scenario.regulator.complaint_base_rate": {"low": 0.05, "high": 0.3},
    "scenario.behaviour.noise": {"low": 0.2, "high": 1.0},
    "scenario.behaviour.risk_aversion": {"low": 0.0, "high": 1.0},
    "scenario.behaviour.types.calculator.honesty.mean": {"low": 0.45, "high": 0.75},
    "inspection.rate_per_year.C": {"low": 0.1, "high": 0.6},
    "inspection.rate_per_year.D": {"low": 0.3, "high": 1.0},
}


def digest(results: list[Any]) -> str:
    """One hash of every member's result but its wall times and hook statistics."""
    h = hashlib.sha256()
    for r in results:
        data = r.to_dict()
        del data["timings"], data["hooks"]
        h.update(json.dumps(data, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


# -------------------------------------------------------------------------------------- child parts


def part_replications(mode: str, jurisdiction: str, replications: int, enterprises: int, months: int) -> dict:
    """``replications`` runs of one scenario, one after the other (``sequential``) or in batches planned
    for one worker under the default memory bound (``batched``)."""
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    from credsup.simulation.runner import run_simulation

    overrides = [("population.enterprises", enterprises)] + ([("months", months)] if months else [])
    seeds = list(range(1, replications + 1))
    if mode == "sequential":
        results = [run_simulation("demo", jurisdiction, s, scenario_overrides=overrides) for s in seeds]
        batches = [1] * replications
    else:
        from credsup.experiments.batching import plan_batches
        from credsup.experiments.tasks import RunTask
        from credsup.simulation.runner import run_batch

        tasks = [
            RunTask("demo", jurisdiction, seed=0, replication=s, scenario_overrides=tuple(overrides)) for s in seeds
        ]
        batches = [len(b) for b in plan_batches(tasks, workers=1)]
        results, start = [], 0
        for size in batches:
            results += run_batch("demo", jurisdiction, seeds[start : start + size], scenario_overrides=overrides)
            start += size
    wall, cpu = time.perf_counter() - t_wall, time.process_time() - t_cpu
    return {
        "part": mode,
        "jurisdiction": jurisdiction,
        "runs": replications,
        "enterprises": enterprises,
        "batches": batches,
        "wall_s": wall,
        "cpu_s": cpu,
        "runs_per_cpu_s": replications / cpu,
        "peak_mb": peak_mb(),
        "digest": digest(results),
    }


def part_small_run(jurisdiction: str, enterprises: int) -> dict:
    """One run of ``enterprises`` enterprises (the fixed cost every run pays), after importing credsup."""
    t0 = time.perf_counter()
    from credsup.simulation.runner import run_simulation

    t1, c1 = time.perf_counter(), time.process_time()
    result = run_simulation("demo", jurisdiction, 1, scenario_overrides=[("population.enterprises", enterprises)])
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "part": "small_run",
        "enterprises": enterprises,
        "import_s": t1 - t0,
        "run_wall_s": t2 - t1,
        "run_cpu_s": c2 - c1,
        "simulate_s": result.timings["simulate"],
        "peak_mb": peak_mb(),
    }


def sobol_spec(
    name: str, samples: int, enterprises: int, months: int, parameters: dict, warmup: int | None = None
) -> list[str]:
    """The lines of a Sobol' sweep spec of ``demo`` under national, one replication a point, over
    ``parameters`` (key -> {"low", "high"}); ``months`` and ``warmup`` left to the scenario when 0/None."""
    return [
        f'sweep = "{name}"',
        'scenario = "demo"',
        'jurisdictions = ["national"]',
        "replications = 1",
        "seed = 16",
        'design = "sobol"',
        f"samples = {samples}",
        'outcomes = ["violation_prevalence", "hit_rate", "compliant_burden"]',
        "[fixed]",
        f'"scenario.population.enterprises" = {enterprises}',
        *([f'"scenario.months" = {months}'] if months else []),
        *([f'"scenario.warmup_months" = {warmup}'] if warmup is not None else []),
        "[parameters]",
        *(f'"{k}" = {{ low = {v["low"]}, high = {v["high"]} }}' for k, v in parameters.items()),
    ]


def part_sobol(samples: int, workers: int, enterprises: int, months: int) -> dict:
    """The Sobol' study at base sample ``samples`` on ``workers`` local workers, end to end."""
    from credsup.experiments.executors import open_executor
    from credsup.experiments.sweep import prepare, run, start
    from credsup.results.db import open_database

    lines = sobol_spec("bench-sobol", samples, enterprises, months, SOBOL_PARAMETERS)
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench-sobol.toml"
        spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
        prepared = prepare(str(spec))
        engine = open_database(str(Path(tmp) / "r.db"))
        t0 = time.perf_counter()
        with open_executor(workers) as executor:
            exp = start(engine, prepared, executor)
            tally = run(engine, exp, prepared, executor, progress=False)
        wall = time.perf_counter() - t0
    return {
        "part": "sobol",
        "samples": samples,
        "parameters": len(SOBOL_PARAMETERS),
        "runs": tally.ok,
        "failed": tally.failed,
        "workers": workers,
        "wall_s": wall,
        "runs_per_s": tally.ok / wall if wall else None,
        "peak_mb_parent": peak_mb(),
    }


#: A Sobol' design over scenario parameters only (issue 16 point 1): the six scenario parameters of
#: :data:`SOBOL_PARAMETERS`; with base sample N = 8 its 8 N = 64 points all differ, and batch.
SCENARIO_PARAMETERS = {k: v for k, v in SOBOL_PARAMETERS.items() if k.startswith("scenario.")}


def part_scenario_sweep(mode: str, samples: int, enterprises: int, months: int, warmup: int | None) -> dict:
    """A Sobol' sweep over :data:`SCENARIO_PARAMETERS` (every point a different scenario), end to end on
    one worker in this process: ``unbatched`` (a batch memory of 1 MB: one member per batch, as before
    points could share batches) or ``batched`` (the default bound)."""
    import numpy as np

    from credsup.experiments.executors import InlineExecutor
    from credsup.experiments.sweep import prepare, run, start
    from credsup.results.db import open_database
    from credsup.results.store import load_experiment

    lines = sobol_spec("bench-scenario-points", samples, enterprises, months, SCENARIO_PARAMETERS, warmup)
    executor = InlineExecutor(memory=2**20) if mode == "unbatched" else InlineExecutor()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench-scenario-points.toml"
        spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
        prepared = prepare(str(spec))
        engine = open_database(str(Path(tmp) / "r.db"))
        t_wall, t_cpu = time.perf_counter(), time.process_time()
        exp = start(engine, prepared, executor)
        tally = run(engine, exp, prepared, executor, progress=False)
        wall, cpu = time.perf_counter() - t_wall, time.process_time() - t_cpu
        res = load_experiment(engine, exp)
        h = hashlib.sha256()
        for key in sorted(res.summary):
            for metric in sorted(res.summary[key]):
                h.update(np.asarray(res.summary[key][metric], dtype=np.float64).tobytes())
    return {
        "part": f"scenario_sweep_{mode}",
        "samples": samples,
        "parameters": len(SCENARIO_PARAMETERS),
        "points": len(prepared.points),
        "enterprises": enterprises,
        "warmup_months": warmup,
        "runs": tally.ok,
        "failed": tally.failed,
        "wall_s": wall,
        "cpu_s": cpu,
        "runs_per_cpu_s": tally.ok / cpu if cpu else None,
        "peak_mb": peak_mb(),
        "digest": h.hexdigest()[:16],
    }


CHILD_PARTS = {
    "replications": part_replications,
    "small_run": part_small_run,
    "sobol": part_sobol,
    "scenario_sweep": part_scenario_sweep,
}


def scenario_sweep_rows(samples: int, enterprises: int, months: int, warmup: int | None) -> list[dict[str, Any]]:
    """The scenario-parameter sweep unbatched and batched, one after the other in this command."""
    rows = []
    for mode in ("unbatched", "batched"):
        kwargs = {"mode": mode, "samples": samples, "enterprises": enterprises, "months": months, "warmup": warmup}
        rows.append(child("scenario_sweep", kwargs))
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


# ----------------------------------------------------------------------------------------- the parent


def child(part: str, kwargs: dict[str, Any], baseline: Path | None = None) -> dict[str, Any]:
    """Run one part in a fresh process (with the ``baseline`` package first on the path if given)."""
    env = dict(os.environ)
    if baseline is not None:
        env["PYTHONPATH"] = str(baseline)
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import bench_batch as b; "
        f"print(json.dumps(b.CHILD_PARTS[{part!r}](**{kwargs!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/")
    if out.returncode != 0:
        raise RuntimeError(f"part {part} failed:\n{out.stderr[-3000:]}")
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["code"] = "baseline" if baseline is not None else "this commit"
    return row


def help_time(baseline: Path | None, repeat: int) -> dict[str, Any]:
    """Wall time of ``credsup --help`` (start-up imports), fastest of ``repeat``."""
    env = dict(os.environ)
    if baseline is not None:
        env["PYTHONPATH"] = str(baseline)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "credsup.cli.main", "--help"], capture_output=True, env=env, cwd="/")
        times.append(time.perf_counter() - t0)
    return {"part": "help", "wall_s": min(times), "code": "baseline" if baseline is not None else "this commit"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-j", "--jurisdiction", default="national")
    parser.add_argument("--replications", type=int, default=64)
    parser.add_argument("--enterprises", type=int, default=20000, help="demo size (the scenario's own)")
    parser.add_argument("--months", type=int, default=0, help="months (default the scenario's 36)")
    parser.add_argument("--sequential-runs", type=int, default=0, help="sequential runs measured (default all)")
    parser.add_argument("--sobol-samples", type=int, default=8, help="base sample N measured (the study: 512)")
    parser.add_argument("--sobol-study", type=int, default=9216, help="runs of the study the figure extrapolates to")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=Path, default=None, help="folder holding an earlier credsup package")
    parser.add_argument("--repeat", type=int, default=3, help="start-up measurements (fastest kept)")
    parser.add_argument(
        "--scenario-samples", type=int, default=8, help="base sample of the scenario sweep (8: 64 points)"
    )
    parser.add_argument(
        "--scenario-warmup",
        type=int,
        default=0,
        help="warm-up months of the scenario sweep (default 0; -1: the scenario's)",
    )
    parser.add_argument("--scenario-sweep-only", action="store_true", help="only the scenario-parameter sweep")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.replications, args.enterprises, args.months, args.sobol_samples, args.repeat = 3, 300, 6, 1, 1
        args.scenario_samples = 1
    info = run_info()
    rows: list[dict[str, Any]] = []
    warmup = None if args.scenario_warmup < 0 else args.scenario_warmup
    points = scenario_sweep_rows(args.scenario_samples, args.enterprises, args.months, warmup)
    unbatched, batched = points
    points_summary = {
        "scenario_sweep_batched_over_unbatched_per_cpu": batched["runs_per_cpu_s"] / unbatched["runs_per_cpu_s"],
        "scenario_sweep_batched_over_unbatched_wall": unbatched["wall_s"] / batched["wall_s"],
        "scenario_sweep_same_results": unbatched["digest"] == batched["digest"],
    }
    if args.scenario_sweep_only:
        print(json.dumps({"info": info, "summary": points_summary}, indent=1))
        if args.json:
            out = {"info": info, "rows": points, "summary": points_summary}
            args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
        return 0
    rows += points
    seq_runs = args.sequential_runs or args.replications
    common = {"jurisdiction": args.jurisdiction, "enterprises": args.enterprises, "months": args.months}
    for code in [None, args.baseline] if args.baseline else [None]:
        rows.append(child("replications", {"mode": "sequential", "replications": seq_runs, **common}, code))
        print(json.dumps(rows[-1]), file=sys.stderr)
    rows.append(child("replications", {"mode": "batched", "replications": args.replications, **common}))
    print(json.dumps(rows[-1]), file=sys.stderr)
    for code in [None, args.baseline] if args.baseline else [None]:
        rows.append(help_time(code, args.repeat))
        rows.append(child("small_run", {"jurisdiction": args.jurisdiction, "enterprises": 1000}, code))
        print(json.dumps(rows[-2:]), file=sys.stderr)
    sobol = child(
        "sobol",
        {
            "samples": args.sobol_samples,
            "workers": args.workers,
            "enterprises": args.enterprises,
            "months": args.months,
        },
    )
    study_runs = args.sobol_study
    sobol["study_runs"] = study_runs
    sobol["study_minutes_extrapolated"] = study_runs / sobol["runs_per_s"] / 60 if sobol["runs_per_s"] else None
    rows.append(sobol)
    print(json.dumps(sobol), file=sys.stderr)
    seq = next(r for r in rows if r["part"] == "sequential" and r["code"] == "this commit")
    bat = next(r for r in rows if r["part"] == "batched")
    summary = {
        "batched_over_sequential_per_cpu": bat["runs_per_cpu_s"] / seq["runs_per_cpu_s"],
        "batched_over_sequential_wall": (seq["wall_s"] / seq["runs"]) / (bat["wall_s"] / bat["runs"]),
        "same_results": seq["digest"] == bat["digest"] if seq["runs"] == bat["runs"] else None,
        **points_summary,
    }
    print(json.dumps({"info": info, "summary": summary}, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"info": info, "rows": rows, "summary": summary}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
