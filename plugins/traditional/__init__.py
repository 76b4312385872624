"""Traditional supervision: the same force on everyone, no credit (seed 002 "Second", lines 15-21).

"The traditional regulatory model exerts an average force on all regulatory subjects, which has high
regulatory costs, great pressure on market subjects and many interferences" (seed 002 line 21): every
enterprise has the same chance of a routine (patrol) inspection each month, whatever its record, and the
"intermittent supervision mode" (seed 002 line 19) adds campaign-style sweeps that inspect a share of
all enterprises in their month; complaints trigger investigation (seed 000 (III)
names "investigation and handling according to individual complaint cases" as the traditional mode);
violations are penalised by severity. There are no grades (everyone is treated as the general class B),
no commitments (licences need proof), no tolerance, no dishonesty list and no credit repair. It is the
baseline every comparison needs.

Parameters: ``configs/jurisdictions/traditional.toml``; notes: ``docs/jurisdictions/traditional.md``.
It implements every hook itself and never falls back to ``national``.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import numpy as np

from credsup.core import (
    CommitmentKind,
    EnterpriseBatch,
    Grade,
    InspectionRates,
    ObjectionBatch,
    ObjectionDecisions,
    Period,
    Reason,
    RepairApplications,
    RepairDecisions,
    RepairStatus,
    Sanctions,
    Tolerance,
    ToleranceDecisions,
    ViolationBatch,
    hookimpl,
)
from credsup.plugins.traditional.params import TraditionalParams

CREDSUP_CONTRACT = "2.0"
PARAMS_CLASS = TraditionalParams
DEFAULT_CONFIG = files("credsup.configs") / "jurisdictions" / "traditional.toml"


@hookimpl
def credsup_commitment_eligible(
    batch: EnterpriseBatch, kind: CommitmentKind, params: TraditionalParams, today: dt.date
) -> np.ndarray:
    """No credit commitments: every licence needs its conditions proven first."""
    return np.zeros(len(batch), dtype=bool)


@hookimpl
def credsup_commitment_verification(
    batch: EnterpriseBatch, kind: CommitmentKind, params: TraditionalParams, today: dt.date
) -> np.ndarray:
    """Nothing to verify (no commitments are accepted)."""
    return np.zeros(len(batch), dtype=np.float64)


@hookimpl
def credsup_grade(batch: EnterpriseBatch, params: TraditionalParams, today: dt.date) -> np.ndarray:
    """No credit evaluation: everyone is in the one general class (B)."""
    return np.full(len(batch), Grade.B, dtype=np.int8)


@hookimpl
def credsup_demonstration(batch: EnterpriseBatch, params: TraditionalParams, today: dt.date) -> np.ndarray:
    """No demonstration status."""
    return np.zeros(len(batch), dtype=bool)


@hookimpl
def credsup_inspection_probability(
    batch: EnterpriseBatch, params: TraditionalParams, period: Period
) -> InspectionRates:
    """The same inspection chance for every enterprise (seed 002 line 21, "an average force on all"): routine
    patrols at ``inspection.rate_per_year``, a chance per period (repeats within a year are allowed: patrols
    are not a yearly plan), and in a sweep month (``campaign``) also the sweep's share, independently."""
    patrol = period.per_period(np.full(len(batch), params.inspection.rate_per_year))
    every = params.campaign.every_months
    sweep = every > 0 and period.start.month % every == 0
    chance = 1.0 - (1.0 - patrol) * (1.0 - params.campaign.share) if sweep else patrol
    return InspectionRates.per_period(chance)


@hookimpl
def credsup_complaint_intensity(batch: EnterpriseBatch, params: TraditionalParams, today: dt.date) -> np.ndarray:
    """The baseline public reporting, no published commitments to raise it."""
    return np.ones(len(batch), dtype=np.float64)


@hookimpl
def credsup_complaint_verification(batch: EnterpriseBatch, params: TraditionalParams, today: dt.date) -> np.ndarray:
    """Complaint-driven investigation (seed 000 (III): "investigation and handling according to
    individual complaint cases")."""
    return np.full(len(batch), params.complaints.verification_probability, dtype=np.float64)


@hookimpl
def credsup_tolerance(
    violations: ViolationBatch, batch: EnterpriseBatch, params: TraditionalParams, today: dt.date
) -> ToleranceDecisions:
    """No tolerance list: every detected violation is penalised."""
    n = len(violations)
    return ToleranceDecisions(
        decision=np.full(n, Tolerance.PENALISE, dtype=np.int8),
        reason=np.full(n, Reason.NO_TOLERANCE_POLICY, dtype=np.int16),
    )


@hookimpl
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: TraditionalParams,
    today: dt.date,
) -> Sanctions:
    """Penalty by severity; no listing, no joint punishment, no bans."""
    sev = violations.severity.astype(np.intp)
    penalised = decisions.decision != Tolerance.EXEMPT
    p = params.penalty
    return Sanctions.build(
        len(violations),
        fine=np.where(penalised, p.fine.array()[sev], 0.0),
        publicity_days=np.where(penalised, p.publicity_days.array()[sev], 0).astype(np.int32),
    )


@hookimpl
def credsup_repair(
    applications: RepairApplications, batch: EnterpriseBatch, params: TraditionalParams, today: dt.date
) -> RepairDecisions:
    """No credit repair: a record stays on display until its publicity period ends."""
    n = len(applications)
    return RepairDecisions.build(n, status=np.full(n, RepairStatus.REFUSED, dtype=np.int8))


@hookimpl
def credsup_objection(
    objections: ObjectionBatch, batch: EnterpriseBatch, params: TraditionalParams, today: dt.date
) -> ObjectionDecisions:
    """Administrative reconsideration: a penalty shown wrong is withdrawn, slowly."""
    n = len(objections)
    return ObjectionDecisions(
        upheld=np.array(objections.evidence, dtype=bool),
        review_days=np.full(n, params.objection.review_working_days, dtype=np.int16),
    )
