"""Calendar-month arithmetic and record windows (core/months.py), against numpy's month arithmetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from credsup.core.months import add_months, months_before, window_start

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))


def _oracle(day: dt.date, k: int) -> dt.date:
    """numpy counts whole months; the month's length is the distance to the next month's first day."""
    month = np.datetime64(day, "M") + np.timedelta64(k, "M")
    length = ((month + np.timedelta64(1, "M")).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(int)
    return (month.astype("datetime64[D]") + np.timedelta64(min(day.day, length) - 1, "D")).astype(dt.date)


@given(DATES, st.integers(-1200, 1200))
def test_add_months_is_numpy_month_arithmetic_with_the_day_clamped(day: dt.date, k: int) -> None:
    assert add_months(day, k) == _oracle(day, k)
    assert months_before(day, k) == _oracle(day, -k)


def test_examples_at_month_ends_and_leap_years() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)
    assert months_before(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2027, 1, 15), 13) == dt.date(2025, 12, 15)


@given(DATES, st.sampled_from([1, 12, 36]))
def test_window_start_never_moves_back_as_days_pass(as_of: dt.date, k: int) -> None:
    # the simulator drops events from its windows as days pass and never takes one back
    assert window_start(as_of, k) <= window_start(as_of + dt.timedelta(days=1), k)
    assert window_start(as_of, k) == _oracle(as_of, -k) < as_of
