"""Free parameters (``--free KEY=LO..HI``) and calibration spec files.

A free parameter is a key as ``--set`` takes it (``scenario.behaviour.honesty.mean``, or a parameter of the
jurisdiction) with a range: the calibration searches the box of the ranges. :func:`parse_free` reads the
command-line form; a calibration spec file (``calibration = "<name>"``, docs/calibration.md) names the
same things as the command line::

    calibration = "demo-dandong"
    targets = "dandong-2023"             # a shipped targets file, or a path relative to this file
    scenario = "demo"
    replications = 4
    seed = 20250601

    [fixed]                              # the same at every point (keys as --set)
    "scenario.months" = 36

    [free]
    "scenario.behaviour.honesty.mean" = { low = 0.5, high = 0.95 }
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from credsup.core.config import read_toml, structure
from credsup.core.errors import ConfigError, Problem
from credsup.core.params import param


@attrs.frozen
class FreeParameter:
    """A parameter the calibration fits, within ``[low, high]``; whole numbers for an ``integer`` one."""

    key: str
    low: float
    high: float
    integer: bool = False

    @property
    def width(self) -> float:
        return self.high - self.low

    def value(self, unit: float) -> float | int:
        """The parameter's value at ``unit`` in [0, 1] of its range (rounded for a whole-number one); always
        within ``[low, high]``, however the arithmetic rounds (0.3 + 1.0 * 0.6 is 0.9000000000000001)."""
        x = min(max(self.low + unit * self.width, self.low), self.high)
        return int(round(x)) if self.integer else float(x)

    def unit(self, value: float) -> float:
        return (float(value) - self.low) / self.width

    def describe(self) -> dict[str, Any]:
        return {"key": self.key, "low": self.low, "high": self.high, "integer": self.integer}


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def parse_free(text: str, origin: str = "--free") -> FreeParameter | Problem:
    """``"scenario.behaviour.honesty.mean=0.5..0.95"`` -> a :class:`FreeParameter`, or the problem."""
    key, sep, rest = text.partition("=")
    key = key.strip()
    if not sep or not key:
        return Problem(origin, text, "expected KEY=LOW..HIGH (a key as --set takes it, and its range)")
    low_text, dots, high_text = rest.partition("..")
    low, high = _number(low_text.strip()), _number(high_text.strip())
    if not dots or low is None or high is None:
        return Problem(origin, key, f"expected a range LOW..HIGH of two finite numbers, got {rest.strip()!r}")
    return check_range(key, low, high, origin, key)


def check_range(key: str, low: float, high: float, file: str, where: str) -> FreeParameter | Problem:
    if not low < high:
        return Problem(file, where, f"empty range: {low:g}..{high:g} (the low end must be below the high end)")
    return FreeParameter(key=key, low=float(low), high=float(high))


def from_table(table: Mapping[str, Any], file: str) -> tuple[list[FreeParameter], list[Problem]]:
    """A spec's ``[free]`` table: ``"key" = { low = ..., high = ... }`` each."""
    out: list[FreeParameter] = []
    problems: list[Problem] = []
    for key, value in table.items():
        where = f'free."{key}"'
        if not isinstance(value, dict) or set(value) != {"low", "high"}:
            problems.append(Problem(file, where, "write { low = ..., high = ... }"))
            continue
        lo, hi = value["low"], value["high"]
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in (lo, hi)):
            problems.append(Problem(file, where, f"low and high must be finite numbers (got {lo!r} and {hi!r})"))
            continue
        found = check_range(key, lo, hi, file, where)
        (problems if isinstance(found, Problem) else out).append(found)  # type: ignore[arg-type]
    return out, problems


@attrs.frozen
class CalibrationSpec:
    """A calibration spec file as written: what ``credsup calibrate TARGETS --scenario ... --free ...`` says."""

    calibration: str
    targets: str
    scenario: str
    free: dict[str, Any]
    title: str = ""
    jurisdiction: str | None = None
    replications: int | None = param(lo=1, hi=10_000, default=None, doc="runs per point")
    seed: int | None = param(lo=0, default=None, doc="the calibration's seed")
    design_points: int | None = param(lo=1, hi=100_000, default=None, doc="points of the start design")
    max_evaluations: int | None = param(lo=1, hi=1_000_000, default=None, doc="points the search may evaluate")
    fixed: dict[str, Any] = attrs.field(factory=dict)


def load_spec(path: str | Path) -> tuple[CalibrationSpec, list[FreeParameter]]:
    """Read a calibration spec file; raises :class:`ConfigError` naming the file and key."""
    file = str(path)
    raw = read_toml(path)
    spec = structure(raw, CalibrationSpec, file)
    free, problems = from_table(spec.free, file)
    if not spec.free:
        problems.append(Problem(file, "free", "name at least one free parameter"))
    for key in spec.free:
        if key in spec.fixed:
            problems.append(Problem(file, f'fixed."{key}"', "also a free parameter: keep it in one place"))
    if problems:
        raise ConfigError(problems)
    return spec, free


def is_spec(path: str | Path) -> bool:
    """Whether a file is a calibration spec (top-level key ``calibration``) rather than a targets file."""
    try:
        return "calibration" in read_toml(path)
    except ConfigError:
        return False


__all__ = ["CalibrationSpec", "FreeParameter", "from_table", "is_spec", "load_spec", "parse_free"]
