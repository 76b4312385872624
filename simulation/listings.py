"""Public consequences of sanctions: penalty records on display, dishonesty listings, market bans,
and demonstration status; when they end by themselves and when they are lifted.

A penalised violation with a fine or a publicity period becomes a penalty record, displayed for
``publicity_days`` (``displayed_penalties``); a listing sets ``listed``/``listed_until`` (joint
punishment: the commitment hooks read it); a ban takes the enterprise out of the market (no violations,
no inspections) until ``banned_until``. Each ends on its day (:meth:`Listings.expire`), or earlier when
an objection is upheld or a repair approved (:meth:`Listings.end_display`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from credsup.core import FOREVER, RecordKind, Sanctions, until
from credsup.simulation.context import RunContext
from credsup.simulation.records import Status
from credsup.simulation.state import count_at

if TYPE_CHECKING:
    from credsup.simulation.deadlines import Found

NEVER = np.iinfo(np.int32).max  #: the end day of a record that does not end by itself


class Listings:
    """Penalty display, listings and bans of one run."""

    def __init__(self, ctx: RunContext):
        self.ctx = ctx

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
        w, c, records, tally = ctx.world, ctx.world.cols, ctx.records, ctx.tally
        e = v.enterprise
        k = len(e)
        pub = sanctions.publicity_days.astype(np.int64)
        pen = penalised & ((sanctions.fine > 0) | (pub > 0))
        rec_pen = np.full(k, -1, dtype=np.int64)
        rec_pen[pen] = records.add(
            enterprise=e[pen],
            kind=RecordKind.PENALTY,
            severity=v.severity[pen],
            item=v.item[pen],
            recorded=day,
            ends=day + pub[pen],
            wrongful=v.wrongful[pen],
            corrected=corrected[pen],
            detected_month=v.month[pen],
            decided_month=month,
            fine=sanctions.fine[pen],
        )
        shown = rec_pen[pen & (pub > 0)]
        count_at(c["displayed_penalties"], records.enterprise[shown])
        records.status[rec_pen[pen & (pub == 0)]] = Status.EXPIRED
        rec_list = np.full(k, -1, dtype=np.int64)
        listed = sanctions.list_days > 0
        if listed.any():
            ends = until(today, sanctions.list_days[listed])
            le = e[listed]
            current = c["listed_until"][le]
            c["listed_until"][le] = np.where(np.isnat(current) | (ends > current), ends, current)
            c["listed"][le] = True
            end_day = np.where(ends == FOREVER, NEVER, (ends - w.start).astype(np.int64)).astype(np.int64)
            rec_list[listed] = records.add(
                enterprise=le,
                kind=RecordKind.DISHONESTY_LIST,
                severity=v.severity[listed],
                item=v.item[listed],
                recorded=day,
                ends=np.minimum(end_day, NEVER),
                wrongful=v.wrongful[listed],
                corrected=corrected[listed],
                detected_month=v.month[listed],
                decided_month=month,
                fine=0.0,
            )
        tally.listings[month] += int(listed.sum())
        banned = sanctions.ban_days > 0
        tally.bans[month] += int(banned.sum())
        if banned.any():
            ends = until(today, sanctions.ban_days[banned])
            be = e[banned]
            current = c["banned_until"][be]
            c["banned_until"][be] = np.where(np.isnat(current) | (ends > current), ends, current)
            w.active[be] = False  # out of the market: no violations, no inspections
            w.violating[be] = False
            w.under_order[be] = False
        c["demonstration"][e[sanctions.revoke_demonstration]] = False
        return rec_pen, rec_list

    def expire(self, day: int) -> None:
        """End listings, bans and publicity periods that are over by ``day``."""
        w, c, r = self.ctx.world, self.ctx.world.cols, self.ctx.records
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

    def end_display(self, recs: np.ndarray, status: Status) -> np.ndarray:
        """Take the records ``recs`` that are still displayed off display with ``status`` (repaired or
        withdrawn), lifting their listings; returns those records."""
        r, c = self.ctx.records, self.ctx.world.cols
        live = recs[r.status[recs] == Status.DISPLAYED]
        pen = live[r.kind[live] == RecordKind.PENALTY]
        count_at(c["displayed_penalties"], r.enterprise[pen], -1)
        r.status[live] = status
        self.unlist(r.enterprise[live[r.kind[live] == RecordKind.DISHONESTY_LIST]])
        return live

    def unlist(self, enterprises: np.ndarray) -> None:
        """Lift the listing of enterprises whose listing record was repaired or withdrawn, unless another
        of their listings is still in force (then it runs until that one ends)."""
        if len(enterprises) == 0:
            return
        w, r, c = self.ctx.world, self.ctx.records, self.ctx.world.cols
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


__all__ = ["NEVER", "Listings"]
