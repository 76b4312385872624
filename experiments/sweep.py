"""``credsup sweep``: a policy's levers varied over points, every point run for each jurisdiction and
replication, each run stored as it finishes, resumable after any interruption.

* :func:`prepare` reads the spec, draws the design and validates every point's parameter set through the
  ``--set`` code path (the scenario and each jurisdiction loaded with the point's overrides) before
  anything is stored; :func:`prepare_resume` does the same for a stored sweep and checks that the spec
  still describes it.
* :func:`start` stores the experiment and its points; :func:`run` executes the runs not stored yet (all of
  them for a new sweep) on any executor and marks the experiment finished.

Seeds: the run of point *p*, replication *r* uses ``SeedSequence(seed, spawn_key=(p, r))``
(:mod:`credsup.experiments.seeds`), so the numbers depend neither on the executor, nor on the number of
workers, nor on how often the sweep was interrupted and resumed.
"""

from __future__ import annotations

import shlex
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine

from credsup.core.config import check_path, parse_override
from credsup.core.discovery import discover
from credsup.core.errors import ConfigError, CredsupError, InputError, Problem
from credsup.core.jurisdiction import Jurisdiction, load_config, load_jurisdiction, params_class_of
from credsup.core.reforms import parse_ref
from credsup.experiments.compare import describe_jurisdiction, jurisdiction_values
from credsup.experiments.design import design_points
from credsup.experiments.executors import Executor
from credsup.experiments.runner import ProgressCallback, Tally, refuse_if_running, run_missing
from credsup.experiments.seeds import new_seed
from credsup.experiments.spec import Sweep, Variation, key_path, load_spec, sweep_path
from credsup.experiments.tasks import RunTask
from credsup.results.store import create_experiment, jsonable, read_experiment
from credsup.simulation.overrides import SCENARIO_PREFIX, Override, load_scenario_set, route_overrides
from credsup.simulation.scenario import Scenario, builtin_scenarios, load_scenario, scenario_record

#: Problems shown at most when points are invalid (a sampled design can have thousands of points).
MAX_POINT_PROBLEMS = 12


@attrs.frozen
class SweepPoint:
    """One point of the design: its parameter values and the overrides they become."""

    index: int
    parameters: dict[str, Any]
    scenario_overrides: tuple[Override, ...]
    jurisdiction_overrides: dict[str, tuple[Override, ...]]


@attrs.frozen
class PreparedSweep:
    """A validated sweep, ready to store and run."""

    sweep: Sweep
    spec_ref: str  #: the spec as the user named it (for the command line)
    scenario_ref: str
    scenario_task: str | Scenario  #: what each task carries: a built-in name, or the scenario itself
    scenario: Scenario  #: the scenario with the fixed overrides, as recorded
    jurisdictions: tuple[Jurisdiction, ...]  #: each with the fixed overrides, as recorded
    points: tuple[SweepPoint, ...]
    seed: int
    set_texts: tuple[str, ...]
    integers: frozenset[str]

    @property
    def replications(self) -> int:
        return self.sweep.spec.replications

    @property
    def total_runs(self) -> int:
        return len(self.points) * len(self.jurisdictions) * self.replications

    def tasks(self) -> list[RunTask]:
        """Replication-major, then point, then jurisdiction: an interrupted sweep has covered the design
        evenly, and its early runs already compare the jurisdictions at every point."""
        return [
            RunTask(
                scenario=self.scenario_task,
                jurisdiction=j.name,
                seed=self.seed,
                replication=r,
                point=p.index,
                scenario_overrides=p.scenario_overrides,
                jurisdiction_overrides=p.jurisdiction_overrides[j.name],
            )
            for r in range(self.replications)
            for p in self.points
            for j in self.jurisdictions
        ]

    def command(self) -> str:
        """The command line that reproduces these numbers (the seed always explicit)."""
        parts = ["credsup", "sweep", self.spec_ref, "--seed", str(self.seed)]
        for text in self.set_texts:
            parts += ["--set", text]
        return shlex.join(parts)

    def settings(self) -> dict[str, Any]:
        """What an experiment records about the sweep: the spec as written and what it resolved to."""
        spec = self.sweep.spec
        return {
            "sweep": spec.sweep,
            "title": spec.title,
            "spec_path": str(Path(self.sweep.path).resolve()),
            "spec": jsonable(self.sweep.raw),
            "design": spec.design,
            "samples": spec.samples,
            "parameters": [
                {
                    "key": v.key,
                    **({"low": v.low, "high": v.high} if v.is_range else {"values": jsonable(v.values)}),
                    "integer": v.key in self.integers,
                }
                for v in self.sweep.variations
            ],
            "outcomes": list(spec.outcomes),
            "fixed": jsonable(spec.fixed),
            "set": list(self.set_texts),
            "scenario_ref": self.scenario_ref,
        }


# ------------------------------------------------------------------------------------------- prepare


def prepare(
    spec: str, *, seed: int | None = None, set_texts: Sequence[str] = (), fallback_seed: int | None = None
) -> PreparedSweep:
    """Read the spec (a path or a shipped example's name) and validate every point.

    The seed is ``seed`` (``--seed``), else the spec's, else ``fallback_seed`` (a stored sweep's), else
    fresh entropy. Raises :class:`ConfigError` naming the spec file and key (and the first point where a
    value is invalid), or another CredsupError (unknown jurisdiction or scenario); nothing is stored.
    """
    path = sweep_path(spec)
    sweep = load_spec(path)
    s, file = sweep.spec, sweep.path
    infos = {i.name: i for i in discover()}
    classes = {}
    for name in s.jurisdictions:  # NAME or NAME+REFORM; unknown or broken: the kernel's message, on the spec
        try:
            classes[name] = params_class_of(name, infos)
        except CredsupError as exc:
            raise ConfigError([Problem(file, "jurisdictions", str(exc))]) from None
    scenario_ref = _scenario_ref(s.scenario, Path(file).parent)

    # where each override comes from, to blame a problem on what the user wrote
    set_pairs = [parse_override(text) for text in set_texts]
    origins = {**{k: key_path("fixed", k) for k in s.fixed}, **{k: "--set" for k, _ in set_pairs}}
    base_pairs = [*s.fixed.items(), *set_pairs]
    clash = [k for k, _ in set_pairs if k in s.parameters]
    if clash:
        raise ConfigError([Problem("--set", k, f"is a parameter the sweep varies ({file})") for k in clash])
    base_scen, base_per = _route(base_pairs, classes, file, origins)
    var_origins = {v.key: key_path("parameters", v.key) for v in sweep.variations}
    _route([(v.key, None) for v in sweep.variations], classes, file, var_origins)
    integers = _integer_keys(sweep.variations, classes, file)

    scenario = _load_scenario(scenario_ref, base_scen, file, origins)
    jurisdictions = tuple(_load_jurisdiction(n, base_per[n], file, origins) for n in s.jurisdictions)

    seed = next((x for x in (seed, s.seed, fallback_seed) if x is not None), None)
    seed = new_seed() if seed is None else int(seed)
    values = design_points(s.design, sweep.variations, s.samples, seed, integers)
    points = _validate_points(values, base_pairs, classes, scenario_ref, file, {**origins, **var_origins}, infos)
    task_scenario: str | Scenario = scenario_ref if scenario_ref in builtin_scenarios() else load_scenario(scenario_ref)
    return PreparedSweep(
        sweep=sweep,
        spec_ref=spec,
        scenario_ref=scenario_ref,
        scenario_task=task_scenario,
        scenario=scenario,
        jurisdictions=jurisdictions,
        points=tuple(points),
        seed=seed,
        set_texts=tuple(set_texts),
        integers=frozenset(integers),
    )


def _scenario_ref(scenario: str, spec_dir: Path) -> str:
    """A built-in scenario's name, or the scenario file's path (relative paths from the spec's folder)."""
    if scenario in builtin_scenarios():
        return scenario
    beside = spec_dir / scenario
    return str(beside.resolve()) if beside.is_file() else scenario


def _blame(
    problems: Iterable[Problem], file: str, origins: Mapping[str, str], jurisdiction: str | None = None
) -> list[Problem]:
    """Problems found loading with overrides, blamed on the spec key (or ``--set``) they came from.

    A scenario load reports ``scenario.<path>``; a jurisdiction load reports ``<path>``, which the user
    may have written as ``<path>`` or ``<jurisdiction>:<path>``.
    """
    out = []
    for p in problems:
        if p.file != "--set":
            out.append(p)
            continue
        where = None
        for key, origin in origins.items():
            target = key.partition(":")[2] if ":" in key else key
            if ":" in key and key.partition(":")[0] != jurisdiction:
                continue
            if p.path == target or p.path.startswith(target + ".") or target.startswith(p.path + "."):
                where = origin
                break
        if where == "--set":
            out.append(p)
        elif where is not None:
            out.append(Problem(file, where, p.message))
        else:
            out.append(Problem(file, "parameters", f"{p.path}: {p.message}"))
    return out


def _route(
    pairs: list[Override], classes: Mapping[str, type], file: str, origins: Mapping[str, str]
) -> tuple[list[Override], dict[str, list[Override]]]:
    try:
        return route_overrides(pairs, classes)
    except ConfigError as exc:
        raise ConfigError(
            [
                Problem("--set", p.path, p.message)
                if origins.get(p.path) == "--set"
                else Problem(file, origins.get(p.path, p.path), p.message)
                for p in exc.problems
            ]
        ) from None


def _load_scenario(ref: str, overrides: list[Override], file: str, origins: Mapping[str, str]) -> Scenario:
    try:
        return load_scenario_set(ref, overrides)
    except ConfigError as exc:
        raise ConfigError(_blame(exc.problems, file, origins)) from None
    except InputError as exc:  # no such scenario
        raise ConfigError([Problem(file, "scenario", str(exc))]) from None


def _load_jurisdiction(name: str, overrides: list[Override], file: str, origins: Mapping[str, str]) -> Jurisdiction:
    try:
        return load_jurisdiction(name, overrides=overrides)
    except ConfigError as exc:
        raise ConfigError(_blame(exc.problems, file, origins, name)) from None


def _load_config(name: str, overrides: list[Override], infos: Mapping[str, Any]) -> Any:
    """The parameters of ``name`` (``NAME[+REFORM]...``) with ``overrides``, validated."""
    ref = parse_ref(name)
    return load_config(infos[ref.base], overrides=overrides, lookup=infos, reforms=ref.reforms)


def _field_type(cls: Any, path: str) -> Any:
    """The declared type at ``path`` of attrs class ``cls`` (None when unknown)."""
    current = cls
    for part in path.split("."):
        if isinstance(current, type) and attrs.has(current):
            attrs.resolve_types(current)
            fields = {f.name: f for f in attrs.fields(current)}
            if part not in fields:
                return None
            current = fields[part].type
        elif typing.get_origin(current) in (dict, Mapping, typing.get_origin(Mapping[str, Any])):
            current = typing.get_args(current)[1]
        else:
            return None
    if typing.get_origin(current) in (typing.Union, types.UnionType):  # an optional value: X | None
        args = [a for a in typing.get_args(current) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return current


def _integer_keys(variations: Sequence[Variation], classes: Mapping[str, type], file: str) -> set[str]:
    """Ranged parameters that are whole numbers; a range over a parameter that is no number is a problem."""
    integers: set[str] = set()
    problems: list[Problem] = []
    for v in variations:
        if not v.is_range:
            continue
        if v.key.startswith(SCENARIO_PREFIX):
            types = [_field_type(Scenario, v.key[len(SCENARIO_PREFIX) :])]
        elif ":" in v.key:
            name, _, path = v.key.partition(":")
            types = [_field_type(classes[name], path)]
        else:
            types = [_field_type(cls, v.key) for cls in classes.values() if not check_path(cls, v.key)]
        where = key_path("parameters", v.key)
        if int in types:
            if not (v.low.is_integer() and v.high.is_integer()):
                problems.append(Problem(file, where, "a whole-number parameter: give whole-number bounds"))
            integers.add(v.key)
        elif any(t not in (float, None) for t in types):
            kind = next(t for t in types if t not in (float, None))
            problems.append(
                Problem(
                    file,
                    where,
                    f"a range needs a numeric parameter (this one is "
                    f"{getattr(kind, '__name__', kind)}): list its values instead",
                )
            )
    if problems:
        raise ConfigError(problems)
    return integers


def _validate_points(
    values: list[dict[str, Any]],
    base: list[Override],
    classes: Mapping[str, type],
    scenario_ref: str,
    file: str,
    origins: Mapping[str, str],
    infos: Mapping[str, Any],
) -> list[SweepPoint]:
    """Every point's overrides, each point validated as its runs will load it (identical loads once)."""
    points: list[SweepPoint] = []
    seen: dict[str, list[Problem]] = {}
    found: dict[tuple[str, str], list[int]] = {}  # (path, message) -> points where it occurs
    for i, params in enumerate(values):
        scen, per = route_overrides([*base, *params.items()], classes)
        loads = [(repr(scen), None, lambda: load_scenario_set(scenario_ref, scen))]  # noqa: B023 (called at once)
        loads += [
            (f"{n}:{per[n]!r}", n, lambda n=n: _load_config(n, per[n], infos))  # noqa: B023 (called at once)
            for n in classes
        ]
        problems: list[Problem] = []
        for cache_key, jurisdiction, load in loads:
            if cache_key not in seen:
                try:
                    load()
                    seen[cache_key] = []
                except ConfigError as exc:
                    seen[cache_key] = _blame(exc.problems, file, origins, jurisdiction)
            problems.extend(seen[cache_key])
        for p in problems:
            found.setdefault((p.path, p.message if p.file == file else f"{p.file}: {p.message}"), []).append(i)
        points.append(SweepPoint(i, params, tuple(scen), {n: tuple(per[n]) for n in classes}))
    if found:
        out = []
        for (path, message), where in list(found.items())[:MAX_POINT_PROBLEMS]:
            first = values[where[0]]
            at = f"point {where[0]} ({', '.join(f'{k} = {v!r}' for k, v in first.items())})"
            more = f" and {len(set(where)) - 1} more point(s)" if len(set(where)) > 1 else ""
            out.append(Problem(file, path, f"{message} at {at}{more}"))
        if len(found) > MAX_POINT_PROBLEMS:
            out.append(Problem(file, "parameters", f"... and {len(found) - MAX_POINT_PROBLEMS} more problem(s)"))
        raise ConfigError(out)
    return points


# ---------------------------------------------------------------------------------- store, resume, run


def start(engine: Engine, prepared: PreparedSweep, executor: Executor) -> int:
    """Store the sweep (status ``running``) with its points; return the experiment id."""
    return create_experiment(
        engine,
        kind="sweep",
        name=prepared.sweep.name,
        command=prepared.command(),
        scenario=prepared.scenario.scenario,
        scenario_config=scenario_record(prepared.scenario),
        jurisdictions=[describe_jurisdiction(j) for j in prepared.jurisdictions],
        seed=prepared.seed,
        replications=prepared.replications,
        settings={**prepared.settings(), "executor": executor.describe(), "workers": executor.workers},
        points=[p.parameters for p in prepared.points],
    )


def prepare_resume(
    engine: Engine, experiment_id: int, spec: str, *, seed: int | None = None, set_texts: Sequence[str] = ()
) -> PreparedSweep:
    """:func:`prepare` for a stored sweep (its seed unless one is given), checking that the spec, the
    ``--set`` overrides and the installed jurisdictions still give exactly the stored sweep."""
    record, points = read_experiment(engine, experiment_id)
    if record["kind"] != "sweep":
        raise InputError(f"experiment {experiment_id} is a {record['kind']}, not a sweep: nothing to resume")
    refuse_if_running(record)
    prepared = prepare(spec, seed=seed, set_texts=set_texts, fallback_seed=int(record["seed"]))
    differ = []
    if prepared.seed != int(record["seed"]):
        differ.append(f"seed ({prepared.seed}, stored {record['seed']})")
    if jsonable(scenario_record(prepared.scenario)) != record["scenario_config"]:
        differ.append("scenario")
    mine = [jurisdiction_values(describe_jurisdiction(j)) for j in prepared.jurisdictions]
    if jsonable(mine) != [jurisdiction_values(j) for j in record["jurisdictions"]]:
        differ.append("jurisdictions (names, versions or parameters)")
    if prepared.replications != record["replications"]:
        differ.append(f"replications ({prepared.replications}, stored {record['replications']})")
    if jsonable([p.parameters for p in prepared.points]) != [p["parameters"] for p in points]:
        differ.append(f"points ({len(prepared.points)}, stored {len(points)}, or their values)")
    if differ:
        raise InputError(
            f"{spec} does not give experiment {experiment_id} any more (changed: {'; '.join(differ)}); "
            "resume with the spec, --seed and --set it was started with (`credsup results show "
            f"{experiment_id}` prints its command), or start a new sweep"
        )
    return prepared


def run(
    engine: Engine,
    experiment_id: int,
    prepared: PreparedSweep,
    executor: Executor,
    *,
    progress: ProgressCallback | bool | None = None,
) -> Tally:
    """Run every run of the sweep that is not stored yet (all of them for a new one), storing each as it
    finishes, and mark the experiment finished. Failed runs are run again."""
    return run_missing(engine, experiment_id, prepared.tasks(), executor, progress=progress, label=prepared.sweep.name)
