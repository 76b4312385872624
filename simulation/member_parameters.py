"""Scenario parameters of a batch's members: one scenario per member, read per row where they differ.

A batch (:mod:`credsup.simulation.members`) may stack members of different scenarios: a sweep's or a
Sobol' study's points. What the calendar and the shape of the hook calls need is the same for every
member (:data:`BATCH_KEYS`, checked by :func:`check_batchable`); everything else may differ, and each
part of the regulator reads it through :class:`MemberParameters`:

* :meth:`MemberParameters.value` gives a parameter for a set of rows: the plain Python value when every
  member has the same (the fast path: a batch of one scenario pays nothing), else one value per row,
  each member's, as an array of the ``dtype`` the plain value would take in the expression it enters
  (NumPy 2 casts a Python float to the array's dtype: against a float32 array pass ``np.float32``, so
  that every row computes exactly what its member computes alone);
* :meth:`MemberParameters.table` gives a per-code table (harm by severity ...), one row per member;
* :meth:`MemberParameters.categorical` draws item codes from each member's own item mix.

Elementwise arithmetic on a member's rows is the same whichever other rows share the array, so a member's
numbers are those of its run alone (the batch-independence tests, tests/test_batch.py).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from credsup.simulation.members import Members
from credsup.simulation.population import categorical, item_table
from credsup.simulation.scenario import Scenario

#: What every member of a batch shares (dotted paths into :class:`Scenario`): the calendar (one SimPy
#: clock for all: its start, length, warm-up and working week) and the vocabularies the hook calls'
#: columns are coded in (sector names, the item vocabulary).
BATCH_KEYS = ("start", "months", "warmup_months", "regulator.working_days_per_week")


def calendar_key(scenario: Scenario) -> tuple[Any, ...]:
    """What members of one batch must share: the :data:`BATCH_KEYS` values, the sector names and the
    item names (their shares may differ)."""
    return (
        *(operator.attrgetter(k)(scenario) for k in BATCH_KEYS),
        tuple(s.name for s in scenario.population.sectors),
        tuple(scenario.behaviour.items),
    )


def check_batchable(scenarios: Sequence[Scenario]) -> None:
    """Raise ``ValueError`` naming the first key on which a member's scenario differs from the first
    member's in what a batch shares (:func:`calendar_key`)."""
    names = [*BATCH_KEYS, "population.sectors (names)", "behaviour.items (names)"]
    first = calendar_key(scenarios[0])
    for m, sc in enumerate(scenarios[1:], start=1):
        for name, a, b in zip(names, first, calendar_key(sc)):
            if a != b:
                raise ValueError(
                    f"members of a batch share their calendar and vocabularies: member {m} has {name} = {b!r}, "
                    f"member 0 has {a!r} (run them in different batches)"
                )


def _same(values: Sequence[Any]) -> bool:
    """Every value equal to the first, and of its type (``1`` and ``1.0`` enter numpy expressions apart)."""
    first = values[0]
    return all(type(v) is type(first) and v == first for v in values[1:])


class MemberParameters:
    """The members' scenarios, read per row (see the module docstring). ``members`` is ``None`` for a
    run alone (then every value is plain)."""

    def __init__(self, scenarios: Sequence[Scenario], members: Members | None = None):
        if members is not None and len(scenarios) != members.k:
            raise ValueError(f"{len(scenarios)} scenarios for {members.k} members")
        if members is None and len(scenarios) != 1:
            raise ValueError("several scenarios need the batch's members")
        self.scenarios = list(scenarios)
        self.members = members
        #: every member has the very same scenario object: nothing is ever per row
        self.shared = all(sc is self.scenarios[0] for sc in self.scenarios)
        self._values: dict[tuple[str, Any], Any] = {}
        self._tables: dict[tuple[str, Any], np.ndarray] = {}
        names, shares, _ = item_table(self.scenarios[0])
        self.items = names
        #: each member's item shares (over the shared item vocabulary)
        self.item_shares = [shares] + [item_table(sc)[1] for sc in self.scenarios[1:]]
        self._same_items = all(np.array_equal(s, shares) for s in self.item_shares[1:])

    def per_member(self, path: str) -> list[Any]:
        """Each member's value of the scenario parameter at ``path`` (``"regulator.detection_probability"``)."""
        get = operator.attrgetter(path)
        if self.shared:
            return [get(self.scenarios[0])] * len(self.scenarios)
        return [get(sc) for sc in self.scenarios]

    def uniform(self, path: str) -> bool:
        """Whether every member has the same value at ``path``."""
        return _same(self.per_member(path))

    def value(self, path: str, rows: np.ndarray | None = None, dtype: Any = np.float64) -> Any:
        """The parameter at ``path`` for ``rows`` (enterprise rows; ``None``: every row of the world): the
        plain value if every member has the same, else each row's member's value (an array of ``dtype``)."""
        hit = self.member_value(path, dtype)
        if not isinstance(hit, np.ndarray):
            return hit
        assert self.members is not None
        member = self.members.member
        return hit[member] if rows is None else hit[member[rows]]

    def member_value(self, path: str, dtype: Any = np.float64) -> Any:
        """The parameter at ``path``: the plain value if every member has the same, else each member's
        (an array of ``dtype``, one per member)."""
        key = (path, np.dtype(dtype))
        hit = self._values.get(key)
        if hit is None:
            values = self.per_member(path)
            hit = values[0] if _same(values) else np.array(values, dtype=dtype)
            self._values[key] = hit
        return hit

    def table(self, name: str, build: Callable[[Scenario], Any], dtype: Any = np.float64) -> np.ndarray:
        """Each member's table ``build(scenario)`` (one value per code), as ``[K, codes]`` of ``dtype``
        (cached under ``name``); look a row's value up with :meth:`lookup`."""
        key = (name, np.dtype(dtype))
        hit = self._tables.get(key)
        if hit is None:
            if self.shared:
                one = np.asarray(build(self.scenarios[0]), dtype=dtype)
                hit = np.broadcast_to(one, (len(self.scenarios), len(one)))
            else:
                hit = np.array([build(sc) for sc in self.scenarios], dtype=dtype)
            self._tables[key] = hit
        return hit

    def lookup(
        self,
        name: str,
        build: Callable[[Scenario], Any],
        rows: np.ndarray,
        code: np.ndarray,
        dtype: Any = np.float64,
    ) -> np.ndarray:
        """``table[member of row, code]`` for each of ``rows`` (``code``: one per row): what
        ``np.asarray(build(scenario), dtype)[code]`` gives each member alone."""
        table = self.table(name, build, dtype)
        if self.shared or self.members is None or self.members.k == 1:
            return table[0][code]
        return table[self.members.member[rows], code]

    def categorical(self, u: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Item codes from uniforms ``u`` (one per row of ``rows``), each from its member's item shares
        (:func:`credsup.simulation.population.categorical`)."""
        if self._same_items or self.members is None:
            return categorical(u, self.item_shares[0])
        out = np.zeros(len(rows), dtype=np.intp)
        for m, pos in enumerate(self.members.split(rows)):
            if len(pos):
                out[pos] = categorical(u[pos], self.item_shares[m])
        return out


__all__ = ["BATCH_KEYS", "MemberParameters", "calendar_key", "check_batchable"]
