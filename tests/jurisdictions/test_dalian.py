"""Dalian (seed 000): demonstration enterprises, published commitments, quarterly re-evaluation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    CommitmentKind,
    DetectionSource,
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


def test_participants_are_re_evaluated_every_quarter_and_everyone_else_yearly(dalian) -> None:
    """seed 000 (IV) re-evaluates "the market subjects participating in the demonstration creation" every
    quarter; everyone else keeps the national cycle."""
    assert dalian.schedule.demonstration_grading_months == 3
    assert dalian.sources["schedule.demonstration_grading_months"].startswith("seed 000 (IV)")
    assert dalian.schedule.grading_months == load_jurisdiction("national").schedule.grading_months == 12


def test_the_simulator_regrades_participants_quarterly_and_others_on_the_national_cycle() -> None:
    from credsup.simulation.population import generate, item_table
    from credsup.simulation.regulator import Regulator
    from credsup.simulation.scenario import load_scenario
    from credsup.simulation.streams import as_seed_sequence, streams

    # without entry: a new enterprise is graded when it is founded (tests/test_turnover.py), which is not
    # the schedule this test follows
    sc = load_scenario(
        "demo",
        [("population.enterprises", 3000), ("months", 16), ("warmup_months", 0), ("population.turnover_per_year", 0.0)],
    )  # month 0 = start
    rngs = streams(as_seed_sequence(5))
    world, probe = generate(sc, rngs["population"], entrants=rngs["entrants"])
    _, shares, severity = item_table(sc)
    seen: list[tuple[np.ndarray, np.ndarray]] = []

    def after_month(done: int, _total: int) -> None:  # the month's evaluations are done when it opens
        seen.append((world.cols["graded_on"].copy(), world.cols["demonstration"].copy()))

    Regulator(world, load_jurisdiction("dalian"), sc, rngs, probe, shares, severity, after_month).run()
    start = world.start
    month_day = [
        np.datetime64(dt.date(sc.start.year + (sc.start.month - 1 + t) // 12, (sc.start.month - 1 + t) % 12 + 1, 1))
        for t in range(16)
    ]
    assert month_day[0] == start
    for t in range(1, 16):
        graded_on, _ = seen[t]
        before, was_participant = seen[t - 1]  # the status the month's evaluation found
        if t == 12:
            assert (graded_on == month_day[12]).all()  # the national cycle: everyone
        elif t % 3 == 0:
            # the participants are re-evaluated this quarter (those found at the last month's opening, less
            # any whose status a sanction cancelled since); everyone else keeps the last evaluation
            regraded = graded_on == month_day[t]
            assert regraded.sum() > 0.9 * was_participant.sum() > 0, t
            assert not (regraded & ~was_participant).any(), t
            assert (graded_on[~regraded] == before[~regraded]).all(), t
        else:
            assert (graded_on == before).all(), t  # no evaluation between quarters
    # those who were never participants were evaluated on the national cycle only
    never = ~np.any([demo for _, demo in seen], axis=0)
    assert never.any() and set(np.unique(seen[15][0][never])) == {month_day[12]}


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


def test_a_breach_of_the_published_commitment_found_through_complaints_cancels_the_status(
    dalian, enterprises, violations
) -> None:
    """seed 000 (III): the public complains through the QR code, the regulator verifies; a commitment "found
    to be false after verification" cancels the eligibility "with an administrative penalty to be given to
    the act against laws and regulations": the status goes, the act is penalised as the law says."""
    b = enterprises(2, **{**MODEL, "demonstration": [True, False]})
    v = violations(
        4,
        enterprise=[0, 0, 1, 0],
        severity=[Severity.GENERAL, Severity.MINOR, Severity.GENERAL, Severity.GENERAL],
        item=["hygiene", "price_marking", "hygiene", "hygiene"],
        source=[
            DetectionSource.COMPLAINT,
            DetectionSource.COMPLAINT,
            DetectionSource.COMPLAINT,
            DetectionSource.REFERRAL,
        ],
        corrected=True,
        prior_same_item_36m=[1, 0, 1, 1],
    )
    d = dalian.tolerance(v, b, TODAY)
    assert d.decision.tolist() == [Tolerance.PENALISE, Tolerance.EXEMPT, Tolerance.PENALISE, Tolerance.PENALISE]
    s = dalian.sanction(v, d, b, TODAY)
    national = load_jurisdiction("national").sanction(v, d, b, TODAY)
    # a participant's violations found through complaints cancel the status, even one the law exempts (row 1);
    # a non-participant has no status to lose (row 2); one found otherwise is not a pledge found false (row 3)
    assert s.revoke_demonstration.tolist() == [True, True, False, False]
    # the penalty is the law's for the act: the national fine, none for the exempt one
    assert s.fine.tolist() == national.fine.tolist() and s.fine[1] == 0
    wider = load_jurisdiction("dalian", overrides=[("public_pledge.found_by", ["complaint", "referral"])])
    assert wider.sanction(v, d, b, TODAY).revoke_demonstration.tolist() == [True, True, False, True]


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


def test_verification_factor_is_an_assumption_with_its_reason(dalian) -> None:
    source = dalian.sources["demonstration.verification_factor"]
    assert source.startswith("assumption:") and "1.0" in source  # says how to switch the reading off


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
