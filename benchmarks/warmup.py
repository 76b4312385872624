"""How long must the model run before its months are stationary? Welch's graphical procedure (Law,
*Simulation Modeling and Analysis*, 5th ed., 2015, chapter 9, Law and Kelton in earlier editions; Welch
1983): replicate a long run from the model's starting state, average each month's value over the
replications, smooth that curve with a centred moving average of half-width ``w``, and read the warm-up as
the month after which the smoothed curve stays flat. The figures of docs/model.md, "Warm-up".

    python benchmarks/warmup.py                       # national, 10 seeds x 120 months, 6,000 enterprises
    python benchmarks/warmup.py -r 4 --months 60      # a quick look
    python benchmarks/warmup.py --json welch.json     # also save every series
    python benchmarks/warmup.py --set grading.cuts.C=14   # a jurisdiction parameter changed

Printed, for each series (monthly, measured from the first simulated month: ``warmup_months = 0``): the
plateau (mean of the replication-averaged series over the last ``--plateau`` months, with its standard
error from the replications' plateau means), the smoothed curve every six months, and the relaxation month:
the first month from which the Welch curve stays within two standard errors of the plateau (the
standard error of the curve's month and of the plateau, both from the spread between replications). The
series are the violation prevalence, the grade mix, the mean perceived monthly inspection chance by type
(docs/model.md, "Perceived detection"), the share of enterprises with a violation in their 36-month record,
the listed share and the share under a rectification order. Same seeds, same numbers; timings are noisy.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import Any

import numpy as np

from credsup.core import load_jurisdiction
from credsup.core.config import parse_override
from credsup.simulation.behaviour import perceived_inspection
from credsup.simulation.population import generate, item_table
from credsup.simulation.regulator import Regulator
from credsup.simulation.scenario import TYPE_NAMES, load_scenario
from credsup.simulation.streams import streams
from credsup.simulation.tally import GRADE_LABELS


def state_series(regulator: Regulator) -> dict[str, float]:
    """Aggregates of the world at a month's end (before perception folds in the month)."""
    w = regulator.ctx.world
    sc = regulator.ctx.scenario
    a = w.active
    p = perceived_inspection(w.seen, w.experience, sc.behaviour.perception.prior_per_year / 12.0, w.prior_weight)
    out = {f"perceived.{name}": float(p[a & (w.etype == code)].mean()) for code, name in enumerate(TYPE_NAMES)}
    c = w.cols
    record = (c["minor_36m"] + c["general_36m"] + c["serious_36m"]) > 0
    out["record_with_violation"] = float(record[a].mean())
    out["listed"] = float(c["listed"][a].mean())
    out["under_order"] = float(w.under_order[a].mean())
    return out


def one_run(
    overrides: list[str], jurisdiction: str, seed: int, params: list[str] | None = None
) -> dict[str, np.ndarray]:
    """One replication: every series, month by month from the first simulated month. ``params`` are the
    jurisdiction's ``--set`` overrides (``KEY=VALUE``)."""
    sc = load_scenario("demo", [parse_override(o) for o in ["warmup_months=0", *overrides]])
    j = load_jurisdiction(jurisdiction, overrides=[parse_override(o) for o in params or []])
    rngs = streams(np.random.SeedSequence(seed))
    world, probe = generate(sc, rngs["population"], entrants=rngs["entrants"])
    _, shares, severity = item_table(sc)
    regulator = Regulator(world, j, sc, rngs, probe, shares, severity)
    states: list[dict[str, float]] = []
    close = regulator._close_month

    def close_and_record(t: int) -> None:
        close(t)
        states.append(state_series(regulator))

    regulator._close_month = close_and_record  # type: ignore[method-assign]
    tally = regulator.run()
    months = tally.enterprise_months
    series = {"prevalence": tally.violating_months.sum(axis=1) / months.sum(axis=1)}
    for g, label in enumerate(GRADE_LABELS):
        if label != "ungraded":
            series[f"grade_share.{label}"] = months[:, g] / months.sum(axis=1)
    for key in states[0]:
        series[key] = np.array([s[key] for s in states])
    return series


def welch(mean: np.ndarray, w: int) -> np.ndarray:
    """Welch's moving average (Law 2015, chapter 9): centred on month i with half-width
    ``min(i, w)`` near the start, ``w`` elsewhere; defined for months 0 .. m - w - 1."""
    m = len(mean)
    out = np.empty(m - w)
    for i in range(m - w):
        h = min(i, w)
        out[i] = mean[i - h : i + h + 1].mean()
    return out


def relaxation(smoothed: np.ndarray, plateau: float, band: np.ndarray | float) -> int:
    """The first month from which the smoothed curve stays within ``band`` (per month, or one value) of
    ``plateau``."""
    outside = np.flatnonzero(np.abs(smoothed - plateau) > band)
    return 0 if outside.size == 0 else int(outside[-1]) + 1


def sampling_band(values: np.ndarray, w: int, plateau_months: int) -> tuple[np.ndarray, float]:
    """Two standard errors of (Welch curve at month i) - plateau, per month: the curve's own standard
    error, from the spread of the replications' smoothed series, and the plateau's, from the spread of
    the replications' plateau means (independent replications; the two are treated as independent, a
    slight overstatement where the window overlaps the plateau). Returns the band and the plateau's SE."""
    r = values.shape[0]
    per_rep = np.vstack([welch(row, w) for row in values])
    se_curve = per_rep.std(axis=0, ddof=1) / math.sqrt(r)
    se_plateau = float(values[:, -plateau_months:].mean(axis=1).std(ddof=1) / math.sqrt(r))
    return 2.0 * np.sqrt(se_curve**2 + se_plateau**2), se_plateau


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-r", "--replications", type=int, default=10, help="seeds 1..R")
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--enterprises", type=int, default=6000)
    ap.add_argument("--inspectors", type=int, default=9, help="demo's 30 per 20,000 enterprises, scaled")
    ap.add_argument("--jurisdiction", default="national")
    ap.add_argument("--window", type=int, default=6, help="Welch half-width w, months")
    ap.add_argument("--plateau", type=int, default=36, help="the last months that define the plateau")
    ap.add_argument("-o", "--override", action="append", default=[], help="scenario override KEY=VALUE")
    ap.add_argument("--set", dest="params", action="append", default=[], help="jurisdiction parameter KEY=VALUE")
    ap.add_argument("--json", help="save every series (replication means and per-replication values)")
    args = ap.parse_args(argv)
    overrides = [
        f"population.enterprises={args.enterprises}",
        f"regulator.inspectors={args.inspectors}",
        f"months={args.months}",
        *args.override,
    ]
    runs = []
    t0 = time.perf_counter()
    for seed in range(1, args.replications + 1):
        runs.append(one_run(overrides, args.jurisdiction, seed, args.params))
        print(f"seed {seed}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    saved: dict[str, Any] = {"args": vars(args), "series": {}}
    print(
        f"{args.jurisdiction} on demo, {args.enterprises} enterprises, {args.inspectors} inspectors, "
        f"{args.replications} replications x {args.months} months from the model's start; Welch w = {args.window}; "
        f"plateau = last {args.plateau} months"
    )
    for key in runs[0]:
        values = np.vstack([r[key] for r in runs])  # replications x months
        mean = values.mean(axis=0)
        plateau = float(values[:, -args.plateau :].mean())
        smoothed = welch(mean, args.window)
        if len(values) > 1:
            band, se = sampling_band(values, args.window, args.plateau)
        else:
            band, se = np.zeros(len(smoothed)), 0.0
        month = relaxation(smoothed, plateau, band)
        marks = " ".join(f"{smoothed[i]:.4f}" for i in range(0, len(smoothed), 6))
        print(f"{key:28s} plateau {plateau:.4f} (SE {se:.4f}) relaxed by month {month:3d} | every 6: {marks}")
        saved["series"][key] = {"values": values.tolist(), "plateau": plateau, "se": se, "relaxed": month}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(saved, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
