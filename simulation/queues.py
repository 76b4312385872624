"""Columnar first-in first-out queues of work orders: a backlog costs arrays, not Python objects.

An order is one row: the enterprise, the day it was queued, its capacity cost (department visits) and
any further columns the caller gives (the due day of a complaint, whether a commitment is false ...).
Orders are pushed and popped in batches; :meth:`BatchQueue.pop` takes the longest head of the queue
whose cost fits the capacity at hand, so a policy that asks for more than the inspectors can do builds a
backlog instead of getting free inspections.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import ArrayLike


class BatchQueue:
    """A FIFO of orders stored as chunks of equal-length numpy arrays (one dict of columns per chunk)."""

    def __init__(self, name: str, columns: dict[str, np.dtype | type]):
        self.name = name
        self.columns: dict[str, np.dtype] = {
            "enterprise": np.dtype(np.int64),
            "queued": np.dtype(np.int32),
            "cost": np.dtype(np.float64),
            **{k: np.dtype(v) for k, v in columns.items()},
        }
        self._chunks: deque[dict[str, np.ndarray]] = deque()
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def push(self, **values: ArrayLike) -> None:
        """Append orders; every column must be given (scalars broadcast), in the order they are to be served."""
        if set(values) != set(self.columns):
            raise ValueError(f"queue {self.name}: expected columns {sorted(self.columns)}, got {sorted(values)}")
        n = len(np.asarray(values["enterprise"]))
        if n == 0:
            return
        chunk = {k: np.broadcast_to(np.asarray(v, dtype=self.columns[k]), (n,)).copy() for k, v in values.items()}
        self._chunks.append(chunk)
        self._len += n

    def pop(self, budget: float) -> dict[str, np.ndarray]:
        """Remove and return the longest head of the queue whose total cost is at most ``budget``."""
        taken: list[dict[str, np.ndarray]] = []
        left = budget
        while self._chunks and left > 0:
            chunk = self._chunks[0]
            cum = np.cumsum(chunk["cost"])
            k = int(np.searchsorted(cum, left + 1e-9, side="right"))
            if k == 0:
                break
            if k == len(cum):
                taken.append(self._chunks.popleft())
            else:
                taken.append({c: a[:k] for c, a in chunk.items()})
                self._chunks[0] = {c: a[k:] for c, a in chunk.items()}
            left -= float(cum[k - 1])
            self._len -= k
            if k < len(cum):
                break
        if not taken:
            return {c: np.zeros(0, dtype=d) for c, d in self.columns.items()}
        if len(taken) == 1:
            return taken[0]
        return {c: np.concatenate([t[c] for t in taken]) for c in self.columns}

    def drop_queued_before(self, day: int) -> np.ndarray:
        """Remove the orders queued before ``day`` (they are at the head); returns their enterprises."""
        return self.drop_orders_before(day)["enterprise"]

    def drop_orders_before(self, day: int) -> dict[str, np.ndarray]:
        """Remove the orders queued before ``day`` (they are at the head); returns them, every column."""
        dropped: list[dict[str, np.ndarray]] = []
        while self._chunks:
            chunk = self._chunks[0]
            k = int(np.searchsorted(chunk["queued"], day, side="left"))  # queued days never decrease
            if k == 0:
                break
            dropped.append({c: a[:k] for c, a in chunk.items()})
            self._len -= k
            if k == len(chunk["queued"]):
                self._chunks.popleft()
            else:
                self._chunks[0] = {c: a[k:] for c, a in chunk.items()}
                break
        if not dropped:
            return {c: np.zeros(0, dtype=d) for c, d in self.columns.items()}
        return {c: np.concatenate([d[c] for d in dropped]) for c in self.columns}

    def column(self, name: str) -> np.ndarray:
        """All queued values of one column, head first (for metrics and tests)."""
        if not self._chunks:
            return np.zeros(0, dtype=self.columns[name])
        return np.concatenate([c[name] for c in self._chunks])
