"""What a comparison at equal effort says about it: the factors, whether each matched, and who supervises
more efficiently at that effort (:mod:`credsup.experiments.equal_effort` finds the factors; the experiment
stores them in ``settings["equal_effort"]``, which :func:`credsup.results.table.comparison` hands on as
``table["equal_effort"]``).

Every sentence is a gettext message with named placeholders.
"""

from __future__ import annotations

import math
from typing import Any

from credsup.i18n import Lang
from credsup.results.table import KEY_METRICS, fmt, jurisdiction_name


def _pct(x: float, lang: Lang, sign: bool = False) -> str:
    return (f"{100 * x:+.1f}" if sign else f"{abs(100 * x):.3g}") + ("%" if lang.code == "zh" else " %")


def factor_rows(table: dict[str, Any], lang: Lang) -> list[dict[str, str]]:
    """One row per jurisdiction: its name, factor (×k), inspections against the target, the gap and a note
    on its status (empty when matched)."""
    _ = lang.gettext
    ee = table.get("equal_effort")
    if not ee:
        return []
    base = ee["baseline"]
    rows = [
        {
            "key": base,
            "name": jurisdiction_name(base, table, lang),
            "factor": "×1",
            "inspections": fmt(ee["target"]),
            "gap": _("baseline"),
            "status": "baseline",
            "note": _("the baseline: its policy as written"),
        }
    ]
    for j, f in ee.get("factors", {}).items():
        gap = f.get("gap")
        notes = {
            "matched": "",
            "floor": _("cannot be matched: even with no random checks it makes {percent} more inspections"),
            "ceiling": _(
                "cannot be matched: more random checks add no inspections (capacity used up), still {percent} fewer"
            ),
            "unmatched": _("not matched within the tolerance: the closest factor found is {percent} off"),
            "failed": _("not searched: a run failed"),
        }
        note = notes.get(f["status"], "")
        rows.append(
            {
                "key": j,
                "name": jurisdiction_name(j, table, lang),
                "factor": f"×{f['factor']:.3g}",
                "inspections": fmt(f["inspections"]),
                "gap": _pct(gap, lang, sign=True) if gap is not None and math.isfinite(gap) else "–",
                "status": f["status"],
                "note": note.format(percent=_pct(gap, lang)) if gap is not None and math.isfinite(gap) else note,
            }
        )
    return rows


def _matched(table: dict[str, Any]) -> list[str]:
    ee = table.get("equal_effort") or {}
    return [j for j, f in ee.get("factors", {}).items() if f["status"] == "matched" and j in table["jurisdictions"]]


def statement(table: dict[str, Any], lang: Lang) -> str:
    """One paragraph: how effort was equalised, each factor, and who could not be matched."""
    _ = lang.gettext
    ee = table.get("equal_effort")
    if not ee:
        return ""
    base = jurisdiction_name(ee["baseline"], table, lang)
    rows = factor_rows(table, lang)[1:]
    matched = [f"{r['name']} {r['factor']}" for r in rows if r["status"] == "matched"]
    text = _(
        "each jurisdiction's random checks (spot-check shares and chances; not full coverage, complaints, "
        "commitment checks or follow-ups) were scaled by one factor, found by root finding on the common random "
        "numbers, so that its total inspections match {baseline}'s within {tolerance}."
    ).format(baseline=base, tolerance=_pct(ee["tolerance"], lang))
    if matched:
        text = lang.sentences(text, _("Factors: {factors}.").format(factors=lang.join(matched)))
    for r in rows:
        if r["status"] != "matched":
            text = lang.sentences(
                text,
                _("{jurisdiction} {factor}: {note}; its differences below still mix policy and effort.").format(
                    jurisdiction=r["name"], factor=r["factor"], note=r["note"]
                ),
            )
    return text


def verdict(table: dict[str, Any], lang: Lang) -> str:
    """Which jurisdiction supervises more efficiently at equal effort, and how sure that is.

    Each jurisdiction matched to the baseline's effort scores the key outcomes on which it is clearly
    better than the baseline less those on which it is clearly worse (Benjamini-Hochberg over the table's
    tests); the baseline scores 0. The best score wins; equal scores are told apart by the number of key
    outcomes on which a jurisdiction is clearly ahead of the next best of all; a tie after that is named
    as such.
    """
    from credsup.results.conclusion import findings

    _ = lang.gettext
    ee = table.get("equal_effort")
    if not ee or not table["jurisdictions"]:
        return ""
    base = table["baseline"]
    scores: dict[str, tuple[int, int]] = {base: (0, 0)}
    for j in _matched(table):
        better, worse, _unclear = findings(table, j, lang)
        scores[j] = (len(better), len(worse))
    n = min(table["replications"].values())
    sure = _(
        "Clear means a paired difference at a {fdr}% false discovery rate over the table's {tests} tests, from {n} "
        "replications on common random numbers."
    ).format(fdr=int(round(100 * table["fdr"])), tests=table["tests"], n=n)
    if len(scores) == 1:
        return _(
            "no jurisdiction could be brought to {baseline}'s effort, so none can be ranked on efficiency."
        ).format(baseline=jurisdiction_name(base, table, lang))
    # ties on the count against the baseline are broken by the key outcomes on which a jurisdiction is
    # clearly ahead of the next best of all (row["leader"], paired tests, Benjamini-Hochberg)
    leads = dict.fromkeys(scores, 0)
    for row in table["metrics"]:
        leader = row.get("leader")
        if row["metric"] in KEY_METRICS and leader and leader["clear"] and leader["jurisdiction"] in leads:
            leads[leader["jurisdiction"]] += 1
    rank = {j: (b - w, leads[j]) for j, (b, w) in scores.items()}
    top = max(rank.values())
    best = [j for j, v in rank.items() if v == top]
    keys = sum(1 for row in table["metrics"] if row["metric"] in KEY_METRICS and row["better"])
    if base in best:  # nobody does better than the baseline at its own effort
        text = _(
            "{baseline}: at its number of inspections, no other jurisdiction is clearly better on more key "
            "outcomes than it is clearly worse."
        ).format(baseline=jurisdiction_name(base, table, lang))
    elif len(best) == 1:
        j = best[0]
        b, w = scores[j]
        text = _(
            "{jurisdiction}: at the same number of inspections as {baseline}, it is clearly better on {better} of "
            "{keys} key outcomes and clearly worse on {worse}."
        ).format(
            jurisdiction=jurisdiction_name(j, table, lang),
            baseline=jurisdiction_name(base, table, lang),
            better=b,
            worse=w,
            keys=keys,
        )
        if leads[j]:
            text = lang.sentences(
                text,
                lang.ngettext(
                    "Of all the jurisdictions compared, it is clearly ahead of the next best on {n} key outcome.",
                    "Of all the jurisdictions compared, it is clearly ahead of the next best on {n} key outcomes.",
                    leads[j],
                ).format(n=leads[j]),
            )
    else:
        text = _("a tie between {names}: each as many key outcomes clearly better than clearly worse.").format(
            names=lang.join([jurisdiction_name(j, table, lang) for j in best])
        )
    if table["small"]:
        sure = lang.sentences(sure, _("Fewer than 5 replications: treat this as a first look."))
    return lang.sentences(text, sure)


__all__ = ["factor_rows", "statement", "verdict"]
