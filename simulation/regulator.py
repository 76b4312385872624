"""The regulator on SimPy: calendar, inspectors, queues, deadlines and reviews, all in batches.

SimPy's clock counts days from the scenario's start. Three kinds of process run on it:

* the **calendar** opens each monthly period: record windows move on, listings and bans end, grading runs
  when the jurisdiction's ``schedule.grading_months`` says, enterprises decide (``behaviour``), spot
  checks are drawn from ``inspection_probability``, licence applicants commit and are picked for
  verification, complaints are generated and arrive on their days, repair applications are filed;
* the **inspectorate** works every working day with the day's share of the inspectors' capacity, held in a
  ``simpy.Container`` whose unused level lapses at the end of the day. It serves the queues in priority
  order (complaints and referrals, commitment checks, full-coverage, spot checks); what does not fit
  waits in the queue: a backlog, never a free inspection;
* **deadlines and reviews** are timeouts, one per batch: all violations whose rectification time limit
  ends on one day are decided together (tolerance, then sanction hook); repair approvals and objections take
  effect when their review time is over.

Every policy decision is a call to the :class:`credsup.core.Jurisdiction`; nothing here knows which
jurisdiction it is running.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from credsup.core import (
    FOREVER,
    CommitmentKind,
    DetectionSource,
    ObjectionBatch,
    Period,
    RecordKind,
    RepairApplications,
    RepairCondition,
    RepairStatus,
    Tolerance,
    ViolationBatch,
    until,
)
from credsup.core.months import add_months
from credsup.simulation import behaviour
from credsup.simulation.metrics import RECIDIVISM_DAYS
from credsup.simulation.population import categorical
from credsup.simulation.queues import BatchQueue
from credsup.simulation.records import Records, Status
from credsup.simulation.scenario import Scenario
from credsup.simulation.state import World, count_at, frozen
from credsup.simulation.tally import G, Tally

NEVER = np.iinfo(np.int32).max  #: a record that does not end by itself
QUEUE_ORDER = ("complaint", "commitment", "full", "spot")
_PENDING = (
    "enterprise",
    "item",
    "severity",
    "harm",
    "committed",
    "detected",
    "source",
    "same",
    "prior",
    "wrongful",
    "false_commitment",
    "month",
)


def month_starts(start: dt.date, months: int) -> np.ndarray:
    """Day offsets from ``start`` of each monthly period's first day, plus the day after the last period."""
    return np.array([(add_months(start, t) - start).days for t in range(months + 1)], dtype=np.int64)


class Regulator:
    """One run's regulator: owns the SimPy environment's processes, queues, records and the tally."""

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
        self.env = simpy.Environment()
        self.world = world
        self.j = jurisdiction
        self.scenario = scenario
        self.rng = rngs
        self.probe = probe
        self.item_shares = item_shares
        self.item_severity = item_severity
        self.progress = progress
        self.T = scenario.months
        self.tally = Tally.zeros(self.T)
        self.records = Records(capacity=max(1024, world.n // 8))
        self.schedule = jurisdiction.schedule
        reg = scenario.regulator
        self.starts = month_starts(scenario.start, self.T)
        self.end_day = int(self.starts[-1])
        # capacity cost and burden of one inspection of each enterprise (department visits)
        extra = world.departments.astype(np.float64) - 1.0
        if self.schedule.joint_visits:
            self.cost = 1.0 + reg.joint_visit_extra * extra
            self.visits = np.ones(world.n, dtype=np.float64)
        else:
            self.cost = world.departments.astype(np.float64)
            self.visits = self.cost
        self.capacity = simpy.Container(self.env)
        self.queues = {
            "complaint": BatchQueue("complaint", {"source": np.int8, "due": np.int32}),
            "commitment": BatchQueue("commitment", {"false": bool}),
            "full": BatchQueue("full", {}),
            "spot": BatchQueue("spot", {}),
        }
        self.pending: dict[int, list[dict[str, np.ndarray]]] = {}
        self.rect_days = np.asarray(self.schedule.rectification_days.array(), dtype=np.int64)
        self.costs = behaviour.PerceivedCosts(np.zeros(3), np.zeros(3))
        self.costs_log: list[dict[str, Any]] = []
        self._idle = True  #: the queues ran dry at the last dispatch (unused capacity then lapses)

    # -- time helpers ------------------------------------------------------------------------------

    def month_of(self, day: int) -> int:
        return int(min(max(np.searchsorted(self.starts, day, side="right") - 1, 0), self.T - 1))

    def calendar_days(self, working_days: np.ndarray) -> np.ndarray:
        """Working days -> calendar days (at least 0)."""
        per_week = self.scenario.regulator.working_days_per_week
        return np.ceil(np.asarray(working_days, dtype=np.float64) * 7.0 / per_week).astype(np.int64)

    def working(self, day: int) -> bool:
        weekday = (self.scenario.start + dt.timedelta(days=day)).weekday()
        return weekday < self.scenario.regulator.working_days_per_week

    def at(self, day: int, action: Callable[[], None]) -> None:
        """Run ``action`` at simulation day ``day`` (one SimPy timeout)."""
        event = self.env.timeout(max(0, day - int(self.env.now)))
        event.callbacks.append(lambda _ev: action())

    # -- run ---------------------------------------------------------------------------------------

    def run(self) -> Tally:
        calendar = self.env.process(self._calendar())
        self.env.process(self._inspectorate())
        self.env.run(until=calendar)
        return self.tally

    def _calendar(self) -> Generator[simpy.Event, Any, None]:
        for t in range(self.T):
            yield self.env.timeout(int(self.starts[t]) - int(self.env.now))
            if t > 0:
                self._close_month(t - 1)
            self._open_month(t)
            if self.progress is not None:
                self.progress(t + 1, self.T)
        yield self.env.timeout(self.end_day - int(self.env.now))
        self._close_month(self.T - 1)

    def _inspectorate(self) -> Generator[simpy.Event, Any, None]:
        monthly = self.scenario.regulator.visits_per_month
        per_day = np.zeros(self.T)
        for t in range(self.T):
            days = sum(self.working(d) for d in range(int(self.starts[t]), int(self.starts[t + 1])))
            per_day[t] = monthly / days if days else 0.0
        for day in range(self.end_day):
            if self.working(day):
                month = self.month_of(day)
                if self.capacity.level > 0 and self._idle:  # idle inspector time does not carry over
                    yield self.capacity.get(self.capacity.level)
                if per_day[month] > 0:
                    yield self.capacity.put(per_day[month])
                    self.tally.capacity[month] += per_day[month]
                used = self._dispatch(day, month)
                if used > 0:
                    yield self.capacity.get(min(used, self.capacity.level))
            yield self.env.timeout(1)

    # -- the month -----------------------------------------------------------------------------------

    def _open_month(self, t: int) -> None:
        w = self.world
        day = int(self.starts[t])
        today = w.date(day)
        w.expire_windows(t)
        self._expire(day)
        if t % self.schedule.grading_months == 0:  # month 0 included
            self._grade(today, t)
            self.costs = behaviour.perceived_costs(
                self.j, w, self.probe, self.scenario, today, self.item_shares, self.item_severity
            )
            self.costs_log.append({"month": t, **self.costs.as_dict()})
        decided = behaviour.decide(
            w, self.scenario, self.costs, self.rng["behaviour"], day, self.item_shares, self.item_severity
        )
        self.tally.started[t] += len(decided.started)
        self._count_enterprises(t)
        self._licences(day, t, today)
        self._spot_checks(day, t)
        self._complaints(day, t, today)
        self._repairs(day, t, today)

    def _close_month(self, t: int) -> None:
        w = self.world
        behaviour.remember_month(w, w.inspected, self.scenario.behaviour.perception.memory)
        w.inspected[:] = False
        hidden = np.flatnonzero(w.violating & ~w.under_order & w.active)
        g = w.cols["grade"][hidden].astype(np.int64) + 1
        self.tally.undetected_harm[t] += np.bincount(g, weights=w.v_harm[hidden], minlength=G)
        self.tally.complaint_backlog[t] = len(self.queues["complaint"])
        self.tally.spot_backlog[t] = len(self.queues["spot"]) + len(self.queues["full"])

    def _count_enterprises(self, t: int) -> None:
        w = self.world
        code = (w.cols["grade"] + 1).astype(np.int8) * 2 + w.violating
        if not w.active.all():
            code = code[w.active]
        table = np.bincount(code, minlength=2 * G).reshape(G, 2).astype(np.float64)
        self.tally.enterprise_months[t] += table.sum(axis=1)
        self.tally.violating_months[t] += table[:, 1]
        self.tally.auc[t] += table[1:]

    def _expire(self, day: int) -> None:
        """End listings, bans and publicity periods that are over."""
        w, c, r = self.world, self.world.cols, self.records
        t64 = w.day64(day)
        listed = np.flatnonzero(c["listed"])
        over = listed[c["listed_until"][listed] <= t64]
        c["listed"][over] = False
        c["listed_until"][over] = np.datetime64("NaT")
        banned = np.flatnonzero(~w.active)
        free = banned[c["banned_until"][banned] <= t64]
        w.active[free] = True
        c["banned_until"][free] = np.datetime64("NaT")
        if len(r):
            ended = np.flatnonzero((r.status == Status.DISPLAYED) & (r.ends <= day))
            r.status[ended] = Status.EXPIRED
            pen = ended[r.kind[ended] == RecordKind.PENALTY]
            count_at(c["displayed_penalties"], r.enterprise[pen], -1)

    def _grade(self, today: dt.date, t: int) -> None:
        c = self.world.cols
        c["grade"][:] = self.j.grade(self.world.batch, today)
        c["graded_on"][:] = np.datetime64(today, "D")
        c["demonstration"][:] = self.j.demonstration(self.world.batch, today)

    def _licences(self, day: int, t: int, today: dt.date) -> None:
        """Licence applications on a notification-commitment; false commitments; picks for verification."""
        w, com = self.world, self.scenario.behaviour.commitments
        rng = self.rng["licences"]
        u = rng.random(w.n)
        rate = com.applications_per_year / 12.0
        apps = np.flatnonzero(w.active & (u < rate))
        u2, u3 = rng.random(len(apps)), rng.random(len(apps))  # drawn for every applicant (common numbers)
        if len(apps) == 0:
            return
        unmet = u[apps] / rate < com.conditions_unmet
        sub = frozen(w.batch.take(apps))
        eligible = self.j.commitment_eligible(sub, CommitmentKind.NOTIFICATION, today)
        false = eligible & unmet & (u2 < com.false_propensity * (1.0 - w.honesty[apps]))
        w.window["commitments"].add(apps[eligible], t)
        verify = eligible & (u3 < self.j.commitment_verification(sub, CommitmentKind.NOTIFICATION, today))
        ids = apps[verify]
        self.queues["commitment"].push(enterprise=ids, queued=day, cost=self.cost[ids], false=false[verify])

    def _spot_checks(self, day: int, t: int) -> None:
        w = self.world
        horizon = t - self.scenario.regulator.plan_expiry_months
        if horizon >= 0:  # drawn inspections not done in time leave the plan (they may be drawn again)
            for name in ("full", "spot"):
                old = self.queues[name].drop_queued_before(int(self.starts[horizon + 1]))
                w.spot_queued[old] = False
                self.tally.expired_orders[t] += len(old)
        period = Period(w.date(day), w.date(int(self.starts[t + 1])), label=w.date(day).strftime("%Y-%m"))
        p = self.j.inspection_probability(w.batch, period)
        u = self.rng["spot_checks"].random(w.n, dtype=np.float32)
        drawn = np.flatnonzero((u < p) & w.active & ~w.spot_queued)
        drawn = drawn[self.rng["queue"].permutation(len(drawn))]  # "double random": no order by row
        w.spot_queued[drawn] = True
        full = p[drawn] >= 1.0
        for name, ids in (("full", drawn[full]), ("spot", drawn[~full])):
            self.queues[name].push(enterprise=ids, queued=day, cost=self.cost[ids])

    def _complaints(self, day: int, t: int, today: dt.date) -> None:
        """Complaints and tip-offs of the month: drawn now, arriving on their days."""
        w, reg = self.world, self.scenario.regulator
        u = self.rng["complaints"].random(w.n)
        length = int(self.starts[t + 1] - self.starts[t])
        open_ = np.flatnonzero(w.violating & ~w.under_order & w.active)
        # intensity for everyone (rows are independent, and the batch is a view: no copy of the violators);
        # the exponential only where a violation is open (a tenth of the rows)
        intensity = self.j.complaint_intensity(w.batch, today)
        p = np.where(w.active, reg.false_complaint_rate, 0.0)
        p[open_] = 1.0 - np.exp(-reg.complaint_base_rate * intensity[open_] * w.v_harm[open_])
        who = np.flatnonzero(u < p)
        if len(who) == 0:
            return
        # the uniform below the threshold, rescaled, is again uniform: it places the day and the verification draw
        frac = u[who] / p[who]
        offset = np.minimum((frac * length).astype(np.int64), length - 1)
        second = frac * length - offset
        verify = second < self.j.complaint_verification(frozen(w.batch.take(who)), today)
        order = np.argsort(offset, kind="stable")
        who, offset, verify = who[order], offset[order], verify[order]
        self.tally.complaints[t] += len(who)
        bounds = np.flatnonzero(np.diff(offset)) + 1
        for ids, ver, off in zip(np.split(who, bounds), np.split(verify, bounds), offset[np.r_[0, bounds]]):
            self.at(day + int(off), lambda ids=ids, ver=ver, d=day + int(off): self._complaints_arrive(ids, ver, d))

    def _complaints_arrive(self, ids: np.ndarray, verify: np.ndarray, day: int) -> None:
        self.world.window["complaints"].add(ids, self.month_of(day))
        v = ids[verify]
        self.queues["complaint"].push(
            enterprise=v,
            queued=day,
            cost=self.cost[v],
            source=DetectionSource.COMPLAINT,
            due=day + self.schedule.complaint_days,
        )

    # -- the inspectorate --------------------------------------------------------------------------

    def _dispatch(self, day: int, month: int) -> float:
        """Serve the queues in priority order within today's capacity; returns the capacity used."""
        budget = self.capacity.level
        orders = []
        for name in QUEUE_ORDER:
            if budget <= 1e-9:
                break
            got = self.queues[name].pop(budget)
            if len(got["enterprise"]):
                budget -= float(got["cost"].sum())
                orders.append((name, got))
        self._idle = not any(len(q) for q in self.queues.values())
        if not orders:
            return 0.0
        used = self.capacity.level - budget
        self.tally.used[month] += used
        self._inspect(orders, day, month)
        return used

    def _inspect(self, orders: list[tuple[str, dict[str, np.ndarray]]], day: int, month: int) -> None:
        w, reg, tally = self.world, self.scenario.regulator, self.tally
        src_of = {
            "commitment": DetectionSource.COMMITMENT_CHECK,
            "full": DetectionSource.FULL_COVERAGE,
            "spot": DetectionSource.SPOT_CHECK,
        }
        ids = np.concatenate([o["enterprise"] for _, o in orders])
        source = np.concatenate(
            [
                o["source"] if name == "complaint" else np.full(len(o["enterprise"]), src_of[name], dtype=np.int8)
                for name, o in orders
            ]
        )
        queued = np.concatenate([o["queued"] for _, o in orders])
        for name, o in orders:
            if name == "complaint":  # verifications done after the jurisdiction's time limit
                self.tally.late_verifications[month] += int((o["due"] < day).sum())
        false_c = np.concatenate(
            [o["false"] if name == "commitment" else np.zeros(len(o["enterprise"]), bool) for name, o in orders]
        )
        w.spot_queued[ids[(source == DetectionSource.SPOT_CHECK) | (source == DetectionSource.FULL_COVERAGE)]] = False
        # one visit per enterprise and day: orders for the same enterprise are served together
        uniq, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        if len(uniq) < len(ids):
            any_false = np.zeros(len(uniq), dtype=bool)
            np.logical_or.at(any_false, inverse, false_c)
            complaint_any = np.zeros(len(uniq), dtype=bool)
            np.logical_or.at(complaint_any, inverse, source == DetectionSource.COMPLAINT)
            keep = np.sort(first)
            ids, source, queued = ids[keep], source[keep], queued[keep]
            false_c, is_complaint = any_false[inverse[keep]], complaint_any[inverse[keep]]
        else:
            is_complaint = source == DetectionSource.COMPLAINT
        alive = w.active[ids]
        ids, source, queued, false_c, is_complaint = (a[alive] for a in (ids, source, queued, false_c, is_complaint))
        k = len(ids)
        if k == 0:
            return
        g = w.cols["grade"][ids].astype(np.int64) + 1
        violating = w.violating[ids]
        fresh = violating & ~w.under_order[ids]
        u = self.rng["detection"].random(k)
        found = fresh & (u < reg.detection_probability)
        wrong = ~violating & (u < reg.false_positive_rate)
        visits = self.visits[ids]
        tally.inspections[month] += np.bincount(g, minlength=G)
        tally.detections[month] += np.bincount(g[found], minlength=G)
        tally.false_positives[month] += np.bincount(g[wrong], minlength=G)
        tally.visits[month] += np.bincount(g, weights=visits, minlength=G)
        tally.compliant_visits[month] += np.bincount(g[~violating], weights=visits[~violating], minlength=G)
        delay = (day - w.v_since[ids[found]]).astype(np.float64)
        tally.delay_days[month] += np.bincount(g[found], weights=delay, minlength=G)
        tally.delays[month] += np.bincount(g[found], minlength=G)
        # the record summary
        w.window["inspections"].add(ids, month)
        w.window["clean"].add(ids[~(found | wrong | false_c)], month)
        w.cols["last_inspection"][ids] = w.day64(day)
        w.inspected[ids] = True
        w.window["verified_complaints"].add(ids[is_complaint & (found | wrong)], month)
        # the violations found, for the rectification deadline
        fp = ids[wrong]
        fp_item = categorical(self.rng["detection"].random(len(fp)), self.item_shares)
        fc = ids[false_c]
        fc_item = np.full(len(fc), len(w.items) - 1, dtype=np.int64)  # "false_commitment", last in the vocabulary
        tv = ids[found]
        harm_mean = np.asarray(self.scenario.behaviour.harm.array())
        enterprise = np.concatenate([tv, fp, fc])
        item = np.concatenate([w.v_item[tv].astype(np.int64), fp_item, fc_item])
        severity = self.item_severity[item]
        harm = np.concatenate(
            [
                w.v_harm[tv].astype(np.float64),
                np.zeros(len(fp)),
                harm_mean[self.item_severity[fc_item]] * w.harm_factor[fc],
            ]
        )
        committed = np.concatenate([w.v_since[tv], np.full(len(fp), day), queued[false_c]]).astype(np.int64)
        src = np.concatenate(
            [source[found], source[wrong], np.full(len(fc), DetectionSource.COMMITMENT_CHECK, dtype=np.int8)]
        )
        wrongful = np.concatenate([np.zeros(len(tv), bool), np.ones(len(fp), bool), np.zeros(len(fc), bool)])
        is_fc = np.concatenate([np.zeros(len(tv) + len(fp), bool), np.ones(len(fc), bool)])
        w.under_order[tv] = True
        self._detect(enterprise, item, severity, harm, committed, src, wrongful, is_fc, day, month)

    def _detect(
        self,
        enterprise: np.ndarray,
        item: np.ndarray,
        severity: np.ndarray,
        harm: np.ndarray,
        committed: np.ndarray,
        source: np.ndarray,
        wrongful: np.ndarray,
        is_fc: np.ndarray,
        day: int,
        month: int,
    ) -> None:
        """Detected violations enter the record and wait for their rectification deadline."""
        w = self.world
        if len(enterprise) == 0:
            return
        same, prior = w.prior_counts(enterprise, item)
        w.record_detections(enterprise, severity, item, month, day)
        w.window["false_commitments"].add(enterprise[is_fc], month)
        self.tally.false_commitments[month] += int(is_fc.sum())
        count_at(w.cols["open_rectifications"], enterprise)
        # recidivism after repair: a real violation found within the follow-up of the last repair
        real = enterprise[~wrongful]
        rep = w.repaired_day[real]
        relapse = real[(rep >= 0) & (day - rep <= RECIDIVISM_DAYS) & ~w.repair_relapsed[real]]
        relapse = np.unique(relapse)
        if len(relapse):
            w.repair_relapsed[relapse] = True
            for d in w.repaired_day[relapse]:
                self.tally.relapses[self.month_of(int(d))] += 1
        deadline = day + self.rect_days[severity]
        chunk = {
            "enterprise": enterprise,
            "item": item.astype(np.int16),
            "severity": severity.astype(np.int8),
            "harm": harm,
            "committed": committed,
            "detected": np.full(len(enterprise), day, np.int64),
            "source": source.astype(np.int8),
            "same": same,
            "prior": prior,
            "wrongful": wrongful,
            "false_commitment": is_fc,
            "month": np.full(len(enterprise), month, np.int32),
        }
        for d in np.unique(deadline):
            sel = deadline == d
            part = {k: v[sel] for k, v in chunk.items()}
            d = int(d)
            if d not in self.pending:
                self.pending[d] = []
                self.at(d, lambda d=d: self._deadline(d))
            self.pending[d].append(part)

    # -- deadlines, sanctions, objections ----------------------------------------------------------

    def _deadline(self, day: int) -> None:
        """All violations whose rectification time limit ends today: tolerance, sanction, consequences."""
        parts = self.pending.pop(day)
        v = {k: np.concatenate([p[k] for p in parts]) for k in _PENDING}
        w, beh, c = self.world, self.scenario.behaviour, self.world.cols
        month = self.month_of(day)
        today = w.date(day)
        e = v["enterprise"]
        k = len(e)
        p_correct = np.clip(beh.correction.base + beh.correction.honesty_weight * w.honesty[e], 0.0, 1.0)
        corrected = (self.rng["corrections"].random(k) < p_correct) | v["wrongful"]
        vb = frozen(
            ViolationBatch(
                enterprise=e,
                item=v["item"],
                severity=v["severity"],
                harm=v["harm"],
                harmful=v["harm"] >= beh.harmful_threshold,
                committed=w.start + v["committed"].astype("timedelta64[D]"),
                detected=w.start + v["detected"].astype("timedelta64[D]"),
                source=v["source"],
                corrected=corrected,
                prior_same_item_36m=v["same"],
                prior_36m=v["prior"],
                false_commitment=v["false_commitment"],
                items=w.items,
            )
        )
        decisions = self.j.tolerance(vb, w.batch, today)
        sanctions = self.j.sanction(vb, decisions, w.batch, today)
        count_at(c["open_rectifications"], e, -1)
        w.window["failed"].add(e[~corrected], month)
        # the violation in progress: corrected ends it; otherwise it goes on, undetected again
        real = ~v["wrongful"] & ~v["false_commitment"]
        tv = e[real]
        w.under_order[tv] = False
        w.violating[tv[corrected[real]]] = False
        w.v_since[tv[~corrected[real]]] = day
        # tallies
        penalised = decisions.decision != Tolerance.EXEMPT
        self.tally.decisions[month] += k
        self.tally.exempt[month] += int((~penalised).sum())
        self.tally.penalties[month] += int(penalised.sum())
        self.tally.wrongful_penalties[month] += int((penalised & v["wrongful"]).sum())
        self.tally.fines[month] += float(sanctions.fine.sum())
        # public records
        pub = sanctions.publicity_days.astype(np.int64)
        pen = penalised & ((sanctions.fine > 0) | (pub > 0))
        rec_pen = np.full(k, -1, dtype=np.int64)
        rec_pen[pen] = self.records.add(
            enterprise=e[pen],
            kind=RecordKind.PENALTY,
            severity=v["severity"][pen],
            item=v["item"][pen],
            recorded=day,
            ends=day + pub[pen],
            wrongful=v["wrongful"][pen],
            corrected=corrected[pen],
            detected_month=v["month"][pen],
            decided_month=month,
            fine=sanctions.fine[pen],
        )
        shown = rec_pen[pen & (pub > 0)]
        count_at(c["displayed_penalties"], self.records.enterprise[shown])
        self.records.status[rec_pen[pen & (pub == 0)]] = Status.EXPIRED
        rec_list = np.full(k, -1, dtype=np.int64)
        listed = sanctions.list_days > 0
        if listed.any():
            ends = until(today, sanctions.list_days[listed])
            le = e[listed]
            current = c["listed_until"][le]
            c["listed_until"][le] = np.where(np.isnat(current) | (ends > current), ends, current)
            c["listed"][le] = True
            end_day = np.where(ends == FOREVER, NEVER, (ends - w.start).astype(np.int64)).astype(np.int64)
            rec_list[listed] = self.records.add(
                enterprise=le,
                kind=RecordKind.DISHONESTY_LIST,
                severity=v["severity"][listed],
                item=v["item"][listed],
                recorded=day,
                ends=np.minimum(end_day, NEVER),
                wrongful=v["wrongful"][listed],
                corrected=corrected[listed],
                detected_month=v["month"][listed],
                decided_month=month,
                fine=0.0,
            )
        self.tally.listings[month] += int(listed.sum())
        banned = sanctions.ban_days > 0
        self.tally.bans[month] += int(banned.sum())
        if banned.any():
            ends = until(today, sanctions.ban_days[banned])
            be = e[banned]
            current = c["banned_until"][be]
            c["banned_until"][be] = np.where(np.isnat(current) | (ends > current), ends, current)
            w.active[be] = False  # out of the market: no violations, no inspections
            w.violating[be] = False
            w.under_order[be] = False
        c["demonstration"][e[sanctions.revoke_demonstration]] = False
        follow = sanctions.rectify_days > 0
        if follow.any():
            self._follow_up(e[follow], day + sanctions.rectify_days[follow].astype(np.int64))
        behaviour.learn_from_sanction(w, e[penalised & ~v["wrongful"]], self.scenario)
        self._objections(v, penalised, rec_pen, rec_list, day, today)

    def _follow_up(self, enterprise: np.ndarray, days: np.ndarray) -> None:
        """A listed entity's time-limited rectification (seed 004 (XV)) is checked on site when it ends."""
        for d in np.unique(days):
            ids = enterprise[days == d]
            d = int(d)
            if d < self.end_day:
                self.at(
                    d,
                    lambda ids=ids, d=d: self.queues["complaint"].push(
                        enterprise=ids,
                        queued=d,
                        cost=self.cost[ids],
                        source=DetectionSource.REFERRAL,
                        due=d + self.schedule.complaint_days,
                    ),
                )

    def _objections(
        self,
        v: dict[str, np.ndarray],
        penalised: np.ndarray,
        rec_pen: np.ndarray,
        rec_list: np.ndarray,
        day: int,
        today: dt.date,
    ) -> None:
        rep = self.scenario.behaviour.repair
        u = self.rng["objections"].random(len(penalised))
        wrongful = v["wrongful"]
        objects = penalised & np.where(wrongful, u < rep.objection_wrongful, u < rep.objection_rightful)
        rows = np.flatnonzero(objects)
        if len(rows) == 0:
            return
        kind = np.where(rec_list[rows] >= 0, RecordKind.DISHONESTY_LIST, RecordKind.PENALTY).astype(np.int8)
        t64 = np.datetime64(today, "D")
        ob = frozen(
            ObjectionBatch(
                enterprise=v["enterprise"][rows],
                record=kind,
                recorded=np.full(len(rows), t64),
                filed=np.full(len(rows), t64),
                evidence=wrongful[rows].copy(),
            )
        )
        decided = self.j.objection(ob, self.world.batch, today)
        up = rows[decided.upheld]
        self.tally.objections_upheld[self.month_of(day)] += len(up)
        when = day + self.calendar_days(decided.review_days[decided.upheld])
        for d in np.unique(when):
            sel = up[when == d]
            recs = np.concatenate([rec_pen[sel], rec_list[sel]])
            recs = recs[recs >= 0]
            info = {k: v[k][sel] for k in ("enterprise", "severity", "item", "month", "wrongful")}
            self.at(int(d), lambda recs=recs, info=info: self._withdraw(recs, info))

    def _withdraw(self, recs: np.ndarray, info: dict[str, np.ndarray]) -> None:
        """An upheld objection: the records are withdrawn and leave the record summary."""
        w, r, c = self.world, self.records, self.world.cols
        live = recs[r.status[recs] == Status.DISPLAYED]
        pen = live[r.kind[live] == RecordKind.PENALTY]
        count_at(c["displayed_penalties"], r.enterprise[pen], -1)
        r.status[recs] = Status.WITHDRAWN
        self._unlist(r.enterprise[live[r.kind[live] == RecordKind.DISHONESTY_LIST]])
        for m in np.unique(info["month"]):
            sel = info["month"] == m
            w.withdraw_detections(
                info["enterprise"][sel], info["severity"][sel], info["item"][sel].astype(np.int64), int(m)
            )
        decided = r.decided_month[recs[r.kind[recs] == RecordKind.PENALTY]]
        wrongful = r.wrongful[recs[r.kind[recs] == RecordKind.PENALTY]]
        count_at(self.tally.wrongful_penalties, decided[wrongful], -1)

    def _unlist(self, enterprises: np.ndarray) -> None:
        """Lift the listing of enterprises whose listing record was repaired or withdrawn, unless another
        of their listings is still in force (then it runs until that one ends)."""
        if len(enterprises) == 0:
            return
        w, r, c = self.world, self.records, self.world.cols
        other = np.flatnonzero(
            (r.kind == RecordKind.DISHONESTY_LIST) & (r.status == Status.DISPLAYED) & np.isin(r.enterprise, enterprises)
        )
        c["listed"][enterprises] = False
        c["listed_until"][enterprises] = np.datetime64("NaT")
        if len(other):
            still = r.enterprise[other]
            ends = np.where(r.ends[other] >= NEVER, FOREVER, w.start + r.ends[other].astype("timedelta64[D]"))
            c["listed"][still] = True
            c["listed_until"][still] = np.datetime64("NaT")
            for e, end in zip(still.tolist(), ends):  # a handful of rows: the latest end wins
                current = c["listed_until"][e]
                if np.isnat(current) or end > current:
                    c["listed_until"][e] = end

    # -- credit repair -------------------------------------------------------------------------------

    def _repairs(self, day: int, t: int, today: dt.date) -> None:
        """Enterprises with a displayed record apply for repair; the repair hook decides; approvals take
        effect after the review time."""
        w, r = self.world, self.records
        if not len(r):
            return
        cand = np.flatnonzero((r.status == Status.DISPLAYED) & ~r.busy & ~r.final)
        u = self.rng["repair"].random(len(cand))
        rows = cand[u < self.scenario.behaviour.repair.application_per_month]
        if len(rows) == 0:
            return
        e = r.enterprise[rows]
        can_commit = self.j.commitment_eligible(frozen(w.batch.take(e)), CommitmentKind.REPAIR, today)
        service = self.rng["repair"].random(len(rows)) < 0.5
        fulfilled = (
            np.where(r.corrected[rows], int(RepairCondition.RECTIFIED), 0)
            | np.where(can_commit, int(RepairCondition.COMMITMENT), 0)
            | int(RepairCondition.TRAINING)
            | int(RepairCondition.CREDIT_REPORT)
            | np.where(service, int(RepairCondition.PUBLIC_SERVICE), 0)
            | np.where(w.cols["violations_12m"][e] == 0, int(RepairCondition.CREDIT_CHECK), 0)
        )
        apps = frozen(
            RepairApplications(
                enterprise=e,
                record=r.kind[rows].copy(),
                severity=r.severity[rows].copy(),
                recorded=w.start + r.recorded[rows].astype("timedelta64[D]"),
                applied=np.full(len(rows), np.datetime64(today, "D")),
                fulfilled=fulfilled.astype(np.uint16),
            )
        )
        decided = self.j.repair(apps, w.batch, today)
        r.final[rows[decided.status == RepairStatus.REFUSED]] = True
        ok = decided.status == RepairStatus.APPROVED
        approved = rows[ok]
        r.busy[approved] = True
        when = day + self.calendar_days(decided.review_days[ok])
        for d in np.unique(when):
            recs = approved[when == d]
            self.at(int(d), lambda recs=recs, d=int(d): self._repaired(recs, d))

    def _repaired(self, recs: np.ndarray, day: int) -> None:
        w, r, c = self.world, self.records, self.world.cols
        r.busy[recs] = False
        live = recs[r.status[recs] == Status.DISPLAYED]
        r.status[live] = Status.REPAIRED
        pen = live[r.kind[live] == RecordKind.PENALTY]
        count_at(c["displayed_penalties"], r.enterprise[pen], -1)
        lst = r.enterprise[live[r.kind[live] == RecordKind.DISHONESTY_LIST]]
        self._unlist(lst)
        e = np.unique(r.enterprise[live])
        if len(e) == 0:
            return
        month = self.month_of(day)
        w.window["repairs"].add(e, month)
        c["last_repair"][e] = w.day64(day)
        w.repaired_day[e] = day
        w.repair_relapsed[e] = False
        self.tally.repairs[month] += len(e)


__all__ = ["Regulator", "month_starts"]
