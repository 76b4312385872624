"""Public credit records the simulation creates: penalty decisions and dishonesty listings.

One row per record, in growable numpy columns. Records are what an enterprise applies to repair and
objects against; their status drives ``displayed_penalties`` and the listing columns of the batch.
"""

from __future__ import annotations

import enum

import numpy as np


class Status(enum.IntEnum):
    DISPLAYED = 0  #: on public display (penalty within its publicity period; listing in force)
    EXPIRED = 1  #: publicity period or listing over
    REPAIRED = 2  #: display removed by credit repair
    WITHDRAWN = 3  #: withdrawn after an upheld objection


class Records:
    """Growable columnar table of records."""

    COLUMNS: dict[str, np.dtype] = {
        "enterprise": np.dtype(np.int64),
        "kind": np.dtype(np.int8),  #: RecordKind code
        "severity": np.dtype(np.int8),
        "item": np.dtype(np.int16),
        "recorded": np.dtype(np.int32),  #: day of the decision
        "ends": np.dtype(np.int32),  #: day the display ends by itself (publicity or listing end)
        "status": np.dtype(np.int8),
        "wrongful": np.dtype(bool),  #: based on a violation that did not happen (a false positive)
        "corrected": np.dtype(bool),  #: the underlying violation was corrected in time
        "detected_month": np.dtype(np.int32),  #: month the underlying violation was detected
        "decided_month": np.dtype(np.int32),  #: month of the penalty decision (metrics)
        "busy": np.dtype(bool),  #: a repair or objection review is running
        "final": np.dtype(bool),  #: repair refused for good (e.g. a lifelong ban)
        "fine": np.dtype(np.float64),
    }

    def __init__(self, capacity: int = 1024):
        self._cap = max(capacity, 16)
        self.n = 0
        self._data = {k: np.zeros(self._cap, dtype=d) for k, d in self.COLUMNS.items()}

    def __len__(self) -> int:
        return self.n

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.n]
        raise AttributeError(name)

    def add(self, **values: np.ndarray) -> np.ndarray:
        """Append rows (every column but ``status``/``busy``/``final``, which start as DISPLAYED/False);
        returns their ids."""
        k = len(values["enterprise"])
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        if self.n + k > self._cap:
            while self.n + k > self._cap:
                self._cap *= 2
            for name, arr in self._data.items():
                grown = np.zeros(self._cap, dtype=arr.dtype)
                grown[: self.n] = arr[: self.n]
                self._data[name] = grown
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        for name, value in values.items():
            self._data[name][self.n : self.n + k] = value
        self.n += k
        return ids
