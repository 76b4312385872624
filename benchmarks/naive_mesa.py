"""The behaviour model as a Mesa model (one ``mesa.Agent`` per enterprise), for comparison.

    python benchmarks/naive_mesa.py --enterprises 20000 --months 12      # prints JSON; needs mesa

Mesa is not a dependency of credsup: install it with the benchmark extra (``pip install -e
".[benchmark]"``). One model step is one month: rectification deadlines that fell due are settled, every
enterprise agent steps in random order (``AgentSet.shuffle_do``: it decides, asks for a spot check and may
be complained about), then the regulator serves complaint verifications and spot checks first come
first served within the month's capacity, the rest waiting as a backlog. Same equations as credsup's
columnar simulator (``naive_common``), at a monthly clock: a complaint arrives at the start of the month
it is drawn in, a rectification deadline is settled at the first month start on or after its day.
"""

from __future__ import annotations

import sys
import time
from collections import deque

import mesa
from naive_common import EnterpriseRules, Measured, Setup, Tally, command_line


class EnterpriseAgent(EnterpriseRules, mesa.Agent):
    def __init__(self, model: NaiveMesaModel, i: int, setup: Setup):
        super().__init__(model)
        self.init_enterprise(i, setup)

    def step(self) -> None:
        m = self.model
        r, t, day, rnd = m.r, m.t, m.day, m.random
        if t > 0:
            self.remember(r)
        self.decide(r, m.s.experience[t], rnd.random(), rnd.random(), day)
        m.tally.enterprise_months += 1
        m.tally.violating_months += self.violating
        if not self.spot_pending and rnd.random() < self.p_inspect:
            self.spot_pending = True
            m.spot.append((self, t))
        u = rnd.random()
        p = self.complaint_probability(r)
        if u < p:
            m.tally.complaints += 1
            if rnd.random() < self.verification:
                m.complaints.append(self)


class NaiveMesaModel(mesa.Model):
    def __init__(self, setup: Setup):
        super().__init__(seed=setup.seed)
        self.s = setup
        self.r = setup.rules
        self.tally = Tally()
        self.t = 0
        self.day = setup.starts[0]
        self.spot: deque[tuple[EnterpriseAgent, int]] = deque()
        self.complaints: deque[EnterpriseAgent] = deque()
        self.deadlines: dict[int, list[EnterpriseAgent]] = {}
        for i in range(setup.n):
            EnterpriseAgent(self, i, setup)

    def month_of(self, day: int) -> int:
        """The first month whose start is at or after ``day``."""
        t = self.t
        while t < self.s.months and self.s.starts[t] < day:
            t += 1
        return t

    def step(self) -> None:
        r, tally = self.r, self.tally
        self.day = self.s.starts[self.t]
        for e in self.deadlines.pop(self.t, []):
            e.deadline(r, self.random.random(), self.day, tally)
        self.agents.shuffle_do("step")
        # the regulator: complaints first, then spot checks, within the month's capacity
        budget = r.visits_per_month
        while self.spot and self.spot[0][1] <= self.t - r.plan_expiry_months:  # left the plan undone
            self.spot.popleft()[0].spot_pending = False
            tally.expired += 1
        while self.complaints and self.complaints[0].cost <= budget:
            e = self.complaints.popleft()
            budget -= e.cost
            self.inspect(e)
        while self.spot and self.spot[0][0].cost <= budget:
            e = self.spot.popleft()[0]
            budget -= e.cost
            e.spot_pending = False
            self.inspect(e)
        self.t += 1

    def inspect(self, e: EnterpriseAgent) -> None:
        if e.inspect(self.r, self.random.random(), self.day, self.tally):
            due = self.month_of(self.day + self.r.rect_days[e.severity])
            self.deadlines.setdefault(due, []).append(e)


def measure(setup: Setup) -> Measured:
    t0 = time.perf_counter()
    model = NaiveMesaModel(setup)
    for _ in range(setup.months):
        model.step()
    return Measured(
        f"Mesa {mesa.__version__}, one agent per enterprise",
        setup.n,
        setup.months,
        time.perf_counter() - t0,
        setup.prepare_s,
        model.tally.as_dict(),
    )


def main(argv: list[str] | None = None) -> int:
    return command_line(__doc__, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
