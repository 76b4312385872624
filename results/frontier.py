"""The efficiency frontier: each jurisdiction's outcomes against the inspections it spent, over a range of
inspector capacity (``credsup frontier``, a sweep whose spec says ``frontier = true``).

Seed 003 para 20 asks regulators to evaluate "supervision efficiency". One comparison at one capacity
answers it only at that capacity, and only at equal effort; the frontier answers it everywhere: at every
number of inspections per 1,000 enterprise-years, which policy reaches the lower violation prevalence, the
lower undetected exposure, the higher hit rate, the lower burden on compliant enterprises. A policy whose
curve lies below (better than) another's over the range is more efficient whatever the budget; curves that
cross say the answer depends on it.

Each point of the sweep is one capacity; its x is the mean inspections per 1,000 enterprise-years over the
replications (:func:`credsup.results.table.effort_series`) with its interval, its y the outcome's mean with
its interval (:func:`credsup.results.stats.mean_ci`, kept within the outcome's range).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from credsup.i18n import Lang, language
from credsup.results.outcomes import bounds as outcome_bounds
from credsup.results.outcomes import parse as parse_outcome
from credsup.results.outcomes import stored_values
from credsup.results.stats import MIN_REPLICATIONS, Estimate, mean_ci
from credsup.results.store import ExperimentResults
from credsup.results.table import effort_series, fmt

#: The outcomes a frontier shows when its spec names none of its own (issue 17 point 2).
FRONTIER_OUTCOMES = ("violation_prevalence", "undetected_exposure", "hit_rate", "compliant_burden")


def is_frontier(results: ExperimentResults) -> bool:
    """Whether a stored sweep is a frontier (its spec says ``frontier = true``)."""
    settings = results.experiment.get("settings") or {}
    spec = settings.get("spec") or {}
    return results.experiment.get("kind") == "sweep" and isinstance(spec, dict) and bool(spec.get("frontier"))


def frontier_outcomes(results: ExperimentResults) -> list[str]:
    settings = results.experiment.get("settings") or {}
    named = [m for m in settings.get("outcomes") or () if parse_outcome(m) is not None]
    return named or [m for m in FRONTIER_OUTCOMES if m in results.metric_names]


def frontier_data(results: ExperimentResults, level: float = 0.95) -> dict[str, Any]:
    """``{"outcomes", "jurisdictions", "rows": [{"jurisdiction", "point", "parameters", "x": Estimate,
    "values": {outcome: Estimate}}]}``, rows of each jurisdiction in order of x."""
    outcomes = frontier_outcomes(results)
    rows = []
    for j in results.jurisdictions:
        mine = []
        for p in sorted(results.points, key=lambda p: p["index"]):
            data = results.summary.get((p["index"], j))
            if data is None:
                continue
            effort = effort_series(results, p["index"], j).get("inspections")
            x = mean_ci(list(effort) if effort is not None else [], level, (0.0, math.inf))
            values = {m: mean_ci(stored_values(results, p["index"], j, m), level, outcome_bounds(m)) for m in outcomes}
            mine.append(
                {"jurisdiction": j, "point": p["index"], "parameters": p["parameters"], "x": x, "values": values}
            )
        rows += sorted(mine, key=lambda r: r["x"].mean if math.isfinite(r["x"].mean) else math.inf)
    return {"outcomes": outcomes, "jurisdictions": list(results.jurisdictions), "level": level, "rows": rows}


def _half(e: Estimate) -> list[float]:
    if not e.has_interval:
        return [0.0, 0.0]
    return [max(0.0, e.mean - e.low), max(0.0, e.high - e.mean)]


def frontier_figure(data: dict[str, Any], lang: Lang | None = None) -> Figure | None:
    """One panel per outcome: each jurisdiction's points (outcome against inspections per 1,000
    enterprise-years, both with their intervals), joined in order of inspections."""
    from credsup.results.plots import _colour, _legend_below, _marker

    lang = lang or language()
    _ = lang.gettext
    outcomes, rows = data["outcomes"], data["rows"]
    if not outcomes or not rows:
        return None
    cols = 2 if len(outcomes) > 1 else 1
    nrows = math.ceil(len(outcomes) / cols)
    fig = Figure(figsize=(4.6 * cols, 3.2 * nrows + 0.9), layout="constrained")
    handles: list[Any] = []
    labels: list[str] = []
    xlabel = lang.name("effort", "inspections") + lang.paren(lang.unit("effort", "inspections"))
    for m, metric in enumerate(outcomes):
        ax = fig.add_subplot(nrows, cols, m + 1)
        info = lang.metric(metric)
        for i, j in enumerate(data["jurisdictions"]):
            pts = [
                r
                for r in rows
                if r["jurisdiction"] == j and math.isfinite(r["x"].mean) and math.isfinite(r["values"][metric].mean)
            ]
            if not pts:
                continue
            x = np.array([r["x"].mean for r in pts])
            y = np.array([r["values"][metric].mean for r in pts])
            xerr = np.array([_half(r["x"]) for r in pts]).T
            yerr = np.array([_half(r["values"][metric]) for r in pts]).T
            h = ax.errorbar(x, y, xerr=xerr, yerr=yerr, color=_colour(i), marker=_marker(i), ms=5, lw=1.4, capsize=2.5)
            if m == 0:
                handles.append(h)
                labels.append(lang.name("jurisdictions", j))
        better = {"lower": _("lower is better"), "higher": _("higher is better")}.get(info.better or "", "")
        ax.set_title(info.name + (lang.paren(better) if better else ""), fontsize=10)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(info.unit, fontsize=8)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=8)
    if handles:
        _legend_below(fig, handles, labels)
    return fig


def _shown_parameters(parameters: dict[str, Any], lang: Lang) -> str:
    return ", ".join(
        f"{lang.parameter(k.split(':', 1)[-1].removeprefix('scenario.'))} = {fmt(v) if isinstance(v, float) else v}"
        for k, v in parameters.items()
    )


def frontier_context(
    results: ExperimentResults,
    lang: Lang | None = None,
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the frontier template shows: the sweep's facts, the plot, the table of points, the
    definitions, the command."""
    from credsup.results.plots import png_data_uri
    from credsup.results.sweep_report import sweep_context

    lang = lang or language()
    _ = lang.gettext
    data = frontier_data(results)
    if figs is None:
        fig = frontier_figure(data, lang)
        figs = {"frontier": fig} if fig is not None else {}
    base = sweep_context(results, lang, sections, figs={}, images={})
    reps = int(results.experiment["replications"])
    figures = {
        name: {
            "name": name,
            "caption": _(
                "Each outcome against the inspections spent, per jurisdiction: one marker per inspector capacity, "
                "with the {pct}% intervals of both (mean over the replications), joined in order of inspections. "
                "At any number of inspections, the curve nearer the better end is the more efficient policy; "
                "curves that cross say the answer depends on the budget."
            ).format(pct=int(round(100 * data["level"]))),
            "src": (images or {}).get(name) or png_data_uri(fig, lang),
        }
        for name, fig in figs.items()
    }
    heads = [lang.metric(m).name for m in data["outcomes"]]
    table = []
    for r in data["rows"]:
        cells = []
        for m in data["outcomes"]:
            e = r["values"][m]
            cells.append(
                {"value": fmt(e.mean) if e.n else "–", "ci": f"[{fmt(e.low)}, {fmt(e.high)}]" if e.has_interval else ""}
            )
        x = r["x"]
        table.append(
            {
                "jurisdiction": lang.name("jurisdictions", r["jurisdiction"]),
                "point": _shown_parameters(r["parameters"], lang),
                "x": fmt(x.mean) if x.n else "–",
                "x_ci": f"[{fmt(x.low)}, {fmt(x.high)}]" if x.has_interval else "",
                "cells": cells,
            }
        )
    # the sweep's own warning speaks of indices; a frontier's is about its points
    warning = _("Fewer than 5 replications per point: intervals are rough.") if reps < MIN_REPLICATIONS else ""
    return {
        **base,
        "title": _("credsup efficiency frontier: {name}").format(name=results.experiment.get("name") or ""),
        "small_warning": warning,
        "intro": _(
            "Seed 003 para 20 asks regulators to evaluate supervision efficiency. A policy that inspects more finds "
            "and deters more, so its outcomes are compared here against the inspections it spent, over a range of "
            "inspector capacity: each jurisdiction's curve shows what its inspections buy."
        ),
        "figures": figures,
        "frontier_heads": heads,
        "frontier_rows": table,
        "x_head": lang.name("effort", "inspections"),
        "x_unit": lang.unit("effort", "inspections"),
        "definitions": base["definitions"]
        + [
            {
                "key": "inspections",
                "name": lang.name("effort", "inspections"),
                "unit": lang.unit("effort", "inspections"),
                "definition": _(
                    "Inspections of any source (spot check, full coverage, complaint, commitment, follow-up) over the "
                    "measured months, per 1,000 enterprises of the scenario and per year."
                ),
            }
        ],
    }


def write_frontier_report(
    results: ExperimentResults,
    path: Path,
    lang: Lang | None = None,
    templates: Sequence[str | Path] = (),
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> Path:
    """Write the frontier page (``frontier.html.j2``) to ``path``."""
    from credsup.results.templating import environment

    lang = lang or language()
    env = environment(lang, templates)
    html = env.get_template("frontier.html.j2").render(frontier_context(results, lang, sections, figs, images))
    from credsup.core.files import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html)
    return path


__all__ = [
    "FRONTIER_OUTCOMES",
    "frontier_context",
    "frontier_data",
    "frontier_figure",
    "is_frontier",
    "write_frontier_report",
]
