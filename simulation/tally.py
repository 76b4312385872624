"""The raw counts of one run, per monthly period (and grade), that every metric is derived from.

:class:`Tally` declares each count once: its name, its unit, what it counts, and whether it is kept per
grade. The regulator's parts add to it as events happen; :mod:`credsup.simulation.metrics` turns sums of
it into the metrics of docs/metrics.md, so the run's value, a period's value and a grade's value come
from one formula. ``RunResult.counts`` reports the run's totals under the same names.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

#: Grade labels in tally order: index = grade code + 1 (``ungraded`` is code -1).
GRADE_LABELS: tuple[str, ...] = ("ungraded", "A", "B", "C", "D")
G = len(GRADE_LABELS)

#: Inspection sources in tally order: index = DetectionSource code (docs/metrics.md, "By source").
SOURCE_LABELS: tuple[str, ...] = ("spot", "full_coverage", "complaint", "commitment", "referral", "follow_up")
S = len(SOURCE_LABELS)

_BY_GRADE = "period x grade"
_BY_PERIOD = "period"
_BY_SOURCE = "period x source x grade"
_AUC = "period x 4 x 2"


def _count(doc: str, unit: str, *, by_grade: bool = False, shape: str | None = None) -> Any:
    """A tally field: float64 ``[periods, G]`` when ``by_grade``, else ``[periods]``, or ``shape``
    (allocated by :meth:`Tally.zeros`)."""
    return attrs.field(metadata={"doc": doc, "unit": unit, "shape": shape or (_BY_GRADE if by_grade else _BY_PERIOD)})


@attrs.define(eq=False)
class Tally:
    """Raw counts of one run: ``tally.inspections[t, g]`` (period ``t``, grade index ``g``: see
    :data:`GRADE_LABELS`), ``tally.capacity[t]``, and the AUC table ``tally.auc[t, grade, violating]``.

    Build with :meth:`zeros`. Every count is a float64 array (sums of weights such as visits or harm
    are not whole numbers); a count of events is added in the period the event happened.
    """

    periods: int = attrs.field(metadata={"doc": "number of monthly periods", "unit": "periods"})

    # -- per period and grade (the grade the enterprise held when it happened) ------------------------
    enterprise_months: np.ndarray = _count("active enterprise-months", "enterprise-months", by_grade=True)
    violating_months: np.ndarray = _count(
        "active enterprise-months violating after the month's decisions", "enterprise-months", by_grade=True
    )
    inspections: np.ndarray = _count("inspections (one visit per enterprise and day)", "inspections", by_grade=True)
    detections: np.ndarray = _count("violations in progress found by an inspection", "violations", by_grade=True)
    false_positives: np.ndarray = _count(
        "violations recorded at an enterprise that was not violating", "violations", by_grade=True
    )
    visits: np.ndarray = _count("department visits the inspections made", "visits", by_grade=True)
    compliant_visits: np.ndarray = _count("visits to enterprises that were not violating", "visits", by_grade=True)
    undetected_harm: np.ndarray = _count(
        "harm of the violations in progress, undetected, at the month's end", "harm units", by_grade=True
    )
    delay_days: np.ndarray = _count(
        "days from the start of each detected violation's undetected stretch to its detection", "days", by_grade=True
    )
    delays: np.ndarray = _count("detections whose delay is in delay_days", "violations", by_grade=True)

    # -- per period --------------------------------------------------------------------------------------
    capacity: np.ndarray = _count("inspector capacity offered", "visits")
    used: np.ndarray = _count("inspector capacity used", "visits")
    complaint_backlog: np.ndarray = _count("complaint verifications and referrals waiting at the month's end", "orders")
    complaints: np.ndarray = _count("complaints and tip-offs received", "complaints")
    decisions: np.ndarray = _count("detected violations decided at their rectification deadline", "violations")
    exempt: np.ndarray = _count("decided violations exempted (tolerated)", "violations")
    penalties: np.ndarray = _count("decided violations penalised (mitigated or full)", "violations")
    wrongful_penalties: np.ndarray = _count(
        "penalties on a violation that did not happen, less those withdrawn on objection (by decision month)",
        "violations",
    )
    repairs: np.ndarray = _count("enterprises whose displayed records were repaired", "enterprises")
    relapses: np.ndarray = _count(
        "repaired enterprises found violating within the recidivism follow-up (by repair month)", "enterprises"
    )
    fines: np.ndarray = _count("fines imposed", "yuan")
    spot_backlog: np.ndarray = _count("drawn spot and full-coverage checks waiting at the month's end", "orders")
    expired_orders: np.ndarray = _count("drawn checks dropped undone after plan_expiry_months", "orders")
    false_commitments: np.ndarray = _count("commitments found false by verification", "commitments")
    listings: np.ndarray = _count("dishonesty listings decided", "listings")
    bans: np.ndarray = _count("market or industry bans decided", "bans")
    objections_upheld: np.ndarray = _count("objections upheld (records withdrawn after review)", "objections")
    started: np.ndarray = _count("violations begun", "violations")
    late_verifications: np.ndarray = _count(
        "complaint verifications and follow-ups done after the jurisdiction's complaint_days", "orders"
    )
    exits: np.ndarray = _count("enterprises that left the market (population.turnover_per_year)", "enterprises")
    entries: np.ndarray = _count("enterprises founded, one for each exit while the reserve lasts", "enterprises")

    # -- per period, inspection source and grade (an inspection serving several orders counts under the first
    #    order served: complaint or referral or follow-up, commitment, full coverage, spot) -------------------
    source_inspections: np.ndarray = _count(
        "inspections, by the source of the order they served", "inspections", shape=_BY_SOURCE
    )
    source_detections: np.ndarray = _count(
        "detections, by the source of the inspection", "violations", shape=_BY_SOURCE
    )
    source_visits: np.ndarray = _count("department visits, by the source of the inspection", "visits", shape=_BY_SOURCE)
    source_compliant_visits: np.ndarray = _count(
        "visits to enterprises that were not violating, by the source of the inspection", "visits", shape=_BY_SOURCE
    )

    # -- the grade against the violation in progress -----------------------------------------------------
    auc: np.ndarray = _count(
        "graded active enterprise-months by grade (A..D) and violating (no, yes)", "enterprise-months", shape=_AUC
    )

    @classmethod
    def zeros(cls, periods: int) -> Tally:
        """A tally of ``periods`` monthly periods, every count zero."""
        shapes = {_BY_GRADE: (periods, G), _BY_PERIOD: (periods,), _BY_SOURCE: (periods, S, G), _AUC: (periods, 4, 2)}
        arrays = {f.name: np.zeros(shapes[f.metadata["shape"]], dtype=np.float64) for f in _array_fields()}
        return cls(periods=periods, **arrays)

    def sums(self, periods: slice | int = slice(None), grade: int | None = None) -> dict[str, float]:
        """Totals of every count (not ``auc``) over ``periods`` (a slice or one index), for one grade
        index or all grades, in declaration order."""
        out: dict[str, float] = {}
        for name in BY_GRADE:
            arr = getattr(self, name)[periods]
            arr = arr[..., grade] if grade is not None else arr.sum(axis=-1)
            out[name] = float(np.sum(arr))
        for name in BY_PERIOD:
            out[name] = float(np.sum(getattr(self, name)[periods]))
        return out

    def source_sums(self, periods: slice | int = slice(None), grade: int | None = None) -> dict[str, dict[str, float]]:
        """Totals of the by-source counts over ``periods``, for one grade index or all grades:
        ``{source label: {count name: total}}``, in :data:`SOURCE_LABELS` order."""
        out: dict[str, dict[str, float]] = {label: {} for label in SOURCE_LABELS}
        for name in BY_SOURCE:
            arr = getattr(self, name)[periods]
            arr = arr[..., grade] if grade is not None else arr.sum(axis=-1)
            per_source = arr.reshape(-1, S).sum(axis=0)
            for i, label in enumerate(SOURCE_LABELS):
                out[label][name.removeprefix("source_")] = float(per_source[i])
        return out

    def window(self, first: int) -> Tally:
        """The same counts from period ``first`` on (the measured months after a warm-up)."""
        if first == 0:
            return self
        arrays = {f.name: getattr(self, f.name)[first:].copy() for f in _array_fields()}
        return Tally(periods=self.periods - first, **arrays)


def _array_fields() -> list[attrs.Attribute]:
    return [f for f in attrs.fields(Tally) if f.name != "periods"]


#: Names of the counts kept per period and grade, and per period only (declaration order).
BY_GRADE: tuple[str, ...] = tuple(f.name for f in _array_fields() if f.metadata["shape"] == _BY_GRADE)
BY_PERIOD: tuple[str, ...] = tuple(f.name for f in _array_fields() if f.metadata["shape"] == _BY_PERIOD)
BY_SOURCE: tuple[str, ...] = tuple(f.name for f in _array_fields() if f.metadata["shape"] == _BY_SOURCE)


def describe() -> list[dict[str, str]]:
    """Every count with its shape, unit and meaning (for docs and checks)."""
    return [
        {"name": f.name, "shape": f.metadata["shape"], "unit": f.metadata["unit"], "doc": f.metadata["doc"]}
        for f in _array_fields()
    ]


def markdown_table() -> str:
    """The counts as the Markdown table of docs/metrics.md."""
    lines = ["| count | kept per | unit | what it counts |", "|---|---|---|---|"]
    lines += [f"| `{d['name']}` | {d['shape']} | {d['unit']} | {d['doc']} |" for d in describe()]
    return "\n".join(lines)


__all__ = [
    "BY_GRADE",
    "BY_PERIOD",
    "BY_SOURCE",
    "GRADE_LABELS",
    "SOURCE_LABELS",
    "G",
    "S",
    "Tally",
    "describe",
    "markdown_table",
]
