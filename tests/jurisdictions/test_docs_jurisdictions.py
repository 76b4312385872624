"""The policy notes exist for every built-in jurisdiction, map its seed paragraph by paragraph, name its hooks
and sections, and the side-by-side page agrees with the code."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import attrs
import pytest

from credsup.core import HOOKS, discover, load_jurisdiction
from credsup.plugins.national import NationalParams

sys.path.insert(0, str(Path(__file__).parent))
import seedtext

DOCS = Path(__file__).parents[2] / "docs" / "jurisdictions"
BUILTIN = sorted(i.name for i in discover() if i.builtin)

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI"]
ROMAN += ["XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII"]
#: the seed paragraphs each page must map, when the seed texts are not at hand to enumerate them
PARAGRAPHS = {
    "dalian": [f"({r})" for r in ROMAN[:4]],
    "shanghai": [f"para {n}" for n in range(7, 20)],
    "hainan": [f"({r})" for r in ROMAN],
    "national": [f"line {n}" for n in (9, 11, 13, 19, 21, 23, 25, 31, 33)],
    "traditional": ["line 19", "line 21", "seed 000 (III)"],
}
#: the seed each policy-notes page maps, paragraph by paragraph
SEEDED = {"dalian": "000", "shanghai": "003", "hainan": "004", "national": "002"}
STATUSES = ("modelled", "modelled in part", "out of scope")


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


def status_rows(name: str) -> list[tuple[list[str], str, list[str]]]:
    """The rows of a page's paragraph table: (paragraphs cited by the first cell, status, cells)."""
    text = page(name)
    start = text.index("## The seed")
    table = text[start : text.index("## The rules")]
    rows = []
    for line in table.splitlines():
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[1] in ("status", "---"):
            continue
        keys = [c.paragraph or "" for _, c in seedtext.citations(cells[0], SEEDED.get(name))]
        rows.append((keys, cells[1], cells))
    return rows


@pytest.mark.skipif(not seedtext.available(), reason=f"the seed texts are not in {seedtext.SEEDS}")
@pytest.mark.parametrize("name", sorted(SEEDED))
def test_policy_notes_list_every_numbered_paragraph_of_their_seed_with_its_status(name: str) -> None:
    """Every paragraph the seed numbers (seed 002: every non-empty line) is on the page, once, with its
    status; an out-of-scope paragraph says why (the rule cell)."""
    rows = status_rows(name)
    listed = [k for keys, _, _ in rows for k in keys]
    expected = seedtext.seed(SEEDED[name]).numbered()
    assert sorted(set(expected) - set(listed)) == [], f"{name}.md misses paragraphs"
    assert sorted(set(listed) - set(expected)) == [], f"{name}.md lists paragraphs the seed does not have"
    assert len(listed) == len(set(listed)), f"{name}.md lists a paragraph twice"
    for keys, status, cells in rows:
        assert keys, f"{name}.md: a row without a paragraph: {cells[0]!r}"
        assert status in STATUSES, f"{name}.md: {cells[0]}: status {status!r} is not one of {STATUSES}"
        if status == "out of scope":
            assert cells[3] not in ("", "-"), f"{name}.md: {cells[0]} is out of scope without a reason"


def test_the_side_by_side_page_counts_each_seeds_paragraphs_as_the_pages_do() -> None:
    text = (DOCS / "README.md").read_text(encoding="utf-8")
    counted = {
        m.group(1): tuple(int(x) for x in m.group(2, 3, 4, 5))
        for m in re.finditer(r"^\| \[(\w+)\]\(\w+\.md\) \| [^|]+ \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
    }
    assert set(counted) == set(BUILTIN)
    for name in BUILTIN:
        rows = status_rows(name)
        per = {s: sum(len(keys) for keys, status, _ in rows if status == s) for s in STATUSES}
        assert counted[name] == (sum(per.values()), *per.values()), f"README.md counts for {name}"
        if name in SEEDED and seedtext.available():
            assert counted[name][0] == len(seedtext.seed(SEEDED[name]).numbered())


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
