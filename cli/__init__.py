"""The command-line interface (click). ``credsup --help`` lists the commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def extra_file_kinds() -> dict[str, Callable[[str], Any]]:
    """Top-level TOML key -> loader, for config kinds beyond jurisdiction and scenario files."""
    from credsup.experiments.sweep import prepare

    kinds: dict[str, Callable[[str], Any]] = {"sweep": prepare}  # every point validated, nothing run
    from credsup.calibration.calibrate import prepare as prepare_calibration
    from credsup.calibration.targets import load_targets

    kinds["calibration"] = prepare_calibration  # targets, scenario and free parameters checked, nothing run
    kinds["targets"] = load_targets
    return kinds
