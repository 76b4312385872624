"""The comparison table: each metric's mean and 95 % interval per jurisdiction, the paired difference to
the first (baseline) jurisdiction with its Benjamini-Hochberg adjusted p-value, and the effort each
jurisdiction spent (inspections, visits, inspector utilisation; by inspection source when the runs report
sources)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from credsup.i18n import Lang, glossary, language
from credsup.results.stats import MIN_REPLICATIONS, UNBOUNDED, Estimate, fdr_adjust, mean_ci, paired_difference
from credsup.results.store import ExperimentResults

#: False discovery rate at which a difference is called clear (starred, bold, named in the conclusion).
FDR = 0.05

#: Which direction is better for each metric with one (from the glossary; docs/metrics.md).
BETTER: dict[str, str] = {k: v["better"] for k, v in glossary()["metrics"].items() if v.get("better")}

#: Effort measures summed from each run's periods (per 1,000 enterprises per year); per-source series
#: are ``inspections.<source>`` and ``visits.<source>`` and appear as rows under their measure.
EFFORT_SERIES = ("inspections", "visits")
SOURCE_PREFIX = "inspections."


def _source_of(key: str) -> tuple[str, str | None]:
    """``("visits", "spot")`` for ``visits.spot``; ``(key, None)`` for a measure that is no source row."""
    measure, dot, source = key.partition(".")
    return (measure, source) if dot and measure in EFFORT_SERIES else (key, None)


#: Effort measures that are run metrics.
EFFORT_METRICS = ("inspector_utilisation",)


def label(metric: str, lang: Lang | None = None) -> str:
    """A metric's name with its unit."""
    return (lang or language()).metric(metric).label


def _enterprises(results: ExperimentResults, point: int) -> float:
    """Enterprises in the scenario (at this sweep point, when a point sets them)."""
    params: dict[str, Any] = next((p["parameters"] for p in results.points if p["index"] == point), {})
    n = params.get("scenario.population.enterprises")
    if n is None:
        scen = results.experiment.get("scenario_config") or {}
        n = scen.get("population", {}).get("enterprises") if isinstance(scen, dict) else None
    return float(n) if n else math.nan


def _aligned_array(results: ExperimentResults, point: int, jurisdiction: str, values: np.ndarray) -> dict[int, float]:
    reps = results.replications.get((point, jurisdiction), [])
    return {r: float(v) for r, v in zip(reps, values)}


def _paired(base: dict[int, float], mine: dict[int, float], level: float, bounds: tuple[float, float]) -> Estimate:
    common = sorted(set(base) & set(mine))
    return paired_difference([mine[r] for r in common], [base[r] for r in common], level, bounds)


def effort_series(results: ExperimentResults, point: int, jurisdiction: str) -> dict[str, np.ndarray]:
    """Per-replication effort: ``{"inspections": ..., "inspections.<source>": ..., "visits": ...,
    "inspector_utilisation": ...}``; counts per 1,000 enterprises per year over the measured periods."""
    periods = results.periods.get((point, jurisdiction), {})
    n = _enterprises(results, point)
    out: dict[str, np.ndarray] = {}
    keys = [k for k in EFFORT_SERIES if k in periods]
    for measure in EFFORT_SERIES:
        if measure in keys:
            sources = sorted(k for k in periods if k.startswith(measure + "."))
            keys[keys.index(measure) + 1 : keys.index(measure) + 1] = sources
    for key in keys:
        data = periods[key]
        years = data.shape[1] / 12
        with np.errstate(invalid="ignore", divide="ignore"):
            out[key] = 1000 * np.nansum(data, axis=1) / (n * years) if n and years else np.full(data.shape[0], np.nan)
    for metric in EFFORT_METRICS:
        values = results.summary.get((point, jurisdiction), {}).get(metric)
        if values is not None:
            out[metric] = values
    return out


def graded(results: ExperimentResults, point: int, jurisdiction: str) -> bool:
    """Whether the jurisdiction grades at all: False when one class holds every enterprise in every
    period of every replication (``traditional``: everyone in one class, which is no grade)."""
    periods = results.periods.get((point, jurisdiction), {})
    shares = [v for k, v in periods.items() if k.startswith("grade_share_")]
    if not shares:
        return True
    used = sum(1 for v in shares if np.nanmax(np.nan_to_num(v, nan=0.0)) > 0)
    return used > 1


def comparison(
    results: ExperimentResults, point: int = 0, level: float = 0.95, lang: Lang | None = None
) -> dict[str, Any]:
    """The table for one point of an experiment::

        {"baseline", "jurisdictions", "level", "fdr", "tests", "replications": {j: n},
         "small": bool (fewer than MIN_REPLICATIONS replications somewhere), "graded": {j: bool},
         "metrics": [{"metric", "label", "better", "values": {j: Estimate}, "difference": {j: Estimate},
                      "q": {j: float}, "clear": {j: bool}}],
         "effort": [{"key", "source", "label", "unit", "values", "difference", "relative": {j: float}}]}

    ``values`` intervals are kept inside the metric's range; ``q`` is the Benjamini-Hochberg adjusted
    p-value over every paired test of the metrics (not of the effort rows); ``clear`` is q < FDR."""
    lang = lang or language()
    names = [j for j in results.jurisdictions if (point, j) in results.summary]
    baseline = names[0] if names else None
    rows: list[dict[str, Any]] = []
    for metric in results.run_metric_names:
        info = lang.metric(metric)
        bounds = (info.low, info.high)
        values = {j: mean_ci(results.summary[(point, j)].get(metric, []), level, bounds) for j in names}
        diffs: dict[str, Estimate] = {}
        if baseline is not None:
            base = _aligned(results, point, baseline, metric)
            for j in names[1:]:
                diffs[j] = _paired(base, _aligned(results, point, j, metric), level, bounds)
        rows.append(
            {"metric": metric, "label": info.label, "better": info.better, "values": values, "difference": diffs}
        )
    tests = [(row, j) for row in rows for j in row["difference"]]
    qs = fdr_adjust([row["difference"][j].p for row, j in tests])
    for row in rows:
        row["q"], row["clear"] = {}, {}
    for (row, j), q in zip(tests, qs):
        row["q"][j] = q
        row["clear"][j] = math.isfinite(q) and q < FDR and row["difference"][j].mean != 0
    _leaders(results, point, rows, level)
    reps = {j: len(results.replications.get((point, j), [])) for j in names}
    return {
        "baseline": baseline,
        "jurisdictions": names,
        "level": level,
        "fdr": FDR,
        "tests": sum(1 for q in qs if math.isfinite(q)),
        "replications": reps,
        "small": any(n < MIN_REPLICATIONS for n in reps.values()),
        "graded": {j: graded(results, point, j) for j in names},
        "metrics": rows,
        "effort": effort(results, point, names, level, lang),
        "sources": by_source(results, point, names, level, lang),
        # compare --equal-effort: the factors found (credsup.experiments.equal_effort), else None
        "equal_effort": (results.experiment.get("settings") or {}).get("equal_effort") if point == 0 else None,
    }


def _leaders(results: ExperimentResults, point: int, rows: list[dict[str, Any]], level: float) -> None:
    """For each metric with a better direction: the best jurisdiction, the next best, and whether the best
    is clearly ahead (paired test of the two, Benjamini-Hochberg over these tests): ``row["leader"]``."""
    tests = []
    for row in rows:
        row["leader"] = None
        if not row["better"]:
            continue
        ranked = sorted(
            (j for j, e in row["values"].items() if e.n and math.isfinite(e.mean)),
            key=lambda j: row["values"][j].mean,
            reverse=row["better"] == "higher",
        )
        if len(ranked) < 2:
            continue
        best, second = ranked[:2]
        d = _paired(
            _aligned(results, point, second, row["metric"]),
            _aligned(results, point, best, row["metric"]),
            level,
            UNBOUNDED,
        )
        row["leader"] = {"jurisdiction": best, "runner_up": second, "difference": d, "q": math.nan, "clear": False}
        tests.append(row)
    for row, q in zip(tests, fdr_adjust([r["leader"]["difference"].p for r in tests])):
        row["leader"]["q"] = q
        row["leader"]["clear"] = math.isfinite(q) and q < FDR and row["leader"]["difference"].mean != 0


def effort(
    results: ExperimentResults, point: int, names: list[str], level: float = 0.95, lang: Lang | None = None
) -> list[dict[str, Any]]:
    """The effort rows of :func:`comparison`: each measure's mean per jurisdiction, the paired
    difference to the baseline and the relative change (difference / baseline mean)."""
    lang = lang or language()
    if not names:
        return []
    series = {j: effort_series(results, point, j) for j in names}
    keys: list[str] = []
    for j in names:
        keys.extend(k for k in series[j] if k not in keys)
    base = names[0]
    rows = []
    for key in keys:
        measure, source = _source_of(key)
        bounds = (0.0, 1.0) if key in EFFORT_METRICS else (0.0, math.inf)
        values = {j: mean_ci(series[j][key], level, bounds) for j in names if key in series[j]}
        diffs, relative = {}, {}
        if key in series[base]:
            b = _aligned_array(results, point, base, series[base][key])
            for j in names[1:]:
                if key in series[j]:
                    diffs[j] = _paired(b, _aligned_array(results, point, j, series[j][key]), level, bounds)
                    bm = values[base].mean
                    relative[j] = diffs[j].mean / bm if bm and math.isfinite(bm) else math.nan
        if source is not None:
            name, unit = lang.name("sources", source), lang.unit("effort", measure)
        else:
            name, unit = lang.name("effort", key), lang.unit("effort", key)
        rows.append(
            {
                "key": key,
                "source": source,
                "label": name,
                "unit": unit,
                "values": values,
                "difference": diffs,
                "relative": relative,
            }
        )
    return rows


def by_source(
    results: ExperimentResults, point: int, names: list[str], level: float = 0.95, lang: Lang | None = None
) -> list[dict[str, Any]]:
    """The "By source" block of :func:`comparison`: for each inspection source that any jurisdiction used,
    ``{"source", "label", "inspections": {j: Estimate}, "hit_rate": {j: Estimate}}``, the inspections per
    1,000 enterprise-years (as the effort rows count them) and the hit rate (detections per inspection of
    that source), each the mean over replications with its interval. A jurisdiction that never inspected
    from a source has no hit rate there (an empty estimate)."""
    from credsup.results.outcomes import stored_values
    from credsup.simulation.tally import SOURCE_LABELS

    lang = lang or language()
    series = {j: effort_series(results, point, j) for j in names}
    rows = []
    for source in SOURCE_LABELS:
        counts = {j: stored_values(results, point, j, f"inspections.{source}") for j in names}
        if not any(np.nansum(c) > 0 for c in counts.values()):
            continue
        rates = {j: series[j].get(f"{SOURCE_PREFIX}{source}", np.empty(0)) for j in names}
        rows.append(
            {
                "source": source,
                "label": lang.name("sources", source),
                "inspections": {j: mean_ci(rates[j], level, (0.0, math.inf)) for j in names},
                "hit_rate": {
                    j: mean_ci(stored_values(results, point, j, f"hit_rate.{source}"), level, (0.0, 1.0)) for j in names
                },
            }
        )
    return rows


def _aligned(results: ExperimentResults, point: int, jurisdiction: str, metric: str) -> dict[int, float]:
    arr = results.summary.get((point, jurisdiction), {}).get(metric)
    if arr is None:
        return {}
    return _aligned_array(results, point, jurisdiction, arr)


def comparison_json(table: dict[str, Any]) -> dict[str, Any]:
    """The same table as plain JSON data."""

    def clean(x: float) -> float | None:
        return x if math.isfinite(x) else None

    return {
        "baseline": table["baseline"],
        "jurisdictions": table["jurisdictions"],
        "confidence_level": table["level"],
        "false_discovery_rate": table["fdr"],
        "replications": table["replications"],
        "graded": table["graded"],
        "equal_effort": table.get("equal_effort"),
        "effort": {
            row["key"]: {
                "label": row["label"],
                "unit": row["unit"],
                "source": row["source"],
                "values": {j: e.as_dict() for j, e in row["values"].items()},
                "difference_to_baseline": {j: e.as_dict() for j, e in row["difference"].items()},
                "relative_to_baseline": {j: clean(x) for j, x in row["relative"].items()},
            }
            for row in table["effort"]
        },
        "sources": {
            row["source"]: {
                "label": row["label"],
                "inspections_per_1000_enterprise_years": {j: e.as_dict() for j, e in row["inspections"].items()},
                "hit_rate": {j: e.as_dict() for j, e in row["hit_rate"].items()},
            }
            for row in table.get("sources", [])
        },
        "metrics": {
            row["metric"]: {
                "label": row["label"],
                "better": row["better"] or None,
                "leader": (
                    {
                        "jurisdiction": row["leader"]["jurisdiction"],
                        "runner_up": row["leader"]["runner_up"],
                        "q": clean(row["leader"]["q"]),
                        "clear": row["leader"]["clear"],
                    }
                    if row.get("leader")
                    else None
                ),
                "values": {j: e.as_dict() for j, e in row["values"].items()},
                "difference_to_baseline": {
                    j: {**e.as_dict(), "q": clean(row["q"][j]), "clear": row["clear"][j]}
                    for j, e in row["difference"].items()
                },
            }
            for row in table["metrics"]
        },
    }


def fmt(x: float | None) -> str:
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
    if not e.has_interval:
        return fmt(e.mean)
    return f"{fmt(e.mean)} [{fmt(e.low)}, {fmt(e.high)}]"


def diff_cell(e: Estimate, clear: bool | None = None) -> str:
    """A paired difference with its interval; `` *`` when ``clear`` (by default: the interval excludes 0)."""
    if e.n == 0:
        return "-"
    sign = "+" if e.mean > 0 else ""
    if not e.has_interval:
        return f"{sign}{fmt(e.mean)}"
    star = e.excludes_zero if clear is None else clear
    return f"{sign}{fmt(e.mean)} [{fmt(e.low)}, {fmt(e.high)}]" + (" *" if star else "")


def jurisdiction_name(j: str, table: dict[str, Any], lang: Lang) -> str:
    """A jurisdiction as shown: its glossary name (its own name when unknown)."""
    return lang.name("jurisdictions", j)


def render_text(table: dict[str, Any], lang: Lang | None = None) -> str:
    """The table as plain text (as a file or a pipe gets it): the effort block, then one block per
    metric with a line per jurisdiction (mean, interval, paired difference to the baseline, interval),
    and the conclusion in words at the end. The terminal gets the same with colour
    (:func:`credsup.results.terminal.comparison_renderable`)."""
    from credsup.results.terminal import comparison_renderable, to_text

    return to_text(comparison_renderable(table, lang or language()))


def _warning_small(table: dict[str, Any], lang: Lang) -> str:
    n = min(table["replications"].values())
    return lang.gettext(
        "Warning: only {n} replication(s): intervals are rough and may miss; use --replications {min} or more."
    ).format(n=n, min=MIN_REPLICATIONS)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


KEY_METRICS = (
    "violation_prevalence",
    "undetected_exposure",
    "hit_rate",
    "compliant_burden",
    "mean_time_to_detection",
    "grade_auc",
)
