"""Plots of an experiment, drawn headless with matplotlib's object API (no pyplot global state).

Each function takes :class:`~credsup.results.store.ExperimentResults` and returns a matplotlib
``Figure`` (or None when the experiment lacks the series it needs); :func:`write_plots` saves them all
as PNG and SVG.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from credsup.results.stats import mean_ci
from credsup.results.store import GRADE_LABELS, ExperimentResults
from credsup.results.table import label

#: Period series drawn over time, and the per-grade metrics drawn by grade.
TIME_SERIES = ("violation_prevalence", "inspections")
GRADE_METRICS = ("inspections", "hit_rate")
GRADE_SHARE = "grade_share_"

COLOURS = ["#1b6ca8", "#d1495b", "#66a182", "#edae49", "#8d6a9f", "#00798c", "#30638e", "#a3a3a3"]


def _colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def _names(results: ExperimentResults, point: int) -> list[str]:
    return [j for j in results.jurisdictions if (point, j) in results.summary]


def metric_intervals(results: ExperimentResults, point: int = 0) -> Figure | None:
    """Every summary metric across jurisdictions: the mean with its 95 % interval."""
    names = _names(results, point)
    metrics = results.metric_names
    if not names or not metrics:
        return None
    cols = 3
    rows = math.ceil(len(metrics) / cols)
    fig = Figure(figsize=(4.2 * cols, 2.6 * rows), layout="constrained")
    for k, metric in enumerate(metrics):
        ax = fig.add_subplot(rows, cols, k + 1)
        for i, j in enumerate(names):
            e = mean_ci(results.summary[(point, j)].get(metric, np.array([])))
            if e.n == 0:
                continue
            err = None if not math.isfinite(e.low) else [[e.mean - e.low], [e.high - e.mean]]
            ax.errorbar([i], [e.mean], yerr=err, fmt="o", color=_colour(i), capsize=4)
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        ax.set_title(label(metric), fontsize=8, wrap=True)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Metrics by jurisdiction (mean and 95% confidence interval)", fontsize=11)
    return fig


def time_series(results: ExperimentResults, point: int = 0) -> Figure | None:
    """Violation prevalence and inspections per period: mean over replications with a 95 % band."""
    names = _names(results, point)
    series = [m for m in TIME_SERIES if any(m in results.periods.get((point, j), {}) for j in names)]
    if not series:
        return None
    fig = Figure(figsize=(7.5, 2.8 * len(series)), layout="constrained")
    for k, metric in enumerate(series):
        ax = fig.add_subplot(len(series), 1, k + 1)
        for i, j in enumerate(names):
            data = results.periods.get((point, j), {}).get(metric)
            if data is None:
                continue
            x = np.arange(data.shape[1])
            est = [mean_ci(data[:, t]) for t in x]
            mean = np.array([e.mean for e in est])
            ax.plot(x, mean, color=_colour(i), label=j, lw=1.6)
            low, high = np.array([e.low for e in est]), np.array([e.high for e in est])
            if np.isfinite(low).any():
                ax.fill_between(x, low, high, color=_colour(i), alpha=0.15, lw=0)
        ax.set_title(label(metric), fontsize=9)
        ax.set_xlabel("period (month)", fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, ncols=min(len(names), 5))
    return fig


def by_grade(results: ExperimentResults, point: int = 0) -> Figure | None:
    """Inspections and hit rate per credit grade, one bar per jurisdiction."""
    names = _names(results, point)
    grades = [g for g in GRADE_LABELS if any(g in results.by_grade.get((point, j), {}) for j in names)]
    metrics = [
        m
        for m in GRADE_METRICS
        if any(m in results.by_grade.get((point, j), {}).get(g, {}) for j in names for g in grades)
    ]
    if not grades or not metrics:
        return None
    fig = Figure(figsize=(7.5, 2.8 * len(metrics)), layout="constrained")
    width = 0.8 / max(len(names), 1)
    for k, metric in enumerate(metrics):
        ax = fig.add_subplot(len(metrics), 1, k + 1)
        for i, j in enumerate(names):
            means, errs = [], []
            for g in grades:
                e = mean_ci(results.by_grade.get((point, j), {}).get(g, {}).get(metric, np.array([])))
                means.append(e.mean if e.n else np.nan)
                errs.append(e.high - e.mean if e.n and math.isfinite(e.high) else 0.0)
            ax.bar(np.arange(len(grades)) + i * width, means, width, yerr=errs, color=_colour(i), label=j, capsize=2)
        ax.set_xticks(np.arange(len(grades)) + width * (len(names) - 1) / 2, grades)
        ax.set_title(f"{label(metric)} by grade", fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, ncols=min(len(names), 5))
    return fig


def grade_shares(results: ExperimentResults, point: int = 0) -> Figure | None:
    """Share of enterprises in each grade over time, one panel per jurisdiction (mean over replications)."""
    names = [
        j for j in _names(results, point) if any(k.startswith(GRADE_SHARE) for k in results.periods.get((point, j), {}))
    ]
    if not names:
        return None
    cols = min(len(names), 3)
    rows = math.ceil(len(names) / cols)
    fig = Figure(figsize=(4.2 * cols, 2.8 * rows), layout="constrained")
    palette = {"A": "#2b9348", "B": "#80b918", "C": "#f9a620", "D": "#d1495b", "ungraded": "#c0c0c0"}
    for k, j in enumerate(names):
        ax = fig.add_subplot(rows, cols, k + 1)
        data = results.periods[(point, j)]
        present = [g for g in GRADE_LABELS if GRADE_SHARE + g in data]
        stack = [np.nanmean(data[GRADE_SHARE + g], axis=0) for g in present]
        x = np.arange(stack[0].size)
        ax.stackplot(x, *stack, labels=present, colors=[palette[g] for g in present], alpha=0.9)
        ax.set_ylim(0, 1)
        ax.set_title(j, fontsize=9)
        ax.set_xlabel("period (month)", fontsize=8)
        if k == 0:
            ax.legend(fontsize=7, loc="lower left")
    fig.suptitle("Grade shares over time", fontsize=11)
    return fig


PLOTS = {
    "metrics": metric_intervals,
    "time_series": time_series,
    "by_grade": by_grade,
    "grade_shares": grade_shares,
}


def figures(results: ExperimentResults, point: int = 0) -> dict[str, Figure]:
    """Every plot this experiment has data for, by name."""
    out = {}
    for name, make in PLOTS.items():
        fig = make(results, point)
        if fig is not None:
            out[name] = fig
    return out


def write_plots(
    results: ExperimentResults, out_dir: Path, point: int = 0, formats: tuple[str, ...] = ("png", "svg")
) -> dict[str, dict[str, Path]]:
    """Save every plot as ``<out_dir>/<name>.<format>``; returns ``{name: {format: path}}``."""
    return save_figures(figures(results, point), out_dir, formats)


def save_figures(
    figs: dict[str, Figure], out_dir: Path, formats: tuple[str, ...] = ("png", "svg")
) -> dict[str, dict[str, Path]]:
    """Save each figure as ``<out_dir>/<name>.<format>`` (SVG without a date, so reruns are identical)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, Path]] = {}
    for name, fig in figs.items():
        written[name] = {}
        for fmt in formats:
            path = out_dir / f"{name}.{fmt}"
            fig.savefig(path, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
            written[name][fmt] = path
    return written
