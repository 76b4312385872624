"""The simulated world's state: columnar numpy arrays, one row per enterprise.

:class:`World` holds three kinds of column:

* the **batch columns**, exactly those of :class:`credsup.core.EnterpriseBatch` with its dtypes: the
  attributes and the record summary hooks read. They are allocated once and only ever updated in place,
  so :attr:`World.batch` is built once and stays a live view: no copy per period.
* the **hidden** columns the regulator never sees: honesty, gain, perceived inspection chance,
  departments, the violation in progress.
* bookkeeping for the regulator (queued orders).

Windowed record-summary counts (``*_36m``, ``violations_12m``) are kept up to date incrementally by
:class:`WindowCounter`: an event adds one to its enterprise's count and is remembered with its month;
when the month leaves the window the count is decreased again. Nothing is recounted from events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from credsup.core import RECORD_WINDOW_MONTHS, EnterpriseBatch
from credsup.core.columns import Columnar

C = TypeVar("C", bound=Columnar)

DAY = np.timedelta64(1, "D")


def count_at(target: np.ndarray, ids: np.ndarray, step: int = 1) -> None:
    """``target[i] += step`` for each ``i`` in ``ids``, repeats counted.

    The step is cast to the target's dtype first: with a matching scalar ``np.add.at`` takes numpy's fast
    path (about 30 times faster on a million rows than with a Python int).
    """
    np.add.at(target, ids, target.dtype.type(step))


def frozen(batch: C) -> C:
    """``batch`` with its column arrays made read-only in place, and returned.

    The kernel hands hooks read-only batches; one whose arrays are all read-only already is passed as it
    is, while any other gets a read-only view of every column on every call. The simulator's fresh
    batches (a day's violations, the rows taken for a hook) are its own and never written again, so it
    freezes them instead of paying for those views (a fixed cost of each of the thousands of daily calls).
    """
    for spec in batch.columns():
        getattr(batch, spec.name).flags.writeable = False
    return batch


class WindowCounter:
    """Keep ``target[i]`` equal to the number of events of enterprise ``i`` in the last ``window`` months.

    Months are integers (0 = the scenario's first month; history before it is negative). At the start of
    month ``t`` :meth:`expire` drops the events of months ``<= t - window``, so the window holds the
    current month and the ``window - 1`` before it. ``ids`` may repeat (two events of one enterprise).
    """

    def __init__(self, target: np.ndarray, window: int):
        self.target = target
        self.window = window
        self._events: dict[int, list[np.ndarray]] = {}
        self._withdrawn: dict[int, list[np.ndarray]] = {}

    def add(self, ids: np.ndarray, month: int) -> None:
        if len(ids) == 0:
            return
        ids = np.asarray(ids, dtype=np.int64)
        count_at(self.target, ids)
        self._events.setdefault(month, []).append(ids)

    def withdraw(self, ids: np.ndarray, month: int) -> None:
        """Remove events of ``month`` (records withdrawn on objection); a no-op once the month left the window."""
        if len(ids) == 0 or month not in self._events:
            return
        ids = np.asarray(ids, dtype=np.int64)
        count_at(self.target, ids, -1)
        self._withdrawn.setdefault(month, []).append(ids)

    def expire(self, month: int) -> None:
        """Drop every event of months ``<= month - window``."""
        for m in [m for m in self._events if m <= month - self.window]:
            count_at(self.target, np.concatenate(self._events.pop(m)), -1)
            back = self._withdrawn.pop(m, None)
            if back:
                count_at(self.target, np.concatenate(back))


class World:
    """Enterprises as columns. Build with :func:`credsup.simulation.population.generate`."""

    def __init__(self, n: int, start: dt.date, sectors: Sequence[str], items: Sequence[str]):
        self.n = n
        self.start = np.datetime64(start, "D")
        self.sectors = tuple(sectors)
        self.items = tuple(items)
        # -- the batch columns, each allocated once with the schema's dtype and default
        self.cols: dict[str, np.ndarray] = {spec.name: spec.filled(n) for spec in EnterpriseBatch.columns()}
        #: read-only views of the live columns: hooks see every in-place update, and cannot write
        self.batch = EnterpriseBatch(**self.cols, sectors=self.sectors).readonly()
        # -- hidden traits (set by the population generator)
        self.honesty = np.zeros(n, dtype=np.float32)
        self.gain = np.zeros(n, dtype=np.float32)  #: yuan a month from a general violation
        self.departments = np.ones(n, dtype=np.int8)
        self.harm_factor = np.ones(n, dtype=np.float32)  #: scales the harm of this enterprise's violations
        self.inspected = np.zeros(n, dtype=bool)  #: inspected this month (perception learns from it)
        self.seen = np.zeros(n, dtype=np.float32)  #: remembered inspections (perception, docs/model.md)
        self.experience = 0.0  #: remembered months, the same for every enterprise (docs/model.md)
        # -- the violation in progress
        self.violating = np.zeros(n, dtype=bool)
        self.v_since = np.zeros(n, dtype=np.int32)  #: day (since start) the undetected stretch began
        self.v_severity = np.zeros(n, dtype=np.int8)
        self.v_item = np.zeros(n, dtype=np.int16)
        self.v_harm = np.zeros(n, dtype=np.float32)
        self.under_order = np.zeros(n, dtype=bool)  #: detected; a rectification order is running
        # -- regulator bookkeeping
        self.spot_queued = np.zeros(n, dtype=bool)
        self.active = np.ones(n, dtype=bool)  #: not banned from the market
        self.repaired_day = np.full(n, -1, dtype=np.int32)  #: day of the last approved repair, -1 none
        self.repair_relapsed = np.zeros(n, dtype=bool)
        # -- windowed record summary
        c = self.cols
        w = RECORD_WINDOW_MONTHS
        self.item_counts = np.zeros(n * len(self.items), dtype=np.int16)
        self.window = {
            "inspections": WindowCounter(c["inspections_36m"], w),
            "clean": WindowCounter(c["clean_inspections_36m"], w),
            "minor": WindowCounter(c["minor_36m"], w),
            "general": WindowCounter(c["general_36m"], w),
            "serious": WindowCounter(c["serious_36m"], w),
            "violations_12m": WindowCounter(c["violations_12m"], 12),
            "failed": WindowCounter(c["failed_rectifications_36m"], w),
            "commitments": WindowCounter(c["commitments_36m"], w),
            "false_commitments": WindowCounter(c["false_commitments_36m"], w),
            "complaints": WindowCounter(c["complaints_36m"], w),
            "verified_complaints": WindowCounter(c["verified_complaints_36m"], w),
            "repairs": WindowCounter(c["repairs_36m"], w),
            "items": WindowCounter(self.item_counts, w),
        }

    # -- time ------------------------------------------------------------------------------------------

    def date(self, day: int) -> dt.date:
        """Calendar date of simulation day ``day``."""
        return (self.start + int(day) * DAY).astype(dt.date)

    def day64(self, day: int) -> np.datetime64:
        return self.start + int(day) * DAY

    def expire_windows(self, month: int) -> None:
        for counter in self.window.values():
            counter.expire(month)

    # -- recording events ------------------------------------------------------------------------------

    _SEVERITY = ("minor", "general", "serious")

    def record_detections(self, ids: np.ndarray, severity: np.ndarray, item: np.ndarray, month: int, day: int) -> None:
        """Detected violations (true or not) enter the record summary."""
        for code, name in enumerate(self._SEVERITY):
            self.window[name].add(ids[severity == code], month)
        self.window["violations_12m"].add(ids, month)
        self.window["items"].add(ids * len(self.items) + item, month)
        self.cols["last_violation"][ids] = self.day64(day)

    def withdraw_detections(self, ids: np.ndarray, severity: np.ndarray, item: np.ndarray, month: int) -> None:
        for code, name in enumerate(self._SEVERITY):
            self.window[name].withdraw(ids[severity == code], month)
        self.window["violations_12m"].withdraw(ids, month)
        self.window["items"].withdraw(ids * len(self.items) + item, month)

    def prior_counts(self, ids: np.ndarray, item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Detected violations in the window before this one: of the same item, and of any item."""
        c = self.cols
        same = self.item_counts[ids * len(self.items) + item]
        any_ = c["minor_36m"][ids].astype(np.int32) + c["general_36m"][ids] + c["serious_36m"][ids]
        return same.astype(np.int16), np.minimum(any_, np.iinfo(np.int16).max).astype(np.int16)

    def memory_bytes(self) -> int:
        """Bytes held by the enterprise columns (not counting event windows)."""
        arrays = [a for a in vars(self).values() if isinstance(a, np.ndarray)] + list(self.cols.values())
        return int(sum(a.nbytes for a in arrays))
