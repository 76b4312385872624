"""A sweep's plots and files: outcomes against each parameter, the Sobol' indices, the per-point table.

:func:`write_sweep_outputs` writes what ``credsup sweep --out DIR`` and ``credsup results report ID`` give
for a sweep: ``points.csv`` (the per-point summary), ``sweep.json`` (everything), ``plots/response.*``
and, for a Sobol' sweep, ``sensitivity.csv`` and ``plots/sensitivity.*`` (PNG and SVG).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from credsup.results.plots import _colour, save_figures
from credsup.results.store import ExperimentResults
from credsup.results.sweep_table import short_names
from credsup.results.table import label


def response(summary: dict[str, Any], grid: bool) -> Figure | None:
    """Each outcome (rows) against each parameter (columns): every point's mean, one colour per
    jurisdiction; on a grid, a line through the main effect (the mean over the other parameters)."""
    rows, params, metrics = summary["rows"], summary["parameters"], summary["outcomes"]
    if not rows or not params:
        return None
    names = [j for j in summary["jurisdictions"] if any(r["jurisdiction"] == j for r in rows)]
    heads = short_names(params)
    fig = Figure(figsize=(3.4 * len(params) + 0.6, 2.5 * len(metrics) + 0.6), layout="constrained")
    for m, metric in enumerate(metrics):
        for k, key in enumerate(params):
            ax = fig.add_subplot(len(metrics), len(params), m * len(params) + k + 1)
            for i, j in enumerate(names):
                pts = [
                    (r["parameters"].get(key), r["values"][metric].mean)
                    for r in rows
                    if r["jurisdiction"] == j and r["values"][metric].n
                ]
                pts = [(x, y) for x, y in pts if isinstance(x, (int, float)) and math.isfinite(y)]
                if not pts:
                    continue
                x, y = np.array(pts, dtype=float).T
                ax.scatter(x, y, s=10, color=_colour(i), alpha=0.35 if grid else 0.7, lw=0, label=None if grid else j)
                if grid:
                    levels = np.unique(x)
                    ax.plot(levels, [y[x == v].mean() for v in levels], "o-", color=_colour(i), lw=1.6, ms=4, label=j)
            if m == len(metrics) - 1:
                ax.set_xlabel(heads[key], fontsize=8)
            if k == 0:
                ax.set_ylabel(label(metric).split(" (")[0], fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            if m == 0 and k == 0:
                ax.legend(fontsize=7)
    what = "main effect (line) and each point's mean" if grid else "each point's mean over its replications"
    fig.suptitle(f"Outcomes against each parameter: {what}", fontsize=10)
    return fig


def sensitivity(indices: dict[str, dict[str, dict[str, Any]]], level: float = 0.95) -> Figure | None:
    """First-order and total Sobol' indices with their intervals: a panel per outcome (rows) and
    jurisdiction (columns), a pair of bars per parameter."""
    names = list(indices)
    metrics = list(next(iter(indices.values()), {}))
    if not names or not metrics:
        return None
    params: list[str] = []
    for by_metric in indices.values():
        for entry in by_metric.values():
            params.extend(k for k in entry.get("parameters", {}) if k not in params)
    if not params:
        return None
    heads = short_names(params)
    fig = Figure(
        figsize=(4.6 * len(names) + 0.6, 0.45 * len(params) * len(metrics) + 1.2 * len(metrics) + 0.5),
        layout="constrained",
    )
    y = np.arange(len(params))
    for m, metric in enumerate(metrics):
        for c, j in enumerate(names):
            ax = fig.add_subplot(len(metrics), len(names), m * len(names) + c + 1)
            entry = indices[j][metric]
            ax.set_title(f"{label(metric).split(' (')[0]} ({j})", fontsize=9)
            if "error" in entry:
                ax.text(
                    0.5,
                    0.5,
                    f"not computed:\n{entry['error']}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    wrap=True,
                    transform=ax.transAxes,
                )
                ax.set_axis_off()
                continue
            for off, (name, colour) in enumerate((("S1", _colour(0)), ("ST", _colour(1)))):
                vals = [entry["parameters"].get(p, {}).get(name, np.nan) for p in params]
                errs = [entry["parameters"].get(p, {}).get(f"{name}_conf", 0.0) for p in params]
                ax.barh(
                    y + (0.2 if off == 0 else -0.2),
                    vals,
                    0.38,
                    xerr=errs,
                    color=colour,
                    capsize=2,
                    label="first-order S1" if name == "S1" else "total ST",
                )
            ax.set_yticks(y, [heads[p] for p in params], fontsize=8)
            ax.invert_yaxis()
            ax.axvline(0, color="#444444", lw=0.8)
            ax.set_xlim(min(-0.05, ax.get_xlim()[0]), max(1.05, ax.get_xlim()[1]))
            ax.tick_params(axis="x", labelsize=7)
            ax.grid(axis="x", alpha=0.3)
            if not fig.legends:
                fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=8)
    fig.suptitle(f"Sobol' indices with {int(round(level * 100))}% bootstrap intervals", fontsize=10)
    return fig


def write_sweep_outputs(results: ExperimentResults, out_dir: Path) -> dict[str, Path]:
    """Write the sweep's files into ``out_dir`` (see the module docstring); returns ``{name: path}``."""
    from credsup.results.export import to_csv, to_json
    from credsup.results.output import check_writable
    from credsup.results.sensitivity import has_indices, sobol_indices
    from credsup.results.sweep_table import point_summary

    check_writable(out_dir)
    written = {"points.csv": out_dir / "points.csv", "sweep.json": out_dir / "sweep.json"}
    written["points.csv"].write_text(to_csv(results, "points"), encoding="utf-8")
    written["sweep.json"].write_text(to_json(results), encoding="utf-8")
    figs = {}
    fig = response(point_summary(results), grid=results.experiment["settings"].get("design") == "grid")
    if fig is not None:
        figs["response"] = fig
    if has_indices(results):
        written["sensitivity.csv"] = out_dir / "sensitivity.csv"
        written["sensitivity.csv"].write_text(to_csv(results, "sensitivity"), encoding="utf-8")
        fig = sensitivity(sobol_indices(results))
        if fig is not None:
            figs["sensitivity"] = fig
    for name, paths in save_figures(figs, out_dir / "plots").items():
        for fmt, path in paths.items():
            written[f"plots/{name}.{fmt}"] = path
    return written
