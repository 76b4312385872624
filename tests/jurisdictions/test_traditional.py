"""Traditional supervision: uniform, no credit (seed 002 "Second")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import CommitmentKind, InspectionBasis, Period, RepairStatus, Tolerance, load_jurisdiction
from credsup.core.samples import random_applications, random_batch, random_violations

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def traditional():
    return load_jurisdiction("traditional")


def test_same_inspection_chance_for_everyone_whatever_the_record(traditional, rng) -> None:
    """Routine patrols about once a year (a chance per month, repeats allowed) for all alike; in a sweep
    month (June, December) a fifth of all enterprises more, independently (the config's values)."""
    b = random_batch(rng, 200, TODAY)
    patrol = 1.0 * 31 / 365.25  # March: 31 days of a routine rate of 1.0 a year
    march = traditional.inspection_probability(b, Period.parse("2026-03"))
    assert (march.basis == InspectionBasis.PERIOD).all()
    assert np.unique(march.chance).size == 1 and march.chance[0] == pytest.approx(patrol)
    june = traditional.inspection_probability(b, Period.parse("2026-06")).chance
    patrol_june = 1.0 * 30 / 365.25
    assert np.unique(june).size == 1 and june[0] == pytest.approx(1 - (1 - patrol_june) * (1 - 0.2))


def test_no_grades_commitments_tolerance_or_repair(traditional, rng) -> None:
    b = random_batch(rng, 100, TODAY)
    assert (traditional.grade(b, TODAY) == 1).all()
    assert not traditional.commitment_eligible(b, CommitmentKind.NOTIFICATION, TODAY).any()
    v = random_violations(rng, b, 50, TODAY)
    assert (traditional.tolerance(v, b, TODAY).decision == Tolerance.PENALISE).all()
    assert (traditional.repair(random_applications(rng, b, 20, TODAY), b, TODAY).status == RepairStatus.REFUSED).all()


def test_penalty_by_severity_without_listing(traditional, rng) -> None:
    b = random_batch(rng, 50, TODAY)
    v = random_violations(rng, b, 60, TODAY)
    s = traditional.sanction(v, traditional.tolerance(v, b, TODAY), b, TODAY)
    fines = traditional.params.penalty.fine.array()
    assert np.array_equal(s.fine, fines[v.severity])
    assert not s.list_days.any() and not s.ban_days.any() and not s.joint_punishment.any()


def test_complaints_drive_investigation(traditional, rng) -> None:
    b = random_batch(rng, 10, TODAY)
    assert (traditional.complaint_verification(b, TODAY) == 1.0).all()
    assert (traditional.complaint_intensity(b, TODAY) == 1.0).all()


def test_the_rate_ignores_grade_key_field_and_demonstration(traditional, rng) -> None:
    from credsup.core import EnterpriseBatch

    b = EnterpriseBatch.build(
        4,
        grade=[0, 3, 1, 1],
        key_sector=[False, True, False, False],
        demonstration=[False, False, True, False],
        listed=[False, False, False, True],
    )
    p = traditional.inspection_probability(b, Period.parse("2026Q1"))
    assert np.unique(p).size == 1


def test_a_penalty_shown_wrong_is_withdrawn_by_reconsideration(traditional, rng) -> None:
    from credsup.core.samples import random_objections

    b = random_batch(rng, 20, TODAY)
    o = random_objections(rng, b, 30, TODAY)
    d = traditional.objection(o, b, TODAY)
    assert np.array_equal(d.upheld, o.evidence)
    assert (d.review_days == traditional.params.objection.review_working_days).all()


def test_traditional_never_falls_back_to_national(traditional) -> None:
    from credsup.core import HOOKS

    assert {traditional.answered_by(h) for h in HOOKS} == {"traditional"}
