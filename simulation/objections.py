"""Objections against penalty and listing records (seed 004 (XXVII)).

A penalised enterprise objects with probability ``behaviour.repair.objection_wrongful`` when the record
is wrong (the inspection was a false positive) and ``objection_rightful`` otherwise; its evidence is
whether the record is wrong. The ``objection`` hook decides; an upheld objection withdraws the penalty
and listing records after the hook's review time (working days): they leave the display, the listing
and the violation counts of the record summary, and the wrongful penalty leaves the tally.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import numpy as np

from credsup.core import ObjectionBatch, RecordKind
from credsup.simulation.context import RunContext

if TYPE_CHECKING:
    from credsup.simulation.deadlines import Found


class Objections:
    """Objections of one run: filed when a sanction is decided, withdrawn records when upheld."""

    def __init__(self, ctx: RunContext):
        self.ctx = ctx

    def file(
        self,
        v: Found,
        penalised: np.ndarray,
        rec_pen: np.ndarray,
        rec_list: np.ndarray,
        day: int,
        today: dt.date,
    ) -> None:
        """Objections against today's penalties: who objects, the hook's decision, withdrawal scheduled."""
        ctx = self.ctx
        u = ctx.members.random("objections", v.enterprise)
        wrongful = v.wrongful
        p_wrongful, p_rightful = (
            ctx.params.value(f"behaviour.repair.objection_{kind}", v.enterprise) for kind in ("wrongful", "rightful")
        )
        objects = penalised & np.where(wrongful, u < p_wrongful, u < p_rightful)
        rows = np.flatnonzero(objects)
        if len(rows) == 0:
            return
        kind = np.where(rec_list[rows] >= 0, RecordKind.DISHONESTY_LIST, RecordKind.PENALTY).astype(np.int8)
        t64 = np.datetime64(today, "D")
        ob = ObjectionBatch(
            enterprise=v.enterprise[rows],
            record=kind,
            recorded=np.full(len(rows), t64),
            filed=np.full(len(rows), t64),
            evidence=wrongful[rows].copy(),
        )
        decided = ctx.jurisdiction.objection(ob, ctx.world.batch, today)
        up = rows[decided.upheld]
        ctx.tally.objections_upheld[ctx.clock.month_of(day)] += ctx.members.count(v.enterprise[up])
        when = day + ctx.clock.calendar_days(decided.review_days[decided.upheld])
        for d in np.unique(when):
            sel = up[when == d]
            recs = np.concatenate([rec_pen[sel], rec_list[sel]])
            recs = recs[recs >= 0]
            ctx.clock.at(int(d), functools.partial(self.withdraw, recs, int(d)))

    def withdraw(self, recs: np.ndarray, day: int) -> None:
        """An upheld objection: the records ``recs`` are withdrawn (with the violations behind the
        penalties) and the wrongful penalties leave the tally."""
        ctx = self.ctx
        r, tally = ctx.record.records, ctx.tally
        ctx.record.withdraw(recs, day)
        decided = r.decided_month[recs[r.kind[recs] == RecordKind.PENALTY]]
        wrongful = r.wrongful[recs[r.kind[recs] == RecordKind.PENALTY]]
        pen = recs[r.kind[recs] == RecordKind.PENALTY][wrongful]
        np.add.at(tally.wrongful_penalties, (decided[wrongful], ctx.members.member[r.enterprise[pen]]), -1.0)


__all__ = ["Objections"]
