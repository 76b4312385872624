"""The seed texts (``../shared/seeds/``) cut into their numbered paragraphs, and citations of them found in text.

The seeds are the five policy texts the plugins model (``../shared/seeds/README.md``). Every file holds an
English translation only (no Chinese original), so quotes are checked against the translation.

Paragraphs, by the documents' own numbering (the README's citation rules, "Sources"):

* seed 000 (Dalian): sections I-III, each with sub-paragraphs ``(I)``...; ``seed 000 (III)`` is I.(III)
  (the "Main practices" the plugin models), ``seed 000 II.(I)`` names another section's;
* seed 001 and seed 002 have no numbers: ``line N`` is line N of the file (a non-empty one);
* seed 003 (Shanghai): ``para N``, the numbered paragraphs 1 to 23;
* seed 004 (Hainan): ``(I)`` to ``(XXX)``; the text numbers three of them in Arabic ("(19)", "(20)", "(21)"),
  cited as (XIX), (XX), (XXI) or as written.

A citation is ``seed NNN`` followed by references (``para 11``, ``paras 8-9``, ``paras 9 and 15``, ``line 31``,
``lines 15-21``, ``(XV)``, ``(I)-(IV)``, ``(V), (XIII)``, ``II.(I)``); a later bare reference in the same text
(``... ; (V) differentiated``) belongs to the seed last named. ``seed 002`` alone cites the whole document.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import attrs

ROOT = Path(__file__).parents[2]
#: Where the seeds are: ``$CREDSUP_SEEDS``, else ``../shared/seeds`` next to the repository.
SEEDS = Path(os.environ.get("CREDSUP_SEEDS", ROOT.parent / "shared" / "seeds"))

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
ROMAN += ["XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII"]
ROMAN += ["XXIX", "XXX"]


def roman_value(text: str) -> int:
    return ROMAN.index(text) + 1


@attrs.frozen
class Seed:
    number: str  #: "000" .. "004"
    file: Path
    lines: tuple[str, ...]
    #: paragraph key -> its text (keys: "I.(III)", "para 11", "(XV)", "line 31")
    paragraphs: dict[str, str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def numbered(self) -> list[str]:
        """The paragraphs a policy-notes page must list, in the document's order."""
        return list(self.paragraphs)


def available() -> bool:
    return SEEDS.is_dir() and any(SEEDS.glob("00[0-4]_*.txt"))


def _file(number: str) -> Path:
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not found:
        raise FileNotFoundError(f"no seed {number} in {SEEDS}")
    return found[0]


def _blocks(lines: list[str], heads: list[tuple[int, str]]) -> dict[str, str]:
    """Each head (line index, key) owns its line and every line up to the next head."""
    out: dict[str, str] = {}
    for k, (i, key) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        out[key] = "\n".join(lines[i:end])
    return out


@cache
def seed(number: str) -> Seed:
    path = _file(number)
    lines = path.read_text(encoding="utf-8").splitlines()
    heads: list[tuple[int, str]] = []
    paragraphs: dict[str, str]
    if number == "000":
        section = ""
        for i, line in enumerate(lines):
            m = re.match(r"\s*(I{1,3})\s*\.\s*\S", line)
            if m:
                section = m.group(1)
                heads.append((i, section))
                continue
            m = re.match(r"\s*\(([IV]+)\)", line)
            if m and section:
                heads.append((i, f"{section}.({m.group(1)})"))
        paragraphs = {k: v for k, v in _blocks(lines, heads).items() if "(" in k}
    elif number == "003":
        for i, line in enumerate(lines):
            m = re.match(r"(\d{1,2})\.\s\S", line)
            if m:
                heads.append((i, f"para {int(m.group(1))}"))
            elif re.match(r"[IVⅣ]+\s*\.\s+[A-Z]", line):  # section headings end a paragraph
                heads.append((i, f"section {i}"))
        paragraphs = {k: v for k, v in _blocks(lines, heads).items() if k.startswith("para")}
    elif number == "004":
        for i, line in enumerate(lines):
            m = re.match(r"\(([IVX]+|\d+)\)", line)
            if m:
                ref = m.group(1)
                heads.append((i, f"({ROMAN[int(ref) - 1] if ref.isdigit() else ref})"))
            elif re.match(r"(\d|[IVX]+)\.\s", line):  # section headings end a paragraph
                heads.append((i, f"section {i}"))
        paragraphs = {k: v for k, v in _blocks(lines, heads).items() if k.startswith("(")}
    else:  # 001, 002: lines
        paragraphs = {f"line {i + 1}": line for i, line in enumerate(lines) if line.strip()}
    return Seed(number, path, tuple(lines), paragraphs)


# ------------------------------------------------------------------------------------------ citations


@attrs.frozen
class Citation:
    """One reference to a seed (``paragraph`` None: the whole document), where it was found."""

    seed: str
    paragraph: str | None
    written: str  #: as written (``para 11``, ``(XV)``)

    def text(self) -> str | None:
        """The cited paragraph's text, or None when it does not exist."""
        s = seed(self.seed)
        if self.paragraph is None:
            return s.text
        return s.paragraphs.get(self.paragraph)


_SEED = re.compile(r"\b[Ss]eeds? (00[0-4])\b")
_ROMAN = r"(?:XXX|XX[IVX]*|X[IVX]*|IX|IV|V?I{0,3})"
#: one reference: a dotted section (II.(I)), a parenthesised number, "para(s) N", "line(s) N"
_REF = re.compile(
    rf"(?P<dotted>\b(?P<sec>I{{1,3}})\.\((?P<sub>{_ROMAN})\))"
    rf"|(?P<paren>\((?P<num>{_ROMAN}|19|20|21)\))"
    r"|(?P<para>\bparas? (?P<pn>\d{1,2}))"
    r"|(?P<line>\blines? (?P<ln>\d{1,3}))"
)
#: what may join references in one list ("-", ", ", " and ", " / ", " or ")
_JOIN = re.compile(r"\s*(?:-|–|,|and|/|or|to)\s*")


def _keys(number: str, m: re.Match[str]) -> str | None:
    if m.group("dotted"):
        return f"{m.group('sec')}.({m.group('sub')})" if number == "000" else None
    if m.group("paren"):
        num = m.group("num")
        if not num:
            return None
        if number == "000":
            return f"I.({num})"
        if number == "004":
            return f"({ROMAN[int(num) - 1]})" if num.isdigit() else f"({num})"
        return None
    if m.group("para"):
        return f"para {int(m.group('pn'))}" if number == "003" else None
    if m.group("line"):
        return f"line {int(m.group('ln'))}" if number in ("001", "002") else None
    return None


def _expand(number: str, first: str, last: str) -> list[str]:
    """The keys from ``first`` to ``last`` inclusive (a range "paras 8-9", "(I)-(IV)", "lines 15-21")."""
    keys = list(seed(number).paragraphs) if number not in ("001", "002") else None
    if keys is not None and first in keys and last in keys:
        a, b = keys.index(first), keys.index(last)
        return keys[a : b + 1] if a <= b else [first, last]
    if number in ("001", "002") and first.startswith("line") and last.startswith("line"):
        a, b = int(first.split()[1]), int(last.split()[1])
        return [f"line {k}" for k in range(a, b + 1) if f"line {k}" in seed(number).paragraphs] or [first, last]
    return [first, last]


_TOKEN = re.compile(_SEED.pattern + "|" + _REF.pattern)
_MORE = re.compile(r"\s*(-|–|,|and|/|or)\s*(\d{1,3})\b")


def citations(text: str, default_seed: str | None = None) -> Iterator[tuple[int, Citation]]:
    """Every citation in ``text`` with its position. Bare references (no ``seed NNN`` before them) belong to
    the seed last named in ``text``, or to ``default_seed``; a bare reference with neither is not a
    citation of a seed. A dash between two references is a range (``(I)-(IV)``, ``paras 8-9``)."""
    current = default_seed
    last_end, last_key = -1, None
    for m in _TOKEN.finditer(text):
        if m.group(1):  # seed NNN
            current = m.group(1)
            if not re.match(r"\s*,?\s*(?:paras? \d|lines? \d|\(|I{1,3}\.\()", text[m.end() : m.end() + 12]):
                yield m.start(), Citation(current, None, m.group(0))
            last_end, last_key = m.end(), None
            continue
        if current is None:
            continue
        key = _keys(current, m)
        if key is None:
            continue
        dash = last_key is not None and re.fullmatch(r"\s*[-–]\s*", text[last_end : m.start()]) is not None
        for k in _expand(current, last_key, key)[1:] if dash else [key]:  # type: ignore[arg-type]
            yield m.start(), Citation(current, k, m.group(0))
        end = m.end()
        if m.group("para") or m.group("line"):  # "paras 8-9", "paras 9 and 15", "lines 15-21"
            word = "para" if m.group("para") else "line"
            while more := _MORE.match(text, end):
                sep, num = more.group(1), more.group(2)
                nxt = _keys(current, _REF.match(f"{word} {num}"))  # type: ignore[arg-type]
                if nxt is None:
                    break
                for k in _expand(current, key, nxt)[1:] if sep in "-–" else [nxt]:
                    yield m.start(), Citation(current, k, f"{word} {num}")
                key, end = nxt, more.end()
        last_end, last_key = end, key


# --------------------------------------------------------------------------------------------- quotes


def normal(text: str) -> str:
    """Letters and digits only, lower case: the seed files lost some spaces ("delegatingpower") and quotes
    keep their own punctuation, so both are compared without either."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


_QUOTE = re.compile(r"(?<![\w'])'(?P<s>[^'\n]*?(?:\w'\w[^'\n]*?)*)'(?!\w)|\"(?P<d>[^\"\n]+)\"|“(?P<c>[^”\n]+)”")


#: Names in the project's vocabulary (../shared/DESIGN.md) written in quotes that are not quotes of a seed:
#: the policy's own name, 双随机、一公开 ("double random, one public"), which seed 003 para 11 translates as
#: "random selection of inspection objects and inspectors and timely public disclosure".
TERMS = frozenset({"double random, one public", "one public"})


def quotes(text: str) -> list[str]:
    """The quoted passages of ``text`` ('...', "...", “...”) that quote a text: code spans (`...`) are left
    out, and so are quoted citation forms ('seed 002 line 31'), quoted sources ('assumption: why') and the
    vocabulary's names (:data:`TERMS`)."""
    text = re.sub(r"`[^`]*`", " ", text)
    found = [m.group("s") or m.group("d") or m.group("c") for m in _QUOTE.finditer(text)]
    return [
        q
        for q in found
        if q and not _SEED.search(q) and not q.lower().startswith("assumption") and q.lower() not in TERMS
    ]


def found_in(quote: str, paragraph: str) -> bool:
    """Every part of ``quote`` (parts split at an ellipsis) is in ``paragraph``, in order."""
    hay = normal(paragraph)
    at = 0
    for part in re.split(r"\.\.\.|…", quote):
        needle = normal(part)
        if not needle:
            continue
        k = hay.find(needle, at)
        if k < 0:
            return False
        at = k + len(needle)
    return True
