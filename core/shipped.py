"""Files credsup ships in ``configs/<kind>/`` (scenarios, sweeps, targets): their names, and what a
command-line name or path resolves to."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path

from credsup.core.errors import InputError


def shipped_names(folder: Traversable) -> list[str]:
    """The names (file names less ``.toml``) of the TOML files in ``folder``, sorted."""
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def shipped_or_path(name_or_path: str, folder: Traversable, unknown: Callable[[], str]) -> Path:
    """``folder/<name>.toml`` when ``name_or_path`` is a bare name (no ``/``, no ``.toml``) of a shipped
    file, else ``name_or_path`` itself if it is a file; otherwise :class:`InputError` with the message
    ``unknown()`` (which names the shipped files)."""
    candidate = folder / f"{name_or_path}.toml"
    if "/" not in name_or_path and not name_or_path.endswith(".toml") and candidate.is_file():
        return Path(str(candidate))
    path = Path(name_or_path)
    if path.is_file():
        return path
    raise InputError(unknown())
