"""One self-contained HTML report a policy designer can open and forward: what the comparison found, in
words, on its first screen; the effort each jurisdiction spent; the table; the parameters each policy
sets differently, with sources; plots; the definitions of every metric; how to reproduce it.

Rendered from Jinja2 templates (:mod:`credsup.results.templating`; autoescaped), in the language asked for
(:mod:`credsup.i18n`), with images embedded as data URIs: one file to send. Plugins may add sections
(:mod:`credsup.results.sections`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from credsup.i18n import Lang, language
from credsup.results.conclusion import conclusion_parts
from credsup.results.parameters import differences as parameter_differences
from credsup.results.plots import figures, png_data_uri
from credsup.results.stats import MIN_REPLICATIONS
from credsup.results.store import ExperimentResults
from credsup.results.table import comparison, fmt, jurisdiction_name


def captions(lang: Lang, table: dict[str, Any]) -> dict[str, str]:
    _ = lang.gettext
    pct = int(round(100 * table["level"]))
    base = jurisdiction_name(table["baseline"], table, lang) if table["baseline"] else ""
    ungraded = [jurisdiction_name(j, table, lang) for j, g in table["graded"].items() if not g]
    no_grades = (
        " "
        + _("{names}: no grades (every enterprise in one class), shown as such, not as a grade.").format(
            names=lang.join(ungraded)
        )
        if ungraded
        else ""
    )
    return {
        "differences": _(
            "Each key outcome's paired difference to {baseline} (same population and random streams), with its "
            "{pct}% interval. Filled markers: clear at the table's false discovery rate; hollow: not clear."
        ).format(baseline=base, pct=pct),
        "effort": _("Inspections and department visits per 1,000 enterprises per year, and inspector utilisation.")
        + " "
        + _("Mean over replications with its {pct}% interval.").format(pct=pct),
        "metrics": _(
            "Each metric by jurisdiction: the mean over replications and its {pct}% confidence interval, kept "
            "within the metric's range."
        ).format(pct=pct),
        "time_series": _(
            "Violation prevalence and inspections per month (mean over replications, {pct}% band)."
        ).format(pct=pct),
        "by_grade": _("Inspections and hit rate per credit grade.") + no_grades,
        "grade_shares": _("Share of enterprises in each credit grade over time.") + no_grades,
    }


def _fig_entries(
    figs: dict[str, Any], lang: Lang, table: dict[str, Any], images: dict[str, str] | None = None
) -> dict[str, dict[str, str]]:
    caps = captions(lang, table)
    images = images or {}
    return {
        name: {"name": name, "caption": caps.get(name, name), "src": images.get(name) or png_data_uri(fig, lang)}
        for name, fig in figs.items()
    }


def data_uris(written: dict[str, dict[str, Path]]) -> dict[str, str]:
    """``data:`` URIs of PNG files already written (so a page embeds them without drawing them again)."""
    import base64

    return {
        name: "data:image/png;base64," + base64.b64encode(paths["png"].read_bytes()).decode("ascii")
        for name, paths in written.items()
        if "png" in paths
    }


def _effort_view(table: dict[str, Any], lang: Lang) -> dict[str, Any]:
    names = table["jurisdictions"]
    rows = []
    for row in table["effort"]:
        cells = []
        for j in names:
            e = row["values"].get(j)
            if e is None or e.n == 0:
                cells.append({"value": "–", "ci": "", "rel": "", "is_clear": False})
                continue
            d = row["difference"].get(j)
            rel = row["relative"].get(j)
            cells.append(
                {
                    "value": fmt(e.mean),
                    "ci": f"[{fmt(e.low)}, {fmt(e.high)}]" if e.has_interval else "",
                    "rel": lang.percent(rel) if rel is not None and math.isfinite(rel) else "",
                    "is_clear": bool(d is not None and d.excludes_zero),
                }
            )
        rows.append({"label": row["label"], "unit": row["unit"], "source": row["source"], "cells": cells})
    _ = lang.gettext
    return {
        "names": [jurisdiction_name(j, table, lang) for j in names],
        "rows": rows,
        "note": _(
            "What each jurisdiction spent, mean over replications with its interval; below each, the change "
            "relative to {baseline} (bold when its paired interval excludes 0). Outcomes bought with more "
            "inspections are not more efficient for that."
        ).format(baseline=jurisdiction_name(table["baseline"], table, lang)),
    }


def _sources_view(table: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """The "By source" block: two rows per inspection source (inspections per 1,000 enterprise-years,
    hit rate), one column per jurisdiction, each mean with its interval."""
    _ = lang.gettext
    names = table["jurisdictions"]
    measures = (
        ("inspections", _("inspections per 1,000 enterprise-years")),
        ("hit_rate", _("hit rate (violations found per inspection)")),
    )
    rows = []
    for row in table.get("sources", []):
        for i, (key, label) in enumerate(measures):
            cells = []
            for j in names:
                e = row[key].get(j)
                if e is None or e.n == 0:
                    cells.append({"value": "–", "ci": ""})
                else:
                    cells.append(
                        {"value": fmt(e.mean), "ci": f"[{fmt(e.low)}, {fmt(e.high)}]" if e.has_interval else ""}
                    )
            rows.append({"source": row["label"] if i == 0 else "", "measure": label, "cells": cells})
    return {
        "names": [jurisdiction_name(j, table, lang) for j in names],
        "rows": rows,
        "note": _(
            "Each inspection counted under the order it served (a random spot check, key supervision's full "
            "coverage, a complaint, a commitment's verification, a referral, a rectification follow-up): how "
            "many per 1,000 enterprise-years and what share found a violation, mean over replications with its "
            "interval. A random spot check's hit rate is not confounded by complaints, which go to violators."
        ),
    }


def _equal_effort_view(table: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """The factors of a comparison at equal effort (``{"rows": []}`` for any other comparison)."""
    from credsup.results.equal_effort import factor_rows

    rows = factor_rows(table, lang) if table.get("equal_effort") and table["jurisdictions"] else []
    if not rows:
        return {"rows": []}
    _ = lang.gettext
    return {
        "rows": rows,
        "note": _(
            "compare --equal-effort: each jurisdiction's random checks were multiplied by its factor (scenario "
            "parameter regulator.random_check_scale; full coverage, complaints, commitment checks and follow-ups "
            "unchanged) so that its mean total inspections per run match the baseline's within {tolerance}. "
            "Outcomes compared at equal effort show which policy uses the same inspections better."
        ).format(tolerance=f"{100 * table['equal_effort']['tolerance']:g}" + ("%" if lang.code == "zh" else " %")),
    }


def _rows_view(table: dict[str, Any], lang: Lang) -> list[dict[str, Any]]:
    _ = lang.gettext
    names = table["jurisdictions"]
    base = table["baseline"]
    out = []
    for row in table["metrics"]:
        info = lang.metric(row["metric"])
        cells = []
        for j in names:
            e = row["values"][j]
            cell: dict[str, Any] = {
                "name": jurisdiction_name(j, table, lang),
                "value": fmt(e.mean) if e.n else "–",
                "ci": f"[{fmt(e.low)}, {fmt(e.high)}]" if e.has_interval else "",
                "diff": "",
                "diff_ci": "",
                "rel": "",
                "q": "",
                "is_clear": False,
            }
            if j in row["difference"]:
                d = row["difference"][j]
                if d.n:
                    cell["diff"] = ("+" if d.mean > 0 else "") + fmt(d.mean)
                    cell["diff_ci"] = f"[{fmt(d.low)}, {fmt(d.high)}]" if d.has_interval else ""
                    b = row["values"][base]
                    if b.n and b.mean and math.isfinite(b.mean):
                        cell["rel"] = lang.percent(d.mean / b.mean)
                    q = row["q"][j]
                    cell["q"] = ("<0.001" if q < 0.001 else f"{q:.3f}") if math.isfinite(q) else ""
                    cell["is_clear"] = row["clear"][j]
            else:
                cell["diff"] = _("baseline") if j == base else ""
            cells.append(cell)
        better = {"higher": _("higher is better"), "lower": _("lower is better")}.get(info.better, "")
        out.append({"metric": row["metric"], "name": info.name, "unit": info.unit, "better": better, "cells": cells})
    return out


def _definitions(table: dict[str, Any], lang: Lang) -> list[dict[str, str]]:
    _ = lang.gettext
    out = [{"key": row["metric"], **_info_dict(lang, row["metric"])} for row in table["metrics"]]
    out.append(
        {
            "key": "inspections",
            "name": lang.name("effort", "inspections"),
            "unit": lang.unit("effort", "inspections"),
            "definition": _(
                "Inspections of any source (spot check, full coverage, complaint, commitment, follow-up) over the "
                "measured months, per 1,000 enterprises of the scenario and per year."
            ),
        }
    )
    out.append(
        {
            "key": "visits",
            "name": lang.name("effort", "visits"),
            "unit": lang.unit("effort", "visits"),
            "definition": _(
                "Department visits: an inspection of an enterprise with k departments is k visits, or one joint visit "
                "where the jurisdiction combines them."
            ),
        }
    )
    out.append(
        {
            "key": "",
            "name": _("paired difference, clear, q"),
            "unit": "",
            "definition": _(
                "Every jurisdiction runs on the same population and random streams in each replication (common random "
                "numbers), so its difference to the baseline is the mean of per-replication differences, with a "
                "Student-t interval. q is the Benjamini-Hochberg adjusted p-value over all tests in the table; a "
                "difference is clear when q is below the false discovery rate."
            ),
        }
    )
    return out


def _count(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else "?"


def _info_dict(lang: Lang, metric: str) -> dict[str, str]:
    info = lang.metric(metric)
    return {"name": info.name, "unit": info.unit, "definition": info.definition}


def _parameters_view(results: ExperimentResults, table: dict[str, Any], lang: Lang) -> dict[str, Any]:
    _ = lang.gettext
    data = parameter_differences(results.experiment, lang)
    ref = jurisdiction_name(data["reference"], table, lang)
    if data["origin"] == "installed":
        note = _(
            "Each jurisdiction's parameters that differ from {reference} (not part of this comparison: its values "
            "as installed now), with their sources. Sources marked assumption are modelling choices, not a text."
        ).format(reference=ref)
    elif data["origin"] == "missing":
        note = _("The {reference} plugin could not be loaded: every parameter is listed.").format(reference=ref)
    else:
        note = _(
            "Each jurisdiction's parameters that differ from {reference}, with their sources. Sources marked "
            "assumption are modelling choices, not a text."
        ).format(reference=ref)
    items = []
    for p in data["jurisdictions"]:
        items.append(
            {
                "key": p["name"],
                "name": jurisdiction_name(p["name"], table, lang),
                "rows": p["rows"],
                "summary": _(
                    "{name}: {different} of {total} parameters differ from {reference}; {assumptions} of its {total} "
                    "values are assumptions"
                ).format(
                    name=jurisdiction_name(p["name"], table, lang),
                    different=p["different"],
                    total=p["total"],
                    reference=ref,
                    assumptions=p["assumptions"],
                ),
            }
        )
    return {"reference": ref, "note": note, "jurisdictions": items}


def incomplete_warning(results: ExperimentResults, lang: Lang) -> str:
    """A warning when the experiment holds fewer runs than planned (an interrupted or failed one), else ""."""
    c = results.completeness
    if c.complete:
        return ""
    return lang.gettext(
        "Incomplete: {stored} of {planned} runs stored ({missing} missing), status {status}. The numbers below use "
        "only the stored runs."
    ).format(stored=c.stored, planned=c.planned, missing=c.missing, status=results.experiment["status"])


def context(
    results: ExperimentResults,
    point: int = 0,
    lang: Lang | None = None,
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the compare template shows, as plain strings and lists (a restyled template can use
    any of it)."""
    from credsup import __version__
    from credsup.results.sections import collect

    lang = lang or language()
    _ = lang.gettext
    exp = results.experiment
    table = comparison(results, point, lang=lang)
    scen = exp["scenario_config"] if isinstance(exp["scenario_config"], dict) else {}
    population = scen.get("population", {})
    names = table["jurisdictions"]
    ok_runs = sum(1 for r in results.runs if r["status"] == "ok")
    failed = [r for r in results.runs if r["status"] == "failed"]
    pct = int(round(100 * table["level"]))
    base = jurisdiction_name(table["baseline"], table, lang) if names else ""
    small = ""
    if table["small"]:
        n = min(table["replications"].values())
        small = _(
            "Only {n} replication(s) per jurisdiction: intervals this rough can mislead. Run with --replications {min} "
            "or more before drawing conclusions."
        ).format(n=n, min=MIN_REPLICATIONS)
    plugin_sections, notes = collect("compare", results, lang, sections)
    if figs is None:
        figs = figures(results, point, lang, table) if names else {}
    clipped = any(e.clipped for row in table["metrics"] for e in row["values"].values())
    return {
        "lang": lang,
        "version": __version__,
        "title": _("credsup comparison: {scenario}").format(scenario=exp["scenario"]),
        "subtitle": scen.get("title", ""),
        "small_warning": small,
        "incomplete_warning": incomplete_warning(results, lang),
        "conclusion": conclusion_parts(table, lang)
        if names
        else [{"lead": "", "text": _("No finished runs to compare.")}],
        "facts": [
            (
                _("Scenario"),
                _("{name}: {enterprises} enterprises, {months} monthly periods from {start}").format(
                    name=exp["scenario"],
                    enterprises=_count(population.get("enterprises")),
                    months=scen.get("months", "?"),
                    start=scen.get("start", "?"),
                ),
            ),
            (
                _("Replications"),
                _("{n} per jurisdiction ({ok} runs finished, {failed} failed)").format(
                    n=exp["replications"], ok=ok_runs, failed=len(failed)
                ),
            ),
            (_("Baseline"), base),
            (_("Seed"), str(exp["seed"])),
            (_("Status"), str(exp["status"])),
            (
                _("Experiment"),
                _("#{id}, created {created} UTC, credsup {version}").format(
                    id=exp["id"], created=str(exp["created_at"])[:19], version=exp["credsup_version"]
                ),
            ),
        ],
        "effort": _effort_view(table, lang) if names else {"rows": []},
        "equal_effort": _equal_effort_view(table, lang),
        "by_source": _sources_view(table, lang) if names else {"rows": []},
        "results_note": _(
            "Mean over replications with its {pct}% confidence interval (kept within the metric's range), and the "
            "paired difference to {baseline}: every jurisdiction ran on the same population draws and random "
            "streams (common random numbers), so a difference is the policy, not luck. Bold: clear at a {fdr}% "
            "false discovery rate. Change: the difference relative to {baseline}'s mean."
        ).format(pct=pct, baseline=base, fdr=int(round(100 * table["fdr"]))),
        "ci_label": _("{pct}% CI").format(pct=pct),
        "diff_head": _("difference to {baseline}").format(baseline=base),
        "rows": _rows_view(table, lang),
        "multiple_note": _(
            "Multiple comparisons: this table holds {tests} paired tests. At a 95% level about 1 in 20 tests of no "
            "difference would exclude 0 by chance, so a difference is called clear only when its "
            "Benjamini-Hochberg adjusted p-value q (scipy.stats.false_discovery_control) is below {fdr}%: among the "
            "clear differences, at most about {fdr}% are expected to be false discoveries. The intervals shown are "
            "per comparison, not adjusted."
        ).format(tests=table["tests"], fdr=int(round(100 * table["fdr"]))),
        "clipped_note": _(
            "Some intervals reached beyond what the metric can take (a share below 0 or above 1, a negative count) "
            "and were cut to its range: the true mean lies in the range, so this loses no coverage."
        )
        if clipped
        else "",
        "failed": [
            _("{jurisdiction}, replication {replication}: {error}").format(
                jurisdiction=r["jurisdiction"], replication=r["replication"], error=r["error"]
            )
            for r in failed
        ],
        "figures": _fig_entries(figs, lang, table, images),
        "parameters": _parameters_view(results, table, lang),
        "definitions": _definitions(table, lang),
        "jurisdictions": [
            {
                "name": j["name"],
                "title": j.get("title", ""),
                "version": j.get("version", ""),
                "distribution": j.get("distribution", ""),
            }
            for j in exp["jurisdictions"]
        ],
        "baseline_note": _("The first jurisdiction, {baseline}, is the baseline.").format(baseline=base),
        "command": exp["command"],
        "reproduce_note": _(
            "Run this command with the same versions of credsup and the plugins to get the same numbers:"
        ),
        "sections": plugin_sections,
        "notes": notes,
    }


def render_report(
    results: ExperimentResults,
    point: int = 0,
    lang: Lang | None = None,
    templates: Sequence[str | Path] = (),
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> str:
    """The compare report as one HTML string (``figs``: the figures, when already drawn; ``images``: their
    PNG data URIs, when already rendered)."""
    from credsup.results.templating import environment

    lang = lang or language()
    env = environment(lang, templates)
    return env.get_template("compare.html.j2").render(context(results, point, lang, sections, figs, images))


def write_report(
    results: ExperimentResults,
    path: Path,
    point: int = 0,
    lang: Lang | None = None,
    templates: Sequence[str | Path] = (),
    sections: Iterable[object] = (),
    figs: dict[str, Any] | None = None,
    images: dict[str, str] | None = None,
) -> Path:
    """Write the report to ``path`` (a file) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    from credsup.core.files import write_atomic

    write_atomic(path, render_report(results, point, lang, templates, sections, figs, images))
    return path
