"""Xianyou's three-dimension evaluation and precise supervision (seed 001 line 31)."""

import datetime as dt

import numpy as np
import pytest
from credsup_xianyou import dimension_scores

from credsup.core import ConfigError, EnterpriseBatch, Grade, InspectionBasis, Period, load_jurisdiction
from credsup.core.samples import random_batch

TODAY = dt.date(2026, 1, 1)
YEAR = Period.parse("2026")


@pytest.fixture(scope="module")
def xianyou():
    return load_jurisdiction("xianyou")


def established(n, **columns):
    """n enterprises registered ten years ago, with one clean inspection, otherwise clean."""
    base = dict(
        registered=np.full(n, np.datetime64("2016-01-01")),
        inspections_36m=np.ones(n, dtype=int),
        clean_inspections_36m=np.ones(n, dtype=int),
    )
    return EnterpriseBatch.build(n, **{**base, **columns})


def test_a_clean_enterprise_is_a_and_each_dimension_counts(xianyou):
    b = established(
        4,
        serious_36m=[0, 1, 0, 0],
        tax_compliant=[True, True, False, True],
        abnormal_operation=[False, False, True, False],
        industry_grade=[-1, -1, -1, 3],
    )
    production, management, brand = dimension_scores(b, xianyou.params)
    assert production.tolist() == [100.0, 52.0, 100.0, 100.0]  # 100 - 50 + 2 for one clean inspection
    assert management.tolist() == [100.0, 100.0, 55.0, 100.0]
    assert brand.tolist() == [70.0, 70.0, 70.0, 40.0]  # association grade D: -30
    # composites 92.5, 73.3, 76.75, 85: tax arrears and the abnormal list alone cost a grade
    assert xianyou.grade(b, TODAY).tolist() == [Grade.A, Grade.C, Grade.B, Grade.B]


def test_brand_lifts_a_grade(xianyou):
    # one general violation: production 87; with no brand asset that is B, with IP and association A it is A
    b = established(2, general_36m=[1, 1], ip_holder=[False, True], industry_grade=[-1, 0])
    assert xianyou.grade(b, TODAY).tolist() == [Grade.B, Grade.A]


def test_a_dimension_below_the_veto_floor_caps_the_grade_at_c(xianyou):
    # two serious violations ruin production, management and brand are excellent
    b = established(1, serious_36m=[2], ip_holder=[True], self_report_verified=[True], industry_grade=[0])
    production, management, brand = dimension_scores(b, xianyou.params)
    assert production[0] < xianyou.params.evaluation.veto_floor and brand[0] == 100.0
    composite = 0.4 * production[0] + 0.35 * management[0] + 0.25 * brand[0]
    assert composite >= xianyou.params.evaluation.cuts.C  # the score alone would give C or better ...
    assert xianyou.grade(b, TODAY)[0] >= Grade.C  # ... and the veto keeps it from A or B


def test_listed_enterprises_are_d_as_nationally(xianyou):
    b = established(2, listed=[True, False], ip_holder=[True, True])
    assert xianyou.grade(b, TODAY).tolist() == [Grade.D, Grade.A]


def test_demonstration_needs_a_strong_brand_and_initiative(xianyou):
    b = established(
        4, grade=[0, 0, 0, 1], ip_holder=[True, True, False, True], self_report_verified=[True, False, True, True]
    )
    # brand: 95, 85 (no self-report), 80, 95 (but grade B)
    assert xianyou.demonstration(b, TODAY).tolist() == [True, False, False, False]


def test_precise_supervision_aims_spot_checks_at_weak_dimensions(xianyou):
    national = load_jurisdiction("national")
    b = established(
        3,
        grade=[1, 1, 1],
        tax_compliant=[True, False, True],
        abnormal_operation=[False, True, False],
        demonstration=[False, False, True],
    )
    p = xianyou.inspection_probability(b, YEAR)
    base = national.inspection_probability(b, YEAR)
    assert (p.basis == InspectionBasis.YEAR).all()  # yearly shares, as the national plan
    assert p.chance[0] == pytest.approx(base.chance[0])  # B, no weak dimension: the national share
    assert p.chance[1] == pytest.approx(2 * base.chance[1])  # management 55 < 60: twice the share
    assert p.chance[2] == pytest.approx(0.01)  # demonstration: the residual share of the year


def test_other_hooks_are_the_national_ones(xianyou):
    assert xianyou.answered_by("credsup_tolerance") == "national"
    batch = random_batch(np.random.default_rng(3), 200, TODAY)
    national = load_jurisdiction("national")
    assert (xianyou.complaint_intensity(batch, TODAY) == national.complaint_intensity(batch, TODAY)).all()


def test_every_parameter_has_a_source_and_the_dimensions_cite_seed_001(xianyou):
    own = {k: v for k, v in xianyou.sources.items() if k.startswith("evaluation.weights")}
    assert set(own) == {"evaluation.weights.production", "evaluation.weights.management", "evaluation.weights.brand"}
    assert all(v.startswith("seed 001 line 31") for v in own.values())


def test_weights_that_do_not_sum_to_one_are_refused():
    with pytest.raises(ConfigError, match="evaluation.weights.brand: the three weights must sum to 1"):
        load_jurisdiction("xianyou", overrides=[("evaluation.weights.brand", 0.5)])
