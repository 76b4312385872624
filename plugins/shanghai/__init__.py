"""Shanghai: graded, classified, risk-based and tolerant supervision (seed 003, SMPG G [2020] No. 7).

Random inspection is the basic means "except for special and key fields" (seed 003 para 11): enterprises
of a key field (public safety, life and health) are under key supervision "with full coverage" (para 8),
visited once per ``key_supervision.coverage_months``, and never drawn at random. Everyone else is drawn
with a ratio and frequency linked to credit (the grade) and risk (a risk early warning from the record
multiplies the rate, para 9); several departments' items at one enterprise are combined into one joint
visit (para 11, ``schedule.joint_visits``). Tolerant and prudent supervision (para 12): minor violations
corrected in time without harm are not penalised, the discretion for a first violation with minor harm is
exercised, an exemption list of minor violations, an observation period for emerging industries and a
sandbox, all for violations corrected (para 19 orders correction); rewarded whistleblowers raise tip-offs
(para 15); serious violators pay "huge fines", and those who violate "subjectively, deliberately and
seriously" causing bad influence are banned for life (paras 12 and 19).

Grading, commitments, repair and objections are the national baseline's (para 7 asks to "Study and
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
from credsup.core.months import months_before
from credsup.plugins import national
from credsup.plugins.national.params import severity_code
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


def key_supervision_objects(batch: EnterpriseBatch) -> np.ndarray:
    """Enterprises under key supervision instead of the random draws: those of a special and key field
    that directly involves public safety and people's lives and health (``key_sector``; seed 003 para 8;
    para 11 "except for special and key fields"). Which fields are key is the registry's or the
    scenario's (``key_sector``): that choice is where para 8's "strictly control the quantity of key
    supervisees" is made."""
    return batch.key_sector


def coverage_due(batch: EnterpriseBatch, params: ShanghaiParams, period: Period) -> np.ndarray:
    """Whose full-coverage visit falls in ``period``: never inspected, or not inspected in the
    ``coverage_months`` calendar months before the period ends (:func:`credsup.core.months.months_before`,
    the record windows' arithmetic), so each is visited once per interval, not in every period."""
    cutoff = np.datetime64(months_before(period.end, params.key_supervision.coverage_months), "D")
    return np.isnat(batch.last_inspection) | (batch.last_inspection < cutoff)


@hookimpl
def credsup_inspection_probability(batch: EnterpriseBatch, params: ShanghaiParams, period: Period) -> InspectionRates:
    """Random inspection "except for special and key fields" (seed 003 para 11): an enterprise of a key
    field is visited in the period its full-coverage visit is due (chance 1 for the period) and otherwise
    not at all (key supervision "with full coverage", para 8, a frequency; it is never drawn at random).
    Everyone else: the yearly random plan, each enterprise at most once a year, its ratio linked to credit
    (the national shares by grade) and risk (a risk warning multiplies the share, para 9)."""
    warned = risk_warning(batch, params)
    rate = national.by_grade(batch, params.inspection.rate_per_year.array(), params.inspection.ungraded_rate_per_year)
    rate[warned] *= params.risk_warning.rate_multiplier
    key = key_supervision_objects(batch)
    due = coverage_due(batch, params, period)
    rates = InspectionRates.yearly(np.minimum(1.0, rate)).override(key, 0.0, InspectionBasis.PERIOD)
    return rates.override(key & due, 1.0, InspectionBasis.PERIOD)


# -------------------------------------------------------------------------------- social supervision


@hookimpl
def credsup_complaint_intensity(batch: EnterpriseBatch, params: ShanghaiParams, today: dt.date) -> np.ndarray:
    """Establish the system of "whistle blowers" and internal informants and "handsomely reward and strictly
    protect" them (seed 003
    para 15): the national reporting intensity times ``whistleblower.complaint_multiplier``."""
    base = national.credsup_complaint_intensity(batch, params, today)
    return np.minimum(base * params.whistleblower.complaint_multiplier, 100.0)


# ----------------------------------------------------------------------------------------- tolerance


@hookimpl
def credsup_tolerance(
    violations: ViolationBatch, batch: EnterpriseBatch, params: ShanghaiParams, today: dt.date
) -> ToleranceDecisions:
    """Tolerant and prudent supervision (seed 003 para 12), on top of the national clauses of the
    Administrative Penalty Law (a minor violation corrected in time without harm is not penalised; Shanghai
    exercises the discretion for a first violation with minor harm, ``tolerance.exempt_first_minor_harm``):

    * exemption list (沪司规〔2019〕1号): the list names conduct that is minor in the sense of Art. 33: a
      violation of a listed item up to ``exemption_list.max_severity``, corrected in time, without harm, is
      not penalised, repeated or not, except for the items exempt on a first offence only;
    * observation period: an emerging-industry enterprise within ``observation.years`` of registration is
      not penalised for a violation up to ``observation.max_severity`` corrected in time without harm;
    * sandbox: an enterprise of a sandbox sector within ``sandbox.years`` of registration is not penalised
      for a violation up to ``sandbox.max_severity`` corrected in time without harm (para 19: "ordering
      to make correction, and correct such problems in a timely manner").

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
        & (sev <= severity_code(ex.max_severity))
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
        batch.sector_mask(sb.sectors, rows=ent)
        & (age < sb.years)
        & (sev <= severity_code(sb.max_severity))
        & violations.corrected
        & clean
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
    """Market participants "who subjectively, deliberately and seriously violate the law and rule causing
    bad influence" removed from the market (seed 003 para 12) by "lifelong access prohibition" (para 19):
    a penalised serious violation (seriously), with at least ``lifelong_repeat`` earlier violations of the
    same item on record (subjectively, deliberately: the rule was known and broken again; the record holds
    no intent, so repetition stands for it) and harm of at least ``lifelong_harm`` (causing bad
    influence). Harm alone, or repetition alone, is never enough."""
    sp = params.severe_punishment
    serious = (violations.severity == Severity.SERIOUS) & (decisions.decision != Tolerance.EXEMPT)
    deliberate = violations.prior_same_item_36m >= sp.lifelong_repeat
    return serious & deliberate & (violations.harm >= sp.lifelong_harm)


@hookimpl
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: ShanghaiParams,
    today: dt.date,
) -> Sanctions:
    """National sanctions made severe for serious violations (seed 003 para 19): "huge fines" (the fine of a
    penalised serious violation times ``serious_fine_multiplier``) and, for the deliberate serious
    violations causing bad influence of :func:`lifelong`, a lifelong market ban (``INDEFINITE_DAYS``) with
    listing and joint punishment."""
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
