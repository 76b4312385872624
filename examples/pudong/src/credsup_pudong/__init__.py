"""Pudong (Shanghai): a district layer on the Shanghai plugin, itself on the national baseline.

Three layers: ``pudong`` -> ``shanghai`` -> ``national`` (``inherits = "shanghai"`` in ``pudong.toml``).
Pudong decides two things and leaves the rest to the layers below, with pluggy's own machinery:

* ``credsup_inspection_probability`` is a **wrapper** (``@hookimpl(wrapper=True)``): it takes Shanghai's
  answer (credit-, classification- and risk-linked yearly shares, full coverage of key supervision objects;
  seed 003 para 11, para 8) and lowers it for enterprises on the district's *quiet list*: grade A, no violation
  in 36 months, at least ``quiet_list.min_clean_inspections`` clean inspections, not due for full
  coverage. The quiet list starts on a date (``quiet_list.factor`` is a dated parameter).
* ``credsup_demonstration`` is a **one-row rule** (``@per_enterprise``) for the district's pilot sectors
  (good-credit demonstration status, as Dalian does, seed 000 (IV)); for every other enterprise it
  answers ``DEFER`` and the layer below decides (national: no demonstration status).

Everything else (grading, tolerance, sanctions, repair, ...) is Shanghai's or national's. Every value in
``pudong.toml`` is an assumption with its reason: no seed text describes Pudong; this package is the
example of a district layer (docs/plugin-guide.md, "Layers").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from importlib.resources import files
from typing import Any

import numpy as np

from credsup.core import DEFER, EnterpriseBatch, Grade, InspectionRates, Period, hookimpl, per_enterprise
from credsup.plugins import shanghai
from credsup_pudong.params import PudongParams

CREDSUP_CONTRACT = "2.0"
PARAMS_CLASS = PudongParams
DEFAULT_CONFIG = files(__name__) / "pudong.toml"

__all__ = ["CREDSUP_CONTRACT", "DEFAULT_CONFIG", "PARAMS_CLASS", "PudongParams", "quiet"]


def quiet(batch: EnterpriseBatch, params: PudongParams) -> np.ndarray:
    """Enterprises on the quiet list: grade A, no detected violation in 36 months, enough clean inspections."""
    q = params.quiet_list
    violations = batch.minor_36m + batch.general_36m + batch.serious_36m
    return (batch.grade == Grade.A) & (violations == 0) & (batch.clean_inspections_36m >= q.min_clean_inspections)


@hookimpl(wrapper=True)
def credsup_inspection_probability(
    batch: EnterpriseBatch, params: PudongParams, period: Period
) -> Generator[None, InspectionRates, InspectionRates]:
    """Shanghai's inspection rates, times ``quiet_list.factor`` for the quiet list (its share of the yearly
    plan, or its chance per period); a full-coverage visit stays whole (seed 003 para 8: key supervision
    is not random)."""
    rates = yield
    lower = quiet(batch, params) & ~rates.full_coverage
    return rates.override(lower, rates.chance * params.quiet_list.factor)


@hookimpl
@per_enterprise
def credsup_demonstration(enterprise: Any, params: PudongParams, today: dt.date) -> Any:
    """In the pilot sectors: demonstration status for grade A with enough clean inspections and no
    violation in 12 months; elsewhere the layer below decides."""
    d = params.demonstration
    if enterprise.sector_name not in d.sectors:
        return DEFER
    return bool(
        enterprise.grade == Grade.A
        and not enterprise.violations_12m
        and not enterprise.listed
        and enterprise.clean_inspections_36m >= d.min_clean_inspections
    )


# Shanghai's building blocks stay available to whoever builds on Pudong.
key_supervision_objects = shanghai.key_supervision_objects
