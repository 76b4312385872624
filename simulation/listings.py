"""Carrying out sanctions: penalty records, dishonesty listings, market bans, demonstration status.

Every penalty decision (and every ban) becomes a penalty record, displayed for ``publicity_days``; a
listing becomes a listing record (``listed``/``listed_until``: joint punishment, which the commitment
hooks read); a ban takes the enterprise out of the market (no violations, no inspections) until
``banned_until``; ``revoke_demonstration`` ends demonstration status. The credit record
(:class:`~credsup.simulation.credit_record.CreditRecord`) keeps the record summary of all of them: when
each ends by itself, and what an upheld objection or an approved repair lifts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from credsup.core import FOREVER, Sanctions, until
from credsup.simulation.context import RunContext
from credsup.simulation.records import NEVER

if TYPE_CHECKING:
    from credsup.simulation.deadlines import Found


class Listings:
    """The sanctions of one run, carried out."""

    def __init__(self, ctx: RunContext):
        self.ctx = ctx

    def _end_days(self, today: dt.date, days: np.ndarray) -> np.ndarray:
        """Days (since the start) a measure of ``days`` from ``today`` ends: ``NEVER`` when indefinite, -1
        for none (as :func:`credsup.core.until`)."""
        out = np.full(len(days), -1, dtype=np.int64)
        some = days > 0
        if some.any():
            ends = until(today, days[some])
            start = self.ctx.world.start
            out[some] = np.where(ends == FOREVER, NEVER, (ends - start).astype(np.int64))
        return out

    def sanction(
        self,
        v: Found,
        corrected: np.ndarray,
        penalised: np.ndarray,
        sanctions: Sanctions,
        day: int,
        month: int,
        today: dt.date,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Carry out the sanctions of the violations ``v`` decided today. Returns, per row, the penalty
        record and the listing record it created (-1 none)."""
        ctx = self.ctx
        w, record, tally = ctx.world, ctx.record, ctx.tally
        e = v.enterprise
        k = len(e)
        ban_ends = self._end_days(today, sanctions.ban_days)
        banned = ban_ends >= 0
        pen = penalised | banned
        rec_pen = np.full(k, -1, dtype=np.int64)
        rec_pen[pen] = record.penalise(
            e[pen],
            day,
            day + sanctions.publicity_days[pen].astype(np.int64),
            violation=v.violation[pen],
            ban_ends=ban_ends[pen],
            severity=v.severity[pen],
            wrongful=v.wrongful[pen],
            corrected=corrected[pen],
            decided_month=month,
        )
        rec_list = np.full(k, -1, dtype=np.int64)
        listed = sanctions.list_days > 0
        if listed.any():
            rec_list[listed] = record.list(
                e[listed],
                day,
                self._end_days(today, sanctions.list_days[listed]),
                violation=v.violation[listed],
                severity=v.severity[listed],
                corrected=corrected[listed],
            )
        tally.listings[month] += ctx.members.count(e[listed])
        if banned.any():
            tally.bans[month] += ctx.members.count(e[banned])
            be = e[banned]
            w.violating[be] = False  # out of the market: no violations, no inspections
            w.under_order[be] = False
        if sanctions.revoke_demonstration.any():
            record.revoke_demonstration(e[sanctions.revoke_demonstration])
        return rec_pen, rec_list


__all__ = ["Listings"]
