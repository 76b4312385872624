"""Shanghai (seed 003, SMPG G [2020] No. 7): risk-linked inspection, key supervision, tolerance, bans."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    FOREVER,
    INDEFINITE_DAYS,
    BanScope,
    Grade,
    Period,
    Reason,
    RecordKind,
    RepairApplications,
    RepairStatus,
    Severity,
    Tolerance,
    load_jurisdiction,
    until,
)

TODAY = dt.date(2026, 1, 1)
E, P, M = Tolerance.EXEMPT, Tolerance.PENALISE, Tolerance.MITIGATE


@pytest.fixture(scope="module")
def shanghai():
    return load_jurisdiction("shanghai")


@pytest.fixture(scope="module")
def national():
    return load_jurisdiction("national")


def test_several_departments_items_are_combined_into_one_joint_visit(shanghai, national) -> None:
    assert shanghai.schedule.joint_visits is True and national.schedule.joint_visits is False
    assert shanghai.sources["schedule.joint_visits"].startswith("seed 003 para 11")


# ---------------------------------------------------------------- inspection: para 8, 9, 11


def test_ratio_linked_to_credit_and_risk(shanghai, enterprises) -> None:
    year = Period.parse("2026")
    b = enterprises(5, grade=[0, 1, 2, 3, 1], violations_12m=[0] * 4 + [2], last_inspection="2025-11-01")
    p = shanghai.inspection_probability(b, year).chance
    assert p[0] < p[1] < p[2] < p[3]  # credit
    assert p[4] == pytest.approx(p[1] * shanghai.params.risk_warning.rate_multiplier)  # risk warning (para 9)


def test_rates_by_grade_are_borrowed_figures_and_say_so(shanghai) -> None:
    for letter in "ABCD":
        source = shanghai.sources[f"inspection.rate_per_year.{letter}"]
        assert "gives no figure" in source and "borrowed value" in source


@pytest.mark.parametrize(
    ("signal", "warned"),
    [
        (dict(), False),
        (dict(violations_12m=1), False),
        (dict(violations_12m=2), True),
        (dict(failed_rectifications_36m=1), True),
        (dict(verified_complaints_36m=3), True),
        (dict(abnormal_operation=True), True),
    ],
)
def test_risk_early_warning_from_the_record(shanghai, enterprises, signal, warned) -> None:
    from credsup.plugins.shanghai import risk_warning

    assert risk_warning(enterprises(1, **signal), shanghai.params).tolist() == [warned]


def test_key_fields_leave_the_random_draws_for_full_coverage(shanghai, enterprises) -> None:
    """Para 11: random inspection "except for special and key fields"; para 8: key supervision "with full
    coverage" there. A key-field enterprise is visited when its visit is due (1.0) and never drawn at random
    (0.0) in between, whatever its grade or warnings."""
    month = Period.parse("2026-01")
    b = enterprises(
        6,
        key_sector=[True, True, True, True, False, True],
        grade=[2, 3, 0, 0, 3, 3],
        abnormal_operation=[False, False, False, False, False, True],
        last_inspection=["2024-06-01", None, "2024-06-01", "2025-10-01", "2024-06-01", "2025-10-01"],
    )
    rates = shanghai.inspection_probability(b, month)
    p = rates.chance
    assert p.tolist()[:4] == [1.0, 1.0, 1.0, 0.0]  # due (long ago, never, class A too), or visited lately
    assert rates.full_coverage.tolist()[:4] == [True, True, True, False]
    assert p[4] > 0.0 and not rates.full_coverage[4]  # class D outside a key field: the yearly random plan
    assert p[5] == 0.0  # a warned class D of a key field visited three months ago: not drawn at random
    national = load_jurisdiction("national").inspection_probability(b, month)
    assert (national.chance[:4] > 0).all() and not national.full_coverage[:4].any()  # nationally: random draws


def test_full_coverage_is_one_visit_a_year_not_one_a_month(shanghai, enterprises) -> None:
    last = np.datetime64("2024-01-10")
    visits = []
    for m in range(1, 25):  # two years of monthly planning; a full-coverage visit happens on the 10th
        period = Period.parse(f"{2025 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}")
        b = enterprises(1, key_sector=True, grade=Grade.C, last_inspection=str(last))
        if shanghai.inspection_probability(b, period).full_coverage[0]:
            last = np.datetime64(period.start) + np.timedelta64(9, "D")
            visits.append(period.label)
    assert visits == ["2025-01", "2026-01"]


def test_full_coverage_counts_calendar_months_as_the_record_windows_do(shanghai, enterprises) -> None:
    """core/months: 31 January plus twelve months is 31 January, not 28 January (the old day-28 clamp)."""
    from credsup.core import Period as P

    period = P(dt.date(2025, 12, 31), dt.date(2026, 1, 31))
    b = enterprises(2, key_sector=True, last_inspection=["2025-01-30", "2025-01-31"])
    assert shanghai.inspection_probability(b, period).chance.tolist() == [1.0, 0.0]


# ---------------------------------------------------------------- tolerance: para 12


def decide(shanghai, b, v):
    d = shanghai.tolerance(v, b, TODAY)
    return list(zip(d.decision.tolist(), d.reason.tolist()))


def test_minor_violations_corrected_in_time_are_not_penalised_first_or_not(shanghai, enterprises, violations) -> None:
    b = enterprises(1)
    v = violations(
        3, item="hygiene", severity=Severity.MINOR, corrected=[True, False, True], prior_same_item_36m=[0, 0, 1]
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.MINOR_CORRECTED),
        (P, Reason.NOT_CORRECTED),
        (E, Reason.MINOR_CORRECTED),  # APL 2021 Art. 33 para 1 has no first-offence condition
    ]
    s = shanghai.sanction(v, shanghai.tolerance(v, b, TODAY), b, TODAY)
    assert s.fine[0] == 0 and s.publicity_days[0] == 0 and s.fine[1] > 0


def test_shanghai_exercises_the_discretion_for_a_first_violation_with_minor_harm(
    shanghai, national, enterprises, violations
) -> None:
    """Para 12 "Prudently exercise the discretion of administrative penalty"; APL Art. 33 para 1, second
    sentence ("may"), which the national baseline does not exercise."""
    b = enterprises(1)
    v = violations(
        3,
        item="hygiene",
        severity=Severity.GENERAL,
        harm=[0.5, 0.5, 2.0],
        harmful=[False, False, True],
        corrected=True,
        prior_same_item_36m=[0, 1, 0],
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.FIRST_OFFENCE_MINOR_HARM),
        (P, Reason.REPEAT_OFFENCE),
        (P, Reason.SEVERITY),
    ]
    assert national.tolerance(v, b, TODAY).decision.tolist() == [M, P, P]


def test_the_exemption_list_names_conduct_that_is_minor(shanghai, national, enterprises, violations) -> None:
    """沪司规〔2019〕1号: the listed minor violations "corrected in time without harmful consequences" are not
    penalised; it lists conduct the general rules class as more than minor (item (一): advertising)."""
    b = enterprises(1)
    v = violations(
        7,
        item=["advertising", "advertising", "hygiene", "labelling", "labelling", "advertising", "advertising"],
        severity=[1, 1, 1, 1, 1, 2, 1],
        corrected=[True, False, True, True, True, True, True],
        harm=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0],
        harmful=[False] * 6 + [True],
        prior_same_item_36m=[2, 2, 2, 1, 0, 2, 2],
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.EXEMPTION_LIST),  # a listed item, corrected, no harm: repeated offence too
        (P, Reason.SEVERITY),  # not corrected in time
        (P, Reason.REPEAT_OFFENCE),  # hygiene is not on the list
        (P, Reason.REPEAT_OFFENCE),  # labelling is exempt on a first offence only
        (E, Reason.FIRST_OFFENCE_MINOR_HARM),  # ... and its first offence is exempt (by the discretion first)
        (P, Reason.REPEAT_OFFENCE),  # a serious violation is never minor (and, repeated, not a first one)
        (P, Reason.SEVERITY),  # harmful
    ]
    assert national.tolerance(v, b, TODAY).decision[0] == P  # nationally the list does not exist


def test_exemption_list_first_offence_only_item_on_a_first_offence(shanghai, enterprises, violations) -> None:
    b = enterprises(1)
    v = violations(1, item="labelling", severity=0, corrected=True, prior_same_item_36m=0)
    # the national rule answers first; either way it is not penalised
    assert decide(shanghai, b, v)[0][0] == E


def test_emerging_enterprise_in_its_observation_period_is_tolerated(shanghai, enterprises, violations) -> None:
    b = enterprises(3, sector="services", emerging=True, registered=["2025-07-01", "2024-07-01", "2025-07-01"])
    v = violations(
        4,
        enterprise=[0, 1, 0, 0],
        item="hygiene",
        severity=[1, 1, 2, 1],
        corrected=[True, True, True, False],
        prior_same_item_36m=1,
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.OBSERVATION_PERIOD),  # six months old: inside its one-year observation period
        (P, Reason.REPEAT_OFFENCE),  # eighteen months old: the ordinary rules
        (P, Reason.REPEAT_OFFENCE),  # serious violations are never tolerated (this one a repeat)
        (P, Reason.SEVERITY),  # not corrected in time
    ]


def test_sandbox_tolerates_trial_and_error_once_corrected(shanghai, enterprises, violations) -> None:
    """Para 12 sandbox, "fault tolerance" and "trial and error"; para 19 orders correction: a violation never
    corrected is not exempt."""
    b = enterprises(2, sector=["platform_economy", "retail"], registered="2024-06-01")
    v = violations(
        5,
        enterprise=[0, 1, 0, 0, 0],
        item="hygiene",
        severity=[1, 1, 1, 2, 1],
        corrected=[True, True, False, True, True],
        harmful=[False, False, False, False, True],
        harm=[0.0, 0.0, 0.0, 0.0, 2.0],
        prior_same_item_36m=3,
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.SANDBOX),  # inside the sandbox (18 months old), corrected, no harm
        (P, Reason.REPEAT_OFFENCE),  # the same violation outside the sandbox
        (P, Reason.SEVERITY),  # not corrected: no exemption (the old rule exempted it)
        (P, Reason.REPEAT_OFFENCE),  # serious violations are not covered by the sandbox (this one a repeat)
        (P, Reason.SEVERITY),  # harmful
    ]


def test_a_false_commitment_is_never_tolerated(shanghai, enterprises, violations) -> None:
    b = enterprises(1, sector="platform_economy", emerging=True, registered="2025-10-01")
    v = violations(1, item="price_marking", severity=0, corrected=True, false_commitment=True)
    assert decide(shanghai, b, v) == [(P, Reason.FALSE_COMMITMENT)]


# ---------------------------------------------------------------- social supervision: para 15


def test_whistleblower_rewards_raise_tip_offs(shanghai, national, enterprises) -> None:
    b = enterprises(3)
    assert np.allclose(
        shanghai.complaint_intensity(b, TODAY),
        national.complaint_intensity(b, TODAY) * shanghai.params.whistleblower.complaint_multiplier,
    )
    assert (shanghai.complaint_intensity(b, TODAY) > national.complaint_intensity(b, TODAY)).all()


# ---------------------------------------------------------------- sanctions: para 19


def test_severe_punishment_and_lifelong_bans_only_for_deliberate_serious_violators(
    shanghai, national, enterprises, violations
) -> None:
    """Para 12 "subjectively, deliberately and seriously violate ... causing bad influence"; para 19
    lifelong access prohibition: the deliberate element (repetition of the same item) and the harm together,
    never harm alone."""
    b = enterprises(1)
    v = violations(
        4,
        item="safety_hazard",
        severity=Severity.SERIOUS,
        harm=[10.0, 1.5, 6.0, 6.0],
        harmful=True,
        corrected=True,
        prior_same_item_36m=[0, 2, 2, 1],
    )
    d = shanghai.tolerance(v, b, TODAY)
    s = shanghai.sanction(v, d, b, TODAY)
    assert s.ban_days.tolist() == [0, 0, INDEFINITE_DAYS, 0]  # harm alone, repetition alone: no lifelong ban
    assert s.ban_scope[2] == BanScope.MARKET and s.joint_punishment[2] and s.list_days[2] > 0
    assert (until(TODAY, s.ban_days[2:3]) == FOREVER).all()
    base = national.sanction(v, national.tolerance(v, b, TODAY), b, TODAY)
    assert np.allclose(s.fine, base.fine * shanghai.params.severe_punishment.serious_fine_multiplier)


def test_a_lifelong_ban_cannot_be_repaired(shanghai, enterprises) -> None:
    b = enterprises(1, banned_until=str(FOREVER), listed=True, listed_until=str(FOREVER))
    apps = RepairApplications.build(
        1,
        enterprise=[0],
        record=[RecordKind.DISHONESTY_LIST],
        severity=[Severity.SERIOUS],
        recorded=np.array(["2020-01-01"], dtype="M8[D]"),
        applied=np.array(["2026-01-01"], dtype="M8[D]"),
        fulfilled=[127],
    )
    r = shanghai.repair(apps, b, TODAY)
    assert r.status.tolist() == [RepairStatus.REFUSED] and np.isnat(r.earliest[0])


def test_minor_problems_get_correction_not_punishment(shanghai, enterprises, violations) -> None:
    # para 19: emerging problems with minor circumstances -> interviews, warnings, correction
    b = enterprises(1)
    v = violations(1, item="licence_display", severity=Severity.MINOR, corrected=True)
    d = shanghai.tolerance(v, b, TODAY)
    s = shanghai.sanction(v, d, b, TODAY)
    assert d.decision[0] == E and s.fine[0] == 0 and s.ban_days[0] == 0 and s.list_days[0] == 0
