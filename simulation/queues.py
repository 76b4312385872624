"""Columnar first-in first-out queues of work orders: a backlog costs arrays, not Python objects.

An order is one row: the enterprise, the day it was queued, its capacity cost (department visits) and
any further columns the caller gives (the due day of a complaint, whether a commitment is false ...).
Orders are pushed and popped in batches; :meth:`MemberQueue.pop` takes the longest head of the queue
whose cost fits the capacity at hand, so a policy that asks for more than the inspectors can do builds a
backlog instead of getting free inspections. A run alone is a batch of one member.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import ArrayLike


class MemberQueue:
    """One queue of work orders for each member of a batch (:mod:`credsup.simulation.members`), stored
    together: each member's orders are a FIFO of their own, served as if the member's queue were alone
    (no member's orders or budget change what another gets), and all members are served in one pass of
    numpy calls.

    Every order carries its ``member``. :meth:`pop` takes, for each member, the longest head of its orders
    whose cost fits its budget, chunk by chunk (a member stops at the first chunk it cannot take whole); the running cost of each member's orders is summed in its own order.
    """

    def __init__(self, name: str, columns: dict[str, np.dtype | type], members: int):
        self.name = name
        self.k = members
        self.columns: dict[str, np.dtype] = {
            "enterprise": np.dtype(np.int64),
            "queued": np.dtype(np.int32),
            "cost": np.dtype(np.float64),
            "member": np.dtype(np.intp),
            **{k: np.dtype(v) for k, v in columns.items()},
        }
        self._chunks: deque[dict[str, np.ndarray]] = deque()
        #: orders waiting, per member
        self.lengths = np.zeros(members, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.lengths.sum())

    def push(self, **values: ArrayLike) -> None:
        """Append orders (every column, ``member`` included; scalars broadcast), in the order they are to
        be served."""
        if set(values) != set(self.columns):
            raise ValueError(f"queue {self.name}: expected columns {sorted(self.columns)}, got {sorted(values)}")
        n = len(values["enterprise"])  # type: ignore[arg-type]
        if n == 0:
            return
        chunk = {}
        for k, v in values.items():
            dtype = self.columns[k]
            chunk[k] = np.array(v, dtype=dtype) if np.ndim(v) else np.full(n, v, dtype=dtype)
        self._chunks.append(chunk)
        self.lengths += np.bincount(chunk["member"], minlength=self.k)

    def _cumulative(self, cost: np.ndarray, member: np.ndarray) -> np.ndarray:
        """The running total of each member's costs, in order, restarting for each member (exact: each
        member's sums are added one after the other, as ``np.cumsum`` of its costs alone)."""
        if self.k == 1:
            return np.cumsum(cost)
        order = np.argsort(member, kind="stable")
        ms = member[order]
        counts = np.bincount(ms, minlength=self.k)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        pos = np.arange(len(ms)) - starts[ms]
        pad = np.zeros((self.k, int(counts.max())))
        pad[ms, pos] = cost[order]
        np.cumsum(pad, axis=1, out=pad)
        out = np.empty(len(cost))
        out[order] = pad[ms, pos]
        return out

    def pop(self, budget: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Remove and return, for each member, the longest head of its orders whose total cost is at most
        its ``budget`` (float64[K]); also returns what each member's budget has left."""
        left = np.array(budget, dtype=np.float64)
        blocked = ~(left > 0)
        taken: list[dict[str, np.ndarray]] = []
        kept: list[dict[str, np.ndarray]] = []
        while self._chunks:
            if blocked.all():
                break
            chunk = self._chunks.popleft()
            mem = chunk["member"]
            here = ~blocked[mem]
            if not here.any():
                kept.append(chunk)
                continue
            cum = self._cumulative(chunk["cost"], mem)
            take = here & (cum <= left[mem] + 1e-9)
            rows = np.bincount(mem[here], minlength=self.k)
            took = np.bincount(mem[take], minlength=self.k)
            if take.any():
                last = np.zeros(self.k)
                np.maximum.at(last, mem[take], cum[take])  # the running total at each member's last order taken
                some = took > 0
                left[some] -= last[some]
                self.lengths -= took
            blocked |= ((rows > 0) & (took < rows)) | ~(left > 0)
            if take.all():
                taken.append(chunk)
                continue
            if take.any():
                taken.append({c: a[take] for c, a in chunk.items()})
                rest = ~take
                kept.append({c: a[rest] for c, a in chunk.items()})
            else:
                kept.append(chunk)
        self._chunks.extendleft(reversed(kept))
        if not taken:
            return self._empty(), left
        if len(taken) == 1:
            return taken[0], left
        return {c: np.concatenate([t[c] for t in taken]) for c in self.columns}, left

    def _empty(self) -> dict[str, np.ndarray]:
        return {c: np.zeros(0, dtype=d) for c, d in self.columns.items()}

    def drop_orders_before(self, day: int | np.ndarray) -> dict[str, np.ndarray]:
        """Remove every member's orders queued before ``day`` (they are at the head); returns them.
        ``day`` may be one per member (int64[K]): each member's orders queued before its own day."""
        if np.ndim(day):
            return self._drop_orders_before_each(np.asarray(day, dtype=np.int64))
        dropped: list[dict[str, np.ndarray]] = []
        while self._chunks:
            chunk = self._chunks[0]
            k = int(np.searchsorted(chunk["queued"], day, side="left"))  # queued days never decrease
            if k == 0:
                break
            dropped.append({c: a[:k] for c, a in chunk.items()})
            self.lengths -= np.bincount(chunk["member"][:k], minlength=self.k)
            if k == len(chunk["queued"]):
                self._chunks.popleft()
            else:
                self._chunks[0] = {c: a[k:] for c, a in chunk.items()}
                break
        if not dropped:
            return self._empty()
        return {c: np.concatenate([d[c] for d in dropped]) for c in self.columns}

    def _drop_orders_before_each(self, days: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`drop_orders_before` with a day per member: from the head, each chunk loses the orders
        queued before their member's day; what stays keeps its order and its chunk (so each member's
        queue is the one it has alone)."""
        last = int(days.max())
        dropped: list[dict[str, np.ndarray]] = []
        kept: list[dict[str, np.ndarray]] = []
        while self._chunks and int(self._chunks[0]["queued"][0]) < last:
            chunk = self._chunks.popleft()
            drop = chunk["queued"] < days[chunk["member"]]
            if not drop.any():
                kept.append(chunk)
                continue
            dropped.append({c: a[drop] for c, a in chunk.items()})
            self.lengths -= np.bincount(chunk["member"][drop], minlength=self.k)
            if not drop.all():
                kept.append({c: a[~drop] for c, a in chunk.items()})
        self._chunks.extendleft(reversed(kept))
        if not dropped:
            return self._empty()
        return {c: np.concatenate([d[c] for d in dropped]) for c in self.columns}

    def column(self, name: str) -> np.ndarray:
        """All queued values of one column, head first (every member's, for metrics and tests)."""
        if not self._chunks:
            return np.zeros(0, dtype=self.columns[name])
        return np.concatenate([c[name] for c in self._chunks])
