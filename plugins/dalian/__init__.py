"""Dalian Free Trade Area: "credit supervision + social supervision" with demonstration enterprises (seed 000).

The regulator sets the criteria and selects demonstration enterprises in the pilot sectors (food and
beverage, automobile 4S shops, home furnishing) from their basic, dynamic and supervision information
(seed 000 (I)); they publish commitment letters with a QR code, so the public can check and complain
(seed 000 (II)-(III)); the regulator verifies complaints, and a commitment found false (the published
letter breached, or a licence commitment) costs the demonstration status, the act being penalised as the
law says (seed 000 (III)); every quarter the regulator re-evaluates the participants, "to remove the old
and introduce the new", everyone else keeping the national yearly evaluation (seed 000 (IV),
``schedule.demonstration_grading_months``); good-credit demonstration enterprises leave the double-random
checklist and get an increased credit rating (seed 000 (IV)).

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
    DetectionSource,
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
    "pledge_breach",
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
    """Demonstration status after each evaluation is exactly whether it meets the criteria now: every quarter
    (``schedule.demonstration_grading_months = 3``: the participants re-evaluated, then everyone's status
    decided) those who no longer meet them leave and newcomers who do join ("to remove the old and
    introduce the new", seed 000 (IV)). A status revoked for a false licence commitment does not come back
    while it is in the window (``max_false_commitments_36m``), nor one revoked for a breach of the
    published commitment while the violation is within 12 months (``max_violations_12m``)."""
    return demonstration_criteria(batch, params, today)


# ------------------------------------------------------------------------------ inspection frequency


def leaves_checklist(batch: EnterpriseBatch, params: DalianParams) -> np.ndarray:
    """Demonstration enterprises with good credit, no longer on the double-random checklist (seed 000 (IV))."""
    good = (batch.grade >= 0) & (batch.grade <= Grade.parse(params.demonstration.exempt_max_grade))
    return batch.demonstration & good


@hookimpl
def credsup_inspection_probability(batch: EnterpriseBatch, params: DalianParams, period: Period) -> InspectionRates:
    """National classified spot checks (its yearly plan), except that good-credit demonstration enterprises
    are never drawn (0.0): they are no longer entered into the double-random, one-open checklist (seed 000 (IV)).
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
    commitment is verified ``verification_factor`` as often. An assumption, not the text: seed 000 promises
    "credit enhancement support" in "administrative licensing" (IV) and calls "commitment is supervision"
    (II.(I)), but says nothing of verification; ``verification_factor = 1.0`` drops the reading."""
    p = national.credsup_commitment_verification(batch, kind, params, today)
    if kind not in (CommitmentKind.NOTIFICATION, CommitmentKind.CERTIFICATION):
        return p
    return np.where(batch.demonstration, p * params.demonstration.verification_factor, p)


# ------------------------------------------------------------------------------ sanction / listing


def pledge_breach(violations: ViolationBatch, batch: EnterpriseBatch, params: DalianParams) -> np.ndarray:
    """Violations of demonstration enterprises found through ``public_pledge.found_by`` (complaints through
    the QR code, verified): their published commitment letter, which covers the industry's legal
    requirements (seed 000 (II)), is "found to be false after verification" (seed 000 (III))."""
    wanted = np.zeros(len(DetectionSource), dtype=bool)
    wanted[[int(DetectionSource[name.upper()]) for name in params.public_pledge.found_by]] = True
    return batch.demonstration[violations.enterprise] & wanted[violations.source]


@hookimpl
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: DalianParams,
    today: dt.date,
) -> Sanctions:
    """National sanctions, and for a commitment found false after verification (seed 000 (III)) "the
    eligibility of the market subject for demonstration creation will be cancelled with an administrative
    penalty to be given to the act against laws and regulations":

    * a participant's published commitment breached (:func:`pledge_breach`): the status is cancelled
      (whatever the tolerance decision); the act is penalised as the law says (the national tolerance and
      sanction: a breach the Administrative Penalty Law exempts costs the status and no fine);
    * a licence commitment found false: the status is cancelled, and the penalised false commitment is
      fined at least ``false_commitment.fine`` and published for at least ``false_commitment.publicity_days``.

    Both enter the next evaluation: the violation and its founded complaint through the record summary."""
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
        revoke_demonstration=s.revoke_demonstration | false | pledge_breach(violations, batch, params),
    )
