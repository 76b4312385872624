"""Exporting an experiment: CSV or Parquet (one tidy table) or JSON (everything).

Tables: ``runs`` (one row per run: status, seed key, wall time, error), ``summary``, ``periods`` and
``grades`` (one row per run and metric, per period or per grade). A sweep adds two tables, ``points`` (each outcome's mean and interval per point and jurisdiction) and
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

CSV_TABLES = ("summary", "periods", "grades", "points", "sensitivity", "runs")


def _num(x: float) -> str:
    return "" if x is None or not math.isfinite(x) else repr(float(x))


def to_csv(results: ExperimentResults, table: str = "summary") -> str:
    """One tidy CSV table: ``summary`` (one row per run and metric), ``periods`` (per run, period and
    metric), ``grades`` (per run, grade and metric), ``runs`` (one row per run, failed ones too); for
    sweeps ``points`` (per point, jurisdiction and outcome) and ``sensitivity`` (Sobol' sweeps). Empty
    cells are undefined values. Raises InputError for a table the experiment does not have."""
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
    elif table == "runs":
        w.writerow(
            ["experiment", "run", "point", "jurisdiction", "replication", "seed_key", "status", "wall_seconds", "error"]
        )
        for r in sorted(results.runs, key=lambda r: (r["point"], r["jurisdiction"], r["replication"], r["id"])):
            w.writerow(
                [
                    exp_id,
                    r["id"],
                    r["point"],
                    r["jurisdiction"],
                    r["replication"],
                    r["seed_key"],
                    r["status"],
                    _num(r["wall_seconds"]),
                    r["error"] or "",
                ]
            )
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


# Types of columns that CSV inference could get wrong (a seed key "0/3" is text; an all-empty error
# column is still text; a period start is a date).
_TYPES = {"seed_key": "string", "error": "string", "jurisdiction": "string", "metric": "string", "grade": "string"}


def arrow_table(results: ExperimentResults, table: str = "summary") -> Any:
    """The tidy ``table`` (as :func:`to_csv` writes it) as a typed ``pyarrow.Table``: integers,
    floats (null for undefined), text, and dates for a period's ``start``; the source of the Parquet
    export and of :func:`credsup.results.load`'s DataFrames, so all three hold the same rows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text = to_csv(results, table).encode("utf-8")
    header = text.split(b"\n", 1)[0].decode("utf-8").split(",")
    types = {name: getattr(pa, kind)() for name, kind in _TYPES.items() if name in header}
    if "start" in header:
        types["start"] = pa.date32()
    options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    return pacsv.read_csv(pa.BufferReader(text), convert_options=options)


def to_parquet(results: ExperimentResults, table: str = "summary") -> bytes:
    """One tidy table as Parquet bytes (:func:`arrow_table`), with the experiment's id, kind, name and
    scenario in the file's metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    exp = results.experiment
    data = arrow_table(results, table)
    meta = {
        b"credsup.experiment": str(exp["id"]).encode(),
        b"credsup.kind": str(exp["kind"]).encode(),
        b"credsup.name": str(exp.get("name") or "").encode(),
        b"credsup.scenario": str(exp["scenario"]).encode(),
        b"credsup.table": table.encode(),
    }
    data = data.replace_schema_metadata({**(data.schema.metadata or {}), **meta})
    sink = pa.BufferOutputStream()
    pq.write_table(data, sink)
    return bytes(sink.getvalue().to_pybytes())
