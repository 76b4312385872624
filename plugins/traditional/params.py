"""Parameters of traditional supervision: one inspection rate, penalty by severity, nothing else."""

from __future__ import annotations

import attrs

from credsup.core.params import MAX_YUAN, BySeverity, DaysBySeverity, JurisdictionParams, fraction, param, section


@attrs.frozen
class Inspection:
    rate_per_year: float = param(lo=0.0, hi=12.0, doc="random spot checks per enterprise per year, the same for all")


@attrs.frozen
class Complaints:
    verification_probability: float = fraction("share of complaints investigated")


@attrs.frozen
class Penalty:
    fine: BySeverity = section("fine by severity (yuan)", hi=MAX_YUAN, unit="yuan")
    publicity_days: DaysBySeverity = section("days a penalty is publicly displayed, by severity")


@attrs.frozen
class Objection:
    review_working_days: int = param(lo=0, hi=365, doc="administrative reconsideration time", unit="working days")


@attrs.frozen
class TraditionalParams(JurisdictionParams):
    """Uniform supervision without credit (seed 002 "Second": "an average force on all")."""

    inspection: Inspection = section("uniform random inspection")
    complaints: Complaints = section("complaint-driven investigation")
    penalty: Penalty = section("penalty by severity")
    objection: Objection = section("administrative reconsideration of a penalty")
