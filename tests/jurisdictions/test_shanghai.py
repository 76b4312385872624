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


def test_ratio_linked_to_credit_classification_and_risk(shanghai, enterprises) -> None:
    year = Period.parse("2026")
    b = enterprises(
        6,
        grade=[0, 1, 2, 3, 1, 1],
        key_sector=[False] * 4 + [True, False],
        violations_12m=[0] * 5 + [2],
        last_inspection="2025-11-01",
    )
    p = shanghai.inspection_probability(b, year).chance
    assert p[0] < p[1] < p[2] < p[3]  # credit
    assert p[4] == pytest.approx(p[1] * shanghai.params.inspection.key_sector_multiplier)  # classification
    assert p[5] == pytest.approx(p[1] * shanghai.params.risk_warning.rate_multiplier)  # risk warning (para 9)


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


def test_key_supervision_objects_get_full_coverage_when_due(shanghai, enterprises) -> None:
    month = Period.parse("2026-01")
    b = enterprises(
        5,
        key_sector=[True, True, True, False, True],
        grade=[2, 3, 2, 3, 0],
        last_inspection=["2024-06-01", None, "2025-10-01", "2024-06-01", "2024-06-01"],
    )
    full = shanghai.inspection_probability(b, month).full_coverage
    assert full[0] and full[1]  # on the list, due (last visit long ago, or never)
    assert not full[2]  # on the list, visited three months ago: not due, ordinary random draws
    assert not full[3]  # class D outside a key field: sharply raised (a yearly share), but not full coverage
    assert not full[4]  # key field but class A: not a key supervision object


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


def test_warned_enterprise_of_a_key_field_is_a_key_supervision_object(shanghai, enterprises) -> None:
    b = enterprises(2, key_sector=True, grade=Grade.A, abnormal_operation=[True, False], last_inspection=None)
    rates = shanghai.inspection_probability(b, Period.parse("2026-01"))
    assert rates.full_coverage.tolist() == [True, False]


# ---------------------------------------------------------------- tolerance: para 12


def decide(shanghai, b, v):
    d = shanghai.tolerance(v, b, TODAY)
    return list(zip(d.decision.tolist(), d.reason.tolist()))


def test_first_minor_offence_corrected_in_time_is_not_penalised(shanghai, enterprises, violations) -> None:
    b = enterprises(1)
    v = violations(
        3, item="hygiene", severity=Severity.MINOR, corrected=[True, False, True], prior_same_item_36m=[0, 0, 1]
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.FIRST_MINOR_CORRECTED),
        (P, Reason.NOT_CORRECTED),
        (P, Reason.REPEAT_OFFENCE),
    ]
    s = shanghai.sanction(v, shanghai.tolerance(v, b, TODAY), b, TODAY)
    assert s.fine[0] == 0 and s.publicity_days[0] == 0 and s.fine[1] > 0


def test_an_item_on_the_exemption_list_is_exempt_even_when_repeated(shanghai, enterprises, violations) -> None:
    b = enterprises(1)
    v = violations(
        6,
        item=["price_marking", "price_marking", "labelling", "price_marking", "price_marking", "hygiene"],
        severity=[0, 0, 0, 0, 1, 0],
        corrected=[True, True, True, False, True, True],
        harmful=[False, False, False, False, False, False],
        prior_same_item_36m=[2, 2, 1, 2, 2, 2],
    )
    v2 = violations(1, item="price_marking", severity=0, corrected=True, harmful=True, prior_same_item_36m=2)
    assert decide(shanghai, b, v) == [
        (E, Reason.EXEMPTION_LIST),  # listed item, minor, corrected, no harm: repeated offence too
        (E, Reason.EXEMPTION_LIST),
        (P, Reason.REPEAT_OFFENCE),  # labelling is exempt on a first offence only
        (P, Reason.REPEAT_OFFENCE),  # not corrected in time
        (P, Reason.SEVERITY),  # the list is of minor violations
        (P, Reason.REPEAT_OFFENCE),  # hygiene is not on the list
    ]
    assert decide(shanghai, b, v2) == [(P, Reason.REPEAT_OFFENCE)]  # harmful


def test_exemption_list_first_offence_only_item_on_a_first_offence(shanghai, enterprises, violations) -> None:
    b = enterprises(1)
    v = violations(1, item="labelling", severity=0, corrected=True, prior_same_item_36m=0)
    # the national first-offence rule answers first; either way it is not penalised
    assert decide(shanghai, b, v)[0][0] == E


def test_emerging_enterprise_in_its_observation_period_is_tolerated(shanghai, enterprises, violations) -> None:
    b = enterprises(3, sector="services", emerging=True, registered=["2025-07-01", "2024-07-01", "2025-07-01"])
    v = violations(
        4,
        enterprise=[0, 1, 0, 0],
        item="advertising",
        severity=[1, 1, 2, 1],
        corrected=[True, True, True, False],
        prior_same_item_36m=1,
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.OBSERVATION_PERIOD),  # six months old: inside its one-year observation period
        (P, Reason.SEVERITY),  # eighteen months old: the ordinary rules
        (P, Reason.SEVERITY),  # serious violations are never tolerated
        (P, Reason.SEVERITY),  # not corrected in time
    ]


def test_sandbox_tolerates_minor_trial_and_error(shanghai, enterprises, violations) -> None:
    b = enterprises(2, sector=["platform_economy", "retail"], registered="2024-06-01")
    v = violations(
        4,
        enterprise=[0, 1, 0, 0],
        item="record_keeping",
        severity=[0, 0, 1, 0],
        corrected=False,
        harmful=[False, False, False, True],
        prior_same_item_36m=3,
    )
    assert decide(shanghai, b, v) == [
        (E, Reason.SANDBOX),  # inside the sandbox, minor, no harm, even before correction
        (P, Reason.REPEAT_OFFENCE),  # same violation outside the sandbox
        (P, Reason.SEVERITY),  # general violations are not covered by the sandbox
        (P, Reason.REPEAT_OFFENCE),  # harmful
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


def test_severe_punishment_and_lifelong_bans_for_serious_violators(shanghai, national, enterprises, violations) -> None:
    b = enterprises(1)
    v = violations(
        4,
        item="safety_hazard",
        severity=Severity.SERIOUS,
        harm=[10.0, 1.0, 1.0, 1.0],
        corrected=True,
        prior_same_item_36m=[0, 2, 0, 1],
    )
    d = shanghai.tolerance(v, b, TODAY)
    s = shanghai.sanction(v, d, b, TODAY)
    assert s.ban_days.tolist() == [INDEFINITE_DAYS, INDEFINITE_DAYS, 0, 0]  # grave harm; repeated
    assert s.ban_scope.tolist()[:2] == [BanScope.MARKET, BanScope.MARKET]
    assert s.joint_punishment[:2].all() and (s.list_days[:2] > 0).all()
    assert (until(TODAY, s.ban_days[:2]) == FOREVER).all()
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
