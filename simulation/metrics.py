"""Supervision-efficiency metrics: raw tallies per period and grade, and the formulas of docs/metrics.md.

During a run the regulator's parts add to a :class:`~credsup.simulation.tally.Tally` (numpy arrays
indexed by period and, where it makes sense, by grade). Metrics are derived from sums of tallies, so the
same formula gives the run's value (sum over all periods), a period's value and a grade's value. A metric
whose denominator is zero is ``None`` (JSON ``null``): undefined, not zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from credsup.simulation.tally import GRADE_LABELS, SOURCE_LABELS, Tally

#: The metric keys, in the order they are reported (docs/metrics.md gives each formula).
METRICS: tuple[str, ...] = (
    "hit_rate",
    "inspections_per_detection",
    "compliant_burden",
    "violation_prevalence",
    "undetected_exposure",
    "mean_time_to_detection",
    "inspector_utilisation",
    "complaint_backlog",
    "grade_auc",
    "wrongful_penalty_rate",
    "repair_recidivism",
    "tolerated_first_offences",
)
#: A short label and unit for each metric (the CLI's summary; docs/metrics.md has the definitions).
METRIC_INFO: dict[str, tuple[str, str]] = {
    "hit_rate": ("hit rate", "violations found per inspection"),
    "inspections_per_detection": ("inspections per detection", "inspections"),
    "compliant_burden": ("compliant burden", "visits per 1,000 compliant enterprise-years"),
    "violation_prevalence": ("violation prevalence", "share of enterprise-months violating"),
    "undetected_exposure": ("undetected exposure", "harm-months per 1,000 enterprise-months"),
    "mean_time_to_detection": ("mean time to detection", "days"),
    "inspector_utilisation": ("inspector utilisation", "share of capacity used"),
    "complaint_backlog": ("complaint backlog", "complaints waiting at month end"),
    "grade_auc": ("grade AUC", "grade against violating (0.5 = uninformative)"),
    "wrongful_penalty_rate": ("wrongful penalty rate", "share of penalties on no violation"),
    "repair_recidivism": ("repair recidivism", "share of repaired found violating within the follow-up"),
    "tolerated_first_offences": ("tolerated first offences", "share of decided violations exempted"),
}
#: Metrics that are defined per grade (the others are properties of the whole regulator or of grading).
GRADE_METRICS: tuple[str, ...] = (
    "hit_rate",
    "inspections_per_detection",
    "compliant_burden",
    "violation_prevalence",
    "undetected_exposure",
    "mean_time_to_detection",
)
#: Counts reported with each period's metrics (volumes over time); grade shares are added as
#: ``grade_share_<label>`` (share of active enterprise-months in that grade), inspections by source as
#: ``inspections.<source>``.
PERIOD_COUNTS: tuple[str, ...] = ("inspections", "visits", "detections", "complaints", "penalties")
#: What the run reports for each inspection source, in total and per grade (docs/metrics.md, "By source").
SOURCE_FIGURES: tuple[str, ...] = ("inspections", "detections", "hit_rate", "visits", "compliant_visits")


# ---------------------------------------------------------------------------------------- formulas


def _ratio(num: float, den: float, scale: float = 1.0) -> float | None:
    return None if den <= 0 else scale * num / den


def auc(table: np.ndarray) -> float | None:
    """Area under the ROC curve of the grade (worse = riskier) against violating, from a [4, 2] table
    of counts (grade x not violating / violating); ties count one half (Mann-Whitney)."""
    neg, pos = table[:, 0].astype(np.float64), table[:, 1].astype(np.float64)
    n_neg, n_pos = neg.sum(), pos.sum()
    if n_neg <= 0 or n_pos <= 0:
        return None
    below = np.concatenate([[0.0], np.cumsum(neg)[:-1]])  # negatives with a better (lower) grade
    return float((pos * (below + 0.5 * neg)).sum() / (n_pos * n_neg))


def derive(
    s: dict[str, float], *, backlog_periods: int, auc_table: np.ndarray | None, recidivism: tuple[float, float] | None
) -> dict[str, float | None]:
    """Every metric from totals ``s`` (see :meth:`Tally.sums`); docs/metrics.md has the formulas."""
    compliant_months = s["enterprise_months"] - s["violating_months"]
    out: dict[str, float | None] = {
        "hit_rate": _ratio(s["detections"], s["inspections"]),
        "inspections_per_detection": _ratio(s["inspections"], s["detections"]),
        "compliant_burden": _ratio(s["compliant_visits"], compliant_months / 12.0, 1000.0),
        "violation_prevalence": _ratio(s["violating_months"], s["enterprise_months"]),
        "undetected_exposure": _ratio(s["undetected_harm"], s["enterprise_months"], 1000.0),
        "mean_time_to_detection": _ratio(s["delay_days"], s["delays"]),
        "inspector_utilisation": _ratio(s["used"], s["capacity"]),
        "complaint_backlog": _ratio(s["complaint_backlog"], backlog_periods),
        "grade_auc": auc(auc_table) if auc_table is not None else None,
        "wrongful_penalty_rate": _ratio(s["wrongful_penalties"], s["penalties"]),
        "repair_recidivism": _ratio(*recidivism) if recidivism is not None else None,
        "tolerated_first_offences": _ratio(s["exempt"], s["decisions"]),
    }
    return out


def _clean(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(value)


def follow_up_periods(starts: np.ndarray, days: int) -> int:
    """How many leading periods had their repairs' whole recidivism follow-up inside the run.

    ``starts`` are the periods' first days plus the day after the last period (days since the start);
    a repair on the last day of period ``t`` is followed up until ``starts[t + 1] - 1 + days``, which must
    be before ``starts[-1]``.
    """
    starts = np.asarray(starts, dtype=np.int64)
    return int(np.count_nonzero(starts[1:] + days <= starts[-1]))


def summarise(tally: Tally, *, follow_up_periods: int) -> dict[str, Any]:
    """The run's metrics, per period and per grade, as plain data.

    ``follow_up_periods``: the number of leading periods whose repairs have had their whole recidivism
    follow-up inside the run (the run's ``repair_recidivism`` counts only those).
    """
    T = tally.periods
    done = slice(0, max(follow_up_periods, 0))
    run = derive(
        tally.sums(),
        backlog_periods=T,
        auc_table=tally.auc.sum(axis=0),
        recidivism=(float(tally.relapses[done].sum()), float(tally.repairs[done].sum())),
    )
    periods = []
    for t in range(T):
        s = tally.sums(t)
        row = {
            k: _clean(v)
            for k, v in derive(
                s,
                backlog_periods=1,
                auc_table=tally.auc[t],
                recidivism=(float(tally.relapses[t]), float(tally.repairs[t])),
            ).items()
        }
        # volumes and the grade mix of the month, for plots over time
        row.update({k: s[k] for k in PERIOD_COUNTS})
        active = float(tally.enterprise_months[t].sum())
        for g, label in enumerate(GRADE_LABELS):
            row[f"grade_share_{label}"] = _clean(_ratio(float(tally.enterprise_months[t, g]), active))
        for source, counts in tally.source_sums(t).items():
            row[f"inspections.{source}"] = counts["inspections"]
            row[f"visits.{source}"] = counts["visits"]  # department visits by source (effort rows)
        periods.append(row)
    grades = {}
    for g, label in enumerate(GRADE_LABELS):
        s = tally.sums(grade=g)
        values = derive(s, backlog_periods=T, auc_table=None, recidivism=None)
        grades[label] = {
            **{k: _clean(values[k]) for k in GRADE_METRICS},
            "enterprise_share": _clean(_ratio(s["enterprise_months"], float(tally.enterprise_months.sum()))),
            "inspections": s["inspections"],
            "detections": s["detections"],
        }
    return {
        "summary": {k: _clean(v) for k, v in run.items()},
        "periods": periods,
        "grades": grades,
        "sources": by_source(tally),
    }


def _source_row(counts: dict[str, float]) -> dict[str, float | None]:
    return {
        "inspections": counts["inspections"],
        "detections": counts["detections"],
        "hit_rate": _clean(_ratio(counts["detections"], counts["inspections"])),
        "visits": counts["visits"],
        "compliant_visits": counts["compliant_visits"],
    }


def by_source(tally: Tally) -> dict[str, dict[str, Any]]:
    """Inspections, detections, hit rate, visits and visits to compliant enterprises per inspection source
    (``spot``, ``full_coverage``, ``complaint``, ``commitment``, ``referral``, ``follow_up``), for the run
    and per grade held at the inspection (``grades``)."""
    total = tally.source_sums()
    per_grade = {label: tally.source_sums(grade=g) for g, label in enumerate(GRADE_LABELS)}
    return {
        source: {
            **_source_row(total[source]),
            "grades": {label: _source_row(per_grade[label][source]) for label in GRADE_LABELS},
        }
        for source in SOURCE_LABELS
    }


def counts(tally: Tally) -> dict[str, float]:
    """Run totals of the raw tallies (what the metrics are made of), for reports and checks."""
    return tally.sums()


__all__ = [
    "GRADE_LABELS",
    "GRADE_METRICS",
    "METRICS",
    "METRIC_INFO",
    "PERIOD_COUNTS",
    "SOURCE_FIGURES",
    "auc",
    "by_source",
    "counts",
    "derive",
    "follow_up_periods",
    "summarise",
]
