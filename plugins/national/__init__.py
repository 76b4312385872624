"""National baseline: the 2019 State Council Guiding Opinions on credit-based supervision (seed 002).

Commitment before, classified supervision during, joint punishment after (seed 002 line 19): enterprises
may obtain licences on a notification-commitment unless they are on a dishonesty list; a risk score from
the record grades them A-D (SAMR 国市监信发〔2022〕6号); spot checks are rarer for A and far more frequent
for D (seed 002 line 31); a minor violation corrected in time without harm is not penalised, nor is
one the party proves it committed without fault (Administrative Penalty Law 2021, Art. 33); serious
dishonesty leads to listing, joint punishment and, in fields of life and property safety, a market or
industry ban (seed 002 line 13); records are repaired after a minimum publicity period with obligations
fulfilled and a credit commitment (国办发〔2025〕22号).

Every regional plugin falls back to these hooks for what it does not decide itself. Parameters:
``configs/jurisdictions/national.toml``; policy notes: ``docs/jurisdictions/national.md``.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import numpy as np

from credsup.core import (
    FOREVER,
    BanScope,
    CommitmentKind,
    EnterpriseBatch,
    Grade,
    InspectionRates,
    ObjectionBatch,
    ObjectionDecisions,
    Period,
    Reason,
    RecordKind,
    RepairApplications,
    RepairCondition,
    RepairDecisions,
    RepairStatus,
    Sanctions,
    Severity,
    Tolerance,
    ToleranceDecisions,
    ViolationBatch,
    hookimpl,
)
from credsup.core.params import condition_mask
from credsup.plugins.national.params import NationalParams

CREDSUP_CONTRACT = "2.0"
PARAMS_CLASS = NationalParams
DEFAULT_CONFIG = files("credsup.configs") / "jurisdictions" / "national.toml"

# Building blocks the regional plugins reuse (they call the national hooks and these helpers directly).
__all__ = [
    "CREDSUP_CONTRACT",
    "DEFAULT_CONFIG",
    "PARAMS_CLASS",
    "NationalParams",
    "by_grade",
    "classified_rate",
    "first_offence",
    "grade_record",
    "grades_from_score",
    "risk_score",
    "under_joint_punishment",
]


def _today64(today: dt.date) -> np.datetime64:
    return np.datetime64(today, "D")


def under_joint_punishment(batch: EnterpriseBatch, today: dt.date) -> np.ndarray:
    """Listed on this jurisdiction's dishonesty list (and the listing has not ended) or banned."""
    t = _today64(today)
    listed = batch.listed & (np.isnat(batch.listed_until) | (batch.listed_until > t))
    banned = ~np.isnat(batch.banned_until) & (batch.banned_until > t)
    return listed | banned


# --------------------------------------------------------------------------------------- commitment


@hookimpl
def credsup_commitment_eligible(
    batch: EnterpriseBatch, kind: CommitmentKind, params: NationalParams, today: dt.date
) -> np.ndarray:
    """Commitments are open to all (seed 004 (I): "In principle"); listed entities are barred from
    notification and certification commitments (seed 002 line 19, joint punishment). A repair
    commitment is always possible (it is how a listed entity applies for repair)."""
    if kind in (CommitmentKind.REPAIR, CommitmentKind.VOLUNTARY) or not params.commitment.listed_barred:
        return np.ones(len(batch), dtype=bool)
    return ~under_joint_punishment(batch, today)


def by_grade(batch: EnterpriseBatch, table: np.ndarray, ungraded: float) -> np.ndarray:
    """Look up a per-grade table (``float64[4]``) for each enterprise; ``ungraded`` where grade is -1."""
    # one gather: grade -1 (ungraded) picks the last entry, which is ``ungraded``
    return np.append(np.asarray(table, dtype=np.float64), np.float64(ungraded))[batch.grade]


@hookimpl
def credsup_commitment_verification(
    batch: EnterpriseBatch, kind: CommitmentKind, params: NationalParams, today: dt.date
) -> np.ndarray:
    """Verification probability by the promiser's grade (seed 004 (XIII): methods chosen by credit status)."""
    c = params.commitment
    return by_grade(batch, c.verification.array(), c.ungraded_verification)


# ------------------------------------------------------------------------------------------ grading


def risk_score(batch: EnterpriseBatch, params: NationalParams) -> np.ndarray:
    """Weighted sum of record items (float64, >= 0; higher is riskier). See national.md, "Grading"."""
    w = params.grading.weights
    score = (
        w.serious * batch.serious_36m
        + w.general * batch.general_36m
        + w.minor * batch.minor_36m
        + w.failed_rectification * batch.failed_rectifications_36m
        + w.false_commitment * batch.false_commitments_36m
        + w.verified_complaint * batch.verified_complaints_36m
        + w.displayed_penalty * batch.displayed_penalties
        + w.abnormal_operation * batch.abnormal_operation
        + w.annual_report_missing * ~batch.annual_report_filed
        + w.tax_arrears * ~batch.tax_compliant
        + w.social_security_arrears * ~batch.social_security_compliant
    ).astype(np.float64)
    clean = np.minimum(batch.clean_inspections_36m, params.grading.clean_inspection_cap)
    return np.maximum(0.0, score - w.clean_inspection * clean)


def grades_from_score(score: np.ndarray, params: NationalParams) -> np.ndarray:
    """Grade codes from risk scores by the configured cuts (A <= cut A < B <= cut B < C <= cut C < D)."""
    cuts = params.grading.cuts
    return np.searchsorted(np.array([cuts.A, cuts.B, cuts.C]), score, side="left").astype(np.int8)


def grade_record(batch: EnterpriseBatch, grades: np.ndarray, params: NationalParams, today: dt.date) -> np.ndarray:
    """Apply the national floors to grade codes computed from the record (returns a new ``int8`` array).

    Young enterprises without an inspection get at best ``new_enterprise_grade`` (assumption: no record
    is not a good record); enterprises under joint punishment get ``listed_grade``.
    """
    g = params.grading
    out = np.asarray(grades, dtype=np.int8).copy()
    young = (batch.age_years(today) < g.new_enterprise_years) & (batch.inspections_36m == 0)
    floor = np.int8(Grade.parse(g.new_enterprise_grade))
    out[young] = np.maximum(out[young], floor)
    out[under_joint_punishment(batch, today)] = np.int8(Grade.parse(g.listed_grade))
    return out


@hookimpl
def credsup_grade(batch: EnterpriseBatch, params: NationalParams, today: dt.date) -> np.ndarray:
    """A-D from the record's risk score (SAMR 2022 four classes; seed 002 line 33), with the floors of
    :func:`grade_record` (new enterprises at best ``new_enterprise_grade``; listed ``listed_grade``)."""
    return grade_record(batch, grades_from_score(risk_score(batch, params), params), params, today)


@hookimpl
def credsup_demonstration(batch: EnterpriseBatch, params: NationalParams, today: dt.date) -> np.ndarray:
    """The national baseline has no demonstration status (it is a Dalian practice, seed 000)."""
    return np.zeros(len(batch), dtype=bool)


# ------------------------------------------------------------------------------ inspection frequency


def classified_rate(batch: EnterpriseBatch, params: NationalParams) -> np.ndarray:
    """Each enterprise's share of the yearly random plan: its class's share, times the key-field
    multiplier, at most 1 (float64)."""
    insp = params.inspection
    rate = by_grade(batch, insp.rate_per_year.array(), insp.ungraded_rate_per_year)
    return np.minimum(1.0, np.where(batch.key_sector, rate * insp.key_sector_multiplier, rate))


@hookimpl
def credsup_inspection_probability(batch: EnterpriseBatch, params: NationalParams, period: Period) -> InspectionRates:
    """Classified spot checks as SAMR states them: the share of each class checked within the year, each
    enterprise at most once (a yearly double-random plan; A reduced, B normal, C raised, D sharply
    raised; SAMR 国市监信发〔2022〕6号; seed 002 line 31), raised in key-supervision fields (seed 002 line
    11). Class A's reduced share is the whole of SAMR's no disturbance without cause (无事不扰): complaints, alerts
    and referrals about it are still followed up (:func:`credsup_complaint_verification` does not depend
    on the grade)."""
    return InspectionRates.yearly(classified_rate(batch, params))


# -------------------------------------------------------------------------------- social supervision


@hookimpl
def credsup_complaint_intensity(batch: EnterpriseBatch, params: NationalParams, today: dt.date) -> np.ndarray:
    """One national reporting intensity for all (seed 002 line 25: social forces take part)."""
    return np.full(len(batch), params.social.complaint_multiplier, dtype=np.float64)


@hookimpl
def credsup_complaint_verification(batch: EnterpriseBatch, params: NationalParams, today: dt.date) -> np.ndarray:
    """Complaints are verified for every grade: "no disturbance without cause" for A still admits
    complaints, alerts and referrals (SAMR 2022)."""
    return np.full(len(batch), params.social.verification_probability, dtype=np.float64)


# ----------------------------------------------------------------------------------------- tolerance


def first_offence(violations: ViolationBatch) -> np.ndarray:
    """No earlier detected violation of the same item in the window."""
    return violations.prior_same_item_36m == 0


@hookimpl
def credsup_tolerance(
    violations: ViolationBatch, batch: EnterpriseBatch, params: NationalParams, today: dt.date
) -> ToleranceDecisions:
    """Administrative Penalty Law 2021, its clauses one by one:

    * Art. 33 para 1, first sentence: a minor violation corrected in time without harmful consequences
      "shall not" be penalised, first offence or not (``exempt_minor_corrected``; ``Reason.MINOR_CORRECTED``);
    * Art. 33 para 2: no penalty where the party has evidence sufficient to prove it had no subjective
      fault (``violations.no_fault``; ``exempt_no_fault``; ``Reason.NO_FAULT``);
    * Art. 33 para 1, second sentence: a first violation whose harmful consequences are minor (harm at most
      ``minor_harm``), corrected in time, "may" be left unpenalised: a discretion, exercised when
      ``exempt_first_minor_harm`` is set (``Reason.FIRST_OFFENCE_MINOR_HARM``);
    * Art. 32: a first general offence corrected in time without harm is penalised lightly
      (``mitigate_first_general_corrected``; assumption: "corrected in time" stands for eliminating the
      harm, and the first-offence and severity conditions narrow Art. 32 to the plain case).

    A false commitment is never tolerated. A penalised violation carries the reason it was not exempt."""
    t = params.tolerance
    n = len(violations)
    decision = np.full(n, Tolerance.PENALISE, dtype=np.int8)
    reason = np.full(n, Reason.SEVERITY, dtype=np.int16)
    first = first_offence(violations)
    honest = ~violations.false_commitment
    corrected = violations.corrected
    minor = violations.severity == Severity.MINOR
    general = violations.severity == Severity.GENERAL
    slight = violations.harm <= t.minor_harm
    reason[minor & ~corrected] = Reason.NOT_CORRECTED
    reason[minor & corrected & violations.harmful] = Reason.HARMFUL
    if t.exempt_first_minor_harm:
        reason[~minor & corrected & slight & ~first] = Reason.REPEAT_OFFENCE
    for switch, mask, why in (
        (t.exempt_minor_corrected, minor & corrected & ~violations.harmful, Reason.MINOR_CORRECTED),
        (t.exempt_no_fault, violations.no_fault, Reason.NO_FAULT),
        (t.exempt_first_minor_harm, first & corrected & slight, Reason.FIRST_OFFENCE_MINOR_HARM),
    ):
        if switch:
            new = mask & honest & (decision != Tolerance.EXEMPT)
            decision[new] = Tolerance.EXEMPT
            reason[new] = why
    if t.mitigate_first_general_corrected:
        mitigate = general & first & corrected & ~violations.harmful & honest & (decision != Tolerance.EXEMPT)
        decision[mitigate] = Tolerance.MITIGATE
        reason[mitigate] = Reason.MITIGATING
    reason[violations.false_commitment] = Reason.FALSE_COMMITMENT
    return ToleranceDecisions(decision=decision, reason=reason)


# ------------------------------------------------------------------------------ sanction / listing


@hookimpl
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: NationalParams,
    today: dt.date,
) -> Sanctions:
    """Fine by severity (reduced when mitigated, none when exempt), publicity by severity; a serious
    violation that did harm or was not corrected, or a false commitment, lists the enterprise with joint
    punishment (seed 002 line 19); listed in a key field with grave harm, a market or industry ban
    (seed 002 line 13)."""
    s = params.sanction
    sev = violations.severity.astype(np.intp)
    penalised = decisions.decision != Tolerance.EXEMPT
    factor = np.where(decisions.decision == Tolerance.MITIGATE, s.mitigation_factor, 1.0)
    fine = np.where(penalised, s.fine.array()[sev] * factor, 0.0)
    publicity = np.where(penalised, s.publicity_days.array()[sev], 0).astype(np.int32)
    serious = violations.severity == Severity.SERIOUS
    listed = penalised & (
        (serious & (violations.harm >= s.list_serious_harm))
        | (serious & ~violations.corrected & s.list_uncorrected_serious)
        | (violations.false_commitment & serious)
    )
    key_field = batch.key_sector[violations.enterprise]
    banned = listed & key_field & (violations.harm >= s.ban_harm) & (s.ban_days > 0)
    scope = BanScope.MARKET if s.ban_scope == "market" else BanScope.INDUSTRY
    return Sanctions(
        fine=fine.astype(np.float64),
        publicity_days=publicity,
        list_days=np.where(listed, s.list_days, 0).astype(np.int32),
        ban_scope=np.where(banned, scope, BanScope.NONE).astype(np.int8),
        ban_days=np.where(banned, s.ban_days, 0).astype(np.int32),
        joint_punishment=listed.copy(),
        revoke_demonstration=penalised & (serious | violations.false_commitment),
        rectify_days=np.where(listed, s.listed_rectify_days, 0).astype(np.int32),
    )


# -------------------------------------------------------------------------------------------- repair


@hookimpl
def credsup_repair(
    applications: RepairApplications, batch: EnterpriseBatch, params: NationalParams, today: dt.date
) -> RepairDecisions:
    """Repair after the minimum publicity period (国办发〔2025〕22号: general 3 months, serious 1 year) with
    obligations fulfilled and a credit commitment; never during a lifelong ban; decided within 3 working
    days of a complete application."""
    r = params.repair
    n = len(applications)
    sev = applications.severity.astype(np.intp)
    min_days = np.where(
        applications.record == RecordKind.DISHONESTY_LIST, r.listing_min_days, r.min_publicity_days.array()[sev]
    ).astype("timedelta64[D]")
    earliest = applications.recorded + min_days
    t = np.datetime64(today, "D")
    required = condition_mask(r.required)
    missing = (np.uint16(required) & ~applications.fulfilled).astype(np.uint16)
    waiting = earliest > t
    missing = np.where(waiting, missing | np.uint16(RepairCondition.PUBLICITY_PERIOD), missing).astype(np.uint16)
    lifelong = batch.banned_until[applications.enterprise] == FOREVER
    status = np.where(missing == 0, RepairStatus.APPROVED, RepairStatus.NOT_YET).astype(np.int8)
    status[lifelong] = RepairStatus.REFUSED
    # an unknown record date (NaT) cannot hold the application back: it is decided from today
    earliest = np.where(np.isnat(earliest), t, np.maximum(earliest, t))
    earliest[lifelong] = np.datetime64("NaT")
    return RepairDecisions(
        status=status,
        earliest=earliest.astype("datetime64[D]"),
        missing=missing,
        review_days=np.full(n, r.review_working_days, dtype=np.int16),
    )


@hookimpl
def credsup_objection(
    objections: ObjectionBatch, batch: EnterpriseBatch, params: NationalParams, today: dt.date
) -> ObjectionDecisions:
    """A record shown to be wrong is withdrawn (seed 004 (XXVII), which the national rules share)."""
    o = params.objection
    n = len(objections)
    upheld = objections.evidence & o.uphold_with_evidence
    return ObjectionDecisions(
        upheld=np.asarray(upheld, dtype=bool).copy(), review_days=np.full(n, o.review_working_days, dtype=np.int16)
    )
