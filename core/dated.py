"""Parameters that hold values by date, each with its own source, and how files stack on one another.

A parameter file (a jurisdiction's, or a reform's) is read into *leaves*: one per parameter, keyed by its
dotted path, each a timeline of :class:`Entry` (``since``, value, source, file). An undated parameter
``key = { value = ..., source = "..." }`` is a timeline of one entry in force at every date. A dated
parameter is a list of such tables, each with the date it takes effect::

    serious = [
      { value = 180, source = "..." },                      # in force before any dated change
      { since = 2025-06-22, value = 365, source = "..." },  # in force from that day on
    ]

Only the first entry may omit ``since``; the dates rise strictly. Files stack (national, a region, a
county, a reform, ``--set``): a later file's undated value, or dated list starting without ``since``,
replaces the parameter's whole history; a dated list starting with a ``since`` keeps the history before
that date and replaces it from then on. After stacking, every parameter must have a value at every date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from credsup.core.errors import Problem
from credsup.core.params import FIRST_DAY, LAST_DAY

#: Keys allowed inside a ``{ value = ..., source = ... }`` leaf.
LEAF_KEYS = frozenset({"value", "source", "note"})
#: Keys allowed inside one entry of a dated parameter.
DATED_KEYS = frozenset({"since", "value", "source", "note"})


@attrs.frozen
class Entry:
    """One value of a parameter: in force from ``since`` (None: before any dated change) until the next."""

    since: dt.date | None
    value: Any
    source: str | None
    file: str


Leaves = dict[str, tuple[Entry, ...]]


def check_source(source: Any) -> str:
    """Why ``source`` is not an acceptable parameter source ("" when it is)."""
    if not isinstance(source, str) or not source.strip():
        return 'missing source: add source = "seed NNN para N" (or an official text, or "assumption: why")'
    text = source.strip()
    if text.lower().startswith("assumption"):
        reason = text[len("assumption") :].lstrip(" :-")
        if len(reason) < 5:
            return 'an assumption must say why: source = "assumption: <reason>"'
    return ""


def _toml_repr(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_leaf(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and set(node) <= LEAF_KEYS


def _is_dated(node: Any) -> bool:
    return (
        isinstance(node, list)
        and bool(node)
        and all(isinstance(e, dict) and "value" in e and set(e) <= DATED_KEYS for e in node)
        and any("since" in e for e in node)
    )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def read_leaves(tree: Mapping[str, Any], file: str, *, skip: Iterable[str] = ()) -> tuple[Leaves, list[Problem]]:
    """Every parameter of a parsed parameter file as a timeline, and every problem with its sources.

    A leaf whose source is missing keeps its value (so that structuring reports the file's other
    problems in the same run) with ``source`` None.
    """
    skipped = set(skip)
    leaves: Leaves = {}
    problems: list[Problem] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, child in node.items():
            path = f"{prefix}{key}"
            if not prefix and key in skipped:
                continue
            if _is_leaf(child):
                problem = check_source(child.get("source"))
                if problem:
                    problems.append(Problem(file, path, problem))
                leaves[path] = (Entry(None, child["value"], None if problem else child["source"].strip(), file),)
            elif _is_dated(child):
                leaves[path] = _dated_entries(child, file, path, problems)
            elif isinstance(child, dict) and ("value" in child or "source" in child):
                extra = sorted(set(child) - LEAF_KEYS)
                missing = "value" if "value" not in child else ""
                problems.append(
                    Problem(
                        file,
                        path,
                        'a parameter is { value = ..., source = "..." }; '
                        + (f"missing '{missing}'" if missing else f"unexpected {extra}"),
                    )
                )
            elif isinstance(child, dict):
                walk(child, path + ".")
            else:
                leaves[path] = (Entry(None, child, None, file),)
                problems.append(
                    Problem(
                        file,
                        path,
                        f"missing source: write {{ value = {_toml_repr(child)}, "
                        'source = "..." } citing a seed paragraph, an official text or '
                        '"assumption: why" (or a list of such tables, each with `since = YYYY-MM-DD`)',
                    )
                )

    walk(tree, "")
    return leaves, problems


def _dated_entries(items: list[dict[str, Any]], file: str, path: str, problems: list[Problem]) -> tuple[Entry, ...]:
    out: list[Entry] = []
    for i, item in enumerate(items):
        since = None
        if "since" in item:
            since = _date(item["since"])
            if since is None:
                problems.append(
                    Problem(file, f"{path}[{i}].since", f"expected a date (YYYY-MM-DD), got {item['since']!r}")
                )
                continue
            if not FIRST_DAY <= since <= LAST_DAY:
                problems.append(
                    Problem(
                        file, f"{path}[{i}].since", f"{since} is outside the supported range {FIRST_DAY} to {LAST_DAY}"
                    )
                )
                continue
        elif i > 0:
            problems.append(
                Problem(file, f"{path}[{i}]", "only the first value may omit `since` (in force before any change)")
            )
            continue
        if out and out[-1].since is not None and since is not None and since <= out[-1].since:
            problems.append(
                Problem(file, f"{path}[{i}].since", f"{since} is not after {out[-1].since}: list the values by date")
            )
            continue
        problem = check_source(item.get("source"))
        if problem:
            problems.append(Problem(file, f"{path}[{i}]", problem))
        out.append(Entry(since, item["value"], None if problem else item["source"].strip(), file))
    return tuple(out)


def _covers(a: str, b: str) -> bool:
    """The same parameter, or one is a table holding the other."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def stack(base: Leaves, top: Leaves) -> Leaves:
    """``top``'s parameters over ``base``'s (see the module docstring for dated ones)."""
    out = dict(base)
    for path, entries in top.items():
        below = out.get(path, ())
        for key in [k for k in out if _covers(k, path)]:
            del out[key]
        first = entries[0].since if entries else None
        if first is not None and below:
            entries = tuple(e for e in below if e.since is None or e.since < first) + entries
        out[path] = entries
    return out


def breakpoints(leaves: Leaves) -> list[dt.date]:
    """Every date on which some parameter changes, in order."""
    return sorted({e.since for entries in leaves.values() for e in entries if e.since is not None})


def undated_gaps(leaves: Leaves) -> list[tuple[str, Entry]]:
    """Parameters with no value before their first dated one (their first entry)."""
    return [(path, entries[0]) for path, entries in leaves.items() if entries and entries[0].since is not None]


def in_force(entries: Sequence[Entry], day: dt.date | None) -> Entry:
    """The entry in force on ``day`` (None: before any dated change)."""
    if day is None:
        return entries[0]
    dates = [e.since or dt.date.min for e in entries]
    return entries[max(0, bisect.bisect_right(dates, day) - 1)]


def values_at(leaves: Leaves, day: dt.date | None) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The value tree, the sources and the file of each parameter in force on ``day``."""
    tree: dict[str, Any] = {}
    sources: dict[str, str] = {}
    files: dict[str, str] = {}
    for path, entries in leaves.items():
        if not entries:
            continue
        entry = in_force(entries, day)
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = entry.value
        if entry.source is not None:
            sources[path] = entry.source
        files[path] = entry.file if entry.since is None else f"{entry.file} (value since {entry.since})"
    return tree, sources, files
