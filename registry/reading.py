"""Reading raw registry tables: CSV files in a folder, or tables of a database (SQLAlchemy URL).

A raw table is text: one :class:`Cells` column per header name, every cell stripped, and the location
of each row (the CSV line it starts on, or the database row's id) for error messages. Typing and
validation are :mod:`credsup.registry.load`'s job; this module gets the cells out, fast, says exactly
where each came from, and refuses cells that no column may hold (see :func:`cell_problems`): a cell
longer than :data:`~credsup.registry.schema.CELL_LIMIT` bytes, a control character.

CSV files are UTF-8 (a byte-order mark is allowed), comma-separated, with a header line and RFC 4180
quoting. They are parsed by pyarrow's multi-threaded C++ reader, every column as text. When row ``i``
is not simply line ``i + 2`` (blank lines, quoted line breaks) the start line of every row is
counted again with the :mod:`csv` module; a file pyarrow cannot read as a whole (a row of the wrong
length, a stray quote, bytes that are not UTF-8, a cell larger than a block) is read again with the
:mod:`csv` module alone, row by row, which names the line of every problem. Either way the cells end
up in the same :class:`Cells` columns, so every later check and message is the same.

Memory: cells are held as pyarrow strings while reading, then as numpy ``StringDType`` arrays (16 bytes
a cell, longer texts on a heap) or as codes into the distinct values of a column: the cost grows with
the bytes of the file, never with rows times the longest cell.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from numpy.dtypes import StringDType

from credsup.core.errors import Problem
from credsup.registry.errors import RegistryError
from credsup.registry.schema import CELL_LIMIT, TableSpec

TEXT = StringDType()

#: Column kinds whose cells are few distinct words (dates, flags, names ...): kept as codes into the
#: distinct values, so typing and checking look at each distinct value once.
CODED = frozenset({"date", "enum", "bool", "int", "float", "name"})

#: Control characters no cell may hold: C0 controls and DEL. Free text (``text`` columns) may hold a
#: tab and line breaks (a quoted CSV value may span lines); no other kind may.
_CONTROL = {True: r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", False: r"[\x00-\x1f\x7f]"}
#: the bytes that are never control characters (for a quick look at a whole file first)
_PLAIN = bytes(range(32, 127)) + bytes(range(128, 256)) + b"\n\r"

#: Rows converted from Python lists to arrays at a time on the row-by-row path (bounds its memory).
_CHUNK_ROWS = 65_536
#: pyarrow's block: a row must fit in one (16 MiB holds a row of every column at the cell limit).
_BLOCK = 16 << 20


@attrs.frozen
class Cells:
    """One column of text cells: ``values[codes]``, or ``values`` itself when ``codes`` is None.

    ``values`` is a numpy ``StringDType`` array: the distinct cells of the column (coded columns), or
    every cell; short ASCII identifiers are fixed-width ``<U`` (at most :data:`SHORT` characters).
    Either way a cell costs at most 16 bytes (4 x SHORT for an identifier, 4 for a code), not the
    width of the longest cell.
    """

    values: np.ndarray
    codes: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.values) if self.codes is None else len(self.codes)

    def __getitem__(self, row: int) -> str:
        return str(self.values[row] if self.codes is None else self.values[self.codes[row]])

    def text(self) -> np.ndarray:
        """Every cell, as a ``StringDType`` array."""
        return self.values if self.codes is None else self.values[self.codes]

    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """``(values, codes)`` with ``values[codes]`` every cell (codes ``arange`` for an uncoded column)."""
        if self.codes is None:
            return self.values, np.arange(len(self.values), dtype=np.int64)
        return self.values, self.codes

    @staticmethod
    def empty(n: int) -> Cells:
        """``n`` empty cells (an optional column left out)."""
        return Cells(np.array([""], dtype=TEXT), np.zeros(n, dtype=np.int32))


@attrs.frozen
class RawTable:
    """The cells of one table as read: ``columns`` maps each header name to its :class:`Cells`."""

    spec: TableSpec
    #: what to call the table in messages: a file path, or ``url#table``
    where: str
    columns: Mapping[str, Cells]
    #: row -> CSV line number where the row starts (database tables: 1-based row number)
    lines: np.ndarray
    #: problems found while reading that concern single rows, by row index: (column, message); the
    #: column is empty for a problem of the whole row (wrong number of fields)
    row_problems: Mapping[int, tuple[str, str]]
    sha256: str
    from_database: bool = False

    def __len__(self) -> int:
        return len(self.lines)

    def slim(self) -> RawTable:
        """The same table without its cells, which a loaded frame no longer needs: only what
        :meth:`location` reads (the line numbers, and a database table's ids)."""
        keep = {"id": self.columns["id"]} if self.from_database and "id" in self.columns else {}
        return attrs.evolve(self, columns=keep)

    def location(self, row: int) -> str:
        """``file:line`` of a row (database: ``url#table[id]``, or ``url#table:n`` without an id)."""
        if self.from_database:
            ident = self.columns["id"][row] if "id" in self.columns else ""
            return f"{self.where}[{ident}]" if ident else f"{self.where}:{int(self.lines[row])}"
        return f"{self.where}:{int(self.lines[row])}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or a :class:`RegistryError` saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RegistryError([Problem(str(path), "", "file not found")]) from None
    except IsADirectoryError:
        raise RegistryError([Problem(str(path), "", "is a directory, expected a CSV file")]) from None
    except PermissionError:
        raise RegistryError([Problem(str(path), "", "permission denied")]) from None
    except OSError as exc:
        raise RegistryError([Problem(str(path), "", f"cannot be read ({exc.strerror or exc})")]) from None


# ------------------------------------------------------------------------------------ cell checks


def _to_numpy(arr: pa.Array) -> np.ndarray:
    """A pyarrow string array as a numpy ``StringDType`` array (nulls as empty strings)."""
    if len(arr) == 0:
        return np.zeros(0, dtype=TEXT)
    if arr.null_count:
        arr = arr.fill_null("")
    return arr.to_numpy(zero_copy_only=False).astype(TEXT)


#: Identifiers up to this many characters are held as fixed-width strings (``<U``): sorting and
#: searching them is several times faster than ``StringDType``, and at most 4 x this many bytes a
#: row do not make memory grow with a longer cell (a longer identifier keeps the variable width).
SHORT = 32


def _to_fixed(arr: pa.Array) -> np.ndarray | None:
    """An ASCII string array whose longest value is at most :data:`SHORT` characters as fixed-width
    ``<U`` (straight from pyarrow's buffer: no Python string per cell), else None."""
    if len(arr) == 0:
        return np.zeros(0, dtype="<U1")
    if arr.null_count:
        arr = arr.fill_null("")
    width = pc.max(pc.binary_length(arr)).as_py() or 0
    if width > SHORT or not pc.all(pc.string_is_ascii(arr)).as_py():
        return None
    if width == 0:
        return np.zeros(len(arr), dtype="<U1")
    # NUL-padded to one width, the values buffer holds one ASCII byte per character: widened to 32
    # bits it is numpy's UTF-32 ``<U`` layout (trailing NULs are padding to numpy, and a cell never
    # holds a NUL: cell_problems refuses it)
    padded = pc.utf8_rpad(arr, width=width, padding="\x00")
    codes = np.frombuffer(padded.buffers()[2], dtype=np.uint8, count=len(padded) * width)
    return codes.astype(np.uint32).view(f"<U{width}")


def cell_problems(arr: pa.Array, *, text: bool, known_clean: bool = False) -> dict[int, str]:
    """Position -> problem of every cell of ``arr`` that no column of its kind may hold.

    A cell (trimmed) longer than :data:`CELL_LIMIT` bytes in UTF-8, or holding a control character
    (a tab or a line break is allowed in free text, ``text=True``; spaces, tabs and line breaks
    around a cell are trimmed first, so they never count). ``known_clean`` skips
    the control-character search (the caller has seen that the file holds none).
    """
    out: dict[int, str] = {}
    if len(arr) == 0:
        return out
    lengths = pc.binary_length(arr)
    longest = pc.max(lengths).as_py() or 0
    if longest > CELL_LIMIT:
        for i in np.flatnonzero(lengths.fill_null(0).to_numpy() > CELL_LIMIT).tolist():
            size = lengths[i].as_py()
            out[i] = f"cell of {size:,} bytes is longer than the limit of {CELL_LIMIT:,} bytes"
    if not known_clean:
        found = pc.match_substring_regex(arr, _CONTROL[text]).fill_null(False).to_numpy(zero_copy_only=False)
        for i in np.flatnonzero(found).tolist():
            if i not in out:
                cell = arr[i].as_py()
                char = next(c for c in cell if (ord(c) < 32 or ord(c) == 127) and not (text and c in "\t\r\n"))
                allowed = " (and tabs and line breaks)" if text else ""
                out[i] = f"control character U+{ord(char):04X} in {cell[:40]!r}: cells hold printable text{allowed}"
    return out


def to_cells(arr: pa.Array | pa.ChunkedArray, kind: str, *, known_clean: bool = False) -> tuple[Cells, dict[int, str]]:
    """One raw column (pyarrow strings) -> stripped :class:`Cells` and its bad cells (emptied).

    Columns of the :data:`CODED` kinds are dictionary-encoded first: the checks and the conversion to
    numpy then touch each distinct value once.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    text = kind == "text"
    if kind in CODED:
        encoded = arr.dictionary_encode()
        indices = encoded.indices.fill_null(0) if encoded.indices.null_count else encoded.indices
        values, codes = encoded.dictionary, indices.to_numpy(zero_copy_only=False)
        if len(values) == 0:
            values = pa.array([""], type=pa.string())
            codes = np.zeros(len(arr), dtype=np.int32)
        trimmed = pc.utf8_trim_whitespace(values)
        bad_values = cell_problems(trimmed, text=text, known_clean=known_clean)
        stripped = _to_numpy(trimmed)
        problems: dict[int, str] = {}
        if bad_values:
            keys = np.fromiter(bad_values, dtype=np.int64)
            stripped[keys] = ""
            hit = np.isin(codes, keys)
            problems = {int(r): bad_values[int(codes[r])] for r in np.flatnonzero(hit)}
        return Cells(stripped, codes), problems
    trimmed = pc.utf8_trim_whitespace(arr)
    problems = cell_problems(trimmed, text=text, known_clean=known_clean)
    fixed = _to_fixed(trimmed) if kind in ("id", "ref") and not problems else None
    values = fixed if fixed is not None else _to_numpy(trimmed)
    if problems:
        values[np.fromiter(problems, dtype=np.int64)] = ""
    return Cells(values), problems


# ----------------------------------------------------------------------------------------- header


def check_header(header: Sequence[str], spec: TableSpec, where: str) -> None:
    """Duplicate, unknown and missing columns: one error listing every one."""
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(where, name, "column appears twice in the header"))
        seen.add(name)
        if name not in spec.names:
            import difflib

            close = difflib.get_close_matches(name, spec.names, n=1)
            hint = (
                f" (did you mean '{close[0]}'?)"
                if close
                else f"; the columns of {spec.name} are {', '.join(spec.names)}"
            )
            problems.append(Problem(where, name or "''", f"unknown column{hint}"))
    for col in spec.columns:
        if col.required and col.name not in seen:
            problems.append(Problem(where, col.name, f"required column is missing (header: {', '.join(header)})"))
    if problems:
        raise RegistryError(problems)


def _header(data: bytes, where: str, spec: TableSpec) -> list[str]:
    """The header line's names (stripped), checked against ``spec``."""
    end = data.find(b"\n")
    first_bytes = data if end < 0 else data[:end]
    try:
        first = first_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryError(
            [Problem(f"{where}:1", "", f"not UTF-8 text ({exc.reason}); save the file as UTF-8")]
        ) from None
    if not first.strip():
        raise RegistryError(
            [
                Problem(
                    f"{where}:1", "", f"no header line: the first line must name the columns ({', '.join(spec.names)})"
                )
            ]
        )
    try:
        header = [h.strip() for h in next(csv.reader([first]))]
    except csv.Error as exc:
        raise RegistryError([Problem(f"{where}:1", "", f"cannot read the header: {exc}")]) from None
    check_header(header, spec, f"{where}:1")
    return header


# --------------------------------------------------------------------------------------- CSV files


def read_csv(path: Path, spec: TableSpec) -> RawTable:
    """Read one CSV table; header problems (missing, duplicate or unknown columns) raise at once."""
    data = read_bytes(path)
    where = str(path)
    header = _header(data, where, spec)
    kinds = [spec.column(h).kind for h in header]
    # a control character anywhere but in line ends is rare: look once at the whole file, and search
    # the columns only when there is one (or when quoted values may hold line breaks)
    has_quotes = b'"' in data
    known_clean = not has_quotes and not data.translate(None, _PLAIN)
    parsed = _parse_arrow(data, len(header))
    lines = _arrow_lines(data, parsed.num_rows) if parsed is not None else None
    if parsed is None or lines is None:
        return _read_rows(data, path, spec, header, kinds)
    columns: dict[str, Cells] = {}
    bad: dict[int, tuple[str, str]] = {}
    for i, (name, kind) in enumerate(zip(header, kinds, strict=True)):
        cells, problems = to_cells(parsed.column(i), kind, known_clean=known_clean)
        columns[name] = cells
        for row, message in problems.items():
            bad.setdefault(row, (name, message))
    del parsed
    return RawTable(spec, where, columns, lines, dict(sorted(bad.items())), sha256_bytes(data))


def _parse_arrow(data: bytes, ncols: int) -> pa.Table | None:
    """Every data row as text with pyarrow's reader, or None when it cannot read the file as a whole."""
    names = [f"f{i}" for i in range(ncols)]
    try:
        return pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=_BLOCK),
            # a quoted value may hold a line break only if the file has a quote at all; without one,
            # pyarrow may split the file at any line end (faster)
            parse_options=pa_csv.ParseOptions(newlines_in_values=b'"' in data),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None


def _arrow_lines(data: bytes, rows: int) -> np.ndarray | None:
    """The start line of each of pyarrow's ``rows`` rows, or None if they cannot be matched to lines.

    A file whose every row is one line (blank lines only at the end) maps row ``i`` to line ``i + 2``.
    Otherwise the :mod:`csv` module walks the file and records where each non-blank row starts; if it
    finds another number of rows than pyarrow did, the caller reads the file with it alone.
    """
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    if data.count(b"\n", 0, end) == rows:
        return np.arange(2, rows + 2, dtype=np.int64)
    lines: list[int] = []
    try:
        # pyarrow has read every cell already: no field limit here (the cell limit is checked on them)
        with _field_limit(sys.maxsize):
            reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
            next(reader, None)
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if row and not (len(row) == 1 and not row[0].strip()):
                    lines.append(start)
    except (csv.Error, UnicodeDecodeError):
        return None
    return np.asarray(lines, dtype=np.int64) if len(lines) == rows else None


@contextlib.contextmanager
def _field_limit(limit: int = 4 * CELL_LIMIT) -> Iterator[None]:
    """The csv module's field limit, for one read; by default four times the cell limit (a cell of at
    most :data:`CELL_LIMIT` bytes has at most that many characters, so every cell the limit allows is
    read and longer ones up to four times it are reported with their column; beyond that the reader
    stops at the line)."""
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _read_rows(data: bytes, path: Path, spec: TableSpec, header: list[str], kinds: list[str]) -> RawTable:
    """The csv module, row by row: exact start lines, blank lines skipped, ragged rows recorded."""
    where = str(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistryError(
            [Problem(f"{where}:{line}", "", f"not UTF-8 text ({exc.reason}); save the file as UTF-8")]
        ) from None
    ncols = len(header)
    reader = csv.reader(io.StringIO(text, newline=""))
    chunks: list[list[pa.Array]] = [[] for _ in range(ncols)]
    pending: list[list[str]] = [[] for _ in range(ncols)]
    lines: list[int] = []
    ragged: dict[int, tuple[str, str]] = {}

    def flush() -> None:
        for i in range(ncols):
            if pending[i]:
                chunks[i].append(pa.array(pending[i], type=pa.string()))
                pending[i] = []

    line = 1
    try:
        with _field_limit():
            next(reader)  # header
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != ncols:
                    ragged[len(lines)] = ("", f"has {len(row)} field(s), the header has {ncols}")
                    row = (row + [""] * ncols)[:ncols]
                for i in range(ncols):
                    pending[i].append(row[i])
                lines.append(start)
                if len(pending[0]) >= _CHUNK_ROWS:
                    flush()
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a cell is longer than the limit of {CELL_LIMIT:,} bytes"
        raise RegistryError([Problem(f"{where}:{line}", "", f"cannot parse CSV: {message}")]) from None
    flush()
    del text
    columns: dict[str, Cells] = {}
    bad = dict(ragged)
    for i, (name, kind) in enumerate(zip(header, kinds, strict=True)):
        cells, problems = to_cells(pa.chunked_array(chunks[i], type=pa.string()), kind)
        chunks[i] = []
        columns[name] = cells
        for position, message in problems.items():
            bad.setdefault(position, (name, message))
    return RawTable(
        spec, where, columns, np.asarray(lines, dtype=np.int64), dict(sorted(bad.items())), sha256_bytes(data)
    )


# ------------------------------------------------------------------------------------------ databases


def is_url(location: str) -> bool:
    """A SQLAlchemy database URL (``sqlite:///registry.db``, ``postgresql://...``) rather than a path."""
    return "://" in location


def masked(url: str) -> str:
    """The URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _text(value: Any) -> str:
    """A database value as the text a CSV file would hold."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database, memory, or a ``file:`` URI)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return None
    db = parsed.database
    if parsed.drivername.startswith("sqlite") and db and db != ":memory:" and not db.startswith("file:"):
        return Path(db)
    return None


def connect(url: str, *, create: bool = True) -> Any:
    """An SQLAlchemy engine for ``url``, or a :class:`RegistryError` naming the URL.

    With ``create=False`` a SQLite file must already exist (SQLite would otherwise create an empty
    one, and a mistyped path would leave a stray file behind and report missing tables).
    """
    import sqlalchemy as sa

    if not create:
        db = sqlite_file(url)
        if db is not None and not db.exists():
            raise RegistryError([Problem(masked(url), "", f"database file not found: {db}")])
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
    except Exception as exc:
        raise RegistryError(
            [
                Problem(
                    masked(url),
                    "",
                    f"cannot open the database: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                )
            ]
        ) from None
    return engine


def table_names(engine: Any) -> set[str]:
    import sqlalchemy as sa

    return set(sa.inspect(engine).get_table_names())


def read_sql(engine: Any, url: str, spec: TableSpec) -> RawTable:
    """Read one table of a database the same way as its CSV file (every value as text, the same checks)."""
    import sqlalchemy as sa

    where = f"{masked(url)}#{spec.name}"
    header = [c["name"] for c in sa.inspect(engine).get_columns(spec.name)]
    check_header(header, spec, where)
    table = sa.Table(spec.name, sa.MetaData(), *[sa.Column(h) for h in header])
    query = sa.select(*table.columns)
    if "id" in header:
        query = query.order_by(table.c.id)
    chunks: list[list[pa.Array]] = [[] for _ in header]
    n = 0
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(query)
            for part in result.partitions(_CHUNK_ROWS):
                for i, col in enumerate(zip(*part, strict=True)):
                    chunks[i].append(pa.array([_text(v) for v in col], type=pa.string()))
                n += len(part)
    except Exception as exc:
        raise RegistryError([Problem(where, "", f"cannot read the table: {type(exc).__name__}: {exc}")]) from None
    columns: dict[str, Cells] = {}
    bad: dict[int, tuple[str, str]] = {}
    for i, name in enumerate(header):
        cells, problems = to_cells(pa.chunked_array(chunks[i], type=pa.string()), spec.column(name).kind)
        chunks[i] = []
        columns[name] = cells
        for row, message in problems.items():
            bad.setdefault(row, (name, message))
    digest = _table_sha256(header, columns, n)
    lines = np.arange(1, n + 1, dtype=np.int64)
    return RawTable(spec, where, columns, lines, dict(sorted(bad.items())), digest, from_database=True)


def _table_sha256(header: Sequence[str], columns: Mapping[str, Cells], n: int) -> str:
    """SHA-256 of a database table's cells in id order, as the CSV export of it would read."""
    digest = hashlib.sha256()
    texts = [columns[h].text() for h in header]

    def rows_text(rows: Any) -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode("utf-8")

    digest.update(rows_text([header]))
    for start in range(0, n, _CHUNK_ROWS):
        digest.update(rows_text(zip(*(t[start : start + _CHUNK_ROWS].tolist() for t in texts), strict=True)))
    return digest.hexdigest()
