"""The world's dynamics (issue 13): perception learns the true inspection chance, and a warm-up leaves the
measured months stationary under a stationary policy. Oracles: the policy's stated chance and the run's
own later months; tolerances from the sampling error."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from credsup.core import load_jurisdiction
from credsup.core.config import parse_override
from credsup.simulation.behaviour import perceived_inspection
from credsup.simulation.population import generate, item_table
from credsup.simulation.regulator import Regulator
from credsup.simulation.runner import run_simulation
from credsup.simulation.scenario import load_scenario
from credsup.simulation.streams import streams

PATROLS_PER_YEAR = 0.5


def test_perception_learns_the_true_inspection_chance_from_a_prior_off_by_a_factor_two() -> None:
    """A fixed policy (traditional: one class, routine inspections at 0.5 a year, no sweeps, capacity to
    spare), enterprises whose prior is twice the truth (1.0 a year): by month 36 the mean perceived
    monthly chance of an inspection they did not bring on themselves is within 10 % of the true 0.5/12.
    Sanctions are not remembered as extra inspections here (``sanction_shock = 0``), so perception is
    what the enterprises saw."""
    sc = load_scenario(
        "demo",
        [
            parse_override(o)
            for o in (
                "population.enterprises=6000",
                "warmup_months=0",
                "months=36",
                "regulator.inspectors=80",
                f"behaviour.perception.prior_per_year={2 * PATROLS_PER_YEAR}",
                "behaviour.perception.sanction_shock=0.0",
            )
        ],
    )
    j = load_jurisdiction(
        "traditional",
        overrides=[("inspection.rate_per_year", PATROLS_PER_YEAR), ("campaign.every_months", 0)],
    )
    rngs = streams(np.random.SeedSequence(12))
    world, probe = generate(sc, rngs["population"])
    _, shares, severity = item_table(sc)
    regulator = Regulator(world, j, sc, rngs, probe, shares, severity)
    regulator.run()
    assert regulator.tally.sums()["expired_orders"] == 0  # capacity to spare: every draw was inspected
    prior = 2 * PATROLS_PER_YEAR / 12
    perceived = perceived_inspection(world.seen, world.experience, prior, world.prior_weight)
    true = PATROLS_PER_YEAR / 12
    assert abs(float(perceived[world.active].mean()) - true) < 0.10 * true


@pytest.mark.xfail(
    strict=True,
    reason="known open point of issue 13 (docs/model.md, Warm-up): seed 5 gives 22.5 % in the first six "
    "measured months against 21.9 % two years on. Over seeds 1-10 the mean difference is +0.25 points "
    "(SE 0.10) after the default 36-month warm-up and +0.06 (SE 0.10) after 84 months: a small residual "
    "transient; but the difference's spread between seeds (SD 0.33 points at either warm-up) exceeds this "
    "interval, built from six autocorrelated monthly values, so even after 84 months 3 of 10 seeds fail it",
)
def test_after_the_warm_up_the_measured_months_are_stationary() -> None:
    """A stationary policy (national, defaults): the violation prevalence of the first six measured months
    lies within the 95 % interval of the mean of the last six (the same calendar months two years on),
    from the spread of their monthly values (Student t, 5 degrees of freedom)."""
    result = run_simulation(
        "demo",
        "national",
        5,
        scenario_overrides=[("population.enterprises", 6000), ("regulator.inspectors", 9), ("months", 30)],
    )
    prev = np.array([row["violation_prevalence"] for row in result.periods])
    first, last = prev[:6].mean(), prev[-6:]
    half = stats.t.ppf(0.975, 5) * last.std(ddof=1) / math.sqrt(6)
    assert abs(first - last.mean()) <= max(half, 1e-12), (first, last)
    assert result.periods[0]["period"] == "2025-01"  # measuring starts at the scenario's start
