"""Pudong on Shanghai on national: what each layer decides, a dated value, a reform (independent oracles:
the layer below's own answer, and the numbers in pudong.toml)."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from credsup.core import EnterpriseBatch, Grade, Period, load_jurisdiction
from credsup.core.samples import random_batch

BEFORE, AFTER = Period.parse("2026Q1"), Period.parse("2026Q4")  # the quiet list starts on 2026-07-01
TODAY = dt.date(2026, 10, 1)
REFORM = Path(__file__).parents[1] / "reforms" / "quiet-list-now.toml"


@pytest.fixture(scope="module")
def pudong():
    return load_jurisdiction("pudong")


@pytest.fixture(scope="module")
def shanghai():
    return load_jurisdiction("shanghai")


def quiet_and_not(n=4):
    """Grade A with 3 clean inspections and no violation (on the quiet list), then three that are not."""
    return EnterpriseBatch.build(
        n,
        grade=[0, 0, 1, 0],
        clean_inspections_36m=[3, 3, 3, 0],
        inspections_36m=[3, 4, 3, 0],
        minor_36m=[0, 1, 0, 0],
        registered=np.full(n, np.datetime64("2015-01-01")),
        last_inspection=np.full(n, np.datetime64("2026-03-01")),
    )


def test_three_layers_and_who_answers(pudong):
    assert pudong.layers == ("national", "shanghai", "pudong")
    assert pudong.answered_by("credsup_demonstration") == "pudong"
    assert pudong.answered_by("credsup_tolerance") == "shanghai"
    assert pudong.answered_by("credsup_grade") == "national"
    # the wrapper wraps Shanghai's answer: Shanghai answers the call, Pudong's wrapper changes it
    assert pudong.answered_by("credsup_inspection_probability") == "shanghai"


def test_the_quiet_list_halves_shanghais_probability_from_its_start_date(pudong, shanghai):
    b = quiet_and_not()
    before, after = pudong.inspection_probability(b, BEFORE), pudong.inspection_probability(b, AFTER)
    assert before.equals(shanghai.inspection_probability(b, BEFORE))  # factor 1.0 before 2026-07-01
    base = shanghai.inspection_probability(b, AFTER)
    assert after.chance[0] == pytest.approx(0.5 * base.chance[0])  # pudong.toml: factor 0.5 since 2026-07-01
    assert after.basis.tolist() == base.basis.tolist()  # the quiet list lowers the share, the form stays
    assert after.chance[1:].tolist() == base.chance[1:].tolist()  # a violation, grade B, no clean inspection
    who, _ = pudong.call_unchecked("credsup_inspection_probability", batch=b, period=AFTER)
    assert who == "pudong"  # the wrapper changed the answer: the credit is its


def test_full_coverage_is_never_lowered(pudong, shanghai):
    """A key-field enterprise on the quiet list (grade A, 3 clean inspections) keeps Shanghai's answer: its
    full-coverage visit when due (last inspected 2025-01-01, over 12 months before 2026Q4 ends), and no
    random draw when it is not (last inspected 2026-03-01): the quiet list lowers random shares only."""

    def key(last):
        return EnterpriseBatch.build(
            1,
            grade=[0],
            key_sector=[True],
            clean_inspections_36m=[3],
            inspections_36m=[3],
            last_inspection=np.array([np.datetime64(last)]),
        )

    due, not_due = key("2025-01-01"), key("2026-03-01")
    for batch in (due, not_due):
        assert pudong.inspection_probability(batch, AFTER).equals(shanghai.inspection_probability(batch, AFTER))
    assert pudong.inspection_probability(due, AFTER).full_coverage[0]
    assert pudong.inspection_probability(due, AFTER).chance[0] == 1.0
    assert pudong.inspection_probability(not_due, AFTER).chance[0] == 0.0


def test_demonstration_in_pilot_sectors_and_national_elsewhere(pudong):
    batch = random_batch(np.random.default_rng(5), 300, TODAY)
    batch = EnterpriseBatch.build(
        len(batch),
        **{c: getattr(batch, c) for c in batch.column_names() if c not in ("grade", "clean_inspections_36m")},
        grade=np.zeros(len(batch), dtype=np.int8),
        clean_inspections_36m=np.full(len(batch), 2),
        sectors=batch.sectors,
        regions=batch.regions,
    )
    status = pudong.demonstration(batch, TODAY)
    pilot = np.isin(np.array(batch.sectors)[batch.sector], ["platform_economy", "new_energy", "services"])
    expected = pilot & (batch.violations_12m == 0) & ~batch.listed
    assert status.tolist() == expected.tolist()
    assert 0 < expected.sum() and (~pilot).sum() > 0  # both branches are exercised
    assert pudong.call_unchecked("credsup_demonstration", batch=batch, today=TODAY)[0] == "pudong+national"


def test_the_dated_value_and_its_sources_are_reported(pudong):
    dated = pudong.parameters()["quiet_list.factor"]["dated"]
    assert [(d["since"], d["value"]) for d in dated] == [(None, 1.0), ("2026-07-01", 0.5)]
    assert all(d["source"].startswith("assumption: ") for d in dated)
    # national's dated minimum publicity (国办发〔2025〕22号) reaches the district through Shanghai
    serious = pudong.parameters()["repair.min_publicity_days.serious"]["dated"]
    assert [(d["since"], d["value"]) for d in serious] == [(None, 180), ("2025-06-22", 365)]
    assert pudong.params_at(dt.date(2025, 1, 1)).repair.min_publicity_days.serious == 180


def test_a_reform_applies_on_top_of_the_three_layers(pudong, shanghai):
    reformed = load_jurisdiction(f"pudong+{REFORM}")
    b = quiet_and_not()
    base = shanghai.inspection_probability(b, BEFORE)
    assert reformed.inspection_probability(b, BEFORE).chance[0] == pytest.approx(0.25 * base.chance[0])
    assert reformed.parameters()["quiet_list.factor"]["source"].startswith("assumption: a stronger quiet list")
    assert str(REFORM) in reformed.config.files


def test_params_derive_from_shanghais(pudong):
    from credsup.plugins.shanghai.params import ShanghaiParams

    assert isinstance(pudong.params, ShanghaiParams)
    assert pudong.params.severe_punishment.serious_fine_multiplier == 3.0  # Shanghai's value, inherited


def test_grades_are_nationals(pudong):
    b = EnterpriseBatch.build(2, listed=[True, False], registered=np.full(2, np.datetime64("2010-01-01")))
    assert pudong.grade(b, TODAY).tolist() == [Grade.D, Grade.A]
