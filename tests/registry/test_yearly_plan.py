"""Registry mode follows the yearly plan (issue 13): a quarter draws its part of a yearly share among the
enterprises not yet checked this year, and knows who was checked from the registry's own inspections."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from credsup.core import InspectionBasis, Period, load_jurisdiction
from credsup.registry.grading import evaluate
from credsup.registry.load import load_inspectors, load_registry
from credsup.registry.plan import checked_this_year, draw_plan
from credsup.registry.summary import summarise

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "registry"


def spot_checked_in(year: int, before: dt.date) -> set[str]:
    """The oracle: enterprises with a spot_check inspection from 1 January of ``year`` to before ``before``,
    read straight from inspections.csv."""
    with (EXAMPLE / "inspections.csv").open(encoding="utf-8") as fh:
        return {
            r["enterprise"]
            for r in csv.DictReader(fh)
            if r["source"] == "spot_check" and dt.date(year, 1, 1) <= dt.date.fromisoformat(r["date"]) < before
        }


def test_who_was_checked_this_year_comes_from_the_registrys_spot_checks() -> None:
    period = Period.parse("2026Q4")
    registry = load_registry(EXAMPLE, as_of=period.start, skip_bad_rows=True)  # some register later
    flags = checked_this_year(registry, period)
    assert set(registry.ids[flags].tolist()) == spot_checked_in(2026, period.start)
    assert flags.any()


def test_a_quarter_never_draws_again_whom_this_years_plan_has_checked() -> None:
    period = Period.parse("2026Q4")
    registry = load_registry(EXAMPLE, as_of=period.start, need=("checklist",), skip_bad_rows=True)
    national = load_jurisdiction("national")
    plan = draw_plan(registry, national, load_inspectors(EXAMPLE / "inspectors.csv", registry)[0], period, seed=1)
    checked = np.isin(registry.ids, sorted(spot_checked_in(2026, period.start)))
    evaluation = evaluate(national, summarise(registry, period.start), period.start)
    rates = national.inspection_probability(evaluation.after, period)
    yearly = rates.basis == InspectionBasis.YEAR
    assert (plan.probability[checked & yearly] == 0.0).all()
    assert (plan.probability[~checked & yearly & (rates.chance > 0)] > 0.0).all()
