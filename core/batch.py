"""The columnar view of enterprises that every hook receives: attributes plus the record summary.

This module is the one place where the fields, dtypes and units of an enterprise batch are written
down (``docs/batch.md`` is generated from it). The *record summary* columns are derived from an
enterprise's credit record (``../shared/DESIGN.md``, "The kernel"): the registry tools compute them from events, the
simulator keeps them up to date incrementally, and hooks read them, never raw events.

Windows: counts named ``*_36m`` cover the 36 months up to the evaluation date, ``*_12m`` the last 12.
Source of the 36-month window: the longest publicity period of serious penalty information is three
years (国办发〔2025〕22号); after it a record no longer weighs on the enterprise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np

from credsup.core.columns import DATE, Columnar, code_mask, column

#: Months covered by the ``*_36m`` record-summary counts.
RECORD_WINDOW_MONTHS = 36


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen
class EnterpriseBatch(Columnar):
    """Many enterprises at once, one row each. Row order is the caller's; hooks answer in that order.

    Contract for hooks: a hook's answer for a row depends only on that row, the parameters and the date,
    never on other rows (so the registry and the simulator may split batches however they like), and a
    hook never writes into the batch (the kernel passes read-only views).
    """

    # -- attributes (basic information, seed 000 (I)) ----------------------------------------------
    sector: np.ndarray = column("int16", "sector of activity", lo=0, vocabulary="sectors")
    size: np.ndarray = column("int8", "size class (Size: micro, small, medium, large)", lo=0, hi=3)
    registered: np.ndarray = column(DATE, "registration date", unit="date")
    key_sector: np.ndarray = column(
        "bool", "in a key-supervision field: public safety, life and health (seed 003 para 8)"
    )
    emerging: np.ndarray = column("bool", "in an emerging industry or new business form (seed 003 para 12)")
    # -- dynamic information (seed 000 (I)) --------------------------------------------------------
    annual_report_filed: np.ndarray = column("bool", "last annual report published on time", default=True)
    tax_compliant: np.ndarray = column("bool", "no tax arrears on record", default=True)
    social_security_compliant: np.ndarray = column("bool", "social security contributions paid", default=True)
    ip_holder: np.ndarray = column("bool", "holds registered intellectual property")
    abnormal_operation: np.ndarray = column("bool", "on the list of enterprises with abnormal operations")
    self_report_verified: np.ndarray = column(
        "bool", "has self-reported credit information that was verified (seed 004 (XI))"
    )
    industry_grade: np.ndarray = column(
        "int8", "grade of an industry credit evaluation, Grade code, -1 none (seed 004 (X))", lo=-1, hi=3, default=-1
    )
    # -- record summary: evaluation and status -----------------------------------------------------
    grade: np.ndarray = column(
        "int8", "current credit grade from the last evaluation, Grade code, -1 not yet graded", lo=-1, hi=3, default=-1
    )
    graded_on: np.ndarray = column(DATE, "date of the last evaluation", unit="date")
    demonstration: np.ndarray = column("bool", "holds good-credit demonstration status (seed 000 (IV))")
    # -- record summary: inspections ---------------------------------------------------------------
    inspections_36m: np.ndarray = column("int16", "inspections in the window", unit="count", lo=0)
    clean_inspections_36m: np.ndarray = column(
        "int16", "inspections in the window that found no violation", unit="count", lo=0
    )
    last_inspection: np.ndarray = column(DATE, "date of the last inspection", unit="date")
    # -- record summary: violations ----------------------------------------------------------------
    minor_36m: np.ndarray = column("int16", "detected minor violations in the window", unit="count", lo=0)
    general_36m: np.ndarray = column("int16", "detected general violations in the window", unit="count", lo=0)
    serious_36m: np.ndarray = column("int16", "detected serious violations in the window", unit="count", lo=0)
    violations_12m: np.ndarray = column(
        "int16", "detected violations of any severity in the last 12 months", unit="count", lo=0
    )
    last_violation: np.ndarray = column(DATE, "date the last violation was detected", unit="date")
    open_rectifications: np.ndarray = column(
        "int16", "rectification orders not yet complete and not yet overdue", unit="count", lo=0
    )
    failed_rectifications_36m: np.ndarray = column(
        "int16", "rectification orders not met by their deadline, in the window", unit="count", lo=0
    )
    displayed_penalties: np.ndarray = column(
        "int16", "penalty records currently on public display (not expired, not repaired)", unit="count", lo=0
    )
    # -- record summary: administrative penalty decisions (a mitigated penalty and a ban are penalties; an
    # exempt (tolerated) violation is none; repair ends a display, not the decision; an upheld objection
    # withdraws it) ------------------------------------------------------------------------------------
    minor_penalties_12m: np.ndarray = column(
        "int16", "penalty decisions on minor violations in the last 12 months", unit="count", lo=0
    )
    general_penalties_12m: np.ndarray = column(
        "int16", "penalty decisions on general violations in the last 12 months", unit="count", lo=0
    )
    serious_penalties_12m: np.ndarray = column(
        "int16", "penalty decisions on serious violations in the last 12 months", unit="count", lo=0
    )
    minor_penalties_36m: np.ndarray = column(
        "int16", "penalty decisions on minor violations in the window", unit="count", lo=0
    )
    general_penalties_36m: np.ndarray = column(
        "int16", "penalty decisions on general violations in the window", unit="count", lo=0
    )
    serious_penalties_36m: np.ndarray = column(
        "int16", "penalty decisions on serious violations in the window", unit="count", lo=0
    )
    last_penalty: np.ndarray = column(DATE, "date of the last penalty decision (not withdrawn)", unit="date")
    # -- record summary: commitments and social supervision ---------------------------------------
    commitments_36m: np.ndarray = column("int16", "credit commitments made in the window", unit="count", lo=0)
    false_commitments_36m: np.ndarray = column("int16", "commitments found false in the window", unit="count", lo=0)
    complaints_36m: np.ndarray = column("int16", "complaints and tip-offs received in the window", unit="count", lo=0)
    verified_complaints_36m: np.ndarray = column(
        "int16", "complaints verified as founded in the window", unit="count", lo=0
    )
    # -- record summary: lists, bans, repair -------------------------------------------------------
    listed: np.ndarray = column("bool", "on this jurisdiction's dishonesty (joint punishment) list")
    listed_until: np.ndarray = column(
        DATE, "end of the current listing, NaT if not listed (FOREVER: indefinite)", unit="date"
    )
    external_listing: np.ndarray = column(
        "int16",
        "on the dishonesty list of another region, -1 none (seed 004 (XIV), mutual recognition)",
        lo=-1,
        default=-1,
        vocabulary="regions",
    )
    banned_until: np.ndarray = column(DATE, "end of a market or industry ban, NaT if none", unit="date")
    repairs_36m: np.ndarray = column("int16", "records repaired in the window", unit="count", lo=0)
    last_repair: np.ndarray = column(DATE, "date of the last approved repair", unit="date")

    # -- vocabularies ------------------------------------------------------------------------------
    sectors: tuple[str, ...] = attrs.field(default=("general",), converter=_names, kw_only=True)
    regions: tuple[str, ...] = attrs.field(default=(), converter=_names, kw_only=True)

    def sector_mask(self, names: tuple[str, ...] | list[str], rows: np.ndarray | None = None) -> np.ndarray:
        """Boolean mask of rows whose sector is one of ``names`` (unknown names match nothing).

        ``rows`` (integer positions) restricts the answer to those rows, in their order: a hook deciding
        on a few violations of a large batch asks about the violators only.
        """
        return code_mask(self.sector if rows is None else self.sector[rows], self.sectors, names)

    def external_listing_mask(self, names: tuple[str, ...] | list[str]) -> np.ndarray:
        """Boolean mask of rows on the dishonesty list of one of the regions ``names`` (mutual recognition)."""
        return code_mask(self.external_listing, self.regions, names)

    def penalties_12m(self) -> np.ndarray:
        """Penalty decisions of any severity in the last 12 months (int32): "penalised in the last year"."""
        return self.minor_penalties_12m.astype(np.int32) + self.general_penalties_12m + self.serious_penalties_12m

    def penalties_36m(self) -> np.ndarray:
        """Penalty decisions of any severity in the window (int32)."""
        return self.minor_penalties_36m.astype(np.int32) + self.general_penalties_36m + self.serious_penalties_36m

    def age_years(self, today: dt.date, rows: np.ndarray | None = None) -> np.ndarray:
        """Years since registration at ``today`` (float64; NaN where the registration date is unknown).

        ``rows`` (integer positions) restricts the answer to those rows, as for :meth:`sector_mask`.
        """
        registered = self.registered if rows is None else self.registered[rows]
        days = (np.datetime64(today, "D") - registered).astype("float64")
        days[np.isnat(registered)] = np.nan
        return days / 365.25


@attrs.frozen
class Period:
    """A planning or simulation period ``[start, end)``: a month, a quarter, a year.

    Inspection hooks get the period so they can turn yearly ratios into per-period probabilities.
    """

    start: dt.date
    end: dt.date
    label: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"period end {self.end} is not after its start {self.start}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def years(self) -> float:
        """Length in years of 365.25 days."""
        return self.days / 365.25

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"2027Q1"``, ``"2027-03"`` or ``"2027"`` as a period (a ``TypeError`` for anything but a string)."""
        if not isinstance(text, str):
            raise TypeError(
                f"Period.parse: expected a string such as '2027Q1', '2027-03' or '2027', got {type(text).__name__} "
                f"{text!r}"
            )
        t = text.strip().upper()
        try:
            if "Q" in t:
                year, q = t.split("Q")
                y, qi = int(year), int(q)
                if not 1 <= qi <= 4:
                    raise ValueError
                start = dt.date(y, 3 * qi - 2, 1)
                end = dt.date(y + (qi == 4), 1 if qi == 4 else 3 * qi + 1, 1)
            elif "-" in t:
                y, m = (int(p) for p in t.split("-"))
                start = dt.date(y, m, 1)
                end = dt.date(y + (m == 12), 1 if m == 12 else m + 1, 1)
            else:
                y = int(t)
                start, end = dt.date(y, 1, 1), dt.date(y + 1, 1, 1)
        except ValueError:
            raise ValueError(
                f"cannot read period {text!r}: expected a quarter (2027Q1), a month (2027-03) or a year"
            ) from None
        return cls(start, end, label=text.strip())

    def per_period(self, per_year: np.ndarray) -> np.ndarray:
        """Expected events per year -> probability of one event in this period, ``min(1, rate * years)``.

        This keeps the expected yearly number of spot checks equal to ``per_year`` as long as
        ``per_year * years <= 1`` (for a month, up to 12 checks a year).
        """
        return np.minimum(1.0, np.asarray(per_year, dtype=np.float64) * self.years)
