"""National baseline rules (seed 002; 2019 Guiding Opinions) on small hand-made batches."""

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
    b = old(3, listed=[False, True, False], listed_until=np.array(["NaT", "2027-01-01", "NaT"], dtype="M8[D]"),
            banned_until=np.array(["NaT", "NaT", "2030-01-01"], dtype="M8[D]"))
    assert national.commitment_eligible(b, CommitmentKind.NOTIFICATION, TODAY).tolist() == [True, False, False]
    assert national.commitment_eligible(b, CommitmentKind.CERTIFICATION, TODAY).tolist() == [True, False, False]
    assert national.commitment_eligible(b, CommitmentKind.REPAIR, TODAY).all()


def test_a_listing_that_has_ended_no_longer_bars(national) -> None:
    b = old(1, listed=[True], listed_until=np.array(["2025-06-01"], dtype="M8[D]"))
    assert national.commitment_eligible(b, CommitmentKind.NOTIFICATION, TODAY).tolist() == [True]


def test_grades_follow_the_record(national) -> None:
    b = old(5, clean_inspections_36m=[2, 0, 0, 0, 0], inspections_36m=[2, 1, 1, 2, 1],
            general_36m=[0, 1, 0, 0, 0], serious_36m=[0, 0, 1, 2, 0], listed=[False] * 4 + [True])
    assert national.grade(b, TODAY).tolist() == [Grade.A, Grade.B, Grade.C, Grade.D, Grade.D]


def test_a_new_enterprise_without_inspection_is_not_graded_a(national) -> None:
    b = EnterpriseBatch.build(2, registered=np.array(["2025-10-01", "2025-10-01"], dtype="M8[D]"),
                              inspections_36m=[0, 1], clean_inspections_36m=[0, 1])
    assert national.grade(b, TODAY).tolist() == [Grade.B, Grade.A]


def test_spot_checks_rise_from_a_to_d(national) -> None:
    b = old(5, grade=[0, 1, 2, 3, -1])
    p = national.inspection_probability(b, Period.parse("2026"))
    assert p[0] < p[1] < p[2] < p[3]
    assert p[3] == pytest.approx(1.0 * 365 / 365.25)
    assert p[4] == pytest.approx(p[1])  # not yet graded: the baseline rate


def test_first_minor_offence_corrected_in_time_is_not_penalised(national) -> None:
    b = old(1)
    v = ViolationBatch.build(
        5, enterprise=[0] * 5, severity=[Severity.MINOR] * 4 + [Severity.GENERAL],
        corrected=[True, True, False, True, True], harmful=[False, False, False, True, False],
        prior_same_item_36m=[0, 1, 0, 0, 0])
    d = national.tolerance(v, b, TODAY)
    assert d.decision.tolist() == [Tolerance.EXEMPT, Tolerance.PENALISE, Tolerance.PENALISE, Tolerance.PENALISE,
                                   Tolerance.MITIGATE]
    assert d.reason.tolist() == [Reason.FIRST_MINOR_CORRECTED, Reason.REPEAT_OFFENCE, Reason.NOT_CORRECTED,
                                 Reason.HARMFUL, Reason.MITIGATING]
    s = national.sanction(v, d, b, TODAY)
    assert s.fine[0] == 0 and s.publicity_days[0] == 0
    sanction = national.params.sanction
    assert s.fine[4] == pytest.approx(sanction.mitigation_factor * sanction.fine.general)


def test_serious_dishonesty_is_listed_with_joint_punishment_and_banned_in_key_fields(national) -> None:
    b = old(2, key_sector=[True, False])
    v = ViolationBatch.build(3, enterprise=[0, 1, 1], severity=[Severity.SERIOUS] * 3, harm=[6.0, 6.0, 0.5],
                             corrected=[True, True, True])
    d = national.tolerance(v, b, TODAY)
    s = national.sanction(v, d, b, TODAY)
    assert s.list_days.tolist() == [1095, 1095, 0]
    assert s.joint_punishment.tolist() == [True, True, False]
    assert s.ban_days.tolist() == [1825, 0, 0]


def test_repair_after_minimum_publicity_with_obligations_and_commitment(national) -> None:
    b = old(1)
    both = int(RepairCondition.RECTIFIED | RepairCondition.COMMITMENT)
    apps = RepairApplications.build(
        3, enterprise=[0, 0, 0], record=[RecordKind.PENALTY] * 3, severity=[Severity.GENERAL] * 3,
        recorded=np.array(["2025-06-01", "2025-12-01", "2025-06-01"], dtype="M8[D]"),
        applied=np.array(["2026-01-01"] * 3, dtype="M8[D]"),
        fulfilled=[both, both, int(RepairCondition.RECTIFIED)])
    r = national.repair(apps, b, TODAY)
    assert r.status.tolist() == [RepairStatus.APPROVED, RepairStatus.NOT_YET, RepairStatus.NOT_YET]
    assert r.earliest[1] == np.datetime64("2026-03-01")  # 90 days after 2025-12-01
    assert r.missing.tolist() == [0, int(RepairCondition.PUBLICITY_PERIOD), int(RepairCondition.COMMITMENT)]
    assert (r.review_days == 3).all()
