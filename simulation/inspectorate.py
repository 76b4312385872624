"""The inspectorate: inspectors' capacity day by day, and the queues of work orders it serves.

Capacity is ``regulator.inspectors x visits_per_inspector_month`` department visits a month, spread
evenly over the month's working days (the level behaves as a ``simpy.Container``'s). Each working day the
inspectorate serves its queues in priority order (:data:`QUEUE_ORDER`), first come first served within
each, as far as the day's capacity goes; what does not fit waits (a backlog, never a free inspection).
Capacity left on a day when every queue ran dry lapses: idle inspector time does not carry over.

The orders served on a day go to :meth:`credsup.simulation.inspections.Inspections.visit` (what a visit
finds is not the inspectorate's business).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from credsup.simulation.context import RunContext
from credsup.simulation.queues import BatchQueue

#: Queues in the order they are served: complaint verifications and referrals, commitment checks,
#: full-coverage checks, spot checks.
QUEUE_ORDER = ("complaint", "commitment", "full", "spot")

#: Orders served on one day, by queue name, in :data:`QUEUE_ORDER`.
Orders = list[tuple[str, dict[str, np.ndarray]]]


class Inspectorate:
    """The inspectors of one run, or of each member of a batch: capacity, queues and the daily dispatch.

    Each member has its own capacity and its own queues; a day's dispatch serves each member's queues
    within its capacity (exactly as a run alone), and the orders of all members go to one visit.
    """

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
        k = ctx.members.k
        #: capacity at hand, per member (visits); it behaves as a ``simpy.Container`` would: amounts
        #: arrive and are taken, never below zero
        self.level = [0.0] * k
        self.member_queues = [
            {
                "complaint": BatchQueue("complaint", {"source": np.int8, "due": np.int32}),
                "commitment": BatchQueue("commitment", {"false": bool}),
                "full": BatchQueue("full", {"yearly": bool}),
                "spot": BatchQueue("spot", {"yearly": bool}),
            }
            for _ in range(k)
        ]
        #: per member: the queues ran dry at the last dispatch (unused capacity then lapses)
        self._idle = [True] * k
        clock = ctx.clock
        monthly = reg.visits_per_month
        #: capacity arriving on each working day of each month (visits)
        self.per_day = np.zeros(clock.months)
        for t in range(clock.months):
            days = clock.working_days(t)
            self.per_day[t] = monthly / days if days else 0.0

    @property
    def queues(self) -> dict[str, BatchQueue]:
        """The queues of a run alone (a batch of one member)."""
        if self.ctx.members.k != 1:
            raise ValueError("a batch has queues per member: use member_queues")
        return self.member_queues[0]

    def order(self, queue: str, enterprise: np.ndarray, day: int, **columns: Any) -> None:
        """Queue inspections of ``enterprise`` (in that order) on day ``day``; ``columns`` are the
        queue's own (a complaint's ``source`` and ``due`` day, a commitment's ``false`` flag, whether a
        spot or full-coverage check was drawn by a ``yearly`` plan), one value or one per enterprise."""
        members = self.ctx.members
        if members.k == 1:
            self.member_queues[0][queue].push(enterprise=enterprise, queued=day, cost=self.cost[enterprise], **columns)
            return
        if len(enterprise) == 0:
            return
        for m, pos in enumerate(members.split(enterprise)):
            if len(pos):
                e = enterprise[pos]
                mine = {k: (v[pos] if np.ndim(v) else v) for k, v in columns.items()}
                self.member_queues[m][queue].push(enterprise=e, queued=day, cost=self.cost[e], **mine)

    def backlog(self, *queues: str) -> np.ndarray:
        """Orders waiting in the named queues, per member (float64[K])."""
        return np.array([float(sum(len(q[name]) for name in queues)) for q in self.member_queues])

    def work(self, day: int, month: int) -> None:
        """A working day: capacity arrives, each member's queues are served, the orders are visited."""
        tally = self.ctx.tally
        arriving = float(self.per_day[month])
        per_queue: dict[str, list[dict[str, np.ndarray]]] = {}
        for m, queues in enumerate(self.member_queues):
            level = self.level[m]
            if level > 0 and self._idle[m]:  # idle inspector time does not carry over
                level -= level
            if arriving > 0:
                level += arriving
                tally.capacity[month, m] += arriving
            budget = level
            for name in QUEUE_ORDER:
                if budget <= 1e-9:
                    break
                got = queues[name].pop(budget)
                if len(got["enterprise"]):
                    budget -= float(got["cost"].sum())
                    per_queue.setdefault(name, []).append(got)
            self._idle[m] = not any(len(q) for q in queues.values())
            used = level - budget
            if used > 0:
                tally.used[month, m] += used
                level -= min(used, level)
            self.level[m] = level
        if not per_queue:
            return
        orders: Orders = [
            (name, parts[0] if len(parts) == 1 else {c: np.concatenate([p[c] for p in parts]) for c in parts[0]})
            for name in QUEUE_ORDER
            if (parts := per_queue.get(name))
        ]
        self.visit(orders, day, month)


__all__ = ["QUEUE_ORDER", "Inspectorate", "Orders"]
