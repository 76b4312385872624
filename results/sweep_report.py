"""A sweep's page: the spec, a heatmap per outcome for two-parameter grids, the response of each outcome to
each parameter with intervals, Sobol' indices with their intervals and how to read them, the outcomes'
definitions and the command that reproduces it. One self-contained HTML file from the same templates as
the compare report (``sweep.html.j2`` extends ``base.html.j2`` and uses ``macros.html.j2``), so a
calibration page can do the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from credsup.i18n import Lang, language
from credsup.results.plots import png_data_uri
from credsup.results.report import incomplete_warning
from credsup.results.stats import MIN_REPLICATIONS
from credsup.results.store import ExperimentResults


def _spec_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return ", ".join(_spec_value(x) for x in v)
    return str(v)


def _indices_rows(indices: dict[str, dict[str, dict[str, Any]]], lang: Lang) -> list[dict[str, str]]:
    rows = []
    for j, by_metric in indices.items():
        for metric, entry in by_metric.items():
            base = {"jurisdiction": lang.name("jurisdictions", j), "outcome": lang.metric(metric).name}
            if "error" in entry:
                rows.append({**base, "parameter": "", "s1": "", "st": "", "note": entry["error"]})
                continue
            for key, s in entry["parameters"].items():
                rows.append(
                    {
                        **base,
                        "parameter": key,
                        "s1": _pm(s["S1"], s["S1_conf"]),
                        "st": _pm(s["ST"], s["ST_conf"]),
                        "note": "",
                    }
                )
    return rows


def _pm(x: float, half: float) -> str:
    if not math.isfinite(x):
        return "–"
    return f"{x:.2f} ± {half:.2f}" if math.isfinite(half) else f"{x:.2f}"


def sweep_context(
    results: ExperimentResults,
    lang: Lang | None = None,
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the sweep template shows, as plain strings and lists."""
    from credsup import __version__
    from credsup.results.sections import collect
    from credsup.results.sensitivity import has_indices, sobol_indices
    from credsup.results.sweep_plots import sweep_figures
    from credsup.results.sweep_table import outcomes, parameter_keys

    lang = lang or language()
    _ = lang.gettext
    exp = results.experiment
    settings = exp.get("settings") or {}
    design = settings.get("design", "grid")
    params = settings.get("parameters") or [{"key": k} for k in parameter_keys(results)]
    spec = settings.get("spec") or {}
    fixed = spec.get("fixed", {}) if isinstance(spec, dict) else {}
    names = results.jurisdictions
    reps = int(exp["replications"])
    failed = [r for r in results.runs if r["status"] == "failed"]
    ok = sum(1 for r in results.runs if r["status"] == "ok")
    if figs is None:
        figs = sweep_figures(results, lang)
    captions = {
        "heatmaps": _(
            "Each outcome's mean over the replications at every combination of the two parameters: where the "
            "colours change along both axes at once, the parameters interact."
        ),
        "response": _(
            "Each outcome against each parameter: every point's mean with its {pct}% interval (a marker per "
            "jurisdiction); on a grid, the line is the main effect, the mean over the other parameters."
        ).format(pct=95),
        "sensitivity": _(
            "First-order (S1) and total (ST) Sobol' indices with their 95% bootstrap intervals, per outcome and "
            "jurisdiction."
        ),
    }
    figures = {
        name: {
            "name": name,
            "caption": captions.get(name, name),
            "src": (images or {}).get(name) or png_data_uri(fig, lang),
        }
        for name, fig in figs.items()
    }
    indices = sobol_indices(results) if has_indices(results) else None
    plugin_sections, notes = collect("sweep", results, lang, sections)
    warning = ""
    if reps < MIN_REPLICATIONS:
        warning = lang.ngettext(
            "{n} replication per point: each point's interval is rough or missing; the shape of the response and "
            "the indices carry more information than any single point.",
            "{n} replications per point: each point's interval is rough; the shape of the response and the "
            "indices carry more information than any single point.",
            reps,
        ).format(n=reps)
    heat_note = ""
    if design != "grid" or len(params) != 2:
        heat_note = _(
            "Heatmaps are drawn for grids of exactly two parameters; this sweep is a {design} design of {n}."
        ).format(design=design, n=len(params))
    return {
        "lang": lang,
        "version": __version__,
        "title": _("credsup sweep: {name}").format(name=exp.get("name") or settings.get("sweep", "")),
        "subtitle": settings.get("title", ""),
        "small_warning": warning,
        "incomplete_warning": incomplete_warning(results, lang),
        "summary": _(
            "{points} points of a {design} design × {jurisdictions} jurisdiction(s) × {reps} replication(s): "
            "{ok} runs finished, {failed} failed."
        ).format(
            points=len(results.points), design=design, jurisdictions=len(names), reps=reps, ok=ok, failed=len(failed)
        ),
        "facts": [
            (_("Scenario"), str(exp["scenario"])),
            (_("Jurisdictions"), ", ".join(lang.name("jurisdictions", j) for j in names)),
            (_("Design"), design + (f" (N = {settings['samples']})" if settings.get("samples") else "")),
            (_("Replications"), str(reps)),
            (_("Seed"), str(exp["seed"])),
            (_("Outcomes"), ", ".join(lang.metric(m).name for m in outcomes(results))),
            (_("Spec file"), str(settings.get("spec_path", ""))),
            (_("Status"), str(exp["status"])),
        ],
        "parameters": [
            {
                "key": p["key"],
                "name": lang.parameter(p["key"].split(":", 1)[-1].removeprefix("scenario.")),
                "shown": _spec_value(p["values"])
                if "values" in p
                else (f"{_spec_value(p['low'])} – {_spec_value(p['high'])}" if "low" in p else ""),
            }
            for p in params
        ],
        "fixed": [{"key": k, "value": _spec_value(v)} for k, v in fixed.items()],
        "figures": figures,
        "heat_note": heat_note,
        "indices": _indices_rows(indices, lang) if indices is not None else [],
        "definitions": [
            {
                "key": m,
                "name": lang.metric(m).name,
                "unit": lang.metric(m).unit,
                "definition": lang.metric(m).definition,
            }
            for m in outcomes(results)
        ],
        "failed": [
            _("{jurisdiction}, point {point}, replication {replication}: {error}").format(
                jurisdiction=r["jurisdiction"], point=r["point"], replication=r["replication"], error=r["error"]
            )
            for r in failed
        ],
        "command": exp["command"],
        "reproduce_note": _(
            "Run this command with the same versions of credsup and the plugins to get the same numbers:"
        ),
        "sections": plugin_sections,
        "notes": notes,
    }


def render_sweep_report(
    results: ExperimentResults,
    lang: Lang | None = None,
    templates: Sequence[str | Path] = (),
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> str:
    from credsup.results.templating import render_page

    lang = lang or language()
    return render_page("sweep.html.j2", sweep_context(results, lang, sections, figs, images), lang, templates)


def write_sweep_report(
    results: ExperimentResults,
    path: Path,
    lang: Lang | None = None,
    templates: Sequence[str | Path] = (),
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> Path:
    from credsup.results.templating import write_page

    return write_page(path, render_sweep_report(results, lang, templates, sections, figs, images))
