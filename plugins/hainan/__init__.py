"""Hainan Free Trade Port: credit supervision before, during and after (seed 004, Hainan [2021] No. 4).

Notification-commitment is the rule (seed 004 (I)-(II)), closed to anyone on a joint punishment list and to
those who made false commitments, until they repair their credit (seed 004 (V)); a pre-stage credit
verification applies it in every service process (VII). A comprehensive public credit evaluation is
combined with industry evaluations and verified self-reported information (X)-(XII); commitments are
verified by the promiser's credit status (XIII). A false commitment is penalised and recorded by its
dishonesty degree (V), (XIII); listed entities must rectify within a time limit, and those who fail get
reminders or warnings (XV), joint punishment is automatic (XVI), bans hit those who cause major losses in
key fields (XVII); a listing is repaired through any one of several routes, the commitment letter
included (IV), (XXVI), and a wrong listing is withdrawn on objection (XXVII).

What the text only says to "explore" is a lever, off by default: lists of provinces with a mutual
recognition agreement (V), (VIII) (``mutual_recognition.regions``) and a cross-provincial punishment
mechanism (XVI) (``cross_provincial.regions``).

Tolerance, inspection frequency and social supervision are the national baseline's. Parameters:
``configs/jurisdictions/hainan.toml``; notes: ``docs/jurisdictions/hainan.md``.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import attrs
import numpy as np

from credsup.core import (
    BanScope,
    CommitmentKind,
    EnterpriseBatch,
    Grade,
    ObjectionBatch,
    ObjectionDecisions,
    RecordKind,
    RepairApplications,
    RepairCondition,
    RepairDecisions,
    RepairStatus,
    Sanctions,
    Tolerance,
    ToleranceDecisions,
    ViolationBatch,
    hookimpl,
)
from credsup.core.params import condition_mask
from credsup.plugins import national
from credsup.plugins.hainan.params import HainanParams

CREDSUP_CONTRACT = "2.0"
PARAMS_CLASS = HainanParams
DEFAULT_CONFIG = files("credsup.configs") / "jurisdictions" / "hainan.toml"

__all__ = [
    "CREDSUP_CONTRACT",
    "DEFAULT_CONFIG",
    "PARAMS_CLASS",
    "HainanParams",
    "externally_listed",
    "false_commitment_degree",
    "unrepaired_false_commitment",
]

#: number of set bits of every RepairCondition mask (7 bits)
_POPCOUNT = np.array([bin(i).count("1") for i in range(128)], dtype=np.int8)


# --------------------------------------------------------------------------------------- commitment


def externally_listed(batch: EnterpriseBatch, regions: tuple[str, ...]) -> np.ndarray:
    """On the dishonesty list of one of ``regions`` (``external_listing``; the column is -1 once that
    province has lifted or repaired the listing)."""
    return batch.external_listing_mask(regions)


def unrepaired_false_commitment(batch: EnterpriseBatch) -> np.ndarray:
    """A commitment found false in the window and no repair approved since the last violation (the record
    summary does not date false commitments separately; a false commitment is a violation)."""
    repaired = (
        ~np.isnat(batch.last_repair) & ~np.isnat(batch.last_violation) & (batch.last_repair >= batch.last_violation)
    )
    return (batch.false_commitments_36m > 0) & ~repaired


@hookimpl
def credsup_commitment_eligible(
    batch: EnterpriseBatch, kind: CommitmentKind, params: HainanParams, today: dt.date
) -> np.ndarray:
    """Notification-commitment as the rule (seed 004 (I)-(II)), checked by a pre-stage credit verification
    (VII). Barred from notification and certification commitments "before credit repair" (V): entities on
    this jurisdiction's list or under a ban (national rule), on the list of a province with a mutual
    recognition agreement (``mutual_recognition.regions``: none unless the exploratory lever is set), or
    with an unrepaired false commitment; and no commitment in fields that directly involve public safety,
    life and health (``key_sector``; (I)-(II) exclude them). Voluntary and repair commitments stay open
    (III)-(IV)."""
    base = national.credsup_commitment_eligible(batch, kind, params, today)
    if kind not in (CommitmentKind.NOTIFICATION, CommitmentKind.CERTIFICATION):
        return base
    c = params.commitment_rules
    barred = externally_listed(batch, params.mutual_recognition.regions)
    if c.false_commitment_barred:
        barred = barred | unrepaired_false_commitment(batch)
    if c.key_sector_excluded:
        barred = barred | batch.key_sector
    return base & ~barred


@hookimpl
def credsup_commitment_verification(
    batch: EnterpriseBatch, kind: CommitmentKind, params: HainanParams, today: dt.date
) -> np.ndarray:
    """ "Verification methods ... according to ... the credit status of the promiser" (seed 004 (XIII)): the
    national probability by grade (Hainan's combined grade), and ``prior_false_verification`` for a promiser
    who made a false commitment in the window."""
    p = national.credsup_commitment_verification(batch, kind, params, today)
    return np.where(batch.false_commitments_36m > 0, np.maximum(p, params.commitment_rules.prior_false_verification), p)


# ------------------------------------------------------------------------------------------ grading


@hookimpl
def credsup_grade(batch: EnterpriseBatch, params: HainanParams, today: dt.date) -> np.ndarray:
    """Comprehensive public credit evaluation (the national risk score, less ``self_report_credit`` points for
    verified self-reported information, seed 004 (XI)) combined with the industry credit grade where there is
    one: a weighted mean of the two codes, halves rounded to the worse grade (seed 004 (X), (XII)
    "organically combine"). Listed entities get the national listed grade; an enterprise on the list of a
    partner province of the exploratory cross-provincial punishment (XVI) at least
    ``cross_provincial.listed_grade``."""
    e = params.evaluation
    score = np.maximum(0.0, national.risk_score(batch, params) - e.self_report_credit * batch.self_report_verified)
    comprehensive = national.grades_from_score(score, params)
    has_industry = batch.industry_grade >= 0
    mixed = np.floor((1.0 - e.industry_weight) * comprehensive + e.industry_weight * batch.industry_grade + 0.5)
    combined = np.where(has_industry, np.clip(mixed, Grade.A, Grade.D), comprehensive).astype(np.int8)
    grades = national.grade_record(batch, combined, params, today)
    cp = params.cross_provincial
    if not cp.regions:
        return grades
    external = externally_listed(batch, cp.regions)
    return np.where(external, np.maximum(grades, Grade.parse(cp.listed_grade)), grades).astype(np.int8)


# ------------------------------------------------------------------------------ sanction / listing


def false_commitment_degree(violations: ViolationBatch, params: HainanParams) -> np.ndarray:
    """Dishonesty degree of each violation as a false commitment, by the harm done (seed 004 (V)): Severity
    codes 0 minor, 1 general, 2 serious."""
    f = params.false_commitment
    return np.searchsorted(np.array([f.general_harm, f.serious_harm]), violations.harm, side="right")


@hookimpl
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: HainanParams,
    today: dt.date,
) -> Sanctions:
    """National sanctions with Hainan's rules for what it decides:

    * a false commitment (seed 004 (XIII), (V)): penalty and credit record by dishonesty degree; listed if
      of serious degree. Handling stops and the decision obtained by it is revoked (the caller's part;
      rectification within ``schedule.rectification_days`` as for any violation);
    * every listing carries joint punishment, executed automatically (XVI), and a time limit to rectify,
      ``sanction.listed_rectify_days`` (XV); failing it brings "reminders or warnings" (XV), which the
      record keeps as a missed deadline (``failed_rectifications_36m``), not a further sanction;
    * a market or industry ban (XVII) for a listing in a key field that caused major losses (harm of at
      least ``sanction.ban_harm``). The text's other grounds (refusing to implement judgments or penalty
      decisions, repeatedly committing crimes) are not facts of an administrative record, and two
      administrative violations of the same item are not "repeatedly commit crimes"."""
    s = national.credsup_sanction(violations, decisions, batch, params, today)
    penalised = decisions.decision != Tolerance.EXEMPT
    false = violations.false_commitment & penalised
    f = params.false_commitment
    degree = false_commitment_degree(violations, params)
    fine = np.where(false, f.fine.array()[degree], s.fine)
    publicity = np.where(false, f.publicity_days.array()[degree], s.publicity_days).astype(np.int32)
    false_listed = false & (degree == 2)
    listed = np.where(violations.false_commitment, false_listed, s.list_days > 0)
    list_days = np.where(listed, np.maximum(s.list_days, params.sanction.list_days), 0).astype(np.int32)
    sc = params.sanction
    grave = violations.harm >= sc.ban_harm
    banned = listed & batch.key_sector[violations.enterprise] & grave & (sc.ban_days > 0)
    scope = BanScope.MARKET if sc.ban_scope == "market" else BanScope.INDUSTRY
    return attrs.evolve(
        s,
        fine=fine.astype(np.float64),
        publicity_days=publicity,
        list_days=list_days,
        joint_punishment=listed.copy(),
        ban_scope=np.where(banned, scope, BanScope.NONE).astype(np.int8),
        ban_days=np.where(banned, sc.ban_days, 0).astype(np.int32),
        revoke_demonstration=s.revoke_demonstration | false,
        rectify_days=np.where(listed, sc.listed_rectify_days, 0).astype(np.int32),
    )


# -------------------------------------------------------------------------------------------- repair


@hookimpl
def credsup_repair(
    applications: RepairApplications, batch: EnterpriseBatch, params: HainanParams, today: dt.date
) -> RepairDecisions:
    """A penalty record is repaired "in accordance with relevant national regulations" (seed 004 (XXVI)):
    the national decision. A dishonesty listing, after the national minimum period on the list, needs the
    repair commitment letter of (IV) (``repair_routes.required``) and ``min_routes`` of the routes of (XXVI),
    which are alternatives: a credit commitment, completed rectification, a passed credit check, special
    training, a credit report, public welfare or volunteer service. The commitment letter is itself a route,
    so with ``min_routes = 1`` no route is asked on top of it. While too few are taken, every route not yet
    taken is reported missing (any of them would do). Never during a lifelong ban (national)."""
    d = national.credsup_repair(applications, batch, params, today)
    r = params.repair_routes
    listing = applications.record == RecordKind.DISHONESTY_LIST
    if not listing.any():
        return d
    fulfilled = applications.fulfilled
    routes = np.uint16(condition_mask(r.routes))
    taken = _POPCOUNT[(fulfilled & routes).astype(np.intp)]
    short = taken < r.min_routes
    own = (np.uint16(condition_mask(r.required)) & ~fulfilled) | np.where(short, routes & ~fulfilled, 0)
    waiting = d.missing & np.uint16(RepairCondition.PUBLICITY_PERIOD)
    missing = np.where(listing, waiting | own, d.missing).astype(np.uint16)
    refused = d.status == RepairStatus.REFUSED
    ready = np.where(missing == 0, RepairStatus.APPROVED, RepairStatus.NOT_YET)
    status = np.where(listing & ~refused, ready, d.status).astype(np.int8)
    return attrs.evolve(d, status=status, missing=missing)


@hookimpl
def credsup_objection(
    objections: ObjectionBatch, batch: EnterpriseBatch, params: HainanParams, today: dt.date
) -> ObjectionDecisions:
    """Objections are verified and handled "as soon as possible"; a wrongly identified listing is withdrawn
    "promptly" (seed 004 (XXVII)): the national decision, with ``listing_review_working_days`` for an
    objection against a dishonesty listing."""
    d = national.credsup_objection(objections, batch, params, today)
    fast = objections.record == RecordKind.DISHONESTY_LIST
    days = np.where(fast, params.objection_rules.listing_review_working_days, d.review_days).astype(np.int16)
    return attrs.evolve(d, review_days=days)
