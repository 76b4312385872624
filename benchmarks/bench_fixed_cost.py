"""The fixed cost every run pays whatever its size (issue 16 point 3), in CPU seconds, each part in a
fresh process, fastest of ``--repeat``:

* ``credsup --help``: start-up imports (``python -m credsup.cli.main --help``), user + system CPU of
  the child process;
* importing ``credsup.simulation.runner`` (what a script or a worker pays before its first run);
* a 1,000-enterprise ``demo`` run (the scenario's months and warm-up), ``time.process_time`` of the
  run alone (import not counted), and the seconds spent in the validated hook calls (``RunResult.hooks``);
* one hook call on the small batches a day's calls get, in microseconds (10th percentile of 300 calls,
  each on fresh inputs): through the validated typed method and through ``call_unchecked`` (the same
  dispatch without the argument checks, the read-only views and the answer's validation);
* the same run from the command line, ``credsup run -s demo -j J --set
  scenario.population.enterprises=1000 --json``: user + system CPU of the whole process.

    python benchmarks/bench_fixed_cost.py                     # this commit
    python benchmarks/bench_fixed_cost.py --baseline DIR      # and an earlier package in DIR/credsup

``--baseline DIR``: a folder holding an earlier commit's package as ``DIR/credsup`` (``git archive
<commit> | tar -x -C DIR/credsup``), put first on ``PYTHONPATH``; both codes are measured in turn, in
the same command, so that the load of a shared machine hits them alike. CPU time is used because it
is what the load disturbs least; wall time is printed too. Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import HERE, run_info

SMALL_RUN = """
import json, time
from credsup.simulation.runner import run_simulation
c0 = time.process_time()
result = run_simulation("demo", {jurisdiction!r}, 1, scenario_overrides=[("population.enterprises", {enterprises})])
cpu = time.process_time() - c0
print(json.dumps({{"run_cpu_s": cpu, "hook_s": sum(h["seconds"] for h in result.hooks.values())
                   if isinstance(result.hooks, dict) else None}}))
"""


HOOK_CALLS = """
import json, time, datetime as dt
import numpy as np
from credsup.core import load_jurisdiction
from credsup.core.samples import random_batch, random_violations
j = load_jurisdiction({jurisdiction!r})
rng = np.random.default_rng(1)
today = dt.date(2027, 3, 1)
world = random_batch(rng, 1000, today).readonly()  # the simulator's live batch: sealed once
reps = 300
def fastest(make, call):
    inputs = [make() for _ in range(reps)]  # fresh inputs, as a day's calls get
    times = []
    for args in inputs:
        t = time.perf_counter()
        call(*args)
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 10]  # the 10th percentile: robust to a busy machine
cases = {{
    "tolerance (20 fresh violations, live batch)": (
        lambda: (random_violations(rng, world, 20, today), world, today), "tolerance", ("violations", "batch", "today")),
    "grade (300 fresh rows taken from the batch)": (
        lambda: (world.take(np.arange(0, 900, 3)), today), "grade", ("batch", "today")),
}}
out = {{}}
for name, (make, hook, argnames) in cases.items():
    validated = fastest(make, getattr(j, hook))
    raw = fastest(make, lambda *a, h=hook, n=argnames: j.call_unchecked("credsup_" + h, **dict(zip(n, a))))
    out[name] = {{"validated_us": validated * 1e6, "unchecked_us": raw * 1e6}}
print(json.dumps(out))
"""


def child_cpu(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``args``; return the child's user + system CPU seconds, its wall seconds and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, env=env, cwd="/")
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"{args} failed:\n{out.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, out.stdout


def measure(
    baseline: Path | None, repeat: int, jurisdiction: str, enterprises: int, compile_each_time: bool = False
) -> dict[str, Any]:
    """Every part once per repeat, after one unmeasured round, for one code (this commit, or the package
    in ``baseline``)."""
    env = dict(os.environ)
    if baseline is not None:
        env["PYTHONPATH"] = str(baseline)
    if not compile_each_time:
        # what an installed credsup does: bytecode cached in __pycache__ (written by the first, unmeasured,
        # round); PYTHONDONTWRITEBYTECODE=1 would make every process compile every module from source
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    parts: dict[str, list[tuple[float, float]]] = {"help": [], "import_runner": [], "small_run": [], "cli_run": []}
    hook_s: list[float] = []
    hook_calls: list[dict[str, dict[str, float]]] = []
    for attempt in range(repeat + 1):
        if attempt == 1:  # the first round only warms the bytecode cache and the file system's
            for samples in parts.values():
                samples.clear()
            hook_s.clear()
            hook_calls.clear()
        cpu, wall, _out = child_cpu([py, "-m", "credsup.cli.main", "--help"], env)
        parts["help"].append((cpu, wall))
        cpu, wall, _out = child_cpu([py, "-c", "import credsup.simulation.runner"], env)
        parts["import_runner"].append((cpu, wall))
        code = SMALL_RUN.format(jurisdiction=jurisdiction, enterprises=enterprises)
        _cpu, wall, out = child_cpu([py, "-c", code], env)
        row = json.loads(out.strip().splitlines()[-1])
        parts["small_run"].append((row["run_cpu_s"], wall))
        if row["hook_s"] is not None:
            hook_s.append(row["hook_s"])
        _cpu, _wall, out = child_cpu([py, "-c", HOOK_CALLS.format(jurisdiction=jurisdiction)], env)
        hook_calls.append(json.loads(out.strip().splitlines()[-1]))
        cli = ["-m", "credsup.cli.main", "run", "-s", "demo", "-j", jurisdiction]
        cli += ["--set", f"scenario.population.enterprises={enterprises}", "--json", "-q"]
        cpu, wall, _out = child_cpu([py, *cli], env)
        parts["cli_run"].append((cpu, wall))
    result: dict[str, Any] = {"code": "baseline" if baseline is not None else "this commit"}
    for name, samples in parts.items():
        result[name + "_cpu_s"] = min(c for c, _ in samples)
        result[name + "_wall_s"] = min(w for _, w in samples)
    result["small_run_hooks_s"] = min(hook_s) if hook_s else None
    result["hook_call_us"] = {
        case: {k: min(h[case][k] for h in hook_calls) for k in hook_calls[0][case]} for case in hook_calls[0]
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-j", "--jurisdiction", default="national")
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="measurements of each part (fastest kept)")
    parser.add_argument("--baseline", type=Path, default=None, help="folder holding an earlier credsup package")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE from the environment (every process compiles credsup from source)",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    how = (args.repeat, args.jurisdiction, args.enterprises, args.no_bytecode_cache)
    rows = [measure(None, *how)]
    if args.baseline is not None:
        rows.append(measure(args.baseline, *how))
    report = {
        "info": run_info(),
        "load_average": os.getloadavg(),
        "repeat": args.repeat,
        "bytecode_cache": not args.no_bytecode_cache,
        "rows": rows,
    }
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
