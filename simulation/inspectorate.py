"""The inspectorate: inspectors' capacity day by day, and the queues of work orders it serves.

Capacity is ``regulator.inspectors x visits_per_inspector_month`` department visits a month, spread
evenly over the month's working days (the level behaves as a ``simpy.Container``'s). Each working day the
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

from collections.abc import Callable
from typing import Any

import numpy as np

from credsup.simulation.context import RunContext
from credsup.simulation.queues import MemberQueue

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
        world, params = ctx.world, ctx.params
        # capacity cost and burden of one inspection of each enterprise (department visits)
        extra = world.departments.astype(np.float64) - 1.0
        if ctx.schedule.joint_visits:
            #: capacity one inspection of each enterprise uses (visits)
            self.cost = 1.0 + params.value("regulator.joint_visit_extra") * extra
            #: visits one inspection of each enterprise makes (the burden it puts on the enterprise)
            self.visits = np.ones(world.n, dtype=np.float64)
        else:
            self.cost = world.departments.astype(np.float64)
            self.visits = self.cost
        k = ctx.members.k
        self.member = ctx.members.member
        #: capacity at hand, per member (visits); it behaves as a ``simpy.Container`` would: amounts
        #: arrive and are taken, never below zero
        self.level = np.zeros(k)
        self.queues = {
            "complaint": MemberQueue("complaint", {"source": np.int8, "due": np.int32}, k),
            "commitment": MemberQueue("commitment", {"false": bool}, k),
            "full": MemberQueue("full", {"yearly": bool}, k),
            "spot": MemberQueue("spot", {"yearly": bool}, k),
        }
        #: per member: the queues ran dry at the last dispatch (unused capacity then lapses)
        self._idle = np.ones(k, dtype=bool)
        clock = ctx.clock
        monthly = params.member_value("regulator.visits_per_month")
        #: capacity arriving on each working day of each month (visits): one number for all members, or
        #: one per member (``[months, K]``) when their ``regulator.visits_per_month`` differ
        self.per_day = np.zeros((clock.months, k)) if np.ndim(monthly) else np.zeros(clock.months)
        for t in range(clock.months):
            days = clock.working_days(t)
            self.per_day[t] = monthly / days if days else 0.0

    def order(self, queue: str, enterprise: np.ndarray, day: int, **columns: Any) -> None:
        """Queue inspections of ``enterprise`` (in that order) on day ``day``; ``columns`` are the
        queue's own (a complaint's ``source`` and ``due`` day, a commitment's ``false`` flag, whether a
        spot or full-coverage check was drawn by a ``yearly`` plan), one value or one per enterprise."""
        self.queues[queue].push(
            enterprise=enterprise, queued=day, cost=self.cost[enterprise], member=self.member[enterprise], **columns
        )

    def backlog(self, *queues: str) -> np.ndarray:
        """Orders waiting in the named queues, per member (float64[K])."""
        return sum((self.queues[name].lengths for name in queues), np.zeros(len(self.level))).astype(np.float64)

    def work(self, day: int, month: int) -> None:
        """A working day: capacity arrives, each member's queues are served within its capacity (as a run
        alone is served), and every member's orders go to one visit."""
        tally = self.ctx.tally
        level = self.level
        lapse = (level > 0) & self._idle  # idle inspector time does not carry over
        level[lapse] -= level[lapse]
        if self.per_day.ndim == 1:
            arriving = float(self.per_day[month])
            if arriving > 0:
                level += arriving
                tally.capacity[month] += arriving
        else:  # each member's own capacity: added only where some arrives, as a member alone does
            per_member = self.per_day[month]
            some = per_member > 0
            level[some] += per_member[some]
            tally.capacity[month][some] += per_member[some]
        budget = level.copy()
        orders: Orders = []
        blocked = np.zeros(len(level), dtype=bool)
        for name in QUEUE_ORDER:
            active = (budget > 1e-9) & ~blocked
            if not active.any():
                break
            queue = self.queues[name]
            if not len(queue):
                continue
            got, left = queue.pop(np.where(active, budget, 0.0))
            if len(got["enterprise"]):
                budget = np.where(active, left, budget)
                orders.append((name, got))
            # a member whose head order does not fit what is left today: its lower priorities wait too, and
            # its capacity carries over until the order fits (else cheap spot checks would take every day's
            # remainder and starve a costlier complaint verification for ever)
            blocked |= active & (queue.lengths > 0)
        self._idle = sum((q.lengths for q in self.queues.values()), np.zeros(len(level), dtype=np.int64)) == 0
        if not orders:
            return
        used = level - budget
        tally.used[month] += used
        level -= np.minimum(used, level)
        self.visit(orders, day, month)


__all__ = ["QUEUE_ORDER", "Inspectorate", "Orders"]
