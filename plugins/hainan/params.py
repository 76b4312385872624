"""Parameters of the Hainan plugin: the national schema plus mutual recognition of lists, commitment rules,
comprehensive evaluation, false commitments by degree, listed entities, bans, repair routes, objections
(seed 004, Hainan Government Office [2021] No. 4).

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
    """Provinces whose dishonesty lists Hainan recognises (seed 004 (V), (VIII), (XVI))."""

    regions: tuple[str, ...] = names_from(REGIONS, "region", "regions whose dishonesty lists count in Hainan")


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
    external_listed_grade: str = grade_letter("grade of an enterprise on a recognised region's dishonesty list")


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
class Listing:
    """Listed entities: time-limited rectification and bans (seed 004 (XV), (XVII))."""

    rectify_days: int = param(lo=1, hi=3650, doc="time limit for a listed entity to rectify", unit="days")
    ban_repeat: int = param(
        lo=0,
        hi=1000,
        doc="a listed violation with at least this many earlier ones of the same item brings a ban (0 = off)",
    )
    ban_refusals: int = param(
        lo=0, hi=1000, doc="... or by an enterprise that missed at least this many rectification deadlines (0 = off)"
    )


@attrs.frozen
class RepairRoutes:
    """Repair of a dishonesty listing (seed 004 (XXVI))."""

    routes: tuple[str, ...] = repair_conditions("the routes that can achieve repair, besides the national conditions")
    min_routes: int = param(lo=0, hi=7, doc="how many of the routes a listed applicant must have taken")


@attrs.frozen
class ObjectionRules:
    listing_review_working_days: int = param(
        lo=0, hi=365, doc="time to review an objection against a dishonesty listing", unit="working days"
    )


@attrs.frozen
class HainanParams(NationalParams):
    """Hainan Free Trade Port credit supervision (seed 004) on top of the national baseline."""

    mutual_recognition: MutualRecognition = section("dishonesty lists of other provinces")
    commitment_rules: CommitmentRules = section("notification-commitment eligibility and verification")
    evaluation: Evaluation = section("comprehensive credit evaluation")
    false_commitment: FalseCommitmentDegree = section("false commitments by dishonesty degree")
    listing: Listing = section("listed entities: rectification and bans")
    repair_routes: RepairRoutes = section("routes of credit repair for a listing")
    objection_rules: ObjectionRules = section("objections against a listing")
