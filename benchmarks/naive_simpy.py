"""The behaviour model as one SimPy process per enterprise: the textbook way to write it, for comparison.

    python benchmarks/naive_simpy.py --enterprises 20000 --months 12      # prints JSON

Every enterprise is a process that wakes at each month's start, decides (``naive_common.EnterpriseRules``),
and asks for a spot check or files a complaint; every inspection is a process that waits for one of the
inspectors (a ``simpy.PriorityResource``: complaint verifications before spot checks) and holds them for
the visits it costs; every detected violation waits for its rectification deadline in a process. Same
equations as credsup's columnar simulator; what it leaves out is listed in ``naive_common``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Generator
from typing import Any

import simpy
from naive_common import EnterpriseRules, Measured, Setup, Tally, command_line

SPOT, COMPLAINT = 1, 0  #: request priorities (lower is served first)


class Enterprise(EnterpriseRules):
    def __init__(self, i: int, setup: Setup):
        self.init_enterprise(i, setup)


class SimPyModel:
    def __init__(self, setup: Setup):
        self.s = setup
        self.r = setup.rules
        self.env = simpy.Environment()
        self.random = random.Random(setup.seed)
        self.tally = Tally()
        self.inspectors = simpy.PriorityResource(self.env, capacity=max(1, self.r.inspectors))
        month_days = (setup.starts[-1] - setup.starts[0]) / setup.months
        #: calendar days one department visit holds an inspector, so capacity is visits_per_month a month
        self.visit_days = month_days / self.r.visits_per_inspector_month if self.r.visits_per_inspector_month else 1e9
        self.expiry_days = self.r.plan_expiry_months * month_days
        self.enterprises = [Enterprise(i, setup) for i in range(setup.n)]
        for e in self.enterprises:
            self.env.process(self.life(e))

    def life(self, e: Enterprise) -> Generator[simpy.Event, Any, None]:
        """One enterprise, month after month."""
        env, r, s, rnd, tally = self.env, self.r, self.s, self.random, self.tally
        for t in range(s.months):
            day = s.starts[t]
            yield env.timeout(day - env.now)
            if t > 0:
                e.remember(r)
            e.decide(r, s.experience[t], rnd.random(), rnd.random(), day)
            tally.enterprise_months += 1
            tally.violating_months += e.violating
            if not e.spot_pending and rnd.random() < e.p_inspect:
                e.spot_pending = True
                env.process(self.inspection(e, SPOT, day))
            u = rnd.random()
            p = e.complaint_probability(r)
            if u < p:  # the uniform below p, rescaled, places the arrival day and the verification
                frac = u / p
                length = s.starts[t + 1] - day
                offset = min(int(frac * length), length - 1)
                tally.complaints += 1
                if frac * length - offset < e.verification:
                    env.process(self.complaint(e, day + offset))

    def complaint(self, e: Enterprise, day: int) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(day - self.env.now)
        yield from self.inspection(e, COMPLAINT, day)

    def inspection(self, e: Enterprise, priority: int, queued: int) -> Generator[simpy.Event, Any, None]:
        env, r = self.env, self.r
        with self.inspectors.request(priority=priority) as req:
            yield req
            if priority == SPOT:
                e.spot_pending = False
                if env.now - queued > self.expiry_days:  # left the plan undone
                    self.tally.expired += 1
                    return
            yield env.timeout(e.cost * self.visit_days)
            detected = e.inspect(r, self.random.random(), int(env.now), self.tally)
        if detected:
            yield env.timeout(r.rect_days[e.severity])
            e.deadline(r, self.random.random(), int(env.now), self.tally)

    def run(self) -> Tally:
        self.env.run(until=self.s.starts[-1])
        return self.tally


def measure(setup: Setup) -> Measured:
    t0 = time.perf_counter()
    tally = SimPyModel(setup).run()
    return Measured(
        "SimPy, one process per enterprise",
        setup.n,
        setup.months,
        time.perf_counter() - t0,
        setup.prepare_s,
        tally.as_dict(),
    )


def main(argv: list[str] | None = None) -> int:
    return command_line(__doc__, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
