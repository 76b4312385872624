"""Registry mode at scale: generate a registry, then grade it and draw a plan, timing every stage.

    python benchmarks/bench_registry.py                       # 1,000,000 enterprises, national
    python benchmarks/bench_registry.py --enterprises 100000 --jurisdiction traditional
    python benchmarks/bench_registry.py --baseline 656335b --repeat 3   # before and after, side by side

Two measurements:

* **commands**: ``credsup grade`` and ``credsup plan`` run end to end, each in a fresh process (the way a
  user runs them: import, read and check every file, compute, write the CSV), wall-clock time and peak
  memory (``ru_maxrss`` of that process);
* **stages**: the same work in one process, stage by stage (load, summary, grading, reasons, CSV,
  plan), so a slow stage is easy to find.

With ``--baseline REF`` the commands of that git revision (exported to a temporary folder and put
first on ``PYTHONPATH``) run too, alternating with this tree's, ``--repeat`` times each: on a shared
machine both see the same load. The grade and plan files of both must be identical (checked). The
load average before and after is printed: figures taken under load are not comparable with others.

Results are printed as Markdown rows for ``docs/performance.md``. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - start, "code": code, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mib": usage.ru_maxrss / 1024}), file=sys.stderr)
"""


def command(*args: str, pythonpath: Path | None = None) -> dict:
    """Run ``credsup ARGS`` in a fresh Python process; wall time (including imports) and peak memory.

    ``pythonpath`` (a folder holding a ``credsup`` package) runs that version of credsup instead.
    """
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), *filter(None, [env.get("PYTHONPATH")])])
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - start
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise SystemExit(f"credsup {' '.join(args)} failed:\n{proc.stderr}")
    return {"wall": wall, "cpu": stats["cpu"], "peak_mib": stats["peak_mib"], "stderr": proc.stderr}


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


def export(ref: str, into: Path) -> Path:
    """The tree of git revision ``ref`` as an importable ``credsup`` package under ``into``."""
    package = into / "credsup"
    package.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(package)], input=archive, check=True)
    return into


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_by_side(folder: Path, out: Path, name: str, baseline: str, repeat: int) -> None:
    """grade and plan of ``baseline`` and of this tree, alternating, ``repeat`` times each."""
    old_root = export(baseline, out / "baseline")
    versions = {f"before ({baseline})": old_root, "after (this tree)": None}
    runs: dict[tuple[str, str], list[dict]] = {}
    digests: dict[tuple[str, str], set[str]] = {}
    load_before = os.getloadavg()
    for _ in range(repeat):
        for label, root in versions.items():
            for cmd, args, result in (
                ("grade", ["grade", str(folder), "-j", name, "--as-of", "2027-01-01"], out / "g.csv"),
                (
                    "plan",
                    ["plan", str(folder), "-j", name, "--inspectors", str(folder / "inspectors.csv")]
                    + ["--period", "2027Q1", "--seed", "7"],
                    out / "p.csv",
                ),
            ):
                runs.setdefault((label, cmd), []).append(command(*args, "--out", str(result), pythonpath=root))
                digests.setdefault((cmd, "all"), set()).add(sha(result))
                result.unlink()
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min) before: {load_before}, after: {load_after}")
    same = all(len(v) == 1 for v in digests.values())
    print(f"grade and plan files identical across versions and runs: {'yes' if same else 'NO'}")
    print()
    print(
        f"| command ({name}) | version | wall time, best of {repeat} (all) | CPU time (user + system), best | peak memory (max) |"
    )
    print("|---|---|---|---|---|")
    for (label, cmd), results in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0] != next(iter(versions)))):
        walls = [r["wall"] for r in results]
        print(
            f"| `credsup {cmd}` | {label} | {min(walls):.1f} s ({', '.join(f'{w:.1f}' for w in walls)}; "
            f"median {statistics.median(walls):.1f}) | {min(r['cpu'] for r in results):.1f} s | "
            f"{max(r['peak_mib'] for r in results):.0f} MiB |"
        )
    if not same:
        raise SystemExit("the versions wrote different files")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--enterprises", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jurisdiction", default="national")
    ap.add_argument("--baseline", default=None, help="also run this git revision's commands, side by side")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each command and version (--baseline)")
    ap.add_argument("--no-stages", action="store_true", help="skip the one-process stage timings")
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
            "--force",  # the cache folder holds the registry of an earlier run: replace it
        )
        marker.write_text(tag)
        print(f"generated in {gen['wall']:.1f} s (peak {gen['peak_mib']:.0f} MiB)", file=sys.stderr)
    rows = {p.stem: sum(1 for _ in p.open()) - 1 for p in sorted(folder.glob("*.csv"))}
    size_mib = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    out = Path(tmp.name)
    if args.baseline:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"registry: {args.enterprises:,} enterprises, {size_mib:.0f} MiB of CSV")
        side_by_side(folder, out, args.jurisdiction, args.baseline, args.repeat)
        return
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
    if args.no_stages:
        return
    print("| stage (one process) | seconds |")
    print("|---|---|")
    for label, seconds in stages(folder, args.jurisdiction, dt.date(2027, 1, 1), 7):
        print(f"| {label} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
