"""Dalian (seed 000): demonstration enterprises, published commitments, quarterly re-evaluation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    CommitmentKind,
    EnterpriseBatch,
    Grade,
    Period,
    Reason,
    Severity,
    Tolerance,
    load_jurisdiction,
)

TODAY = dt.date(2026, 1, 1)

# An enterprise that meets every selection criterion of the default config (seed 000 (I)).
MODEL = dict(
    sector="food_beverage", size=1, registered="2020-01-01", grade=Grade.A, inspections_36m=2, clean_inspections_36m=2
)


@pytest.fixture(scope="module")
def dalian():
    return load_jurisdiction("dalian")


def test_re_evaluation_every_quarter(dalian) -> None:
    assert dalian.schedule.grading_months == 3
    assert dalian.sources["schedule.grading_months"].startswith("seed 000 (IV)")


@pytest.mark.parametrize("sector", ["food_beverage", "automobile_4s", "home_furnishing"])
def test_a_model_enterprise_of_a_pilot_sector_is_selected(dalian, enterprises, sector) -> None:
    b = enterprises(1, **{**MODEL, "sector": sector})
    assert dalian.demonstration(b, TODAY).tolist() == [True]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (dict(sector="retail"), "not a pilot sector"),
        (dict(registered="2025-06-01"), "basic information: established less than two years"),
        (dict(size=0), "basic information: micro enterprise"),
        (dict(annual_report_filed=False), "dynamic information: annual report"),
        (dict(social_security_compliant=False), "dynamic information: social security"),
        (dict(tax_compliant=False), "dynamic information: tax"),
        (dict(abnormal_operation=True), "supervision information: abnormal operation"),
        (dict(serious_36m=1), "supervision information: serious law and faith breaking"),
        (dict(displayed_penalties=1), "supervision information: administrative penalty"),
        (dict(violations_12m=1), "supervision information: random-inspection result"),
        (dict(verified_complaints_36m=2), "supervision information: complaints"),
        (dict(false_commitments_36m=1), "a commitment found false"),
        (dict(grade=Grade.B), "not good credit"),
        (dict(grade=-1), "not yet graded"),
        (dict(listed=True), "on the dishonesty list"),
    ],
)
def test_each_criterion_can_keep_an_enterprise_out(dalian, enterprises, change, why) -> None:
    # row 0 is the model enterprise, row 1 the same with one criterion broken
    defaults = {spec.name: spec.default for spec in EnterpriseBatch.columns()}
    cols = {**MODEL, **{k: [MODEL.get(k, defaults[k]), v] for k, v in change.items()}}
    assert dalian.demonstration(enterprises(2, **cols), TODAY).tolist() == [True, False], why


def test_quarterly_re_evaluation_removes_the_old_and_introduces_the_new(dalian, enterprises) -> None:
    # row 0 was a demonstration enterprise but had a violation found this quarter; row 1 now qualifies
    b = enterprises(2, **{**MODEL, "demonstration": [True, False], "violations_12m": [1, 0]})
    assert dalian.demonstration(b, TODAY).tolist() == [False, True]


def test_good_credit_demonstration_enterprise_is_never_drawn_for_random_inspection(dalian, enterprises) -> None:
    b = enterprises(
        4,
        **{
            **MODEL,
            "demonstration": [True, False, True, True],
            "grade": [0, 0, 1, 0],
            "key_sector": [False, False, False, True],
        },
    )
    for period in ("2026-01", "2026Q1", "2026"):
        p = dalian.inspection_probability(b, Period.parse(period)).chance
        assert p[0] == 0.0 and p[3] == 0.0, period  # off the double-random checklist, key field or not
        assert p[1] > 0.0  # the same enterprise without the status is drawn as class A nationally
        assert p[2] == pytest.approx(
            load_jurisdiction("national").inspection_probability(b, Period.parse(period)).chance[2]
        )
    # and in draws, whatever the seed: a probability of exactly 0 is never drawn
    draws = (
        np.random.default_rng(7).random((10_000, len(b)))
        < dalian.inspection_probability(b, Period.parse("2026")).chance
    )
    assert not draws[:, 0].any() and not draws[:, 3].any()


def test_published_commitments_raise_complaints_and_every_complaint_is_verified(dalian, enterprises) -> None:
    b = enterprises(2, **{**MODEL, "demonstration": [True, False]})
    base = dalian.params.social.complaint_multiplier
    assert dalian.complaint_intensity(b, TODAY).tolist() == [base * dalian.params.publicity.complaint_multiplier, base]
    assert dalian.complaint_intensity(b, TODAY)[0] > dalian.complaint_intensity(b, TODAY)[1]
    assert dalian.complaint_verification(b, TODAY)[0] == 1.0


def test_false_commitment_revokes_demonstration_and_is_penalised(dalian, enterprises, violations) -> None:
    b = enterprises(1, **{**MODEL, "demonstration": True})
    v = violations(
        2,
        severity=[Severity.MINOR, Severity.MINOR],
        false_commitment=[True, False],
        item=["false_commitment", "price_marking"],
        corrected=True,
    )
    d = dalian.tolerance(v, b, TODAY)
    assert d.decision.tolist() == [Tolerance.PENALISE, Tolerance.EXEMPT]
    assert d.reason[0] == Reason.FALSE_COMMITMENT
    s = dalian.sanction(v, d, b, TODAY)
    assert s.revoke_demonstration.tolist() == [True, False]
    assert s.fine[0] >= dalian.params.false_commitment.fine and s.fine[1] == 0
    assert s.publicity_days[0] >= dalian.params.false_commitment.publicity_days


def test_a_false_commitment_feeds_the_next_evaluation(dalian, enterprises) -> None:
    before = enterprises(1, **{**MODEL, "demonstration": True})
    after = enterprises(1, **{**MODEL, "demonstration": False, "false_commitments_36m": 1})
    assert dalian.grade(after, TODAY)[0] > dalian.grade(before, TODAY)[0]
    regraded = enterprises(1, **{**MODEL, "false_commitments_36m": 1, "grade": dalian.grade(after, TODAY)})
    assert not dalian.demonstration(regraded, TODAY)[0]


def test_faith_keeping_demonstration_enterprises_get_an_increased_credit_rating(dalian, enterprises) -> None:
    # one general violation alone is class B nationally
    cols = {**MODEL, "general_36m": 1, "verified_complaints_36m": [0, 0, 1, 0], "listed": [False, False, False, True]}
    with_status = dalian.grade(enterprises(4, **cols, demonstration=[True, False, True, True]), TODAY)
    without = dalian.grade(enterprises(4, **cols, demonstration=False), TODAY)
    assert without[0] == Grade.B and with_status[0] == Grade.A  # keeps faith: one class better
    assert with_status[1] == without[1] == Grade.B  # no status, no bonus
    assert with_status[2] == without[2] > Grade.A  # a founded complaint: no bonus
    assert with_status[3] == Grade.D  # never for a listed enterprise


def test_demonstration_enterprises_commitments_are_verified_less(dalian, enterprises) -> None:
    b = enterprises(2, **{**MODEL, "demonstration": [True, False]})
    for kind in (CommitmentKind.NOTIFICATION, CommitmentKind.CERTIFICATION):
        p = dalian.commitment_verification(b, kind, TODAY)
        assert p[0] == pytest.approx(p[1] * dalian.params.demonstration.verification_factor)
    p = dalian.commitment_verification(b, CommitmentKind.VOLUNTARY, TODAY)
    assert p[0] == p[1]


def test_what_dalian_leaves_to_national(dalian) -> None:
    for hook in ("credsup_commitment_eligible", "credsup_tolerance", "credsup_repair", "credsup_objection"):
        assert dalian.answered_by(hook) == "national"
