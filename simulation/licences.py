"""Licences on a notification-commitment (seed 004 (I)-(II)): applications, false commitments, and the
commitments picked for verification.

Each month an active enterprise applies for a licence or permit with probability
``behaviour.commitments.applications_per_year / 12``. An applicant the ``commitment_eligible`` hook
admits commits (``commitments_36m``); one that does not meet the conditions (share
``conditions_unmet``) commits falsely with probability ``false_propensity x (1 - honesty)``. The
``commitment_verification`` hook gives the chance a commitment is checked: a check is an inspection on
the commitment queue (it uses capacity), which finds a false commitment for certain.

**When.** The jurisdiction verifies "within ``schedule.commitment_check_months`` of the commitment"
(national.toml: Beijing's rules and Dalian's hazardous-chemicals licence, within 3 months of approval).
A check is queued at the start of a month drawn uniformly from the commitment's month and the
``commitment_check_months - 1`` months after it (assumption: the rules set the window, not the day;
checks spread evenly over it), from its own stream (``commitment_checks``), so the other draws of a run
do not change with the window. A check whose month falls after the run's end is not made.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from credsup.core import CommitmentKind
from credsup.simulation.context import RunContext
from credsup.simulation.inspectorate import Inspectorate


class Licences:
    """Licence applications of one run."""

    def __init__(self, ctx: RunContext, inspectorate: Inspectorate):
        self.ctx = ctx
        self.inspectorate = inspectorate
        #: checks waiting for their month: month -> [(enterprises, false flags)]
        self._pending: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}

    def apply(self, day: int, t: int, today: dt.date) -> None:
        """The month's applications, commitments, and the commitment checks they queue."""
        ctx = self.ctx
        w, params, j = ctx.world, ctx.params, ctx.jurisdiction
        members = ctx.members
        self._queue_due_checks(day, t)
        u = members.random_all("licences")
        rate = params.value("behaviour.commitments.applications_per_year") / 12.0  # each row's member's
        apps = np.flatnonzero(u < rate)
        apps = apps[w.active[apps]]
        u2, u3 = members.random("licences", apps, lead=2)  # drawn for every applicant (common numbers)
        if len(apps) == 0:
            return
        rate = rate[apps] if np.ndim(rate) else rate
        unmet = u[apps] / rate < params.value("behaviour.commitments.conditions_unmet", apps)
        sub = w.batch.take(apps)
        eligible = j.commitment_eligible(sub, CommitmentKind.NOTIFICATION, today)
        # float32, as a plain number times the float32 honesty is
        propensity = params.value("behaviour.commitments.false_propensity", apps, np.float32)
        false = eligible & unmet & (u2 < propensity * (1.0 - w.honesty[apps]))
        ctx.record.commit(apps[eligible], day)
        verify = eligible & (u3 < j.commitment_verification(sub, CommitmentKind.NOTIFICATION, today))
        checked, flags = apps[verify], false[verify]
        window = ctx.schedule.commitment_check_months
        month = t + members.integers("commitment_checks", checked, window)
        for m in np.unique(month):
            at = month == m
            self._pending.setdefault(int(m), []).append((checked[at], flags[at]))
        self._queue_due_checks(day, t)

    def _queue_due_checks(self, day: int, t: int) -> None:
        """Queue the checks whose month is ``t`` (in the order they were drawn)."""
        for ids, flags in self._pending.pop(t, []):
            self.inspectorate.order("commitment", ids, day, false=flags)


__all__ = ["Licences"]
