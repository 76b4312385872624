"""Spot checks ("double random, one public", seed 003 para 11) and full-coverage key supervision.

At the start of each month the ``inspection_probability`` hook states each enterprise's inspection rate:
a yearly share (a yearly plan, each enterprise checked at most once a calendar year) or a chance in the
month. :func:`credsup.core.plans.period_chance` turns both into the month's chance of a draw, the yearly
plan spread over the year's months and drawn among those it has not drawn yet this year (the kernel's
rule, which registry mode's quarterly plans follow too). An active enterprise without a pending check is
drawn when its uniform (one per enterprise and month, drawn whatever the policy) is below that chance.
The drawn are queued in random order ("double random": no order by row): full coverage (a chance of 1
in the period) to the full-coverage queue, the rest to the spot-check queue. A drawn check not done
within ``regulator.plan_expiry_months`` leaves the plan; a yearly draw that expires undone goes back to
the enterprises the year's plan may still draw.
"""

from __future__ import annotations

import numpy as np

from credsup.core.decisions import InspectionRates
from credsup.core.enums import InspectionBasis
from credsup.core.plans import period_chance
from credsup.simulation.context import RunContext
from credsup.simulation.inspectorate import Inspectorate


def scale_random_draws(rates: InspectionRates, factor: float | np.ndarray) -> InspectionRates:
    """The rates with every random draw's intensity multiplied by ``factor`` (``regulator.random_check_scale``).

    A random draw is every rate but full coverage: a yearly share of a class in a double-random plan
    (a share of 1 included: the class is checked in full, but by draws spread over the year, and the
    inspections count as spot checks), or a chance in the period below 1. Each is multiplied by
    ``factor`` and capped at 1. Full coverage (a chance of 1 in the period: key supervision) stays as it
    is, and complaints, commitment verification and follow-ups do not come from these rates at all, so
    the factor scales exactly the inspections the tally counts under the source ``spot``. ``factor`` is
    one number, or one per enterprise (a batch whose members differ: each row's member's). This is the
    one lever the equal-effort comparison turns (docs/results.md, "Equal effort"): it scales a policy's
    random-check plan as a bureau would with fewer or more inspectors, keeping the ratios between grades
    that the policy sets.
    """
    if np.ndim(factor) == 0 and factor == 1.0:
        return rates
    chance = np.asarray(rates.chance, dtype=np.float64)
    random = ~rates.full_coverage
    scaled = np.where(random, np.minimum(chance * factor, 1.0), chance)
    return InspectionRates(chance=scaled, basis=rates.basis)


class SpotChecks:
    """The monthly draw of one run's spot and full-coverage checks."""

    def __init__(self, ctx: RunContext, inspectorate: Inspectorate):
        self.ctx = ctx
        self.inspectorate = inspectorate

    def draw(self, day: int, t: int) -> None:
        """Drop the plan's stale orders, then draw month ``t``'s checks."""
        ctx = self.ctx
        w, clock, queues = ctx.world, ctx.clock, self.inspectorate.queues
        expiry = ctx.params.member_value("regulator.plan_expiry_months", np.int64)
        horizon = t - expiry
        if np.any(horizon >= 0):  # drawn inspections not done in time leave the plan (they may be drawn again)
            before: int | np.ndarray
            if np.ndim(horizon):  # each member's own expiry: a member not there yet keeps its orders
                before = np.where(horizon >= 0, clock.starts[np.maximum(horizon, 0) + 1], np.iinfo(np.int64).min)
            else:
                before = int(clock.starts[horizon + 1])
            for name in ("full", "spot"):
                orders = queues[name].drop_orders_before(before)
                old = orders["enterprise"]
                w.spot_queued[old] = False
                w.spot_year[old[orders["yearly"]]] = 0  # back among those the year's plan may still draw
                ctx.tally.expired_orders[t] += ctx.members.count(old)
        period = clock.period(t)
        rates = ctx.jurisdiction.inspection_probability(w.batch, period)
        year = period.start.year
        # the scenario's factor: each member's own (one number when the members share it)
        scaled = scale_random_draws(rates, ctx.params.value("regulator.random_check_scale"))
        p = period_chance(scaled, period, w.spot_year == year)
        u = ctx.members.random_all("spot_checks", np.float32)
        drawn = np.flatnonzero(u < p)
        drawn = drawn[w.active[drawn] & ~w.spot_queued[drawn]]
        drawn = ctx.members.shuffle("queue", drawn)  # "double random": no order by row (each member's own)
        w.spot_queued[drawn] = True
        yearly = rates.basis[drawn] == InspectionBasis.YEAR
        w.spot_year[drawn[yearly]] = year
        full = rates.full_coverage[drawn]  # as the policy states it: a scaled draw stays a spot check
        self.inspectorate.order("full", drawn[full], day, yearly=yearly[full])
        self.inspectorate.order("spot", drawn[~full], day, yearly=yearly[~full])


__all__ = ["SpotChecks", "scale_random_draws"]
