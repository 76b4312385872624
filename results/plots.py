"""Plots of an experiment, drawn headless with matplotlib's object API (no pyplot global state).

Conventions every plot follows: axes name their unit; legends sit outside the data (below the panels);
colours are the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"), told apart under the
common colour-vision deficiencies, with a marker shape per jurisdiction as a second cue; intervals are
those of the comparison table (inside each metric's range); a jurisdiction that does not grade
(everyone in one class) appears as "no grades", never as a grade; grade categories no enterprise was
ever in are left out. Text is in the report's language (:mod:`credsup.i18n`), with a CJK font for
Chinese (:mod:`credsup.results.fonts`).

Each plot function takes the results, the point, the language and the comparison table, and returns a
matplotlib ``Figure`` (or None when the experiment lacks the series it needs); :func:`write_plots` saves
them all as PNG and SVG.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from credsup.i18n import Lang, language
from credsup.results.stats import mean_ci
from credsup.results.store import GRADE_LABELS, ExperimentResults
from credsup.results.table import KEY_METRICS, comparison

#: Okabe-Ito, without black (kept for text and reference lines).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
COLOURS = OKABE_ITO
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: Grades as a light-to-dark blue and orange pair (Okabe-Ito): distinct in hue and lightness.
GRADE_COLOURS = {"A": "#0072B2", "B": "#56B4E9", "C": "#E69F00", "D": "#D55E00", "ungraded": "#999999"}

#: Period series drawn over time, and the per-grade metrics drawn by grade.
TIME_SERIES = ("violation_prevalence", "inspections")
GRADE_METRICS = ("inspections", "hit_rate")
GRADE_SHARE = "grade_share_"


def _colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def _marker(i: int) -> str:
    return MARKERS[i % len(MARKERS)]


@contextlib.contextmanager
def fonts(lang: Lang) -> Iterator[None]:
    """Matplotlib settings for drawing this language's text (a CJK font for Chinese)."""
    import matplotlib

    from credsup.results.fonts import plot_fonts

    settings: Any = plot_fonts(lang.code)
    with matplotlib.rc_context(settings):
        yield


def _err(e: Any) -> list[list[float]] | None:
    """Error-bar lengths below and above the mean (never negative: a mean outside its metric's range, from
    data that break it, sits at the interval's end)."""
    if not e.has_interval:
        return None
    return [[max(0.0, e.mean - e.low)], [max(0.0, e.high - e.mean)]]


def _names(results: ExperimentResults, point: int) -> list[str]:
    return [j for j in results.jurisdictions if (point, j) in results.summary]


def _legend_below(fig: Figure, handles: list[Any], labels: list[str]) -> None:
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5), fontsize=8, frameon=False)


def differences(results: ExperimentResults, point: int, lang: Lang, table: dict[str, Any]) -> Figure | None:
    """The paired difference of each key outcome to the baseline, with its interval: filled markers for
    differences clear at the table's false discovery rate, hollow for the others."""
    _ = lang.gettext
    names = table["jurisdictions"][1:]
    rows = [row for row in table["metrics"] if row["metric"] in KEY_METRICS and row["difference"]]
    rows = [r for r in rows if any(r["difference"][j].n for j in names)]
    if not names or not rows:
        return None
    base = lang.name("jurisdictions", table["baseline"])
    cols = 2
    nrows = math.ceil(len(rows) / cols)
    fig = Figure(figsize=(8, 0.5 + nrows * (0.45 * len(names) + 1.3)), layout="constrained")
    y = np.arange(len(names))
    for k, row in enumerate(rows):
        ax = fig.add_subplot(nrows, cols, k + 1)
        info = lang.metric(row["metric"])
        for i, j in enumerate(names):
            d = row["difference"][j]
            if d.n == 0:
                continue
            err = _err(d)
            clear = row["clear"][j]
            colour = _colour(i + 1)
            ax.errorbar(
                [d.mean],
                [i],
                xerr=err,
                fmt=_marker(i + 1),
                color=colour,
                mfc=colour if clear else "white",
                capsize=3,
                ms=6,
            )
        ax.axvline(0, color="#000000", lw=0.8)
        ax.set_yticks(y, [lang.name("jurisdictions", j) for j in names], fontsize=8)
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.set_title(info.name, fontsize=9)
        ax.set_xlabel(_("difference to {baseline} ({unit})").format(baseline=base, unit=info.unit), fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
        if info.better:
            arrow = _("better →") if info.better == "higher" else _("← better")
            ax.text(
                0.98 if info.better == "higher" else 0.02,
                1.01,
                arrow,
                transform=ax.transAxes,
                ha="right" if info.better == "higher" else "left",
                va="bottom",
                fontsize=7,
                color="#444444",
            )
    fig.suptitle(
        _(
            "Paired differences to {baseline}, with {pct}% intervals (filled: clear at a {fdr}% false discovery rate)"
        ).format(baseline=base, pct=int(round(100 * table["level"])), fdr=int(round(100 * table["fdr"]))),
        fontsize=9,
    )
    return fig


def effort(results: ExperimentResults, point: int, lang: Lang, table: dict[str, Any]) -> Figure | None:
    """The effort each jurisdiction spent: inspections (and visits) per 1,000 enterprises per year and
    inspector utilisation, means with their intervals."""
    # totals, utilisation and inspections by source (visits by source stay in the table)
    rows = [r for r in table["effort"] if r["values"] and not r["key"].startswith("visits.")]
    names = table["jurisdictions"]
    if not rows or not names:
        return None
    fig = Figure(figsize=(8, 0.6 + 0.28 * len(names) * math.ceil(len(rows) / 2) + 1.2), layout="constrained")
    cols = min(2, len(rows))
    nrows = math.ceil(len(rows) / cols)
    y = np.arange(len(names))
    for k, row in enumerate(rows):
        ax = fig.add_subplot(nrows, cols, k + 1)
        for i, j in enumerate(names):
            e = row["values"].get(j)
            if e is None or e.n == 0:
                continue
            err = _err(e)
            ax.barh([i], [e.mean], xerr=err, color=_colour(i), capsize=3, height=0.6)
        ax.set_yticks(y, [lang.name("jurisdictions", j) for j in names], fontsize=8)
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.set_title(row["label"], fontsize=9)
        ax.set_xlabel(row["unit"], fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(lang.gettext("Effort: what each jurisdiction spent (mean and interval)"), fontsize=9)
    return fig


def metric_intervals(results: ExperimentResults, point: int, lang: Lang, table: dict[str, Any]) -> Figure | None:
    """Every summary metric across jurisdictions: the mean with its interval (inside the metric's range)."""
    names = table["jurisdictions"]
    rows = table["metrics"]
    if not names or not rows:
        return None
    cols = 3
    nrows = math.ceil(len(rows) / cols)
    fig = Figure(figsize=(8.4, 2.5 * nrows + 0.6), layout="constrained")
    for k, row in enumerate(rows):
        ax = fig.add_subplot(nrows, cols, k + 1)
        info = lang.metric(row["metric"])
        for i, j in enumerate(names):
            e = row["values"][j]
            if e.n == 0:
                continue
            err = _err(e)
            ax.errorbar([i], [e.mean], yerr=err, fmt=_marker(i), color=_colour(i), capsize=3, ms=5)
        ax.set_xticks(range(len(names)), [str(i + 1) for i in range(len(names))], fontsize=7)
        ax.set_title(info.name, fontsize=8)
        ax.set_ylabel(info.unit, fontsize=6, wrap=True)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    handles = [
        fig.axes[0].errorbar([], [], fmt=_marker(i), color=_colour(i), ms=5)[0] if fig.axes else None
        for i in range(len(names))
    ]
    _legend_below(
        fig,
        [h for h in handles if h is not None],
        [f"{i + 1} {lang.name('jurisdictions', j)}" for i, j in enumerate(names)],
    )
    fig.suptitle(
        lang.gettext("Metrics by jurisdiction: mean and {pct}% confidence interval").format(
            pct=int(round(100 * table["level"]))
        ),
        fontsize=10,
    )
    return fig


def time_series(results: ExperimentResults, point: int, lang: Lang, table: dict[str, Any]) -> Figure | None:
    """Violation prevalence and inspections per month: mean over replications with a 95 % band."""
    _ = lang.gettext
    names = table["jurisdictions"]
    series = [m for m in TIME_SERIES if any(m in results.periods.get((point, j), {}) for j in names)]
    if not series:
        return None
    units = {
        "violation_prevalence": lang.metric("violation_prevalence").unit,
        "inspections": _("inspections per month"),
    }
    titles = {"violation_prevalence": lang.metric("violation_prevalence").name, "inspections": _("inspections")}
    bounds = {"violation_prevalence": (0.0, 1.0), "inspections": (0.0, math.inf)}
    fig = Figure(figsize=(8, 2.6 * len(series) + 0.6), layout="constrained")
    handles, labels = [], []
    for k, metric in enumerate(series):
        ax = fig.add_subplot(len(series), 1, k + 1)
        for i, j in enumerate(names):
            data = results.periods.get((point, j), {}).get(metric)
            if data is None:
                continue
            x = np.arange(1, data.shape[1] + 1)
            est = [mean_ci(data[:, t], table["level"], bounds[metric]) for t in range(data.shape[1])]
            mean = np.array([e.mean for e in est])
            (line,) = ax.plot(x, mean, color=_colour(i), lw=1.6, marker=_marker(i), ms=3, markevery=max(1, len(x) // 8))
            low, high = np.array([e.low for e in est]), np.array([e.high for e in est])
            if np.isfinite(low).any():
                ax.fill_between(x, low, high, color=_colour(i), alpha=0.15, lw=0)
            if k == 0:
                handles.append(line)
                labels.append(lang.name("jurisdictions", j))
        ax.set_title(titles[metric], fontsize=9)
        ax.set_ylabel(units[metric], fontsize=7)
        ax.set_xlabel(_("month of the simulation"), fontsize=7)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    _legend_below(fig, handles, labels)
    return fig


def by_grade(results: ExperimentResults, point: int, lang: Lang, table: dict[str, Any]) -> Figure | None:
    """Inspections and hit rate per credit grade, a bar per jurisdiction; a jurisdiction without grades
    is drawn in its own "no grades" category (its totals over every class)."""
    _ = lang.gettext
    names = table["jurisdictions"]
    graded = {j: table["graded"].get(j, True) for j in names}

    def data(j: str, g: str, metric: str) -> np.ndarray:
        return results.by_grade.get((point, j), {}).get(g, {}).get(metric, np.array([]))

    grades = [
        g
        for g in GRADE_LABELS
        if any(graded[j] and np.nansum(np.abs(np.nan_to_num(data(j, g, "inspections")))) > 0 for j in names)
    ]
    metrics = [
        m
        for m in GRADE_METRICS
        if any(m in results.by_grade.get((point, j), {}).get(g, {}) for j in names for g in GRADE_LABELS)
    ]
    ungraded_js = [j for j in names if not graded[j] and (point, j) in results.by_grade]
    cats = grades + (["no_grades"] if ungraded_js else [])
    if not cats or not metrics:
        return None
    fig = Figure(figsize=(8, 2.6 * len(metrics) + 0.6), layout="constrained")
    # each category's bars are centred on it: the graded jurisdictions under a grade, the others under
    # "no grades"
    members = {g: [j for j in names if graded[j] == (g != "no_grades")] for g in cats}
    units = {"inspections": _("inspections per run"), "hit_rate": lang.metric("hit_rate").unit}
    handles, labels = [], []
    for k, metric in enumerate(metrics):
        ax = fig.add_subplot(len(metrics), 1, k + 1)
        for i, j in enumerate(names):
            xs, means, errs, widths = [], [], [], []
            for c, g in enumerate(cats):
                if j not in members[g]:
                    continue
                if g == "no_grades":
                    values = _pooled(results, point, j, metric)
                else:
                    values = data(j, g, metric)
                bounds = (0.0, 1.0) if metric == "hit_rate" else (0.0, math.inf)
                e = mean_ci(values, table["level"], bounds)
                if e.n == 0:
                    continue
                width = min(0.8 / len(members[g]), 0.3)
                xs.append(c + width * (members[g].index(j) + 0.5 - len(members[g]) / 2))
                widths.append(width)
                means.append(e.mean)
                errs.append([max(0.0, e.mean - e.low), max(0.0, e.high - e.mean)] if e.has_interval else [0.0, 0.0])
            if not xs:
                continue
            bars = ax.bar(xs, means, widths, yerr=np.array(errs).T, color=_colour(i), capsize=2)
            if k == 0:
                handles.append(bars)
                labels.append(lang.name("jurisdictions", j))
        ax.set_xticks(np.arange(len(cats)), [lang.name("grades", g) for g in cats])
        title = lang.metric(metric).name if metric != "inspections" else _("inspections")
        ax.set_title(_("{what} by credit grade").format(what=title), fontsize=9)
        ax.set_ylabel(units.get(metric, ""), fontsize=7)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    _legend_below(fig, handles, labels)
    return fig


def _pooled(results: ExperimentResults, point: int, j: str, metric: str) -> np.ndarray:
    """A per-run total over every class: inspections summed; hit rate as detections / inspections."""
    grades = list(results.by_grade.get((point, j), {}).values())
    if not grades:
        return np.array([])

    def total(name: str) -> np.ndarray:
        arrays = [np.nan_to_num(g[name]) for g in grades if name in g]
        return np.sum(arrays, axis=0) if arrays else np.array([])

    insp = total("inspections")
    if metric == "inspections":
        return insp
    det = total("detections")
    if det.shape != insp.shape:
        return np.array([])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(insp > 0, det / np.where(insp > 0, insp, 1), np.nan)


def grade_shares(results: ExperimentResults, point: int, lang: Lang, table: dict[str, Any]) -> Figure | None:
    """Share of enterprises in each grade over time, a panel per jurisdiction that grades (mean over
    replications); categories that never hold an enterprise are left out."""
    _ = lang.gettext
    names = [
        j
        for j in table["jurisdictions"]
        if table["graded"].get(j, True) and any(k.startswith(GRADE_SHARE) for k in results.periods.get((point, j), {}))
    ]
    if not names:
        return None
    cols = min(len(names), 2)
    nrows = math.ceil(len(names) / cols)
    fig = Figure(figsize=(8, 2.4 * nrows + 0.8), layout="constrained")
    present = [
        g
        for g in GRADE_LABELS
        if any(
            np.nanmax(np.nan_to_num(results.periods[(point, j)].get(GRADE_SHARE + g, np.zeros((1, 1))))) > 0
            for j in names
        )
    ]
    handles: list[Any] = []
    for k, j in enumerate(names):
        ax = fig.add_subplot(nrows, cols, k + 1)
        data = results.periods[(point, j)]
        means = {g: np.nanmean(data[GRADE_SHARE + g], axis=0) for g in present if GRADE_SHARE + g in data}
        length = next(iter(means.values())).size
        stack = [means.get(g, np.zeros(length)) for g in present]
        x = np.arange(1, length + 1)
        polys = ax.stackplot(x, *stack, colors=[GRADE_COLOURS[g] for g in present], alpha=0.95)
        if k == 0:
            handles = list(polys)
        ax.set_ylim(0, 1)
        ax.set_xlim(1, max(length, 2))
        ax.set_title(lang.name("jurisdictions", j), fontsize=9)
        ax.set_ylabel(_("share of enterprises"), fontsize=7)
        ax.set_xlabel(_("month of the simulation"), fontsize=7)
        ax.tick_params(labelsize=7)
    _legend_below(fig, handles, [lang.name("grades", g) for g in present])
    fig.suptitle(_("Credit grade shares over time"), fontsize=10)
    return fig


PLOTS = {
    "differences": differences,
    "effort": effort,
    "metrics": metric_intervals,
    "time_series": time_series,
    "by_grade": by_grade,
    "grade_shares": grade_shares,
}


def figures(
    results: ExperimentResults, point: int = 0, lang: Lang | None = None, table: dict[str, Any] | None = None
) -> dict[str, Figure]:
    """Every plot this experiment has data for, by name (drawn with the language's fonts)."""
    lang = lang or language()
    table = table or comparison(results, point, lang=lang)
    out = {}
    with fonts(lang):
        for name, make in PLOTS.items():
            fig = make(results, point, lang, table)
            if fig is not None:
                out[name] = fig
    return out


def write_plots(
    results: ExperimentResults,
    out_dir: Path,
    point: int = 0,
    formats: tuple[str, ...] = ("png", "svg"),
    lang: Lang | None = None,
    table: dict[str, Any] | None = None,
) -> dict[str, dict[str, Path]]:
    """Save every plot as ``<out_dir>/<name>.<format>``; returns ``{name: {format: path}}``."""
    lang = lang or language()
    return save_figures(figures(results, point, lang, table), out_dir, formats, lang)


def save_figures(
    figs: dict[str, Figure], out_dir: Path, formats: tuple[str, ...] = ("png", "svg"), lang: Lang | None = None
) -> dict[str, dict[str, Path]]:
    """Save each figure as ``<out_dir>/<name>.<format>`` (SVG without a date, so reruns are identical)."""
    import io

    from credsup.core.files import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, Path]] = {}
    with fonts(lang or language()):
        for name, fig in figs.items():
            written[name] = {}
            for fmt in formats:
                path = out_dir / f"{name}.{fmt}"
                buf = io.BytesIO()  # whole files with the umask's permissions (core/files.py)
                fig.savefig(buf, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
                write_atomic(path, buf.getvalue())
                written[name][fmt] = path
    return written


def png_data_uri(fig: Figure, lang: Lang | None = None, dpi: int = 100) -> str:
    """The figure as a ``data:image/png;base64,...`` URI, for a self-contained page."""
    import base64
    import io

    buf = io.BytesIO()
    with fonts(lang or language()):
        fig.savefig(buf, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
