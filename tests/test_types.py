"""Domain types and the columnar batch: ordering, schema, strictness, views, rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    FOREVER,
    INDEFINITE_DAYS,
    EnterpriseBatch,
    Grade,
    Period,
    RepairCondition,
    Severity,
    ToleranceDecisions,
    ViolationBatch,
    until,
)
from credsup.core.columns import schema_table
from credsup.core.samples import random_batch


def test_grades_are_ordered_from_good_to_bad() -> None:
    assert Grade.A < Grade.B < Grade.C < Grade.D
    assert [g.name for g in sorted(Grade)] == ["A", "B", "C", "D"]
    assert Grade.parse(" c ") is Grade.C
    with pytest.raises(ValueError, match="unknown grade 'E': expected one of A, B, C, D"):
        Grade.parse("E")
    assert Severity.MINOR < Severity.GENERAL < Severity.SERIOUS


def test_repair_conditions_are_a_bit_mask() -> None:
    mask = RepairCondition.RECTIFIED | RepairCondition.COMMITMENT
    assert mask.names() == ["rectified", "commitment"]
    assert int(mask) == 6


def test_build_fills_defaults_and_casts_after_checking() -> None:
    b = EnterpriseBatch.build(3, grade=[0, 3, 1], listed=[True, False, False])
    assert b.grade.dtype == np.int8 and b.listed.dtype == bool
    assert (b.industry_grade == -1).all() and b.annual_report_filed.all()
    assert np.isnat(b.listed_until).all() and (b.external_listing == -1).all()
    with pytest.raises(ValueError, match="EnterpriseBatch: grade: value 9 at row 0 is outside"):
        EnterpriseBatch.build(2, grade=[9, 0])
    with pytest.raises(ValueError, match="sector: expected shape .3,., got .2,."):
        EnterpriseBatch.build(3, sector=[0, 1])
    with pytest.raises(TypeError, match="unknown column"):
        EnterpriseBatch.build(1, colour=["red"])


def test_constructor_is_strict_about_dtypes() -> None:
    good = EnterpriseBatch.build(2)
    cols = {c: getattr(good, c) for c in good.column_names()}
    cols["grade"] = np.zeros(2, dtype=np.int64)
    with pytest.raises(TypeError, match="EnterpriseBatch.grade: dtype int64, expected int8"):
        EnterpriseBatch(**cols)


def test_take_rows_and_readonly(rng, today) -> None:
    b = random_batch(rng, 30, today)
    sub = b.take(np.array([3, 7]))
    assert len(sub) == 2 and sub.sectors == b.sectors
    assert sub.grade[1] == b.grade[7]
    row = b.row(7)
    assert row.grade == int(b.grade[7]) and row.sector_name == b.sectors[b.sector[7]]
    assert isinstance(row.registered, dt.date)
    ro = b.readonly()
    with pytest.raises(ValueError, match="read-only"):
        ro.grade[0] = 1
    assert b.grade.flags.writeable
    assert ro.equals(b) and not ro.take(slice(0, 5)).equals(b)
    assert ro.readonly() is ro  # already read-only: no new views
    b.grade[0] = 3  # a read-only view stays a live view of its data
    assert ro.grade[0] == 3


def test_rows_round_trip_through_from_rows(rng, today) -> None:
    b = random_batch(rng, 25, today)
    again = EnterpriseBatch.from_rows([r._asdict() for r in b.rows()], sectors=b.sectors, regions=b.regions)
    assert again.equals(b)


def test_concat_and_empty(rng, today) -> None:
    b = random_batch(rng, 10, today)
    both = EnterpriseBatch.concat([b.take(slice(0, 4)), b.take(slice(4, 10))])
    assert both.equals(b)
    empty = EnterpriseBatch.build(0)
    assert len(empty) == 0 and empty.problems() == []


def test_helpers(rng, today) -> None:
    b = EnterpriseBatch.build(
        3,
        sector=[0, 1, 2],
        registered=np.array(["2025-01-01", "NaT", "2016-01-01"]),
        sectors=("food", "auto", "retail"),
    )
    assert b.sector_mask(["food", "retail", "unknown"]).tolist() == [True, False, True]
    age = b.age_years(today)
    assert age[0] == pytest.approx(1.0, abs=0.01) and np.isnan(age[1]) and age[2] == pytest.approx(10.0, abs=0.01)
    v = ViolationBatch.build(2, items=("labelling", "fraud"), item=[1, 0])
    assert v.item_mask(["fraud"]).tolist() == [True, False]
    # the same answers for chosen rows only, in their order (repeats allowed)
    rows = np.array([2, 0, 2])
    assert b.sector_mask(["food", "retail"], rows=rows).tolist() == [True, True, True]
    assert b.sector_mask(["auto"], rows=rows).tolist() == [False, False, False]
    part = b.age_years(today, rows=np.array([1, 2]))
    assert np.isnan(part[0]) and part[1] == age[2]


def test_code_masks_match_isin_for_any_codes(rng) -> None:
    from credsup.core.columns import code_mask

    vocabulary = ("a", "b", "c", "d")
    for codes in (rng.integers(0, 4, 500), rng.integers(0, 9, 500), rng.integers(-2, 5, 500), np.zeros(0, int)):
        codes = codes.astype(np.int16)  # codes beyond the vocabulary, or negative, match nothing
        for names in (["b", "d"], ["zzz"], [], ["a", "b", "c", "d"]):
            wanted = [i for i, name in enumerate(vocabulary) if name in names]
            assert code_mask(codes, vocabulary, names).tolist() == np.isin(codes, wanted).tolist()


def test_external_listing_mask_names_regions_and_ignores_none() -> None:
    b = EnterpriseBatch.build(4, external_listing=[-1, 0, 1, 2], regions=("guangdong", "guangxi", "fujian"))
    assert b.external_listing_mask(["guangdong", "guangxi"]).tolist() == [False, True, True, False]
    assert not b.external_listing_mask(["atlantis"]).any()
    none = EnterpriseBatch.build(3)  # no regions vocabulary at all, every code -1
    assert not none.external_listing_mask(["guangdong"]).any()


def test_period_parsing_and_per_period() -> None:
    q = Period.parse("2027Q4")
    assert (q.start, q.end, q.days) == (dt.date(2027, 10, 1), dt.date(2028, 1, 1), 92)
    assert Period.parse("2027-12").end == dt.date(2028, 1, 1)
    assert Period.parse("2027").days == 365
    with pytest.raises(ValueError, match="cannot read period '2027Q5'"):
        Period.parse("2027Q5")
    m = Period.parse("2026-02")
    assert m.per_period(np.array([0.0, 1.0, 1000.0])).tolist() == [0.0, pytest.approx(28 / 365.25), 1.0]
    with pytest.raises(ValueError):
        Period(dt.date(2026, 1, 2), dt.date(2026, 1, 1))


def test_until_maps_zero_and_lifelong() -> None:
    start = dt.date(2026, 1, 1)
    ends = until(start, np.array([0, 10, INDEFINITE_DAYS]))
    assert np.isnat(ends[0]) and ends[1] == np.datetime64("2026-01-11") and ends[2] == FOREVER


def test_schema_is_documented_in_one_place() -> None:
    for spec in EnterpriseBatch.columns():
        assert spec.doc, spec.name
    table = schema_table(EnterpriseBatch)
    assert "| `grade` | int8 |" in table and "| `listed_until` | datetime64[D] | date |" in table


def test_decisions_problems_report_ranges() -> None:
    d = ToleranceDecisions.build(2)
    d.decision[0] = 5
    assert d.problems() == ["decision: value 5 at row 0 is outside [0, 2]"]


def test_column_checks_find_nan_infinity_and_range_wherever_they_are() -> None:
    from credsup.core.columns import ColumnSpec

    prob = ColumnSpec(name="p", dtype=np.dtype(np.float64), doc="a probability", lo=0.0, hi=1.0)
    free = ColumnSpec(name="x", dtype=np.dtype(np.float64), doc="any finite number")
    assert prob.problems(np.linspace(0.0, 1.0, 11), 11) == [] and free.problems(np.array([-1e300, 1e300]), 2) == []
    for bad, row in ((np.nan, 7), (np.inf, 0), (-np.inf, 10)):
        value = np.full(11, 0.5)
        value[row] = bad
        for spec in (prob, free):
            assert spec.problems(value, 11) == [f"{spec.name}: 1 value(s) are NaN or infinite (first at row {row})"]
    assert prob.problems(np.array([0.5, 1.5, 0.2]), 3) == ["p: value 1.5 at row 1 is outside [0, 1]"]
    assert prob.problems(np.array([0.5, -0.25]), 2) == ["p: value -0.25 at row 1 is outside [0, 1]"]
