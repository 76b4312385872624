"""``credsup compare``: every jurisdiction on the same scenario and the same random streams.

:func:`prepare` validates everything before anything is stored (scenario, jurisdictions, overrides, the
database, the output folder), so a mistake costs nothing and leaves nothing half-written;
:func:`run_compare` stores the experiment and its runs; the table, plots and report are then built from
the database alone (``credsup results show/report`` rebuild them later).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine

from credsup.core.discovery import discover
from credsup.core.errors import InputError
from credsup.core.jurisdiction import Jurisdiction, load_jurisdiction, params_class_of
from credsup.experiments.executors import Executor, local_executor
from credsup.experiments.runner import Tally, run_experiment
from credsup.experiments.seeds import new_seed
from credsup.experiments.tasks import RunTask
from credsup.results.store import create_experiment
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

    def tasks(self) -> list[RunTask]:
        """Replication-major order, so early results already cover every jurisdiction."""
        return [
            RunTask(
                scenario=self.scenario_ref,
                jurisdiction=j.name,
                seed=self.seed,
                replication=r,
                scenario_overrides=self.scenario_overrides,
                jurisdiction_overrides=self.jurisdiction_overrides[j.name],
            )
            for r in range(self.replications)
            for j in self.jurisdictions
        ]

    def command(self) -> str:
        """The command line that reproduces these numbers (the seed always explicit)."""
        parts = ["credsup", "compare", "--scenario", self.scenario_ref]
        for j in self.jurisdictions:
            parts += ["-j", j.name]
        parts += ["--replications", str(self.replications), "--seed", str(self.seed)]
        for text in self.set_texts:
            parts += ["--set", text]
        return shlex.join(parts)


def prepare(
    scenario: str, jurisdictions: Sequence[str], *, replications: int, seed: int | None, set_texts: Sequence[str] = ()
) -> Prepared:
    """Validate a comparison: raises a CredsupError (unknown scenario or jurisdiction, bad ``--set``)."""
    if replications < 1:
        raise InputError(f"--replications must be at least 1 (got {replications})")
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
    )


def _is_builtin(name: str) -> bool:
    from credsup.simulation.scenario import builtin_scenarios

    return name in builtin_scenarios()


def run_compare(
    engine: Engine,
    prepared: Prepared,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    progress: bool | None = None,
) -> tuple[int, Tally]:
    """Store the experiment, run every task (storing each run as it finishes) and mark it finished.

    Ctrl-C marks the experiment ``interrupted`` and re-raises; the runs finished so far stay stored.
    """
    executor = executor or local_executor(workers)
    exp_id = create_experiment(
        engine,
        kind="compare",
        command=prepared.command(),
        scenario=prepared.scenario.scenario,
        scenario_config=scenario_record(prepared.scenario),
        jurisdictions=[describe_jurisdiction(j) for j in prepared.jurisdictions],
        seed=prepared.seed,
        replications=prepared.replications,
        settings={"set": list(prepared.set_texts), "workers": executor.workers, "scenario_ref": prepared.scenario_ref},
    )
    tally = run_experiment(
        engine, exp_id, prepared.tasks(), executor, progress=progress, label=f"{prepared.scenario.scenario}: runs"
    )
    return exp_id, tally


def output_dir(path: str | None) -> Path | None:
    if path is None:
        return None
    from credsup.results.output import check_writable

    out = Path(path)
    check_writable(out)
    return out
