"""Simulation time: days since the scenario's start, monthly periods, working days, and scheduling.

SimPy's clock counts whole days from the scenario's ``start`` (day 0). Period ``t`` runs from
``start + t months`` to ``start + t + 1 months`` (calendar months, :func:`credsup.core.months.add_months`).
Review times given in working days become calendar days with the scenario's working week. Anything due
on a later day is filed in the day's agenda (:meth:`Clock.at`): a batch of work, never one process per
enterprise. The regulator's one SimPy process walks the days and runs each day in a fixed order (the
month's opening, then the agenda in the order it was filed, then the inspectors' dispatch), so what a run
does on a day does not depend on when its actions were scheduled relative to other runs in a batch.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable

import numpy as np
import simpy

from credsup.core import Period
from credsup.core.months import add_months


def month_starts(start: dt.date, months: int) -> np.ndarray:
    """Day offsets from ``start`` of each monthly period's first day, plus the day after the last period."""
    return np.array([(add_months(start, t) - start).days for t in range(months + 1)], dtype=np.int64)


class Clock:
    """The calendar of one run on its SimPy environment."""

    def __init__(self, env: simpy.Environment, start: dt.date, months: int, working_days_per_week: int):
        self.env = env
        self.start = start
        self.months = months
        #: first day of each period, plus the day after the last one
        self.starts = month_starts(start, months)
        #: the day after the last period (the run ends there)
        self.end_day = int(self.starts[-1])
        self.working_days_per_week = working_days_per_week
        self._day = -1
        self._on_new_day: list[Callable[[int], None]] = []
        self._agenda: dict[int, deque[Callable[[], None]]] = {}

    def on_new_day(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(day)`` once on each new day, before anything else happens on it (see :meth:`enter`)."""
        self._on_new_day.append(listener)

    def enter(self, day: int) -> None:
        """Whatever happens on ``day`` calls this first: the first call of a new day tells the listeners."""
        if day > self._day:
            self._day = day
            for listener in self._on_new_day:
                listener(day)

    @property
    def now(self) -> int:
        """Today, in days since the start."""
        return int(self.env.now)

    def month_of(self, day: int) -> int:
        """The period that ``day`` falls in (days outside the run go to the first or last period)."""
        period = int(np.searchsorted(self.starts, day, side="right")) - 1
        return min(max(period, 0), self.months - 1)

    def date(self, day: int) -> dt.date:
        """Calendar date of day ``day``."""
        return self.start + dt.timedelta(days=int(day))

    def period(self, t: int) -> Period:
        """Period ``t`` as the kernel's :class:`~credsup.core.Period`, labelled ``YYYY-MM``."""
        first = self.date(int(self.starts[t]))
        return Period(first, self.date(int(self.starts[t + 1])), label=first.strftime("%Y-%m"))

    def working(self, day: int) -> bool:
        """Whether inspectors work on day ``day`` (the first ``working_days_per_week`` weekdays)."""
        return self.date(day).weekday() < self.working_days_per_week

    def working_days(self, t: int) -> int:
        """Working days in period ``t``."""
        return sum(self.working(d) for d in range(int(self.starts[t]), int(self.starts[t + 1])))

    def calendar_days(self, working_days: np.ndarray) -> np.ndarray:
        """Working days -> calendar days (at least 0), at the scenario's working week."""
        per_week = self.working_days_per_week
        return np.ceil(np.asarray(working_days, dtype=np.float64) * 7.0 / per_week).astype(np.int64)

    def at(self, day: int, action: Callable[[], None]) -> None:
        """Run ``action`` on day ``day`` (today if it is in the past). Actions due on the same day run in
        the order they were filed (:meth:`run_due`)."""
        day = max(int(day), self.now)
        queue = self._agenda.get(day)
        if queue is None:
            queue = self._agenda[day] = deque()
        queue.append(action)

    def due(self, day: int) -> bool:
        """Whether actions are filed for ``day``."""
        return day in self._agenda

    def run_due(self, day: int) -> None:
        """Run the actions filed for ``day``, in order, including those they file for the same day."""
        queue = self._agenda.get(day)
        if queue is None:
            return
        self.enter(day)
        while queue:
            queue.popleft()()
        del self._agenda[day]


__all__ = ["Clock", "month_starts"]
