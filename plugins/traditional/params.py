"""Parameters of traditional supervision: routine patrols and campaign sweeps for all alike, penalty by
severity, nothing else."""

from __future__ import annotations

import attrs

from credsup.core.params import BySeverity, DaysBySeverity, JurisdictionParams, fraction, param, section


@attrs.frozen
class Inspection:
    rate_per_year: float = param(
        lo=0.0,
        hi=12.0,
        doc="routine (patrol) inspections per enterprise per year, untargeted and the same for all; a chance per "
        "month, so an enterprise may be visited again within the year",
        unit="inspections / year",
    )


@attrs.frozen
class Campaign:
    every_months: int = param(
        lo=0,
        hi=12,
        doc="a campaign-style sweep every this many months, in the calendar months divisible by it (0: none)",
        unit="months",
    )
    share: float = fraction("share of all enterprises a sweep inspects in its month, drawn at random")


@attrs.frozen
class Complaints:
    verification_probability: float = fraction("share of complaints investigated")


@attrs.frozen
class Penalty:
    fine: BySeverity = section("fine by severity (yuan)")
    publicity_days: DaysBySeverity = section("days a penalty is publicly displayed, by severity")


@attrs.frozen
class Objection:
    review_working_days: int = param(lo=0, hi=365, doc="administrative reconsideration time", unit="working days")


@attrs.frozen
class TraditionalParams(JurisdictionParams):
    """Uniform supervision without credit (seed 002 "Second": "an average force on all")."""

    inspection: Inspection = section("routine inspection, the same for all")
    campaign: Campaign = section("campaign-style sweeps (special rectification drives)")
    complaints: Complaints = section("complaint-driven investigation")
    penalty: Penalty = section("penalty by severity")
    objection: Objection = section("administrative reconsideration of a penalty")
