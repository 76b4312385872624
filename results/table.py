"""The comparison table: each metric's mean and 95 % interval per jurisdiction, and the paired
difference to the first (baseline) jurisdiction."""

from __future__ import annotations

import math
from typing import Any

from credsup.results.stats import Estimate, mean_ci, paired_difference
from credsup.results.store import ExperimentResults

#: Which direction is better for the standard metrics (docs/metrics.md); "" = neither (a description).
BETTER: dict[str, str] = {
    "hit_rate": "higher",
    "inspections_per_detection": "lower",
    "compliant_burden": "lower",
    "violation_prevalence": "lower",
    "undetected_exposure": "lower",
    "mean_time_to_detection": "lower",
    "complaint_backlog": "lower",
    "grade_auc": "higher",
    "wrongful_penalty_rate": "lower",
    "repair_recidivism": "lower",
}


def _info(metric: str) -> tuple[str, str]:
    """(label with unit, better direction) of a metric; unknown metrics show their key."""
    from credsup.simulation.metrics import METRIC_INFO

    name, unit = METRIC_INFO.get(metric, (metric, ""))
    return (f"{name} ({unit})" if unit else name), BETTER.get(metric, "")


def label(metric: str) -> str:
    return _info(metric)[0]


def comparison(results: ExperimentResults, point: int = 0, level: float = 0.95) -> dict[str, Any]:
    """``{"baseline", "jurisdictions", "metrics": [{"metric", "label", "better", "values": {j: Estimate},
    "difference": {j: Estimate}}]}`` for one point of an experiment."""
    names = [j for j in results.jurisdictions if (point, j) in results.summary]
    baseline = names[0] if names else None
    rows = []
    for metric in results.metric_names:
        values = {j: mean_ci(results.summary[(point, j)].get(metric, []), level) for j in names}
        diffs: dict[str, Estimate] = {}
        if baseline is not None:
            base = _aligned(results, point, baseline, metric)
            for j in names[1:]:
                mine = _aligned(results, point, j, metric)
                common = sorted(set(base) & set(mine))
                diffs[j] = paired_difference([mine[r] for r in common], [base[r] for r in common], level)
        label_, better = _info(metric)
        rows.append({"metric": metric, "label": label_, "better": better, "values": values, "difference": diffs})
    return {"baseline": baseline, "jurisdictions": names, "level": level, "metrics": rows}


def _aligned(results: ExperimentResults, point: int, jurisdiction: str, metric: str) -> dict[int, float]:
    reps = results.replications.get((point, jurisdiction), [])
    arr = results.summary.get((point, jurisdiction), {}).get(metric)
    if arr is None:
        return {}
    return {r: float(v) for r, v in zip(reps, arr)}


def comparison_json(table: dict[str, Any]) -> dict[str, Any]:
    """The same table as plain JSON data."""
    return {
        "baseline": table["baseline"],
        "jurisdictions": table["jurisdictions"],
        "confidence_level": table["level"],
        "metrics": {
            row["metric"]: {
                "label": row["label"],
                "better": row["better"] or None,
                "values": {j: e.as_dict() for j, e in row["values"].items()},
                "difference_to_baseline": {j: e.as_dict() for j, e in row["difference"].items()},
            }
            for row in table["metrics"]
        },
    }


def fmt(x: float) -> str:
    """A number in a table cell: 3 significant digits, thousands separated; "-" for undefined."""
    if x is None or not math.isfinite(x):
        return "-"
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def cell(e: Estimate) -> str:
    if e.n == 0:
        return "-"
    if not math.isfinite(e.low):
        return fmt(e.mean)
    return f"{fmt(e.mean)} [{fmt(e.low)}, {fmt(e.high)}]"


def diff_cell(e: Estimate) -> str:
    if e.n == 0:
        return "-"
    sign = "+" if e.mean > 0 else ""
    if not math.isfinite(e.low):
        return f"{sign}{fmt(e.mean)}"
    marker = " *" if e.low > 0 or e.high < 0 else ""
    return f"{sign}{fmt(e.mean)} [{fmt(e.low)}, {fmt(e.high)}]{marker}"


def render_text(table: dict[str, Any]) -> str:
    """A plain-text table for the terminal: one block per metric, one line per jurisdiction."""
    names = table["jurisdictions"]
    if not names:
        return "No finished runs to compare."
    base = table["baseline"]
    width = max(len(j) for j in names)
    pct = int(round(table["level"] * 100))
    lines = [
        f"Mean [{pct}% CI] over replications; difference to {base} is paired (common random numbers);",
        "* = the interval excludes 0.",
        "",
    ]
    for row in table["metrics"]:
        better = f" ({row['better']} is better)" if row["better"] else ""
        lines.append(f"{row['metric']}: {row['label']}{better}")
        for j in names:
            diff = f"   vs {base}: {diff_cell(row['difference'][j])}" if j in row["difference"] else ""
            lines.append(f"  {j:<{width}}  {cell(row['values'][j])}{diff}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def highlights(
    table: dict[str, Any],
    metrics: tuple[str, ...] = (
        "violation_prevalence",
        "undetected_exposure",
        "hit_rate",
        "compliant_burden",
        "mean_time_to_detection",
        "grade_auc",
    ),
) -> dict[str, list[str]]:
    """Plain-language findings: for each jurisdiction, the key metrics whose paired difference to the
    baseline has an interval excluding 0, as a relative change and whether that is better or worse."""
    base = table["baseline"]
    rows = {row["metric"]: row for row in table["metrics"]}
    out: dict[str, list[str]] = {}
    for j in table["jurisdictions"][1:]:
        found = []
        for metric in metrics:
            row = rows.get(metric)
            if row is None or j not in row["difference"]:
                continue
            d, b = row["difference"][j], row["values"][base]
            if d.n < 2 or not math.isfinite(d.low) or (d.low <= 0 <= d.high):
                continue
            change = f"{100 * d.mean / b.mean:+.0f}%" if b.n and b.mean else f"{d.mean:+.3g}"
            verdict = ""
            if row["better"]:
                good = (d.mean > 0) == (row["better"] == "higher")
                verdict = " (better)" if good else " (worse)"
            found.append(f"{row['label'].split(' (')[0]} {change}{verdict}")
        out[j] = found
    return out
