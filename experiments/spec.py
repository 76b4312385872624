"""Sweep specs: the parameters to vary, the design that picks their values, and the outcomes to study.

A sweep spec is a plain TOML file whose top-level key ``sweep = "<name>"`` says what it is (docs/sweeps.md
has the format)::

    sweep = "capacity-x-d-rate"
    scenario = "demo"                      # built-in name, or a path relative to this file
    jurisdictions = ["national", "shanghai"]
    replications = 2
    seed = 20250601
    outcomes = ["violation_prevalence", "hit_rate"]
    design = "grid"                        # grid | latin | sobol

    [fixed]                                # the same at every point (keys as for --set)
    "scenario.population.enterprises" = 5000

    [parameters]                           # keys as for --set; listed values or { low, high } ranges
    "scenario.regulator.inspectors" = [15, 30, 60]
    "inspection.rate_per_year.D" = [0.3, 0.6, 1.0]

:func:`load_spec` checks the file's structure (strict cattrs, as every config) and everything that can
be checked without loading a jurisdiction: known outcomes, a design that fits its parameters. Whether each
key names a parameter and each value is valid for it is checked by :func:`credsup.experiments.sweep.prepare`
at every point, through the same code as ``--set``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from credsup.core.config import read_toml, structure
from credsup.core.errors import ConfigError, Problem
from credsup.core.params import MAX_SEED, name_problem, param
from credsup.core.shipped import shipped_names, shipped_or_path

SWEEP_DIR = files("credsup.configs") / "sweeps"

#: How parameter values are chosen. ``grid``: every combination of listed values; ``latin``: ``samples``
#: points by Latin hypercube over the ranges; ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence,
#: ``samples`` x (parameters + 2) points, from which first-order and total Sobol indices are estimated.
DESIGNS = ("grid", "latin", "sobol")
#: The most runs per point and jurisdiction (a sweep's ``replications``, ``compare --replications``).
MAX_REPLICATIONS = 1_000_000
#: The most points a sweep may have: assumption, every point is validated before anything runs (a few
#: milliseconds each) and a design of more points is a typo (100,000 points of one half-second run each are
#: already a week of a two-core machine).
MAX_POINTS = 100_000
#: The most runs an experiment may plan (points x jurisdictions x replications), for the same reason.
MAX_RUNS = 10_000_000


@attrs.frozen
class SweepSpec:
    """A sweep spec file as written (validated for types and unknown keys)."""

    sweep: str
    scenario: str
    jurisdictions: tuple[str, ...]
    outcomes: tuple[str, ...]
    parameters: dict[str, Any]
    replications: int = param(lo=1, hi=MAX_REPLICATIONS, default=1, doc="runs per point and jurisdiction")
    seed: int | None = param(lo=0, hi=MAX_SEED, default=None, doc="the sweep's seed (default: fresh entropy)")
    design: str = "grid"
    samples: int | None = param(
        lo=1, hi=10_000_000, default=None, doc="latin: number of points; sobol: base samples N (a power of 2)"
    )
    title: str = ""
    fixed: dict[str, Any] = attrs.field(factory=dict)
    #: an efficiency frontier (``credsup frontier``): its page plots each outcome against inspections spent
    frontier: bool = False


@attrs.frozen
class Variation:
    """One parameter of a sweep: listed ``values`` (grid) or a range ``[low, high]`` (latin, sobol)."""

    key: str
    values: tuple[Any, ...] = ()
    low: float = math.nan
    high: float = math.nan

    @property
    def is_range(self) -> bool:
        return not self.values

    def describe(self) -> Any:
        """As written in the spec: a list, or ``{"low": .., "high": ..}``."""
        return {"low": self.low, "high": self.high} if self.is_range else list(self.values)


@attrs.frozen
class Sweep:
    """A loaded spec: the file's fields, its parameters as :class:`Variation`, where it came from."""

    spec: SweepSpec
    variations: tuple[Variation, ...]
    path: str
    raw: dict[str, Any]

    @property
    def name(self) -> str:
        return self.spec.sweep


def builtin_sweeps() -> list[str]:
    """Names of the example sweeps shipped in ``configs/sweeps``."""
    return shipped_names(SWEEP_DIR)


def sweep_path(name_or_path: str) -> Path:
    """A shipped sweep's file by name, or the given path if it is a file."""
    return shipped_or_path(
        name_or_path,
        SWEEP_DIR,
        lambda: (
            f"unknown sweep '{name_or_path}': no such file, and not a shipped example "
            f"({', '.join(builtin_sweeps()) or 'none'})"
        ),
    )


def _suggest(word: str, known: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def key_path(section: str, key: str) -> str:
    """How a problem names a key of a table: ``parameters."inspection.rate_per_year.D"``."""
    return f'{section}."{key}"' if "." in key or ":" in key else f"{section}.{key}"


def _variation(key: str, value: Any, file: str) -> Variation | Problem:
    where = key_path("parameters", key)
    if isinstance(value, list):
        if not value:
            return Problem(file, where, "an empty list: give at least one value")
        dup = [v for i, v in enumerate(value) if v in value[:i]]
        if dup:
            return Problem(file, where, f"value listed twice: {dup[0]!r}")
        return Variation(key, values=tuple(value))
    if isinstance(value, dict):
        extra = sorted(set(value) - {"low", "high"})
        if extra:
            return Problem(file, f"{where}.{extra[0]}", "unknown key: a range is { low = ..., high = ... }")
        for bound in ("low", "high"):
            v = value.get(bound)
            if v is None:
                return Problem(file, f"{where}.{bound}", "required key missing: a range is { low = ..., high = ... }")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                return Problem(file, f"{where}.{bound}", f"expected a number, got {v!r}")
        if not value["low"] < value["high"]:
            return Problem(file, where, f"low must be below high (got {value['low']!r} and {value['high']!r})")
        return Variation(key, low=float(value["low"]), high=float(value["high"]))
    return Problem(file, where, f"expected a list of values or a range {{ low = ..., high = ... }}, got {value!r}")


def check_spec(spec: SweepSpec, file: str) -> tuple[tuple[Variation, ...], list[Problem]]:
    """Everything that can be checked without loading a plugin; returns the variations and the problems."""
    from credsup.results.outcomes import unknown as unknown_outcome
    from credsup.simulation.metrics import METRICS

    problems: list[Problem] = []
    if name_problem(spec.sweep):
        problems.append(Problem(file, "sweep", name_problem(spec.sweep)))
    if not spec.jurisdictions:
        problems.append(Problem(file, "jurisdictions", "name at least one jurisdiction"))
    dup = sorted({j for j in spec.jurisdictions if spec.jurisdictions.count(j) > 1})
    if dup:
        problems.append(Problem(file, "jurisdictions", f"listed twice: {', '.join(dup)}"))
    if not spec.outcomes:
        problems.append(Problem(file, "outcomes", f"name at least one metric ({', '.join(METRICS)})"))
    for i, outcome in enumerate(spec.outcomes):
        why = unknown_outcome(outcome)
        if why is not None:
            problems.append(Problem(file, f"outcomes[{i}]", why))
    variations: list[Variation] = []
    if not spec.parameters:
        problems.append(Problem(file, "parameters", "name at least one parameter to vary"))
    for key, value in spec.parameters.items():
        found = _variation(key, value, file)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            variations.append(found)
        if key in spec.fixed:
            problems.append(Problem(file, key_path("fixed", key), "also a parameter to vary: keep it in one place"))
    if spec.design not in DESIGNS:
        problems.append(Problem(file, "design", f"unknown design {spec.design!r}; choose {', '.join(DESIGNS)}"))
    elif spec.design == "grid":
        problems.extend(
            Problem(
                file,
                key_path("parameters", v.key),
                'a grid takes listed values; a range { low, high } needs design = "latin" or "sobol"',
            )
            for v in variations
            if v.is_range
        )
        if spec.samples is not None:
            problems.append(Problem(file, "samples", "a grid runs every combination: samples is for latin and sobol"))
    else:
        problems.extend(
            Problem(
                file,
                key_path("parameters", v.key),
                f'design = "{spec.design}" samples a range: '
                'write { low = ..., high = ... } (listed values are for design = "grid")',
            )
            for v in variations
            if not v.is_range
        )
        if spec.samples is None:
            problems.append(
                Problem(file, "samples", f'required key missing: design = "{spec.design}" needs a number of samples')
            )
        elif spec.design == "sobol" and spec.samples & (spec.samples - 1):
            problems.append(
                Problem(
                    file,
                    "samples",
                    f"a Sobol' design needs a power of 2 (got {spec.samples}; try {1 << spec.samples.bit_length()})",
                )
            )
    if not problems:
        problems.extend(_size_problems(spec, variations, file))
    return tuple(variations), problems


def planned_points(design: str, variations: Sequence[Variation], samples: int | None) -> int:
    """How many points a valid design has (grid: the product of the lists; latin: ``samples``; sobol:
    ``samples * (parameters + 2)``)."""
    if design == "grid":
        return math.prod(len(v.values) for v in variations)
    return (samples or 0) * (1 if design == "latin" else len(variations) + 2)


def _size_problems(spec: SweepSpec, variations: Sequence[Variation], file: str) -> list[Problem]:
    points = planned_points(spec.design, variations, spec.samples)
    if points > MAX_POINTS:
        where = "samples" if spec.design != "grid" else "parameters"
        return [Problem(file, where, f"the design has {points:,} points; at most {MAX_POINTS:,} are allowed")]
    runs = points * len(spec.jurisdictions) * spec.replications
    if runs > MAX_RUNS:
        return [
            Problem(
                file,
                "replications",
                f"the sweep plans {runs:,} runs ({points:,} points x {len(spec.jurisdictions)} jurisdiction(s) x "
                f"{spec.replications} replication(s)); at most {MAX_RUNS:,} are allowed",
            )
        ]
    return []


def load_spec(path: str | Path, *, data: Mapping[str, Any] | None = None) -> Sweep:
    """Read and check a sweep spec file (or its ``data`` as already parsed); raises :class:`ConfigError`."""
    file = str(path)
    raw = dict(read_toml(path)) if data is None else dict(data)
    spec = structure(raw, SweepSpec, file)
    variations, problems = check_spec(spec, file)
    if problems:
        raise ConfigError(problems)
    return Sweep(spec=spec, variations=variations, path=file, raw=raw)
