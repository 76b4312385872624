"""The simulation harness end to end: determinism, every jurisdiction runs, capacity, and the three
validations against theory (binomial detections, Becker's threshold, classified beats uniform)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from credsup.core.batch import Period
from credsup.core.config import parse_override
from credsup.core.discovery import discover
from credsup.core.months import add_months
from credsup.simulation import METRICS, run_simulation
from credsup.simulation.metrics import GRADE_LABELS, GRADE_METRICS
from credsup.simulation.population import generate
from credsup.simulation.scenario import load_scenario
from credsup.simulation.streams import streams

SMALL = ["population.enterprises=3000", "months=12"]


def overrides(*texts: str) -> list[tuple[str, object]]:
    return [parse_override(t) for t in texts]


def run(jurisdiction: str, seed: int, *scenario: str, params: tuple[str, ...] = ()):
    return run_simulation(
        "demo", jurisdiction, seed, scenario_overrides=overrides(*scenario), jurisdiction_overrides=overrides(*params)
    )


# ------------------------------------------------------------------------------------- determinism


def test_same_seed_same_numbers_different_seed_different_numbers() -> None:
    a = run("national", 7, *SMALL)
    b = run("national", 7, *SMALL)
    c = run("national", 8, *SMALL)
    assert a.summary == b.summary and a.periods == b.periods and a.grades == b.grades and a.counts == b.counts
    assert a.summary != c.summary


def test_a_seed_sequence_gives_the_same_run_as_its_integer() -> None:
    a = run_simulation("demo", "traditional", 11, scenario_overrides=overrides(*SMALL))
    b = run_simulation("demo", "traditional", np.random.SeedSequence(11), scenario_overrides=overrides(*SMALL))
    assert a.summary == b.summary and a.seed == b.seed == {"entropy": 11, "spawn_key": []}


def test_jurisdictions_share_the_population_and_the_opportunities() -> None:
    """Common random numbers: the population stream does not depend on the policy, and two runs with the
    same seed see the same enterprises (same counts of enterprise-months in total)."""
    sc = load_scenario("demo", overrides(*SMALL))
    r1, r2 = streams(np.random.SeedSequence(5)), streams(np.random.SeedSequence(5))
    w1, probe1 = generate(sc, r1["population"], entrants=r1["entrants"])
    w2, probe2 = generate(sc, r2["population"], entrants=r2["entrants"])
    assert w1.batch.equals(w2.batch) and np.array_equal(w1.honesty, w2.honesty)
    assert np.array_equal(probe1, probe2)
    a, b = run("national", 5, *SMALL), run("traditional", 5, *SMALL)
    # traditional bans nobody; national's bans (from the warm-up on) take enterprise-months out of the market
    assert a.counts["enterprise_months"] <= b.counts["enterprise_months"] == 3000 * 12


# ---------------------------------------------------------------------------------- every jurisdiction


JURISDICTIONS = sorted(i.name for i in discover() if i.status == "ok")


@pytest.mark.parametrize("name", JURISDICTIONS)
def test_every_jurisdiction_runs_and_reports_every_metric(name: str) -> None:
    result = run(name, 1, *SMALL)
    assert list(result.summary) == list(METRICS)
    assert len(result.periods) == 12 and result.periods[0]["period"] == "2025-01"
    first = result.periods[0]
    shares = [first[f"grade_share_{g}"] for g in ("ungraded", "A", "B", "C", "D")]
    assert sum(shares) == pytest.approx(1.0)
    assert sum(p["inspections"] for p in result.periods) == result.counts["inspections"]
    assert all(set(METRICS) <= set(p) for p in result.periods)
    assert set(result.grades) == set(GRADE_LABELS)
    assert all(set(GRADE_METRICS) <= set(g) for g in result.grades.values())
    s = result.summary
    assert 0.0 <= s["violation_prevalence"] <= 1.0 and 0.0 <= s["hit_rate"] <= 1.0
    # capacity left over on the warm-up's last day may serve the first measured day (a backlog carries
    # capacity over, docs/model.md "Inspectors"), so the measured months can use a hair more than they offer
    assert 0.0 <= s["inspector_utilisation"] <= 1.0 + 1e-3
    assert result.counts["inspections"] > 0 and result.counts["detections"] > 0
    assert result.to_json()  # plain data all the way down


def test_uniform_supervision_has_an_uninformative_grade() -> None:
    assert run("traditional", 3, *SMALL).summary["grade_auc"] == 0.5


# --------------------------------------------------------------------------------------- capacity


def test_demand_above_capacity_becomes_a_backlog_not_free_inspections() -> None:
    """Two inspectors' worth of visits against a yearly rate of 6 spot checks per enterprise."""
    result = run(
        "traditional",
        2,
        *SMALL,
        "regulator.inspectors=2",
        "regulator.visits_per_inspector_month=10.0",
        "population.departments=1.0",
        params=("inspection.rate_per_year=6.0",),
    )
    capacity = 2 * 10.0 * 12
    assert result.counts["capacity"] == pytest.approx(capacity)
    assert result.counts["visits"] <= capacity + 1e-6
    assert result.summary["inspector_utilisation"] > 0.99
    assert result.counts["spot_backlog"] > 0 and result.counts["expired_orders"] > 0


def test_complaints_wait_when_inspectors_are_scarce() -> None:
    """Complaints come first, but with too few inspectors some are verified after the time limit."""
    scarce = run(
        "traditional",
        2,
        *SMALL,
        "regulator.inspectors=1",
        "regulator.visits_per_inspector_month=4.0",
        "regulator.complaint_base_rate=0.3",
    )
    ample = run("traditional", 2, *SMALL, "regulator.complaint_base_rate=0.3")
    assert scarce.summary["complaint_backlog"] > 10 * max(ample.summary["complaint_backlog"], 0.1)
    assert scarce.counts["late_verifications"] > 0 and ample.counts["late_verifications"] == 0
    # strict priority: while complaints wait, no spot check takes the capacity (it carries over until the
    # next complaint verification fits, whatever its cost in department visits)
    assert sum(row["inspections.spot"] for row in scarce.periods) == 0
    assert sum(row["inspections.complaint"] for row in scarce.periods) > 0


def test_joint_visits_save_capacity_and_burden() -> None:
    base = ("population.departments=3.0",)
    apart = run("national", 4, *SMALL, *base, params=("schedule.joint_visits=false",))
    joint = run("national", 4, *SMALL, *base, params=("schedule.joint_visits=true",))
    per_inspection = lambda r: r.counts["used"] / r.counts["inspections"]  # noqa: E731
    assert per_inspection(joint) < 0.7 * per_inspection(apart)
    assert joint.summary["compliant_burden"] < apart.summary["compliant_burden"]


# ------------------------------------------------------------------------------- (a) binomial detections


def test_a_detections_match_the_binomial_expectation() -> None:
    """Deterrence off: each enterprise violates with probability q each month, independently; a uniform
    yearly inspection rate r gives each month's probability p_m = r * days_m / 365.25; an inspection finds
    a violation with probability d. Capacity is unlimited and nothing else detects, so detections are a sum
    of independent Bernoulli(q p_m d) over enterprise-months: mean sum N q p_m d, variance sum N x (1 - x).
    Tolerance: 4 standard deviations (a false alarm about once in 16,000 runs; the seed is fixed anyway)."""
    n, months, q, r, d = 20_000, 12, 0.2, 2.4, 0.5
    result = run(
        "traditional",
        21,
        f"population.enterprises={n}",
        f"months={months}",
        'behaviour.model="fixed"',
        f"behaviour.fixed_violation_probability={q}",
        f"regulator.detection_probability={d}",
        "regulator.false_positive_rate=0.0",
        "regulator.complaint_base_rate=0.0",
        "regulator.false_complaint_rate=0.0",
        "regulator.inspectors=100000",
        params=(
            f"inspection.rate_per_year={r}",
            "campaign.every_months=0",  # no campaign sweeps: one uniform rate
            "schedule.rectification_days.minor=1",
            "schedule.rectification_days.general=1",
            "schedule.rectification_days.serious=1",
        ),
    )
    sc = load_scenario("demo")
    p = np.array(
        [
            Period(add_months(sc.start, t), add_months(sc.start, t + 1)).per_period(np.array([r]))[0]
            for t in range(months)
        ]
    )
    x = q * p * d
    mean, sd = float((n * x).sum()), math.sqrt(float((n * x * (1 - x)).sum()))
    assert abs(result.counts["detections"] - mean) < 4 * sd, (result.counts["detections"], mean, sd)
    mean_i, sd_i = float((n * p).sum()), math.sqrt(float((n * p * (1 - p)).sum()))
    assert abs(result.counts["inspections"] - mean_i) < 4 * sd_i
    # and the prevalence is q (a proportion of n * months Bernoulli(q) draws)
    assert abs(result.summary["violation_prevalence"] - q) < 4 * math.sqrt(q * (1 - q) / (n * months))


# ------------------------------------------------------------------------------------ (b) Becker


BECKER = (
    "population.enterprises=2000",
    "months=1",
    "warmup_months=0",
    "behaviour.types.committed.share=0.0",  # every enterprise an amoral calculator with the full response
    "behaviour.types.incompetent.share=0.0",
    'behaviour.types.calculator.honesty={ kind = "fixed", mean = 0.0 }',
    "behaviour.types.calculator.deterrence=1.0",
    "behaviour.risk_aversion=0.0",
    "behaviour.noise=0.0",
    "behaviour.types.calculator.opportunity_per_month=1.0",
    "behaviour.items={ advertising = 1.0 }",
    "behaviour.gain_by_size={ micro = 1.0, small = 1.0, medium = 1.0, large = 1.0 }",
    "behaviour.perception.prior_strength=1e9",
    "regulator.complaint_base_rate=0.0",
    "behaviour.costs.publicity_per_year=0.0",
    "behaviour.costs.downgrade_per_grade=0.0",
)


@pytest.mark.parametrize("rate,d", [(0.6, 0.8), (2.4, 0.5), (6.0, 1.0)])
def test_b_risk_neutral_enterprises_violate_iff_gain_exceeds_expected_fine(rate: float, d: float) -> None:
    """Becker (1968): a risk-neutral enterprise with gain G violates iff G > p F. Here p is the perceived
    monthly detection chance (rate / 12 inspections a month times d) and F the fine the jurisdiction's own
    sanction hook imposes on a general violation (traditional: 20,000 yuan, nothing else)."""
    fine = 20_000.0
    threshold = rate / 12.0 * d * fine
    shares = {}
    for factor in (0.95, 1.05):
        result = run(
            "traditional",
            9,
            *BECKER,
            f"behaviour.perception.prior_per_year={rate}",
            f"regulator.detection_probability={d}",
            f'behaviour.gain={{ kind = "fixed", mean = {threshold * factor} }}',
        )
        assert result.perceived_costs[0]["cost"]["general"] == pytest.approx(fine)
        shares[factor] = result.summary["violation_prevalence"]
    assert shares == {0.95: 0.0, 1.05: 1.0}


# ------------------------------------------------------------------- (c) classified beats uniform


def test_c_classified_inspection_beats_uniform_at_equal_capacity() -> None:
    """The same population, the same inspector capacity (binding for both: utilisation ~1), a bimodal
    honesty so that the record predicts violations. National (classified by grade) against traditional
    (uniform). Differences are judged against their sampling error: hit rates as proportions of the
    inspections, compliant burdens as Poisson counts over compliant enterprise-years; both must differ by
    more than 3 standard errors in the claimed direction."""
    scenario = (
        "population.enterprises=20000",
        "months=24",
        "population.departments=1.0",
        "warmup_months=12",
        'behaviour.types.calculator.honesty={ kind = "beta", mean = 0.7, spread = 0.5 }',
        'behaviour.gain={ kind = "lognormal", mean = 20000.0, spread = 0.5 }',
        "regulator.inspectors=10",
        "regulator.visits_per_inspector_month=10.0",
        "regulator.complaint_base_rate=0.0",
    )
    classified = run("national", 3, *scenario)
    uniform = run("traditional", 3, *scenario, params=("inspection.rate_per_year=0.1", "campaign.every_months=0"))
    assert classified.summary["grade_auc"] > 0.6
    for r in (classified, uniform):
        assert r.summary["inspector_utilisation"] > 0.98
    c, u = classified.counts, uniform.counts
    h1, h2 = c["detections"] / c["inspections"], u["detections"] / u["inspections"]
    se = math.sqrt(h1 * (1 - h1) / c["inspections"] + h2 * (1 - h2) / u["inspections"])
    assert h1 - h2 > 3 * se, (h1, h2, se)
    years1 = (c["enterprise_months"] - c["violating_months"]) / 12
    years2 = (u["enterprise_months"] - u["violating_months"]) / 12
    b1, b2 = c["compliant_visits"] / years1, u["compliant_visits"] / years2
    se_b = math.sqrt(c["compliant_visits"] / years1**2 + u["compliant_visits"] / years2**2)
    assert b2 - b1 > 3 * se_b, (b1, b2, se_b)
    assert classified.summary["hit_rate"] == pytest.approx(h1)


# ------------------------------------------------------------------------- processes and progress


def test_the_same_seed_gives_the_same_result_in_another_process() -> None:
    import concurrent.futures
    import functools
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter, as a worker of a replication runner
    job = functools.partial(run_simulation, "demo", "national", scenario_overrides=overrides(*SMALL))
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        remote = [r.to_dict() for r in pool.map(job, [7, 8])]
    local = run("national", 7, *SMALL).to_dict()
    for key in ("summary", "periods", "grades", "counts", "seed"):
        assert remote[0][key] == local[key]
    assert remote[1]["summary"] != local["summary"]


def test_progress_is_reported_after_each_month() -> None:
    seen: list[tuple[int, int]] = []
    run_simulation(
        "demo",
        "traditional",
        1,
        scenario_overrides=overrides("population.enterprises=500", "months=4"),
        progress=lambda done, total: seen.append((done, total)),
    )
    total = load_scenario("demo").warmup_months + 4  # the warm-up's months are simulated too
    assert seen == [(t, total) for t in range(1, total + 1)]


# ----------------------------------------------------------------- the policy levers reach the run


def test_tolerance_repair_listing_and_commitments_follow_the_jurisdiction() -> None:
    national, traditional = run("national", 12), run("traditional", 12)  # the whole demo: listings are rare
    n, t = national.counts, traditional.counts
    assert n["exempt"] > 0 and t["exempt"] == 0  # first minor offences tolerated (APL Art. 33) or not
    assert n["repairs"] > 0 and t["repairs"] == 0  # traditional refuses every repair
    assert n["listings"] > 0 and t["listings"] == 0
    assert n["false_commitments"] > 0 and t["false_commitments"] == 0  # no commitments without credit


def test_upheld_objections_withdraw_wrongful_penalties() -> None:
    noisy = (*SMALL, "regulator.false_positive_rate=0.2")
    silent = run("national", 13, *noisy, "behaviour.repair.objection_wrongful=0.0")
    objecting = run("national", 13, *noisy, "behaviour.repair.objection_wrongful=1.0")
    # a fifth of clean inspections record a violation: a good share of penalties are wrongful (about a tenth)
    assert silent.counts["objections_upheld"] == 0 and silent.summary["wrongful_penalty_rate"] > 0.05
    assert objecting.counts["objections_upheld"] > 0
    assert objecting.summary["wrongful_penalty_rate"] < 0.5 * silent.summary["wrongful_penalty_rate"]
