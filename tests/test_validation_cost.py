"""The hook-call checks made cheaper (issue 16 point 3) check exactly what they checked before: every
value of an integer column against its range (and against the column's dtype when a wider array is
cast), every float for NaN and range; the sealed copy of a batch is the batch, read-only for good."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from credsup.core import EnterpriseBatch, ViolationBatch
from credsup.core.columns import ColumnSpec, is_sealed
from credsup.core.samples import random_batch

INT_DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "int64", "uint64"]


def expected_range_problem(values: list[int], spec_dtype: str, array_dtype: str, lo, hi) -> tuple[int, int] | None:
    """Independent oracle, in Python integers: the first bad value found (the smallest if below, else
    the largest), as (row, value), or None. A wider array must also fit the column's dtype."""
    least, most = lo, hi
    if spec_dtype != array_dtype:
        info = np.iinfo(spec_dtype)
        least = int(info.min) if lo is None else max(lo, int(info.min))
        most = int(info.max) if hi is None else min(hi, int(info.max))
    smallest, largest = min(values), max(values)
    if least is not None and smallest < least:
        return values.index(smallest), smallest
    if most is not None and largest > most:
        return values.index(largest), largest
    return None


@st.composite
def int_cases(draw):
    spec_dtype = draw(st.sampled_from(INT_DTYPES))
    array_dtype = draw(st.sampled_from([spec_dtype, *INT_DTYPES]))
    info, spec_info = np.iinfo(array_dtype), np.iinfo(spec_dtype)
    # the dtypes' own limits and their neighbours: where a skipped pass would go wrong
    edges = [int(x) + d for x in (info.min, info.max, spec_info.min, spec_info.max, 0) for d in (-1, 0, 1)]
    in_array = [e for e in edges if info.min <= e <= info.max]
    values = draw(
        st.lists(st.integers(int(info.min), int(info.max)) | st.sampled_from(in_array), min_size=1, max_size=30)
    )
    bound = st.none() | st.integers(-300, 70_000) | st.sampled_from(edges)
    lo, hi = draw(bound), draw(bound)
    return spec_dtype, array_dtype, values, lo, hi


@settings(max_examples=400, deadline=None)
@given(int_cases())
@example(("uint8", "uint8", [3, 255], None, 254))  # one below the dtype's limit: the pass is needed
@example(("int8", "int8", [0, -128], -127, None))
@example(("int16", "int64", [1, 40_000], None, None))  # a wider array must fit the column's dtype
@example(("uint16", "int64", [5, -1], 0, 127))
@example(("uint16", "uint16", [0, 128], 0, 127))  # lo=0 on unsigned: no pass for it, hi still checked
def test_integer_columns_flag_exactly_the_values_outside_their_range(case) -> None:
    spec_dtype, array_dtype, values, lo, hi = case
    spec = ColumnSpec("x", np.dtype(spec_dtype), "test column", lo=lo, hi=hi)
    problems = spec.diagnose(np.array(values, dtype=array_dtype), len(values))
    want = expected_range_problem(values, spec_dtype, array_dtype, lo, hi)
    if want is None:
        assert problems == []
    else:
        row, value = want
        assert [p.kind for p in problems] == ["range"]
        assert problems[0].message.startswith(f"x: value {value} at row {row} is outside [")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=20),
    st.none() | st.floats(-10, 10),
    st.none() | st.floats(-10, 10),
)
def test_float_columns_flag_nan_first_then_range(values, lo, hi) -> None:
    spec = ColumnSpec("p", np.dtype("float64"), "test column", lo=lo, hi=hi)
    problems = spec.diagnose(np.array(values), len(values))
    if any(v != v or v in (float("inf"), float("-inf")) for v in values):
        assert [p.kind for p in problems] == ["nan"]
    elif (lo is not None and min(values) < lo) or (hi is not None and max(values) > hi):
        assert [p.kind for p in problems] == ["range"]
    else:
        assert problems == []


def test_a_sealed_batch_is_the_batch_read_only_for_good() -> None:
    batch = random_batch(np.random.default_rng(3), 40, dt.date(2026, 1, 1)).take(np.arange(0, 40, 3))
    ro = batch.readonly()
    assert type(ro) is EnterpriseBatch and ro is not batch and ro.equals(batch)
    assert ro.sectors == batch.sectors and ro.regions == batch.regions
    for spec in ro.columns():
        column = getattr(ro, spec.name)
        assert column.dtype == spec.dtype and len(column) == len(batch) and is_sealed(column)
        with pytest.raises(ValueError):
            column.flags.writeable = True
    assert ro.readonly() is ro
    assert attrs.evolve(ro, grade=ro.grade.copy()).equals(batch)  # a sealed batch is a full attrs instance
    empty = ViolationBatch.build(0).readonly()
    assert len(empty) == 0 and empty.problems() == []
