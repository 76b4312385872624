"""Every performance figure of docs/performance.md in one run, with the targets of issue 8 checked.

    python benchmarks/run_all.py                       # full size: about three minutes on 2 cores
    python benchmarks/run_all.py --json figures.json   # also save every figure as JSON
    python benchmarks/run_all.py --quick               # tiny sizes, a few seconds (the CI smoke run)

In one run, each measurement in a fresh child process (its own peak memory, no shared heap):

1. the ``city`` scenario (1,000,000 enterprises x 60 months) end to end for every built-in jurisdiction:
   wall time, enterprise-periods per second, peak resident memory, and the *floor*: one numpy pass over
   every state array per period at the same size;
2. the time each jurisdiction's hooks take, per enterprise-period;
3. the same behaviour model written the naive way, as one SimPy process per enterprise
   (``naive_simpy.py``) and as a Mesa model (``naive_mesa.py``, needs ``pip install -e ".[benchmark]"``),
   at a size they manage, next to credsup at that same size: enterprise-periods per second measured
   minutes apart, so the ratios hold on a noisy machine;
4. how total time grows with the number of enterprises (10^4 to 10^6) and with the months, written as a
   plot (``--plot``, default ``docs/img/scaling.png``);
5. the targets: city under ``--target-jurisdiction`` (shanghai) in at most 15 s and 2 GB, at least 100x
   the enterprise-periods per second of each naive model, within 10x of the floor. Printed, never
   asserted: nothing here fails on a slow machine;
6. batched runs (issue 16, ``bench_batch.py``; ``--no-batch`` skips them): 64 ``demo`` replications
   one after the other against batched, per CPU second; start-up and a 1,000-enterprise run; a sample of
   the Sobol' study on 2 workers, extrapolated to its 9,216 runs; with their targets (batched at least 8x
   per core, the study in at most 10 minutes).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_city import city_rows, measure, print_city
from common import HERE, builtin_jurisdictions, run_child, run_info

TARGET_WALL_S = 15.0
TARGET_PEAK_MB = 2048.0
TARGET_NAIVE_RATIO = 100.0
TARGET_TIMES_FLOOR = 10.0
TARGET_BATCH_RATIO = 8.0
TARGET_SOBOL_MINUTES = 10.0


def batch_figures(quick: bool, sequential_runs: int, sobol_samples: int) -> dict[str, Any]:
    """``bench_batch.py`` in a child process (each of its parts in a process of its own); its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "batch.json"
        args = (
            ["--quick"] if quick else ["--sequential-runs", str(sequential_runs), "--sobol-samples", str(sobol_samples)]
        )
        done = subprocess.run([sys.executable, str(HERE / "bench_batch.py"), *args, "--json", str(out)], text=True)
        if done.returncode != 0:
            raise RuntimeError("bench_batch.py failed")
        return json.loads(out.read_text())


def batch_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of issue 16 from ``bench_batch.py``'s figures."""
    ratio = figures["summary"]["batched_over_sequential_per_cpu"]
    sobol = next(r for r in figures["rows"] if r["part"] == "sobol")
    minutes = sobol.get("study_minutes_extrapolated")
    return [
        {
            "target": f"batched demo replications >= {TARGET_BATCH_RATIO:g}x sequential per core",
            "value": f"{ratio:.2f}x",
            "met": ratio >= TARGET_BATCH_RATIO,
        },
        {
            "target": f"Sobol' study ({sobol['study_runs']:,} runs, 2 workers) in <= {TARGET_SOBOL_MINUTES:g} min",
            "value": f"{minutes:.1f} min (from {sobol['runs']} runs)" if minutes else "",
            "met": None if minutes is None else minutes <= TARGET_SOBOL_MINUTES,
        },
    ]


def mesa_version() -> str | None:
    """Mesa's version if it is installed (looked up without importing it: this process stays small)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mesa")
    except PackageNotFoundError:
        return None


def naive_rows(
    scenario: str, jurisdiction: str, enterprises: int, months: int, seed: int, repeat: int
) -> list[dict[str, Any]]:
    """The naive models and credsup at the same size (fastest of ``repeat`` each)."""
    args = [
        "--scenario",
        scenario,
        "-j",
        jurisdiction,
        "--enterprises",
        str(enterprises),
        "--months",
        str(months),
        "--seed",
        str(seed),
    ]
    rows = []
    scripts = [("naive_simpy.py", None)]
    scripts.append(
        ("naive_mesa.py", None)
        if mesa_version()
        else ("naive_mesa.py", 'skipped: mesa is not installed (pip install -e ".[benchmark]")')
    )
    for script, skipped in scripts:
        if skipped:
            rows.append({"model": "Mesa, one agent per enterprise", "skipped": skipped})
            continue
        runs = [run_child(script, args) for _ in range(max(1, repeat))]
        rows.append(min(runs, key=lambda r: r["wall_s"]))
    ours = measure(scenario, jurisdiction, seed, enterprises, months, repeat)
    ours["model"] = f"credsup run -j {jurisdiction} (columnar)"
    ours["tally"] = {
        "violation_prevalence": ours["summary"]["violation_prevalence"],
        "hit_rate": ours["summary"]["hit_rate"],
    }
    rows.append(ours)
    return rows


def scaling_rows(
    scenario: str,
    jurisdiction: str,
    sizes: list[int],
    months: list[int],
    base_months: int,
    base_size: int,
    seed: int,
    known: dict[tuple[int, int], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Wall time over enterprises (at ``base_months``) and over months (at ``base_size``)."""
    points = [(n, base_months) for n in sizes] + [(base_size, m) for m in months if m != base_months]
    rows = []
    for n, m in points:
        row = known.get((n, m)) or measure(scenario, jurisdiction, seed, n, m)
        known[(n, m)] = row
        rows.append(
            {
                "enterprises": n,
                "months": m,
                "wall_s": row["wall_s"],
                "simulate_s": row["timings"]["simulate"],
                "peak_mb": row["peak_mb"],
                "enterprise_periods_per_s": row["enterprise_periods_per_s"],
            }
        )
    return rows


def linear_fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares ``y = a + b x``: a fixed cost and a cost per unit."""
    if len(points) < 2:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    sxx = sum((p[0] - mx) ** 2 for p in points)
    if not sxx:
        return None
    b = sum((p[0] - mx) * (p[1] - my) for p in points) / sxx
    return my - b * mx, b


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) on log(x): the exponent of the growth."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


def plot_scaling(
    rows: list[dict[str, Any]], base_months: int, base_size: int, jurisdiction: str, path: Path, title: str
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_n = sorted((r for r in rows if r["months"] == base_months), key=lambda r: r["enterprises"])
    by_m = sorted((r for r in rows if r["enterprises"] == base_size), key=lambda r: r["months"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    ns = [r["enterprises"] for r in by_n]
    left.loglog(ns, [r["wall_s"] for r in by_n], "o-", label="wall time (end to end)")
    left.loglog(ns, [r["simulate_s"] for r in by_n], "s--", label="simulation phase")
    if by_n:
        ref = by_n[-1]
        left.loglog(
            ns,
            [ref["wall_s"] * n / ref["enterprises"] for n in ns],
            ":",
            color="grey",
            label="proportional to enterprises",
        )
    fit = linear_fit([(r["enterprises"], r["wall_s"]) for r in by_n])
    if fit:
        a, b = fit
        left.loglog(
            ns,
            [a + b * n for n in ns],
            "-.",
            color="black",
            alpha=0.6,
            label=f"fit: {a:.2f} s + {b * 1e6:.2f} s per million enterprises",
        )
    left.set_xlabel("enterprises")
    left.set_ylabel("seconds")
    left.set_title(f"{base_months} months, growing population")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    ms = [r["months"] for r in by_m]
    right.plot(ms, [r["wall_s"] for r in by_m], "o-", label="wall time (end to end)")
    right.plot(ms, [r["simulate_s"] for r in by_m], "s--", label="simulation phase")
    fit = linear_fit([(r["months"], r["wall_s"]) for r in by_m])
    if fit:
        a, b = fit
        right.plot(
            [0, *ms],
            [a + b * m for m in [0, *ms]],
            "-.",
            color="black",
            alpha=0.6,
            label=f"fit: {a:.2f} s + {b:.3f} s per month",
        )
    right.set_xlabel("months")
    right.set_ylabel("seconds")
    right.set_xlim(left=0)
    right.set_ylim(bottom=0)
    right.set_title(f"{base_size:,} enterprises, growing horizon")
    right.grid(True, alpha=0.3)
    right.legend(fontsize=8)
    fig.suptitle(f"credsup run -j {jurisdiction}: scaling ({title})", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def targets(city: list[dict[str, Any]], naive: list[dict[str, Any]], jurisdiction: str) -> list[dict[str, Any]]:
    """Each target of issue 8 with the measured value and whether it is met."""
    row = next((r for r in city[1:] if r["jurisdiction"] == jurisdiction), None)
    out: list[dict[str, Any]] = []
    if row is None:
        return [{"target": f"{jurisdiction} was not run", "met": None}]
    out.append(
        {
            "target": f"city under {jurisdiction}: wall <= {TARGET_WALL_S:g} s",
            "value": f"{row['wall_s']:.2f} s",
            "met": row["wall_s"] <= TARGET_WALL_S,
        }
    )
    out.append(
        {
            "target": f"city under {jurisdiction}: peak memory <= {TARGET_PEAK_MB:g} MB",
            "value": f"{row['peak_mb']:.0f} MB",
            "met": row["peak_mb"] <= TARGET_PEAK_MB,
        }
    )
    for other in naive:
        if other.get("skipped") or other["model"].startswith("credsup"):
            if other.get("skipped"):
                out.append(
                    {"target": f">= {TARGET_NAIVE_RATIO:g}x {other['model']}", "value": other["skipped"], "met": None}
                )
            continue
        ratio = row["enterprise_periods_per_s"] / other["enterprise_periods_per_s"]
        out.append(
            {
                "target": f">= {TARGET_NAIVE_RATIO:g}x the enterprise-periods/s of {other['model']}",
                "value": f"{ratio:.3g}x",
                "met": ratio >= TARGET_NAIVE_RATIO,
            }
        )
    out.append(
        {
            "target": f"city under {jurisdiction} within {TARGET_TIMES_FLOOR:g}x the floor",
            "value": f"{row['times_floor']:.1f}x",
            "met": row["times_floor"] <= TARGET_TIMES_FLOOR,
        }
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run of every part")
    parser.add_argument("--scenario", default="city")
    parser.add_argument(
        "-j",
        "--jurisdiction",
        action="append",
        dest="jurisdictions",
        help="city runs for this jurisdiction (repeatable; default every built-in one)",
    )
    parser.add_argument(
        "--target-jurisdiction",
        default="shanghai",
        help="the jurisdiction the targets and the scaling curve are measured on",
    )
    parser.add_argument(
        "--naive-jurisdiction", default="national", help="the policy the naive models play (frozen at month 0)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--enterprises", type=int, default=0, help="city size (default the scenario's)")
    parser.add_argument("--months", type=int, default=0, help="city months (default the scenario's)")
    parser.add_argument("--naive-enterprises", type=int, default=20_000)
    parser.add_argument("--naive-months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=1, help="keep the fastest of this many runs of each")
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--no-batch", action="store_true", help="skip the batched runs (issue 16)")
    parser.add_argument("--batch-sequential-runs", type=int, default=16, help="sequential demo runs measured")
    parser.add_argument("--batch-sobol-samples", type=int, default=2, help="Sobol' base sample measured")
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        help="where to write the scaling plot (default docs/img/scaling.png; with --quick, none)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    args = parser.parse_args(argv)

    jurisdictions = args.jurisdictions or builtin_jurisdictions()
    target_j = args.target_jurisdiction if args.target_jurisdiction in jurisdictions else jurisdictions[0]
    if args.quick:
        city_n, city_m = args.enterprises or 2_000, args.months or 3
        naive_n, naive_m = 500, 3
        sizes, months_axis, base_m, base_n = [1_000, 2_000], [2, 3], 3, 1_000
    else:
        city_n, city_m = args.enterprises, args.months
        naive_n, naive_m = args.naive_enterprises, args.naive_months
        sizes = [10_000, 30_000, 100_000, 300_000, 1_000_000]
        months_axis, base_m, base_n = [12, 24, 36, 60, 120], 60, 100_000
    info = run_info()
    print(f"{info['date']}  commit {info['commit']}  {info['machine']}  load {info['load_average'][0]:.2f}", flush=True)
    if args.quick:
        print("--quick: tiny sizes that check every part runs; the figures mean nothing")

    print(f"\n== {args.scenario} end to end, each run in its own process (fastest of {args.repeat})", flush=True)
    city = city_rows(args.scenario, jurisdictions, args.seed, city_n, city_m, args.repeat)
    print_city(city)

    hooks = sorted({h for r in city[1:] for h in r["hooks"]})
    print("\n== time in each hook, nanoseconds per enterprise-period (calls in brackets)")
    print(f"{'hook':<34}" + "".join(f"{r['jurisdiction']:>18}" for r in city[1:]))
    for h in hooks:
        cells = []
        for r in city[1:]:
            s = r["hooks"].get(h)
            cells.append(f"{s['ns_per_enterprise_period']:>10.2f} ({s['calls']:>4.0f})" if s else f"{'-':>18}")
        print(f"{h.removeprefix('credsup_'):<34}" + "".join(f"{c:>18}" for c in cells))
    print(
        f"{'all hooks, share of the run':<34}"
        + "".join(f"{r['timings']['hooks'] / r['wall_s']:>17.0%} " for r in city[1:])
    )

    print(
        f"\n== the same behaviour model, naive ({args.naive_jurisdiction} policy, {naive_n:,} enterprises x "
        f"{naive_m} months)",
        flush=True,
    )
    naive = naive_rows(args.scenario, args.naive_jurisdiction, naive_n, naive_m, args.seed, args.repeat)
    ours_small = naive[-1]
    print(f"{'model':<45}{'wall s':>9}{'ent-periods/s':>15}{'peak MB':>9}{'prevalence':>12}{'hit rate':>10}")
    for r in naive:
        if r.get("skipped"):
            print(f"{r['model']:<45}  {r['skipped']}")
            continue
        hit = r["tally"]["hit_rate"]
        print(
            f"{r['model']:<45}{r['wall_s']:>9.2f}{r['enterprise_periods_per_s']:>15,.0f}{r['peak_mb']:>9.0f}"
            f"{r['tally']['violation_prevalence']:>12.4f}{hit if hit is None else format(hit, '.3f'):>10}"
        )
    print("ratios, credsup's enterprise-periods/s over the naive model's:")
    for r in naive[:-1]:
        if r.get("skipped"):
            continue
        same = ours_small["enterprise_periods_per_s"] / r["enterprise_periods_per_s"]
        at_city = ", ".join(
            f"{c['jurisdiction']} {c['enterprise_periods_per_s'] / r['enterprise_periods_per_s']:.3g}x"
            for c in city[1:]
        )
        print(f"  {r['model']}: at the same size {same:.3g}x; credsup at city size: {at_city}")

    scaling: list[dict[str, Any]] = []
    if not args.no_scaling:
        print(f"\n== scaling, credsup run -j {target_j}", flush=True)
        known = {(r["enterprises"], r["months"]): r for r in city[1:] if r["jurisdiction"] == target_j}
        scaling = scaling_rows(args.scenario, target_j, sizes, months_axis, base_m, base_n, args.seed, known)
        print(f"{'enterprises x months':>22}{'wall s':>9}{'simulate s':>12}{'ent-periods/s':>15}{'peak MB':>9}")
        for r in scaling:
            print(
                f"{r['enterprises']:>12,} x {r['months']:<7}{r['wall_s']:>9.2f}{r['simulate_s']:>12.2f}"
                f"{r['enterprise_periods_per_s']:>15,.0f}{r['peak_mb']:>9.0f}"
            )
        over_n = [(r["enterprises"], r["wall_s"]) for r in scaling if r["months"] == base_m]
        over_m = [(r["months"], r["wall_s"]) for r in scaling if r["enterprises"] == base_n]
        e_n, e_m = slope(over_n), slope(over_m)
        fit_n, fit_m = linear_fit(over_n), linear_fit(over_m)
        if e_n is not None and e_m is not None and fit_n and fit_m:
            print(f"growth exponent (log-log slope of wall time): enterprises {e_n:.2f}, months {e_m:.2f}")
            print(
                f"linear fit over enterprises ({base_m} months): {fit_n[0]:.2f} s + {fit_n[1] * 1e6:.2f} s per "
                f"million enterprises ({1e9 * fit_n[1] / base_m:.0f} ns per enterprise-period)"
            )
            print(f"linear fit over months ({base_n:,} enterprises): {fit_m[0]:.2f} s + {fit_m[1]:.3f} s per month")
        else:
            print("growth: too few points")
        plot = args.plot or (None if args.quick else HERE.parent / "docs" / "img" / "scaling.png")
        if plot:
            plot_scaling(scaling, base_m, base_n, target_j, plot, f"{info['date']}, commit {info['commit']}")
            print(f"plot written to {plot}")

    print(f"\n== targets (issue 8), {target_j}")
    checked = targets(city, naive, target_j)
    for t in checked:
        mark = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
        print(f"  [{mark:^12}] {t['target']}: {t['value'] if 'value' in t else ''}")
    batch: dict[str, Any] = {}
    if not args.no_batch:
        print("\n== batched runs (issue 16), each part in its own process", flush=True)
        batch = batch_figures(args.quick, args.batch_sequential_runs, args.batch_sobol_samples)
        for r in batch["rows"]:
            print("  " + json.dumps({k: v for k, v in r.items() if k not in ("digest",)}, default=str))
        print("\n== targets (issue 16)")
        for t in batch_targets(batch):
            checked.append(t)
            mark = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
            print(f"  [{mark:^12}] {t['target']}: {t['value']}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {**info, "city": city, "naive": naive, "scaling": scaling, "targets": checked, "batch": batch},
                indent=2,
                default=str,
            )
        )
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
