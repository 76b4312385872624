"""Xianyou county (Putian, Fujian): "three three" credit supervision, from three dimensions.

Seed 001 line 31: Xianyou's "three three" credit supervision coordinates government, enterprises and
industry associations ("government promotion, enterprises initiative and associations linkage"),
evaluates the credit of every enterprise of an industry "from three dimensions of production,
management and brand", and builds mechanisms of "precise supervision" and "smart supervision".

This plugin models the evaluation and precise supervision; everything else (commitments, complaints,
tolerance, sanctions, repair, objections) is the national baseline's:

* ``credsup_grade``: a score out of 100 in each dimension (production from the violation record,
  management from filings and commitments, brand from intellectual property, verified self-reports and
  the industry association's grade); grades A-D from their weighted sum, and a dimension below
  ``veto_floor`` caps the grade at C. Listed enterprises are D, as nationally.
* ``credsup_demonstration``: grade A with a strong brand and a verified self-report (enterprise
  initiative) earns demonstration status. Written as a one-row rule (``@per_enterprise``).
* ``credsup_inspection_probability``: the national yearly shares by grade, raised for an enterprise weak
  in any dimension and lowered, not removed, for demonstration enterprises (precise supervision).

The weights, points and cuts are assumptions (the forum report names the dimensions, not their
weights); each is in ``xianyou.toml`` with its source.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from typing import Any

import numpy as np

from credsup.core import EnterpriseBatch, Grade, InspectionRates, Period, hookimpl, per_enterprise
from credsup.plugins import national
from credsup_xianyou.params import Brand, XianyouParams

CREDSUP_CONTRACT = "2.0"
PARAMS_CLASS = XianyouParams
DEFAULT_CONFIG = files(__name__) / "xianyou.toml"

__all__ = ["CREDSUP_CONTRACT", "DEFAULT_CONFIG", "PARAMS_CLASS", "XianyouParams", "brand_score", "dimension_scores"]


def brand_score(
    ip_holder: Any, self_report_verified: Any, industry_grade: Any, verified_complaints: Any, b: Brand
) -> Any:
    """Brand points out of 100. Works on one enterprise's values or on whole columns alike."""
    association = np.array([b.association.A, b.association.B, b.association.C, b.association.D])
    graded = np.asarray(industry_grade) >= 0
    from_association = np.where(graded, association[np.where(graded, industry_grade, 0)], 0.0)
    score = (
        b.base
        + b.ip_holder * np.asarray(ip_holder)
        + b.self_report * np.asarray(self_report_verified)
        + from_association
        - b.verified_complaint * np.asarray(verified_complaints)
    )
    return np.clip(score, 0.0, 100.0)


def dimension_scores(batch: EnterpriseBatch, params: XianyouParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Production, management and brand scores (float64 points in [0, 100]) of each enterprise."""
    p, m = params.evaluation.production, params.evaluation.management
    clean = np.minimum(batch.clean_inspections_36m, p.clean_inspection_cap)
    production = (
        100.0
        - (
            p.serious * batch.serious_36m
            + p.general * batch.general_36m
            + p.minor * batch.minor_36m
            + p.failed_rectification * batch.failed_rectifications_36m
        )
        + p.clean_inspection * clean
    )
    management = 100.0 - (
        m.annual_report_missing * ~batch.annual_report_filed
        + m.tax_arrears * ~batch.tax_compliant
        + m.social_security_arrears * ~batch.social_security_compliant
        + m.abnormal_operation * batch.abnormal_operation
        + m.false_commitment * batch.false_commitments_36m
        + m.displayed_penalty * batch.displayed_penalties
    )
    brand = brand_score(
        batch.ip_holder,
        batch.self_report_verified,
        batch.industry_grade,
        batch.verified_complaints_36m,
        params.evaluation.brand,
    )
    return (np.clip(production, 0.0, 100.0), np.clip(management, 0.0, 100.0), np.asarray(brand, dtype=np.float64))


@hookimpl
def credsup_grade(batch: EnterpriseBatch, params: XianyouParams, today: dt.date) -> np.ndarray:
    """A-D from the weighted three-dimension score (seed 001 line 31); a dimension below the veto floor
    caps the grade at C; enterprises under joint punishment get the national ``listed_grade`` and young
    ones without an inspection at best ``new_enterprise_grade``, as nationally."""
    e = params.evaluation
    production, management, brand = dimension_scores(batch, params)
    composite = e.weights.production * production + e.weights.management * management + e.weights.brand * brand
    # cuts fall from A to C: count the cuts a score misses
    grades = ((composite < e.cuts.A).astype(np.int8) + (composite < e.cuts.B) + (composite < e.cuts.C)).astype(np.int8)
    vetoed = np.minimum(np.minimum(production, management), brand) < e.veto_floor
    grades[vetoed] = np.maximum(grades[vetoed], np.int8(Grade.C))
    g = params.grading
    young = (batch.age_years(today) < g.new_enterprise_years) & (batch.inspections_36m == 0)
    grades[young] = np.maximum(grades[young], np.int8(Grade.parse(g.new_enterprise_grade)))
    grades[national.under_joint_punishment(batch, today)] = np.int8(Grade.parse(g.listed_grade))
    return grades


@hookimpl
@per_enterprise
def credsup_demonstration(enterprise: Any, params: XianyouParams, today: dt.date) -> bool:
    """Demonstration status for an A enterprise with a strong brand that has shown initiative (a verified
    self-report) and no violation in the last 12 months (seed 001 line 31, "enterprises initiative";
    demonstration status as in seed 000 (IV))."""
    d = params.demonstration
    if enterprise.grade != Grade.A or enterprise.violations_12m or enterprise.listed:
        return False
    if d.requires_self_report and not enterprise.self_report_verified:
        return False
    brand = brand_score(
        enterprise.ip_holder,
        enterprise.self_report_verified,
        enterprise.industry_grade,
        enterprise.verified_complaints_36m,
        params.evaluation.brand,
    )
    return bool(brand >= d.min_brand)


@hookimpl
def credsup_inspection_probability(batch: EnterpriseBatch, params: XianyouParams, period: Period) -> InspectionRates:
    """Precise supervision (seed 001 line 31): the national yearly share by grade (and key-sector
    multiplier), times ``weak_multiplier`` for an enterprise scoring below ``weak_floor`` in any
    dimension; demonstration enterprises are checked at ``demonstration_rate_per_year``. Each is a share
    of the class checked within the year, each enterprise at most once (at most 1), as the national plan."""
    insp, prec = params.inspection, params.precision
    graded = batch.grade >= 0
    rate = np.full(len(batch), insp.ungraded_rate_per_year)
    rate[graded] = insp.rate_per_year.array()[batch.grade[graded]]
    rate = np.where(batch.key_sector, rate * insp.key_sector_multiplier, rate)
    weakest = np.minimum.reduce(dimension_scores(batch, params))
    rate = np.where(weakest < prec.weak_floor, rate * prec.weak_multiplier, rate)
    rate = np.where(batch.demonstration, prec.demonstration_rate_per_year, rate)
    return InspectionRates.yearly(np.minimum(1.0, rate))
