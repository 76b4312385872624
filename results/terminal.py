"""Tables in the terminal, drawn with rich: aligned columns (a mean, then its interval, then the paired
difference and its interval), differences coloured by whether they are better or worse than the
baseline (green better, red worse, only when clear), and no colour when the output is not a terminal
or ``NO_COLOR`` is set (rich's own rule). The content and the translations are those of
:mod:`credsup.results.table`; only the drawing is here.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from credsup.i18n import Lang, language
from credsup.results.stats import Estimate

#: Width of the text when the output is not a terminal (a file, a pipe, a notebook): wide enough that
#: no table row wraps; a table is only as wide as its content.
PLAIN_WIDTH = 240


def console(file: IO[str] | None = None, *, color: bool | None = None) -> Console:
    """A console on ``file`` (stdout at call time): colour on a terminal unless ``NO_COLOR``; elsewhere
    no escape codes and :data:`PLAIN_WIDTH` columns."""
    out = file if file is not None else sys.stdout
    try:
        tty = out.isatty()
    except (AttributeError, ValueError):
        tty = False
    if color is None:
        color = tty
    return Console(
        file=out,
        width=None if tty else PLAIN_WIDTH,
        force_terminal=color,
        no_color=None if color else True,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def print_table(renderable: RenderableType, file: IO[str] | None = None) -> None:
    """Print a table (or a group of them) to stdout: coloured on a terminal, else as :func:`to_text`."""
    out = console(file)
    if out.is_terminal:
        out.print(renderable)
    else:
        (file if file is not None else sys.stdout).write(to_text(renderable))


def to_text(renderable: RenderableType) -> str:
    """A renderable as plain text (no colour), as a file or a pipe would get it."""
    buf = io.StringIO()
    console(buf, color=False).print(renderable)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def simple_table(
    title: str | None, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, right: Iterable[int] = ()
) -> Table:
    """A plain table: a header row, then rows; columns in ``right`` aligned right (numbers)."""
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, header_style="bold")
    right = set(right)
    for i, h in enumerate(headers):
        table.add_column(h, justify="right" if i in right else "left", no_wrap=i in right)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


def experiments_table(rows: list[dict[str, Any]]) -> Table:
    """``credsup results list``: one row per experiment."""
    out = []
    for r in rows:
        runs = f"{r['runs']}" if r["runs"] >= r["planned_runs"] else f"{r['runs']}/{r['planned_runs']}"
        runs += f"+{r['failed_runs']}!" if r["failed_runs"] else ""
        out.append(
            [
                r["id"],
                r["kind"],
                r["name"] or "",
                r["scenario"],
                Text(r["status"], style=_STATUS_STYLE.get(r["status"], "")),
                runs,
                r["created_at"],
                ", ".join(r["jurisdictions"]),
            ]
        )
    table = Table(box=None, pad_edge=False, header_style="bold")
    for h, justify in (
        ("id", "right"),
        ("kind", "left"),
        ("name", "left"),
        ("scenario", "left"),
        ("status", "left"),
        ("runs", "right"),
        ("created", "left"),
        ("jurisdictions", "left"),
    ):
        table.add_column(h, justify=justify)  # type: ignore[arg-type]
    for row in out:
        table.add_row(*(v if isinstance(v, Text) else str(v) for v in row))
    return table


_STATUS_STYLE = {"finished": "green", "failed": "red", "interrupted": "yellow", "running": "cyan"}


# ------------------------------------------------------------------------------------- comparison


def _interval(e: Estimate) -> str:
    from credsup.results.table import fmt

    return f"[{fmt(e.low)}, {fmt(e.high)}]" if e.n and e.has_interval else ""


def _mean(e: Estimate, signed: bool = False) -> str:
    from credsup.results.table import fmt

    if e.n == 0:
        return "-"
    return ("+" if signed and e.mean > 0 else "") + fmt(e.mean)


def _style(better: str | None, e: Estimate, clear: bool) -> str:
    """Green when the difference is clearly better than the baseline, red when clearly worse."""
    if not clear or not better or e.n == 0 or e.mean == 0:
        return ""
    good = (e.mean > 0) == (better == "higher")
    return "green" if good else "red"


def _block(
    title: str,
    names: list[str],
    shown: dict[str, str],
    base: str,
    values: dict[str, Estimate],
    diffs: dict[str, Estimate],
    *,
    lang: Lang,
    clear: dict[str, bool] | None = None,
    relative: dict[str, float] | None = None,
    better: str | None = None,
    indent: int = 2,
) -> RenderableType:
    """One metric (or effort measure): a row per jurisdiction with mean, interval, and the paired
    difference to the baseline with its interval, a star when clear, and the relative change."""
    _ = lang.gettext
    table = Table(box=None, pad_edge=False, header_style="dim", show_edge=False)
    table.add_column("", no_wrap=True)
    table.add_column(_("mean"), justify="right", no_wrap=True)
    table.add_column(_("interval"), justify="left", no_wrap=True)
    table.add_column(_("vs {baseline}").format(baseline=shown[base]), justify="right", no_wrap=True)
    table.add_column(_("interval"), justify="left", no_wrap=True)
    table.add_column("", justify="left", no_wrap=True)
    for j in names:
        if j not in values:
            continue
        e = values[j]
        row: list[RenderableType] = [" " * indent + shown[j], _mean(e), _interval(e)]
        if j in diffs:
            d = diffs[j]
            is_clear = (clear or {}).get(j, d.excludes_zero if d.n and d.has_interval else False)
            style = _style(better, d, is_clear)
            mark = "*" if is_clear and relative is None else ""
            extra = lang.percent(relative[j]) if relative is not None and j in relative else mark
            row += [Text(_mean(d, signed=True), style=style), Text(_interval(d), style=style), Text(extra, style=style)]
        else:
            row += ["", "", ""]
        table.add_row(*row)
    return Group(Text(title, style="bold"), table)


def comparison_renderable(table: dict[str, Any], lang: Lang | None = None) -> RenderableType:
    """The comparison table of :func:`credsup.results.table.comparison` for the terminal: the notes, the
    effort block, one block per metric, and the conclusion in words."""
    from credsup.results.conclusion import conclusion
    from credsup.results.table import _warning_small, cell, jurisdiction_name

    lang = lang or language()
    _ = lang.gettext
    names = table["jurisdictions"]
    if not names:
        return Text(_("No finished runs to compare."))
    base = table["baseline"]
    shown = {j: jurisdiction_name(j, table, lang) for j in names}
    pct = int(round(table["level"] * 100))
    parts: list[RenderableType] = [
        Text(
            _(
                "Mean [{pct}% CI] over replications; the difference to {baseline} is paired (common random numbers)."
            ).format(pct=pct, baseline=shown[base])
        ),
        Text(
            _(
                "* = clear at a {fdr}% false discovery rate over the table's {tests} paired tests (Benjamini-Hochberg)."
            ).format(fdr=int(round(100 * table["fdr"])), tests=table["tests"])
        ),
    ]
    if table["small"]:
        parts.append(Text(_warning_small(table, lang), style="yellow"))
    parts.append(Text(""))
    if table.get("equal_effort"):
        from credsup.results.equal_effort import factor_rows, statement

        width = max(len(s) for s in shown.values())
        parts.append(Text(_("At equal effort:") + " " + statement(table, lang), style="bold"))
        for row in factor_rows(table, lang):
            note = f"  ({row['note']})" if row["note"] and row["status"] != "baseline" else ""
            parts.append(
                Text(
                    f"  {row['name']:<{width}}  {row['factor']:>8}  "
                    + _("{inspections} inspections per run").format(inspections=row["inspections"])
                    + (f"  {row['gap']}" if row["status"] != "baseline" else "")
                    + note
                )
            )
        parts.append(Text(""))
    if table["effort"]:
        parts.append(Text(_("Effort: what each jurisdiction spent"), style="bold"))
        for row in table["effort"]:
            indent = "    " if row["source"] else "  "
            parts.append(
                _block(
                    f"{indent}{row['label']}{lang.paren(row['unit'])}",
                    names,
                    shown,
                    base,
                    row["values"],
                    row["difference"],
                    lang=lang,
                    relative=row["relative"],
                    indent=len(indent) + 2,
                )
            )
        parts.append(Text(""))
    if table.get("sources"):
        width = max(len(s) for s in shown.values())
        parts.append(Text(_("By source: inspections per 1,000 enterprise-years, and hit rate"), style="bold"))
        for row in table["sources"]:
            parts.append(Text(f"  {row['label']}"))
            for j in names:
                parts.append(
                    Text(
                        f"    {shown[j]:<{width}}  {cell(row['inspections'][j])}   "
                        + _("hit rate {value}").format(value=cell(row["hit_rate"][j]))
                    )
                )
        parts.append(Text(""))
    for row in table["metrics"]:
        better = {"higher": _("higher is better"), "lower": _("lower is better")}.get(row["better"], "")
        title = f"{row['metric']}: {row['label']}" + (lang.paren(better) if better else "")
        parts.append(
            _block(
                title,
                names,
                shown,
                base,
                row["values"],
                row["difference"],
                lang=lang,
                clear=row["clear"],
                better=row["better"],
            )
        )
        parts.append(Text(""))
    parts.append(Text(_("In words"), style="bold"))
    for paragraph in conclusion(table, lang):
        parts.append(Text("  " + paragraph))
    return Group(*parts)


def print_comparison(table: dict[str, Any], lang: Lang | None = None, file: IO[str] | None = None) -> None:
    """Print :func:`comparison_renderable` to stdout (coloured on a terminal, plain elsewhere)."""
    print_table(comparison_renderable(table, lang), file)
