"""Social supervision: complaints and tip-offs, drawn each month, arriving on their days.

Each month an enterprise with an undetected violation is reported with probability
``1 - exp(-regulator.complaint_base_rate x I x harm)``, ``I`` from the ``complaint_intensity`` hook; a
compliant one with probability ``regulator.false_complaint_rate``. A complaint arrives on a uniform day
of the month and enters ``complaints_36m``; it is verified on site with the ``complaint_verification``
probability (an order on the complaint queue, due within the jurisdiction's ``schedule.complaint_days``).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from credsup.core import DetectionSource
from credsup.simulation.context import RunContext
from credsup.simulation.inspectorate import Inspectorate


class Complaints:
    """Complaints of one run."""

    def __init__(self, ctx: RunContext, inspectorate: Inspectorate):
        self.ctx = ctx
        self.inspectorate = inspectorate

    def draw(self, day: int, t: int, today: dt.date) -> None:
        """Complaints and tip-offs of month ``t``: drawn now, arriving on their days."""
        ctx = self.ctx
        w, params, clock, j = ctx.world, ctx.params, ctx.clock, ctx.jurisdiction
        u = ctx.members.random_all("complaints")
        length = int(clock.starts[t + 1] - clock.starts[t])
        is_open = w.violating & ~w.under_order & w.active
        open_ = np.flatnonzero(is_open)
        # intensity for everyone (rows are independent, and the batch is a view: no copy of the violators);
        # the exponential only where a violation is open (a tenth of the rows)
        intensity = j.complaint_intensity(w.batch, today)

        def p_open(rows: np.ndarray) -> np.ndarray:
            rate = params.value("regulator.complaint_base_rate", rows)  # each row's member's
            return 1.0 - np.exp(-rate * intensity[rows] * w.v_harm[rows])

        # reported: an open violation with probability p_open, any other active enterprise with the
        # false-complaint rate (found without a full-size array of probabilities: most rows are far above both)
        reported = open_[u[open_] < p_open(open_)]
        unfounded = np.flatnonzero(u < params.value("regulator.false_complaint_rate"))
        unfounded = unfounded[w.active[unfounded] & ~is_open[unfounded]]
        who = np.sort(np.concatenate([reported, unfounded]))
        if len(who) == 0:
            return
        p = np.full(len(who), params.value("regulator.false_complaint_rate", who), dtype=np.float64)
        opened = is_open[who]
        p[opened] = p_open(who[opened])
        # the uniform below the threshold, rescaled, is again uniform: it places the day and the verification draw
        frac = u[who] / p
        offset = np.minimum((frac * length).astype(np.int64), length - 1)
        second = frac * length - offset
        verify = second < j.complaint_verification(w.batch.take(who), today)
        order = np.argsort(offset, kind="stable")
        who, offset, verify = who[order], offset[order], verify[order]
        ctx.tally.complaints[t] += ctx.members.count(who)
        bounds = np.flatnonzero(np.diff(offset)) + 1
        for ids, ver, off in zip(np.split(who, bounds), np.split(verify, bounds), offset[np.r_[0, bounds]]):
            clock.at(day + int(off), functools.partial(self.arrive, ids, ver, day + int(off)))

    def arrive(self, ids: np.ndarray, verify: np.ndarray, day: int) -> None:
        """Complaints about ``ids`` arrive; those to verify join the complaint queue."""
        ctx = self.ctx
        ctx.record.complain(ids, day)
        self.inspectorate.order(
            "complaint",
            ids[verify],
            day,
            source=DetectionSource.COMPLAINT,
            due=day + ctx.schedule.complaint_days,
        )


__all__ = ["Complaints"]
