"""Every citation of a seed in configs, docs and docstrings names a paragraph (or line) that exists, and every
passage it quotes is in that paragraph.

The seeds are ``../shared/seeds/`` (English translations: the files hold no Chinese original, so quotes are
checked against the translation, letters and digits only, an ellipsis standing for any words between; see
``seedtext.py``). A *unit* is one parameter's source in a TOML file, one comment block, one paragraph of a
docstring or a Markdown page, or one table row; within a unit, citations and quotes are paired clause by
clause (clauses end at ";"): a clause's quotes must be found in one of the paragraphs the clause cites. On a
policy-notes page (``docs/jurisdictions/<name>.md``) the paragraph a table row maps (its first cell) is
cited by the whole row.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import seedtext
from seedtext import Citation, citations, found_in, quotes

pytestmark = pytest.mark.skipif(not seedtext.available(), reason=f"the seed texts are not in {seedtext.SEEDS}")

ROOT = seedtext.ROOT
PACKAGES = ("core", "plugins", "simulation", "registry", "testing", "cli", "results", "experiments", "serve", "i18n")
#: the seed each policy-notes page maps (its table rows' first cells cite it)
PAGE_SEED = {"dalian": "000", "shanghai": "003", "hainan": "004", "national": "002"}


@attrs.frozen
class Unit:
    where: str
    text: str
    #: the seed bare references belong to when the unit names none before them
    default_seed: str | None = None
    #: citations that apply to every clause (a policy-notes row's first cell)
    row_citations: tuple[Citation, ...] = ()


# --------------------------------------------------------------------------------------------- units


def _toml_sources(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        if "source" in data and isinstance(data["source"], str):
            yield path, data["source"]
        for key, value in data.items():
            yield from _toml_sources(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _toml_sources(value, f"{path}[{i}]")


def _comment_blocks(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Runs of consecutive comment lines, joined."""
    block: list[str] = []
    first = last = -2
    for number, text in lines:
        if number != last + 1 and block:
            yield first, " ".join(block)
            block = []
        if not block:
            first = number
        block.append(text)
        last = number
    if block:
        yield first, " ".join(block)


def toml_units() -> Iterator[Unit]:
    for path in sorted((ROOT / "configs").rglob("*.toml")) + sorted((ROOT / "examples").rglob("*.toml")):
        rel = path.relative_to(ROOT)
        text = path.read_text(encoding="utf-8")
        for key, source in _toml_sources(tomllib.loads(text)):
            yield Unit(f"{rel}: {key}", source)
        comments = [
            (i, line.lstrip()[1:].strip())
            for i, line in enumerate(text.splitlines(), 1)
            if line.lstrip().startswith("#")
        ]
        for line, block in _comment_blocks(comments):
            yield Unit(f"{rel}:{line}", block)


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def python_units() -> Iterator[Unit]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    files += sorted((ROOT / "examples").rglob("*.py")) + [ROOT / "__init__.py"]
    for path in files:
        rel = path.relative_to(ROOT)
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    line = getattr(node, "lineno", 1)
                    for para in _paragraphs(doc):
                        yield Unit(f"{rel}:{line} (docstring)", " ".join(para.split()))
        comments = [
            (tok.start[0], tok.string.lstrip("#").strip())
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        ]
        for line, block in _comment_blocks(comments):
            yield Unit(f"{rel}:{line}", block)


def markdown_units() -> Iterator[Unit]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "examples").rglob("*.md"))]
    for path in pages:
        rel = path.relative_to(ROOT)
        page_seed = PAGE_SEED.get(path.stem) if path.parent.name == "jurisdictions" else None
        lines = path.read_text(encoding="utf-8").splitlines()
        para: list[str] = []
        start = 0
        for i, line in enumerate([*lines, ""], 1):
            if line.startswith("|"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                first = tuple(c for _, c in citations(cells[0], page_seed)) if page_seed else ()
                yield Unit(f"{rel}:{i}", " ; ".join(cells), page_seed, first)
                continue
            if line.strip() and not (para and re.match(r"\s*(?:[*-]|\d+\.)\s", line)):
                if not para:
                    start = i
                para.append(line)
                continue
            if line.strip():  # a list item starts: the one before is a unit of its own
                yield Unit(f"{rel}:{start}", " ".join(" ".join(para).split()), page_seed)
                para, start = [line], i
                continue
            if para:
                yield Unit(f"{rel}:{start}", " ".join(" ".join(para).split()), page_seed)
                para = []


def all_units() -> list[Unit]:
    return [*toml_units(), *python_units(), *markdown_units()]


# --------------------------------------------------------------------------------------------- checks


def problems(unit: Unit) -> list[str]:
    """What is wrong with the citations and quotes of one unit."""
    out: list[str] = []
    for m in re.finditer(r"\b[Ss]eeds? (\d{3})\b", unit.text):
        if not re.fullmatch(r"00[0-4]", m.group(1)):
            out.append(f"{unit.where}: {m.group(0)}: there is no such seed (000-004)")
    current = unit.default_seed
    for clause in unit.text.split(";"):
        found = [c for _, c in citations(clause, current)]
        named = re.findall(r"\b[Ss]eeds? (00[0-4])\b", clause)
        if named:
            current = named[-1]
        for c in found:
            if c.text() is None:
                out.append(f"{unit.where}: seed {c.seed} {c.written}: no such paragraph or line")
        cited = [c for c in (*found, *unit.row_citations) if c.text() is not None]
        if not cited:
            continue
        for q in quotes(clause):
            if len(seedtext.normal(q)) < 4:  # a quoted letter or symbol, not a passage
                continue
            if not any(found_in(q, c.text() or "") for c in cited):
                where = ", ".join(sorted({f"seed {c.seed} {c.paragraph or '(whole text)'}" for c in cited}))
                out.append(f"{unit.where}: quote '{q}' is not in {where}")
    return out


def test_the_units_cover_configs_docs_and_docstrings() -> None:
    units = all_units()
    kinds = {u.where.split(":")[0].split("/")[0] for u in units}
    assert {"configs", "docs", "plugins", "core", "README.md"} <= kinds
    cited = [u for u in units if list(citations(u.text, u.default_seed))]
    assert len(cited) > 300  # hundreds of citations are checked, not a handful


def test_every_seed_citation_names_a_paragraph_that_exists_and_its_quotes_are_in_it() -> None:
    found = [p for unit in all_units() for p in problems(unit)]
    assert not found, "\n".join(found)


# ------------------------------------------------------------------------------ the checker can fail


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("seed 003 para 24: a paragraph the text does not have", "no such paragraph"),
        ("seed 004 (XXXI)", "no such paragraph"),  # the text ends at (XXX)
        ("seed 002 line 4", "no such paragraph"),  # an empty line
        ("seed 005 para 1", "no such seed"),
        ("seed 003 para 11: 'ratio and frequency shall be linked to the weather'", "is not in seed 003 para 11"),
        ("seed 000 (III): 'every quarter to remove the old'", "is not in seed 000 I.(III)"),  # it is (IV)'s
        ("seed 004 (V), (XIII): 'impose administrative penalties'", None),  # (XIII) says it
        ("seed 004 (XXVI): 'can be achieved through ... submitting credit reports'", None),  # the ellipsis
        (
            "seed 003 para 12: 'remove ... who subjectively, deliberately and seriously violate the law causing'",
            "is not in",
        ),
        ("seed 000 (IV); 'a quote in another clause' is not checked against it", None),
    ],
)
def test_the_checker_finds_what_is_wrong(text: str, wrong: str | None) -> None:
    got = problems(Unit("t", text))
    if wrong is None:
        assert got == []
    else:
        assert got and wrong in got[0], got


def test_a_policy_notes_row_cites_its_first_cell_for_the_whole_row() -> None:
    first = tuple(c for _, c in citations("para 11", "003"))
    good = Unit("shanghai.md:1", "para 11 ; 'except for special and key fields'", "003", first)
    bad = Unit("shanghai.md:2", "para 11 ; 'except for special fields only'", "003", first)
    assert problems(good) == [] and "is not in seed 003 para 11" in problems(bad)[0]


def test_seed_paragraphs_are_the_documents_own_numbers() -> None:
    assert list(seedtext.seed("003").paragraphs) == [f"para {n}" for n in range(1, 24)]
    assert list(seedtext.seed("004").paragraphs) == [f"({r})" for r in seedtext.ROMAN]
    assert list(seedtext.seed("000").paragraphs) == [
        *(f"I.({r})" for r in ("I", "II", "III", "IV")),
        *(f"II.({r})" for r in ("I", "II", "III")),
        *(f"III.({r})" for r in ("I", "II", "III")),
    ]
    assert seedtext.seed("004").paragraphs["(XIX)"].startswith("(19) Vigorously promote the disclosure")
    assert "line 31" in seedtext.seed("002").paragraphs and "line 4" not in seedtext.seed("002").paragraphs


def test_citation_forms_are_read_as_the_readme_says() -> None:
    def keys(text: str) -> list[tuple[str, str | None]]:
        return [(c.seed, c.paragraph) for _, c in citations(text)]

    assert keys("seed 003 paras 8-9 and para 11") == [("003", "para 8"), ("003", "para 9"), ("003", "para 11")]
    assert keys("seed 004 (V), (XIII); (I)-(III)") == [
        ("004", "(V)"),
        ("004", "(XIII)"),
        ("004", "(I)"),
        ("004", "(II)"),
        ("004", "(III)"),
    ]
    assert keys("seed 000 (II)-(III) and II.(I)") == [("000", "I.(II)"), ("000", "I.(III)"), ("000", "II.(I)")]
    assert keys("seed 002 lines 19-21; the 2019 Guiding Opinions (seed 002)") == [
        ("002", "line 19"),
        ("002", "line 21"),
        ("002", None),
    ]
    assert keys("seed 004 (19) and (XX)") == [("004", "(XIX)"), ("004", "(XX)")]
    assert keys("Art. 32 (1), no seed named") == []
