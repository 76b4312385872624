"""The typed tally: every count declared once, documented, and adding up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from credsup.core import load_jurisdiction
from credsup.core.config import parse_override
from credsup.simulation.population import generate, item_table
from credsup.simulation.regulator import Regulator
from credsup.simulation.scenario import load_scenario
from credsup.simulation.streams import streams
from credsup.simulation.tally import BY_GRADE, BY_PERIOD, GRADE_LABELS, Tally, markdown_table

ROOT = Path(__file__).parents[1]


def simulate(jurisdiction: str, *overrides: str, seed: int = 4) -> Regulator:
    # no warm-up: the Regulator's tally and record then cover the same days (run_simulation drops the warm-up)
    base = ("population.enterprises=3000", "months=14", "warmup_months=0")
    sc = load_scenario("demo", [parse_override(o) for o in (*base, *overrides)])
    rngs = streams(np.random.SeedSequence(seed))
    world, probe = generate(sc, rngs["population"], entrants=rngs["entrants"])
    _, shares, severity = item_table(sc)
    regulator = Regulator(world, load_jurisdiction(jurisdiction), sc, rngs, probe, shares, severity)
    regulator.run()
    return regulator


@pytest.fixture(scope="module")
def national() -> Regulator:
    return simulate("national")


def test_every_count_is_documented_in_the_metrics_page() -> None:
    assert markdown_table() in (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")


def test_a_tally_has_exactly_its_declared_counts() -> None:
    tally = Tally.zeros(3)
    assert {name: getattr(tally, name).shape for name in BY_GRADE} == {n: (3, len(GRADE_LABELS)) for n in BY_GRADE}
    assert {name: getattr(tally, name).shape for name in BY_PERIOD} == {n: (3,) for n in BY_PERIOD}
    assert tally.auc.shape == (3, 4, 2)
    with pytest.raises(AttributeError):
        tally.inspection = np.zeros(3)  # type: ignore[attr-defined]  # a typo is an error, not a new count


def test_the_runs_totals_are_the_sums_of_its_periods_and_grades(national: Regulator) -> None:
    tally = national.tally
    run = tally.sums()
    by_period = [tally.sums(t) for t in range(tally.periods)]
    by_grade = [tally.sums(grade=g) for g in range(len(GRADE_LABELS))]
    for name, total in run.items():
        assert total == pytest.approx(sum(p[name] for p in by_period)), name
        if name in BY_GRADE:
            assert total == pytest.approx(sum(g[name] for g in by_grade)), name
    assert run["inspections"] > 0 and run["penalties"] > 0 and run["capacity"] > 0


def test_every_inspection_counts_under_exactly_one_source(national: Regulator) -> None:
    """The by-source counts split the inspections, detections, visits and compliant visits, per grade."""
    tally = national.tally
    for name in ("inspections", "detections", "visits", "compliant_visits"):
        by_source = getattr(tally, f"source_{name}")
        assert np.allclose(by_source.sum(axis=1), getattr(tally, name)), name
    spot = tally.source_sums()["spot"]["inspections"]
    assert 0 < spot < tally.sums()["inspections"]  # national also verifies complaints


def test_the_tally_counts_what_the_credit_record_recorded(national: Regulator) -> None:
    """Two books of one run: the tally (metrics) and the credit record (what hooks read) must agree."""
    tally, record = national.tally.sums(), national.ctx.record
    # the credit record also holds the history before the start (negative days); it keeps the inspections
    # that found something (a visit records at most a violation and a false commitment)
    found = np.count_nonzero(record.violations.day >= 0)
    assert tally["detections"] + tally["false_positives"] + tally["false_commitments"] == found
    kept = np.count_nonzero(record.inspections.day >= 0)
    assert found / 2 <= kept <= min(found, tally["inspections"])
    assert tally["penalties"] <= len(record.records)
    # no bans in a traditional run: every enterprise is active every month
    plain = simulate("traditional").tally.sums()
    assert plain["enterprise_months"] == 3000 * 14 and plain["bans"] == 0
