"""Yearly inspection plans: from the inspection rates a jurisdiction states to the chance of a draw in a period.

A jurisdiction answers ``credsup_inspection_probability`` with :class:`~credsup.core.decisions.InspectionRates`:
per enterprise a chance and its basis. A ``PERIOD`` chance is drawn as it is. A ``YEAR`` share *s* is a
yearly plan: the share *s* of the enterprise's class is checked within the calendar year, each enterprise
at most once, the draws spread evenly over the year, as double-random plans are (SAMR 国市监信发〔2022〕6号
gives its class ratios in this form; yearly plans are drawn in batches through the year). If by the start
of a period a fraction *e* of the year has passed, a share *s e* of the class has been checked; the
period, a fraction *f* of the year, checks *s f* more, drawn from the enterprises not yet checked this
year, a fraction ``1 - s e`` of the class. The chance of each of them is therefore

    p = s f / (1 - s e)        (0 for an enterprise already checked this year)

which is at most 1 (``s (e + f) <= 1``) and gives a share of exactly *s* checked by the year's end when
the share stays the same all year; with *s* = 1 the last period draws every enterprise not yet checked.
When an enterprise's share changes in the year (a new grade), the rule carries on from the new share: an
enterprise that moves to a class checked in full is still drawn before the year ends.

The simulator and registry mode use this one function, so a quarter's plan and the simulator's monthly
draws follow the same yearly plan. Who counts as "checked this year" is the caller's knowledge: the
simulator knows its own draws; registry mode reads the registry's inspections of source ``spot_check``
(docs/registry.md).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from credsup.core.batch import Period
from credsup.core.decisions import InspectionRates
from credsup.core.enums import InspectionBasis


def year_fractions(period: Period) -> tuple[float, float]:
    """``(e, f)``: the fraction of its calendar year that has passed at the period's start, and the fraction
    the period covers (its part in the year it starts in), both by days."""
    year_start = dt.date(period.start.year, 1, 1)
    year_end = dt.date(period.start.year + 1, 1, 1)
    days = (year_end - year_start).days
    elapsed = (period.start - year_start).days / days
    covered = (min(period.end, year_end) - period.start).days / days
    return elapsed, covered


def period_chance(rates: InspectionRates, period: Period, checked_this_year: np.ndarray) -> np.ndarray:
    """The chance that each enterprise is drawn in ``period`` (float64 in [0, 1]; see the module docstring).

    ``checked_this_year`` (bool, one per enterprise) marks those already drawn by a yearly plan in the
    calendar year ``period`` starts in; they get 0 from a ``YEAR`` share. ``PERIOD`` chances are returned
    as they are.
    """
    chance = np.asarray(rates.chance, dtype=np.float64)
    yearly = rates.basis == InspectionBasis.YEAR
    if not yearly.any():
        return chance.copy()
    e, f = year_fractions(period)
    s = chance[yearly]
    left = 1.0 - s * e
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(left > s * f, s * f / np.where(left > 0.0, left, 1.0), np.where(s > 0.0, 1.0, 0.0))
    out = chance.copy()
    out[yearly] = np.where(np.asarray(checked_this_year, dtype=bool)[yearly], 0.0, np.clip(p, 0.0, 1.0))
    return out


__all__ = ["period_chance", "year_fractions"]
