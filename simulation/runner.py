"""Run one simulation: a scenario, a jurisdiction, a seed -> :class:`RunResult` (plain data).

:func:`run_simulation` is what the CLI and the replication and sweep runners call, in this process or in
a worker: it takes names (or loaded objects), override pairs and a ``numpy.random.SeedSequence``, and
returns a result that pickles and turns into JSON. Nothing global is touched, so runs in one process do
not affect each other.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from credsup.core import HOOKS, Jurisdiction, load_jurisdiction
from credsup.core.config import CONVERTER, load_plain
from credsup.core.months import add_months
from credsup.simulation.member_parameters import check_batchable
from credsup.simulation.members import MemberWorld
from credsup.simulation.metrics import METRICS, counts, follow_up_periods, summarise
from credsup.simulation.population import generate, item_table, rows_of, simulation_start
from credsup.simulation.regulator import Regulator
from credsup.simulation.scenario import Scenario, load_scenario, scenario_record
from credsup.simulation.state import World
from credsup.simulation.streams import as_seed_sequence, describe, streams

Override = tuple[str, Any]

#: Jurisdiction methods the regulator calls, by hook (from the hook declarations: ``grade`` -> ``credsup_grade``).
_HOOK_METHODS = {c.method: name for name, c in HOOKS.items()}


class TimedJurisdiction:
    """A :class:`Jurisdiction` whose hook methods count calls, rows and seconds (for the timings)."""

    def __init__(self, jurisdiction: Jurisdiction):
        self._j = jurisdiction
        self.stats: dict[str, dict[str, float]] = {}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._j, name)
        hook = _HOOK_METHODS.get(name)
        if hook is None:
            return attr

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            result = attr(*args, **kwargs)
            s = self.stats.setdefault(hook, {"calls": 0, "rows": 0, "seconds": 0.0})
            s["calls"] += 1
            s["rows"] += len(result)
            s["seconds"] += time.perf_counter() - t0
            return result

        return timed


@attrs.frozen
class RunResult:
    """The outcome of one run, as plain data (JSON-ready via :meth:`to_dict`).

    ``summary`` maps every key of :data:`credsup.simulation.metrics.METRICS` to its value for the run
    (``None`` where undefined); ``periods`` is one such mapping per month (with ``period``, ``YYYY-MM``);
    ``grades`` the metrics defined per grade, by grade label; ``sources`` the figures per inspection
    source (docs/metrics.md). ``counts`` are the raw totals the metrics are made of; ``timings`` are
    seconds by phase, ``hooks`` the calls, rows and seconds per hook; ``scenario_config`` and
    ``jurisdiction_params`` the full resolved inputs (for storing an experiment). Everything measured
    covers the ``months`` from the scenario's start: the ``warmup_months`` before it are simulated and
    not measured.
    """

    scenario: str
    jurisdiction: str
    jurisdiction_version: str
    seed: dict[str, Any]
    enterprises: int
    months: int
    summary: dict[str, float | None]
    periods: list[dict[str, Any]]
    grades: dict[str, dict[str, Any]]
    counts: dict[str, float]
    #: per inspection source: inspections, detections, hit rate, visits, compliant visits, and per grade
    sources: dict[str, dict[str, Any]]
    perceived_costs: list[dict[str, Any]]
    timings: dict[str, float]
    hooks: dict[str, dict[str, float]]
    warmup_months: int = 0
    scenario_config: dict[str, Any] = attrs.field(factory=dict)
    #: every jurisdiction parameter of the run, ``{"key.path": {"value": ..., "source": ...}}``
    jurisdiction_params: dict[str, Any] = attrs.field(factory=dict)

    @property
    def enterprise_periods(self) -> int:
        return self.enterprises * self.months

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self, recurse=False)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), default=_json_default, **kwargs)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, np.datetime64)):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, set)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def apply_scenario_overrides(scenario: Scenario, overrides: Sequence[Override]) -> Scenario:
    """A loaded scenario with ``(key.path, value)`` overrides applied and validated."""
    if not overrides:
        return scenario
    return load_plain(
        f"<scenario {scenario.scenario}>", Scenario, overrides=overrides, data=CONVERTER.unstructure(scenario)
    )


def run_simulation(
    scenario: Scenario | str,
    jurisdiction: Jurisdiction | str,
    seed: int | np.random.SeedSequence | None = None,
    *,
    scenario_overrides: Sequence[Override] = (),
    jurisdiction_overrides: Sequence[Override] = (),
    jurisdiction_config: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Play ``jurisdiction`` against ``scenario`` with randomness from ``seed``.

    ``scenario`` is a :class:`Scenario` or a built-in name or file; ``jurisdiction`` a loaded
    :class:`Jurisdiction` or an installed name (then ``jurisdiction_overrides`` and ``jurisdiction_config``
    apply). The same arguments give the same result, in any process, and the same as this seed's member of
    any batch (:func:`run_batch`). ``progress(done, total)`` is called after each month. Raises
    :class:`credsup.core.CredsupError` for bad input or a misbehaving plugin.
    """
    (result,) = run_batch(
        scenario,
        jurisdiction,
        [seed],
        scenario_overrides=scenario_overrides,
        jurisdiction_overrides=jurisdiction_overrides,
        jurisdiction_config=jurisdiction_config,
        progress=progress,
    )
    return result


def run_batch(
    scenario: Scenario | str | Sequence[Scenario | str],
    jurisdiction: Jurisdiction | str,
    seeds: Sequence[int | np.random.SeedSequence | None],
    *,
    scenario_overrides: Sequence[Override] = (),
    member_overrides: Sequence[Sequence[Override]] | None = None,
    jurisdiction_overrides: Sequence[Override] = (),
    jurisdiction_config: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[RunResult]:
    """Play one run per seed of ``seeds`` at once, their enterprises stacked in one world
    (:mod:`credsup.simulation.members`), and return their results in the order of ``seeds``.

    ``scenario`` is one scenario for every member, or one per member (a sweep's points); the
    ``scenario_overrides`` apply to every member, then ``member_overrides`` (one sequence per member), if
    given, to each its own. Members may differ in every scenario parameter but what they share
    (:data:`credsup.simulation.member_parameters.BATCH_KEYS`: the calendar, and the sector and item
    names); a batch whose members differ there is refused (``ValueError``). Sizes may differ.

    Each member's result is the one :func:`run_simulation` gives for its scenario and seed alone,
    whichever members share the batch and however many there are (only ``timings`` and ``hooks`` differ:
    in a batch they are the whole batch's, shared by its members; ``timings["batch_members"]`` says how
    many).
    """
    t0 = time.perf_counter()
    if not seeds:
        return []
    k = len(seeds)
    scenarios = _member_scenarios(scenario, k, scenario_overrides, member_overrides)
    check_batchable(scenarios)
    sc = scenarios[0]  # what every member shares: the calendar
    if isinstance(jurisdiction, Jurisdiction):
        if jurisdiction_overrides or jurisdiction_config:
            raise ValueError("give overrides and a config file with a jurisdiction name, not a loaded Jurisdiction")
        j = jurisdiction
    else:
        j = load_jurisdiction(jurisdiction, config=jurisdiction_config, overrides=jurisdiction_overrides)
    seqs = [as_seed_sequence(seed) for seed in seeds]
    rngs = [streams(seq) for seq in seqs]
    t1 = time.perf_counter()
    world, probe = stacked_population(scenarios, rngs)
    _, shares, severity = item_table(sc)
    t2 = time.perf_counter()
    timed = TimedJurisdiction(j)
    regulator = Regulator(
        world,
        timed,
        scenarios if len(set(map(id, scenarios))) > 1 else sc,
        rngs,
        probe,
        shares,
        severity,
        progress,
        sizes=[rows_of(m) for m in scenarios],
    )
    first = regulator.first_measured
    regulator.run()
    t3 = time.perf_counter()
    starts = regulator.ctx.clock.starts[first:]
    params = j.parameters()
    records: dict[int, dict[str, Any]] = {}
    out = []
    for m, seq in enumerate(seqs):
        own = scenarios[m]
        tally = regulator.member_tally(m).window(first)  # the measured months only
        metrics = summarise(tally, follow_up_periods=follow_up_periods(starts, own.metrics.recidivism_days))
        for t, row in enumerate(metrics["periods"]):
            row["period"] = add_months(sc.start, t).strftime("%Y-%m")
        if id(own) in records:
            scenario_config = copy.deepcopy(records[id(own)])
        else:
            scenario_config = records[id(own)] = scenario_record(own)
        out.append(
            RunResult(
                scenario=own.scenario,
                jurisdiction=j.name,
                jurisdiction_version=j.version,
                seed=describe(seq),
                enterprises=own.population.enterprises,
                months=sc.months,
                summary=metrics["summary"],
                periods=metrics["periods"],
                grades=metrics["grades"],
                counts=counts(tally),
                sources=metrics["sources"],
                perceived_costs=regulator.costs_logs[m],
                timings={},
                hooks=timed.stats if m == 0 else copy.deepcopy(timed.stats),
                warmup_months=sc.warmup_months,
                scenario_config=scenario_config,
                jurisdiction_params=params if m == 0 else copy.deepcopy(params),
            )
        )
    t4 = time.perf_counter()
    timings = {
        "setup": t1 - t0,
        "population": t2 - t1,
        "simulate": t3 - t2,
        "metrics": t4 - t3,
        "total": t4 - t0,
        "hooks": sum(s["seconds"] for s in timed.stats.values()),
    }
    if k > 1:
        timings["batch_members"] = float(k)
    for result in out:
        result.timings.update(timings)
    return out


def _member_scenarios(
    scenario: Scenario | str | Sequence[Scenario | str],
    k: int,
    overrides: Sequence[Override],
    member_overrides: Sequence[Sequence[Override]] | None,
) -> list[Scenario]:
    """Each member's loaded scenario. Members with the same input share one object (a batch of one
    scenario has one: the simulation's fast path reads every parameter once)."""
    specs = [scenario] * k if isinstance(scenario, (Scenario, str)) else list(scenario)
    if len(specs) != k:
        raise ValueError(f"{len(specs)} scenarios for {k} seeds: give one, or one per seed")
    extra: list[Sequence[Override]] = [()] * k if member_overrides is None else list(member_overrides)
    if len(extra) != k:
        raise ValueError(f"{len(extra)} member overrides for {k} seeds: give one sequence per seed")
    loaded: dict[tuple[Any, ...], Scenario] = {}
    out = []
    for spec, own in zip(specs, extra):
        key = (spec if isinstance(spec, str) else id(spec), tuple((path, repr(v)) for path, v in own))
        if key not in loaded:
            every = [*overrides, *own]
            if isinstance(spec, Scenario):
                loaded[key] = apply_scenario_overrides(spec, every)
            else:
                loaded[key] = load_scenario(spec, every)
        out.append(loaded[key])
    return out


def stacked_population(
    scenario: Scenario | Sequence[Scenario], rngs: Sequence[dict[str, np.random.Generator]]
) -> tuple[World, np.ndarray]:
    """One population per member (each from its own scenario and its own ``population`` stream, as
    alone), stacked member after member in one world; returns the world and every member's probe rows
    (in stacked rows). ``scenario`` is one for every member or one per member."""
    scenarios = [scenario] * len(rngs) if isinstance(scenario, Scenario) else list(scenario)
    check_batchable(scenarios)
    sizes = [rows_of(sc) for sc in scenarios]  # each member's enterprises, then its reserve of entrants
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64).tolist()
    first = scenarios[0]
    items, _, _ = item_table(first)
    world = World(offsets[-1], simulation_start(first), [s.name for s in first.population.sectors], items)
    probes = []
    weights = []
    for m, member_rngs in enumerate(rngs):
        view = MemberWorld(world, offsets[m], offsets[m + 1])
        _, probe = generate(scenarios[m], member_rngs["population"], world=view, entrants=member_rngs["entrants"])
        probes.append(probe + offsets[m])
        weights.append(view.prior_weight)
        world.experience = view.experience
    # the prior's weight: one number, or each member's when their perception differs
    world.prior_weight = weights[0] if all(w == weights[0] for w in weights) else np.array(weights)
    return world, np.concatenate(probes)


__all__ = [
    "METRICS",
    "RunResult",
    "TimedJurisdiction",
    "apply_scenario_overrides",
    "run_batch",
    "run_simulation",
    "stacked_population",
]
