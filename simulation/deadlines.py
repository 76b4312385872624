"""Rectification deadlines: a detected violation waits for its time limit, then tolerance, sanction and
their consequences are decided, in one batch per day.

A detected violation is ordered rectified within the jurisdiction's ``schedule.rectification_days`` of
its severity. All violations whose time limit ends on one day are decided together (one SimPy timeout
per day): whether each was corrected in time (``behaviour.correction``), then the ``tolerance`` hook,
then the ``sanction`` hook. Their consequences: the credit record (the order met or not), the
violation in progress (a corrected one ends; an uncorrected one goes on, undetected again), the tally,
the public records, listings and bans (:class:`credsup.simulation.listings.Listings`), a listed
entity's on-site follow-up when its rectification time ends (seed 004 (XV)), what the enterprise learns
(:func:`credsup.simulation.behaviour.learn_from_sanction`: specific deterrence), and objections
(:class:`credsup.simulation.objections.Objections`).
"""

from __future__ import annotations

import functools

import attrs
import numpy as np

from credsup.core import DetectionSource, Tolerance, ViolationBatch
from credsup.simulation import behaviour
from credsup.simulation.context import RunContext
from credsup.simulation.inspectorate import Inspectorate
from credsup.simulation.listings import Listings
from credsup.simulation.objections import Objections


@attrs.frozen
class Found:
    """Violations detected (true, wrongful or false commitments), one row each, waiting for their deadline.

    Days count from the scenario's start.
    """

    enterprise: np.ndarray  #: enterprise row (int64)
    item: np.ndarray  #: item code in the run's vocabulary (int16)
    severity: np.ndarray  #: Severity code (int8)
    harm: np.ndarray  #: harm units (float64)
    committed: np.ndarray  #: day the violation began (int64)
    detected: np.ndarray  #: day it was detected (int64)
    source: np.ndarray  #: DetectionSource code (int8)
    same: np.ndarray  #: detected violations of the same item in the record window before this one (int16)
    prior: np.ndarray  #: detected violations of any item in the record window before this one (int16)
    wrongful: np.ndarray  #: recorded at an enterprise that was not violating (a false positive)
    false_commitment: np.ndarray  #: a commitment found false on verification
    month: np.ndarray  #: period of the detection (int32)
    violation: np.ndarray  #: its row in the credit record's violations (int64)

    def __len__(self) -> int:
        return len(self.enterprise)

    def select(self, rows: np.ndarray) -> Found:
        """The rows ``rows`` (a mask or indices)."""
        return Found(**{name: getattr(self, name)[rows] for name in _FOUND})

    @staticmethod
    def concat(parts: list[Found]) -> Found:
        if len(parts) == 1:
            return parts[0]
        return Found(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in _FOUND})


_FOUND = tuple(f.name for f in attrs.fields(Found))


class Deadlines:
    """The rectification deadlines of one run."""

    def __init__(self, ctx: RunContext, inspectorate: Inspectorate, listings: Listings, objections: Objections):
        self.ctx = ctx
        self.inspectorate = inspectorate
        self.listings = listings
        self.objections = objections
        #: days (calendar) each severity has to rectify, from the jurisdiction's schedule
        self.rect_days = np.asarray(ctx.schedule.rectification_days.array(), dtype=np.int64)
        self.pending: dict[int, list[Found]] = {}

    def order(self, found: Found, day: int) -> None:
        """Order the violations ``found`` on ``day`` rectified; each is decided when its time limit ends."""
        deadline = day + self.rect_days[found.severity]
        for d in np.unique(deadline):
            part = found.select(deadline == d)
            d = int(d)
            if d not in self.pending:
                self.pending[d] = []
                self.ctx.clock.at(d, functools.partial(self.decide, d))
            self.pending[d].append(part)

    def decide(self, day: int) -> None:
        """All violations whose rectification time limit ends today: tolerance, sanction, consequences."""
        ctx = self.ctx
        v = Found.concat(self.pending.pop(day))
        w, params, j, tally = ctx.world, ctx.params, ctx.jurisdiction, ctx.tally
        if not w.alive[v.enterprise].all():  # the case of an enterprise that left the market is closed
            v = v.select(w.alive[v.enterprise])
            if len(v.enterprise) == 0:
                return
        month = ctx.clock.month_of(day)
        today = w.date(day)
        e = v.enterprise
        # float32, as plain numbers with the float32 honesty are
        base, weight = (params.value(f"behaviour.correction.{x}", e, np.float32) for x in ("base", "honesty_weight"))
        p_correct = np.clip(base + weight * w.honesty[e], 0.0, 1.0)
        corrected = (ctx.members.random("corrections", e) < p_correct) | v.wrongful
        vb = ViolationBatch(
            enterprise=e,
            item=v.item,
            severity=v.severity,
            harm=v.harm,
            harmful=v.harm >= params.value("behaviour.harmful_threshold", e, v.harm.dtype),
            committed=w.start + v.committed.astype("timedelta64[D]"),
            detected=w.start + v.detected.astype("timedelta64[D]"),
            source=v.source,
            corrected=corrected,
            prior_same_item_36m=v.same,
            prior_36m=v.prior,
            false_commitment=v.false_commitment,
            # the deterrence model's enterprises choose their violations: none is without fault
            # (APL 2021 Art. 33 para 2 is for registries and plugin tests; docs/model.md)
            no_fault=np.zeros(len(e), dtype=bool),
            items=w.items,
        )
        decisions = j.tolerance(vb, w.batch, today)
        sanctions = j.sanction(vb, decisions, w.batch, today)
        ctx.record.deadline(v.violation, corrected, day)
        # the violation in progress: corrected ends it; otherwise it goes on, undetected again
        real = ~v.wrongful & ~v.false_commitment
        tv = e[real]
        w.under_order[tv] = False
        w.violating[tv[corrected[real]]] = False
        w.v_since[tv[~corrected[real]]] = day
        # tallies
        penalised = decisions.decision != Tolerance.EXEMPT
        members = ctx.members
        tally.decisions[month] += members.count(e)
        tally.exempt[month] += members.count(e[~penalised])
        tally.penalties[month] += members.count(e[penalised])
        tally.wrongful_penalties[month] += members.count(e[penalised & v.wrongful])
        tally.fines[month] += members.count(e, np.asarray(sanctions.fine, dtype=np.float64))
        # public records, listings, bans, demonstration status
        rec_pen, rec_list = self.listings.sanction(v, corrected, penalised, sanctions, day, month, today)
        follow = sanctions.rectify_days > 0
        if follow.any():
            self._follow_up(e[follow], day + sanctions.rectify_days[follow].astype(np.int64))
        behaviour.learn_from_sanction(w, e[penalised & ~v.wrongful], ctx.params)
        self.objections.file(v, penalised, rec_pen, rec_list, day, today)

    def _follow_up(self, enterprise: np.ndarray, days: np.ndarray) -> None:
        """A listed entity's time-limited rectification (seed 004 (XV)) is checked on site when it ends."""
        for d in np.unique(days):
            ids = enterprise[days == d]
            d = int(d)
            if d < self.ctx.clock.end_day:
                self.ctx.clock.at(d, functools.partial(self._refer, ids, d))

    def _refer(self, ids: np.ndarray, day: int) -> None:
        self.inspectorate.order(
            "complaint", ids, day, source=DetectionSource.FOLLOW_UP, due=day + self.ctx.schedule.complaint_days
        )


__all__ = ["Deadlines", "Found"]
