"""Scenario configs: the population a policy is played against, and the simulation calendar.

A scenario is a plain TOML file (``configs/scenarios/<name>.toml``) validated into :class:`Scenario`.
Built-in scenarios are found by name; any other path is read as a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from credsup.core.config import load_plain
from credsup.core.errors import InputError
from credsup.core.params import fraction, param, require

SCENARIO_DIR = files("credsup.configs") / "scenarios"


@attrs.frozen
class Sector:
    name: str
    share: float = fraction("share of enterprises in this sector")
    key: bool = attrs.field(default=False, metadata={"doc": "key-supervision field (seed 003 para 8)"})
    emerging: bool = attrs.field(default=False, metadata={"doc": "emerging industry (seed 003 para 12)"})


@attrs.frozen
class SizeShares:
    micro: float = fraction()
    small: float = fraction()
    medium: float = fraction()
    large: float = fraction()

    def __attrs_post_init__(self) -> None:
        total = self.micro + self.small + self.medium + self.large
        require(abs(total - 1.0) < 1e-6, "large", f"size shares must sum to 1 (they sum to {total:g})")


@attrs.frozen
class Population:
    enterprises: int = param(lo=1, hi=20_000_000, doc="number of enterprises")
    sectors: tuple[Sector, ...] = attrs.field()
    sizes: SizeShares = attrs.field()
    mean_age_years: float = param(lo=0.1, hi=100.0, doc="mean age at the start", unit="years")

    def __attrs_post_init__(self) -> None:
        require(len(self.sectors) > 0, "sectors", "at least one sector is needed")
        total = sum(s.share for s in self.sectors)
        require(abs(total - 1.0) < 1e-6, "sectors", f"sector shares must sum to 1 (they sum to {total:g})")
        names = [s.name for s in self.sectors]
        dup = sorted({n for n in names if names.count(n) > 1})
        require(not dup, "sectors", f"duplicate sector names: {', '.join(dup)}")


@attrs.frozen
class Scenario:
    """A population and a calendar to play a policy against."""

    scenario: str
    start: dt.date
    months: int = param(lo=1, hi=600, doc="number of monthly periods", unit="months")
    population: Population = attrs.field()
    title: str = ""


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``configs/scenarios``."""
    return sorted(p.name.removesuffix(".toml") for p in SCENARIO_DIR.iterdir() if p.name.endswith(".toml"))


def scenario_path(name_or_path: str) -> Any:
    """A built-in scenario's file by name, or the given path if it is a file."""
    candidate = SCENARIO_DIR / f"{name_or_path}.toml"
    if "/" not in name_or_path and not name_or_path.endswith(".toml") and candidate.is_file():
        return candidate
    path = Path(name_or_path)
    if path.is_file():
        return path
    raise InputError(
        f"unknown scenario '{name_or_path}': not a built-in scenario ({', '.join(builtin_scenarios())}) "
        "and no such file")


def load_scenario(name_or_path: str, overrides: Sequence[tuple[str, Any]] = ()) -> Scenario:
    """Load and validate a scenario by built-in name or path; ``overrides`` as from ``--set``."""
    return load_plain(scenario_path(str(name_or_path)), Scenario, overrides=overrides)
