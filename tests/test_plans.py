"""Yearly inspection plans (core/plans.py): a yearly share is drawn without repeats, spread over the year.

Oracles: the share the plan states (SAMR's class ratios are shares of a class checked within a year), the
binomial standard error of a share, and counting each enterprise's draws; never the rule's own numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from credsup.core import InspectionBasis, InspectionRates, Period
from credsup.core.plans import period_chance, year_fractions


def play_year(share: np.ndarray, periods: list[str], seed: int = 0) -> np.ndarray:
    """Draw a year's plan period by period as the simulator and registry mode do (a uniform per enterprise
    and period, drawn when below the period's chance); returns each enterprise's number of draws."""
    rng = np.random.default_rng(seed)
    draws = np.zeros(len(share), dtype=np.int64)
    for label in periods:
        p = period_chance(InspectionRates.yearly(share), Period.parse(label), draws > 0)
        draws += rng.random(len(share)) < p
    return draws


MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
QUARTERS = [f"2026Q{q}" for q in range(1, 5)]


@pytest.mark.parametrize("periods", [MONTHS, QUARTERS], ids=["months", "quarters"])
def test_a_yearly_share_of_one_checks_the_whole_class_within_the_year_once_each(periods) -> None:
    draws = play_year(np.ones(10_000), periods)
    assert (draws >= 1).mean() >= 0.99  # "C: 100 % a year" (Bayannur 2022)
    assert draws.max() == 1  # never twice in the year


@pytest.mark.parametrize("periods", [MONTHS, QUARTERS], ids=["months", "quarters"])
def test_a_yearly_share_of_two_percent_checks_two_percent_within_three_standard_errors(periods) -> None:
    n, s = 200_000, 0.02
    draws = play_year(np.full(n, s), periods, seed=3)
    se = math.sqrt(s * (1 - s) / n)
    assert abs((draws >= 1).mean() - s) < 3 * se
    assert draws.max() == 1


def test_the_plan_is_spread_over_the_year() -> None:
    """Each month draws about a twelfth of the year's plan (within 4 binomial standard errors)."""
    n, s = 120_000, 0.3
    rng = np.random.default_rng(5)
    checked = np.zeros(n, dtype=bool)
    for label in MONTHS:
        p = period_chance(InspectionRates.yearly(np.full(n, s)), Period.parse(label), checked)
        new = (rng.random(n) < p) & ~checked
        days = Period.parse(label).days
        expected = n * s * days / 365
        assert abs(new.sum() - expected) < 4 * math.sqrt(expected), label
        checked |= new


def test_an_enterprise_moved_into_a_fully_checked_class_is_still_checked_that_year() -> None:
    n = 5_000
    rng = np.random.default_rng(9)
    checked = np.zeros(n, dtype=bool)
    for m, label in enumerate(MONTHS):
        share = np.full(n, 0.05 if m < 6 else 1.0)  # regraded C -> D in July
        p = period_chance(InspectionRates.yearly(share), Period.parse(label), checked)
        checked |= rng.random(n) < p
    assert checked.all()


def test_period_chances_are_frequencies_and_repeat() -> None:
    """A PERIOD chance is drawn as it is, whatever was drawn before (a patrol, key supervision)."""
    chance = np.array([0.0, 0.25, 1.0])
    rates = InspectionRates.per_period(chance)
    for checked in (np.zeros(3, bool), np.ones(3, bool)):
        assert period_chance(rates, Period.parse("2026-05"), checked).tolist() == chance.tolist()
    assert rates.full_coverage.tolist() == [False, False, True]
    assert (rates.basis == InspectionBasis.PERIOD).all()


def test_year_fractions_by_days() -> None:
    assert year_fractions(Period.parse("2026Q1")) == pytest.approx((0.0, 90 / 365))
    assert year_fractions(Period.parse("2026-07")) == pytest.approx((181 / 365, 31 / 365))
    assert year_fractions(Period.parse("2028")) == pytest.approx((0.0, 1.0))
