"""The simulated world behaves like the one regulators observe (issue 13; docs/model.md, "Validity").

With the default world on the ``demo`` scenario, ``national``'s grades carry information (grade AUC at
least 0.60, and random spot checks find more violations the worse the grade, A < B < C with
non-overlapping 95 % intervals over 10 replications, D not below C), a class checked at "100 % a year" is checked within
its year, each enterprise once, and traditional supervision puts more visits on compliant enterprises than
credit supervision (seed 002 line 21: "high regulatory costs, great pressure on market subjects").
``benchmarks/validity.py`` prints the same figures; its watcher of served orders is the oracle here for who
was visited by a random draw (it reads the inspectorate's orders, not the tallies under test).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from credsup.simulation.runner import run_batch, run_simulation

ROOT = Path(__file__).resolve().parents[1]
#: Replications of the fixture. The hit-rate test needs 10: B's spot checks are few (about 380 a run, so
#: its hit rate has a binomial SD of 0.025 a run) and B and C lie about 0.057 apart; with 5 replications
#: two 95 % t-intervals that wide stay apart only about 70 % of the time even when the world is right
#: (simulated from those binomial SDs), with 10 about 99.6 %. docs/model.md, "Validity".
REPS = 10
SEED = 2025


def _validity_module():
    spec = importlib.util.spec_from_file_location("credsup_validity_benchmark", ROOT / "benchmarks" / "validity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


validity = _validity_module()


def t_interval(values: list[float]) -> tuple[float, float]:
    x = np.asarray(values, dtype=float)
    h = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return float(x.mean()) - h, float(x.mean()) + h


@pytest.fixture(scope="module")
def demo_national():
    """Ten replications of national on demo (default world), with every served order watched; played as
    one batch (each member gives what it gives alone: tests/test_batch.py, and
    ``test_a_batchs_watched_log_splits_into_the_logs_of_its_runs`` below for the watcher)."""
    seeds = np.random.SeedSequence(SEED).spawn(REPS)
    with validity.watched() as log:
        results = run_batch("demo", "national", seeds)
    logs = validity.per_member(log, REPS)
    return [
        (ss, result, validity.spot_hit_rates(own, validity._first_measured_day(result)))
        for ss, result, own in zip(seeds, results, logs, strict=True)
    ]


#: The grade AUC the check asks at least (the lower end of its 95 % interval): grades that carry at least
#: half the ranking information above chance that the calibrated world's carry (0.70: 0.5 + 0.20 / 2), and
#: clearly more than the 0.57 [0.565, 0.572] of the world before issue 13, whose grades "barely carried
#: risk". Not a published figure (none was found): a floor against that failure. docs/model.md, "Validity".
MIN_GRADE_AUC = 0.60


def test_grades_predict_violations(demo_national) -> None:
    """grade_auc: the chance a violating enterprise holds a worse grade than a compliant one (0.5: none)."""
    lo, _hi = t_interval([r.summary["grade_auc"] for _ss, r, _h in demo_national])
    assert lo >= MIN_GRADE_AUC


def test_spot_check_hit_rate_rises_from_a_to_d(demo_national) -> None:
    """Classified supervision rests on it (seed 002 line 31): the 95 % intervals over 10 replications of
    the violations found per random spot check do not overlap, A below B below C, and D is not below C (the
    paired difference D - C over the replications is not negative beyond its 95 % interval). C and D are
    the two high-risk classes and, in the calibrated world, find about as much (C about 60 %, D about 62 %;
    docs/model.md, "Validity"): national's calibrated C/D cut sits at 14 points, so C holds enterprises with
    up to two serious violations on record."""
    intervals = [t_interval([h[g] for _ss, _r, h in demo_national]) for g in "ABCD"]
    for (lo_worse, _), (_, hi_better), pair in zip(intervals[1:3], intervals[:2], ("AB", "BC"), strict=True):
        assert hi_better < lo_worse, (pair, intervals)
    _lo, hi = t_interval([h["D"] - h["C"] for _ss, _r, h in demo_national])
    assert hi > 0, ("D below C", intervals)


def test_the_run_reports_the_same_hit_rates_by_source_and_grade(demo_national) -> None:
    """The run's own ``sources.spot.grades`` figures agree with the watcher (an independent count of the
    orders served from the spot-check queue). They differ only where one inspection served a spot draw and
    another order on the same day (the tally counts it under the other source, docs/metrics.md), a few in
    a thousand: within 0.01."""
    _ss, result, watched = demo_national[0]
    spot = result.sources["spot"]["grades"]
    for g in "ABCD":
        assert spot[g]["hit_rate"] == pytest.approx(watched[g], abs=0.01), g


def test_compliant_burden_of_traditional_exceeds_national(demo_national) -> None:
    """Same seeds (common random numbers), 3 replications: traditional's visits per 1,000 compliant
    enterprise-years exceed national's in every replication and on average beyond the paired interval."""
    # traditional's three replications as one batch (each gives what it gives alone: tests/test_batch.py)
    trads = run_batch("demo", "traditional", [ss for ss, _r, _h in demo_national[:3]])
    diffs = [
        trad.summary["compliant_burden"] - nat.summary["compliant_burden"]
        for trad, (_ss, nat, _h) in zip(trads, demo_national[:3], strict=True)
    ]
    assert min(diffs) > 0, diffs
    assert t_interval(diffs)[0] > 0, diffs


def test_a_class_checked_in_full_each_year_is_checked_within_its_year_once_each() -> None:
    """With class C at "100 % a year" (Bayannur 2022) and capacity to spare, at least 99 % of the
    enterprises graded C on 1 January (and C all year) get a random spot check that year, and no
    enterprise gets two random draws of a yearly plan in one calendar year."""
    with validity.watched() as log:
        run_simulation(
            "demo",
            "national",
            7,
            scenario_overrides=[
                ("population.enterprises", 4000),
                ("regulator.inspectors", 60),
                ("warmup_months", 12),
                ("months", 12),
            ],
            jurisdiction_overrides=[("inspection.rate_per_year.C", 1.0)],
        )
    assert validity.checked_within_year(log) >= 0.99
    for first, end in ((0, 366), (366, 731)):  # the warm-up year 2024 (a leap year) and 2025, by day
        counts: dict[int, int] = {}
        for day, ids, queue, *_ in log["visits"]:
            if first <= day < end:
                for i in ids[queue == "spot"].tolist():
                    counts[i] = counts.get(i, 0) + 1
        assert counts and max(counts.values()) == 1


def test_a_batchs_watched_log_splits_into_the_logs_of_its_runs() -> None:
    """The validity fixture watches one batch: split by member, its log gives each run the hit rates and
    the class-C coverage that watching the run alone gives (a small world with entry, so that exits and
    gradings are split too)."""
    small = [("population.enterprises", 800), ("months", 12), ("warmup_months", 12)]
    seeds = [3, 4, 5]
    with validity.watched() as log:
        batch = run_batch("demo", "national", seeds, scenario_overrides=small)
    split = validity.per_member(log, len(seeds))
    for seed, result, own in zip(seeds, batch, split, strict=True):
        with validity.watched() as alone_log:
            alone = run_simulation("demo", "national", seed, scenario_overrides=small)
        first = validity._first_measured_day(alone)
        assert result.summary == alone.summary
        assert validity.spot_hit_rates(own, first) == validity.spot_hit_rates(alone_log, first)
        assert sum(len(v[1]) for v in own["visits"]) == sum(len(v[1]) for v in alone_log["visits"])
        assert sum(len(rows) for _d, rows in own["exits"]) == sum(len(rows) for _d, rows in alone_log["exits"]) > 0
        assert validity.checked_within_year(own) == validity.checked_within_year(alone_log)
