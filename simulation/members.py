"""The members of a batched run: several independent runs of one jurisdiction stacked in one world.

A batch plays K *members* at once (replications with different seeds, and points with different
scenario parameters and sizes: everything but the calendar and the vocabularies may differ,
:mod:`credsup.simulation.member_parameters`), their enterprises stacked member after member in one set
of columns: member ``m`` owns the rows ``offsets[m]:offsets[m + 1]``. Everything the parts do row by row (hook calls, the credit record, the
columns) serves every member in one numpy call; what belongs to one run stays per member:

* **random streams**: each member draws from its own generators (:mod:`credsup.simulation.streams`),
  exactly the numbers it would draw alone and in the same order (:meth:`Members.random`): the draws for
  a stacked set of rows are split by member, keeping each member's rows in their order;
* **counts**: the tally has a member axis (:func:`stacked_tally`); :meth:`Members.count` and
  :meth:`Members.bincount` add each member's rows to its own counts, in its own order (``np.bincount``
  sums in input order, so a member's float sums are the same whichever members share the batch);
* **inspectors**: capacity and queues are per member (:mod:`credsup.simulation.inspectorate`);
* **scenario parameters**: each member's, read per row where members differ
  (:class:`credsup.simulation.member_parameters.MemberParameters`); perception's experience and prior
  weight become one per member when the members' perception differs.

The invariant every part keeps: restricted to one member's rows, every stacked array is that member's
array in a batch of its own (rows shifted by the member's offset). A batch of one is the ordinary run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from credsup.simulation.credit_record import CreditRecord
from credsup.simulation.state import World
from credsup.simulation.tally import Tally


class Members:
    """Row ranges of the members of a stacked world, and their random streams.

    ``sizes`` are the members' enterprise counts (rows are stacked member after member); ``rngs`` one
    dict of named generators per member (:func:`credsup.simulation.streams.streams`).
    """

    def __init__(self, sizes: Sequence[int], rngs: Sequence[dict[str, np.random.Generator]]):
        if len(sizes) != len(rngs) or not sizes:
            raise ValueError("a batch needs at least one member, with one set of random streams each")
        self.k = len(sizes)
        self.sizes = np.asarray(sizes, dtype=np.int64)
        #: first row of each member, plus the total
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        self.n = int(self.offsets[-1])
        #: member of each row
        self.member = np.repeat(np.arange(self.k, dtype=np.intp), self.sizes)
        self.rngs = list(rngs)

    # -- counts --------------------------------------------------------------------------------------

    def count(self, rows: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Per member: the number of ``rows`` (enterprise rows) it owns (int64[K]), or the sum of their
        ``weights`` (float64[K], summed in row order)."""
        if self.k == 1:
            if weights is None:
                return np.array([float(len(rows))])
            return np.bincount(np.zeros(len(rows), dtype=np.intp), weights=weights, minlength=1)
        return np.bincount(self.member[rows], weights=weights, minlength=self.k)

    def bincount(self, rows: np.ndarray, code: np.ndarray, width: int, weights: np.ndarray | None = None) -> np.ndarray:
        """Per member, ``np.bincount(code, weights, minlength=width)`` over the ``rows`` it owns
        (``[K, width]``, int64 counts or float64 sums; ``code`` in ``[0, width)``, one per row)."""
        code = np.asarray(code, dtype=np.intp)
        if self.k > 1:
            code = self.member[rows] * width + code
        return np.bincount(code, weights=weights, minlength=self.k * width).reshape(self.k, width)

    # -- random numbers ------------------------------------------------------------------------------

    def random(self, stream: str, rows: np.ndarray, dtype: Any = np.float64, lead: int = 0) -> np.ndarray:
        """Uniforms in [0, 1), one per row of ``rows`` (enterprise rows, any order), each member's drawn
        from its own ``stream`` in the order of its rows: what ``rng.random(len(rows))`` gives a member
        alone. With ``lead`` > 0 the result is ``[lead, len(rows)]``, as ``rng.random((lead, len(rows)))``."""
        shape = (lead, len(rows)) if lead else (len(rows),)
        if self.k == 1:
            return self.rngs[0][stream].random(shape, dtype=dtype)
        mem = self.member[rows]
        counts = np.bincount(mem, minlength=self.k)
        order = np.argsort(mem, kind="stable")
        parts = [
            self.rngs[m][stream].random((lead, int(c)) if lead else int(c), dtype=dtype)
            for m, c in enumerate(counts)
            if c
        ]
        out = np.empty(shape, dtype=dtype)
        if parts:
            out[..., order] = np.concatenate(parts, axis=-1)
        return out

    def integers(self, stream: str, rows: np.ndarray, high: int) -> np.ndarray:
        """Integers in [0, ``high``), one per row of ``rows`` (enterprise rows, any order), each member's
        drawn from its own ``stream`` in the order of its rows: what ``rng.integers(0, high, len(rows))``
        gives a member alone (int64)."""
        if self.k == 1:
            return self.rngs[0][stream].integers(0, high, size=len(rows))
        mem = self.member[rows]
        counts = np.bincount(mem, minlength=self.k)
        order = np.argsort(mem, kind="stable")
        out = np.empty(len(rows), dtype=np.int64)
        parts = [self.rngs[m][stream].integers(0, high, size=int(c)) for m, c in enumerate(counts) if c]
        if parts:
            out[order] = np.concatenate(parts)
        return out

    def random_all(self, stream: str, dtype: Any = np.float64) -> np.ndarray:
        """One uniform per row of the world, each member's from its own ``stream`` (``rng.random(n)``)."""
        if self.k == 1:
            return self.rngs[0][stream].random(self.n, dtype=dtype)
        return np.concatenate([r[stream].random(int(s), dtype=dtype) for r, s in zip(self.rngs, self.sizes)])

    def shuffle(self, stream: str, rows: np.ndarray) -> np.ndarray:
        """``rows`` (sorted by member) in random order within each member, each member's order drawn from
        its own ``stream`` (``rows[rng.permutation(len(rows))]`` alone)."""
        if self.k == 1:
            return rows[self.rngs[0][stream].permutation(len(rows))]
        counts = np.bincount(self.member[rows], minlength=self.k)
        bounds = np.concatenate([[0], np.cumsum(counts)])
        out = rows.copy()
        for m, c in enumerate(counts):
            if c:
                part = rows[bounds[m] : bounds[m + 1]]
                out[bounds[m] : bounds[m + 1]] = part[self.rngs[m][stream].permutation(int(c))]
        return out

    def split(self, rows: np.ndarray) -> list[np.ndarray]:
        """Positions in ``rows`` (enterprise rows, any order) of each member's rows, in their order."""
        if self.k == 1:
            return [np.arange(len(rows))]
        mem = self.member[rows]
        order = np.argsort(mem, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(mem, minlength=self.k))]).tolist()
        return [order[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]


# ----------------------------------------------------------------------------------------- the tally


def stacked_tally(periods: int, k: int) -> Tally:
    """A tally whose every count has a member axis after the period: ``tally.inspections[t, m, g]``."""
    one = Tally.zeros(periods)
    arrays = {name: np.zeros((periods, k, *a.shape[1:]), dtype=a.dtype) for name, a in _arrays(one).items()}
    return Tally(periods=periods, **arrays)


def member_tally(tally: Tally, m: int) -> Tally:
    """Member ``m``'s counts of a :func:`stacked_tally` (views: an ordinary one-run tally)."""
    return Tally(periods=tally.periods, **{name: a[:, m] for name, a in _arrays(tally).items()})


def _arrays(tally: Tally) -> dict[str, np.ndarray]:
    return {f.name: getattr(tally, f.name) for f in attrs.fields(Tally) if f.name != "periods"}


# ------------------------------------------------------------------------------- stacking populations


class _MemberRecord:
    """A member's view of the stacked credit record while its population is generated: the history's
    events go to the stacked record, with the member's rows shifted by its offset."""

    #: record methods whose first argument is enterprise rows (the ones a population's history uses)
    _BY_ENTERPRISE = frozenset(
        {"inspect", "detect", "commit", "complain", "founded", "found_false", "penalise", "list"}
    )

    def __init__(self, record: CreditRecord, offset: int):
        self._record = record
        self._offset = offset

    def __getattr__(self, name: str) -> Any:
        if name not in self._BY_ENTERPRISE:
            raise AttributeError(f"a member's record while generating a population has no {name!r}")
        method = getattr(self._record, name)
        offset = self._offset

        def shifted(enterprise: np.ndarray, *args: Any, **kwargs: Any) -> Any:
            return method(np.asarray(enterprise, dtype=np.int64) + offset, *args, **kwargs)

        return shifted


class MemberWorld(World):
    """Member ``m``'s rows of a stacked world, as a :class:`World` of its own size whose columns are views
    of the stacked ones (what a population generator writes lands in the stacked world)."""

    def __init__(self, stacked: World, start: int, stop: int):
        self.n = stop - start
        self.start = stacked.start
        self.sectors = stacked.sectors
        self.items = stacked.items
        self.cols = {name: col[start:stop] for name, col in stacked.cols.items()}
        for name, value in vars(stacked).items():
            if isinstance(value, np.ndarray) and value.shape[:1] == (stacked.n,):
                setattr(self, name, value[start:stop])
        self.record = _MemberRecord(stacked.record, start)  # type: ignore[assignment]
        self.experience = stacked.experience
        self.prior_weight = stacked.prior_weight


__all__ = ["MemberWorld", "Members", "member_tally", "stacked_tally"]
