"""One self-contained HTML report a policy designer can open: scenario, jurisdictions, table, plots,
and how to reproduce it (seed and exact command). Images are embedded as data URIs: one file to send.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from credsup.results.plots import figures
from credsup.results.store import ExperimentResults
from credsup.results.table import cell, comparison, diff_cell, highlights

CAPTIONS = {
    "metrics": "Each metric by jurisdiction: the mean over replications and its 95% confidence interval.",
    "time_series": "Violation prevalence and inspections per period (mean over replications, 95% band).",
    "by_grade": "Inspections and hit rate per credit grade.",
    "grade_shares": "Share of enterprises in each grade over time.",
}

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 70rem;
       color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: right; vertical-align: top; }
th { background: #f4f6f8; } td.metric, th.metric { text-align: left; max-width: 22rem; }
td.better { color: #666; font-size: .8rem; text-align: left; }
.sig { font-weight: 600; } .muted { color: #666; font-size: .85rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; }
code, pre { background: #f4f6f8; padding: .1rem .3rem; border-radius: 3px; } pre { padding: .6rem; overflow-x: auto; }
figure { margin: 1rem 0 2rem; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9rem; }
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _table_html(table: dict[str, Any]) -> str:
    names = table["jurisdictions"]
    base = table["baseline"]
    head = "".join(f"<th>{_e(j)}</th>" for j in names)
    head += "".join(f"<th>{_e(j)} &minus; {_e(base)}</th>" for j in names[1:])
    rows = []
    for row in table["metrics"]:
        cells = "".join(f"<td>{_e(cell(row['values'][j]))}</td>" for j in names)
        for j in names[1:]:
            d = row["difference"][j]
            sig = d.n > 1 and math.isfinite(d.low) and (d.low > 0 or d.high < 0)
            cells += f'<td class="{"sig" if sig else ""}">{_e(diff_cell(d))}</td>'
        better = f'<br><span class="muted">{_e(row["better"])} is better</span>' if row["better"] else ""
        rows.append(
            f'<tr><td class="metric"><code>{_e(row["metric"])}</code><br>{_e(row["label"])}{better}</td>{cells}</tr>'
        )
    return (
        f'<table id="comparison"><thead><tr><th class="metric">metric</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _incomplete_html(results: ExperimentResults) -> str:
    """A warning when the experiment holds fewer runs than planned (an interrupted or failed one)."""
    c = results.completeness
    if c.complete:
        return ""
    return (
        f'<p id="incomplete" class="sig">Incomplete: {c} stored ({c.missing} missing), status '
        f"{_e(results.experiment['status'])}. The numbers below use only the stored runs.</p>"
    )


def render_report(results: ExperimentResults, point: int = 0) -> str:
    """The report as one HTML string."""
    exp = results.experiment
    table = comparison(results, point)
    scen = exp["scenario_config"]
    title = f"credsup comparison: {exp['scenario']}"
    jur_rows = "".join(
        f'<tr><td class="metric">{_e(j["name"])}</td><td class="metric">{_e(j.get("title", ""))}</td>'
        f'<td>{_e(j.get("version", ""))}</td><td class="metric">{_e(j.get("distribution", ""))}</td></tr>'
        for j in exp["jurisdictions"]
    )
    failed = [r for r in results.runs if r["status"] == "failed"]
    failed_html = ""
    if failed:
        items = "".join(
            f"<li>{_e(r['jurisdiction'])}, replication {r['replication']}: {_e(r['error'])}</li>" for r in failed
        )
        failed_html = f"<h2>Failed runs</h2><ul>{items}</ul>"
    found = highlights(table)
    glance = "".join(
        f"<li><strong>{_e(j)}</strong> vs {_e(table['baseline'])}: "
        + (_e("; ".join(items)) if items else "no clear difference on the key metrics")
        + "</li>"
        for j, items in found.items()
    )
    glance_html = (
        (
            f'<h2>At a glance</h2><ul id="glance">{glance}</ul><p class="muted">Differences whose '
            "95% interval excludes zero, relative to the baseline's mean.</p>"
        )
        if glance
        else ""
    )
    figs = figures(results, point)
    fig_html = "".join(
        f'<figure id="plot-{name}"><img alt="{_e(CAPTIONS.get(name, name))}" src="{_png(fig)}">'
        f"<figcaption>{_e(CAPTIONS.get(name, name))}</figcaption></figure>"
        for name, fig in figs.items()
    )
    population = scen.get("population", {}) if isinstance(scen, dict) else {}
    ok_runs = sum(1 for r in results.runs if r["status"] == "ok")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{_e(title)}</h1>
{_incomplete_html(results)}
<p class="muted">{_e(scen.get("title", "") if isinstance(scen, dict) else "")}</p>
<dl>
<dt>Scenario</dt><dd>{_e(exp["scenario"])}: {_e(population.get("enterprises", "?"))} enterprises,
{_e(scen.get("months", "?") if isinstance(scen, dict) else "?")} monthly periods from {_e(scen.get("start", "?") if isinstance(scen, dict) else "?")}</dd>
<dt>Replications</dt><dd>{exp["replications"]} per jurisdiction ({ok_runs} runs finished, {len(failed)} failed)</dd>
<dt>Seed</dt><dd><code>{_e(exp["seed"])}</code></dd>
<dt>Status</dt><dd>{_e(exp["status"])}</dd>
<dt>Experiment</dt><dd>#{exp["id"]}, created {_e(str(exp["created_at"])[:19])} UTC, credsup {_e(exp["credsup_version"])}</dd>
</dl>

{glance_html}
<h2>Jurisdictions</h2>
<table id="jurisdictions"><thead><tr><th class="metric">name</th><th class="metric">policy</th><th>version</th>
<th class="metric">distribution</th></tr></thead><tbody>{jur_rows}</tbody></table>
<p class="muted">The first jurisdiction, <strong>{_e(table["baseline"])}</strong>, is the baseline.</p>

<h2>Results</h2>
<p class="muted">Mean over replications with its 95% confidence interval. Differences to the baseline are
paired: every jurisdiction ran on the same population draws and random streams (common random numbers),
so a difference is the policy, not luck. Bold differences have intervals that exclude zero.
Metric definitions: <code>docs/metrics.md</code>.</p>
{_table_html(table)}
{failed_html}
<h2>Plots</h2>
{fig_html or "<p>No plottable series were stored.</p>"}

<h2>Reproduce</h2>
<p>Run this command with the same versions of credsup and the plugins to get the same numbers:</p>
<pre>{_e(exp["command"])}</pre>
</body>
</html>
"""


def write_report(results: ExperimentResults, path: Path, point: int = 0) -> Path:
    """Write the report to ``path`` (a file) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(results, point), encoding="utf-8")
    return path
