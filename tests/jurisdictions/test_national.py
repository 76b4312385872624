"""National baseline rules (seed 002; 2019 Guiding Opinions) on small hand-made batches."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    FOREVER,
    BanScope,
    CommitmentKind,
    EnterpriseBatch,
    Grade,
    InspectionBasis,
    ObjectionBatch,
    Period,
    Reason,
    RecordKind,
    RepairApplications,
    RepairCondition,
    RepairStatus,
    Severity,
    Tolerance,
    ViolationBatch,
    load_jurisdiction,
)

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def national():
    return load_jurisdiction("national")


def old(n: int, **cols) -> EnterpriseBatch:
    """n enterprises registered ten years ago, otherwise defaults."""
    return EnterpriseBatch.build(n, registered=np.full(n, np.datetime64("2016-01-01")), **cols)


def test_listed_enterprises_are_barred_from_notification_commitments(national) -> None:
    b = old(
        3,
        listed=[False, True, False],
        listed_until=np.array(["NaT", "2027-01-01", "NaT"], dtype="M8[D]"),
        banned_until=np.array(["NaT", "NaT", "2030-01-01"], dtype="M8[D]"),
    )
    assert national.commitment_eligible(b, CommitmentKind.NOTIFICATION, TODAY).tolist() == [True, False, False]
    assert national.commitment_eligible(b, CommitmentKind.CERTIFICATION, TODAY).tolist() == [True, False, False]
    assert national.commitment_eligible(b, CommitmentKind.REPAIR, TODAY).all()


def test_a_listing_that_has_ended_no_longer_bars(national) -> None:
    b = old(1, listed=[True], listed_until=np.array(["2025-06-01"], dtype="M8[D]"))
    assert national.commitment_eligible(b, CommitmentKind.NOTIFICATION, TODAY).tolist() == [True]


def test_grades_follow_the_record(national) -> None:
    """Scores against national's cuts (A 0.5, B 3, C 14.07: configs/jurisdictions/national.toml): two
    serious violations (12 points) are still C, three (18) are D, and a listing is D whatever the score."""
    b = old(
        6,
        clean_inspections_36m=[2, 0, 0, 0, 0, 0],
        inspections_36m=[2, 1, 1, 2, 3, 1],
        general_36m=[0, 1, 0, 0, 0, 0],
        serious_36m=[0, 0, 1, 2, 3, 0],
        listed=[False] * 5 + [True],
    )
    assert national.grade(b, TODAY).tolist() == [Grade.A, Grade.B, Grade.C, Grade.C, Grade.D, Grade.D]


def test_a_new_enterprise_without_inspection_is_not_graded_a(national) -> None:
    b = EnterpriseBatch.build(
        2,
        registered=np.array(["2025-10-01", "2025-10-01"], dtype="M8[D]"),
        inspections_36m=[0, 1],
        clean_inspections_36m=[0, 1],
    )
    assert national.grade(b, TODAY).tolist() == [Grade.B, Grade.A]


def test_spot_checks_rise_from_a_to_d(national) -> None:
    """SAMR states class ratios as the share of the class checked within the year (a yearly plan)."""
    b = old(5, grade=[0, 1, 2, 3, -1])
    rates = national.inspection_probability(b, Period.parse("2026-03"))
    assert (rates.basis == InspectionBasis.YEAR).all()
    p = rates.chance
    assert p[0] < p[1] < p[2] < p[3]
    assert p[3] == 1.0  # Bayannur 2022: D 100 % a year
    assert p[4] == pytest.approx(p[1])  # not yet graded: the baseline rate


def test_a_minor_violation_corrected_in_time_without_harm_is_not_penalised_first_or_not(national) -> None:
    """APL 2021 Art. 33 para 1, first sentence: no first-offence condition."""
    b = old(1)
    v = ViolationBatch.build(
        5,
        enterprise=[0] * 5,
        severity=[Severity.MINOR] * 4 + [Severity.GENERAL],
        corrected=[True, True, False, True, True],
        harmful=[False, False, False, True, False],
        harm=[0.1, 0.1, 0.1, 2.0, 0.5],
        prior_same_item_36m=[0, 1, 0, 0, 0],
    )
    d = national.tolerance(v, b, TODAY)
    assert d.decision.tolist() == [
        Tolerance.EXEMPT,
        Tolerance.EXEMPT,  # a repeated minor violation, corrected without harm: still "shall not"
        Tolerance.PENALISE,
        Tolerance.PENALISE,
        Tolerance.MITIGATE,
    ]
    assert d.reason.tolist() == [
        Reason.MINOR_CORRECTED,
        Reason.MINOR_CORRECTED,
        Reason.NOT_CORRECTED,
        Reason.HARMFUL,
        Reason.MITIGATING,
    ]
    s = national.sanction(v, d, b, TODAY)
    assert s.fine[0] == 0 and s.publicity_days[0] == 0
    sanction = national.params.sanction
    assert s.fine[4] == pytest.approx(sanction.mitigation_factor * sanction.fine.general)


def test_a_first_violation_with_minor_harm_may_be_left_unpenalised_by_discretion(national) -> None:
    """APL 2021 Art. 33 para 1, second sentence ("may"): a discretionary parameter, off nationally."""
    b = old(1)
    v = ViolationBatch.build(
        4,
        enterprise=[0] * 4,
        severity=[Severity.GENERAL] * 4,
        corrected=[True, True, False, True],
        harmful=[True, True, True, True],
        harm=[0.8, 0.8, 0.8, 2.5],
        prior_same_item_36m=[0, 1, 0, 0],
    )
    assert national.params.tolerance.exempt_first_minor_harm is False
    assert (national.tolerance(v, b, TODAY).decision == Tolerance.PENALISE).all()
    lenient = load_jurisdiction("national", overrides=[("tolerance.exempt_first_minor_harm", True)])
    d = lenient.tolerance(v, b, TODAY)
    assert d.decision.tolist() == [Tolerance.EXEMPT, Tolerance.PENALISE, Tolerance.PENALISE, Tolerance.PENALISE]
    assert d.reason.tolist() == [
        Reason.FIRST_OFFENCE_MINOR_HARM,
        Reason.REPEAT_OFFENCE,  # not a first violation
        Reason.SEVERITY,  # not corrected in time
        Reason.SEVERITY,  # harm above minor_harm
    ]


def test_no_penalty_where_the_party_proves_it_had_no_fault(national) -> None:
    """APL 2021 Art. 33 para 2; a false commitment cannot be without fault."""
    b = old(1)
    v = ViolationBatch.build(
        3,
        enterprise=[0] * 3,
        severity=[Severity.SERIOUS, Severity.GENERAL, Severity.SERIOUS],
        no_fault=[True, False, True],
        false_commitment=[False, False, True],
        harm=3.0,
        harmful=True,
    )
    d = national.tolerance(v, b, TODAY)
    assert d.decision.tolist() == [Tolerance.EXEMPT, Tolerance.PENALISE, Tolerance.PENALISE]
    assert d.reason.tolist() == [Reason.NO_FAULT, Reason.SEVERITY, Reason.FALSE_COMMITMENT]


def test_national_sources_cite_what_the_texts_say(national) -> None:
    """The mis-citations found in issue 14: the commitment bar is in seed 004 (V), not (VII); (XV) does not
    say that an uncorrected violation is listed; seed 002 sets no repair conditions."""
    src = national.sources
    assert "seed 004 (V)" in src["commitment.listed_barred"] and "(VII)" not in src["commitment.listed_barred"]
    assert "(XV)" not in src["sanction.list_uncorrected_serious"]
    assert (
        "seed 002 sets no repair conditions" in src["repair.required"] or "sets no conditions" in src["repair.required"]
    )


def test_serious_dishonesty_is_listed_with_joint_punishment_and_banned_in_key_fields(national) -> None:
    b = old(2, key_sector=[True, False])
    v = ViolationBatch.build(
        3, enterprise=[0, 1, 1], severity=[Severity.SERIOUS] * 3, harm=[6.0, 6.0, 0.5], corrected=[True, True, True]
    )
    d = national.tolerance(v, b, TODAY)
    s = national.sanction(v, d, b, TODAY)
    assert s.list_days.tolist() == [1095, 1095, 0]
    assert s.joint_punishment.tolist() == [True, True, False]
    assert s.ban_days.tolist() == [1825, 0, 0]


def test_repair_after_minimum_publicity_with_obligations_and_commitment(national) -> None:
    b = old(1)
    both = int(RepairCondition.RECTIFIED | RepairCondition.COMMITMENT)
    apps = RepairApplications.build(
        3,
        enterprise=[0, 0, 0],
        record=[RecordKind.PENALTY] * 3,
        severity=[Severity.GENERAL] * 3,
        recorded=np.array(["2025-06-01", "2025-12-01", "2025-06-01"], dtype="M8[D]"),
        applied=np.array(["2026-01-01"] * 3, dtype="M8[D]"),
        fulfilled=[both, both, int(RepairCondition.RECTIFIED)],
    )
    r = national.repair(apps, b, TODAY)
    assert r.status.tolist() == [RepairStatus.APPROVED, RepairStatus.NOT_YET, RepairStatus.NOT_YET]
    assert r.earliest[1] == np.datetime64("2026-03-01")  # 90 days after 2025-12-01
    assert r.missing.tolist() == [0, int(RepairCondition.PUBLICITY_PERIOD), int(RepairCondition.COMMITMENT)]
    assert (r.review_days == 3).all()


def test_commitments_are_verified_by_the_promisers_grade(national) -> None:
    b = old(5, grade=[0, 1, 2, 3, -1])
    p = national.commitment_verification(b, CommitmentKind.NOTIFICATION, TODAY)
    assert p[0] < p[1] < p[2] < p[3] == 1.0
    assert p[4] == national.params.commitment.ungraded_verification


def test_no_disturbance_without_cause_but_complaints_are_followed_for_every_grade(national) -> None:
    b = old(4, grade=[0, 1, 2, 3])
    p = national.inspection_probability(b, Period.parse("2026")).chance
    assert p[0] == pytest.approx(0.02)  # class A: reduced (Bayannur 2022: 2 % a year)
    v = national.complaint_verification(b, TODAY)
    assert np.unique(v).size == 1 and v[0] == 1.0


def test_key_fields_are_checked_more(national) -> None:
    b = old(2, grade=[1, 1], key_sector=[True, False])
    p = national.inspection_probability(b, Period.parse("2026")).chance
    assert p[0] == pytest.approx(p[1] * national.params.inspection.key_sector_multiplier)


def test_a_false_commitment_is_never_tolerated_and_a_serious_one_is_listed(national) -> None:
    b = old(1)
    v = ViolationBatch.build(
        2,
        enterprise=[0, 0],
        severity=[Severity.MINOR, Severity.SERIOUS],
        corrected=[True, True],
        false_commitment=[True, True],
        harm=[0.1, 0.1],
    )
    d = national.tolerance(v, b, TODAY)
    assert d.decision.tolist() == [Tolerance.PENALISE] * 2 and (d.reason == Reason.FALSE_COMMITMENT).all()
    s = national.sanction(v, d, b, TODAY)
    assert s.list_days.tolist() == [0, national.params.sanction.list_days]
    assert s.revoke_demonstration.all()


def test_an_uncorrected_serious_violation_is_listed_and_must_be_rectified(national) -> None:
    b = old(1)
    v = ViolationBatch.build(1, enterprise=[0], severity=[Severity.SERIOUS], harm=[0.5], corrected=[False])
    s = national.sanction(v, national.tolerance(v, b, TODAY), b, TODAY)
    assert s.list_days[0] > 0 and s.joint_punishment[0]
    assert s.rectify_days[0] == national.params.sanction.listed_rectify_days


def test_ban_scope_is_a_parameter(national) -> None:
    market = load_jurisdiction("national", overrides=[("sanction.ban_scope", "market")])
    b = old(1, key_sector=[True])
    v = ViolationBatch.build(1, enterprise=[0], severity=[Severity.SERIOUS], harm=[6.0], corrected=[True])
    assert national.sanction(v, national.tolerance(v, b, TODAY), b, TODAY).ban_scope[0] == BanScope.INDUSTRY
    assert market.sanction(v, market.tolerance(v, b, TODAY), b, TODAY).ban_scope[0] == BanScope.MARKET


def test_a_listing_is_repaired_no_sooner_than_its_minimum_period(national) -> None:
    b = old(1)
    both = int(RepairCondition.RECTIFIED | RepairCondition.COMMITMENT)
    apps = RepairApplications.build(
        2,
        enterprise=[0, 0],
        record=[RecordKind.DISHONESTY_LIST] * 2,
        severity=[Severity.SERIOUS] * 2,
        recorded=np.array(["2025-06-01", "2024-06-01"], dtype="M8[D]"),
        applied=np.array(["2026-01-01"] * 2, dtype="M8[D]"),
        fulfilled=[both, both],
    )
    r = national.repair(apps, b, TODAY)
    assert r.status.tolist() == [RepairStatus.NOT_YET, RepairStatus.APPROVED]
    assert r.earliest[0] == np.datetime64("2026-06-01")  # 365 days on the list


def test_no_repair_during_a_lifelong_ban(national) -> None:
    b = old(1, banned_until=np.array([FOREVER]))
    apps = RepairApplications.build(
        1,
        enterprise=[0],
        record=[RecordKind.DISHONESTY_LIST],
        severity=[Severity.SERIOUS],
        recorded=np.array(["2020-01-01"], dtype="M8[D]"),
        applied=np.array(["2026-01-01"], dtype="M8[D]"),
        fulfilled=[127],
    )
    r = national.repair(apps, b, TODAY)
    assert r.status[0] == RepairStatus.REFUSED and np.isnat(r.earliest[0])


def test_a_record_shown_wrong_is_withdrawn(national) -> None:
    b = old(1)
    o = ObjectionBatch.build(
        2,
        enterprise=[0, 0],
        record=[RecordKind.PENALTY] * 2,
        recorded=np.array(["2025-06-01"] * 2, dtype="M8[D]"),
        filed=np.array(["2025-07-01"] * 2, dtype="M8[D]"),
        evidence=[True, False],
    )
    d = national.objection(o, b, TODAY)
    assert d.upheld.tolist() == [True, False]
    assert (d.review_days == national.params.objection.review_working_days).all()


def test_no_demonstration_status_nationally(national) -> None:
    b = old(3, demonstration=[True, False, True], grade=[0, 0, 0])
    assert not national.demonstration(b, TODAY).any()


def test_only_a_refused_repair_has_no_earliest_date(national) -> None:
    b = old(1)
    both = int(RepairCondition.RECTIFIED | RepairCondition.COMMITMENT)
    apps = RepairApplications.build(
        1,
        enterprise=[0],
        record=[RecordKind.PENALTY],
        severity=[Severity.GENERAL],
        recorded=np.array(["NaT"], dtype="M8[D]"),
        applied=np.array(["2026-01-01"], dtype="M8[D]"),
        fulfilled=[both],
    )
    r = national.repair(apps, b, TODAY)
    assert r.status[0] == RepairStatus.APPROVED and r.earliest[0] == np.datetime64(TODAY)
