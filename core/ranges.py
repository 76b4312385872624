"""The declared range of every number (and date) of a config class, read from the declarations.

:func:`credsup.core.params.param`, :func:`~credsup.core.params.section` and
:func:`~credsup.core.params.date_param` record each field's range in its attrs metadata; the validators
check it at load. This module reads the same metadata back, so the reference (``docs/ranges.md``) and
the test that every number has a finite range (``tests/test_ranges.py``) come from the one declaration.
"""

from __future__ import annotations

import datetime as dt
import math
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import attrs


@attrs.frozen
class Range:
    """The valid values of one key: ``[lo, hi]`` (None: no bound declared), its unit and meaning."""

    path: str
    kind: str  #: "integer", "number" or "date" (a table of numbers by name counts as "number")
    lo: Any
    hi: Any
    unit: str = ""
    doc: str = ""

    @property
    def bounded(self) -> bool:
        """Both bounds declared and finite."""
        return all(b is not None and (isinstance(b, dt.date) or math.isfinite(b)) for b in (self.lo, self.hi))

    @property
    def text(self) -> str:
        return (
            f"{_num(self.lo) if self.lo is not None else '-inf'} to {_num(self.hi) if self.hi is not None else 'inf'}"
        )


def _num(x: Any) -> str:
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, int) and x.bit_length() > 64 and (x + 1) & x == 0:
        return f"2^{x.bit_length()} - 1"
    if isinstance(x, int) and abs(x) < 10**13:
        return f"{x:,}"
    return f"{x:g}"


def _tighter(a: Any, b: Any, pick: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return pick(a, b)


def _unwrap(t: Any) -> Any:
    """``int | None`` -> ``int``; other types as they are."""
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return t


def declared_ranges(cls: type, prefix: str = "", lo: Any = None, hi: Any = None, unit: str = "") -> Iterator[Range]:
    """Every number and date of attrs class ``cls`` (nested tables, lists of tables and tables of numbers
    by name included), with the range declared for it: its own, narrowed by the sections around it."""
    attrs.resolve_types(cls)
    for f in attrs.fields(cls):
        t = _unwrap(f.type)
        meta = f.metadata
        path = f"{prefix}{f.name}"
        own_lo = _tighter(meta.get("lo"), lo, max)
        own_hi = _tighter(meta.get("hi"), hi, min)
        own_unit = meta.get("unit") or unit
        if typing.get_origin(t) is tuple and attrs.has(typing.get_args(t)[0]):
            yield from declared_ranges(typing.get_args(t)[0], f"{path}[].", own_lo, own_hi, own_unit)
        elif isinstance(t, type) and attrs.has(t):
            yield from declared_ranges(t, f"{path}.", own_lo, own_hi, own_unit)
        elif t in (int, float) or (t is dt.date):
            kind = {int: "integer", float: "number", dt.date: "date"}[t]
            yield Range(path, kind, own_lo, own_hi, own_unit, meta.get("doc", ""))
        elif typing.get_origin(t) in (Mapping, dict) and typing.get_args(t)[1:] in ((float,), (int,)):
            yield Range(f"{path}.<name>", "number", own_lo, own_hi, own_unit, meta.get("doc", ""))


def unbounded(cls: type) -> list[Range]:
    """The numbers and dates of ``cls`` declared without a finite range on both sides."""
    return [r for r in declared_ranges(cls) if not r.bounded]


def ranges_markdown(cls: type, prefix: str = "", only: set[str] | None = None) -> str:
    """A Markdown table of the declared ranges of ``cls`` (keys written with ``prefix``; ``only``: these keys)."""
    lines = ["| key | kind | valid values | unit | meaning |", "|---|---|---|---|---|"]
    for r in declared_ranges(cls):
        if only is not None and r.path not in only:
            continue
        doc = r.doc.replace("|", "\\|")
        lines.append(f"| `{prefix}{r.path}` | {r.kind} | {r.text} | {r.unit} | {doc} |")
    return "\n".join(lines)


__all__ = ["Range", "declared_ranges", "ranges_markdown", "unbounded"]
