"""Shanghai: graded, classified, risk-based and tolerant supervision (seed 003, SMPG G [2020] No. 7).

Random inspection ratio and frequency follow credit, classification and risk (seed 003 para 11), raised
for enterprises under a risk early warning from their record (para 9); key supervision objects in fields
of public safety, life and health get full coverage (para 8); several departments' items at one enterprise
are combined into one joint visit (para 11, ``schedule.joint_visits``); tolerant and prudent supervision
(para 12): a first minor offence corrected in time is not penalised, an exemption list of minor
violations, an observation period for emerging industries and a sandbox; rewarded whistleblowers raise
tip-offs (para 15); serious violators are punished severely and banned for life (paras 12 and 19).

Grading, commitments, repair and objections are the national baseline's (para 7 asks to "study and
explore" a public credit evaluation and to "improve" repair, without rules of its own). Parameters:
``configs/jurisdictions/shanghai.toml``; notes: ``docs/jurisdictions/shanghai.md``.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import attrs
import numpy as np

from credsup.core import (
    INDEFINITE_DAYS,
    BanScope,
    EnterpriseBatch,
    InspectionBasis,
    InspectionRates,
    Period,
    Reason,
    Sanctions,
    Severity,
    Tolerance,
    ToleranceDecisions,
    ViolationBatch,
    hookimpl,
)
from credsup.plugins import national
from credsup.plugins.national.params import grade_codes, severity_code
from credsup.plugins.shanghai.params import ShanghaiParams

CREDSUP_CONTRACT = "2.0"
PARAMS_CLASS = ShanghaiParams
DEFAULT_CONFIG = files("credsup.configs") / "jurisdictions" / "shanghai.toml"

__all__ = [
    "CREDSUP_CONTRACT",
    "DEFAULT_CONFIG",
    "PARAMS_CLASS",
    "ShanghaiParams",
    "coverage_due",
    "key_supervision_objects",
    "risk_warning",
]


# ------------------------------------------------------------------------------ inspection frequency


def risk_warning(batch: EnterpriseBatch, params: ShanghaiParams) -> np.ndarray:
    """Enterprises whose record raises an early warning (seed 003 para 9): repeated violations, missed
    rectification deadlines, founded complaints, abnormal operations. A threshold of 0 is off."""
    w = params.risk_warning

    def at_least(counts: np.ndarray, threshold: int) -> np.ndarray:
        return counts >= threshold if threshold > 0 else np.zeros(len(batch), dtype=bool)

    warned = (
        at_least(batch.violations_12m, w.violations_12m)
        | at_least(batch.failed_rectifications_36m, w.failed_rectifications_36m)
        | at_least(batch.verified_complaints_36m, w.verified_complaints_36m)
    )
    if w.abnormal_operation:
        warned = warned | batch.abnormal_operation
    return warned


def key_supervision_objects(
    batch: EnterpriseBatch, params: ShanghaiParams, warned: np.ndarray | None = None
) -> np.ndarray:
    """Enterprises on the key supervision list (seed 003 para 8): in a field of public safety, life and
    health (``key_sector``) and of a listed grade, or under a risk warning; "strictly control the quantity
    of key supervisees" is why not every enterprise of a key field is on it. ``warned`` is
    :func:`risk_warning`'s answer when the caller has it already."""
    k = params.key_supervision
    # grade codes -1 (ungraded) .. 3 (D) -> positions 0 .. 4 of a lookup table
    listed = np.zeros(5, dtype=bool)
    listed[np.asarray(grade_codes(k.grades), dtype=np.intp) + 1] = True
    listed_grade = listed[batch.grade + 1]
    if k.include_warned:
        listed_grade |= risk_warning(batch, params) if warned is None else warned
    return batch.key_sector & listed_grade


def _months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(y, m + 1, min(day.day, 28))


def coverage_due(batch: EnterpriseBatch, params: ShanghaiParams, period: Period) -> np.ndarray:
    """Whose full-coverage visit falls in ``period``: never inspected, or last inspected more than
    ``coverage_months`` before the period ends (so an object is visited once per interval, not every period)."""
    cutoff = np.datetime64(_months_before(period.end, params.key_supervision.coverage_months), "D")
    return np.isnat(batch.last_inspection) | (batch.last_inspection < cutoff)


@hookimpl
def credsup_inspection_probability(batch: EnterpriseBatch, params: ShanghaiParams, period: Period) -> InspectionRates:
    """Ratio and frequency linked to credit (the grade), classification (key fields) and risk (a warning
    multiplies the share) (seed 003 para 11; para 9): the yearly random plan, each enterprise at most once
    a year, as the national ratios; key supervision objects whose visit is due are visited this period,
    full coverage (para 8, a frequency); between their visits they stay in the random draws like everyone
    else."""
    warned = risk_warning(batch, params)
    rate = national.classified_rate(batch, params)
    rate[warned] *= params.risk_warning.rate_multiplier
    due = key_supervision_objects(batch, params, warned) & coverage_due(batch, params, period)
    return InspectionRates.yearly(np.minimum(1.0, rate)).override(due, 1.0, InspectionBasis.PERIOD)


# -------------------------------------------------------------------------------- social supervision


@hookimpl
def credsup_complaint_intensity(batch: EnterpriseBatch, params: ShanghaiParams, today: dt.date) -> np.ndarray:
    """Whistleblowers and internal informants are "handsomely rewarded and strictly protected" (seed 003
    para 15): the national reporting intensity times ``whistleblower.complaint_multiplier``."""
    base = national.credsup_complaint_intensity(batch, params, today)
    return np.minimum(base * params.whistleblower.complaint_multiplier, 100.0)


# ----------------------------------------------------------------------------------------- tolerance


@hookimpl
def credsup_tolerance(
    violations: ViolationBatch, batch: EnterpriseBatch, params: ShanghaiParams, today: dt.date
) -> ToleranceDecisions:
    """Tolerant and prudent supervision (seed 003 para 12), on top of the national rule that a first minor
    offence corrected in time without harm is not penalised ("promptly correct the first minor offence"):

    * exemption list: a minor violation of a listed item, corrected in time, without harm, is not
      penalised, repeated or not, except for the items exempt on a first offence only;
    * observation period: an emerging-industry enterprise within ``observation.years`` of registration is
      not penalised for a violation up to ``observation.max_severity`` corrected in time without harm;
    * sandbox: an enterprise of a sandbox sector within ``sandbox.years`` of registration is not penalised
      for a violation up to ``sandbox.max_severity`` without harm, even if not yet corrected.

    A false commitment and a harmful violation are never tolerated. The first rule that applies gives the
    reason (national, exemption list, observation period, sandbox)."""
    d = national.credsup_tolerance(violations, batch, params, today)
    decision, reason = d.decision.copy(), d.reason.copy()
    # only the violators' rows: the batch may be a whole city, the violations a day's few dozen
    ent = violations.enterprise
    sev = violations.severity
    clean = ~violations.harmful & ~violations.false_commitment
    age = batch.age_years(today, rows=ent)

    ex = params.exemption_list
    first_only = violations.item_mask(ex.first_offence_only)
    on_list = (
        violations.item_mask(ex.items)
        & (sev == Severity.MINOR)
        & violations.corrected
        & clean
        & (national.first_offence(violations) | ~first_only)
    )

    ob = params.observation
    observed = (
        batch.emerging[ent] & (age < ob.years) & (sev <= severity_code(ob.max_severity)) & violations.corrected & clean
    )

    sb = params.sandbox
    sandboxed = (
        batch.sector_mask(sb.sectors, rows=ent) & (age < sb.years) & (sev <= severity_code(sb.max_severity)) & clean
    )

    for mask, why in (
        (on_list, Reason.EXEMPTION_LIST),
        (observed, Reason.OBSERVATION_PERIOD),
        (sandboxed, Reason.SANDBOX),
    ):
        new = mask & (decision != Tolerance.EXEMPT)
        decision[new] = Tolerance.EXEMPT
        reason[new] = why
    return ToleranceDecisions(decision=decision, reason=reason)


# ------------------------------------------------------------------------------ sanction / listing


def lifelong(violations: ViolationBatch, decisions: ToleranceDecisions, params: ShanghaiParams) -> np.ndarray:
    """Serious violators removed from the market for life (seed 003 para 12 "remove ... from the market";
    para 19 "lifelong access prohibition"): a penalised serious violation with grave harm, or repeated."""
    sp = params.severe_punishment
    serious = (violations.severity == Severity.SERIOUS) & (decisions.decision != Tolerance.EXEMPT)
    repeated = (
        violations.prior_same_item_36m >= sp.lifelong_repeat
        if sp.lifelong_repeat > 0
        else np.zeros(len(violations), dtype=bool)
    )
    return serious & ((violations.harm >= sp.lifelong_harm) | repeated)


@hookimpl
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: ShanghaiParams,
    today: dt.date,
) -> Sanctions:
    """National sanctions made severe for serious violations (seed 003 para 19): "huge fines" (the fine of a
    penalised serious violation times ``serious_fine_multiplier``) and, for the gravest or repeated, a
    lifelong market ban (``INDEFINITE_DAYS``) with listing and joint punishment."""
    s = national.credsup_sanction(violations, decisions, batch, params, today)
    sp = params.severe_punishment
    serious = (violations.severity == Severity.SERIOUS) & (decisions.decision != Tolerance.EXEMPT)
    life = lifelong(violations, decisions, params)
    return attrs.evolve(
        s,
        fine=np.where(serious, s.fine * sp.serious_fine_multiplier, s.fine),
        list_days=np.where(life, np.maximum(s.list_days, params.sanction.list_days), s.list_days).astype(np.int32),
        ban_scope=np.where(life, BanScope.MARKET, s.ban_scope).astype(np.int8),
        ban_days=np.where(life, INDEFINITE_DAYS, s.ban_days).astype(np.int32),
        joint_punishment=s.joint_punishment | life,
        revoke_demonstration=s.revoke_demonstration | life,
        rectify_days=np.where(
            life, np.maximum(s.rectify_days, params.sanction.listed_rectify_days), s.rectify_days
        ).astype(np.int32),
    )
