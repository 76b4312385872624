"""``credsup compare``: every jurisdiction on the same scenario and the same random streams.

:func:`prepare` validates everything before anything is stored (scenario, jurisdictions, overrides, the
database, the output folder), so a mistake costs nothing and leaves nothing half-written;
:func:`run_compare` stores the experiment and its runs; the table, plots and report are then built from
the database alone (``credsup results show/report`` rebuild them later). An interrupted comparison
(Ctrl-C, ``kill -9``, a lost machine) keeps the runs that finished: :func:`prepare_resume` rebuilds it from
the database, checking that the installed jurisdictions and the scenario still give the same one, and
:func:`resume_compare` runs only what is missing.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine

from credsup.core.discovery import discover
from credsup.core.errors import InputError
from credsup.core.jurisdiction import Jurisdiction, load_jurisdiction, params_class_of
from credsup.experiments.executors import Executor, local_executor
from credsup.experiments.runner import ProgressCallback, Tally, refuse_if_running, run_experiment, run_missing
from credsup.experiments.seeds import new_seed
from credsup.experiments.spec import MAX_REPLICATIONS
from credsup.experiments.tasks import Outcome, RunTask
from credsup.results.store import create_experiment, jsonable, read_experiment
from credsup.simulation.overrides import load_scenario_set, split_overrides
from credsup.simulation.scenario import Scenario, scenario_path, scenario_record

#: Order of jurisdictions when none is named: the no-credit baseline first, then the national fallback.
PREFERRED_ORDER = ("traditional", "national")


def default_jurisdictions() -> list[str]:
    """Every installed jurisdiction that loads, baseline first (traditional, national, then by name)."""
    names = [i.name for i in discover() if i.status == "ok"]
    first = [n for n in PREFERRED_ORDER if n in names]
    return first + sorted(n for n in names if n not in first)


def describe_jurisdiction(j: Jurisdiction) -> dict[str, Any]:
    """What an experiment records about a jurisdiction: identity, version and every parameter with its source."""
    return {**j.describe(), "params": j.parameters()}


def jurisdiction_values(j: Mapping[str, Any]) -> dict[str, Any]:
    """What must not change between an experiment and its resumption: a jurisdiction's name, version and
    parameter values (sources and titles may be reworded)."""
    return {
        "name": j["name"],
        "version": j["version"],
        "params": {k: v["value"] for k, v in j.get("params", {}).items()},
    }


@attrs.frozen
class Prepared:
    """A validated comparison, ready to run."""

    scenario_ref: str
    scenario: Scenario
    scenario_overrides: tuple[tuple[str, Any], ...]
    jurisdictions: tuple[Jurisdiction, ...]
    jurisdiction_overrides: dict[str, tuple[tuple[str, Any], ...]]
    replications: int
    seed: int
    set_texts: tuple[str, ...]
    #: ``--equal-effort``: each jurisdiction's random checks scaled to the baseline's inspections
    equal_effort: bool = False
    #: the random-check factor of each jurisdiction (``scenario.regulator.random_check_scale``), once found
    scales: Mapping[str, float] = attrs.field(factory=dict)

    def tasks(self, jurisdictions: Sequence[str] | None = None) -> list[RunTask]:
        """Replication-major order, so early results already cover every jurisdiction (only
        ``jurisdictions`` when given)."""
        return [
            self.task(j.name, r)
            for r in range(self.replications)
            for j in self.jurisdictions
            if jurisdictions is None or j.name in jurisdictions
        ]

    def task(self, jurisdiction: str, replication: int, scale: float | None = None) -> RunTask:
        """The run of ``jurisdiction`` in ``replication``, its random checks scaled by ``scale`` (default: its
        factor in :attr:`scales`, if any)."""
        from credsup.experiments.equal_effort import SCALE_PATH

        k = self.scales.get(jurisdiction) if scale is None else scale
        over = self.scenario_overrides + (((SCALE_PATH, float(k)),) if k is not None else ())
        return RunTask(
            scenario=self.scenario_ref,
            jurisdiction=jurisdiction,
            seed=self.seed,
            replication=replication,
            scenario_overrides=over,
            jurisdiction_overrides=self.jurisdiction_overrides[jurisdiction],
        )

    def command(self) -> str:
        """The command line that reproduces these numbers (the seed always explicit)."""
        parts = ["credsup", "compare", "--scenario", self.scenario_ref]
        for j in self.jurisdictions:
            parts += ["-j", j.name]
        parts += ["--replications", str(self.replications), "--seed", str(self.seed)]
        for text in self.set_texts:
            parts += ["--set", text]
        if self.equal_effort:
            parts.append("--equal-effort")
        return shlex.join(parts)


def prepare(
    scenario: str,
    jurisdictions: Sequence[str],
    *,
    replications: int,
    seed: int | None,
    set_texts: Sequence[str] = (),
    equal_effort: bool = False,
) -> Prepared:
    """Validate a comparison: raises a CredsupError (unknown scenario or jurisdiction, bad ``--set``)."""
    if replications < 1:
        raise InputError(f"--replications must be at least 1 (got {replications})")
    if replications > MAX_REPLICATIONS:
        raise InputError(f"--replications must be at most {MAX_REPLICATIONS:,} (got {replications})")
    if equal_effort:
        from credsup.experiments.equal_effort import SCALE_PATH

        if any(text.replace(" ", "").startswith(f"scenario.{SCALE_PATH}=") for text in set_texts):
            raise InputError(
                f"--equal-effort finds scenario.{SCALE_PATH} for each jurisdiction: drop --set scenario.{SCALE_PATH}"
            )
        if len(list(jurisdictions) or default_jurisdictions()) < 2:
            raise InputError("--equal-effort needs at least two jurisdictions (the first is the baseline)")
    names = list(jurisdictions) or default_jurisdictions()
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"jurisdiction given twice: {', '.join(dup)}")
    ref = str(scenario_path(scenario)) if not _is_builtin(scenario) else scenario
    infos = {i.name: i for i in discover()}
    # NAME or NAME+REFORM...; unknown or broken ones: the kernel's own error, naming the installed ones
    loaded_classes = {n: params_class_of(n, infos) for n in names}
    scen_over, per = split_overrides(set_texts, loaded_classes)
    sc = load_scenario_set(ref, scen_over)
    loaded = tuple(load_jurisdiction(n, overrides=per[n]) for n in names)
    return Prepared(
        scenario_ref=ref,
        scenario=sc,
        scenario_overrides=tuple(scen_over),
        jurisdictions=loaded,
        jurisdiction_overrides={n: tuple(per[n]) for n in names},
        replications=replications,
        seed=new_seed() if seed is None else int(seed),
        set_texts=tuple(set_texts),
        equal_effort=equal_effort,
    )


def _is_builtin(name: str) -> bool:
    from credsup.simulation.scenario import builtin_scenarios

    return name in builtin_scenarios()


def start(engine: Engine, prepared: Prepared, executor: Executor, equal_effort: Mapping[str, Any] | None = None) -> int:
    """Store the comparison (status ``running``, by this process); return the experiment id.
    ``equal_effort``: what the equal-effort search found (:meth:`credsup.experiments.equal_effort.Search.record`)."""
    settings: dict[str, Any] = {
        "set": list(prepared.set_texts),
        "workers": executor.workers,
        "scenario_ref": prepared.scenario_ref,
    }
    if equal_effort is not None:
        settings["equal_effort"] = jsonable(equal_effort)
    return create_experiment(
        engine,
        kind="compare",
        command=prepared.command(),
        scenario=prepared.scenario.scenario,
        scenario_config=scenario_record(prepared.scenario),
        jurisdictions=[describe_jurisdiction(j) for j in prepared.jurisdictions],
        seed=prepared.seed,
        replications=prepared.replications,
        settings=settings,
    )


class _Replay:
    """An executor that hands back outcomes already computed (the equal-effort search's runs), so they
    are stored through the same path as any run."""

    def __init__(self, outcomes: Sequence[Outcome], workers: int):
        self.outcomes = {o.task.key: o for o in outcomes}
        self.workers = workers

    def check(self, jurisdictions: Any) -> None:
        pass

    def describe(self) -> str:
        return "runs of the equal-effort search"

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]:
        for task in tasks:
            yield self.outcomes[task.key]


def run_equal_effort(
    engine: Engine,
    prepared: Prepared,
    executor: Executor,
    *,
    say: Callable[[str], None] | None = None,
    progress: bool | None = None,
) -> tuple[int, Tally, Prepared]:
    """``compare --equal-effort``: find each jurisdiction's random-check factor
    (:func:`credsup.experiments.equal_effort.search`), then store the experiment, with the factors, and
    the runs at those factors. Nothing is stored before the search ends (an interrupted search leaves
    nothing behind); the stored comparison resumes like any other, at its factors."""
    from credsup.experiments.equal_effort import search

    found = search(prepared, executor, say)
    prepared = attrs.evolve(prepared, scales={j: f.factor for j, f in found.factors.items()})
    exp_id = start(engine, prepared, executor, equal_effort=found.record())
    tasks = [o.task for o in found.outcomes]
    tasks.sort(key=lambda t: (t.replication, [j.name for j in prepared.jurisdictions].index(t.jurisdiction)))
    tally = run_experiment(
        engine,
        exp_id,
        tasks,
        _Replay(found.outcomes, executor.workers),
        progress=progress,
        label=f"{prepared.scenario.scenario}: storing",
    )
    return exp_id, tally, prepared


def run_compare(
    engine: Engine,
    prepared: Prepared,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    progress: ProgressCallback | bool | None = None,
) -> tuple[int, Tally]:
    """Store the experiment, run every task (storing each run as it finishes) and mark it finished.

    Ctrl-C marks the experiment ``interrupted`` and re-raises; the runs finished so far stay stored.
    """
    executor = executor or local_executor(workers)
    exp_id = start(engine, prepared, executor)
    tally = run_experiment(
        engine, exp_id, prepared.tasks(), executor, progress=progress, label=f"{prepared.scenario.scenario}: runs"
    )
    return exp_id, tally


def prepare_resume(engine: Engine, experiment_id: int) -> Prepared:
    """The stored comparison ``experiment_id``, prepared again from what the database recorded (scenario,
    jurisdictions, replications, seed, ``--set``); raises :class:`InputError` when it is no comparison, is
    still running, or the installed jurisdictions or the scenario no longer give the same one."""
    record, _ = read_experiment(engine, experiment_id)
    if record["kind"] != "compare":
        how = f"credsup sweep SPEC --resume {experiment_id}" if record["kind"] == "sweep" else ""
        raise InputError(
            f"experiment {experiment_id} is a {record['kind']}, not a comparison"
            + (f": resume it with `{how}`" if how else ": nothing to resume")
        )
    refuse_if_running(record)
    settings = record["settings"]
    equal = settings.get("equal_effort")
    prepared = prepare(
        settings.get("scenario_ref") or record["scenario"],
        [j["name"] for j in record["jurisdictions"]],
        replications=record["replications"],
        seed=int(record["seed"]),
        set_texts=tuple(settings.get("set", ())),
        equal_effort=bool(equal),
    )
    if equal:  # the runs still missing run at the factors the search found
        prepared = attrs.evolve(prepared, scales={j: float(f["factor"]) for j, f in equal.get("factors", {}).items()})
    differ = []
    if jsonable(scenario_record(prepared.scenario)) != record["scenario_config"]:
        differ.append(f"scenario {prepared.scenario_ref}")
    mine = [jurisdiction_values(describe_jurisdiction(j)) for j in prepared.jurisdictions]
    for now, then in zip(jsonable(mine), [jurisdiction_values(j) for j in record["jurisdictions"]]):
        if now != then:
            what = "version" if now["version"] != then["version"] else "parameters"
            differ.append(f"jurisdiction {now['name']} ({what})")
    if differ:
        raise InputError(
            f"experiment {experiment_id} cannot be resumed: what it ran has changed since ({'; '.join(differ)}); "
            "its runs so far stay stored, and a new comparison gives numbers for what is installed now"
        )
    return prepared


def resume_compare(
    engine: Engine,
    experiment_id: int,
    prepared: Prepared,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    progress: ProgressCallback | bool | None = None,
) -> Tally:
    """Run the runs of a stored comparison that are missing (or failed), storing each as it finishes."""
    executor = executor or local_executor(workers)
    return run_missing(
        engine,
        experiment_id,
        prepared.tasks(),
        executor,
        progress=progress,
        label=f"{prepared.scenario.scenario}: runs",
    )


def output_dir(path: str | None) -> Path | None:
    if path is None:
        return None
    from credsup.results.output import check_writable

    out = Path(path)
    check_writable(out)
    return out
