"""Writing output files safely: whole or not at all, with the umask's permissions, never over an input.

Every command that writes a file goes through here (issue 18 point 3, issue 19 point 6):

* :func:`write_atomic` writes to a temporary file in the same folder, flushes it to disk and renames it
  over the target; the new file gets ``0666`` less the umask (``mkstemp`` alone would give ``0600``),
  a replaced file keeps its own mode, as with the shell's ``>``;
* :func:`check_output_file` refuses an output that is one of the command's inputs (or its database),
  and an existing file unless ``--force``;
* :func:`check_output_dir` does the same for a folder of outputs: a folder is credsup's to write into
  when it is new, empty, or holds the marker file :data:`MARKER` that credsup leaves in every output
  folder it writes (so ``--out report/`` may be given again and again); any other existing folder
  needs ``--force``.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from credsup.core.errors import InputError

#: The file credsup leaves in an output folder it writes: files it names there may be replaced.
MARKER = ".credsup-output"
MARKER_TEXT = (
    "This folder holds files written by credsup (a report, plots, tables or a generated registry).\n"
    "The next credsup command given this folder as --out may replace the files it writes here.\n"
)

Inputs = Iterable[tuple[str, Path]]


def umask() -> int:
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


def write_atomic(path: str | Path, data: str | bytes | Iterable[str]) -> None:
    """Write ``data`` (text, bytes, or chunks of text) to ``path``: whole or not at all.

    The data goes to a temporary file in the same folder, flushed to disk, then renamed over ``path``;
    on any error the temporary file is removed and ``path`` is untouched. Permissions are those of any
    new file (``0666`` less the umask), as ``open()`` would give; a file that is replaced keeps its own
    mode, as with the shell's ``>`` (a plan someone made world-readable stays so). Raises
    :class:`InputError` naming the file when it cannot be written.
    """
    path = Path(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, mode)  # mkstemp makes 0600 files whatever the umask
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as fb:
                fb.write(data)
                fb.flush()
                os.fsync(fb.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                for chunk in [data] if isinstance(data, str) else data:
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


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (by inode when both exist, else by resolved path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return a.resolve() == b.resolve()


def refuse_overwriting_inputs(outputs: Mapping[str, str | Path | None], inputs: Inputs) -> None:
    """An :class:`InputError` if an output (``option -> path``) would write over an input or over
    another output of the same command; checked before any work, so nothing is written."""
    inputs = list(inputs)
    given = [(option, Path(path)) for option, path in outputs.items() if path]
    for i, (option, out) in enumerate(given):
        for what, path in inputs:
            if same_file(out, path):
                raise InputError(
                    f"{option} {out}: is {what} ({path}), an input of this command; write the output elsewhere"
                )
        for other, out2 in given[:i]:
            if same_file(out, out2):
                raise InputError(f"{option} {out}: is also given to {other}; give each output its own file")


def check_output_file(option: str, path: str | Path | None, *, force: bool, inputs: Inputs = ()) -> None:
    """Refuse, before any work, ``option path`` when it is one of ``inputs`` (named: ``("the results
    database", Path)``), a folder, or an existing file without ``force``."""
    if not path:
        return
    refuse_overwriting_inputs({option: path}, inputs)
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{option} {p}: is a folder; give a file name")
    if (p.exists() or p.is_symlink()) and not force:
        raise InputError(f"{option} {p}: the file exists; add --force to replace it, or give another name")


def credsup_owns(folder: Path) -> bool:
    """Whether credsup may write into ``folder`` without ``--force``: it does not exist, is empty, or
    holds the :data:`MARKER` of an earlier credsup output."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())


def check_output_dir(
    option: str, folder: str | Path | None, *, force: bool, inputs: Inputs = (), names: Iterable[str] = ()
) -> Path | None:
    """Refuse, before any work, an output folder that is a file, that is not credsup's (see
    :func:`credsup_owns`) without ``force``, or where one of the files credsup writes (``names``,
    relative to the folder) is one of ``inputs`` or holds one. Returns the folder as a Path."""
    if not folder:
        return None
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise InputError(f"cannot create output folder {out} ({option}): a file of that name exists")
    inputs = list(inputs)
    for what, path in inputs:
        if same_file(out, path):
            raise InputError(f"{option} {out}: is {what} ({path}), an input of this command; write elsewhere")
        for name in names:
            target = out / name
            if same_file(target, path) or (target.is_dir() and path.resolve().is_relative_to(target.resolve())):
                raise InputError(
                    f"{option} {out}: credsup would write {target} there, which is {what} ({path}); write elsewhere"
                )
    if not force and not credsup_owns(out):
        raise InputError(
            f"{option} {out}: the folder exists and holds files credsup did not write; add --force to write "
            "into it anyway, or give a new or empty folder"
        )
    return out


def claim_output_dir(folder: Path) -> None:
    """Create ``folder`` (with its parents) and leave the :data:`MARKER` in it; an :class:`InputError`
    naming the folder when it cannot be created or written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {folder}: {exc.strerror or exc}") from None
    if not (folder / MARKER).is_file():
        write_atomic(folder / MARKER, MARKER_TEXT)
