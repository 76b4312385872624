"""Firm entry and exit: each month some enterprises leave the market and as many new ones are founded.

Enterprises exit at the yearly rate ``population.turnover_per_year`` (each alive enterprise, whatever its
type or record, with the same chance every month: :func:`monthly_exit_chance`), and each exit is
replaced by a new enterprise founded on the first day of the month, so the number of enterprises in the
market stays ``population.enterprises``. With a constant exit chance the share of enterprises founded in
the last twelve months is the yearly rate itself; docs/model.md ("Entry and exit") gives the source of the
shipped rate and what it changes (a new enterprise has no record: ``national`` grades it B at best).

Rows are never reused: a new enterprise takes a row of the member's *reserve*, rows after its
``population.enterprises`` whose attributes were drawn with the population (:func:`reserve_rows` of them,
enough for the expected entries plus eight standard deviations; were they ever used up, the population
would shrink by the missing entries, and :attr:`Turnover.short` counts them). An exited enterprise's row
stays as it was, out of the market (``world.alive`` False, so never ``active``): nothing the regulator
does reaches it again, and its record keeps its history. A new enterprise starts from the perception
prior, as the first ones did (its remembered inspections are set so that its perceived chance is the prior). The regulator grades a new enterprise on the day
it is founded (the jurisdiction's grading hook on its rows alone), as a registry classifies a new
registration (assumption: SAMR's classification covers every registered enterprise, new ones included).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from credsup.simulation.context import RunContext


def monthly_exit_chance(turnover_per_year: float | np.ndarray) -> float | np.ndarray:
    """The chance of an enterprise to exit in a month, from the yearly exit rate (``1 - (1 - r) ** (1/12)``)."""
    return 1.0 - np.power(1.0 - np.asarray(turnover_per_year, dtype=np.float64), 1.0 / 12.0)


def reserve_rows(enterprises: int, turnover_per_year: float, months: int) -> int:
    """Rows kept for the enterprises founded during ``months`` simulated months (warm-up included): the
    expected number of exits ``E = n * q * months`` plus ``8 * sqrt(E)`` (the exits are a sum of
    independent draws; 0 without turnover)."""
    if turnover_per_year <= 0.0 or enterprises <= 0 or months <= 0:
        return 0
    expected = enterprises * float(monthly_exit_chance(turnover_per_year)) * months
    return int(math.ceil(expected + 8.0 * math.sqrt(expected) + 8.0))


class Turnover:
    """The monthly exits and entries of one run, or of each member of a batch (each member's own draws
    and reserve). ``alive`` gives each member's enterprises in the market at the start (its first rows)."""

    def __init__(self, ctx: RunContext, alive: Sequence[int]):
        self.ctx = ctx
        members = ctx.members
        #: per member: the next reserve row a new enterprise takes, and the end of its rows
        self.next_row = members.offsets[:-1] + np.asarray(alive, dtype=np.int64)
        self.end = members.offsets[1:].copy()
        #: per member: entries that found no reserve row left (0 unless the reserve is exhausted)
        self.short = np.zeros(members.k, dtype=np.int64)
        #: the month's exits that were replaced (ascending rows) and the rows founded in their place
        self._left = np.zeros(0, dtype=np.int64)
        self._founded = np.zeros(0, dtype=np.int64)
        rate = ctx.params.member_value("population.turnover_per_year")
        self.on = bool(np.any(np.asarray(rate) > 0.0))

    def renew(self, day: int, t: int) -> np.ndarray:
        """Month ``t`` opens on ``day``: enterprises exit, as many are founded (registered ``day``); returns
        the rows of the new enterprises, which the regulator grades."""
        ctx = self.ctx
        if not self.on:
            return np.zeros(0, dtype=np.int64)
        w, members = ctx.world, ctx.members
        # one uniform per row and member-month, alive or not: a member's draws do not depend on its history
        u = members.random_all("turnover")
        chance = monthly_exit_chance(ctx.params.value("population.turnover_per_year"))
        leaving = np.flatnonzero((u < chance) & w.alive)
        w.alive[leaving] = False
        w.active[leaving] = False
        exits = members.count(leaving).astype(np.int64)
        ctx.tally.exits[t] += exits
        new, left = [], []
        starts = np.searchsorted(leaving, members.offsets)  # each member's exits: a slice (rows ascend)
        for m in np.flatnonzero(exits):
            first = int(self.next_row[m])
            take = min(int(exits[m]), int(self.end[m]) - first)
            self.short[m] += int(exits[m]) - take
            new.append(np.arange(first, first + take, dtype=np.int64))
            left.append(leaving[starts[m] : starts[m] + take])
            self.next_row[m] = first + take
        rows = np.concatenate(new) if new else np.zeros(0, dtype=np.int64)
        self._left = np.concatenate(left) if left else np.zeros(0, dtype=np.int64)
        self._founded = rows
        w.alive[rows] = True
        w.active[rows] = True
        w.cols["registered"][rows] = w.day64(day)
        # a new enterprise believes the prior, as the first ones did at the start: its remembered
        # inspections are the prior's share of the months everyone remembers (docs/model.md, "Entry and exit")
        prior = ctx.params.value("behaviour.perception.prior_per_year", rows) / 12.0
        experience = w.experience if not np.ndim(w.experience) else np.asarray(w.experience)[members.member[rows]]
        w.seen[rows] = np.asarray(prior * experience, dtype=np.float32)
        ctx.tally.entries[t] += members.count(rows)
        return rows

    def follow(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` with each enterprise that exited at the last :meth:`renew` replaced by the one founded in
        its place (the k-th exit of a member by its k-th new enterprise): a sample of the market, such as
        the probe of perceived costs, stays a sample of the market."""
        if len(self._left) == 0:
            return rows
        at = np.searchsorted(self._left, rows)
        hit = (at < len(self._left)) & (self._left[np.minimum(at, len(self._left) - 1)] == rows)
        if not hit.any():
            return rows
        out = rows.copy()
        out[hit] = self._founded[at[hit]]
        return out


__all__ = ["Turnover", "monthly_exit_chance", "reserve_rows"]
