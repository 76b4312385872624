"""A sweep's plots and files: outcomes against each parameter, the Sobol' indices, the per-point table.

:func:`write_sweep_outputs` writes what ``credsup sweep --out DIR`` and ``credsup results report ID`` give
for a sweep: ``report.html`` (the sweep's page, :mod:`credsup.results.sweep_report`), ``points.csv`` (the
per-point summary), ``sweep.json`` (everything), ``plots/response.*``, for a two-parameter grid
``plots/heatmaps.*``, and for a Sobol' sweep ``sensitivity.csv`` and ``plots/sensitivity.*`` (PNG and SVG).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from credsup.i18n import Lang, language
from credsup.results.plots import _colour, _marker, fonts, save_figures
from credsup.results.store import ExperimentResults
from credsup.results.sweep_table import short_names
from credsup.results.table import fmt


def response(summary: dict[str, Any], grid: bool, lang: Lang | None = None) -> Figure | None:
    """Each outcome (rows) against each parameter (columns): every point's mean with its interval, one
    colour per jurisdiction; on a grid, a line through the main effect (the mean over the other
    parameters). Axes carry the outcome's unit."""
    lang = lang or language()
    _ = lang.gettext
    rows, params, metrics = summary["rows"], summary["parameters"], summary["outcomes"]
    if not rows or not params:
        return None
    names = [j for j in summary["jurisdictions"] if any(r["jurisdiction"] == j for r in rows)]
    heads = short_names(params)
    fig = Figure(figsize=(min(3.4 * len(params) + 0.8, 11), 2.5 * len(metrics) + 1.0), layout="constrained")
    handles: dict[str, Any] = {}
    for m, metric in enumerate(metrics):
        info = lang.metric(metric)
        for k, key in enumerate(params):
            ax = fig.add_subplot(len(metrics), len(params), m * len(params) + k + 1)
            for i, j in enumerate(names):
                pts = [
                    (r["parameters"].get(key), r["values"][metric])
                    for r in rows
                    if r["jurisdiction"] == j and r["values"][metric].n
                ]
                pts = [(x, e) for x, e in pts if isinstance(x, (int, float)) and math.isfinite(e.mean)]
                if not pts:
                    continue
                x = np.array([p[0] for p in pts], dtype=float)
                y = np.array([p[1].mean for p in pts])
                err = np.array(
                    [
                        [max(0.0, e.mean - e.low), max(0.0, e.high - e.mean)] if e.has_interval else [0.0, 0.0]
                        for _x, e in pts
                    ]
                ).T
                # a small offset per jurisdiction keeps the intervals of points at the same x apart
                spread = (np.ptp(x) or 1.0) * 0.012 * (i - (len(names) - 1) / 2)
                h = ax.errorbar(
                    x + spread,
                    y,
                    yerr=err,
                    fmt=_marker(i),
                    ms=3,
                    color=_colour(i),
                    alpha=0.45 if grid else 0.8,
                    lw=0.8,
                    capsize=1.5,
                )
                handles.setdefault(j, h)
                if grid:
                    levels = np.unique(x)
                    (line,) = ax.plot(
                        levels,
                        [y[x == v].mean() for v in levels],
                        "-",
                        marker=_marker(i),
                        color=_colour(i),
                        lw=1.6,
                        ms=4,
                    )
                    handles[j] = line
            if m == len(metrics) - 1:
                ax.set_xlabel(heads[key], fontsize=8)
            if k == 0:
                ax.set_ylabel(f"{info.name}\n({info.unit})", fontsize=7)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    if handles:
        fig.legend(
            list(handles.values()),
            [lang.name("jurisdictions", j) for j in handles],
            loc="outside lower center",
            ncols=min(len(handles), 5),
            fontsize=8,
            frameon=False,
        )
    what = (
        _("main effect (line) and each point's mean with its {pct}% interval")
        if grid
        else _("each point's mean with its {pct}% interval")
    ).format(pct=int(round(100 * summary["level"])))
    fig.suptitle(_("Outcomes against each parameter: {what}").format(what=what), fontsize=10)
    return fig


def heatmaps(summary: dict[str, Any], lang: Lang | None = None) -> Figure | None:
    """For a grid of two parameters: each outcome's mean at every combination, a panel per outcome (rows)
    and jurisdiction (columns), so interactions show (a lever that helps only where the other is high).
    Colour scale viridis (ordered, readable in grey and with colour-vision deficiencies), shared by the
    jurisdictions of an outcome; every cell carries its value."""
    lang = lang or language()
    _ = lang.gettext
    rows, params, metrics = summary["rows"], summary["parameters"], summary["outcomes"]
    if len(params) != 2 or not rows:
        return None
    names = [j for j in summary["jurisdictions"] if any(r["jurisdiction"] == j for r in rows)]
    px, py = params
    xs = sorted({r["parameters"].get(px) for r in rows}, key=float)
    ys = sorted({r["parameters"].get(py) for r in rows}, key=float)
    heads = short_names(params)
    fig = Figure(
        figsize=(min(3.3 * len(names) + 1.2, 11), (0.45 * len(ys) + 1.4) * len(metrics) + 0.6), layout="constrained"
    )
    for m, metric in enumerate(metrics):
        info = lang.metric(metric)
        grids = {}
        for j in names:
            z = np.full((len(ys), len(xs)), np.nan)
            for r in rows:
                if r["jurisdiction"] == j and r["values"][metric].n:
                    z[ys.index(r["parameters"].get(py)), xs.index(r["parameters"].get(px))] = r["values"][metric].mean
            grids[j] = z
        finite = np.concatenate([z[np.isfinite(z)] for z in grids.values()])
        if finite.size == 0:
            continue
        vmin, vmax = float(finite.min()), float(finite.max())
        axes = []
        image = None
        for c, j in enumerate(names):
            ax = fig.add_subplot(len(metrics), len(names), m * len(names) + c + 1)
            axes.append(ax)
            image = ax.imshow(grids[j], origin="lower", aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax)
            for (yi, xi), v in np.ndenumerate(grids[j]):
                if math.isfinite(v):
                    dark = vmax == vmin or (v - vmin) / (vmax - vmin) < 0.6
                    ax.text(xi, yi, fmt(v), ha="center", va="center", fontsize=7, color="white" if dark else "black")
            ax.set_xticks(range(len(xs)), [_value(v) for v in xs], fontsize=7)
            ax.set_yticks(range(len(ys)), [_value(v) for v in ys], fontsize=7)
            ax.set_title(f"{info.name} ({lang.name('jurisdictions', j)})", fontsize=8)
            if m == len(metrics) - 1:
                ax.set_xlabel(heads[px], fontsize=8)
            if c == 0:
                ax.set_ylabel(heads[py], fontsize=8)
        if image is not None:
            bar = fig.colorbar(image, ax=axes, shrink=0.9)
            bar.set_label(info.unit, fontsize=7)
            bar.ax.tick_params(labelsize=7)
    fig.suptitle(_("Each outcome's mean at every combination of the two parameters"), fontsize=10)
    return fig


def _value(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def sensitivity(
    indices: dict[str, dict[str, dict[str, Any]]], level: float = 0.95, lang: Lang | None = None
) -> Figure | None:
    """First-order and total Sobol' indices with their intervals: a panel per outcome (rows) and
    jurisdiction (columns), a pair of bars per parameter."""
    lang = lang or language()
    _ = lang.gettext
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
            ax.set_title(f"{lang.metric(metric).name} ({lang.name('jurisdictions', j)})", fontsize=9)
            if "error" in entry:
                ax.text(
                    0.5,
                    0.5,
                    _("not computed: {reason}").format(reason=entry["error"]),
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
                    label=_("first-order S1") if name == "S1" else _("total ST"),
                )
            ax.set_yticks(y, [heads[p] for p in params], fontsize=8)
            ax.invert_yaxis()
            ax.axvline(0, color="#444444", lw=0.8)
            ax.set_xlim(min(-0.05, ax.get_xlim()[0]), max(1.05, ax.get_xlim()[1]))
            ax.tick_params(axis="x", labelsize=7)
            ax.set_xlabel(_("share of the outcome's variance"), fontsize=7)
            ax.grid(axis="x", alpha=0.3)
            if not fig.legends:
                fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=8)
    fig.suptitle(_("Sobol' indices with {pct}% bootstrap intervals").format(pct=int(round(level * 100))), fontsize=10)
    return fig


def sweep_figures(results: ExperimentResults, lang: Lang | None = None) -> dict[str, Figure]:
    """The sweep's figures by name: ``heatmaps`` (two-parameter grids), ``response``, ``sensitivity``
    (Sobol' designs)."""
    from credsup.results.sensitivity import has_indices, sobol_indices
    from credsup.results.sweep_table import point_summary

    lang = lang or language()
    summary = point_summary(results)
    grid = results.experiment["settings"].get("design") == "grid"
    figs: dict[str, Figure] = {}
    with fonts(lang):
        if grid:
            fig = heatmaps(summary, lang)
            if fig is not None:
                figs["heatmaps"] = fig
        fig = response(summary, grid=grid, lang=lang)
        if fig is not None:
            figs["response"] = fig
        if has_indices(results):
            fig = sensitivity(sobol_indices(results), lang=lang)
            if fig is not None:
                figs["sensitivity"] = fig
    return figs


def write_sweep_outputs(
    results: ExperimentResults, out_dir: Path, lang: Lang | None = None, templates: Sequence[str | Path] = ()
) -> dict[str, Path]:
    """Write the sweep's files into ``out_dir`` (see the module docstring); returns ``{name: path}``."""
    from credsup.core.files import write_atomic
    from credsup.results.export import to_csv, to_json
    from credsup.results.output import check_writable
    from credsup.results.sensitivity import has_indices
    from credsup.results.sweep_report import write_sweep_report

    lang = lang or language()
    check_writable(out_dir)
    written = {"points.csv": out_dir / "points.csv", "sweep.json": out_dir / "sweep.json"}
    write_atomic(written["points.csv"], to_csv(results, "points"))
    write_atomic(written["sweep.json"], to_json(results))
    if has_indices(results):
        written["sensitivity.csv"] = out_dir / "sensitivity.csv"
        write_atomic(written["sensitivity.csv"], to_csv(results, "sensitivity"))
    from credsup.results.frontier import is_frontier
    from credsup.results.report import data_uris

    if is_frontier(results):  # the efficiency frontier's own page (credsup.results.frontier)
        from credsup.results.frontier import frontier_data, frontier_figure, write_frontier_report

        with fonts(lang):
            fig = frontier_figure(frontier_data(results), lang)
        figs = {"frontier": fig} if fig is not None else {}
        saved = save_figures(figs, out_dir / "plots", lang=lang)
        for name, paths in saved.items():
            for fmt_, path in paths.items():
                written[f"plots/{name}.{fmt_}"] = path
        written["report.html"] = write_frontier_report(
            results, out_dir / "report.html", lang, templates, figs=figs, images=data_uris(saved)
        )
        return written
    figs = sweep_figures(results, lang)
    saved = save_figures(figs, out_dir / "plots", lang=lang)
    for name, paths in saved.items():
        for fmt_, path in paths.items():
            written[f"plots/{name}.{fmt_}"] = path
    written["report.html"] = write_sweep_report(
        results, out_dir / "report.html", lang, templates, figs=figs, images=data_uris(saved)
    )
    return written
