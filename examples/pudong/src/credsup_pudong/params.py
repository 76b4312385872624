"""Pudong's parameters: Shanghai's (and so national's) plus the quiet list and demonstration status.

Values and sources: ``pudong.toml``. ``PudongParams`` derives from ``ShanghaiParams``, the parameters of the
layer Pudong builds on, so the hooks it leaves to Shanghai and national find every section they read.
"""

from __future__ import annotations

import attrs

from credsup.core.params import fraction, param, section
from credsup.core.vocabulary import SECTORS
from credsup.plugins.national.params import names_from
from credsup.plugins.shanghai.params import ShanghaiParams


@attrs.frozen
class QuietList:
    """ "No disturbance without cause": fewer random checks for proven good-credit, low-risk enterprises."""

    min_clean_inspections: int = param(lo=0, hi=100, doc="clean inspections in 36 months to be on the list")
    factor: float = fraction("multiplies the spot-check probability of an enterprise on the list")


@attrs.frozen
class Demonstration:
    """Good-credit demonstration status, decided by the district for its pilot sectors."""

    sectors: tuple[str, ...] = names_from(SECTORS, "sector", "sectors where the district decides the status")
    min_clean_inspections: int = param(lo=0, hi=100, doc="clean inspections in 36 months for the status")


@attrs.frozen
class PudongParams(ShanghaiParams):
    """Shanghai's parameters plus Pudong's quiet list and demonstration status."""

    quiet_list: QuietList = section("the quiet list: fewer random checks")
    demonstration: Demonstration = section("good-credit demonstration status in the pilot sectors")
