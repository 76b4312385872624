"""Parameters of the Hainan plugin: the national schema plus mutual recognition and cross-provincial
punishment (both exploratory levers, off by default), commitment rules, comprehensive evaluation, false
commitments by degree, repair routes, objections (seed 004, Hainan Government Office [2021] No. 4).

Values and their sources are in ``configs/jurisdictions/hainan.toml``; notes in
``docs/jurisdictions/hainan.md``.
"""

from __future__ import annotations

import attrs

from credsup.core.params import (
    MAX_HARM,
    MAX_POINTS,
    MAX_YUAN,
    BySeverity,
    DaysBySeverity,
    flag,
    fraction,
    grade_letter,
    param,
    repair_conditions,
    require,
    section,
)
from credsup.core.vocabulary import REGIONS
from credsup.plugins.national.params import NationalParams, names_from


@attrs.frozen
class MutualRecognition:
    """Provinces with a mutual recognition agreement, whose joint punishment lists bar notification-commitment
    in Hainan (seed 004 (V)). Exploratory: the text names none and only says "explore" such a mechanism with
    Guangdong and Guangxi (VIII), so the lever is off (no region) by default."""

    regions: tuple[str, ...] = names_from(
        REGIONS, "region", "provinces with a mutual recognition agreement (exploratory lever; none by default)"
    )


@attrs.frozen
class CrossProvincial:
    """A cross-provincial breach-of-trust punishment mechanism (seed 004 (XVI), "actively explore"): an
    enterprise on a partner province's joint punishment list is graded as listed in Hainan. Exploratory:
    no partner by default."""

    regions: tuple[str, ...] = names_from(
        REGIONS, "region", "provinces whose dishonesty lists Hainan punishes (exploratory lever; none by default)"
    )
    listed_grade: str = grade_letter("grade of an enterprise on a partner province's dishonesty list")


@attrs.frozen
class CommitmentRules:
    """Who may use notification-commitment, and how the promiser's credit sets verification (seed 004 (I)-(V),
    (XIII))."""

    key_sector_excluded: bool = flag(
        "no notification or certification commitment in fields of public safety, life and health"
    )
    false_commitment_barred: bool = flag(
        "an enterprise with a commitment found false is barred until it repairs its credit"
    )
    prior_false_verification: float = fraction(
        "verification probability for a promiser with a commitment found false in the window"
    )


@attrs.frozen
class Evaluation:
    """Comprehensive public credit evaluation combined with industry evaluations (seed 004 (X)-(XII))."""

    industry_weight: float = fraction("weight of the industry credit grade in the combined grade")
    self_report_credit: float = param(
        lo=0.0,
        hi=MAX_POINTS,
        doc="risk points removed for verified self-reported credit information",
        unit="risk points",
    )


@attrs.frozen
class FalseCommitmentDegree:
    """A false commitment's dishonesty degree by the harm it did, and what each degree costs (seed 004 (V),
    (XIII)). Degrees use the severity names: minor, general, serious."""

    general_harm: float = param(
        lo=0.0, hi=MAX_HARM, doc="harm from which a false commitment is of general degree", unit="harm units"
    )
    serious_harm: float = param(
        lo=0.0, hi=MAX_HARM, doc="harm from which it is of serious degree (and listed)", unit="harm units"
    )
    fine: BySeverity = section("fine by degree (yuan)", hi=MAX_YUAN, unit="yuan")
    publicity_days: DaysBySeverity = section("days the record is displayed, by degree")

    def __attrs_post_init__(self) -> None:
        require(
            self.general_harm <= self.serious_harm, "serious_harm", f"must be >= general_harm ({self.general_harm:g})"
        )


@attrs.frozen
class RepairRoutes:
    """Repair of a dishonesty listing (seed 004 (IV), (XXVI)): the conditions every applicant meets, and the
    routes, alternatives of which ``min_routes`` must have been taken."""

    required: tuple[str, ...] = repair_conditions("conditions every applicant for a listing's repair meets")
    routes: tuple[str, ...] = repair_conditions("the routes that can achieve a listing's repair")
    min_routes: int = param(lo=0, hi=7, doc="how many of the routes a listed applicant must have taken")


@attrs.frozen
class ObjectionRules:
    listing_review_working_days: int = param(
        lo=0, hi=365, doc="time to review an objection against a dishonesty listing", unit="working days"
    )


@attrs.frozen
class HainanParams(NationalParams):
    """Hainan Free Trade Port credit supervision (seed 004) on top of the national baseline."""

    mutual_recognition: MutualRecognition = section("mutual recognition agreements (exploratory)")
    cross_provincial: CrossProvincial = section("cross-provincial breach-of-trust punishment (exploratory)")
    commitment_rules: CommitmentRules = section("notification-commitment eligibility and verification")
    evaluation: Evaluation = section("comprehensive credit evaluation")
    false_commitment: FalseCommitmentDegree = section("false commitments by dishonesty degree")
    repair_routes: RepairRoutes = section("routes of credit repair for a listing")
    objection_rules: ObjectionRules = section("objections against a listing")
