"""The regulator on SimPy: the calendar of one run, and the parts that do the work, in batches.

SimPy's clock counts days from the scenario's start (:mod:`credsup.simulation.clock`). Two processes run
on it, and the parts schedule one timeout per batch of work due on a later day:

* the **calendar** (here) opens each monthly period, in this order: the credit record moves to the day
  (:mod:`~credsup.simulation.credit_record`: record windows move on, publicity periods, listings and bans
  that are over end, as on every day something happens); grading runs when
  the jurisdiction's ``schedule.grading_months`` says, and with it the enterprises' perceived costs are
  refreshed (in between, every ``schedule.demonstration_grading_months``, the demonstration enterprises
  alone are re-evaluated); enterprises decide (:mod:`~credsup.simulation.behaviour`); enterprise-months are counted;
  licence applicants commit (:mod:`~credsup.simulation.licences`); spot checks are drawn
  (:mod:`~credsup.simulation.spot_checks`); complaints are drawn (:mod:`~credsup.simulation.complaints`);
  repair applications are filed (:mod:`~credsup.simulation.repairs`). It closes each period: perception
  learns from the month's inspections, undetected exposure and backlogs are counted;
* the **inspectorate** (:mod:`~credsup.simulation.inspectorate`) works every working day within its
  capacity, serving its queues in priority order; what a visit finds is
  :mod:`~credsup.simulation.inspections`'s business;
* **deadlines and reviews**: rectification deadlines (:mod:`~credsup.simulation.deadlines`: tolerance,
  sanction, consequences), objections (:mod:`~credsup.simulation.objections`) and repairs take effect
  when their time is over.

Every policy decision is a call to the :class:`credsup.core.Jurisdiction`; nothing here knows which
jurisdiction it is running. Everything one run changes is owned by one object: the world (columns and
its credit record), the parts (the inspectorate's capacity and queues, the pending deadlines) and the
:class:`~credsup.simulation.context.RunContext` (clock, random streams, tally).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from credsup.simulation import behaviour
from credsup.simulation.clock import Clock
from credsup.simulation.complaints import Complaints
from credsup.simulation.context import RunContext
from credsup.simulation.deadlines import Deadlines
from credsup.simulation.inspections import Inspections
from credsup.simulation.inspectorate import Inspectorate
from credsup.simulation.licences import Licences
from credsup.simulation.listings import Listings
from credsup.simulation.objections import Objections
from credsup.simulation.repairs import Repairs
from credsup.simulation.scenario import Scenario
from credsup.simulation.spot_checks import SpotChecks
from credsup.simulation.state import World, frozen
from credsup.simulation.tally import G, Tally


class Regulator:
    """One run's regulator: builds its parts on one SimPy environment and runs the calendar."""

    def __init__(
        self,
        world: World,
        jurisdiction: Any,
        scenario: Scenario,
        rngs: dict[str, np.random.Generator],
        probe: np.ndarray,
        item_shares: np.ndarray,
        item_severity: np.ndarray,
        progress: Callable[[int, int], None] | None = None,
    ):
        env = simpy.Environment()
        #: the first simulated month that is measured (the warm-up's months come before it)
        self.first_measured = scenario.warmup_months
        months = scenario.warmup_months + scenario.months
        start = world.date(0)  # the simulation's start: the scenario's start less the warm-up
        clock = Clock(env, start, months, scenario.regulator.working_days_per_week)
        self.ctx = ctx = RunContext(
            world=world,
            jurisdiction=jurisdiction,
            scenario=scenario,
            clock=clock,
            rngs=rngs,
            tally=Tally.zeros(months),
            item_shares=item_shares,
            item_severity=item_severity,
        )
        self.probe = probe  #: rows of the probe sample that measures perceived costs (docs/model.md)
        self.progress = progress
        clock.on_new_day(world.record.advance)
        self.listings = Listings(ctx)
        self.objections = Objections(ctx)
        self.repairs = Repairs(ctx)
        # the inspectorate hands each day's orders to the inspections, which hand violations to the
        # deadlines, which send follow-ups back to the inspectorate: the first link is late-bound
        self.inspectorate = Inspectorate(
            ctx, visit=lambda orders, day, month: self.inspections.visit(orders, day, month)
        )
        self.deadlines = Deadlines(ctx, self.inspectorate, self.listings, self.objections)
        self.inspections = Inspections(ctx, self.inspectorate.visits, self.deadlines)
        self.licences = Licences(ctx, self.inspectorate)
        self.spot_checks = SpotChecks(ctx, self.inspectorate)
        self.complaints = Complaints(ctx, self.inspectorate)
        self.costs = behaviour.PerceivedCosts(np.zeros(3), np.zeros(3))
        #: the perceived costs measured at each grading: ``{"month": t, "cost": ..., "complaint": ...}``
        self.costs_log: list[dict[str, Any]] = []

    @property
    def tally(self) -> Tally:
        return self.ctx.tally

    def run(self) -> Tally:
        """Run the whole calendar; returns the tally."""
        env = self.ctx.clock.env
        calendar = env.process(self._calendar())
        env.process(self.inspectorate.process())
        env.run(until=calendar)
        return self.tally

    def _calendar(self) -> Generator[simpy.Event, Any, None]:
        clock = self.ctx.clock
        for t in range(clock.months):
            yield clock.env.timeout(int(clock.starts[t]) - clock.now)
            if t > 0:
                self._close_month(t - 1)
            self._open_month(t)
            if self.progress is not None:
                self.progress(t + 1, clock.months)
        yield clock.env.timeout(clock.end_day - clock.now)
        self._close_month(clock.months - 1)

    # -- the month -----------------------------------------------------------------------------------

    def _open_month(self, t: int) -> None:
        ctx = self.ctx
        w = ctx.world
        day = int(ctx.clock.starts[t])
        today = w.date(day)
        ctx.clock.enter(day)
        demo_months = ctx.schedule.demonstration_grading_months
        if t % ctx.schedule.grading_months == 0:  # month 0 included
            self._grade(day, today)
            self.costs = behaviour.perceived_costs(
                ctx.jurisdiction, w, self.probe, ctx.scenario, today, ctx.item_shares, ctx.item_severity
            )
            self.costs_log.append(
                {"month": t - self.first_measured, "period": today.strftime("%Y-%m"), **self.costs.as_dict()}
            )
        elif demo_months and t % demo_months == 0:
            self._grade_demonstration(day, today)
        decided = behaviour.decide(
            w, ctx.scenario, self.costs, ctx.rngs["behaviour"], day, ctx.item_shares, ctx.item_severity
        )
        ctx.tally.started[t] += len(decided.started)
        self._count_enterprises(t)
        self.licences.apply(day, t, today)
        self.spot_checks.draw(day, t)
        self.complaints.draw(day, t, today)
        self.repairs.apply(day, t, today)

    def _close_month(self, t: int) -> None:
        ctx = self.ctx
        w, tally = ctx.world, ctx.tally
        perception = ctx.scenario.behaviour.perception
        public = self._published_rate() if perception.public_weight > 0.0 else None
        behaviour.remember_month(w, w.inspected, perception.memory, public, perception.public_weight)
        w.inspected[:] = False
        hidden = np.flatnonzero(w.violating & ~w.under_order & w.active)
        g = w.cols["grade"][hidden].astype(np.int64) + 1
        tally.undetected_harm[t] += np.bincount(g, weights=w.v_harm[hidden], minlength=G)
        tally.complaint_backlog[t] = self.inspectorate.backlog("complaint")
        tally.spot_backlog[t] = self.inspectorate.backlog("spot", "full")

    def _published_rate(self) -> np.ndarray:
        """Per enterprise: the share of its sector's active enterprises inspected this month other than on a
        complaint, as the published results show it ("one public", seed 003 para 11)."""
        w = self.ctx.world
        sector = w.cols["sector"].astype(np.intp)
        size = len(w.sectors)
        active = np.bincount(sector, weights=w.active, minlength=size)
        checked = np.bincount(sector, weights=w.inspected & w.active, minlength=size)
        rate = np.divide(checked, active, out=np.zeros(size), where=active > 0)
        return rate[sector]

    def _count_enterprises(self, t: int) -> None:
        w, tally = self.ctx.world, self.ctx.tally
        code = (w.cols["grade"] + 1).astype(np.int8) * 2 + w.violating
        if not w.active.all():
            code = code[w.active]
        table = np.bincount(code, minlength=2 * G).reshape(G, 2).astype(np.float64)
        tally.enterprise_months[t] += table.sum(axis=1)
        tally.violating_months[t] += table[:, 1]
        tally.auc[t] += table[1:]

    def _grade(self, day: int, today: dt.date) -> None:
        record, j, batch = self.ctx.record, self.ctx.jurisdiction, self.ctx.world.batch
        record.evaluate(j.grade(batch, today), day)
        record.set_demonstration(j.demonstration(batch, today))  # the hook sees the new grades

    def _grade_demonstration(self, day: int, today: dt.date) -> None:
        """Between the evaluations of everyone, every ``schedule.demonstration_grading_months`` months: the
        demonstration enterprises alone are re-evaluated, then everyone's demonstration status is decided
        again on the grades as they stand (seed 000 (IV): participants re-evaluated every quarter "to
        remove the old and introduce the new"; everyone else keeps the grade of the last evaluation)."""
        record, j, w = self.ctx.record, self.ctx.jurisdiction, self.ctx.world
        rows = np.flatnonzero(w.cols["demonstration"])
        if len(rows):
            record.evaluate(j.grade(frozen(w.batch.take(rows)), today), day, rows)
        record.set_demonstration(j.demonstration(w.batch, today))


__all__ = ["Regulator"]
