"""What hooks decide: one small frozen value per case, and its columnar batch form.

A batch hook returns the batch form (``ToleranceDecisions`` ...); a rule written for one case with
:func:`credsup.core.adapter.per_enterprise` returns the single form (``ToleranceDecision`` ...), and the
adapter stacks them.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs
import numpy as np

from credsup.core.columns import DATE, Columnar, column
from credsup.core.enums import BanScope, InspectionBasis, Reason, RepairCondition, RepairStatus, Tolerance


@attrs.frozen
class InspectionRate:
    """How much one enterprise is inspected without a complaint or referral, and in which form.

    ``chance`` in [0, 1]; ``basis`` says what it means (:class:`~credsup.core.enums.InspectionBasis`):
    ``YEAR`` (the default), the share of the enterprise's class checked within the calendar year, each
    enterprise at most once (a yearly double-random plan); ``PERIOD``, the chance of an inspection in this
    period, independent of earlier periods (1.0 every period: full coverage).
    """

    chance: float
    basis: InspectionBasis = InspectionBasis.YEAR


@attrs.frozen
class InspectionRates(Columnar):
    """The answer of ``credsup_inspection_probability``: one :class:`InspectionRate` per enterprise.

    Build one with :meth:`yearly` (published class ratios: SAMR 国市监信发〔2022〕6号) or :meth:`per_period`
    (frequencies, full coverage), and change rows with :meth:`override`. The kernel turns the yearly
    shares into each period's chance of a draw (:func:`credsup.core.plans.period_chance`).
    """

    #: what a one-row rule (``@per_enterprise``) returns for one enterprise
    row_class: ClassVar[type] = InspectionRate

    chance: np.ndarray = column(
        "float64", "share of the class within the year, or chance in the period", lo=0.0, hi=1.0
    )
    basis: np.ndarray = column("int8", "InspectionBasis code: period, year", lo=0, hi=1)

    @classmethod
    def yearly(cls, share: np.ndarray) -> InspectionRates:
        """Yearly shares (each enterprise checked at most once a year, the plan spread over the year)."""
        chance = np.asarray(share, dtype=np.float64)
        return cls(chance=chance, basis=np.full(len(chance), InspectionBasis.YEAR, dtype=np.int8))

    @classmethod
    def per_period(cls, chance: np.ndarray) -> InspectionRates:
        """Chances of an inspection in this period (a frequency; 1.0 is full coverage)."""
        c = np.asarray(chance, dtype=np.float64)
        return cls(chance=c, basis=np.full(len(c), InspectionBasis.PERIOD, dtype=np.int8))

    def override(
        self, rows: np.ndarray, chance: float | np.ndarray, basis: InspectionBasis | None = None
    ) -> InspectionRates:
        """A copy with ``chance`` (a number, or one value per enterprise) on the rows of the boolean mask
        ``rows``, and ``basis`` there when given (else each row keeps its own)."""
        out_chance = np.where(rows, np.asarray(chance, dtype=np.float64), self.chance)
        out_basis = self.basis if basis is None else np.where(rows, np.int8(basis), self.basis).astype(np.int8)
        return InspectionRates(chance=out_chance.astype(np.float64), basis=np.asarray(out_basis, dtype=np.int8))

    @property
    def full_coverage(self) -> np.ndarray:
        """Rows inspected for certain in this period (``PERIOD`` basis, chance 1): key supervision."""
        return (self.basis == InspectionBasis.PERIOD) & (self.chance >= 1.0)


@attrs.frozen
class ToleranceDecision:
    """Exempt, mitigate or penalise one detected violation, with the reason."""

    decision: Tolerance
    reason: Reason = Reason.NONE


@attrs.frozen
class ToleranceDecisions(Columnar):
    """Tolerance decisions, one per violation of the :class:`ViolationBatch` decided."""

    #: what a one-row rule (``@per_enterprise``) returns for one case
    row_class: ClassVar[type] = ToleranceDecision

    decision: np.ndarray = column("int8", "Tolerance code: exempt, mitigate, penalise", lo=0, hi=2)
    reason: np.ndarray = column("int16", "Reason code", lo=0, hi=int(max(Reason)))


@attrs.frozen
class Sanction:
    """The consequences of one detected violation (after its tolerance decision).

    Units: ``fine`` in yuan; every ``*_days`` in calendar days (0 = none; ``INDEFINITE_DAYS`` = lifelong).
    """

    fine: float = 0.0
    publicity_days: int = 0
    list_days: int = 0
    ban_scope: BanScope = BanScope.NONE
    ban_days: int = 0
    joint_punishment: bool = False
    revoke_demonstration: bool = False
    rectify_days: int = 0


@attrs.frozen
class Sanctions(Columnar):
    """Sanctions, one per violation decided (seed 002 para 13 and 19; seed 004 (XIV)-(XVII))."""

    #: what a one-row rule (``@per_enterprise``) returns for one case
    row_class: ClassVar[type] = Sanction

    fine: np.ndarray = column("float64", "administrative fine", unit="yuan", lo=0.0)
    publicity_days: np.ndarray = column(
        "int32", "days the penalty is publicly displayed (minimum publicity before repair)", unit="days", lo=0
    )
    list_days: np.ndarray = column("int32", "days on the dishonesty list, 0 not listed", unit="days", lo=0)
    ban_scope: np.ndarray = column("int8", "BanScope code: none, industry, market", lo=0, hi=2)
    ban_days: np.ndarray = column("int32", "length of the ban, 0 none", unit="days", lo=0)
    joint_punishment: np.ndarray = column(
        "bool", "joint punishment applies while listed: barred from commitments, bidding, honours"
    )
    revoke_demonstration: np.ndarray = column("bool", "demonstration status is withdrawn (seed 000 (III))")
    rectify_days: np.ndarray = column(
        "int32", "time limit for a listed entity to rectify, 0 none (seed 004 (XV))", unit="days", lo=0
    )


@attrs.frozen
class RepairDecision:
    """Approve, refuse or postpone one repair application.

    ``earliest`` is the first date on which the application can be approved (None when refused);
    ``missing`` the conditions still unmet; ``review_days`` the working days the authority takes.
    """

    status: RepairStatus
    earliest: dt.date | None = None
    missing: RepairCondition = RepairCondition.NONE
    review_days: int = 0


@attrs.frozen
class RepairDecisions(Columnar):
    """Repair decisions, one per application."""

    #: what a one-row rule (``@per_enterprise``) returns for one case
    row_class: ClassVar[type] = RepairDecision

    status: np.ndarray = column("int8", "RepairStatus code: approved, refused, not yet", lo=0, hi=2)
    earliest: np.ndarray = column(DATE, "first date the repair can be approved, NaT if refused", unit="date")
    missing: np.ndarray = column("uint16", "RepairCondition bit mask of unmet conditions", lo=0, hi=127)
    review_days: np.ndarray = column("int16", "working days the authority takes to decide", unit="working days", lo=0)


@attrs.frozen
class ObjectionDecision:
    """Uphold or dismiss one objection; an upheld objection withdraws the record."""

    upheld: bool
    review_days: int = 0


@attrs.frozen
class ObjectionDecisions(Columnar):
    """Objection decisions, one per objection."""

    #: what a one-row rule (``@per_enterprise``) returns for one case
    row_class: ClassVar[type] = ObjectionDecision

    upheld: np.ndarray = column("bool", "the record is withdrawn")
    review_days: np.ndarray = column("int16", "working days the review takes", unit="working days", lo=0)
