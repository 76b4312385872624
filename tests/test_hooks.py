"""One test per hook (as datasette's test_plugins.py has): the contract each hookspec docstring states,
checked on both built-in jurisdictions. ``test_every_hook_has_a_test`` fails when a hook is added to the
contract without a ``test_hook_<name>`` here. (Shapes, dtypes, ranges, determinism and row independence
of every hook of the built-ins are checked by tests/test_conformance.py.)"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    HOOKS,
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
    ToleranceDecisions,
    ViolationBatch,
    load_jurisdiction,
)
from credsup.core.samples import random_batch

TODAY = dt.date(2026, 1, 1)
BUILTINS = ("national", "traditional")


@pytest.fixture(scope="module", params=BUILTINS)
def j(request):
    return load_jurisdiction(request.param)


@pytest.fixture(scope="module")
def batch():
    return random_batch(np.random.default_rng(7), 300, TODAY)


def test_every_hook_has_a_test() -> None:
    tested = {name.removeprefix("test_hook_") for name in globals() if name.startswith("test_hook_")}
    missing = [hook for hook in HOOKS if hook not in tested]
    assert not missing, f"hooks without a test_hook_<name> in tests/test_hooks.py: {missing}"


def test_hook_credsup_commitment_eligible(j, batch) -> None:
    """Invariant: an enterprise under joint punishment is barred from notification and certification."""
    listed = batch.listed & (batch.listed_until > np.datetime64(TODAY))
    assert listed.any()
    for kind in (CommitmentKind.NOTIFICATION, CommitmentKind.CERTIFICATION):
        assert not j.commitment_eligible(batch, kind, TODAY)[listed].any()


def test_hook_credsup_commitment_verification(j, batch) -> None:
    """Verification probability by the promiser's credit status (seed 004 (XIII)): never lower for D than
    for A; traditional supervision accepts no commitments, so verifies none."""
    p = j.commitment_verification(batch, CommitmentKind.NOTIFICATION, TODAY)
    if j.name == "traditional":
        assert (p == 0).all()
    else:
        assert p[batch.grade == Grade.D].min() >= p[batch.grade == Grade.A].max()


def test_hook_credsup_grade(j, batch) -> None:
    """A-D codes; national grades a listed enterprise D, traditional has the one class B."""
    grades = j.grade(batch, TODAY)
    assert grades.dtype == np.int8 and set(np.unique(grades)) <= {0, 1, 2, 3}
    if j.name == "national":
        assert (grades[batch.listed & (batch.listed_until > np.datetime64(TODAY))] == Grade.D).all()
    else:
        assert (grades == Grade.B).all()


def test_hook_credsup_demonstration(j, batch) -> None:
    """A jurisdiction without demonstration status (both built-ins) returns all False, even for enterprises
    that held the status before this evaluation and are graded A now (a rule that kept the previous status,
    or granted it to A, would fail here)."""
    holders = EnterpriseBatch.build(
        len(batch),
        **{c: getattr(batch, c) for c in batch.column_names() if c not in ("grade", "demonstration")},
        grade=np.zeros(len(batch), dtype=np.int8),
        demonstration=np.ones(len(batch), dtype=bool),
        sectors=batch.sectors,
        regions=batch.regions,
    )
    assert not j.demonstration(holders, TODAY).any()
    assert not j.demonstration(batch, TODAY).any()


def test_hook_credsup_inspection_probability(j) -> None:
    """National states SAMR's yearly shares by grade (whatever the period asked about), rising from A to D;
    traditional one chance per period for everyone, larger for a longer period."""
    b = EnterpriseBatch.build(4, grade=[0, 1, 2, 3])
    year, month = (
        j.inspection_probability(b, Period.parse("2026")),
        j.inspection_probability(b, Period.parse("2026-03")),
    )
    if j.name == "national":
        assert (year.basis == InspectionBasis.YEAR).all() and year.equals(month)
        assert year.chance.tolist() == sorted(year.chance.tolist()) and year.chance[0] < year.chance[3]
    else:
        assert (year.basis == InspectionBasis.PERIOD).all() and (month.basis == InspectionBasis.PERIOD).all()
        assert (month.chance <= year.chance).all() and (year.chance == year.chance[0]).all()


def test_hook_credsup_complaint_intensity(j, batch) -> None:
    """One reporting intensity for every enterprise, whatever its grade or record: national's is its
    parameter (here set to 2.5 by an override, the oracle), traditional's the scenario's baseline 1.0."""
    if j.name == "national":
        j = load_jurisdiction("national", overrides=[("social.complaint_multiplier", 2.5)])
        expected = 2.5
    else:
        expected = 1.0
    assert j.complaint_intensity(batch, TODAY).tolist() == [expected] * len(batch)
    assert len(set(batch.grade.tolist())) > 2 and batch.listed.any()  # the batch has different records


def test_hook_credsup_complaint_verification(j, batch) -> None:
    """Complaints are verified whatever the grade ('no disturbance without cause' admits complaints): the
    probability is the jurisdiction's parameter for every enterprise (set to 0.3 here, the oracle)."""
    key = "social.verification_probability" if j.name == "national" else "complaints.verification_probability"
    j = load_jurisdiction(j.name, overrides=[(key, 0.3)])
    assert j.complaint_verification(batch, TODAY).tolist() == [0.3] * len(batch)


def _minor_first_corrected() -> tuple[ViolationBatch, EnterpriseBatch]:
    b = EnterpriseBatch.build(1, registered=np.array(["2015-01-01"], dtype="M8[D]"))
    v = ViolationBatch.build(
        2,
        enterprise=[0, 0],
        severity=[Severity.MINOR, Severity.SERIOUS],
        corrected=[True, False],
        prior_same_item_36m=[0, 2],
        harm=[0.1, 3.0],
    )
    return v, b


def test_hook_credsup_tolerance(j) -> None:
    """A first minor offence corrected in time without harm is exempt under national (APL 2021 Art. 33);
    traditional supervision has no tolerance list."""
    v, b = _minor_first_corrected()
    d = j.tolerance(v, b, TODAY)
    assert d.decision[1] == Tolerance.PENALISE
    if j.name == "national":
        assert (d.decision[0], d.reason[0]) == (Tolerance.EXEMPT, Reason.FIRST_MINOR_CORRECTED)
    else:
        assert (d.reason == Reason.NO_TOLERANCE_POLICY).all()


def test_hook_credsup_sanction(j) -> None:
    """An exempt violation gets no fine; a penalised serious one a fine above a minor one's."""
    v, b = _minor_first_corrected()
    d = ToleranceDecisions.build(2, decision=[Tolerance.EXEMPT, Tolerance.PENALISE])
    s = j.sanction(v, d, b, TODAY)
    assert s.fine[0] == 0 and s.fine[1] > 0 and s.publicity_days[1] > 0


def test_hook_credsup_repair(j) -> None:
    """A complete application after the minimum publicity period: national approves it within its review
    time; traditional supervision has no credit repair."""
    apps = RepairApplications.build(
        1,
        enterprise=[0],
        record=[RecordKind.PENALTY],
        severity=[Severity.GENERAL],
        recorded=np.array(["2024-01-01"], dtype="M8[D]"),
        applied=np.array(["2026-01-01"], dtype="M8[D]"),
        fulfilled=[int(RepairCondition.RECTIFIED | RepairCondition.COMMITMENT)],
    )
    r = j.repair(apps, EnterpriseBatch.build(1), TODAY)
    expected = RepairStatus.APPROVED if j.name == "national" else RepairStatus.REFUSED
    assert r.status[0] == expected


def test_hook_credsup_objection(j) -> None:
    """A record the enterprise's evidence shows wrong is withdrawn (seed 004 (XXVII)); one without is not."""
    o = ObjectionBatch.build(
        2,
        enterprise=[0, 0],
        evidence=[True, False],
        recorded=np.array(["2025-10-01"] * 2, dtype="M8[D]"),
        filed=np.array(["2025-12-01"] * 2, dtype="M8[D]"),
    )
    d = j.objection(o, EnterpriseBatch.build(1), TODAY)
    assert d.upheld.tolist() == [True, False] and (d.review_days > 0).all()
