"""Columnar containers: one numpy array per field, one row per enterprise (or violation, application ...).

Hooks receive and return these. A subclass declares its columns with :func:`column`, which records the
dtype, unit, documentation and valid range in the attrs field's metadata; that metadata is the one place
the schema is written down (``docs/`` is generated from it, and :meth:`Columnar.check` enforces it).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import weakref
from collections import namedtuple
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Self, cast

import attrs
import numpy as np

#: A date later than any real one: ``listed_until`` / ``banned_until`` of an indefinite measure.
FOREVER = np.datetime64("9999-12-31", "D")
#: "Lifelong" as a number of days (100 years): bans and listings of that length never end in practice.
INDEFINITE_DAYS = 36_500
NAT = np.datetime64("NaT", "D")
DATE = np.dtype("datetime64[D]")


@attrs.frozen
class ColumnProblem:
    """One thing wrong with a column: its kind (``type``, ``shape``, ``dtype``, ``nan``, ``range``) and a
    message naming the column (``grade: value 4 at row 2 is outside [0, 3]``)."""

    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


@attrs.frozen
class ColumnSpec:
    """Schema of one column: name, dtype, unit, meaning, valid range and fill value."""

    name: str
    dtype: np.dtype
    doc: str
    unit: str = ""
    lo: float | None = None
    hi: float | None = None
    default: Any = 0
    #: name of the attribute holding the labels of this column's codes (``"sectors"``), if coded
    vocabulary: str | None = None

    @property
    def range_text(self) -> str:
        return _range_text(self.lo, self.hi)

    def problems(self, value: object, n: int) -> list[str]:
        """What is wrong with ``value`` as this column of ``n`` rows (empty list when it is valid).

        Accepts any dtype of the right kind (an ``int64`` array for an ``int8`` column, ``float32``
        for ``float64``) as long as its values fit; :meth:`coerce` then casts it.
        """
        return [p.message for p in self.diagnose(value, n)]

    def diagnose(self, value: object, n: int) -> list[ColumnProblem]:
        """Like :meth:`problems`, with the kind of each problem (``type``, ``shape``, ``dtype``, ``nan``,
        ``range``) for callers that react to the kind, such as the conformance checks."""
        if not isinstance(value, np.ndarray):
            return [
                ColumnProblem(
                    "type", f"{self.name}: expected a numpy array of {self.dtype}, got {type(value).__name__}"
                )
            ]
        if value.ndim != 1 or value.shape[0] != n:
            return [ColumnProblem("shape", f"{self.name}: expected shape ({n},), got {value.shape}")]
        if not _same_kind(value.dtype, self.dtype):
            return [ColumnProblem("dtype", f"{self.name}: expected dtype {self.dtype}, got {value.dtype}")]
        lo, hi = self.lo, self.hi
        if self.dtype.kind in "iu" and value.dtype != self.dtype:
            # a wider integer array is cast to the column's dtype: every value must fit it (no wrap-around)
            least, most = _int_bounds(self.dtype)
            lo = least if lo is None else max(lo, least)
            hi = most if hi is None else min(hi, most)
        if n == 0 or self.dtype.kind in "bM" or (self.dtype.kind != "f" and lo is None and hi is None):
            return []
        if value.dtype.kind not in "iu":
            # min and max propagate NaN: when both are finite, every value is (two passes instead of four)
            lo_v, hi_v = value.min(), value.max()
            if self.dtype.kind == "f" and not (math.isfinite(lo_v) and math.isfinite(hi_v)):
                bad = ~np.isfinite(value)
                i = int(np.flatnonzero(bad)[0])
                return [
                    ColumnProblem(
                        "nan", f"{self.name}: {int(bad.sum())} value(s) are NaN or infinite (first at row {i})"
                    )
                ]
        else:
            # integers: a bound that the array's own dtype cannot cross (lo=0 on a uint16 array) costs no pass
            least, most = _int_bounds(value.dtype)
            lo_v = value.min() if lo is not None and lo > least else None
            hi_v = value.max() if hi is not None and hi < most else None
        if lo is not None and lo_v is not None and lo_v < lo:
            i = int(np.argmin(value))
            text = _range_text(lo, hi)
            return [ColumnProblem("range", f"{self.name}: value {_num(lo_v)} at row {i} is outside {text}")]
        if hi is not None and hi_v is not None and hi_v > hi:
            i = int(np.argmax(value))
            text = _range_text(lo, hi)
            return [ColumnProblem("range", f"{self.name}: value {_num(hi_v)} at row {i} is outside {text}")]
        return []

    def coerce(self, value: np.ndarray) -> np.ndarray:
        """Cast a valid array (see :meth:`problems`) to this column's dtype, without copying if possible."""
        return value if value.dtype == self.dtype else value.astype(self.dtype)

    def filled(self, n: int) -> np.ndarray:
        return np.full(n, self.default, dtype=self.dtype)


@functools.cache
def _int_bounds(dtype: np.dtype) -> tuple[int, int]:
    """The least and greatest value of an integer dtype (``np.iinfo`` costs microseconds a call)."""
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return ""
    return f"[{'-inf' if lo is None else _num(lo)}, {'inf' if hi is None else _num(hi)}]"


def _num(x: object) -> str:
    return f"{float(x):g}" if isinstance(x, (float, np.floating)) else str(x)


def _same_kind(got: np.dtype, want: np.dtype) -> bool:
    if want.kind in "iu":
        return got.kind in "iu"
    if want.kind == "f":
        return got.kind in "fiu"  # integers are exact in float64
    if want.kind == "M":
        return got.kind == "M"
    return got.kind == want.kind


def column(
    dtype: str | np.dtype | type,
    doc: str,
    *,
    unit: str = "",
    lo: float | None = None,
    hi: float | None = None,
    default: Any = None,
    vocabulary: str | None = None,
) -> Any:
    """Declare a column of a :class:`Columnar` class (an attrs field carrying a :class:`ColumnSpec`).

    ``default`` fills the column in :meth:`Columnar.build` when it is not given: 0, False, or NaT
    (dates) unless said otherwise.
    """
    np_dtype = np.dtype(dtype)
    if default is None:
        default = NAT if np_dtype.kind == "M" else np_dtype.type(0)
    meta = {"column": dict(dtype=np_dtype, doc=doc, unit=unit, lo=lo, hi=hi, default=default, vocabulary=vocabulary)}
    return attrs.field(metadata=meta, eq=False, repr=False)


def is_sealed(a: np.ndarray) -> bool:
    """Read-only for good: ``a`` is not writeable and its memory belongs to a read-only buffer (an
    array that owns its memory, or views one, can be made writeable again)."""
    if a.flags.writeable:
        return False
    base: object = a.base
    if type(base) is memoryview:  # what sealed() makes: one step
        return base.readonly
    base = a
    while isinstance(base, np.ndarray):
        if base.base is None:
            return False
        base = base.base
    return isinstance(base, memoryview) and base.readonly


def sealed(a: np.ndarray) -> np.ndarray:
    """A view of ``a`` (same memory, no copy) whose ``writeable`` flag cannot be set again: its memory is
    a read-only buffer (``memoryview(a).toreadonly()``). Dates travel as int64 (numpy gives no buffer
    of datetime64); a dtype with no buffer at all gets a read-only copy."""
    if is_sealed(a):
        return a
    try:
        if a.dtype.kind in "mM":
            return np.asarray(a.view(np.int64).data.toreadonly()).view(a.dtype)
        return np.asarray(a.data.toreadonly())
    except (TypeError, ValueError, BufferError):  # no buffer protocol for this dtype (object, strings)
        copy = a.copy()
        copy.flags.writeable = False
        return copy


def code_mask(codes: np.ndarray, vocabulary: Sequence[str], names: Iterable[str]) -> np.ndarray:
    """Boolean mask of the ``codes`` (positions in ``vocabulary``) whose name is one of ``names``.

    Unknown names match nothing; codes outside the vocabulary, and negative codes ("none", such as -1
    in ``external_listing``), are False. A lookup table indexed by the codes: one gather, where
    ``np.isin`` costs tens of microseconds a call even on a few rows (hooks ask for such masks on every
    day's violations).
    """
    wanted = set(names)
    hits = [i for i, name in enumerate(vocabulary) if name in wanted]
    if len(codes) == 0:
        return np.zeros(0, dtype=bool)
    lo, hi = int(codes.min()), int(codes.max())
    table = np.zeros(max(len(vocabulary), hi + 1, 1), dtype=bool)
    table[hits] = True
    if lo < 0:
        return table[np.maximum(codes, 0)] & (codes >= 0)
    return table[codes]


#: Instances :meth:`Columnar.readonly` made, by id (weakly held: gone when the instance is).
_SEALED: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()


class Columnar:
    """Base of attrs classes whose fields are equal-length 1-d numpy arrays.

    Subclasses are ``@attrs.frozen`` and declare columns with :func:`column`; other fields (for
    example a tuple of sector names) are carried along unchanged by :meth:`take` and :meth:`concat`.
    Construction is strict (exact dtypes, equal lengths); :meth:`build` is the forgiving way in: it
    fills missing columns with their defaults and casts values of the right kind after range checks.
    """

    _specs: ClassVar[tuple[ColumnSpec, ...]]
    _extra_names: ClassVar[tuple[str, ...] | None]
    _row_type: ClassVar[type]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._specs = ()  # filled lazily: attrs has not processed the class yet at this point
        cls._extra_names = None

    @classmethod
    def columns(cls) -> tuple[ColumnSpec, ...]:
        """The column schema, in declaration order."""
        if not cls.__dict__.get("_specs"):
            cls._specs = tuple(
                ColumnSpec(name=f.name, **f.metadata["column"])
                for f in attrs.fields(cast(Any, cls))
                if "column" in f.metadata
            )
        return cls._specs

    @classmethod
    def column_names(cls) -> tuple[str, ...]:
        return tuple(spec.name for spec in cls.columns())

    @classmethod
    def _extras(cls) -> tuple[str, ...]:
        """The fields that are not columns (read once per class: every take and hook call needs them)."""
        if cls.__dict__.get("_extra_names") is None:
            cls._extra_names = tuple(f.name for f in attrs.fields(cast(Any, cls)) if "column" not in f.metadata)
        return cast(tuple[str, ...], cls._extra_names)

    def __attrs_post_init__(self) -> None:
        n = None
        for spec in self.columns():
            value = getattr(self, spec.name)
            if not isinstance(value, np.ndarray) or value.ndim != 1:
                raise TypeError(f"{type(self).__name__}.{spec.name}: expected a 1-d numpy array")
            if value.dtype != spec.dtype:
                raise TypeError(
                    f"{type(self).__name__}.{spec.name}: dtype {value.dtype}, expected {spec.dtype}"
                    f" (use {type(self).__name__}.build(...) to cast)"
                )
            if n is None:
                n = value.shape[0]
            elif value.shape[0] != n:
                raise ValueError(f"{type(self).__name__}.{spec.name}: {value.shape[0]} rows, other columns have {n}")

    def __len__(self) -> int:
        specs = self.columns()
        return int(getattr(self, specs[0].name).shape[0]) if specs else 0

    @classmethod
    def build(cls, n: int | None = None, **values: Any) -> Self:
        """Make an instance from array-likes; missing columns get their defaults.

        ``n`` is the number of rows; it may be omitted when at least one column is given as an array. A
        single value (``key_sector=True``) stands for every row. Values are checked (kind, shape, range)
        and cast to the declared dtype; a problem raises ``ValueError`` naming the column
        (``EnterpriseBatch: grade: expected shape (3,), got (2,)``), an unknown column or a bad ``n`` a
        ``TypeError``.
        """
        specs = {s.name: s for s in cls.columns()}
        extras = set(cls._extras())
        unknown = set(values) - set(specs) - extras
        if unknown:
            import difflib

            hints = [
                f"{name!r} (did you mean {close[0]!r}?)"
                if (close := difflib.get_close_matches(name, specs, n=1))
                else repr(name)
                for name in sorted(unknown)
            ]
            raise TypeError(f"{cls.__name__}.build: unknown column(s) {', '.join(hints)}")
        arrays: dict[str, np.ndarray] = {}
        for name, value in values.items():
            if name in specs:
                arr = np.asarray(value)
                if arr.dtype == object or (arr.ndim == 1 and arr.size == 0):
                    try:
                        arr = np.asarray(value, dtype=specs[name].dtype)
                    except (OverflowError, TypeError, ValueError) as exc:  # 2**70 for an int16 column, None
                        raise ValueError(f"{cls.__name__}: {name}: {exc}") from None
                if specs[name].dtype.kind == "M" and arr.dtype.kind in "UO":
                    arr = arr.astype(DATE)
                arrays[name] = arr
        if n is None:
            shaped = [a for a in arrays.values() if a.ndim > 0]
            if not shaped:
                raise TypeError(
                    f"{cls.__name__}.build: give the number of rows n, or at least one column as an array"
                    + (" (every column given is a single value)" if arrays else "")
                )
            n = len(shaped[0])
        elif isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise TypeError(f"{cls.__name__}.build: n is the number of rows, an integer >= 0 (got {n!r})")
        for name, arr in arrays.items():
            if arr.ndim == 0:  # a single value stands for every row
                arrays[name] = np.full(n, arr.item() if arr.dtype.kind != "M" else arr, dtype=arr.dtype)
        kwargs: dict[str, Any] = {}
        for name, spec in specs.items():
            if name in arrays:
                problems = spec.problems(arrays[name], n)
                if problems:
                    raise ValueError(f"{cls.__name__}: {problems[0]}")
                kwargs[name] = spec.coerce(arrays[name])
            else:
                kwargs[name] = spec.filled(n)
        kwargs.update({k: v for k, v in values.items() if k in extras})
        return cls(**kwargs)

    def problems(self) -> list[str]:
        """Every schema violation (range, NaN) in this instance; empty when valid."""
        return [p.message for p in self.diagnose()]

    def diagnose(self) -> list[ColumnProblem]:
        """Like :meth:`problems`, with the kind of each problem."""
        n = len(self)
        out: list[ColumnProblem] = []
        for spec in self.columns():
            out.extend(spec.diagnose(getattr(self, spec.name), n))
        return out

    def _replace_columns(self, fn: Any) -> Self:
        kwargs = {spec.name: fn(getattr(self, spec.name)) for spec in self.columns()}
        kwargs.update({name: getattr(self, name) for name in self._extras()})
        return type(self)(**kwargs)

    def take(self, index: np.ndarray | Sequence[int] | slice) -> Self:
        """The rows at ``index`` (integer positions, a boolean mask or a slice), as a new instance."""
        if isinstance(index, slice):
            return self._replace_columns(lambda a: a[index])
        idx = np.asarray(index)
        return self._replace_columns(lambda a: a[idx])

    def readonly(self) -> Self:
        """The same data through sealed read-only views (:func:`sealed`): a hook that writes into its
        input raises, even after setting ``flags.writeable = True`` (numpy refuses that on them).

        An instance whose columns are all sealed already is returned as it is (no new views), so a
        caller that keeps a read-only view of live data pays nothing per hook call.
        """
        if _SEALED.get(id(self)) is self or all(is_sealed(getattr(self, spec.name)) for spec in self.columns()):
            return self
        # Not through __init__: the views have the dtypes and lengths __init__ already checked on self,
        # so checking them again would only cost time (a hook call seals every column of its batches).
        out = object.__new__(type(self))
        for spec in self.columns():
            object.__setattr__(out, spec.name, sealed(getattr(self, spec.name)))
        for name in self._extras():
            object.__setattr__(out, name, getattr(self, name))
        _SEALED[id(out)] = out  # frozen: its columns stay sealed, so the next call need not look again
        return out

    def copy(self) -> Self:
        return self._replace_columns(np.copy)

    @classmethod
    def concat(cls, parts: Sequence[Self]) -> Self:
        """Stack instances row-wise; non-column fields are taken from the first part."""
        if not parts:
            return cls.build(0)
        first = parts[0]
        kwargs = {s.name: np.concatenate([getattr(p, s.name) for p in parts]) for s in cls.columns()}
        kwargs.update({name: getattr(first, name) for name in cls._extras()})
        return cls(**kwargs)

    def equals(self, other: Columnar) -> bool:
        """Same type, same columns element by element (NaT equal to NaT)."""
        if type(other) is not type(self) or len(other) != len(self):
            return False
        for spec in self.columns():
            a, b = getattr(self, spec.name), getattr(other, spec.name)
            if not np.array_equal(a, b, equal_nan=spec.dtype.kind in "fM"):
                return False
        return True

    # -- one row at a time (the per-enterprise adapter and conformance kit use these) --------------

    @classmethod
    def row_type(cls) -> type:
        """A namedtuple type with one field per column, plus ``<column>_name`` for coded columns."""
        if "_row_type" not in cls.__dict__:
            names = list(cls.column_names())
            names += [f"{s.name}_name" for s in cls.columns() if s.vocabulary]
            cls._row_type = namedtuple(f"{cls.__name__}Row", names)  # type: ignore[misc]
        return cls._row_type

    def rows(self) -> Iterator[Any]:
        """Every row as a namedtuple of plain Python values (dates as ``datetime.date`` or None)."""
        row_type = self.row_type()
        cols = [getattr(self, s.name).tolist() for s in self.columns()]
        for spec in self.columns():
            if spec.vocabulary:
                labels = getattr(self, spec.vocabulary)
                cols.append([labels[c] if 0 <= c < len(labels) else None for c in getattr(self, spec.name).tolist()])
        for values in zip(*cols):
            yield row_type(*values)

    def row(self, i: int) -> Any:
        """Row ``i`` as a namedtuple (see :meth:`rows`)."""
        return next(self.take(np.array([i])).rows())

    @classmethod
    def from_rows(cls, rows: Iterable[Any], **extras: Any) -> Self:
        """Build from an iterable of objects or mappings that have every column as an attribute/key."""
        rows = list(rows)
        values: dict[str, Any] = {}
        for spec in cls.columns():
            if rows and isinstance(rows[0], Mapping):
                col = [r[spec.name] for r in rows]
            else:
                col = [getattr(r, spec.name) for r in rows]
            if spec.dtype.kind == "M":
                col = [NAT if v is None else np.datetime64(v, "D") for v in col]
            values[spec.name] = np.array(col, dtype=spec.dtype) if not rows else np.asarray(col)
        return cls.build(len(rows), **values, **extras)


def until(start: dt.date | np.datetime64 | np.ndarray, days: int | np.ndarray) -> np.ndarray:
    """End date of a measure lasting ``days`` from ``start``; 0 days -> NaT (no measure),
    ``days >= INDEFINITE_DAYS`` -> :data:`FOREVER` (lifelong). Vectorised over either argument."""
    d = np.asarray(days, dtype=np.int64)
    start64 = np.asarray(start, dtype=DATE)
    end = start64 + np.minimum(d, INDEFINITE_DAYS).astype("timedelta64[D]")
    end = np.where(d >= INDEFINITE_DAYS, FOREVER, end)
    return np.where(d <= 0, NAT, end).astype(DATE)


def schema_table(cls: type[Columnar]) -> str:
    """The schema of ``cls`` as a Markdown table (name, dtype, unit, range, meaning)."""
    lines = ["| column | dtype | unit | range | meaning |", "|---|---|---|---|---|"]
    for s in cls.columns():
        doc = s.doc.replace("|", "\\|")
        if s.vocabulary:
            doc += f" (code into `{s.vocabulary}`)"
        lines.append(f"| `{s.name}` | {s.dtype} | {s.unit} | {s.range_text} | {doc} |")
    return "\n".join(lines)
