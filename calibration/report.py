"""A calibration's outputs: the page (``report.html``), the fit table (``fit.csv``), everything as data
(``calibration.json``) and the plots, built from the database alone (``credsup results report ID``).

The page uses the report templates (``calibration.html.j2`` extends ``base.html.j2`` and uses
``macros.html.j2``): what was calibrated to what, the best parameters with their posterior intervals and
what the targets leave undetermined, the fit table with the overall distance and verdict, the plots, the
method in words and the command that reproduces it. The page's own sentences are in English (its
translation is a follow-up); names from the glossary and the frame follow ``--lang``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from credsup.calibration.calibrate import CalibrationResult
from credsup.calibration.text import direction_text, num, overall, surface_notes, surface_text
from credsup.i18n import Lang, language

STAGE_COLOURS = {"design": "#56B4E9", "search": "#0072B2", "analysis": "#D55E00"}


def fit_figure(result: CalibrationResult) -> Any:
    """Each target: observed with its interval (black) against simulated with its interval (colour)."""
    import matplotlib.pyplot as plt

    rows = result.fit.rows
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(rows) + 1.4), layout="constrained")
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows):
        ax.errorbar(
            r.observed,
            yi + 0.12,
            xerr=[[r.observed - r.observed_low], [r.observed_high - r.observed]],
            fmt="s",
            color="#000000",
            capsize=3,
            label="observed" if yi == y[0] else None,
        )
        if math.isfinite(r.simulated):
            err = (
                [[r.simulated - r.simulated_low], [r.simulated_high - r.simulated]]
                if math.isfinite(r.simulated_low)
                else None
            )
            ax.errorbar(
                r.simulated,
                yi - 0.12,
                xerr=err,
                fmt="o",
                color="#D55E00" if r.missed else "#0072B2",
                capsize=3,
                label="simulated" if yi == y[0] else None,
            )
    ax.set_yticks(y, [r.outcome for r in rows])
    ax.set_xlabel(f"value ({round(100 * result.level)}% intervals; simulated in orange where missed)")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig


def parameters_figure(result: CalibrationResult) -> Any:
    """Each free parameter over its range: the best value and its posterior interval."""
    import matplotlib.pyplot as plt

    rows = result.rows
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * len(rows) + 1.2), layout="constrained")
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows):
        width = r.high - r.low
        ax.plot([0, 1], [yi, yi], color="#999999", lw=6, alpha=0.35, solid_capstyle="butt")
        u = (r.value - r.low) / width
        if math.isfinite(r.interval_low):
            lo, hi = (r.interval_low - r.low) / width, (r.interval_high - r.low) / width
            ax.plot([lo, hi], [yi, yi], color="#0072B2" if r.status == "determined" else "#E69F00", lw=3)
        ax.plot([u], [yi], "o", color="#000000")
        ax.annotate(f"{num(r.value)}", (u, yi), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    ax.set_yticks(y, [r.key.removeprefix("scenario.") for r in rows])
    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"])
    ax.set_xlabel("position in the free range (grey)\nposterior interval: blue = determined, orange = weakly or not")
    return fig


def search_figure(result: CalibrationResult) -> Any:
    """Distance of every evaluated point in the order evaluated, and against each parameter (profiles)."""
    import matplotlib.pyplot as plt

    evals = [e for e in result.evaluations if e["distance"] is not None]
    p = len(result.free)
    cols = min(3, p)
    rows = 1 + math.ceil(p / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(7.5, 2.3 * rows), layout="constrained", squeeze=False)
    top = fig.add_subplot(rows, 1, 1)
    for ax in axes[0]:
        ax.remove()
    for stage, colour in STAGE_COLOURS.items():
        xs = [e["point"] for e in evals if e["stage"] == stage]
        ds = [max(e["distance"], 1e-6) for e in evals if e["stage"] == stage]
        if xs:
            top.scatter(xs, ds, s=14, color=colour, label=stage)
    top.scatter(
        [result.best_point],
        [max(min(e["distance"] for e in evals), 1e-6)],
        s=60,
        facecolors="none",
        edgecolors="#000000",
        label="best",
    )
    top.set_yscale("log")
    top.set_xlabel("point (in the order evaluated)")
    top.set_ylabel("distance to the targets")
    top.legend(fontsize=8, ncols=4, loc="upper right", frameon=False)
    for j, f in enumerate(result.free):
        ax = axes[1 + j // cols][j % cols]
        xs = [e["parameters"][f.key] for e in evals]
        ds = [max(e["distance"], 1e-6) for e in evals]
        ax.scatter(xs, ds, s=10, color=[STAGE_COLOURS.get(e["stage"], "#999999") for e in evals])
        ax.axvline(result.parameters[f.key], color="#000000", lw=0.8)
        ax.set_yscale("log")
        ax.set_xlim(f.low, f.high)
        ax.set_xlabel(f.key.removeprefix("scenario."), fontsize=8)
    for k in range(p, cols * (rows - 1)):
        axes[1 + k // cols][k % cols].remove()
    return fig


def figures(result: CalibrationResult) -> dict[str, Any]:
    out = {"fit": fit_figure(result), "parameters": parameters_figure(result)}
    if any(e["distance"] is not None for e in result.evaluations):
        out["search"] = search_figure(result)
    return out


CAPTIONS = {
    "fit": "Observed figures (black, with the interval of their stated uncertainty) against the simulation at the "
    "best parameters (with the interval of the mean over the replications).",
    "parameters": "Each free parameter within its range: the best value and its posterior interval. A long "
    "interval means the targets say little about the parameter.",
    "search": "Top: the distance of every evaluated point to the targets, in the order evaluated (start design, "
    "search, analysis). Below: the same distances against each parameter: a flat lower edge along a parameter "
    "means the targets do not pin it down.",
}


def fit_csv(result: CalibrationResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    fields = [f.name for f in attrs.fields(type(result.fit.rows[0]))] if result.fit.rows else []
    writer.writerow(fields)
    for r in result.fit.rows:
        writer.writerow(["" if isinstance(v, float) and not math.isfinite(v) else v for v in attrs.astuple(r)])
    return buf.getvalue()


def context(result: CalibrationResult, record: dict[str, Any], images: dict[str, str], lang: Lang) -> dict[str, Any]:
    """Everything the calibration template shows, as plain strings and lists."""
    from credsup import __version__

    settings = record["settings"]
    targets = result.targets
    method = settings["method"]
    fit = result.fit
    pct = round(100 * result.level)
    policy = targets.get("policy") or []
    return {
        "lang": lang,
        "version": __version__,
        "title": f"credsup calibrate: {result.name}",
        "subtitle": settings.get("title") or targets.get("title", ""),
        "verdict": overall(fit),
        "verdict_class": "good" if fit.verdict == "fits" else "warning",
        "incomplete": ""
        if result.complete
        else "The calibration stopped before its search ended: these are the best "
        "parameters so far. Resume it to complete it.",
        "facts": [
            ("Targets", f"{targets['path']} ({targets.get('title') or targets['name']})"),
            ("Observed", f"{targets.get('region', '')} {targets.get('observed', '')}".strip()),
            (
                "Observed under",
                targets["jurisdiction"]
                + (f" ({targets['jurisdiction_note']})" if targets.get("jurisdiction_note") else ""),
            ),
            (
                "Policy as observed",
                "; ".join(f"{p['key']} = {p['value']} ({p['source']})" for p in policy) or "none stated",
            ),
            ("Scenario", f"{record['scenario']} ({settings.get('scenario_ref', '')})"),
            ("Fitted under", record["jurisdictions"][0]["name"]),
            ("Replications per point", str(record["replications"])),
            ("Points evaluated", str(len(result.evaluations))),
            ("Seed", str(record["seed"])),
            (
                "Method",
                f"start design of {method['design_points']} Sobol' points, then the minimum of a response "
                f"surface fitted to the points evaluated (at most {method['max_evaluations']} more points)",
            ),
            ("Response surface", surface_text(result.surface)),
            ("Status", str(record["status"])),
        ],
        "parameters": [
            {
                "key": r.key,
                "value": num(r.value),
                "interval": f"[{num(r.interval_low)}, {num(r.interval_high)}]"
                if math.isfinite(r.interval_low)
                else "–",
                "range": f"{num(r.low)} – {num(r.high)}",
                "remaining": f"{100 * r.remaining:.0f} %" if math.isfinite(r.remaining) else "–",
                "status": r.status,
            }
            for r in result.rows
        ],
        "flat": [direction_text(d["loadings"]) for d in result.flat],
        "pct": pct,
        "fit_rows": [
            {
                "outcome": r.outcome,
                "observed": num(r.observed),
                "observed_ci": f"[{num(r.observed_low)}, {num(r.observed_high)}]",
                "simulated": num(r.simulated),
                "simulated_ci": f"[{num(r.simulated_low)}, {num(r.simulated_high)}]"
                if math.isfinite(r.simulated_low)
                else "",
                "z": f"{r.z:+.2f}" if math.isfinite(r.z) else "–",
                "missed": r.missed,
            }
            for r in fit.rows
        ],
        "critical_z": f"{fit.critical_z:.2f}",
        "j": num(fit.j),
        "df": fit.df,
        "p_value": "–" if fit.p_value is None else f"{fit.p_value:.3g}",
        "sources": sorted({(f["outcome"], f["source"]) for f in targets["figures"]}),
        "uncertainties": [
            {"outcome": f["outcome"], "se": num(f["standard_error"], 3), "source": f["uncertainty"].get("source", "")}
            for f in targets["figures"]
        ],
        "figures": {
            name: {"name": name, "caption": CAPTIONS.get(name, name), "src": src} for name, src in images.items()
        },
        "command": record["command"],
        "resume": f"credsup calibrate --resume {record['id']}",
        "reproduce_note": "Run this command with the same versions of credsup and the plugins to get the same numbers:",
        "sections": [],
        "notes": surface_notes(result.surface),
    }


def write_outputs(
    result: CalibrationResult,
    record: dict[str, Any],
    out_dir: Path,
    lang: Lang | None = None,
    templates: Sequence[str | Path] = (),
) -> dict[str, Path]:
    """Write ``report.html``, ``fit.csv``, ``calibration.json`` and ``plots/*.png|svg`` into ``out_dir``."""
    import matplotlib.pyplot as plt

    from credsup.results.output import check_writable
    from credsup.results.plots import save_figures
    from credsup.results.report import data_uris
    from credsup.results.templating import render_page, write_page

    lang = lang or language()
    check_writable(out_dir)
    written: dict[str, Path] = {}
    written["fit.csv"] = out_dir / "fit.csv"
    written["fit.csv"].write_text(fit_csv(result), encoding="utf-8")
    written["calibration.json"] = out_dir / "calibration.json"
    written["calibration.json"].write_text(json.dumps(result.as_dict(), indent=2, default=str), encoding="utf-8")
    figs = figures(result)
    saved = save_figures(figs, out_dir / "plots", lang=lang)
    for name, paths in saved.items():
        for fmt_, path in paths.items():
            written[f"plots/{name}.{fmt_}"] = path
    for fig in figs.values():
        plt.close(fig)
    html = render_page("calibration.html.j2", context(result, record, data_uris(saved), lang), lang, templates)
    written["report.html"] = write_page(out_dir / "report.html", html)
    return written


__all__ = ["context", "figures", "fit_csv", "write_outputs"]
