"""Licences on a notification-commitment (seed 004 (I)-(II)): applications, false commitments, and the
commitments picked for verification.

Each month an active enterprise applies for a licence or permit with probability
``behaviour.commitments.applications_per_year / 12``. An applicant the ``commitment_eligible`` hook
admits commits (``commitments_36m``); one that does not meet the conditions (share
``conditions_unmet``) commits falsely with probability ``false_propensity x (1 - honesty)``. The
``commitment_verification`` hook gives the chance a commitment is checked: a check is an inspection on
the commitment queue (it uses capacity), which finds a false commitment for certain.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from credsup.core import CommitmentKind
from credsup.simulation.context import RunContext
from credsup.simulation.inspectorate import Inspectorate
from credsup.simulation.state import frozen


class Licences:
    """Licence applications of one run."""

    def __init__(self, ctx: RunContext, inspectorate: Inspectorate):
        self.ctx = ctx
        self.inspectorate = inspectorate

    def apply(self, day: int, t: int, today: dt.date) -> None:
        """The month's applications, commitments, and the commitment checks they queue."""
        ctx = self.ctx
        w, com, j = ctx.world, ctx.scenario.behaviour.commitments, ctx.jurisdiction
        members = ctx.members
        u = members.random_all("licences")
        rate = com.applications_per_year / 12.0
        apps = np.flatnonzero(u < rate)
        apps = apps[w.active[apps]]
        u2, u3 = members.random("licences", apps, lead=2)  # drawn for every applicant (common numbers)
        if len(apps) == 0:
            return
        unmet = u[apps] / rate < com.conditions_unmet
        sub = frozen(w.batch.take(apps))
        eligible = j.commitment_eligible(sub, CommitmentKind.NOTIFICATION, today)
        false = eligible & unmet & (u2 < com.false_propensity * (1.0 - w.honesty[apps]))
        ctx.record.commit(apps[eligible], day)
        verify = eligible & (u3 < j.commitment_verification(sub, CommitmentKind.NOTIFICATION, today))
        self.inspectorate.order("commitment", apps[verify], day, false=false[verify])


__all__ = ["Licences"]
