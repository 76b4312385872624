"""Calendar-month arithmetic and record windows: one implementation for the simulator and the registry tools.

Publicity periods, record windows and simulation periods are counted in calendar months. A step of
``k`` months keeps the day of the month, clamped to the length of the month it lands in (31 January plus
one month is 28 February, or 29 in a leap year), so a step never skips a month.

A record window of ``k`` months *as of* a date ``T`` holds the events dated in ``(T - k months, T]``:
the day ``k`` months before ``T`` is already out, ``T`` itself is in (docs/registry.md, "From events to
the record summary"). The simulator's incremental counts and the registry's computation from events
both use :func:`window_start`, so the two agree on every boundary.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on (back when negative), the day of the month clamped
    to the length of the month it lands in."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` earlier, clamped to the month's last day."""
    return add_months(day, -months)


def window_start(as_of: dt.date, months: int) -> dt.date:
    """The (exclusive) start of a record window of ``months`` months as of ``as_of``: an event dated
    ``d`` is in the window iff ``window_start(as_of, months) < d <= as_of``."""
    return months_before(as_of, months)


def window_of(column: str) -> int | None:
    """Months of the record window a record-summary count covers, read from its name, the contract of
    :class:`credsup.core.EnterpriseBatch` (``inspections_36m``: 36, ``violations_12m``: 12); ``None``
    for a column that is not windowed."""
    match = re.fullmatch(r".+_(\d+)m", column)
    return int(match.group(1)) if match else None


__all__ = ["add_months", "months_before", "window_of", "window_start"]
