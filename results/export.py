"""Exporting an experiment: CSV (one tidy table) or JSON (everything).

A sweep adds two CSV tables, ``points`` (each outcome's mean and interval per point and jurisdiction) and
``sensitivity`` (Sobol' indices, for a Sobol' sweep), and a ``sweep`` section to the JSON.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import numpy as np

from credsup.core.errors import InputError
from credsup.results.sensitivity import has_indices, indices_csv, sobol_indices
from credsup.results.store import ExperimentResults, jsonable
from credsup.results.sweep_table import is_sweep, point_summary, points_json, points_rows
from credsup.results.table import comparison, comparison_json

CSV_TABLES = ("summary", "periods", "grades", "points", "sensitivity")


def _num(x: float) -> str:
    return "" if x is None or not math.isfinite(x) else repr(float(x))


def to_csv(results: ExperimentResults, table: str = "summary") -> str:
    """One tidy CSV table: ``summary`` (one row per run and metric), ``periods`` (per run, period and
    metric), ``grades`` (per run, grade and metric); for sweeps ``points`` (per point, jurisdiction and
    outcome) and ``sensitivity`` (Sobol' sweeps). Empty cells are undefined values. Raises InputError for
    a table the experiment does not have."""
    if table not in CSV_TABLES:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(CSV_TABLES)}")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    exp_id = results.experiment["id"]
    if table == "points":
        header, rows = points_rows(point_summary(results))
        w.writerow(["experiment", *header])
        for row in rows:
            w.writerow([exp_id, *(_num(x) if isinstance(x, float) else x for x in row)])
    elif table == "sensitivity":
        if not has_indices(results):
            raise InputError(
                f'experiment {exp_id} has no Sobol\' indices: they come from a sweep with design = "sobol"'
            )
        return indices_csv(sobol_indices(results), exp_id)
    elif table == "summary":
        w.writerow(["experiment", "point", "jurisdiction", "replication", "metric", "value"])
        for (point, j), metrics in sorted(results.summary.items()):
            for m, arr in metrics.items():
                for rep, v in zip(results.replications[(point, j)], arr):
                    w.writerow([exp_id, point, j, rep, m, _num(v)])
    elif table == "periods":
        w.writerow(["experiment", "point", "jurisdiction", "replication", "period", "start", "metric", "value"])
        for (point, j), metrics in sorted(results.periods.items()):
            for m, arr in metrics.items():
                for i, rep in enumerate(results.replications[(point, j)]):
                    for t in range(arr.shape[1]):
                        w.writerow([exp_id, point, j, rep, t, results.period_starts[t], m, _num(arr[i, t])])
    else:
        w.writerow(["experiment", "point", "jurisdiction", "replication", "grade", "metric", "value"])
        for (point, j), grades in sorted(results.by_grade.items()):
            for g, metrics in grades.items():
                for m, arr in metrics.items():
                    for rep, v in zip(results.replications[(point, j)], arr):
                        w.writerow([exp_id, point, j, rep, g, m, _num(v)])
    return buf.getvalue()


def _arr(a: np.ndarray) -> Any:
    return (
        [None if not math.isfinite(float(x)) else float(x) for x in np.ravel(a)]
        if a.ndim == 1
        else [_arr(row) for row in a]
    )


def to_json(results: ExperimentResults) -> str:
    """The experiment record, how many of its planned runs it holds, its runs, per-run metrics and the
    comparison table of each point."""
    by_point: dict[int, dict[str, Any]] = {}
    for (point, j), metrics in results.summary.items():
        entry = by_point.setdefault(point, {"jurisdictions": {}})
        entry["jurisdictions"][j] = {
            "replications": results.replications[(point, j)],
            "summary": {m: _arr(a) for m, a in metrics.items()},
            "periods": {m: _arr(a) for m, a in results.periods.get((point, j), {}).items()},
            "by_grade": {
                g: {m: _arr(a) for m, a in ms.items()} for g, ms in results.by_grade.get((point, j), {}).items()
            },
        }
    for point, entry in by_point.items():
        entry["comparison"] = comparison_json(comparison(results, point))
        params: dict[str, Any] = next((p["parameters"] for p in results.points if p["index"] == point), {})
        entry["parameters"] = params
    doc = {
        "experiment": jsonable(results.experiment),
        # how many of the planned runs are stored: an incomplete experiment says so
        "completeness": results.completeness.as_dict(),
        "runs": jsonable(results.runs),
        "period_starts": results.period_starts,
        "points": {str(k): v for k, v in sorted(by_point.items())},
    }
    if is_sweep(results):
        settings = results.experiment["settings"]
        doc["sweep"] = {
            "design": settings.get("design"),
            "parameters": settings.get("parameters"),
            "outcomes": settings.get("outcomes"),
            "summary": points_json(point_summary(results)),
            "sensitivity": jsonable(sobol_indices(results)) if has_indices(results) else None,
        }
    return json.dumps(doc, indent=2, ensure_ascii=False)
