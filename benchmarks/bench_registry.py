"""Registry mode at scale: generate a registry, then grade it and draw a plan, timing every stage.

    python benchmarks/bench_registry.py                       # 1,000,000 enterprises, national
    python benchmarks/bench_registry.py --enterprises 100000 --jurisdiction traditional

Two measurements:

* **commands**: ``credsup grade`` and ``credsup plan`` run end to end, each in a fresh process (the way a
  user runs them: import, read and check every file, compute, write the CSV), wall-clock time and peak
  memory (``ru_maxrss`` of that process);
* **stages**: the same work in one process, stage by stage (load, summary, grading, reasons, CSV,
  plan), so a slow stage is easy to find.

Results are printed as Markdown rows for ``docs/performance.md``. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNNER = """
import json, resource, sys, time
from credsup.cli.main import cli
start = time.perf_counter()
try:
    cli.main(args=sys.argv[1:], prog_name="credsup", standalone_mode=True)
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
print(json.dumps({"seconds": time.perf_counter() - start, "code": code,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""


def command(*args: str) -> dict:
    """Run ``credsup ARGS`` in a fresh Python process; wall time (including imports) and peak memory."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise SystemExit(f"credsup {' '.join(args)} failed:\n{proc.stderr}")
    return {"wall": wall, "peak_mib": stats["peak_mib"], "stderr": proc.stderr}


def stages(folder: Path, name: str, as_of: dt.date, seed: int) -> list[tuple[str, float]]:
    from credsup.core import Period, load_jurisdiction
    from credsup.registry.grading import evaluate, explain, grade_table
    from credsup.registry.load import load_inspectors, load_registry
    from credsup.registry.output import csv_text
    from credsup.registry.plan import draw_plan
    from credsup.registry.summary import summarise

    out: list[tuple[str, float]] = []

    def timed(label: str, fn):
        t = time.perf_counter()
        value = fn()
        out.append((label, time.perf_counter() - t))
        return value

    j = load_jurisdiction(name)
    reg = timed("load and check the registry", lambda: load_registry(folder, need=["checklist"]))
    batch = timed("record summary", lambda: summarise(reg, as_of))
    ev = timed("grade + demonstration hooks", lambda: evaluate(j, batch, as_of))
    reasons = timed("reasons (counterfactual hook calls)", lambda: explain(ev))
    timed("grade CSV text", lambda: csv_text(grade_table(ev, reasons, reg.ids)))
    insp = timed("load inspectors", lambda: load_inspectors(folder / "inspectors.csv", reg)[0])
    plan = timed(
        "plan: summary, grading, draw, staffing", lambda: draw_plan(reg, j, insp, Period.parse("2027Q1"), seed)
    )
    timed("plan CSV text", plan.csv_text)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--enterprises", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jurisdiction", default="national")
    ap.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="generate here (reused if it already holds a registry of this size and seed)",
    )
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="credsup-registry-bench-")
    folder = args.dir or Path(tmp.name) / "registry"
    marker = folder / ".bench"
    tag = f"{args.enterprises} {args.seed}"
    if not (marker.exists() and marker.read_text() == tag):
        gen = command(
            "registry",
            "generate",
            "--enterprises",
            str(args.enterprises),
            "--seed",
            str(args.seed),
            "--out",
            str(folder),
        )
        marker.write_text(tag)
        print(f"generated in {gen['wall']:.1f} s (peak {gen['peak_mib']:.0f} MiB)", file=sys.stderr)
    rows = {p.stem: sum(1 for _ in p.open()) - 1 for p in sorted(folder.glob("*.csv"))}
    size_mib = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    out = Path(tmp.name)
    grade = command(
        "grade", str(folder), "-j", args.jurisdiction, "--as-of", "2027-01-01", "--out", str(out / "grades.csv")
    )
    plan = command(
        "plan",
        str(folder),
        "-j",
        args.jurisdiction,
        "--inspectors",
        str(folder / "inspectors.csv"),
        "--period",
        "2027Q1",
        "--seed",
        "7",
        "--out",
        str(out / "plan.csv"),
        "--summary",
        str(out / "plan.json"),
    )
    summary = json.loads((out / "plan.json").read_text())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"registry: {args.enterprises:,} enterprises, {sum(rows.values()) - rows['enterprises']:,} event, "
        f"checklist and inspector rows, {size_mib:.0f} MiB of CSV"
    )
    print(", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print()
    print("| command | wall time | peak memory |")
    print("|---|---|---|")
    print(
        f"| `credsup grade` ({args.jurisdiction}, with reasons) | {grade['wall']:.1f} s | {grade['peak_mib']:.0f} MiB |"
    )
    print(f"| `credsup plan` ({args.jurisdiction}, 2027Q1) | {plan['wall']:.1f} s | {plan['peak_mib']:.0f} MiB |")
    print(f"| both | {grade['wall'] + plan['wall']:.1f} s | |")
    print()
    print(
        f"plan: {summary['drawn']:,} enterprises drawn (expected {summary['expected_drawn']:,}), "
        f"{summary['inspections']:,} inspections, {summary['staffed']:,} staffed, "
        f"{sum(summary['unstaffed'].values()):,} unstaffed"
    )
    print()
    print("| stage (one process) | seconds |")
    print("|---|---|")
    for label, seconds in stages(folder, args.jurisdiction, dt.date(2027, 1, 1), 7):
        print(f"| {label} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
