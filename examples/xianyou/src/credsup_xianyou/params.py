"""Parameters of Xianyou's three-dimension evaluation, added to the national baseline's.

Values and their sources: ``xianyou.toml`` (which inherits every national parameter it does not set).
Scores are points out of 100; a dimension starts at 100 and loses points for what the record shows.
"""

from __future__ import annotations

import attrs

from credsup.core.params import flag, fraction, param, require, section
from credsup.plugins.national import NationalParams


def points(doc: str) -> float:
    return param(lo=0.0, hi=100.0, doc=doc, unit="points")


@attrs.frozen
class Production:
    """Production: the quality and safety of what the enterprise makes, from its violation record."""

    serious: float = points("off per serious violation in the window")
    general: float = points("off per general violation in the window")
    minor: float = points("off per minor violation in the window")
    failed_rectification: float = points("off per rectification order missed in the window")
    clean_inspection: float = points("back per inspection that found nothing")
    clean_inspection_cap: int = param(lo=0, hi=100, doc="at most this many clean inspections count")


@attrs.frozen
class Management:
    """Management: how the enterprise is run, from its filings and commitments."""

    annual_report_missing: float = points("off when the annual report is not published")
    tax_arrears: float = points("off for tax arrears")
    social_security_arrears: float = points("off for social security arrears")
    abnormal_operation: float = points("off on the abnormal-operation list")
    false_commitment: float = points("off per commitment found false in the window")
    displayed_penalty: float = points("off per penalty record on public display")


@attrs.frozen
class AssociationPoints:
    """Brand points by the industry association's own grade of the member (negative: points off)."""

    A: float = param(lo=-100.0, hi=100.0, unit="points")
    B: float = param(lo=-100.0, hi=100.0, unit="points")
    C: float = param(lo=-100.0, hi=100.0, unit="points")
    D: float = param(lo=-100.0, hi=100.0, unit="points")


@attrs.frozen
class Brand:
    """Brand: the reputation the enterprise has built, with the association's view of it."""

    base: float = points("score of an enterprise with no brand asset and no association grade")
    ip_holder: float = points("for registered trademarks or other intellectual property")
    self_report: float = points("for self-reported credit information that was verified")
    verified_complaint: float = points("off per founded complaint in the window")
    association: AssociationPoints = section("points by the industry association's grade of the member")


@attrs.frozen
class Weights:
    """Share of each dimension in the composite score; they sum to 1."""

    production: float = fraction()
    management: float = fraction()
    brand: float = fraction()

    def __attrs_post_init__(self) -> None:
        total = self.production + self.management + self.brand
        require(abs(total - 1.0) < 1e-9, "brand", f"the three weights must sum to 1 (they sum to {total:g})")


@attrs.frozen
class Cuts:
    """Lowest composite score that still earns each grade (below C is D)."""

    A: float = points("composite score for A")
    B: float = points("composite score for B")
    C: float = points("composite score for C")

    def __attrs_post_init__(self) -> None:
        require(self.A >= self.B, "B", f"must be <= A ({self.A:g}); cuts fall from A to C")
        require(self.B >= self.C, "C", f"must be <= B ({self.B:g}); cuts fall from A to C")


@attrs.frozen
class Evaluation:
    production: Production = section("the production dimension")
    management: Management = section("the management dimension")
    brand: Brand = section("the brand dimension")
    weights: Weights = section("weight of each dimension in the composite score")
    cuts: Cuts = section("composite score needed for each grade")
    veto_floor: float = points("a dimension scoring below this caps the grade at C")


@attrs.frozen
class Demonstration:
    min_brand: float = points("brand score a demonstration enterprise needs (besides grade A)")
    requires_self_report: bool = flag("it must have self-reported credit information that was verified")


@attrs.frozen
class Precision:
    weak_floor: float = points("a dimension below this marks a weak enterprise")
    weak_multiplier: float = param(
        lo=1.0, hi=100.0, doc="multiplies a weak enterprise's yearly spot-check share (the result is at most 1)"
    )
    demonstration_rate_per_year: float = param(
        lo=0.0, hi=1.0, doc="share of demonstration enterprises checked within the year", unit="share a year"
    )


@attrs.frozen
class XianyouParams(NationalParams):
    """The national baseline plus Xianyou's three-dimension evaluation and precise supervision."""

    evaluation: Evaluation = section("credit evaluation from production, management and brand")
    demonstration: Demonstration = section("good-credit demonstration enterprises")
    precision: Precision = section("precise supervision: spot checks aimed at weak dimensions")
