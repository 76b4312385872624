"""``credsup calibrate`` and ``credsup fit``: prepare, store, run, resume and analyse.

* :func:`prepare` validates everything before anything is stored or run (the targets file, the scenario,
  the jurisdiction and its policy, the free parameters at both ends of their ranges, ``--set``): a mistake
  costs nothing and leaves nothing in the database;
* :func:`start` stores the calibration (an experiment of kind ``calibrate``), :func:`run` runs the search
  (:mod:`credsup.calibration.search`) and the analysis of its best point, storing every evaluation;
  :func:`prepare_resume` rebuilds a stored calibration and checks that it still gives the same one;
* :func:`analyse` computes the result (best parameters and their uncertainty, fit table, flat directions)
  from the database alone, so ``credsup results report`` rebuilds the page at any time;
* :func:`fit` checks a scenario against a targets file without fitting.
"""

from __future__ import annotations

import datetime as dt
import math
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from sqlalchemy import Engine

from credsup.calibration import store
from credsup.calibration.evaluate import Evaluator
from credsup.calibration.free import FreeParameter, is_spec, load_spec, parse_free
from credsup.calibration.outcomes import outcome_range, outcome_values
from credsup.calibration.search import Search, Settings, _f, predicted_distance, weights
from credsup.calibration.stats import FitTable, Identification, fit_table, identification, interval, moments
from credsup.calibration.surrogate import fit_surface, quadratic_terms
from credsup.calibration.targets import Targets, check_jurisdiction, load_targets, targets_path
from credsup.core.config import parse_override
from credsup.core.discovery import discover
from credsup.core.errors import ConfigError, CredsupError, InputError, Problem
from credsup.core.jurisdiction import Jurisdiction, load_jurisdiction, params_class_of
from credsup.experiments.compare import describe_jurisdiction, jurisdiction_values
from credsup.experiments.executors import Executor
from credsup.experiments.runner import marked_if_stopped, refuse_if_running
from credsup.experiments.seeds import new_seed
from credsup.experiments.tasks import RunTask
from credsup.results.store import create_experiment, finish_experiment, jsonable, read_experiment, reopen_experiment
from credsup.simulation.overrides import SCENARIO_PREFIX, load_scenario_set, route_overrides
from credsup.simulation.scenario import Scenario, builtin_scenarios, load_scenario, scenario_path, scenario_record

Override = tuple[str, Any]

#: Defaults of the method's settings (docs/calibration.md explains each).
DEFAULTS = Settings()


def default_design_points(p: int) -> int:
    """Points of the start design unless told: twice the coefficients of a quadratic surface in ``p``
    parameters (enough to fit one with room to spare), at least 16."""
    return max(DEFAULTS.design_points, 2 * quadratic_terms(p))


#: Replications of ``credsup fit`` unless told.
FIT_REPLICATIONS = 10


# ------------------------------------------------------------------------------------------- prepare


@attrs.frozen
class Prepared:
    """A validated calibration, ready to store and run."""

    name: str
    targets: Targets
    targets_ref: str  #: as the user named it (command line)
    scenario_ref: str
    scenario_task: str | Scenario
    scenario: Scenario  #: with the fixed overrides, as recorded
    jurisdiction: Jurisdiction  #: with the targets' policy and the fixed overrides, as recorded
    fixed_scenario: tuple[Override, ...]
    fixed_jurisdiction: tuple[Override, ...]  #: the policy first, then --set
    free: tuple[FreeParameter, ...]
    settings: Settings
    seed: int
    set_texts: tuple[str, ...]
    spec_ref: str | None = None
    title: str = ""

    def overrides(self, params: Mapping[str, Any]) -> tuple[tuple[Override, ...], tuple[Override, ...]]:
        """The scenario and jurisdiction overrides of a point (fixed ones first, then its free values)."""
        scen = list(self.fixed_scenario)
        jur = list(self.fixed_jurisdiction)
        for f in self.free:
            if f.key.startswith(SCENARIO_PREFIX):
                scen.append((f.key[len(SCENARIO_PREFIX) :], params[f.key]))
            else:
                jur.append((f.key.partition(":")[2] if ":" in f.key else f.key, params[f.key]))
        return tuple(scen), tuple(jur)

    def command(self) -> str:
        """The command line that reproduces this calibration (the seed always explicit)."""
        if self.spec_ref is not None:
            parts = ["credsup", "calibrate", self.spec_ref]
        else:
            parts = ["credsup", "calibrate", self.targets_ref, "--scenario", self.scenario_ref]
            parts += ["--jurisdiction", self.jurisdiction.name]
            for f in self.free:
                parts += ["--free", f"{f.key}={f.low:g}..{f.high:g}"]
        s, d = self.settings, DEFAULTS
        parts += ["--replications", str(s.replications), "--seed", str(self.seed)]
        if s.design_points != default_design_points(len(self.free)):
            parts += ["--design-points", str(s.design_points)]
        if s.max_evaluations != d.max_evaluations:
            parts += ["--max-evaluations", str(s.max_evaluations)]
        for text in self.set_texts:
            parts += ["--set", text]
        return shlex.join(parts)

    def record(self) -> dict[str, Any]:
        """What the experiment stores about the calibration (its settings)."""
        targets = self.targets.record()
        targets["covariance"] = self.targets.covariance().tolist()
        targets["raw"] = jsonable(self.targets.raw)
        return {
            "calibration": self.name,
            "title": self.title,
            "targets": targets,
            "targets_ref": self.targets_ref,
            "spec_ref": self.spec_ref,
            "scenario_ref": self.scenario_ref,
            "free": [f.describe() for f in self.free],
            "method": attrs.asdict(self.settings),
            "set": list(self.set_texts),
            "fixed_scenario": [list(p) for p in self.fixed_scenario],
            "fixed_jurisdiction": [list(p) for p in self.fixed_jurisdiction],
        }


def _problems_as(exc: ConfigError, file: str, where: str, note: str = "") -> ConfigError:
    return ConfigError(
        [Problem(file, where, f"{p.path + ': ' if p.path else ''}{p.message}{note}") for p in exc.problems]
    )


def prepare(
    file: str,
    *,
    scenario: str | None = None,
    jurisdiction: str | None = None,
    free: Sequence[str] = (),
    set_texts: Sequence[str] = (),
    replications: int | None = None,
    seed: int | None = None,
    design_points: int | None = None,
    max_evaluations: int | None = None,
) -> Prepared:
    """Validate a calibration: ``file`` is a targets file (then ``scenario`` and ``free`` are needed) or a
    calibration spec naming them (options given here take precedence). Raises a CredsupError naming the
    file and key of what is wrong; nothing is stored."""
    spec_ref: str | None = None
    name, title = "", ""
    free_params: list[FreeParameter] = []
    problems: list[Problem] = []
    fixed_pairs: list[Override] = []
    path = targets_path(file)
    if is_spec(path):
        spec, spec_free = load_spec(path)
        spec_ref, name, title = file, spec.calibration, spec.title
        targets_ref = spec.targets
        beside = path.parent / spec.targets
        if beside.is_file():
            targets_ref = str(beside)
        scenario = scenario or _beside(spec.scenario, path.parent)
        jurisdiction = jurisdiction or spec.jurisdiction
        replications = replications or spec.replications
        seed = seed if seed is not None else spec.seed
        design_points = design_points or spec.design_points
        max_evaluations = max_evaluations or spec.max_evaluations
        fixed_pairs = list(spec.fixed.items())
        free_origin = {f.key: (str(path), f'free."{f.key}"') for f in spec_free}
        if not free:
            free_params = list(spec_free)
    else:
        targets_ref = file
        free_origin = {}
    for text in free:
        found = parse_free(text)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            free_params.append(found)
            free_origin[found.key] = ("--free", found.key)
    if problems:
        raise ConfigError(problems)
    targets = load_targets(targets_path(targets_ref))
    name = name or targets.name
    if scenario is None:
        raise InputError("name the scenario to calibrate: --scenario NAME_OR_FILE")
    if not free_params:
        raise InputError("name at least one free parameter: --free KEY=LOW..HIGH (a key as --set takes it)")
    keys = [f.key for f in free_params]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ConfigError([Problem(*free_origin[d], "given twice") for d in dup])

    jname = jurisdiction or targets.jurisdiction
    if jurisdiction is not None and jurisdiction != targets.jurisdiction:
        check_jurisdiction(targets.spec, targets.policy, targets.path, jname)
    infos = {i.name: i for i in discover()}
    cls = params_class_of(jname, infos)
    set_pairs = [parse_override(t) for t in set_texts]
    clash = [k for k, _ in set_pairs if k in keys]
    if clash:
        raise ConfigError([Problem("--set", k, "is a free parameter of this calibration") for k in clash])
    fixed_scen, fixed_per = route_overrides([*fixed_pairs, *set_pairs], {jname: cls})
    _, policy_per = route_overrides(list(targets.policy), {jname: cls})
    fixed_jur = [*policy_per[jname], *fixed_per[jname]]

    # the free keys: each routes to the scenario or the jurisdiction, is a number, and loads at both ends
    from credsup.core.config import check_path

    unknown = [
        Problem(*free_origin[f.key], why)
        for f in free_params
        if f.key.startswith(SCENARIO_PREFIX) and (why := check_path(Scenario, f.key[len(SCENARIO_PREFIX) :]))
    ]
    if unknown:
        raise ConfigError(unknown)
    try:
        route_overrides([(f.key, 0) for f in free_params], {jname: cls})
    except ConfigError as exc:
        raise ConfigError(
            [Problem(*free_origin.get(p.path, ("--free", p.path)), p.message) for p in exc.problems]
        ) from None
    free_params = [_typed(f, cls, free_origin[f.key]) for f in free_params]
    ref = scenario if scenario in builtin_scenarios() else str(scenario_path(scenario))
    base_scenario = load_scenario_set(ref, fixed_scen)
    base_jurisdiction = load_jurisdiction(jname, overrides=fixed_jur)
    settings = Settings(
        replications=replications or DEFAULTS.replications,
        design_points=design_points or default_design_points(len(free_params)),
        max_evaluations=max_evaluations or DEFAULTS.max_evaluations,
    )
    prepared = Prepared(
        name=name,
        targets=targets,
        targets_ref=targets_ref,
        scenario_ref=ref,
        scenario_task=ref if ref in builtin_scenarios() else load_scenario(ref),
        scenario=base_scenario,
        jurisdiction=base_jurisdiction,
        fixed_scenario=tuple(fixed_scen),
        fixed_jurisdiction=tuple(fixed_jur),
        free=tuple(free_params),
        settings=settings,
        seed=new_seed() if seed is None else int(seed),
        set_texts=tuple(set_texts),
        spec_ref=spec_ref,
        title=title,
    )
    _check_ends(prepared, free_origin)
    return prepared


def _beside(name: str, folder: Path) -> str:
    if name in builtin_scenarios():
        return name
    candidate = folder / name
    return str(candidate) if candidate.is_file() else name


def _typed(f: FreeParameter, cls: type, origin: tuple[str, str]) -> FreeParameter:
    """``f`` with ``integer`` set from the parameter's declared type; a problem if it is no number."""
    from credsup.experiments.sweep import _field_type

    if f.key.startswith(SCENARIO_PREFIX):
        kind = _field_type(Scenario, f.key[len(SCENARIO_PREFIX) :])
    else:
        kind = _field_type(cls, f.key.partition(":")[2] if ":" in f.key else f.key)
    if kind is int:
        if not (float(f.low).is_integer() and float(f.high).is_integer()):
            raise ConfigError([Problem(*origin, "a whole-number parameter: give whole-number bounds")])
        return attrs.evolve(f, integer=True)
    if kind not in (float, None):
        name = getattr(kind, "__name__", str(kind))
        raise ConfigError([Problem(*origin, f"only numbers can be fitted (this parameter is {name})")])
    return f


def _check_ends(prepared: Prepared, origin: Mapping[str, tuple[str, str]]) -> None:
    """Load the scenario and the jurisdiction with each free parameter at each end of its range (the
    others at the middle of theirs): a range that leaves the parameter's valid values is refused."""
    problems: list[Problem] = []
    middle = {f.key: f.value(0.5) for f in prepared.free}
    for f in prepared.free:
        for end, unit in (("low", 0.0), ("high", 1.0)):
            params = {**middle, f.key: f.value(unit)}
            scen, jur = prepared.overrides(params)
            try:
                if f.key.startswith(SCENARIO_PREFIX):
                    load_scenario_set(prepared.scenario_ref, scen)
                else:
                    load_jurisdiction(prepared.jurisdiction.name, overrides=list(jur))
            except ConfigError as exc:
                message = "; ".join(p.message for p in exc.problems)
                problems.append(
                    Problem(*origin[f.key], f"at the {end} end of its range ({params[f.key]:g}): {message}")
                )
                break
    if problems:
        raise ConfigError(problems)


# ---------------------------------------------------------------------------------- store, resume, run


def start(engine: Engine, prepared: Prepared, executor: Executor) -> int:
    """Store the calibration (status ``running``, no points yet); its experiment id."""
    return create_experiment(
        engine,
        kind="calibrate",
        name=prepared.name,
        command=prepared.command(),
        scenario=prepared.scenario.scenario,
        scenario_config=scenario_record(prepared.scenario),
        jurisdictions=[describe_jurisdiction(prepared.jurisdiction)],
        seed=prepared.seed,
        replications=prepared.settings.replications,
        settings={**prepared.record(), "executor": executor.describe(), "workers": executor.workers},
        points=[],
    )


def prepare_resume(engine: Engine, experiment_id: int) -> Prepared:
    """The stored calibration ``experiment_id``, prepared again from what it recorded, checking that the
    targets, scenario and jurisdiction still give the same calibration."""
    record, _ = read_experiment(engine, experiment_id)
    if record["kind"] != "calibrate":
        raise InputError(f"experiment {experiment_id} is a {record['kind']}, not a calibration: nothing to resume")
    refuse_if_running(record)
    s = record["settings"]
    method = s["method"]
    common = {
        "set_texts": s.get("set", []),
        "replications": method["replications"],
        "seed": int(record["seed"]),
        "design_points": method["design_points"],
        "max_evaluations": method["max_evaluations"],
    }
    if s.get("spec_ref"):
        prepared = prepare(s["spec_ref"], **common)
    else:
        prepared = prepare(
            s["targets_ref"],
            scenario=s["scenario_ref"],
            jurisdiction=record["jurisdictions"][0]["name"],
            free=[f"{f['key']}={f['low']!r}..{f['high']!r}" for f in s["free"]],
            **common,
        )
    differ = []
    if jsonable(scenario_record(prepared.scenario)) != record["scenario_config"]:
        differ.append(f"scenario {prepared.scenario_ref}")
    if jsonable([jurisdiction_values(describe_jurisdiction(prepared.jurisdiction))]) != [
        jurisdiction_values(j) for j in record["jurisdictions"]
    ]:
        differ.append(f"jurisdiction {prepared.jurisdiction.name}")
    mine = prepared.record()
    for key in ("targets", "free", "method"):
        a, b = jsonable(mine[key]), s.get(key)
        if key == "targets":
            a, b = {k: v for k, v in a.items() if k != "path"}, {k: v for k, v in (b or {}).items() if k != "path"}
        if a != b:
            differ.append(key)
    if differ:
        raise InputError(
            f"experiment {experiment_id} cannot be resumed: what it ran has changed since ({'; '.join(differ)}); "
            "its runs so far stay stored, and a new calibration gives numbers for what is installed now"
        )
    return prepared


def run(
    engine: Engine,
    experiment_id: int,
    prepared: Prepared,
    executor: Executor,
    *,
    say: Any = None,
) -> CalibrationResult:
    """Run (or go on with) a stored calibration to its end and analyse it. Ctrl-C marks it ``interrupted``,
    a failure ``failed`` (re-raised either way; every finished run stays stored)."""
    import time

    record, _ = read_experiment(engine, experiment_id)
    refuse_if_running(record)
    reopen_experiment(engine, experiment_id)
    earlier = record["wall_seconds"] or 0.0
    t0 = time.perf_counter()
    evaluator = Evaluator(
        engine=engine,
        experiment_id=experiment_id,
        executor=executor,
        scenario=prepared.scenario_task,
        jurisdiction=prepared.jurisdiction.name,
        seed=prepared.seed,
        replications=prepared.settings.replications,
        outcomes=prepared.targets.outcomes,
        overrides=prepared.overrides,
        say=say or (lambda _t: None),
        stored=store.evaluations(engine, experiment_id),
    )
    search = Search(
        evaluator=evaluator,
        free=prepared.free,
        observed=prepared.targets.observed,
        cov_observed=prepared.targets.covariance(),
        ranges=tuple(outcome_range(o) for o in prepared.targets.outcomes),
        settings=prepared.settings,
        seed=prepared.seed,
    )

    def wall() -> float:
        return earlier + time.perf_counter() - t0

    with marked_if_stopped(engine, experiment_id, wall):
        search.local(search.design())
    finish_experiment(engine, experiment_id, status="finished", wall_seconds=wall())
    return analyse(engine, experiment_id)


# -------------------------------------------------------------------------------------------- analyse


@attrs.frozen
class ParameterRow:
    key: str
    low: float
    high: float
    value: float
    interval_low: float
    interval_high: float
    remaining: float  #: posterior sd over the range's (uniform) sd: 1 = the targets say nothing
    status: str  #: determined | weak | undetermined


@attrs.frozen
class CalibrationResult:
    """A calibration's result, from the database alone (:func:`analyse`)."""

    experiment_id: int
    name: str
    best_point: int
    parameters: dict[str, Any]
    rows: tuple[ParameterRow, ...]
    fit: FitTable
    identification: Identification | None
    flat: tuple[dict[str, Any], ...]
    evaluations: tuple[dict[str, Any], ...]
    targets: dict[str, Any]
    free: tuple[FreeParameter, ...]
    replications: int
    level: float
    complete: bool  #: the search ended (converged or used its budget); else the best point so far
    surface: dict[str, Any] = attrs.field(factory=dict)  #: the response surface's fit (docs/calibration.md)

    def as_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment_id,
            "calibration": self.name,
            "complete": self.complete,
            "best_point": self.best_point,
            "parameters": self.parameters,
            "uncertainty": [attrs.asdict(r) for r in self.rows],
            "flat_directions": list(self.flat),
            "fit": self.fit.as_dict(),
            "evaluations": len(self.evaluations),
            "replications": self.replications,
            "surface": self.surface,
        }


def analyse(engine: Engine, experiment_id: int, level: float = 0.95) -> CalibrationResult:
    """The best point of a stored calibration with its uncertainty, fit table and flat directions."""
    from credsup.calibration.outcomes import run_columns

    record, _ = read_experiment(engine, experiment_id)
    settings = record["settings"]
    targets = settings["targets"]
    outcomes = [f["outcome"] for f in targets["figures"]]
    free = tuple(FreeParameter(**f) for f in settings["free"])
    evals = store.evaluations(engine, experiment_id)
    scored = [e for e in evals if e["distance"] is not None]
    if not scored:
        raise InputError(f"calibration {experiment_id} has no evaluated point yet: resume it to go on")
    reps = int(record["replications"])
    cov_obs = np.array(targets["covariance"], dtype=np.float64)
    observed = np.array([f["value"] for f in targets["figures"]], dtype=np.float64)
    ranges = [outcome_range(o) for o in outcomes]

    def stored(e: dict[str, Any], what: str) -> list[float]:
        return [math.nan if e["outcomes"][k][what] is None else e["outcomes"][k][what] for k in outcomes]

    # the response surface the search ended on (docs/calibration.md, "Method"): fitted around its last
    # point, with the weights of its start design; the estimate is the evaluated point it puts closest
    units = np.array([[f.unit(e["parameters"][f.key]) for f in free] for e in scored])
    means = np.array([stored(e, "mean") for e in scored])
    design_sd = np.array([stored(e, "sd") for e in scored if e["stage"] == "design"]).reshape(-1, len(outcomes))
    scale = weights(cov_obs, design_sd, reps)
    searched = [i for i, e in enumerate(scored) if e["stage"] == "search"]
    raw_best = min(range(len(scored)), key=lambda i: (scored[i]["distance"], scored[i]["point"]))
    surface = fit_surface(units, means, units[searched[-1] if searched else raw_best])

    at = min(
        range(len(scored)),
        key=lambda i: (predicted_distance(surface, units[i], observed, scale, ranges), scored[i]["point"]),
    )
    best = scored[at]
    runs = store.run_results(engine, experiment_id, [best["point"]], *run_columns())

    def values(point: int) -> np.ndarray:
        rows = [outcome_values(runs[(point, r)]) for r in range(reps) if (point, r) in runs]
        return np.array([[row[k] for k in outcomes] for row in rows], dtype=np.float64).reshape(-1, len(outcomes))

    centre = moments(values(best["point"]))
    complete = record["status"] == "finished"
    gradient = surface.gradient(units[at])
    ident = None
    if np.isfinite(gradient).all():
        ident = identification([f.key for f in free], gradient, cov_obs + np.nan_to_num(centre.cov_mean))
    diagnostics = {
        "degree": surface.degree,
        "points": len(surface.used),
        "evaluated": len(scored),
        "residual_sd": {k: _f(v) for k, v in zip(outcomes, surface.residual_sd)},
        "noise_sd": {k: _f(v / math.sqrt(reps)) for k, v in zip(outcomes, np.nanmedian(design_sd, axis=0))}
        if len(design_sd)
        else {},
    }
    table = fit_table(
        outcomes,
        observed,
        cov_obs,
        centre,
        sources=[f["source"] for f in targets["figures"]],
        ranges=ranges,
        level=level,
        fitted_directions=ident.identified_directions if ident is not None else len(free),
    )
    rows = []
    for i, f in enumerate(free):
        v = best["parameters"][f.key]
        if ident is not None:
            lo, hi = interval(f.unit(v), float(ident.sd[i]), level)
            rows.append(
                ParameterRow(
                    key=f.key,
                    low=f.low,
                    high=f.high,
                    value=v,
                    interval_low=f.value(lo),
                    interval_high=f.value(hi),
                    remaining=float(ident.remaining[i]),
                    status=ident.status(i),
                )
            )
        else:
            rows.append(ParameterRow(f.key, f.low, f.high, v, math.nan, math.nan, math.nan, "unknown"))
    return CalibrationResult(
        experiment_id=experiment_id,
        name=record["name"],
        best_point=best["point"],
        parameters=dict(best["parameters"]),
        rows=tuple(rows),
        fit=table,
        identification=ident,
        flat=tuple(ident.flat_directions()) if ident is not None else (),
        evaluations=tuple(evals),
        targets=targets,
        free=free,
        replications=reps,
        level=level,
        complete=complete,
        surface=diagnostics,
    )


# ------------------------------------------------------------------------------------------------ fit


@attrs.frozen
class FitResult:
    targets: Targets
    scenario: str
    jurisdiction: str
    replications: int
    seed: int
    table: FitTable
    command: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "targets": self.targets.path,
            "scenario": self.scenario,
            "jurisdiction": self.jurisdiction,
            "observed_under": self.targets.jurisdiction,
            "replications": self.replications,
            "seed": self.seed,
            "command": self.command,
            **self.table.as_dict(),
        }


def fit(
    targets_ref: str,
    scenario: str,
    executor: Executor,
    *,
    jurisdiction: str | None = None,
    set_texts: Sequence[str] = (),
    replications: int = FIT_REPLICATIONS,
    seed: int = 1,
    level: float = 0.95,
) -> FitResult:
    """Run ``replications`` of the scenario under the targets' jurisdiction (or ``jurisdiction``) with the
    targets' policy, and compare with the targets (nothing is stored)."""
    if replications < 2:
        raise InputError(f"--replications must be at least 2 to estimate the simulation's noise (got {replications})")
    targets = load_targets(targets_path(targets_ref))
    jname = jurisdiction or targets.jurisdiction
    if jname != targets.jurisdiction:
        check_jurisdiction(targets.spec, targets.policy, targets.path, jname)
    cls = params_class_of(jname, {i.name: i for i in discover()})
    scen, per = route_overrides([*targets.policy, *(parse_override(t) for t in set_texts)], {jname: cls})
    ref = scenario if scenario in builtin_scenarios() else str(scenario_path(scenario))
    load_scenario_set(ref, scen)
    load_jurisdiction(jname, overrides=per[jname])
    task_scenario: str | Scenario = ref if ref in builtin_scenarios() else load_scenario(ref)
    tasks = [
        RunTask(
            scenario=task_scenario,
            jurisdiction=jname,
            seed=seed,
            replication=r,
            scenario_overrides=tuple(scen),
            jurisdiction_overrides=tuple(per[jname]),
        )
        for r in range(replications)
    ]
    executor.check([jname])
    results: dict[int, dict[str, float]] = {}
    for outcome in executor.run(tasks):
        if not outcome.ok:
            raise CredsupError(f"replication {outcome.task.replication} failed: {outcome.error}")
        assert outcome.result is not None
        results[outcome.task.replication] = outcome_values(outcome.result)
    values = np.array([[results[r][k] for k in targets.outcomes] for r in range(replications)], dtype=np.float64)
    table = fit_table(
        targets.outcomes,
        targets.observed,
        targets.covariance(),
        moments(values),
        sources=[f.source for f in targets.figures],
        ranges=[outcome_range(o) for o in targets.outcomes],
        level=level,
    )
    parts = ["credsup", "fit", targets_ref, "--scenario", scenario, "--jurisdiction", jname]
    parts += ["--replications", str(replications), "--seed", str(seed)]
    for t in set_texts:
        parts += ["--set", t]
    return FitResult(
        targets=targets,
        scenario=scenario,
        jurisdiction=jname,
        replications=replications,
        seed=seed,
        table=table,
        command=shlex.join(parts),
    )


def calibrated_source(targets_ref: str, experiment_id: int, when: dt.date | None = None) -> str:
    """The source every fitted value of a calibrated scenario carries."""
    from credsup import __version__

    day = (when or dt.date.today()).isoformat()
    return f"calibrated to {targets_ref} by credsup calibrate {__version__} on {day}, experiment {experiment_id}"


__all__ = [
    "CalibrationResult",
    "FitResult",
    "Prepared",
    "analyse",
    "calibrated_source",
    "fit",
    "prepare",
    "prepare_resume",
    "run",
    "start",
]
