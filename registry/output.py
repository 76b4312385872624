"""Writing results: CSV with a fixed column order, ``\\n`` line ends and the same bytes for the same
data; files written whole or not at all, with the umask's permissions, never over an input."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from credsup.core.batch import EnterpriseBatch
from credsup.core.errors import InputError

_CHUNK = 100_000


def _as_list(values: np.ndarray) -> list[str]:
    """One column as the texts the csv module writes for it: ``str()`` of each value, ``""`` for None."""
    if values.dtype.kind in "UT":
        return values.tolist()
    if values.dtype.kind in "biu":
        return values.astype(str).tolist()  # the same digits (and True/False) as str()
    items = values.tolist()
    if set(map(type, items)) <= {str}:  # exactly str, as the csv module writes it
        return items
    return ["" if v is None else str(v) for v in items]


def csv_chunks(columns: Mapping[str, np.ndarray]) -> Iterator[str]:
    """Columns (name -> array of equal length) as CSV text with a header line, in chunks of rows.

    Byte for byte what ``csv.writer(lineterminator="\n")`` writes (published plans are verified by
    their SHA-256). The rows are joined with plain string joins, about twice as fast as the csv
    module; when a chunk shows a field that would need quoting (a comma too many, a quote, a line
    break or a carriage return) the csv module writes that chunk instead. Chunks of
    :data:`_CHUNK` rows keep the Python strings of a million rows from existing all at once.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(list(columns))
    yield out.getvalue()
    arrays = [np.asarray(v) for v in columns.values()]
    n = len(arrays[0]) if arrays else 0
    for start in range(0, n, _CHUNK):
        lists = [_as_list(a[start : start + _CHUNK]) for a in arrays]
        rows = len(lists[0])
        body = "\n".join(map(",".join, zip(*lists, strict=True))) + "\n"
        plain = (
            len(lists) > 1  # the csv module writes a lone empty field as ""
            and body.count(",") == rows * (len(lists) - 1)
            and body.count("\n") == rows
            and '"' not in body
            and "\r" not in body
        )
        if not plain:
            chunk = io.StringIO()
            csv.writer(chunk, lineterminator="\n").writerows(zip(*lists, strict=True))
            body = chunk.getvalue()
        yield body


def csv_text(columns: Mapping[str, np.ndarray]) -> str:
    """:func:`csv_chunks` as one string."""
    return "".join(csv_chunks(columns))


def batch_table(batch: EnterpriseBatch, ids: np.ndarray) -> dict[str, np.ndarray]:
    """An :class:`EnterpriseBatch` as CSV columns: ``enterprise`` first, dates ISO (empty for NaT),
    coded columns by name (sector, external listing region)."""
    out: dict[str, np.ndarray] = {"enterprise": ids}
    for spec in EnterpriseBatch.columns():
        values = getattr(batch, spec.name)
        if spec.vocabulary:
            labels = np.array(["", *getattr(batch, spec.vocabulary)])
            values = labels[values.astype(np.int64) + 1]
        elif spec.dtype.kind == "M":
            values = np.where(np.isnat(values), "", values.astype(str))
        elif spec.dtype.kind == "b":
            values = np.where(values, "true", "false")
        out[spec.name] = values
    return out


# --------------------------------------------------------------------------------------- writing files


def _umask() -> int:
    """The process's umask (read from /proc where the kernel shows it; else set and restored)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string, or chunks of one) to ``path``: whole or not at all.

    The text goes to a temporary file in the same folder, flushed to disk, then renamed over
    ``path``; on any error the temporary file is removed and ``path`` is untouched. Permissions are
    those of any new file (``0666`` less the umask), as ``open()`` would give; a file that is replaced
    keeps its own mode, as with the shell's ``>`` (a plan someone made world-readable stays so).
    """
    path = Path(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, mode)  # mkstemp makes 0600 files whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            for chunk in [text] if isinstance(text, str) else text:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return a.resolve() == b.resolve()


def registry_inputs(location: str) -> list[tuple[str, Path]]:
    """The files a registry at ``location`` is read from, named: every table file of a registry
    folder (existing or not: writing one would add a table), or the file of a SQLite database."""
    from credsup.registry.reading import is_url, sqlite_file
    from credsup.registry.schema import INSPECTORS, REGISTRY_TABLES

    if is_url(location):
        db = sqlite_file(location)
        return [("the registry database", db)] if db is not None else []
    folder = Path(location)
    return [(f"the registry's {s.name} table", folder / s.file) for s in (*REGISTRY_TABLES, INSPECTORS)]


def refuse_overwriting_inputs(outputs: Mapping[str, str | None], inputs: Iterable[tuple[str, Path]]) -> None:
    """An :class:`InputError` if an output (``option -> path``) would write over an input or over
    another output of the same command; checked before any work, so nothing is written."""
    inputs = list(inputs)
    given = [(option, Path(path)) for option, path in outputs.items() if path]
    for i, (option, out) in enumerate(given):
        for what, path in inputs:
            if _same_file(out, path):
                raise InputError(
                    f"{option} {out}: is {what} ({path}), an input of this command; write the output elsewhere"
                )
        for other, out2 in given[:i]:
            if _same_file(out, out2):
                raise InputError(f"{option} {out}: is also given to {other}; give each output its own file")
