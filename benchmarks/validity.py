"""Does the simulated world behave like the one regulators observe? The figures of docs/model.md, "Validity".

    python benchmarks/validity.py                 # demo, 5 replications: about two minutes on 2 cores
    python benchmarks/validity.py --json v.json   # also save every figure as JSON
    python benchmarks/validity.py -r 2 --months 12  # a quick look

Printed, for ``national`` on the ``demo`` scenario over R replications (mean and 95 % interval over the
replications, Student t):

1. ``grade_auc``: how well the grade predicts a violation in progress (0.5 = not at all);
2. the hit rate of random spot checks by grade (violations found per spot check): classified supervision
   rests on it rising from A to D (seed 002 line 31);
3. the grade mix over the measured months, against the published city figures the calibration targets
   (A 65-73 %, B 19-25 %, C 5-8 %, D 1.5-3 %: Dandong 2023, Bayannur; /work/coord/research.md);
4. the share of class C checked by a random draw within a calendar year, when the jurisdiction states
   "C: 100 % a year" (``--c-share``), among the enterprises graded C at the year's evaluation;
5. the compliant burden (visits per 1,000 compliant enterprise-years) of ``traditional`` against
   ``national``: credit supervision set out to lower it (seed 002 line 21).

The per-enterprise figure (4) comes from watching the inspectorate's orders (which queue each visit
served) and the gradings; everything else is the run's own output. The same seeds give the same figures.
Nothing here is asserted: ``tests/test_validity.py`` holds the tests.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from scipy import stats

from credsup.core.config import leaf_paths
from credsup.simulation import inspections as inspections_module
from credsup.simulation import regulator as regulator_module
from credsup.simulation import turnover as turnover_module
from credsup.simulation.runner import run_simulation

GRADES = ("A", "B", "C", "D")
PUBLISHED = {"A": (0.65, 0.73), "B": (0.19, 0.25), "C": (0.05, 0.08), "D": (0.015, 0.03)}


def interval(values: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t interval of ``values`` (NaN-free); (mean, nan, nan) for one value."""
    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, math.nan, math.nan
    h = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return m, m - h, m + h


@contextmanager
def watched() -> Iterator[dict[str, list[Any]]]:
    """Record every day's served orders of enterprises in the market (queue, enterprise, found: the
    orders of a banned or exited enterprise are served without a visit), every grading (day, grades; -1 for a
    row not in the market) and every month's exits (day, rows). ``log["row_member"]`` holds the member of
    each row (one list entry: the last run's), for :func:`per_member` to split a batch's log."""
    log: dict[str, list[Any]] = {"visits": [], "gradings": [], "exits": [], "row_member": []}
    visit, grade = inspections_module.Inspections.visit, regulator_module.Regulator._grade
    renew = turnover_module.Turnover.renew

    def watch_visit(self: Any, orders: Any, day: int, month: int) -> None:
        w = self.ctx.world
        ids = np.concatenate([o["enterprise"] for _, o in orders])
        fresh = w.violating[ids] & ~w.under_order[ids]
        grades = w.cols["grade"][ids].copy()
        visited = w.active[ids].copy()
        visit(self, orders, day, month)
        found = fresh & w.under_order[ids]
        queue = np.concatenate([np.full(len(o["enterprise"]), name) for name, o in orders])
        source = np.concatenate(
            [o["source"] if "source" in o else np.full(len(o["enterprise"]), -1, dtype=np.int8) for _, o in orders]
        )
        log["visits"].append((day, *(a[visited] for a in (ids, queue, source, found, grades))))

    def watch_renew(self: Any, day: int, t: int) -> np.ndarray:
        before = self.ctx.world.alive.copy()
        rows = renew(self, day, t)
        log["exits"].append((day, np.flatnonzero(before & ~self.ctx.world.alive)))
        return rows

    def watch_grade(self: Any, day: int, today: Any) -> None:
        grade(self, day, today)
        log["row_member"][:] = [self.ctx.members.member]
        w = self.ctx.world
        log["gradings"].append((day, today, np.where(w.alive, w.cols["grade"], -1)))  # -1: not in the market

    inspections_module.Inspections.visit = watch_visit  # type: ignore[method-assign]
    regulator_module.Regulator._grade = watch_grade  # type: ignore[method-assign]
    turnover_module.Turnover.renew = watch_renew  # type: ignore[method-assign]
    try:
        yield log
    finally:
        inspections_module.Inspections.visit = visit  # type: ignore[method-assign]
        regulator_module.Regulator._grade = grade  # type: ignore[method-assign]
        turnover_module.Turnover.renew = renew  # type: ignore[method-assign]


def per_member(log: dict[str, list[Any]], k: int) -> list[dict[str, list[Any]]]:
    """The log of a batch of ``k`` runs (``run_batch`` inside :func:`watched`), split into one log per
    member, each as :func:`watched` records for that run alone (rows keep their batch numbers; other
    members' rows are left out, and read -1 in a grading)."""
    (member,) = log["row_member"]
    out = []
    for m in range(k):
        mine = member == m
        visits = []
        for day, ids, *cols in log["visits"]:
            keep = mine[ids]
            visits.append((day, ids[keep], *(c[keep] for c in cols)))
        gradings = [(day, today, np.where(mine, g, -1)) for day, today, g in log["gradings"]]
        exits = [(day, rows[mine[rows]]) for day, rows in log["exits"]]
        out.append({"visits": visits, "gradings": gradings, "exits": exits, "row_member": [member]})
    return out


def random_queue(queue: np.ndarray) -> np.ndarray:
    """Orders that came from a random draw (the spot-check queue)."""
    return queue == "spot"


def spot_hit_rates(log: dict[str, list[Any]], first_day: int) -> dict[str, float | None]:
    """Violations found per random spot check, by the grade held at the visit (measured days only)."""
    det = np.zeros(4)
    n = np.zeros(4)
    for day, _ids, queue, _source, found, grades in log["visits"]:
        if day < first_day:
            continue
        spot = random_queue(queue) & (grades >= 0)
        n += np.bincount(grades[spot], minlength=4)
        det += np.bincount(grades[spot & found], minlength=4)
    return {g: (float(det[i] / n[i]) if n[i] else None) for i, g in enumerate(GRADES)}


def checked_within_year(log: dict[str, list[Any]], grade: int = 2) -> float | None:
    """Share of the enterprises graded ``grade`` at a calendar year's first evaluation (on 1 January, and
    holding it all year, in the market all year) that had at least one random spot check in that year;
    over all such years."""
    gradings = [(day, today, g) for day, today, g in log["gradings"] if today.month == 1 and today.day == 1]
    if not gradings:
        return None
    hits, total = 0, 0
    for day, today, g in gradings:
        end = day + (366 if today.year % 4 == 0 else 365)
        later = [gg for d, _t, gg in log["gradings"] if day < d < end]
        held = g == grade
        for gg in later:
            held &= gg == grade
        for d, left in log["exits"]:
            if day <= d < end:
                held[left] = False
        members = np.flatnonzero(held)
        if len(members) == 0:
            continue
        seen = np.zeros(len(g), dtype=bool)
        covered = False
        for d, ids, queue, _source, _found, _grades in log["visits"]:
            if day <= d < end:
                seen[ids[random_queue(queue)]] = True
                covered = covered or d >= end - 40
        if not covered:
            continue  # the run ends inside this year
        hits += int(seen[members].sum())
        total += len(members)
    return hits / total if total else None


def grade_shares(result: Any) -> dict[str, float | None]:
    """Share of the measured active enterprise-months in each grade."""
    return {g: result.grades[g]["enterprise_share"] for g in GRADES}


def c_share_override(jurisdiction: str) -> list[tuple[str, Any]]:
    """The parameter that states class C's yearly random-check ratio, set to 100 %."""
    from credsup.core.jurisdiction import load_jurisdiction

    keys = leaf_paths(load_jurisdiction(jurisdiction).params)
    for key in ("inspection.share_per_year.C", "inspection.rate_per_year.C"):
        if key in keys:
            return [(key, 1.0)]
    raise SystemExit(f"{jurisdiction} has no yearly ratio for class C")


def measure(scenario: str, reps: int, seed: int, overrides: list[tuple[str, Any]]) -> dict[str, Any]:
    seeds = np.random.SeedSequence(seed).spawn(reps)
    out: dict[str, Any] = {"national": [], "traditional": [], "national_c100": []}
    for r, ss in enumerate(seeds):
        t0 = time.perf_counter()
        with watched() as log:
            nat = run_simulation(scenario, "national", ss, scenario_overrides=overrides)
        first_day = _first_measured_day(nat)
        out["national"].append(
            {
                "grade_auc": nat.summary["grade_auc"],
                "compliant_burden": nat.summary["compliant_burden"],
                "violation_prevalence": nat.summary["violation_prevalence"],
                "spot_hit_rate": spot_hit_rates(log, first_day),
                "grade_share": grade_shares(nat),
                "c_checked_within_year": checked_within_year(log),
            }
        )
        trad = run_simulation(scenario, "traditional", ss, scenario_overrides=overrides)
        out["traditional"].append({"compliant_burden": trad.summary["compliant_burden"]})
        with watched() as log:
            run_simulation(
                scenario,
                "national",
                ss,
                scenario_overrides=overrides,
                jurisdiction_overrides=c_share_override("national"),
            )
        out["national_c100"].append({"c_checked_within_year": checked_within_year(log)})
        print(f"replication {r + 1}/{reps} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def _first_measured_day(result: Any) -> int:
    """Simulation day of the first measured month (0 without a warm-up): the days from the simulation's
    start (``start`` less the warm-up) to ``start``."""
    import datetime as dt

    from credsup.core.months import add_months

    start = dt.date.fromisoformat(str(result.scenario_config.get("start")))
    return (start - add_months(start, -int(result.warmup_months))).days


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    nat, trad, c100 = raw["national"], raw["traditional"], raw["national_c100"]
    return {
        "grade_auc": interval([r["grade_auc"] for r in nat]),
        "spot_hit_rate": {g: interval([r["spot_hit_rate"][g] for r in nat]) for g in GRADES},
        "grade_share": {g: interval([r["grade_share"][g] for r in nat]) for g in GRADES},
        "violation_prevalence": interval([r["violation_prevalence"] for r in nat]),
        "c_checked_within_year": interval([r["c_checked_within_year"] for r in nat]),
        "c_checked_within_year_at_100": interval([r["c_checked_within_year"] for r in c100]),
        "compliant_burden": {
            "national": interval([r["compliant_burden"] for r in nat]),
            "traditional": interval([r["compliant_burden"] for r in trad]),
        },
    }


def _pct(t: tuple[float, float, float]) -> str:
    m, lo, hi = t
    if not math.isfinite(m):
        return "-"
    if not math.isfinite(lo):
        return f"{100 * m:.1f} %"
    return f"{100 * m:.1f} % [{100 * lo:.1f}, {100 * hi:.1f}]"


def _num(t: tuple[float, float, float], digits: int = 3) -> str:
    m, lo, hi = t
    if not math.isfinite(m):
        return "-"
    if not math.isfinite(lo):
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def report(s: dict[str, Any], scenario: str, reps: int) -> str:
    lines = [f"{scenario}, national unless said, {reps} replication(s): mean [95 % interval]", ""]
    lines.append(f"grade AUC                              {_num(s['grade_auc'])}")
    lines.append(f"violation prevalence                   {_pct(s['violation_prevalence'])}")
    lines.append("spot-check hit rate by grade")
    for g in GRADES:
        lines.append(f"  {g}                                    {_pct(s['spot_hit_rate'][g])}")
    lines.append("grade shares (published city figures)")
    for g in GRADES:
        lo, hi = PUBLISHED[g]
        lines.append(
            f"  {g}                                    {_pct(s['grade_share'][g])}   ({100 * lo:g}-{100 * hi:g} %)"
        )
    lines.append(f"C checked within a year (as configured) {_pct(s['c_checked_within_year'])}")
    lines.append(f"C checked within a year at 'C: 100 %'   {_pct(s['c_checked_within_year_at_100'])}")
    cb = s["compliant_burden"]
    lines.append("compliant burden (visits / 1,000 compliant enterprise-years)")
    lines.append(f"  traditional                          {_num(cb['traditional'], 1)}")
    lines.append(f"  national                             {_num(cb['national'], 1)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", "-s", default="demo")
    parser.add_argument("--replications", "-r", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--months", type=int, default=0, help="override the scenario's months (0: keep)")
    parser.add_argument("--json", dest="json_path", default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    overrides: list[tuple[str, Any]] = [("months", args.months)] if args.months else []
    raw = measure(args.scenario, args.replications, args.seed, overrides)
    s = summarise(raw)
    sys.stdout.write(report(s, args.scenario, args.replications))
    if args.json_path:
        with open(args.json_path, "w") as f:
            json.dump({"summary": s, "replications": raw}, f, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
