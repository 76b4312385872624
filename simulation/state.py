"""The simulated world's state: columnar numpy arrays, one row per enterprise.

:class:`World` holds three kinds of column:

* the **batch columns**, exactly those of :class:`credsup.core.EnterpriseBatch` with its dtypes: the
  attributes and the record summary hooks read. They are allocated once and only ever updated in place,
  so :attr:`World.batch` is built once and stays a live view: no copy per period.
* the **hidden** columns the regulator never sees: honesty, gain, perceived inspection chance,
  departments, the violation in progress.
* bookkeeping for the regulator (queued orders, who is active).

The record-summary columns are written only by the world's :class:`~credsup.simulation.credit_record.CreditRecord`
(``world.record``), which keeps them to the one definition registry mode also follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from credsup.core import EnterpriseBatch
from credsup.core.vocabulary import REGIONS
from credsup.simulation.credit_record import CreditRecord, count_at

DAY = np.timedelta64(1, "D")


class World:
    """Enterprises as columns. Build with :func:`credsup.simulation.population.generate`."""

    def __init__(self, n: int, start: dt.date, sectors: Sequence[str], items: Sequence[str]):
        self.n = n
        self.start = np.datetime64(start, "D")
        self.sectors = tuple(sectors)
        self.items = tuple(items)
        # -- the batch columns, each allocated once with the schema's dtype and default
        self.cols: dict[str, np.ndarray] = {spec.name: spec.filled(n) for spec in EnterpriseBatch.columns()}
        #: in the market: founded and not exited (docs/model.md, "Entry and exit": the reserve's rows are
        #: not alive until their enterprise is founded; an exited enterprise's row never is again)
        self.alive = np.ones(n, dtype=bool)
        self.active = np.ones(n, dtype=bool)  #: alive and not banned from the market
        # -- the credit record, which keeps the record-summary columns (some of them in blocks it allocates)
        self.record = CreditRecord(self.cols, start, len(self.items), self.active, self.alive)
        #: read-only views of the live columns: hooks see every in-place update, and cannot write
        self.batch = EnterpriseBatch(**self.cols, sectors=self.sectors, regions=REGIONS).readonly()
        # -- hidden traits (set by the population generator)
        self.etype = np.zeros(n, dtype=np.int8)  #: enterprise type code (scenario.TYPE_NAMES), persistent
        self.honesty = np.zeros(n, dtype=np.float32)
        self.deterrence = np.ones(n, dtype=np.float32)  #: the type's response to the expected sanction
        self.opportunity = np.zeros(n, dtype=np.float32)  #: the type's monthly chance to weigh violating
        self.gain = np.zeros(n, dtype=np.float32)  #: yuan a month from a general violation
        self.departments = np.ones(n, dtype=np.int8)
        self.harm_factor = np.ones(n, dtype=np.float32)  #: scales the harm of this enterprise's violations
        self.inspected = np.zeros(n, dtype=bool)  #: inspected this month, not on a complaint (perception)
        self.seen = np.zeros(n, dtype=np.float32)  #: remembered inspections (perception, docs/model.md)
        #: remembered months, the same for every enterprise (docs/model.md); in a batch whose members
        #: differ in perception, one per member (float64[K])
        self.experience: float | np.ndarray = 0.0
        #: weight of the prior now, in months (it fades like experience); one per member as experience
        self.prior_weight: float | np.ndarray = 0.0
        # -- the violation in progress
        self.violating = np.zeros(n, dtype=bool)
        self.v_since = np.zeros(n, dtype=np.int32)  #: day (since start) the undetected stretch began
        self.v_severity = np.zeros(n, dtype=np.int8)
        self.v_item = np.zeros(n, dtype=np.int16)
        self.v_harm = np.zeros(n, dtype=np.float32)
        self.under_order = np.zeros(n, dtype=bool)  #: detected; a rectification order is running
        # -- regulator bookkeeping
        self.spot_queued = np.zeros(n, dtype=bool)
        #: calendar year in which a yearly plan last drew the enterprise (0: never); core.plans
        self.spot_year = np.zeros(n, dtype=np.int16)
        self.repaired_day = np.full(n, -1, dtype=np.int32)  #: day of the last approved repair, -1 none
        self.repair_relapsed = np.zeros(n, dtype=bool)

    # -- time ------------------------------------------------------------------------------------------

    def date(self, day: int) -> dt.date:
        """Calendar date of simulation day ``day``."""
        return (self.start + int(day) * DAY).astype(dt.date)

    def day64(self, day: int) -> np.datetime64:
        return self.start + int(day) * DAY

    def memory_bytes(self) -> int:
        """Bytes held by the enterprise columns (not counting the credit record's event tables)."""
        arrays = [a for a in vars(self).values() if isinstance(a, np.ndarray)] + list(self.cols.values())
        return int(sum(a.nbytes for a in arrays))


__all__ = ["World", "count_at"]
