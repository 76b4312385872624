"""Spot checks ("double random, one public", seed 003 para 11) and full-coverage key supervision.

At the start of each month the ``inspection_probability`` hook gives each enterprise's probability for
the month; an active enterprise without a pending check is drawn when its uniform (one per enterprise
and month, drawn whatever the policy) is below it. The drawn are queued in random order ("double
random": no order by row): probability 1 to the full-coverage queue, the rest to the spot-check queue.
A drawn check not done within ``regulator.plan_expiry_months`` leaves the plan (it may be drawn again).
"""

from __future__ import annotations

import numpy as np

from credsup.simulation.context import RunContext
from credsup.simulation.inspectorate import Inspectorate


class SpotChecks:
    """The monthly draw of one run's spot and full-coverage checks."""

    def __init__(self, ctx: RunContext, inspectorate: Inspectorate):
        self.ctx = ctx
        self.inspectorate = inspectorate

    def draw(self, day: int, t: int) -> None:
        """Drop the plan's stale orders, then draw month ``t``'s checks."""
        ctx = self.ctx
        w, clock, queues = ctx.world, ctx.clock, self.inspectorate.queues
        horizon = t - ctx.scenario.regulator.plan_expiry_months
        if horizon >= 0:  # drawn inspections not done in time leave the plan (they may be drawn again)
            for name in ("full", "spot"):
                old = queues[name].drop_queued_before(int(clock.starts[horizon + 1]))
                w.spot_queued[old] = False
                ctx.tally.expired_orders[t] += len(old)
        p = ctx.jurisdiction.inspection_probability(w.batch, clock.period(t))
        u = ctx.rngs["spot_checks"].random(w.n, dtype=np.float32)
        drawn = np.flatnonzero(u < p)
        drawn = drawn[w.active[drawn] & ~w.spot_queued[drawn]]
        drawn = drawn[ctx.rngs["queue"].permutation(len(drawn))]  # "double random": no order by row
        w.spot_queued[drawn] = True
        full = p[drawn] >= 1.0
        for name, ids in (("full", drawn[full]), ("spot", drawn[~full])):
            self.inspectorate.order(name, ids, day)


__all__ = ["SpotChecks"]
