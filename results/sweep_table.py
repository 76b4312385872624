"""A sweep's per-point summary: each outcome's mean and confidence interval at every point, per jurisdiction.

Built from the database alone (:class:`~credsup.results.store.ExperimentResults`), so ``credsup results
show/export`` give the same table as ``credsup sweep``. The interval is the Student-t interval of the mean
over the point's replications (:func:`credsup.results.stats.mean_ci`); with one replication there is a
mean and no interval.
"""

from __future__ import annotations

from typing import Any

from credsup.i18n import Lang, language
from credsup.results.outcomes import bounds as outcome_bounds
from credsup.results.outcomes import stored_values
from credsup.results.stats import Estimate, mean_ci
from credsup.results.store import ExperimentResults
from credsup.results.table import cell

#: Beyond this many points the text table is left to ``credsup results export`` (the indices matter then).
MAX_TEXT_POINTS = 60


def is_sweep(results: ExperimentResults) -> bool:
    return results.experiment["kind"] == "sweep"


def parameter_keys(results: ExperimentResults) -> list[str]:
    """The swept parameters in spec order (from the stored settings, else from the points)."""
    spec = results.experiment["settings"].get("parameters")
    if spec:
        return [p["key"] for p in spec]
    keys: list[str] = []
    for p in results.points:
        keys.extend(k for k in p["parameters"] if k not in keys)
    return keys


def outcomes(results: ExperimentResults) -> list[str]:
    """The sweep's outcomes of interest (every stored run metric when the experiment names none)."""
    return list(results.experiment["settings"].get("outcomes") or results.run_metric_names)


def point_summary(results: ExperimentResults, metrics: list[str] | None = None, level: float = 0.95) -> dict[str, Any]:
    """``{"parameters", "outcomes", "jurisdictions", "level", "rows": [{"point", "parameters",
    "jurisdiction", "values": {outcome: Estimate}}]}``, one row per point and jurisdiction with runs.
    Intervals are kept within each outcome's range (:mod:`credsup.results.stats`)."""
    names = metrics or outcomes(results)
    bounds = {m: outcome_bounds(m) for m in names}
    rows = []
    for p in sorted(results.points, key=lambda p: p["index"]):
        for j in results.jurisdictions:
            data = results.summary.get((p["index"], j))
            if data is None:
                continue
            rows.append(
                {
                    "point": p["index"],
                    "parameters": p["parameters"],
                    "jurisdiction": j,
                    "values": {m: mean_ci(stored_values(results, p["index"], j, m), level, bounds[m]) for m in names},
                }
            )
    return {
        "parameters": parameter_keys(results),
        "outcomes": names,
        "jurisdictions": results.jurisdictions,
        "level": level,
        "points": len(results.points),
        "rows": rows,
    }


def points_json(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary as plain JSON data."""
    return {
        "parameters": summary["parameters"],
        "outcomes": summary["outcomes"],
        "confidence_level": summary["level"],
        "rows": [
            {
                "point": r["point"],
                "parameters": r["parameters"],
                "jurisdiction": r["jurisdiction"],
                "values": {m: e.as_dict() for m, e in r["values"].items()},
            }
            for r in summary["rows"]
        ],
    }


def points_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """A tidy table: one row per point, jurisdiction and outcome, parameters as columns."""
    header = ["point", *summary["parameters"], "jurisdiction", "metric", "mean", "low", "high", "n"]
    rows = []
    for r in summary["rows"]:
        for m, e in r["values"].items():
            rows.append(
                [
                    r["point"],
                    *(r["parameters"].get(k) for k in summary["parameters"]),
                    r["jurisdiction"],
                    m,
                    e.mean,
                    e.low,
                    e.high,
                    e.n,
                ]
            )
    return header, rows


def short_names(keys: list[str]) -> dict[str, str]:
    """Column headings: the last two parts of each key (``regulator.inspectors``), more where two would
    read the same."""
    out = {}
    for key in keys:
        parts = key.replace(":", ".").split(".")
        n = min(2, len(parts))
        while n < len(parts) and sum(k.replace(":", ".").split(".")[-n:] == parts[-n:] for k in keys) > 1:
            n += 1
        out[key] = ".".join(parts[-n:])
    return out


def _width(text: str) -> int:
    from credsup.results.table import _width as width

    return width(text)


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def render_points(summary: dict[str, Any], lang: Lang | None = None) -> str:
    """One block per outcome: a row per point, the parameters then each jurisdiction's mean [CI]."""
    lang = lang or language()
    _ = lang.gettext
    if not summary["rows"]:
        return _("No finished runs yet.") + "\n"
    heads = short_names(summary["parameters"])
    names = [j for j in summary["jurisdictions"] if any(r["jurisdiction"] == j for r in summary["rows"])]
    by_point: dict[int, dict[str, Any]] = {}
    for r in summary["rows"]:
        by_point.setdefault(r["point"], {"parameters": r["parameters"], "values": {}})["values"][r["jurisdiction"]] = r[
            "values"
        ]
    pct = int(round(summary["level"] * 100))
    lines = [
        _("Mean [{pct}% CI] over the replications at each point.").format(pct=pct),
        _("Parameters: {list}").format(list="; ".join(f"{heads[k]} = {k}" for k in summary["parameters"])),
        "",
    ]
    for metric in summary["outcomes"]:
        info = lang.metric(metric)
        better = {"higher": _("higher is better"), "lower": _("lower is better")}.get(info.better, "")
        lines.append(f"{metric}: {info.label}" + (lang.paren(better) if better else ""))
        table = [
            [_("point"), *(heads[k] for k in summary["parameters"]), *(lang.name("jurisdictions", j) for j in names)]
        ]
        for index, entry in sorted(by_point.items()):
            cells: list[str] = []
            for j in names:
                e: Estimate | None = entry["values"].get(j, {}).get(metric)
                cells.append(cell(e) if e is not None else "-")
            table.append([str(index), *(_value(entry["parameters"].get(k)) for k in summary["parameters"]), *cells])
        widths = [max(_width(row[c]) for row in table) for c in range(len(table[0]))]
        n_num = 1 + len(summary["parameters"])
        for row in table:
            lines.append(
                "  "
                + "  ".join(
                    " " * (w - _width(text)) + text if c < n_num else text + " " * (w - _width(text))
                    for c, (text, w) in enumerate(zip(row, widths))
                ).rstrip()
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
