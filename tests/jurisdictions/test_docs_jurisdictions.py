"""The policy notes exist for every built-in jurisdiction, map its seed paragraph by paragraph, name its hooks
and sections, and the side-by-side page agrees with the code."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from credsup.core import HOOKS, discover, load_jurisdiction
from credsup.plugins.national import NationalParams

DOCS = Path(__file__).parents[2] / "docs" / "jurisdictions"
BUILTIN = sorted(i.name for i in discover() if i.builtin)

ROMAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
    "XIX",
    "XX",
    "XXI",
    "XXII",
    "XXIII",
    "XXIV",
    "XXV",
    "XXVI",
    "XXVII",
]
#: the seed paragraphs each page must map (the brief: Dalian (I)-(IV), Shanghai paras 7-19, Hainan (I)-(XXVII))
PARAGRAPHS = {
    "dalian": [f"({r})" for r in ROMAN[:4]],
    "shanghai": [f"para {n}" for n in range(7, 20)],
    "hainan": [f"({r})" for r in ROMAN],
    "national": [f"line {n}" for n in (9, 11, 13, 19, 21, 23, 25, 31, 33)],
    "traditional": ["line 19", "line 21", "seed 000 (III)"],
}


def page(name: str) -> str:
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")


def first_cells(text: str) -> list[str]:
    """The first cell of every table row (where a policy-notes page names the seed paragraph)."""
    return [line.strip("|").split("|")[0].strip() for line in text.splitlines() if line.startswith("| ")]


@pytest.mark.parametrize("name", BUILTIN)
def test_policy_notes_map_the_seed_paragraph_by_paragraph(name: str) -> None:
    text = page(name)
    cells = first_cells(text)
    missing = [p for p in PARAGRAPHS[name] if not any(re.search(re.escape(p) + r"(?![0-9])", cell) for cell in cells)]
    assert not missing, f"docs/jurisdictions/{name}.md does not map {missing}"
    for heading in ("## The rules", "## Parameters", "## Out of scope, and why"):
        assert heading in text, f"{name}.md lacks '{heading}'"


@pytest.mark.parametrize("name", BUILTIN)
def test_policy_notes_name_the_hooks_and_sections(name: str) -> None:
    text = page(name)
    info = next(i for i in discover() if i.name == name)
    missing = [h for h in info.hooks if h not in text]
    if name in ("national", "traditional"):
        missing = []  # they implement every hook; their pages are organised by rule
    assert not missing, f"{name}.md does not mention the hooks it implements: {missing}"
    params = load_jurisdiction(name).params
    national = {f.name for f in attrs.fields(NationalParams)} if name != "national" else set()
    own = [f.name for f in attrs.fields(type(params)) if f.name not in national and f.name != "schedule"]
    missing = [s for s in own if f"`{s}" not in text]
    assert not missing, f"{name}.md does not describe its parameter sections {missing}"


def test_side_by_side_page_has_every_jurisdiction_and_agrees_with_the_code() -> None:
    text = (DOCS / "README.md").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| hook family"))
    for name in BUILTIN:
        assert f"[{name}]({name}.md)" in header
    hook_table = next(line for line in text.splitlines() if line.startswith("| hook | "))
    columns = [c.strip() for c in hook_table.strip("|").split("|")][1:]
    assert sorted(columns) == BUILTIN
    rows = {
        m.group(1): [c.strip() for c in m.group(2).split("|")]
        for m in re.finditer(r"^\| `(credsup_\w+)` \|(.*)\|$", text, re.M)
    }
    assert set(rows) == set(HOOKS)
    for hook, cells in rows.items():
        for name, cell in zip(columns, cells):
            answered = load_jurisdiction(name).answered_by(hook)
            assert cell == ("own" if answered == name else answered), f"README.md: {hook} for {name}"
