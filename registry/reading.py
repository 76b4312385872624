"""Reading raw registry tables: CSV files in a folder, or tables of a database (SQLAlchemy URL).

A raw table is text: one numpy string array per column, every cell stripped, and the location of each
row (the CSV line it starts on, or the database row's id) for error messages. Typing and validation are
:mod:`credsup.registry.load`'s job; this module only gets the cells out, fast, and says exactly where
each came from.

CSV files are UTF-8 (a byte-order mark is allowed), comma-separated, with a header line and RFC 4180
quoting. Reading a million rows goes through numpy's C parser (``numpy.loadtxt``); when a file has blank
lines or quoted line breaks (so a row's line number is not simply its position plus two) or rows of the
wrong length, it is read again with the :mod:`csv` module, which tracks every row's line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from credsup.core.errors import Problem
from credsup.registry.errors import RegistryError
from credsup.registry.schema import TableSpec


@attrs.frozen
class RawTable:
    """The cells of one table as read: ``columns`` maps each header name to a string array."""

    spec: TableSpec
    #: what to call the table in messages: a file path, or ``url#table``
    where: str
    columns: Mapping[str, np.ndarray]
    #: row -> CSV line number where the row starts (database tables: 1-based row number)
    lines: np.ndarray
    #: problems found while reading that concern single rows (wrong number of fields), by row index
    row_problems: Mapping[int, str]
    sha256: str
    from_database: bool = False

    def __len__(self) -> int:
        return len(self.lines)

    def location(self, row: int) -> str:
        """``file:line`` of a row (database: ``url#table[id]``, or ``url#table:n`` without an id)."""
        if self.from_database:
            ident = self.columns["id"][row] if "id" in self.columns else ""
            return f"{self.where}[{ident}]" if ident else f"{self.where}:{int(self.lines[row])}"
        return f"{self.where}:{int(self.lines[row])}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _strip(values: Any) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == object:
        arr = arr.astype(str) if len(arr) else np.zeros(0, dtype="<U1")
    return np.strings.strip(arr)


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistryError(
            [Problem(f"{path}:{line}", "", f"not UTF-8 text ({exc.reason}); save the file as UTF-8")]
        ) from None


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


def read_csv(path: Path, spec: TableSpec) -> RawTable:
    """Read one CSV table; header problems (missing, duplicate or unknown columns) raise at once."""
    data = read_bytes(path)
    text = _decode(path, data)
    where = str(path)
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
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
    cells, lines, bad = _rows_fast(text, len(header))
    if cells is None:
        cells, lines, bad = _rows_exact(text, len(header), where)
    columns = {name: _strip(cells[:, i]) for i, name in enumerate(header)}
    return RawTable(spec, where, columns, lines, bad, sha256_bytes(data))


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


def _rows_fast(text: str, ncols: int) -> tuple[np.ndarray | None, np.ndarray, dict[int, str]]:
    """numpy's C parser; gives up (None) unless row i is exactly line i + 2 and every row is whole."""
    newlines = text.count("\n")
    data_lines = newlines - 1 if text.endswith("\n") else newlines
    if data_lines <= 0:
        return np.zeros((0, ncols), dtype=object), np.zeros(0, dtype=np.int64), {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cells = np.loadtxt(
                io.StringIO(text), dtype=object, delimiter=",", quotechar='"', skiprows=1, comments=None, ndmin=2
            )
    except ValueError:
        return None, np.zeros(0, dtype=np.int64), {}
    if cells.shape != (data_lines, ncols):
        return None, np.zeros(0, dtype=np.int64), {}
    return cells, np.arange(2, data_lines + 2, dtype=np.int64), {}


def _rows_exact(text: str, ncols: int, where: str) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """The csv module, row by row: exact start lines, blank lines skipped, ragged rows recorded."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: dict[int, str] = {}
    line = 1
    try:
        next(reader)  # header
        line = reader.line_num + 1
        for row in reader:
            start, line = line, reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != ncols:
                bad[len(rows)] = f"has {len(row)} field(s), the header has {ncols}"
                row = (row + [""] * ncols)[:ncols]
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:
        raise RegistryError([Problem(f"{where}:{line}", "", f"cannot parse CSV: {exc}")]) from None
    cells = np.empty((len(rows), ncols), dtype=object)
    if rows:
        cells[:] = rows
    return cells, np.asarray(lines, dtype=np.int64), bad


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
    return str(value)


def connect(url: str, *, create: bool = True) -> Any:
    """An SQLAlchemy engine for ``url``, or a :class:`RegistryError` naming the URL.

    With ``create=False`` a SQLite file must already exist (SQLite would otherwise create an empty
    one, and a mistyped path would leave a stray file behind and report missing tables).
    """
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    if not create:
        try:
            parsed = make_url(url)
        except Exception:
            parsed = None
        db = parsed.database if parsed is not None else None
        if (
            parsed is not None
            and parsed.drivername.startswith("sqlite")
            and db
            and db != ":memory:"
            and not db.startswith("file:")
            and not Path(db).exists()
        ):
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
    """Read one table of a database the same way as its CSV file (every value as text)."""
    import sqlalchemy as sa

    where = f"{masked(url)}#{spec.name}"
    header = [c["name"] for c in sa.inspect(engine).get_columns(spec.name)]
    check_header(header, spec, where)
    table = sa.Table(spec.name, sa.MetaData(), *[sa.Column(h) for h in header])
    query = sa.select(*table.columns)
    if "id" in header:
        query = query.order_by(table.c.id)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    except Exception as exc:
        raise RegistryError([Problem(where, "", f"cannot read the table: {type(exc).__name__}: {exc}")]) from None
    columns = {}
    digest = hashlib.sha256()
    for i, name in enumerate(header):
        values = [_text(r[i]) for r in rows]
        columns[name] = _strip(np.array(values, dtype=str) if values else np.zeros(0, dtype="<U1"))
    # the hash covers the table's content in id order, as the CSV export of it would read
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*(columns[h].tolist() for h in header), strict=True) if rows else [])
    digest.update(out.getvalue().encode("utf-8"))
    lines = np.arange(1, len(rows) + 1, dtype=np.int64)
    return RawTable(spec, where, columns, lines, {}, digest.hexdigest(), from_database=True)
