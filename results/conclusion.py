"""The conclusion of a comparison in words, generated from its table (:func:`credsup.results.table.comparison`).

What it says, per jurisdiction against the baseline: the key outcomes that are clearly better and clearly
worse (clear = Benjamini-Hochberg q below the table's false discovery rate; the size as a change relative
to the baseline's mean), how many show no clear difference, and the effort spent (inspections per 1,000
enterprises per year, inspector utilisation), saying plainly when effort differs, because then the
differences mix the policy with the amount of inspection it buys. Then how sure that is: replications,
pairing, the multiple-comparison adjustment, and a warning below :data:`~credsup.results.stats.MIN_REPLICATIONS`.

Every sentence is a gettext message with named placeholders, so a language can order the parts its own way.
"""

from __future__ import annotations

import math
from typing import Any

from credsup.i18n import Lang, language
from credsup.results.stats import MIN_REPLICATIONS
from credsup.results.table import KEY_METRICS, fmt, jurisdiction_name

#: An effort difference smaller than this (relative) is "about the same" even when it is clear.
SAME_EFFORT = 0.01


def _change(row: dict[str, Any], j: str, base: str, lang: Lang) -> str:
    d, b = row["difference"][j], row["values"][base]
    if b.n and b.mean and math.isfinite(b.mean):
        return lang.percent(d.mean / b.mean)
    return f"{d.mean:+.3g}"


def findings(table: dict[str, Any], j: str, lang: Lang) -> tuple[list[str], list[str], list[str]]:
    """(better, worse, unclear) key outcomes of ``j`` against the baseline, each "name (change)"."""
    base = table["baseline"]
    better: list[str] = []
    worse: list[str] = []
    unclear: list[str] = []
    rows = {row["metric"]: row for row in table["metrics"]}
    for metric in KEY_METRICS:
        row = rows.get(metric)
        if row is None or j not in row["difference"] or row["difference"][j].n == 0:
            continue
        name = lang.metric(metric).name
        if not row["clear"][j] or not row["better"]:
            unclear.append(name)
            continue
        text = name + lang.paren(_change(row, j, base, lang))
        good = (row["difference"][j].mean > 0) == (row["better"] == "higher")
        (better if good else worse).append(text)
    return better, worse, unclear


def _effort_sentence(table: dict[str, Any], j: str, lang: Lang) -> tuple[str, bool]:
    """The effort sentence for ``j`` and whether its effort differs from the baseline's."""
    _ = lang.gettext
    base = table["baseline"]
    rows = {row["key"]: row for row in table["effort"]}
    insp, util = rows.get("inspections"), rows.get("inspector_utilisation")
    if insp is None or j not in insp["difference"]:
        return "", False
    d, rel = insp["difference"][j], insp["relative"][j]
    a, b = fmt(insp["values"][j].mean), fmt(insp["values"][base].mean)
    utilisation = ""
    if util is not None and j in util["values"] and base in util["values"]:
        utilisation = _(" (inspector utilisation {mine} against {theirs})").format(
            mine=fmt(util["values"][j].mean), theirs=fmt(util["values"][base].mean)
        )
    if d.excludes_zero and math.isfinite(rel) and abs(rel) >= SAME_EFFORT:
        template = (
            _(
                "It made {percent} more inspections than {baseline}: {mine} against {theirs} per 1,000 enterprises per year{utilisation}."
            )
            if rel > 0
            else _(
                "It made {percent} fewer inspections than {baseline}: {mine} against {theirs} per 1,000 enterprises per year{utilisation}."
            )
        )
        pct = f"{abs(100 * rel):.0f}" + ("%" if lang.code == "zh" else " %")
        return (
            template.format(
                percent=pct, baseline=jurisdiction_name(base, table, lang), mine=a, theirs=b, utilisation=utilisation
            ),
            True,
        )
    return (
        _(
            "It made about as many inspections as {baseline} ({mine} against {theirs} per 1,000 enterprises per year{utilisation})."
        ).format(baseline=jurisdiction_name(base, table, lang), mine=a, theirs=b, utilisation=utilisation),
        False,
    )


def leaders(table: dict[str, Any], lang: Lang) -> str:
    """ "lowest violation prevalence and undetected exposure: shanghai; highest hit rate: traditional":
    the best jurisdiction on each key outcome, named only where it is clearly ahead of the next best
    (``row["leader"]`` of the table: a paired test, Benjamini-Hochberg over these tests)."""
    _ = lang.gettext
    by_leader: dict[str, list[str]] = {}
    for row in table["metrics"]:
        leader = row.get("leader")
        if row["metric"] not in KEY_METRICS or not leader or not leader["clear"]:
            continue
        name = lang.metric(row["metric"]).name
        phrase = (_("highest {metric}") if row["better"] == "higher" else _("lowest {metric}")).format(metric=name)
        by_leader.setdefault(leader["jurisdiction"], []).append(phrase)
    parts = [
        _("{what}: {jurisdiction}").format(what=lang.join(phrases), jurisdiction=jurisdiction_name(j, table, lang))
        for j, phrases in by_leader.items()
    ]
    return "; ".join(parts) if lang.code != "zh" else "；".join(parts)


def conclusion_parts(table: dict[str, Any], lang: Lang | None = None) -> list[dict[str, str]]:
    """The conclusion as paragraphs ``{"lead": ..., "text": ...}`` (the lead is a short heading for the
    paragraph, shown in bold in the report); empty when nothing ran."""
    lang = lang or language()
    _ = lang.gettext
    names = table["jurisdictions"]
    if len(names) < 2:
        return (
            [{"lead": "", "text": _("Only one jurisdiction finished: there is nothing to compare it with.")}]
            if names
            else []
        )
    base = table["baseline"]
    show = {j: jurisdiction_name(j, table, lang) for j in names}
    out = []
    if table.get("equal_effort"):
        from credsup.results.equal_effort import statement, verdict

        out.append({"lead": _("Most efficient at equal effort:"), "text": verdict(table, lang)})
        out.append({"lead": _("At equal effort:"), "text": statement(table, lang)})
    lead_text = leaders(table, lang)
    if lead_text:
        out.append(
            {
                "lead": _("Who does best:"),
                "text": lead_text + _(" (each clearly ahead of the next best: paired tests, Benjamini-Hochberg)."),
            }
        )
    differs = []
    for j in names[1:]:
        better, worse, unclear = findings(table, j, lang)
        head = _("{jurisdiction} against {baseline}:").format(jurisdiction=show[j], baseline=show[base])
        if better and worse:
            text = _("better on {better}, but worse on {worse}.").format(
                better=lang.join(better), worse=lang.join(worse)
            )
        elif better:
            text = _("better on {better}, and worse on none of the key outcomes.").format(better=lang.join(better))
        elif worse:
            text = _("worse on {worse}, and better on none of the key outcomes.").format(worse=lang.join(worse))
        else:
            text = _("no clear difference on any key outcome.")
        if unclear and (better or worse):
            text = lang.sentences(
                text,
                lang.ngettext(
                    "No clear difference on {n} other key outcome ({names}).",
                    "No clear difference on {n} other key outcomes ({names}).",
                    len(unclear),
                ).format(n=len(unclear), names=lang.join(unclear)),
            )
        effort_text, effort_differs = _effort_sentence(table, j, lang)
        if effort_differs:
            differs.append(show[j])
        out.append({"lead": head, "text": lang.sentences(text, effort_text)})
    if differs:
        out.append(
            {
                "lead": _("Effort is not equal:"),
                "text": _(
                    "{names} did not spend the same number of inspections as {baseline}, so these differences mix "
                    "what each policy does with how much inspection it buys. A regime that inspects more finds and "
                    "deters more; do not read a difference as better efficiency without comparing at equal effort."
                ).format(names=lang.join(differs), baseline=show[base]),
            }
        )
    elif table["effort"]:
        out.append(
            {
                "lead": _("Effort is about equal:"),
                "text": _("the differences above are the policies', not the amount of inspection."),
            }
        )
    n = min(table["replications"].values())
    sure = _(
        "{n} replications per jurisdiction on common random numbers, each difference paired; an outcome is called "
        "better or worse only when its difference is clear at a {fdr}% false discovery rate over the {tests} tests "
        "in the table (Benjamini-Hochberg)."
    ).format(n=n, fdr=int(round(100 * table["fdr"])), tests=table["tests"])
    if n < MIN_REPLICATIONS:
        sure = lang.sentences(
            sure,
            _(
                "With fewer than {min} replications the intervals are rough: run again with --replications {min} or more "
                "before relying on them."
            ).format(min=MIN_REPLICATIONS),
        )
    out.append({"lead": _("How sure:"), "text": sure})
    return out


def conclusion(table: dict[str, Any], lang: Lang | None = None) -> list[str]:
    """The conclusion as paragraphs of plain text (empty when nothing ran)."""
    lang = lang or language()
    return [lang.sentences(p["lead"], p["text"]) for p in conclusion_parts(table, lang)]
