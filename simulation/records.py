"""Growable columnar tables of the simulated credit record: penalty and listing records, violations,
inspections.

One row per record or event, in numpy columns that grow by half when full (appending is amortised
O(1), never one Python object per row). :class:`Records` are what an enterprise applies to repair and
objects against; :class:`Violations` and :class:`InspectionLog` are what the record summary needs to
take a withdrawn violation back out (``credsup.simulation.credit_record``).
"""

from __future__ import annotations

import enum
from typing import ClassVar

import numpy as np


class Status(enum.IntEnum):
    DISPLAYED = 0  #: on public display (penalty within its publicity period; listing in force)
    EXPIRED = 1  #: publicity period or listing over
    REPAIRED = 2  #: display removed by credit repair
    WITHDRAWN = 3  #: withdrawn after an upheld objection


#: The end day of a record that does not end by itself (an indefinite listing, a lifelong ban).
NEVER = int(np.iinfo(np.int32).max)


class Table:
    """A growable table: subclasses declare :attr:`COLUMNS` (name -> dtype) and :attr:`DEFAULTS` (the value
    of a column a row is added without; 0 unless given). ``table.<column>`` is a view of the rows so far."""

    COLUMNS: ClassVar[dict[str, np.dtype]] = {}
    DEFAULTS: ClassVar[dict[str, object]] = {}

    def __init__(self, capacity: int = 1024):
        self._cap = max(capacity, 16)
        self.n = 0
        self._data = {k: self._blank(k, d, self._cap) for k, d in self.COLUMNS.items()}

    def _blank(self, name: str, dtype: np.dtype, size: int) -> np.ndarray:
        return np.full(size, self.DEFAULTS.get(name, 0), dtype=dtype)

    def __len__(self) -> int:
        return self.n

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.n]
        raise AttributeError(name)

    def add(self, **values: np.ndarray | int | float) -> np.ndarray:
        """Append rows (``enterprise`` gives their number; scalars broadcast; a column not given takes its
        default); returns their ids."""
        k = len(np.asarray(values["enterprise"]))
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        if self.n + k > self._cap:
            while self.n + k > self._cap:
                self._cap += self._cap // 2
            for name, arr in self._data.items():
                grown = self._blank(name, arr.dtype, self._cap)
                grown[: self.n] = arr[: self.n]
                self._data[name] = grown
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        for name, value in values.items():
            self._data[name][self.n : self.n + k] = value
        self.n += k
        return ids


class Records(Table):
    """Public credit records: penalty decisions and dishonesty listings (days since the start)."""

    COLUMNS: ClassVar[dict[str, np.dtype]] = {
        "enterprise": np.dtype(np.int64),
        "kind": np.dtype(np.int8),  #: RecordKind code
        "severity": np.dtype(np.int8),
        "recorded": np.dtype(np.int32),  #: day of the decision (a listing's start)
        "ends": np.dtype(np.int32),  #: day the display ends by itself (publicity or listing end; NEVER)
        "status": np.dtype(np.int8),
        "violation": np.dtype(np.int64),  #: the violation behind it (row of Violations), -1 none
        "ban_ends": np.dtype(np.int32),  #: a penalty's ban ends on this day (NEVER lifelong), -1 no ban
        "wrongful": np.dtype(bool),  #: a penalty on a violation that did not happen (a false positive)
        "corrected": np.dtype(bool),  #: the underlying violation was corrected in time
        "decided_month": np.dtype(np.int32),  #: month of a penalty decision (the tally of wrongful penalties)
        "busy": np.dtype(bool),  #: a repair review is running
        "final": np.dtype(bool),  #: repair refused for good (e.g. a lifelong ban)
        "previous": np.dtype(np.int64),  #: the enterprise's penalty recorded before this one, -1 none (penalties)
    }
    DEFAULTS: ClassVar[dict[str, object]] = {
        "violation": -1,
        "ban_ends": -1,
        "status": int(Status.DISPLAYED),
        "previous": -1,
    }


class Violations(Table):
    """Detected violations as the record summary sees them (days since the start; int32 rows and
    enterprises: a run holds fewer than 2**31 of either)."""

    COLUMNS: ClassVar[dict[str, np.dtype]] = {
        "enterprise": np.dtype(np.int32),
        "day": np.dtype(np.int32),  #: day it was detected
        "severity": np.dtype(np.int8),
        "item": np.dtype(np.int16),
        "inspection": np.dtype(np.int32),  #: the inspection that found it (row of InspectionLog), -1 none
        "rectify_by": np.dtype(np.int32),  #: deadline of the rectification order, -1 none ordered
        "previous": np.dtype(np.int32),  #: the enterprise's violation recorded before this one, -1 none
        "live": np.dtype(bool),  #: not withdrawn
        "open": np.dtype(bool),  #: counts in open_rectifications
        "failed": np.dtype(bool),  #: counts in failed_rectifications_36m (while in the window)
    }
    DEFAULTS: ClassVar[dict[str, object]] = {"inspection": -1, "rectify_by": -1, "previous": -1, "live": True}


class InspectionLog(Table):
    """Inspections as the record summary sees them (days since the start)."""

    COLUMNS: ClassVar[dict[str, np.dtype]] = {
        "enterprise": np.dtype(np.int32),
        "day": np.dtype(np.int32),
        "found": np.dtype(np.int16),  #: live violations that refer to it (0: a clean inspection)
    }


__all__ = ["NEVER", "InspectionLog", "Records", "Status", "Table", "Violations"]
