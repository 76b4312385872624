"""The command-line interface (click). ``credsup --help`` lists the commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def extra_file_kinds() -> dict[str, Callable[[str], Any]]:
    """Top-level TOML key -> loader, for config kinds beyond jurisdiction and scenario files."""
    from credsup.experiments.sweep import prepare

    kinds: dict[str, Callable[[str], Any]] = {"sweep": prepare}  # every point validated, nothing run
    return kinds
