"""Parameters of the Dalian plugin: the national schema plus demonstration creation and social supervision.

Values and their sources are in ``configs/jurisdictions/dalian.toml``; notes in
``docs/jurisdictions/dalian.md``.
"""

from __future__ import annotations

import attrs

from credsup.core.enums import DetectionSource
from credsup.core.params import MAX_YUAN, flag, fraction, grade_letter, param, section
from credsup.core.vocabulary import SECTORS
from credsup.plugins.national.params import NationalParams, names_from, size_name


@attrs.frozen
class Demonstration:
    """Who may be a good-credit demonstration enterprise (seed 000 (I)) and what it gains (seed 000 (IV))."""

    sectors: tuple[str, ...] = names_from(SECTORS, "sector", "pilot sectors of the demonstration creation")
    # basic information
    min_age_years: float = param(lo=0.0, hi=100.0, doc="established at least this long", unit="years")
    min_size: str = size_name("at least this size class (micro, small, medium, large)")
    # dynamic information
    require_annual_report: bool = flag("last annual report published on time")
    require_social_security: bool = flag("social security contributions paid")
    require_tax: bool = flag("no tax arrears")
    require_ip: bool = flag("holds registered intellectual property")
    # supervision information
    exclude_abnormal_operation: bool = flag("an enterprise on the abnormal-operation list is not selected")
    max_serious_36m: int = param(lo=0, hi=1000, doc="at most this many serious violations in the window")
    max_displayed_penalties: int = param(lo=0, hi=1000, doc="at most this many penalties on public display")
    max_violations_12m: int = param(lo=0, hi=1000, doc="at most this many violations found in 12 months")
    max_verified_complaints_36m: int = param(lo=0, hi=1000, doc="at most this many founded complaints")
    max_false_commitments_36m: int = param(lo=0, hi=1000, doc="at most this many commitments found false")
    max_grade: str = grade_letter("worst credit grade a demonstration enterprise may have")
    # what the status brings
    exempt_max_grade: str = grade_letter(
        "a demonstration enterprise of this grade or better leaves the double-random checklist"
    )
    grade_bonus: int = param(
        lo=0, hi=3, doc="grades of 'increased credit rating' for a faith-keeping demonstration enterprise"
    )
    verification_factor: float = fraction(
        "multiplies the chance that a demonstration enterprise's notification or certification commitment is verified"
    )


@attrs.frozen
class Publicity:
    """Commitments published on a board and online with a QR code (seed 000 (II)-(III))."""

    complaint_multiplier: float = param(
        lo=0.0, hi=100.0, doc="reporting intensity for an enterprise whose commitment is published with a QR code"
    )
    verification_probability: float = fraction("share of complaints about a demonstration enterprise verified")


@attrs.frozen
class PublicPledge:
    """The commitment letter a participant publishes with its QR code (seed 000 (II)), and how a breach of
    it is found (seed 000 (III))."""

    found_by: tuple[str, ...] = names_from(
        [s.name.lower() for s in DetectionSource],
        "detection source",
        "a participant's violation found this way is its published commitment found false after verification",
    )


@attrs.frozen
class FalseCommitment:
    """What a licence commitment found false costs (seed 000 (III) "an administrative penalty"), besides
    the loss of demonstration status."""

    fine: float = param(lo=0.0, hi=MAX_YUAN, doc="the administrative fine is at least this", unit="yuan")
    publicity_days: int = param(lo=0, hi=36_500, doc="the finding is published for at least this long", unit="days")


@attrs.frozen
class DalianParams(NationalParams):
    """Dalian FTZ "credit supervision + social supervision" (seed 000) on top of the national baseline."""

    demonstration: Demonstration = section("good-credit demonstration enterprises")
    publicity: Publicity = section("published commitments and social supervision")
    public_pledge: PublicPledge = section("the participants' published commitments and their breach")
    false_commitment: FalseCommitment = section("a licence commitment found false")
