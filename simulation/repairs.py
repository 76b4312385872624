"""Credit repair (seed 004 (XXVI); 国办发〔2025〕22号): applications, the hook's decision, and its effect.

Each month an enterprise with a displayed penalty or listing applies for the record's repair with
probability ``behaviour.repair.application_per_month``. Its file states the conditions it fulfils
(:class:`credsup.core.RepairCondition`): rectification (if the violation was corrected), a repair
commitment (if ``commitment_eligible(REPAIR)`` admits it), training, a credit report and public service
with the probabilities ``behaviour.repair.training``, ``credit_report`` and ``public_service``, and a
credit check if it has no violation in the last 12 months. The ``repair`` hook decides; a refusal is final for the record; an approval takes
effect after the hook's review time (working days): the record leaves the display (and the listing),
the enterprise's ``repairs_36m`` and ``last_repair`` move on, and its recidivism follow-up starts.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from credsup.core import CommitmentKind, RepairApplications, RepairCondition, RepairStatus
from credsup.simulation.context import RunContext
from credsup.simulation.records import Status


class Repairs:
    """Repair applications and approvals of one run."""

    def __init__(self, ctx: RunContext):
        self.ctx = ctx

    def apply(self, day: int, t: int, today: dt.date) -> None:
        """Enterprises with a displayed record apply for repair; the repair hook decides; approvals take
        effect after the review time."""
        ctx = self.ctx
        w, r, members = ctx.world, ctx.record.records, ctx.members
        if not len(r):
            return
        cand = np.flatnonzero((r.status == Status.DISPLAYED) & ~r.busy & ~r.final)
        cand = cand[w.alive[r.enterprise[cand]]]  # an enterprise that left the market applies no more
        u = members.random("repair", r.enterprise[cand])
        params = ctx.params
        rows = cand[u < params.value("behaviour.repair.application_per_month", r.enterprise[cand])]
        if len(rows) == 0:
            return
        e = r.enterprise[rows]
        can_commit = ctx.jurisdiction.commitment_eligible(w.batch.take(e), CommitmentKind.REPAIR, today)
        service = members.random("repair", e) < params.value("behaviour.repair.public_service", e)
        file = members.random("repair_file", e, lead=2)  # its own stream: drawn for every applicant
        fulfilled = (
            np.where(r.corrected[rows], int(RepairCondition.RECTIFIED), 0)
            | np.where(can_commit, int(RepairCondition.COMMITMENT), 0)
            | np.where(file[0] < params.value("behaviour.repair.training", e), int(RepairCondition.TRAINING), 0)
            | np.where(
                file[1] < params.value("behaviour.repair.credit_report", e), int(RepairCondition.CREDIT_REPORT), 0
            )
            | np.where(service, int(RepairCondition.PUBLIC_SERVICE), 0)
            | np.where(w.cols["violations_12m"][e] == 0, int(RepairCondition.CREDIT_CHECK), 0)
        )
        apps = RepairApplications(
            enterprise=e,
            record=r.kind[rows].copy(),
            severity=r.severity[rows].copy(),
            recorded=w.start + r.recorded[rows].astype("timedelta64[D]"),
            applied=np.full(len(rows), np.datetime64(today, "D")),
            fulfilled=fulfilled.astype(np.uint16),
        )
        decided = ctx.jurisdiction.repair(apps, w.batch, today)
        r.final[rows[decided.status == RepairStatus.REFUSED]] = True
        ok = decided.status == RepairStatus.APPROVED
        approved = rows[ok]
        r.busy[approved] = True
        when = day + ctx.clock.calendar_days(decided.review_days[ok])
        for d in np.unique(when):
            recs = approved[when == d]
            ctx.clock.at(int(d), functools.partial(self.repaired, recs, int(d)))

    def repaired(self, recs: np.ndarray, day: int) -> None:
        """Approved repairs take effect: the records leave the display; the enterprises whose displayed
        records were repaired start their recidivism follow-up."""
        ctx = self.ctx
        w, r = ctx.world, ctx.record.records
        r.busy[recs] = False
        live = ctx.record.repair(recs, day)
        e = np.unique(r.enterprise[live])
        if len(e) == 0:
            return
        month = ctx.clock.month_of(day)
        w.repaired_day[e] = day
        w.repair_relapsed[e] = False
        ctx.tally.repairs[month] += ctx.members.count(e)


__all__ = ["Repairs"]
