"""The regulator on SimPy: the calendar of one run, and the parts that do the work, in batches.

SimPy's clock counts days from the scenario's start (:mod:`credsup.simulation.clock`). Two processes run
on it, and the parts schedule one timeout per batch of work due on a later day:

* the **calendar** (here) walks the days; on each, in this order: the month opens (see below), the
  day's agenda runs (deadlines, arrivals, decisions that take effect), the inspectors work, and then
  what their visits filed for the same day. It opens each monthly period, in this order: the credit record moves to the day
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
from collections.abc import Callable, Generator, Sequence
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
from credsup.simulation.member_parameters import MemberParameters, check_batchable
from credsup.simulation.members import Members, member_tally, stacked_tally
from credsup.simulation.objections import Objections
from credsup.simulation.repairs import Repairs
from credsup.simulation.scenario import Scenario
from credsup.simulation.spot_checks import SpotChecks
from credsup.simulation.state import World
from credsup.simulation.tally import G, Tally
from credsup.simulation.turnover import Turnover


class Regulator:
    """One run's regulator, or a batch's (its members stacked in one world: :mod:`~credsup.simulation.members`):
    builds its parts on one SimPy environment and runs the calendar.

    ``rngs`` is one run's named generators, or one dict per member with ``members`` giving the members'
    sizes (``probe`` then holds every member's probe rows, in stacked rows).
    """

    def __init__(
        self,
        world: World,
        jurisdiction: Any,
        scenario: Scenario | Sequence[Scenario],
        rngs: dict[str, np.random.Generator] | Sequence[dict[str, np.random.Generator]],
        probe: np.ndarray,
        item_shares: np.ndarray,
        item_severity: np.ndarray,
        progress: Callable[[int, int], None] | None = None,
        sizes: Sequence[int] | None = None,
    ):
        env = simpy.Environment()
        streams = [rngs] if isinstance(rngs, dict) else list(rngs)
        members = Members(sizes if sizes is not None else [world.n], streams)
        if members.n != world.n:
            raise ValueError(f"the members' sizes add up to {members.n} rows, the world has {world.n}")
        scenarios = [scenario] * members.k if isinstance(scenario, Scenario) else list(scenario)
        if len(scenarios) != members.k:
            raise ValueError(f"{len(scenarios)} scenarios for {members.k} members: give one, or one per member")
        check_batchable(scenarios)
        scenario = scenarios[0]  # what the members share: the calendar
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
            members=members,
            tally=stacked_tally(months, members.k),
            item_shares=item_shares,
            item_severity=item_severity,
            params=MemberParameters(scenarios, members),
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
        self.turnover = Turnover(ctx, [sc.population.enterprises for sc in scenarios])
        #: per member: what its enterprises expect if caught (refreshed at each grading)
        self.costs = [behaviour.PerceivedCosts(np.zeros(3), np.zeros(3)) for _ in range(members.k)]
        #: per member: the perceived costs measured at each grading: ``{"month": t, "cost": ..., "complaint": ...}``
        self.costs_logs: list[list[dict[str, Any]]] = [[] for _ in range(members.k)]

    @property
    def tally(self) -> Tally:
        """The counts of a run alone; a batch's, with a member axis after the period (:meth:`member_tally`)."""
        if self.ctx.members.k == 1:
            return member_tally(self.ctx.tally, 0)
        return self.ctx.tally

    def member_tally(self, m: int) -> Tally:
        """Member ``m``'s counts, as a run's."""
        return member_tally(self.ctx.tally, m)

    @property
    def costs_log(self) -> list[dict[str, Any]]:
        """The perceived costs of a run alone (:attr:`costs_logs` has each member's)."""
        return self.costs_logs[0]

    def run(self) -> Tally:
        """Run the whole calendar; returns the tally (:attr:`tally`)."""
        env = self.ctx.clock.env
        env.run(until=env.process(self._days()))
        return self.tally

    def _days(self) -> Generator[simpy.Event, Any, None]:
        """The calendar: each day, in this order, the month opens (the last one closes first), the day's
        agenda runs, and on a working day the inspectors work (then what their visits filed for today)."""
        clock = self.ctx.clock
        starts, t = clock.starts, -1
        for day in range(clock.end_day):
            opens = t + 1 < clock.months and day == int(starts[t + 1])
            working = clock.working(day)
            if not (opens or working or clock.due(day)):
                continue  # nothing happens on this day
            yield clock.env.timeout(day - clock.now)
            clock.enter(day)
            if opens:
                t += 1
                if t > 0:
                    self._close_month(t - 1)
                self._open_month(t)
                if self.progress is not None:
                    self.progress(t + 1, clock.months)
            clock.run_due(day)
            if working:
                self.inspectorate.work(day, t)
                clock.run_due(day)
        yield clock.env.timeout(clock.end_day - clock.now)
        self._close_month(clock.months - 1)

    # -- the month -----------------------------------------------------------------------------------

    def _open_month(self, t: int) -> None:
        ctx = self.ctx
        w, members = ctx.world, ctx.members
        day = int(ctx.clock.starts[t])
        today = w.date(day)
        ctx.clock.enter(day)
        demo_months = ctx.schedule.demonstration_grading_months
        founded = self.turnover.renew(day, t)
        self.probe = self.turnover.follow(self.probe)  # the probe stays a sample of the market
        grading = t % ctx.schedule.grading_months == 0  # month 0 included
        if len(founded) and not grading:  # a new enterprise is graded when it is founded
            self._grade_rows(founded, day, today)
        if grading:
            self._grade(day, today)
            probes = [self.probe[pos] for pos in members.split(self.probe)]
            self.costs = behaviour.perceived_costs_of_members(
                ctx.jurisdiction, w, probes, ctx.params, today, ctx.item_shares, ctx.item_severity
            )
            for m in range(members.k):
                self.costs_logs[m].append(
                    {"month": t - self.first_measured, "period": today.strftime("%Y-%m"), **self.costs[m].as_dict()}
                )
        elif demo_months and t % demo_months == 0:
            self._grade_demonstration(day, today)
        decided = behaviour.decide(w, ctx.params, self.costs, members, day, ctx.item_shares, ctx.item_severity)
        ctx.tally.started[t] += members.count(decided.started)
        self._count_enterprises(t)
        self.licences.apply(day, t, today)
        self.spot_checks.draw(day, t)
        self.complaints.draw(day, t, today)
        self.repairs.apply(day, t, today)

    def _close_month(self, t: int) -> None:
        ctx = self.ctx
        w, tally, members = ctx.world, ctx.tally, ctx.members
        params = ctx.params
        memory = params.member_value("behaviour.perception.memory")
        public_weight = params.member_value("behaviour.perception.public_weight")
        public = self._published_rate() if np.any(np.asarray(public_weight) > 0.0) else None
        behaviour.remember_month(w, w.inspected, memory, public, public_weight, members.member)
        w.inspected[:] = False
        hidden = np.flatnonzero(w.violating & ~w.under_order & w.active)
        g = w.cols["grade"][hidden].astype(np.int64) + 1
        tally.undetected_harm[t] += members.bincount(hidden, g, G, weights=w.v_harm[hidden])
        tally.complaint_backlog[t] = self.inspectorate.backlog("complaint")
        tally.spot_backlog[t] = self.inspectorate.backlog("spot", "full")

    def _published_rate(self) -> np.ndarray:
        """Per enterprise: the share of its sector's active enterprises inspected this month other than on a
        complaint, as the published results show it ("one public", seed 003 para 11); each member's own."""
        w, members = self.ctx.world, self.ctx.members
        size = len(w.sectors)
        sector = w.cols["sector"].astype(np.intp) + members.member * size
        cells = members.k * size
        active = np.bincount(sector, weights=w.active, minlength=cells)
        checked = np.bincount(sector, weights=w.inspected & w.active, minlength=cells)
        rate = np.divide(checked, active, out=np.zeros(cells), where=active > 0)
        return rate[sector]

    def _count_enterprises(self, t: int) -> None:
        w, tally, members = self.ctx.world, self.ctx.tally, self.ctx.members
        code = (w.cols["grade"] + 1).astype(np.intp) * 2 + w.violating
        rows = np.flatnonzero(w.active) if not w.active.all() else np.arange(w.n)
        table = members.bincount(rows, code[rows], 2 * G).reshape(members.k, G, 2)
        tally.enterprise_months[t] += table.sum(axis=2)
        tally.violating_months[t] += table[:, :, 1]
        tally.auc[t] += table[:, 1:]

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
        self._grade_rows(rows, day, today)
        record.set_demonstration(j.demonstration(w.batch, today))

    def _grade_rows(self, rows: np.ndarray, day: int, today: dt.date) -> None:
        """A credit evaluation of the enterprises ``rows`` alone (the grading hook on their rows)."""
        if len(rows):
            self.ctx.record.evaluate(self.ctx.jurisdiction.grade(self.ctx.world.batch.take(rows), today), day, rows)


__all__ = ["Regulator"]
