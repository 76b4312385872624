"""Every modelling number of the simulator is a scenario parameter, and each one is live: changing it
changes the outcome in the direction its meaning says (an oracle from the meaning, not from the code)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core.config import parse_override
from credsup.core.months import add_months
from credsup.simulation import run_simulation
from credsup.simulation.clock import month_starts
from credsup.simulation.metrics import follow_up_periods

SMALL = ["population.enterprises=4000", "months=24"]


def run(*scenario: str, jurisdiction: str = "national", params: tuple[str, ...] = (), seed: int = 3):
    return run_simulation(
        "demo",
        jurisdiction,
        seed,
        scenario_overrides=[parse_override(t) for t in (*SMALL, *scenario)],
        jurisdiction_overrides=[parse_override(t) for t in params],
    )


@pytest.mark.parametrize("condition", ["training", "credit_report", "public_service"])
def test_a_repair_condition_nobody_fulfils_blocks_every_repair_that_requires_it(condition: str) -> None:
    required = f'repair.required=["rectified", "commitment", "{condition}"]'
    never = run(f"behaviour.repair.{condition}=0.0", params=(required,))
    always = run(f"behaviour.repair.{condition}=1.0", params=(required,))
    assert never.counts["repairs"] == 0
    assert always.counts["repairs"] > 0


def test_the_recidivism_follow_up_decides_which_relapses_count() -> None:
    short = run("metrics.recidivism_days=1")
    default = run()
    beyond = run("metrics.recidivism_days=3650")
    # the same run (the follow-up only measures): more days can only find more relapses
    assert short.counts["repairs"] == default.counts["repairs"] == beyond.counts["repairs"] > 0
    assert short.counts["relapses"] <= default.counts["relapses"] <= beyond.counts["relapses"]
    assert short.counts["relapses"] < beyond.counts["relapses"]
    # no repair had ten years of follow-up inside a two-year run: the run's value is undefined
    assert beyond.summary["repair_recidivism"] is None
    assert default.summary["repair_recidivism"] is not None


@pytest.mark.parametrize("start", [dt.date(2025, 1, 1), dt.date(2024, 3, 1), dt.date(2023, 1, 31)])
@pytest.mark.parametrize("months", [12, 13, 36])
def test_a_year_of_follow_up_leaves_out_the_last_twelve_months(start: dt.date, months: int) -> None:
    # any 12 calendar months have 365 or 366 days, any 11 at most 337
    starts = month_starts(start, months)
    assert follow_up_periods(starts, 365) == months - 12
    assert follow_up_periods(starts, 1) == months - 1
    assert (add_months(start, months) - start).days == starts[-1]


def test_the_probe_size_changes_what_enterprises_expect() -> None:
    small = run("behaviour.probe_size=3", "months=1")
    large = run("months=1")
    assert small.perceived_costs != large.perceived_costs
    # a single probe row still gives a cost for every severity the scenario's items have
    assert set(small.perceived_costs[0]["cost"]) == set(large.perceived_costs[0]["cost"])


def test_new_parameters_are_validated_with_the_key_in_the_message() -> None:
    from credsup.core.errors import CredsupError

    for bad in ("behaviour.repair.public_service=1.5", "behaviour.probe_size=0", "metrics.recidivism_days=0"):
        with pytest.raises(CredsupError, match=bad.split("=")[0].rsplit(".", 1)[1]):
            run(bad)


def test_repair_streams_are_common_random_numbers() -> None:
    # the repair file's draws come from a stream of their own: the rest of the run is unchanged when a
    # condition's share changes and no hook reads it (traditional does not repair by conditions)
    a = run("behaviour.repair.training=0.0", jurisdiction="traditional")
    b = run("behaviour.repair.training=1.0", jurisdiction="traditional")
    assert a.counts == b.counts
    assert np.isfinite(a.counts["inspections"])
