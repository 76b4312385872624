"""Targets files: observed figures a scenario is calibrated to and checked against (``configs/targets/``).

A targets file (docs/calibration.md has the format) gives each observed figure with the outcome key it
corresponds to (:mod:`credsup.calibration.outcomes`), its value, its source and its uncertainty (a sample
size, a published standard error, the rounding of the published number and any stated extra error, each
with where it comes from); the jurisdiction whose rules stand for those in force where and when the figures
were observed, with any parameters of it the publication states (``[policy]``); and which shares must sum
to 1 (checked within the figures' stated rounding)::

    targets = "bayannur-2022"
    title = "Bayannur (Inner Mongolia): enterprise credit risk classes, September 2022"
    jurisdiction = "national"
    source = "Inner Mongolia AMR, 2022: ..."

    [uncertainty]                          # every figure's, unless it gives its own
    sample_size = 30323
    rounding = 0.0005
    source = "the classification covered 30,323 enterprises; shares published to 0.1 percentage point"

    [policy]                               # the jurisdiction's parameters as in force there (keys as --set)
    "inspection.rate_per_year.C" = { value = 1.0, source = "..." }

    [[figures]]
    outcome = "grade_share.A"
    value = 0.732

    [[sum_to_one]]
    outcomes = ["grade_share.A", "grade_share.B", "grade_share.C", "grade_share.D"]

:func:`load_targets` reports every problem as ``file: key.path: problem`` (unknown outcome, a value outside
the outcome's range, shares that do not sum to 1, an uninstalled jurisdiction, a policy key it lacks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from credsup.calibration.outcomes import check_outcome, is_proportion, outcome_range
from credsup.core.config import check_source, read_toml, structure
from credsup.core.errors import ConfigError, CredsupError, Problem
from credsup.core.params import param
from credsup.core.shipped import shipped_names, shipped_or_path

TARGETS_DIR = files("credsup.configs") / "targets"


@attrs.frozen
class Uncertainty:
    """What is known about a figure's error; the standard error is the root of the sum of the squares of
    the parts given (:meth:`standard_error`)."""

    source: str = ""
    sample_size: int | None = param(lo=1, hi=10**10, default=None, doc="units the share was counted over")
    standard_error: float | None = param(lo=0.0, default=None, doc="a published standard error")
    rounding: float = param(lo=0.0, default=0.0, doc="half a unit of the last published digit")
    extra: float = param(lo=0.0, default=0.0, doc="a stated further error (comparability, definitions)")

    def parts(self, value: float, proportion: bool) -> dict[str, float]:
        """The variance of each part given: sampling, published, rounding (uniform, r^2/3), extra."""
        out: dict[str, float] = {}
        if self.sample_size is not None and proportion:
            out["sampling"] = value * (1.0 - value) / self.sample_size
        if self.standard_error is not None:
            out["published"] = self.standard_error**2
        if self.rounding:
            out["rounding"] = self.rounding**2 / 3.0
        if self.extra:
            out["extra"] = self.extra**2
        return out

    def standard_error_of(self, value: float, proportion: bool) -> float:
        return math.sqrt(sum(self.parts(value, proportion).values()))


@attrs.frozen
class FigureSpec:
    outcome: str
    value: float
    source: str = ""
    note: str = ""
    uncertainty: Uncertainty | None = None


@attrs.frozen
class SumToOne:
    outcomes: tuple[str, ...]


@attrs.frozen
class TargetsSpec:
    """A targets file as written."""

    targets: str
    jurisdiction: str
    figures: tuple[FigureSpec, ...]
    title: str = ""
    region: str = ""
    observed: str = ""
    source: str = ""
    jurisdiction_note: str = ""
    uncertainty: Uncertainty | None = None
    policy: dict[str, Any] = attrs.field(factory=dict)
    sum_to_one: tuple[SumToOne, ...] = ()


@attrs.frozen
class Figure:
    """One observed figure, resolved: its source and uncertainty filled in from the file's defaults."""

    outcome: str
    value: float
    source: str
    uncertainty: Uncertainty
    note: str = ""

    @property
    def standard_error(self) -> float:
        return self.uncertainty.standard_error_of(self.value, is_proportion(self.outcome))


@attrs.frozen
class Targets:
    """A loaded targets file."""

    spec: TargetsSpec
    figures: tuple[Figure, ...]
    policy: tuple[tuple[str, Any], ...]  #: ``(key, value)`` overrides of the jurisdiction, as ``--set``
    policy_sources: dict[str, str]
    path: str
    raw: dict[str, Any]

    @property
    def name(self) -> str:
        return self.spec.targets

    @property
    def jurisdiction(self) -> str:
        return self.spec.jurisdiction

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(f.outcome for f in self.figures)

    @property
    def observed(self) -> np.ndarray:
        return np.array([f.value for f in self.figures], dtype=np.float64)

    def covariance(self) -> np.ndarray:
        """The observed figures' covariance matrix. Each figure's variance is the sum of its parts
        (:meth:`Uncertainty.parts`); within a group of shares that sum to 1 and were counted over one
        sample of ``n``, the sampling part is multinomial, ``(diag(q) - q q') / n`` with ``q`` the shares
        scaled to sum to exactly 1 (one class can only grow at the others' expense, and the total is no
        sampling error: whatever the published shares miss of 1 is rounding, which has its own part)."""
        m = len(self.figures)
        cov = np.zeros((m, m))
        index = {f.outcome: i for i, f in enumerate(self.figures)}
        multinomial: set[int] = set()
        for group in self.spec.sum_to_one:
            members = [index[o] for o in group.outcomes]
            sizes = {self.figures[i].uncertainty.sample_size for i in members}
            if len(sizes) != 1 or None in sizes or any(self.figures[i].uncertainty.standard_error for i in members):
                continue
            (n,) = sizes
            assert n is not None
            p = np.array([self.figures[i].value for i in members])
            q = p / p.sum()
            cov[np.ix_(members, members)] += (np.diag(q) - np.outer(q, q)) / n
            multinomial.update(members)
        for i, f in enumerate(self.figures):
            parts = f.uncertainty.parts(f.value, is_proportion(f.outcome))
            if i in multinomial:
                parts.pop("sampling", None)
            cov[i, i] += sum(parts.values())
        return cov

    def standard_errors(self) -> np.ndarray:
        return np.sqrt(np.diag(self.covariance()))

    def record(self) -> dict[str, Any]:
        """What a calibration stores about its targets: the file's path and its resolved figures."""
        return {
            "name": self.name,
            "path": self.path,
            "title": self.spec.title,
            "region": self.spec.region,
            "observed": self.spec.observed,
            "jurisdiction": self.jurisdiction,
            "jurisdiction_note": self.spec.jurisdiction_note,
            "policy": [{"key": k, "value": v, "source": self.policy_sources[k]} for k, v in self.policy],
            "figures": [
                {
                    "outcome": f.outcome,
                    "value": f.value,
                    "source": f.source,
                    "note": f.note,
                    "standard_error": f.standard_error,
                    "uncertainty": attrs.asdict(f.uncertainty),
                }
                for f in self.figures
            ],
            "sum_to_one": [list(g.outcomes) for g in self.spec.sum_to_one],
        }


def builtin_targets() -> list[str]:
    """Names of the targets files shipped in ``configs/targets``."""
    return shipped_names(TARGETS_DIR)


def targets_path(name_or_path: str) -> Path:
    """A shipped targets file by name, or the given path if it is a file."""
    return shipped_or_path(
        name_or_path,
        TARGETS_DIR,
        lambda: (
            f"unknown targets '{name_or_path}': no such file, and not a shipped targets file "
            f"({', '.join(builtin_targets()) or 'none'})"
        ),
    )


def _policy_pairs(policy: Mapping[str, Any], file: str) -> tuple[list[tuple[str, Any]], dict[str, str], list[Problem]]:
    pairs, sources, problems = [], {}, []
    for key, entry in policy.items():
        where = f'policy."{key}"' if "." in key else f"policy.{key}"
        if not (isinstance(entry, dict) and "value" in entry and set(entry) <= {"value", "source", "note"}):
            problems.append(
                Problem(file, where, 'write { value = ..., source = "..." }: the value and where it is stated')
            )
            continue
        why = check_source(entry.get("source"))
        if why:
            problems.append(Problem(file, f"{where}.source", why))
            continue
        pairs.append((key, entry["value"]))
        sources[key] = entry["source"]
    return pairs, sources, problems


def check_figures(spec: TargetsSpec, file: str) -> tuple[tuple[Figure, ...], list[Problem]]:
    """Outcome keys, values in range, sources, uncertainties and the sums to 1."""
    problems: list[Problem] = []
    figures: list[Figure] = []
    if not spec.targets.strip():
        problems.append(Problem(file, "targets", "the targets file needs a name"))
    if not spec.figures:
        problems.append(Problem(file, "figures", "give at least one observed figure ([[figures]])"))
    seen: dict[str, int] = {}
    for i, f in enumerate(spec.figures):
        where = f"figures[{i}]"
        why = check_outcome(f.outcome)
        if why:
            problems.append(Problem(file, f"{where}.outcome", why))
            continue
        if f.outcome in seen:
            problems.append(Problem(file, f"{where}.outcome", f"{f.outcome} is already figures[{seen[f.outcome]}]"))
            continue
        seen[f.outcome] = i
        low, high = outcome_range(f.outcome)
        if not (math.isfinite(f.value) and low <= f.value <= high):
            problems.append(
                Problem(file, f"{where}.value", f"{f.outcome} lies in [{low:g}, {high:g}] (got {f.value!r})")
            )
            continue
        source = f.source or spec.source
        why = check_source(source)
        if why:
            problems.append(Problem(file, f"{where}.source", why + " (or a top-level source for every figure)"))
            continue
        unc = f.uncertainty or spec.uncertainty
        uwhere = f"{where}.uncertainty" if f.uncertainty is not None else "uncertainty"
        if unc is None:
            problems.append(
                Problem(
                    file,
                    f"{where}.uncertainty",
                    "how uncertain is this figure? give sample_size, standard_error, rounding or extra, with a "
                    "source (here or in a top-level [uncertainty] for every figure)",
                )
            )
            continue
        if unc.sample_size is None and unc.standard_error is None and not unc.rounding and not unc.extra:
            problems.append(Problem(file, uwhere, "give at least one of sample_size, standard_error, rounding, extra"))
            continue
        if unc.sample_size is not None and unc.standard_error is None and not is_proportion(f.outcome):
            problems.append(
                Problem(
                    file,
                    f"{uwhere}.sample_size",
                    f"a sample size gives a binomial standard error, for shares only; {f.outcome} is not a "
                    "share: give standard_error",
                )
            )
            continue
        why = check_source(unc.source)
        if why:
            problems.append(
                Problem(
                    file, f"{uwhere}.source", why.replace("add source", "say where the uncertainty comes from: source")
                )
            )
            continue
        fig = Figure(outcome=f.outcome, value=f.value, source=source, uncertainty=unc, note=f.note)
        if not fig.standard_error > 0:
            problems.append(Problem(file, uwhere, f"gives {f.outcome} no uncertainty at all (standard error 0)"))
            continue
        figures.append(fig)
    by_outcome = {f.outcome: f for f in figures}
    for i, group in enumerate(spec.sum_to_one):
        where = f"sum_to_one[{i}]"
        missing = [o for o in group.outcomes if o not in seen]
        if len(group.outcomes) < 2:
            problems.append(Problem(file, f"{where}.outcomes", "name at least two shares that sum to 1"))
        elif missing:
            problems.append(Problem(file, f"{where}.outcomes", f"not a figure of this file: {', '.join(missing)}"))
        elif all(o in by_outcome for o in group.outcomes):
            members = [by_outcome[o] for o in group.outcomes]
            total = sum(f.value for f in members)
            tolerance = sum(f.uncertainty.rounding for f in members) + 1e-9
            if abs(total - 1.0) > tolerance:
                problems.append(
                    Problem(
                        file,
                        where,
                        f"the shares {', '.join(group.outcomes)} sum to {total:.6g}, not 1 within their stated "
                        f"rounding (±{tolerance:.4g}): check the figures, or state how they were rounded "
                        "(uncertainty.rounding: half a unit of the last published digit)",
                    )
                )
    return tuple(figures), list(dict.fromkeys(problems))  # a shared default's problem once, not per figure


def check_jurisdiction(spec: TargetsSpec, pairs: Sequence[tuple[str, Any]], file: str, name: str | None = None) -> None:
    """The jurisdiction (``name``, else the file's) is installed, and the ``[policy]`` values load on it."""
    from credsup.core.discovery import discover
    from credsup.core.jurisdiction import load_jurisdiction, params_class_of
    from credsup.simulation.overrides import route_overrides

    jname = name or spec.jurisdiction
    where = "jurisdiction"
    infos = {i.name: i for i in discover()}
    try:
        cls = params_class_of(jname, infos)
    except CredsupError:
        if name is not None:
            raise
        installed = ", ".join(sorted(n for n, i in infos.items() if i.status == "ok")) or "none"
        raise ConfigError(
            [
                Problem(
                    file,
                    where,
                    f"{jname!r} is not an installed jurisdiction (installed: {installed}; `credsup plugins` "
                    "lists them with their status)",
                )
            ]
        ) from None
    problems = []
    for key, _ in pairs:
        if key.startswith("scenario."):
            problems.append(
                Problem(file, f'policy."{key}"', "the policy holds jurisdiction parameters, not scenario values")
            )
    if problems:
        raise ConfigError(problems)
    try:
        _, per = route_overrides(list(pairs), {jname: cls})
        load_jurisdiction(jname, overrides=per[jname])
    except ConfigError as exc:
        raise ConfigError(
            [Problem(file, f'policy."{p.path}"' if p.file == "--set" else p.path, p.message) for p in exc.problems]
        ) from None


def load_targets(path: str | Path, *, data: Mapping[str, Any] | None = None) -> Targets:
    """Read and check a targets file (or its ``data`` as parsed); raises :class:`ConfigError` naming the file
    and key of every problem. The jurisdiction must be installed and its ``[policy]`` values valid."""
    file = str(path)
    raw = dict(read_toml(path)) if data is None else dict(data)
    spec = structure(raw, TargetsSpec, file)
    figures, problems = check_figures(spec, file)
    pairs, sources, policy_problems = _policy_pairs(spec.policy, file)
    problems += policy_problems
    if problems:
        raise ConfigError(problems)
    check_jurisdiction(spec, pairs, file)
    return Targets(spec=spec, figures=figures, policy=tuple(pairs), policy_sources=sources, path=file, raw=raw)


__all__ = ["Figure", "Targets", "Uncertainty", "builtin_targets", "load_targets", "targets_path"]
