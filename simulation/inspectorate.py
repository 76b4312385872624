"""The inspectorate: inspectors' capacity day by day, and the queues of work orders it serves.

Capacity is ``regulator.inspectors x visits_per_inspector_month`` department visits a month, spread
evenly over the month's working days and held in a ``simpy.Container``. Each working day the
inspectorate serves its queues in priority order (:data:`QUEUE_ORDER`), first come first served within
each, as far as the day's capacity goes; what does not fit waits (a backlog, never a free inspection),
and so does every lower-priority queue: while an order waits for capacity, the capacity left carries over
to the next day until the order fits (strict priority: a costly complaint verification is not starved by
cheaper spot checks). Capacity left on a day when every queue ran dry lapses: idle inspector time does
not carry over.

The orders served on a day go to :meth:`credsup.simulation.inspections.Inspections.visit` (what a visit
finds is not the inspectorate's business).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from credsup.simulation.context import RunContext
from credsup.simulation.queues import BatchQueue

#: Queues in the order they are served: complaint verifications and referrals, commitment checks,
#: full-coverage checks, spot checks.
QUEUE_ORDER = ("complaint", "commitment", "full", "spot")

#: Orders served on one day, by queue name, in :data:`QUEUE_ORDER`.
Orders = list[tuple[str, dict[str, np.ndarray]]]


class Inspectorate:
    """The inspectors of one run: capacity, queues and the daily dispatch."""

    def __init__(self, ctx: RunContext, visit: Callable[[Orders, int, int], None]):
        self.ctx = ctx
        self.visit = visit
        world, reg = ctx.world, ctx.scenario.regulator
        # capacity cost and burden of one inspection of each enterprise (department visits)
        extra = world.departments.astype(np.float64) - 1.0
        if ctx.schedule.joint_visits:
            #: capacity one inspection of each enterprise uses (visits)
            self.cost = 1.0 + reg.joint_visit_extra * extra
            #: visits one inspection of each enterprise makes (the burden it puts on the enterprise)
            self.visits = np.ones(world.n, dtype=np.float64)
        else:
            self.cost = world.departments.astype(np.float64)
            self.visits = self.cost
        self.capacity = simpy.Container(ctx.clock.env)
        self.queues = {
            "complaint": BatchQueue("complaint", {"source": np.int8, "due": np.int32}),
            "commitment": BatchQueue("commitment", {"false": bool}),
            "full": BatchQueue("full", {"yearly": bool}),
            "spot": BatchQueue("spot", {"yearly": bool}),
        }
        self._idle = True  #: the queues ran dry at the last dispatch (unused capacity then lapses)

    def order(self, queue: str, enterprise: np.ndarray, day: int, **columns: Any) -> None:
        """Queue inspections of ``enterprise`` (in that order) on day ``day``; ``columns`` are the
        queue's own (a complaint's ``source`` and ``due`` day, a commitment's ``false`` flag, whether a
        spot or full-coverage check was drawn by a ``yearly`` plan)."""
        self.queues[queue].push(enterprise=enterprise, queued=day, cost=self.cost[enterprise], **columns)

    def backlog(self, *queues: str) -> int:
        """Orders waiting in the named queues."""
        return sum(len(self.queues[name]) for name in queues)

    def process(self) -> Generator[simpy.Event, Any, None]:
        """The SimPy process: every working day, capacity arrives and the queues are served."""
        ctx = self.ctx
        clock = ctx.clock
        monthly = ctx.scenario.regulator.visits_per_month
        per_day = np.zeros(clock.months)
        for t in range(clock.months):
            days = clock.working_days(t)
            per_day[t] = monthly / days if days else 0.0
        for day in range(clock.end_day):
            if clock.working(day):
                clock.enter(day)
                month = clock.month_of(day)
                if self.capacity.level > 0 and self._idle:  # idle inspector time does not carry over
                    yield self.capacity.get(self.capacity.level)
                if per_day[month] > 0:
                    yield self.capacity.put(per_day[month])
                    ctx.tally.capacity[month] += per_day[month]
                used = self.dispatch(day, month)
                if used > 0:
                    yield self.capacity.get(min(used, self.capacity.level))
            yield clock.env.timeout(1)

    def dispatch(self, day: int, month: int) -> float:
        """Serve the queues in priority order within today's capacity; returns the capacity used."""
        budget = self.capacity.level
        orders: Orders = []
        for name in QUEUE_ORDER:
            if budget <= 1e-9:
                break
            got = self.queues[name].pop(budget)
            if len(got["enterprise"]):
                budget -= float(got["cost"].sum())
                orders.append((name, got))
            if len(self.queues[name]):
                # the head does not fit what is left today: lower priorities wait too, and the capacity
                # carries over until it fits (else cheap spot checks would take every day's remainder
                # and starve a costlier complaint verification for ever)
                break
        self._idle = not any(len(q) for q in self.queues.values())
        if not orders:
            return 0.0
        used = self.capacity.level - budget
        self.ctx.tally.used[month] += used
        self.visit(orders, day, month)
        return used


__all__ = ["QUEUE_ORDER", "Inspectorate", "Orders"]
