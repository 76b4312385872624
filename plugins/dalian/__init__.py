"""Dalian Free Trade Area: "credit supervision + social supervision" with demonstration enterprises (seed 000).

The regulator sets the criteria and selects demonstration enterprises in the pilot sectors (food and
beverage, automobile 4S shops, home furnishing) from their basic, dynamic and supervision information
(seed 000 (I)); they publish commitment letters with a QR code, so the public can check and complain
(seed 000 (II)-(III)); the regulator verifies complaints, and a commitment found false costs the
demonstration status and brings a penalty (seed 000 (III)); every quarter the regulator re-evaluates,
"removes the old and introduces the new" (seed 000 (IV)); good-credit demonstration enterprises leave the
double-random checklist and get an increased credit rating (seed 000 (IV)).

Hooks not implemented here (tolerance, repair, objection, commitment eligibility) are the national
baseline's. Parameters: ``configs/jurisdictions/dalian.toml``; notes: ``docs/jurisdictions/dalian.md``.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import attrs
import numpy as np

from credsup.core import (
    CommitmentKind,
    EnterpriseBatch,
    Grade,
    InspectionRates,
    Period,
    Sanctions,
    Tolerance,
    ToleranceDecisions,
    ViolationBatch,
    hookimpl,
)
from credsup.plugins import national
from credsup.plugins.dalian.params import DalianParams
from credsup.plugins.national.params import size_code

CREDSUP_CONTRACT = "2.0"
PARAMS_CLASS = DalianParams
DEFAULT_CONFIG = files("credsup.configs") / "jurisdictions" / "dalian.toml"

__all__ = [
    "CREDSUP_CONTRACT",
    "DEFAULT_CONFIG",
    "PARAMS_CLASS",
    "DalianParams",
    "demonstration_criteria",
    "keeps_faith",
    "leaves_checklist",
]


# ------------------------------------------------------------------------------------------ grading


def keeps_faith(batch: EnterpriseBatch) -> np.ndarray:
    """Demonstration enterprises with no founded complaint and no false commitment in the window
    ("keeping faith and obtaining good comments", seed 000 (IV))."""
    return batch.demonstration & (batch.verified_complaints_36m == 0) & (batch.false_commitments_36m == 0)


@hookimpl
def credsup_grade(batch: EnterpriseBatch, params: DalianParams, today: dt.date) -> np.ndarray:
    """The national grade, raised by ``grade_bonus`` classes for faith-keeping demonstration enterprises
    ("positive incentives and increased credit rating", seed 000 (IV)); never for one under joint
    punishment. The record weights (false commitments, founded complaints) are Dalian's own: verification
    results are "an important reference indicator in dynamic credit evaluation" (seed 000 (III))."""
    grades = national.credsup_grade(batch, params, today)
    bonus = keeps_faith(batch) & ~national.under_joint_punishment(batch, today)
    raised = np.maximum(grades.astype(np.int16) - params.demonstration.grade_bonus, Grade.A)
    return np.where(bonus, raised, grades).astype(np.int8)


def demonstration_criteria(batch: EnterpriseBatch, params: DalianParams, today: dt.date) -> np.ndarray:
    """The regulator's criteria (seed 000 (I)): pilot sector; basic, dynamic and supervision information;
    a good grade (``batch.grade`` holds the new grades). One boolean per enterprise."""
    d = params.demonstration
    pilot = batch.sector_mask(d.sectors)
    # basic information: size and establishment duration (NaN age -> not selected)
    basic = (batch.age_years(today) >= d.min_age_years) & (batch.size >= size_code(d.min_size))
    # dynamic information: annual report, social security, tax, intellectual property
    dynamic = (
        (batch.annual_report_filed | (not d.require_annual_report))
        & (batch.social_security_compliant | (not d.require_social_security))
        & (batch.tax_compliant | (not d.require_tax))
        & (batch.ip_holder | (not d.require_ip))
    )
    # supervision information: abnormal operation, serious violations, penalties, inspection results,
    # complaints, and the verification results of earlier commitments
    supervision = (
        (~batch.abnormal_operation | (not d.exclude_abnormal_operation))
        & (batch.serious_36m <= d.max_serious_36m)
        & (batch.displayed_penalties <= d.max_displayed_penalties)
        & (batch.violations_12m <= d.max_violations_12m)
        & (batch.verified_complaints_36m <= d.max_verified_complaints_36m)
        & (batch.false_commitments_36m <= d.max_false_commitments_36m)
        & ~national.under_joint_punishment(batch, today)
    )
    good = (batch.grade >= 0) & (batch.grade <= Grade.parse(d.max_grade))
    return pilot & basic & dynamic & supervision & good


@hookimpl
def credsup_demonstration(batch: EnterpriseBatch, params: DalianParams, today: dt.date) -> np.ndarray:
    """Demonstration status after each evaluation is exactly "meets the criteria now": every quarter
    (``schedule.grading_months = 3``) those who no longer meet them leave and newcomers who do join
    ("remove the old and introduce the new", seed 000 (IV)). A status revoked for a false commitment does
    not come back while the false commitment is in the window (``max_false_commitments_36m``)."""
    return demonstration_criteria(batch, params, today)


# ------------------------------------------------------------------------------ inspection frequency


def leaves_checklist(batch: EnterpriseBatch, params: DalianParams) -> np.ndarray:
    """Demonstration enterprises with good credit, no longer on the double-random checklist (seed 000 (IV))."""
    good = (batch.grade >= 0) & (batch.grade <= Grade.parse(params.demonstration.exempt_max_grade))
    return batch.demonstration & good


@hookimpl
def credsup_inspection_probability(batch: EnterpriseBatch, params: DalianParams, period: Period) -> InspectionRates:
    """National classified spot checks (its yearly plan), except that good-credit demonstration enterprises
    are never drawn (0.0): they are no longer entered into the "double random, one open" checklist (seed 000 (IV)).
    Complaints about them are still verified (:func:`credsup_complaint_verification`)."""
    rates = national.credsup_inspection_probability(batch, params, period)
    return rates.override(leaves_checklist(batch, params), 0.0)


# -------------------------------------------------------------------------------- social supervision


@hookimpl
def credsup_complaint_intensity(batch: EnterpriseBatch, params: DalianParams, today: dt.date) -> np.ndarray:
    """Demonstration enterprises publish their commitment letters on a board and online with an exclusive
    QR code, through which the public checks and complains (seed 000 (II)-(III)): their reporting
    intensity is the national one times ``publicity.complaint_multiplier``."""
    base = national.credsup_complaint_intensity(batch, params, today)
    return np.where(batch.demonstration, np.minimum(base * params.publicity.complaint_multiplier, 100.0), base)


@hookimpl
def credsup_complaint_verification(batch: EnterpriseBatch, params: DalianParams, today: dt.date) -> np.ndarray:
    """ "The regulatory department summarizes, analyzes, verifies and processes the information coming from
    social supervision" (seed 000 (III)): complaints about demonstration enterprises are verified with
    ``publicity.verification_probability``; others as nationally."""
    base = national.credsup_complaint_verification(batch, params, today)
    return np.where(batch.demonstration, params.publicity.verification_probability, base)


# --------------------------------------------------------------------------------------- commitment


@hookimpl
def credsup_commitment_verification(
    batch: EnterpriseBatch, kind: CommitmentKind, params: DalianParams, today: dt.date
) -> np.ndarray:
    """National verification by grade; a demonstration enterprise's notification or certification
    commitment is verified less often (``verification_factor``): its commitments are published and watched
    by the public ("commitment is supervision, publicity is supervision", seed 000 II.(I)) and it gets
    credit-enhancement support in administrative licensing (seed 000 (IV))."""
    p = national.credsup_commitment_verification(batch, kind, params, today)
    if kind not in (CommitmentKind.NOTIFICATION, CommitmentKind.CERTIFICATION):
        return p
    return np.where(batch.demonstration, p * params.demonstration.verification_factor, p)


# ------------------------------------------------------------------------------ sanction / listing


@hookimpl
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: DalianParams,
    today: dt.date,
) -> Sanctions:
    """National sanctions, and for a commitment found false (seed 000 (III)): the demonstration status is
    cancelled (whatever the tolerance decision), the act is penalised with at least
    ``false_commitment.fine`` and the result is published for at least ``false_commitment.publicity_days``.
    The finding also enters the next evaluation through ``false_commitments_36m``."""
    s = national.credsup_sanction(violations, decisions, batch, params, today)
    f = params.false_commitment
    false = violations.false_commitment
    penalised = false & (decisions.decision != Tolerance.EXEMPT)
    return attrs.evolve(
        s,
        fine=np.where(penalised, np.maximum(s.fine, f.fine), s.fine),
        publicity_days=np.where(penalised, np.maximum(s.publicity_days, f.publicity_days), s.publicity_days).astype(
            np.int32
        ),
        revoke_demonstration=s.revoke_demonstration | false,
    )
