"""Load a registry: read every table, type and check every cell, resolve references, sort by id.

Every bad row (an unknown enterprise id, a bad date, an unknown grade or kind, a duplicate id, a row
with the wrong number of fields, a record of the wrong enterprise ...) becomes a problem
``file:line: column: what is wrong``. By default any problem is an error (:class:`RegistryError`
listing them); with ``skip_bad_rows=True`` the bad rows are left out and every one of them is reported
in :attr:`Registry.skipped`, and rows that refer to a skipped row are skipped in turn (and reported,
naming the row they refer to). Nothing is ever dropped silently.

Checks are vectorised per column (numpy), so loading a registry of a million enterprises costs a few
passes over each column; Python loops run only over the distinct values of a column or over bad rows.

Tables are sorted by ``id`` after loading, so every result computed from a registry is independent of
the row order of its files.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from credsup.core.columns import NAT
from credsup.core.errors import Problem
from credsup.core.vocabulary import REGIONS, SECTORS
from credsup.registry import reading
from credsup.registry.errors import RegistryError, row_problem
from credsup.registry.reading import TEXT, Cells, RawTable
from credsup.registry.schema import (
    CONDITIONS,
    INSPECTORS,
    LISTS,
    MAX_DATE,
    MIN_DATE,
    RECORDS,
    REGISTRY_TABLES,
    Col,
    TableSpec,
)

TRUE = ("true", "1", "yes", "y", "t")
#: prefix of the raw id text kept beside a resolved reference column while a table is checked
RAW = "_raw_"
FALSE = ("false", "0", "no", "n", "f")


@attrs.frozen
class Frame:
    """One loaded table: typed numpy columns, sorted by ``id``, plus where each row came from.

    Column types: ``id``/``text``/``name``/``names`` string arrays; ``ref`` int64 row index into the
    referred table (-1 empty); ``date`` datetime64[D] (NaT empty); ``bool`` bool (nullable without
    default: int8 -1/0/1); ``enum`` int8 index into the column's values (-1 empty); ``int`` int64;
    ``float`` float64.
    """

    spec: TableSpec
    columns: Mapping[str, np.ndarray]
    raw: RawTable | None

    def __len__(self) -> int:
        return len(self.columns["id"])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def where(self) -> str:
        """The file or ``url#table`` the rows came from (``(no <file>)`` for an absent table)."""
        return self.raw.where if self.raw is not None else f"(no {self.spec.file})"


@attrs.frozen
class InputFile:
    """One input read: its table, where it came from, its SHA-256 and its row count."""

    table: str
    where: str
    sha256: str
    rows: int


@attrs.frozen
class Registry:
    """Enterprises and their credit events, typed and checked; ``registry["inspections"]`` is a Frame."""

    location: str
    frames: Mapping[str, Frame]
    #: sector names; enterprise ``sector`` codes index this (the standard vocabulary first)
    sectors: tuple[str, ...]
    #: region names; external listings' regions index this (the standard vocabulary first)
    regions: tuple[str, ...]
    inputs: tuple[InputFile, ...]
    skipped: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    def __getitem__(self, table: str) -> Frame:
        return self.frames[table]

    def __contains__(self, table: str) -> bool:
        return table in self.frames

    @property
    def ids(self) -> np.ndarray:
        """Enterprise ids, sorted (the row order of every enterprise-level result)."""
        return self.frames["enterprises"]["id"]

    def __len__(self) -> int:
        return len(self.frames["enterprises"])

    def index_of(self, enterprise_id: str) -> int | None:
        """Row of an enterprise id, or None."""
        ids = self.ids
        if ids.dtype.kind == "T":  # StringDType: numpy's searchsorted misreads a str needle (numpy/numpy#31533)
            i = bisect.bisect_left(ids, enterprise_id)
        else:
            i = int(np.searchsorted(ids, enterprise_id))
        return i if i < len(ids) and ids[i] == enterprise_id else None


# ------------------------------------------------------------------------------------------ sources


class Source:
    """Where tables come from: a folder of CSV files or a database URL."""

    def __init__(self, location: str | Path):
        self.location = str(location)
        self.engine: Any = None
        if reading.is_url(self.location):
            self.engine = reading.connect(self.location, create=False)
            self._tables = reading.table_names(self.engine)
        else:
            path = Path(self.location)
            if not path.exists():
                raise RegistryError(
                    [
                        Problem(
                            self.location,
                            "",
                            "registry not found: expected a folder of CSV files or a database URL (sqlite:///file.db)",
                        )
                    ]
                )
            if not path.is_dir():
                raise RegistryError(
                    [
                        Problem(
                            self.location,
                            "",
                            "is a file, expected a registry folder of CSV "
                            "files (enterprises.csv, ...) or a database URL",
                        )
                    ]
                )

    def has(self, spec: TableSpec) -> bool:
        if self.engine is not None:
            return spec.name in self._tables
        return (Path(self.location) / spec.file).exists()

    def read(self, spec: TableSpec) -> RawTable:
        if self.engine is not None:
            return reading.read_sql(self.engine, self.location, spec)
        return reading.read_csv(Path(self.location) / spec.file, spec)

    def missing(self, spec: TableSpec) -> Problem:
        if self.engine is not None:
            return Problem(f"{reading.masked(self.location)}", spec.name, "table is missing")
        return Problem(str(Path(self.location) / spec.file), "", "file not found")

    def notes(self) -> list[str]:
        """Files in a registry folder that are not registry tables (a misspelt name would be ignored)."""
        if self.engine is not None:
            return []
        import difflib

        known = {t.file for t in REGISTRY_TABLES} | {INSPECTORS.file}
        out = []
        for p in sorted(Path(self.location).glob("*.csv")):
            if p.name not in known:
                close = difflib.get_close_matches(p.name, sorted(known), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                out.append(f"{p}: not a registry table, ignored{hint}")
        return out


# ------------------------------------------------------------------------------------ the problems


class Problems:
    """Bad rows found in one table: row index -> (column, message); the first problem of a row wins."""

    def __init__(self, raw: RawTable):
        self.raw = raw
        self.rows: dict[int, tuple[str, str]] = dict(raw.row_problems)

    def add(self, rows: Iterable[int], column: str, message: Any) -> None:
        """``message`` is a string or a function of the row index giving one."""
        for r in rows:
            r = int(r)
            if r not in self.rows:
                self.rows[r] = (column, message(r) if callable(message) else message)

    def mask(self, n: int) -> np.ndarray:
        bad = np.zeros(n, dtype=bool)
        if self.rows:
            bad[np.fromiter(self.rows, dtype=np.int64)] = True
        return bad

    def problems(self) -> list[Problem]:
        return [row_problem(self.raw.location(r), c, m) for r, (c, m) in sorted(self.rows.items())]


# ------------------------------------------------------------------------------------ typed columns


def _empty(values: np.ndarray) -> np.ndarray:
    return np.strings.str_len(values) == 0


def _quote(value: object) -> str:
    return repr(str(value))


_FIRST, _LAST = np.datetime64(MIN_DATE, "D"), np.datetime64(MAX_DATE, "D")


def parse_dates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``YYYY-MM-DD`` strings -> (datetime64[D], bad mask); empty -> NaT (not bad).

    numpy's parser also reads ``2026`` or ``2026-03``; requiring ten characters leaves only the full
    ``YYYY-MM-DD`` form (numpy rejects impossible days such as ``2026-02-30``). Dates outside
    :data:`~credsup.registry.schema.MIN_DATE` .. ``MAX_DATE`` (``-001-01-01``, ``0001-01-01``) are
    bad too (:func:`out_of_range` tells them apart for the message).
    """
    empty = _empty(values)
    wrong_length = ~empty & (np.strings.str_len(values) != 10)
    try:
        out = np.where(wrong_length, "", values).astype("datetime64[D]")
        bad = wrong_length
    except ValueError:
        uniq, inv = np.unique(values, return_inverse=True)
        parsed = np.full(len(uniq), NAT)
        ok = np.ones(len(uniq), dtype=bool)
        for i, u in enumerate(uniq.tolist()):
            if not u:
                continue
            try:
                parsed[i] = np.datetime64(dt.date.fromisoformat(u), "D")
                ok[i] = len(u) == 10
            except ValueError:
                ok[i] = False
        out = parsed[inv]
        bad = ~ok[inv]
    bad = bad | out_of_range(out)
    out = np.where(bad, NAT, out).astype("datetime64[D]")
    return out, bad


def out_of_range(dates: np.ndarray) -> np.ndarray:
    """Dates (not NaT) outside the supported range ``MIN_DATE`` .. ``MAX_DATE``."""
    return ~np.isnat(dates) & ((dates < _FIRST) | (dates > _LAST))


def _date_message(value: str) -> str:
    if len(value) == 10:
        try:
            day = np.array([value], dtype="datetime64[D]")
        except ValueError:
            day = np.array([NAT], dtype="datetime64[D]")
        if out_of_range(day)[0]:
            return f"date {_quote(value)} is outside the supported range {MIN_DATE} to {MAX_DATE}"
    return f"bad date {_quote(value)}: expected YYYY-MM-DD"


def encode(values: np.ndarray, names: tuple[str, ...] | list[str]) -> np.ndarray:
    """Index of each value in ``names`` (int16); -1 empty, -2 not a name. Case-insensitive.

    One vectorised comparison per name (registries use a handful of names per column); only values that
    match none of them exactly go through ``unique`` and case folding.
    """
    codes = np.full(len(values), -2, dtype=np.int16)
    codes[_empty(values)] = -1
    for i, name in enumerate(names):
        codes[values == name] = i
    left = np.flatnonzero(codes == -2)
    if len(left):
        folded = {str(name).lower(): i for i, name in enumerate(names)}
        uniq, inv = np.unique(values[left], return_inverse=True)
        found = np.array([folded.get(u.lower(), -2) for u in uniq.tolist()], dtype=np.int16)
        codes[left] = found[inv]
    return codes


def parse_enum(values: np.ndarray, allowed: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Names -> (int8 index into ``allowed``, bad mask); empty -> -1 (not bad). Case-insensitive."""
    codes = encode(values, allowed)
    bad = codes == -2
    return np.where(bad, -1, codes).astype(np.int8), bad


def parse_bools(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """true/false words -> (int8 1/0, -1 empty; bad mask)."""
    codes = encode(values, TRUE + FALSE)
    out = np.where(codes >= len(TRUE), 0, np.where(codes >= 0, 1, -1)).astype(np.int8)
    return out, codes == -2


def parse_numbers(values: np.ndarray, dtype: str, maximum: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Finite numbers from 0 to ``maximum`` -> (array, bad mask); empty -> 0 (the caller decides
    whether empty is allowed)."""
    filled = np.where(_empty(values), "0", values)
    try:
        out = filled.astype(np.float64)
        bad = ~np.isfinite(out)
    except ValueError:
        uniq, inv = np.unique(filled, return_inverse=True)
        conv = np.zeros(len(uniq))
        ok = np.ones(len(uniq), dtype=bool)
        for i, u in enumerate(uniq.tolist()):
            try:
                conv[i] = float(u)
                ok[i] = np.isfinite(conv[i])
            except ValueError:
                ok[i] = False
        out, bad = conv[inv], ~ok[inv]
    bad |= out < 0
    if maximum is not None:
        bad |= out > maximum
    if dtype == "int":
        bad |= out != np.floor(out)
        return np.where(bad, 0, out).astype(np.int64), bad
    return np.where(bad, 0.0, out), bad


def split_names(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``"a;b"`` cells -> (row index of each name, name), empty names dropped, names stripped."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=TEXT)
    words = [w.strip() for w in ";".join(values.tolist()).split(";")]
    longest = max(map(len, words), default=0)
    # short names (ids of inspectors, conditions) as fixed-width strings, fast to search; a long
    # one keeps the variable width so memory does not grow with it
    tokens = np.array(words, dtype=f"<U{max(longest, 1)}" if longest <= _SHORT else TEXT)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.strings.count(values, ";") + 1)
    keep = tokens != ""
    return rows[keep], tokens[keep]


def _typed_message(col: Col) -> Any:
    """The message for a bad value of a typed column, as a function of the value."""
    kind = col.kind
    if kind == "date":
        return _date_message
    if kind == "enum":
        return lambda v: f"unknown {col.name} {_quote(v)}: expected one of {', '.join(col.values)}"
    if kind == "bool":
        return lambda v: f"expected true or false, got {_quote(v)}"
    what = "a whole number" if kind == "int" else "a finite number"
    what += f" from 0 to {col.maximum:,.0f}" if col.maximum is not None else " >= 0"
    return lambda v: f"expected {what}, got {_quote(v)}"


def _type_column(col: Col, cells: Cells, probs: Problems) -> np.ndarray:
    """Type one column, recording bad cells in ``probs``.

    Dates, words and numbers are typed once per distinct value (``cells.distinct()``), then spread to
    the rows; text-like columns come out as ``StringDType`` arrays.
    """
    kind = col.kind
    if kind not in ("date", "enum", "bool", "int", "float"):
        values = cells.text()
        empty = _empty(values)
        if not col.nullable:
            probs.add(np.flatnonzero(empty), col.name, "missing value")
        if col.default and empty.any():
            values = np.where(empty, col.default, values).astype(TEXT)
        # ids are sorted and searched: short ones as fixed-width strings, which is several times faster
        return compact(values) if kind in ("id", "ref") else values
    values, codes = cells.distinct()
    empty = _empty(values)
    if not col.nullable and empty.any():
        probs.add(np.flatnonzero(empty[codes]), col.name, "missing value")
    if col.default:
        values = np.where(empty, col.default, values).astype(TEXT)
    if kind == "date":
        typed, bad = parse_dates(values)
    elif kind == "enum":
        typed, bad = parse_enum(values, col.values)
    elif kind == "bool":
        typed, bad = parse_bools(values)
    else:
        typed, bad = parse_numbers(values, kind, col.maximum)
    if bad.any():
        message = _typed_message(col)
        probs.add(np.flatnonzero(bad[codes]), col.name, lambda r: message(str(values[codes[r]])))
    return typed[codes]


# ------------------------------------------------------------------------------------- the loader


class _Loader:
    def __init__(self, skip_bad_rows: bool, as_of: dt.date | None = None):
        self.skip = skip_bad_rows
        self.as_of = as_of
        self.frames: dict[str, Frame] = {}
        self.problems: list[Problem] = []
        #: table -> {id: location} of rows that were skipped (so referring rows can say why)
        self.dropped: dict[str, dict[str, str]] = {}
        self.inputs: list[InputFile] = []

    def table(self, raw: RawTable, parents: Mapping[str, Frame] | None = None) -> Frame:
        spec = raw.spec
        n = len(raw)
        probs = Problems(raw)
        get = lambda name: raw.columns[name] if name in raw.columns else Cells.empty(n)  # noqa: E731
        cols: dict[str, np.ndarray] = {c.name: _type_column(c, get(c.name), probs) for c in spec.columns}
        self._duplicates(cols["id"], probs, raw)
        parents = parents if parents is not None else self.frames
        for c in spec.columns:
            if c.kind == "ref" and c.ref is not None and c.ref in parents:
                cols[RAW + c.name] = cols[c.name]
                cols[c.name] = self._resolve(c, cols[c.name], parents[c.ref], probs)
            elif c.kind == "refs" and c.ref is not None:
                ref = c.ref
                rows, names = split_names(cols[c.name])
                idx = self._lookup(parents[ref], names)
                bad = idx < 0
                probs.add(
                    np.unique(rows[bad]),
                    c.name,
                    lambda r: self._unknown_refs(c, str(cols[c.name][r]), parents[ref]),  # noqa: B023 (called at once)
                )
                cols[f"{c.name}_row"], cols[f"{c.name}_index"] = rows[~bad], idx[~bad]
        check = _CHECKS.get(spec.name)
        if check is not None:
            check(self, cols, probs)
        bad = probs.mask(n)
        if bad.any():
            problems = probs.problems()
            self.problems.extend(problems)
            if self.skip:
                self.dropped[spec.name] = {
                    str(cols["id"][r]): raw.location(int(r)) for r in np.flatnonzero(bad) if cols["id"][r]
                }
        keep = ~bad if self.skip else np.ones(n, dtype=bool)
        frame = _sorted(spec, cols, keep, raw)
        self.inputs.append(InputFile(spec.name, raw.where, raw.sha256, n))
        return frame

    # -- ids and references ------------------------------------------------------------------------

    @staticmethod
    def _duplicates(ids: np.ndarray, probs: Problems, raw: RawTable) -> None:
        if len(ids) < 2:
            return
        in_order = is_sorted(ids)
        order = np.arange(len(ids)) if in_order else argsort(ids)
        s = ids if in_order else ids[order]
        same = s[1:] == s[:-1]
        if not same.any():
            return
        dup_sorted = np.zeros(len(ids), dtype=bool)
        dup_sorted[1:] |= same
        dup_sorted[:-1] |= same
        rows = order[dup_sorted & (s != "")]
        by_id: dict[str, list[int]] = {}
        for r in sorted(rows.tolist()):
            by_id.setdefault(str(ids[r]), []).append(r)

        def message(r: int) -> str:
            same_id = by_id[str(ids[r])]
            other = same_id[1] if r == same_id[0] else same_id[0]
            return f"duplicate id {_quote(ids[r])} (also at {raw.location(other)})"

        probs.add(rows, "id", message)

    @staticmethod
    def _lookup(parent: Frame, ids: np.ndarray) -> np.ndarray:
        """Row of each id in the (sorted) parent, -1 where absent or empty."""
        return lookup(parent["id"], ids)

    def _unknown(self, col: Col, value: str, parent: Frame) -> str:
        table = parent.spec.name
        where = self.dropped.get(table, {}).get(value)
        if where:
            return f"{_quote(value)} refers to a skipped row of {table} ({where})"
        return (
            f"unknown {col.ref if col.ref != 'enterprises' else 'enterprise'} id {_quote(value)} "
            f"(not in {parent.where})"
        )

    def _unknown_refs(self, col: Col, cell: str, parent: Frame) -> str:
        names = [t.strip() for t in cell.split(";") if t.strip()]
        missing = [t for t in names if self._lookup(parent, np.array([t]))[0] < 0]
        return "; ".join(self._unknown(col, t, parent) for t in missing[:3])

    def _resolve(self, col: Col, values: np.ndarray, parent: Frame, probs: Problems) -> np.ndarray:
        """Ids -> rows of ``parent``; an id that is not there is a bad row."""
        idx = self._lookup(parent, values)
        bad = (idx < 0) & (values != "")
        probs.add(np.flatnonzero(bad), col.name, lambda r: self._unknown(col, str(values[r]), parent))
        return idx

    def finish(self) -> None:
        if self.problems and not self.skip:
            raise RegistryError(self.problems, hint="(--skip-bad-rows leaves the bad rows out and lists every one)")


def is_sorted(a: np.ndarray) -> bool:
    return bool(len(a) < 2 or (a[1:] >= a[:-1]).all())


#: Ids up to this many characters are compared as fixed-width strings (see :data:`reading.SHORT`).
_SHORT = reading.SHORT


def _fixed(*arrays: np.ndarray) -> tuple[np.ndarray, ...] | None:
    """The arrays as fixed-width ``<U`` of their longest value, if that is at most :data:`_SHORT`."""
    width = max((int(np.strings.str_len(a).max()) if len(a) else 0) for a in arrays)
    if width > _SHORT:
        return None
    return tuple(a.astype(f"<U{max(width, 1)}") for a in arrays)


def compact(values: np.ndarray) -> np.ndarray:
    """A string array as fixed-width ``<U`` if its longest value is short (:data:`_SHORT`), else as is."""
    if values.dtype.kind == "U":
        return values
    fixed = _fixed(values)
    return fixed[0] if fixed is not None else values


def _comparable(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a`` and ``b`` in one string dtype that sorts and searches fast."""
    if a.dtype.kind == "U" and b.dtype.kind == "U":
        return a, b
    fixed = _fixed(a, b)
    if fixed is not None:
        return fixed[0], fixed[1]
    return a.astype(TEXT), b.astype(TEXT)


def lookup(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each of ``values`` in the sorted string array ``keys``; -1 where absent or empty.

    Against many keys the values are searched in sorted order (each search then starts where the
    last one ended: twice as fast on a million random references into a million ids, whose binary
    searches otherwise miss the cache at every step); a few thousand keys stay in the cache anyway.
    """
    if len(keys) == 0 or len(values) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    keys_, values_ = _comparable(np.asarray(keys), np.asarray(values))
    if keys_.dtype.kind == "T":
        # ids too long for fixed width (rare): numpy's binary search misreads StringDType strings before
        # numpy 2.5 ("MemoryError: Failed to load string in string comparison", or a wrong position;
        # numpy/numpy#31533, fixed by numpy/numpy#31535), so these are searched as Python strings
        keys_, values_ = keys_.astype(object), values_.astype(object)
    if len(keys_) < 100_000 or is_sorted(values_):
        pos = np.searchsorted(keys_, values_)
    else:
        order = np.argsort(values_, kind="stable") if values_.dtype == object else argsort(values_)
        pos = np.empty(len(values_), dtype=np.intp)
        pos[order] = np.searchsorted(keys_, values_[order])
    pos = np.minimum(pos, len(keys_) - 1)
    return np.where((keys_[pos] == values_) & (values_ != ""), pos, -1).astype(np.int64)


def argsort(ids: np.ndarray) -> np.ndarray:
    """Stable argsort of a string array (through fixed width when the strings are short)."""
    return np.argsort(compact(ids), kind="stable")


def _sorted(spec: TableSpec, cols: dict[str, np.ndarray], keep: np.ndarray, raw: RawTable) -> Frame:
    """Keep the rows in ``keep``, sorted by id (ties in file order). Exploded ``refs`` pairs follow."""
    n = len(keep)
    every = bool(keep.all())
    kept = np.arange(n) if every else np.flatnonzero(keep)
    ids = cols["id"] if every else cols["id"][kept]
    in_order = is_sorted(ids)
    order = kept if in_order else kept[argsort(ids)]
    new_pos = np.full(n, -1, dtype=np.int64)
    new_pos[order] = np.arange(len(order))
    out: dict[str, np.ndarray] = {}
    for name, arr in cols.items():
        if name.endswith("_row") or name.startswith(RAW):
            continue
        if name.endswith("_index") and f"{name[:-6]}_row" in cols:
            continue
        out[name] = arr if every and in_order else arr[order]
    for name in [k for k in cols if k.endswith("_row")]:
        base = name[:-4]
        rows, idx = cols[name], cols[f"{base}_index"]
        new = new_pos[rows]
        ok = new >= 0
        srt = np.lexsort((idx[ok], new[ok]))
        out[name], out[f"{base}_index"] = new[ok][srt], idx[ok][srt]
    out["_row"] = order  # position in the raw table, for locations
    return Frame(spec, out, raw)


def location(frame: Frame, row: int) -> str:
    """``file:line`` of a row of a loaded (sorted) frame."""
    return frame.raw.location(int(frame["_row"][row])) if frame.raw is not None else frame.where


# ------------------------------------------------------------------------------ cross-column checks


def _same_enterprise(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems, column: str, table: str) -> None:
    idx = cols[column]
    has = idx >= 0
    parent = loader.frames[table]
    other = np.full(len(idx), -1, dtype=np.int64)
    other[has] = parent["enterprise"][idx[has]]
    wrong = has & (other != cols["enterprise"])
    ents = loader.frames["enterprises"]["id"]
    probs.add(
        np.flatnonzero(wrong),
        column,
        lambda r: (
            f"{_quote(cols[RAW + column][r])} belongs to enterprise {_quote(ents[other[r]])}, not "
            f"{_quote(ents[cols['enterprise'][r]]) if cols['enterprise'][r] >= 0 else 'this one'}"
        ),
    )


def _needs(cols: dict[str, np.ndarray], probs: Problems, column: str, when: np.ndarray, why: str) -> None:
    probs.add(np.flatnonzero(when & np.isnat(cols[column])), column, f"required when {why}")


def _before(cols: dict[str, np.ndarray], probs: Problems, column: str, start: str) -> None:
    """An end (``column``) dated before its start: impossible (NaT compares false, so empty passes)."""
    probs.add(np.flatnonzero(cols[column] < cols[start]), column, f"is before {start}")


def _check_enterprises(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    _before(cols, probs, "graded_on", "registered")
    if loader.as_of is not None:
        t = np.datetime64(loader.as_of, "D")
        probs.add(
            np.flatnonzero(cols["registered"] > t),
            "registered",
            lambda r: (
                f"{cols['registered'][r]} is after the as-of date {loader.as_of}: the enterprise does not exist "
                "yet on that date"
            ),
        )


def _check_violations(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    _same_enterprise(loader, cols, probs, "inspection", "inspections")
    _before(cols, probs, "rectify_by", "detected")
    _before(cols, probs, "rectified_on", "detected")


def _check_penalties(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    _same_enterprise(loader, cols, probs, "violation", "violations")
    _needs(cols, probs, "ban_until", cols["ban"] > 0, "ban is not none (9999-12-31 for lifelong)")
    after = cols["publicity_until"] < cols["decided"]
    probs.add(np.flatnonzero(after), "publicity_until", "is before the decision date")
    probs.add(np.flatnonzero(cols["ban_until"] < cols["decided"]), "ban_until", "is before the decision date")


def _check_complaints(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    _needs(cols, probs, "verified_on", cols["founded"] >= 0, "founded is given")
    probs.add(
        np.flatnonzero((cols["founded"] < 0) & ~np.isnat(cols["verified_on"])),
        "founded",
        "required when verified_on is given (true or false)",
    )
    _before(cols, probs, "verified_on", "received")


def _check_commitments(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    _needs(cols, probs, "verified_on", cols["found_false"] == 1, "found_false is true")
    _before(cols, probs, "verified_on", "made")
    cols["found_false"] = cols["found_false"] == 1


def _check_listings(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    _same_enterprise(loader, cols, probs, "violation", "violations")
    _before(cols, probs, "until", "start")


def _check_records(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    """``record``/``record_id`` of repairs and objections: the right table, list and enterprise."""
    n = len(cols["id"])
    rid = cols["record_id"]
    record = cols["record"].astype(np.int64)
    penalties, listings = loader.frames["penalties"], loader.frames["listings"]
    pidx, lidx = loader._lookup(penalties, rid), loader._lookup(listings, rid)
    is_pen = record == RECORDS.index("penalty")
    idx = np.where(is_pen, pidx, lidx)
    list_kind = np.full(n, -1, dtype=np.int64)
    has_l = lidx >= 0
    list_kind[has_l] = listings["list"][lidx[has_l]]
    wanted = np.where(
        record == RECORDS.index("dishonesty_list"), LISTS.index("dishonesty"), LISTS.index("abnormal_operation")
    )
    wrong_list = ~is_pen & (record >= 0) & has_l & (list_kind != wanted)
    missing = (idx < 0) & (rid != "") & (record >= 0)

    def unknown(r: int) -> str:
        parent = penalties if is_pen[r] else listings
        return loader._unknown(Col("record_id", "ref", "", ref=parent.spec.name), str(rid[r]), parent)

    probs.add(np.flatnonzero(missing), "record_id", unknown)
    probs.add(
        np.flatnonzero(wrong_list),
        "record_id",
        lambda r: f"listing {_quote(rid[r])} is on the {LISTS[list_kind[r]]} list, not a {RECORDS[record[r]]} record",
    )
    owner = np.full(n, -1, dtype=np.int64)
    ok = idx >= 0
    owner[ok & is_pen] = penalties["enterprise"][idx[ok & is_pen]]
    owner[ok & ~is_pen] = listings["enterprise"][idx[ok & ~is_pen]]
    ents = loader.frames["enterprises"]["id"]
    wrong = ok & (owner != cols["enterprise"]) & (cols["enterprise"] >= 0)
    probs.add(
        np.flatnonzero(wrong),
        "record_id",
        lambda r: (
            f"{_quote(rid[r])} is a record of enterprise {_quote(ents[owner[r]])}, not "
            f"{_quote(ents[cols['enterprise'][r]])}"
        ),
    )
    cols["record_index"] = np.where(wrong_list | wrong, -1, idx)
    _needs(cols, probs, "decided", cols["status"] > 0, "status is not pending")
    start = "applied" if "applied" in cols else "filed"
    probs.add(np.flatnonzero(cols["decided"] < cols[start]), "decided", f"is before {start}")


def _check_repairs(loader: _Loader, cols: dict[str, np.ndarray], probs: Problems) -> None:
    _check_records(loader, cols, probs)
    rows, names = split_names(cols["fulfilled"])
    codes, bad = parse_enum(names, CONDITIONS)
    probs.add(
        np.unique(rows[bad]),
        "fulfilled",
        lambda r: (
            f"unknown repair condition in {_quote(cols['fulfilled'][r])}: expected names among {', '.join(CONDITIONS)}"
        ),
    )
    mask = np.zeros(len(cols["id"]), dtype=np.uint16)
    ok = ~bad
    np.bitwise_or.at(mask, rows[ok], (np.uint16(1) << codes[ok].astype(np.uint16)).astype(np.uint16))
    cols["fulfilled_mask"] = mask


_CHECKS = {
    "enterprises": _check_enterprises,
    "violations": _check_violations,
    "penalties": _check_penalties,
    "complaints": _check_complaints,
    "commitments": _check_commitments,
    "listings": _check_listings,
    "repairs": _check_repairs,
    "objections": _check_records,
}


# ------------------------------------------------------------------------------ the public functions


def _empty_raw(spec: TableSpec, where: str) -> RawTable:
    cols = {c.name: Cells.empty(0) for c in spec.columns}
    return RawTable(spec, where, cols, np.zeros(0, dtype=np.int64), {}, reading.sha256_bytes(b""))


def vocabulary(standard: Iterable[str], found: np.ndarray) -> tuple[str, ...]:
    """The standard names first (stable codes), then any other name found, sorted."""
    std = tuple(standard)
    other = found[encode(found, std) == -2]
    return std + tuple(sorted(set(np.unique(other).tolist())))


def load_registry(
    location: str | Path,
    *,
    skip_bad_rows: bool = False,
    need: Iterable[str] = (),
    as_of: dt.date | None = None,
    keep_cells: bool = False,
) -> Registry:
    """Read, check and type every table of a registry (a folder of CSV files or a database URL).

    ``need`` names optional tables that must exist for the caller (``("checklist",)`` for a plan).
    ``as_of`` is the date the registry will be evaluated at (grade, plan, summary): an enterprise
    registered after it is a bad row (it does not exist yet), checked with :func:`check_date` first.
    Raises :class:`RegistryError` listing every bad row (``file:line: column: problem``) unless
    ``skip_bad_rows``, in which case bad rows are left out and listed in ``Registry.skipped``.
    ``keep_cells`` keeps every table's cells as read in ``frame.raw`` (for copying them elsewhere);
    by default they are let go once a table is checked.
    """
    if as_of is not None:
        check_date(as_of, "as-of date")
    source = Source(location)
    loader = _Loader(skip_bad_rows, as_of)
    need = set(need)
    missing = [source.missing(s) for s in REGISTRY_TABLES if (s.required or s.name in need) and not source.has(s)]
    if missing:
        raise RegistryError(missing, hint="docs/registry.md describes every table")
    present = set()
    names: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for spec in REGISTRY_TABLES:
        if source.has(spec):
            present.add(spec.name)
            frame = loader.table(source.read(spec))
        else:  # an absent table is an empty one (every table but enterprises is optional)
            frame = attrs.evolve(loader.table(_empty_raw(spec, "")), raw=None)
        if spec.name == "enterprises":
            frame = _enterprise_codes(frame)
            names["sector"] = _distinct(frame, "sector")
        if spec.name == "listings":
            names["region"] = _distinct(frame, "region")
        if not keep_cells and frame.raw is not None:
            frame = attrs.evolve(frame, raw=frame.raw.slim())
        loader.frames[spec.name] = frame
    loader.finish()
    regions = vocabulary(REGIONS, names["region"][0])
    sectors = vocabulary(SECTORS, names["sector"][0])
    frames = dict(loader.frames)
    frames["enterprises"] = _with_codes(frames["enterprises"], "sector", sectors, names["sector"])
    frames["listings"] = _with_codes(frames["listings"], "region", regions, names["region"])
    return Registry(
        location=str(location),
        frames=frames,
        sectors=sectors,
        regions=regions,
        inputs=tuple(i for i in loader.inputs if i.table in present),
        skipped=tuple(loader.problems) if skip_bad_rows else (),
        notes=tuple(source.notes()),
    )


def check_date(day: dt.date, what: str) -> None:
    """An evaluation date (``--as-of``, a period's first or last day) within the supported range, or
    an :class:`~credsup.core.errors.InputError` naming it."""
    from credsup.core.errors import InputError

    if not MIN_DATE <= day < MAX_DATE:
        raise InputError(
            f"{what} {day.isoformat()} is outside the supported range {MIN_DATE} to {MAX_DATE - dt.timedelta(days=1)}"
        )


def _distinct(frame: Frame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """``(values, index)`` of a text column of a loaded frame, ``values[index]`` its cells: the
    distinct values as read when the column was coded (so a million rows are encoded a few dozen at
    a time), else the column itself."""
    raw = frame.raw
    if raw is not None and column in raw.columns and not frame.spec.column(column).default:
        values, codes = raw.columns[column].distinct()
        return values, codes[frame["_row"]]
    values = frame[column]
    return values, np.arange(len(values))


def _enterprise_codes(frame: Frame) -> Frame:
    """Boolean flags; key-sector and emerging default to the standard vocabulary's flags of the sector."""
    cols = dict(frame.columns)
    values, index = _distinct(frame, "sector")
    std = encode(values, list(SECTORS))[index]
    for name in ("key_sector", "emerging"):
        table = np.array(
            [getattr(info, "key" if name == "key_sector" else "emerging") for info in SECTORS.values()] + [False],
            dtype=bool,
        )
        default = table[np.where(std >= 0, std, len(SECTORS))]
        cols[name] = np.where(cols[name] >= 0, cols[name] == 1, default)
    for name in (
        "annual_report_filed",
        "tax_compliant",
        "social_security_compliant",
        "ip_holder",
        "self_report_verified",
        "demonstration",
    ):
        cols[name] = cols[name] == 1
    return attrs.evolve(frame, columns=cols)


def _with_codes(frame: Frame, column: str, vocab: tuple[str, ...], distinct: tuple[np.ndarray, np.ndarray]) -> Frame:
    """Add ``<column>_code``: the index of each name in ``vocab`` (int16, -1 for an empty name);
    ``distinct`` is :func:`_distinct` of the column."""
    cols = dict(frame.columns)
    values, index = distinct
    cols[f"{column}_code"] = encode(values, vocab)[index]
    return attrs.evolve(frame, columns=cols)


def load_inspectors(
    location: str | Path, registry: Registry, *, skip_bad_rows: bool = False, keep_cells: bool = False
) -> tuple[Frame, InputFile, tuple[Problem, ...]]:
    """Read the inspectors file (CSV path, or a database URL holding an ``inspectors`` table).

    Declared conflicts must name enterprises of ``registry``. Returns the frame, its input record and
    the skipped rows (empty unless ``skip_bad_rows``).
    """
    location = str(location)
    if reading.is_url(location):
        source = Source(location)
        if not source.has(INSPECTORS):
            raise RegistryError([source.missing(INSPECTORS)])
        raw = source.read(INSPECTORS)
    else:
        raw = reading.read_csv(Path(location), INSPECTORS)
    loader = _Loader(skip_bad_rows)
    frame = loader.table(raw, parents=registry.frames)
    loader.finish()
    if not keep_cells and frame.raw is not None:
        frame = attrs.evolve(frame, raw=frame.raw.slim())
    return frame, loader.inputs[0], tuple(loader.problems) if skip_bad_rows else ()
