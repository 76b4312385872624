"""Batches: an experiment's runs grouped so that one worker plays several at once, stacked in one world.

Runs of the same jurisdiction (same parameters, same config) whose scenarios share a calendar (start,
months, warm-up, working week) and vocabularies (sector and item names) can be played together by
:func:`credsup.simulation.runner.run_batch`, each member's result the one it has alone: the members may
differ in their seed and in every other scenario parameter (a sweep's or a Sobol' study's points,
behaviour, regulator, population size and mix). :func:`plan_batches` groups an experiment's tasks so
(:func:`group_key`), under a memory bound: members are added to a batch while the sum of their estimated
peak memories (each member's own size, :func:`member_bytes`) stays under ``memory`` bytes
(:data:`DEFAULT_BATCH_MEMORY`, 2 GiB, unless ``CREDSUP_BATCH_MEMORY`` or the caller says otherwise), and
a group is cut into at least as many batches as there are workers, so that every worker has work.
Because a member's result does not depend on its batch, the numbers are the same whatever the batch
sizes and the number of workers.

:func:`execute_batch` runs one batch anywhere (this process, a local worker, a Dask worker) and returns
one :class:`~credsup.experiments.tasks.Outcome` per member; a member whose scenario does not load fails
alone, with the reason; any other error fails every member of the batch with the reason, and a worker
lost while playing a batch costs that batch (each member's run is stored as failed with the reason, and
``--resume`` runs them again).
"""

from __future__ import annotations

import math
import os
import re
import time
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from credsup.core.errors import CredsupError, InputError
from credsup.experiments.seeds import run_seed
from credsup.experiments.tasks import Outcome, RunTask

if TYPE_CHECKING:
    from credsup.simulation.scenario import Scenario

#: The peak memory a batch may use, unless told otherwise (bytes): 2 GiB.
DEFAULT_BATCH_MEMORY = 2 * 2**30
#: Environment variable that sets the bound (``2GB``, ``512MB``, ``1.5G``, or a number of bytes).
BATCH_MEMORY_ENV = "CREDSUP_BATCH_MEMORY"
#: Memory a batch member needs per enterprise (bytes). Measured at ``demo`` size (20,000 enterprises,
#: 36 months after a 36-month warm-up): the peak resident size grows by about 330 bytes per enterprise
#: and member (``ru_maxrss`` of batches of 1 and 8, national); budgeted with a margin (assumption:
#: other jurisdictions and scenarios with more violations keep larger records).
BYTES_PER_ENTERPRISE = 600
#: Memory per enterprise and simulated month (the records grow with time; measured below 1 byte).
BYTES_PER_ENTERPRISE_MONTH = 4
#: Memory of a worker before any member (the interpreter, numpy, credsup and a plugin; measured 55 MB).
BYTES_FIXED = 100 * 2**20
#: Members per batch at most: beyond a few dozen the shared calendar's cost is already spread thin, and a
#: smaller batch loses less to a dead worker.
MAX_MEMBERS = 64

_UNITS = {"": 1, "B": 1, "K": 2**10, "KB": 2**10, "M": 2**20, "MB": 2**20, "G": 2**30, "GB": 2**30}


def parse_memory(text: str | int | float) -> int:
    """Bytes from ``2GB``, ``512MB``, ``1.5G`` or a number of bytes (binary units: 1 GB = 2**30 bytes)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMG]?B?)\s*", str(text), flags=re.IGNORECASE)
        if not match:
            raise InputError(f"batch memory: {text!r} is not a size (write it as 2GB, 512MB or a number of bytes)")
        value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    if value < 2**20:
        raise InputError(f"batch memory: {text!r} is below 1 MB; a batch needs more to run")
    return int(value)


def batch_memory(memory: str | int | None = None) -> int:
    """The memory bound in bytes: ``memory`` if given, else ``CREDSUP_BATCH_MEMORY``, else 2 GiB."""
    if memory is not None:
        return parse_memory(memory)
    env = os.environ.get(BATCH_MEMORY_ENV)
    if env:
        try:
            return parse_memory(env)
        except InputError as exc:
            raise InputError(f"{BATCH_MEMORY_ENV}: {exc}") from None
    return DEFAULT_BATCH_MEMORY


def member_bytes(enterprises: int, months: int) -> int:
    """Estimated peak memory of one batch member (bytes) of ``enterprises`` over ``months`` simulated
    months (warm-up included)."""
    return enterprises * (BYTES_PER_ENTERPRISE + BYTES_PER_ENTERPRISE_MONTH * months)


def members_within(memory: int, enterprises: int, months: int) -> int:
    """Members of ``enterprises`` each a batch may hold under ``memory`` bytes (at least one: a run alone
    is never refused)."""
    room = memory - BYTES_FIXED
    return max(1, min(MAX_MEMBERS, room // max(1, member_bytes(enterprises, months))))


@attrs.frozen
class Batch:
    """Tasks that one worker plays together: same jurisdiction and parameters, scenarios with the same
    calendar and vocabularies; they differ in their sweep point (any other scenario parameter) and
    replication (their seeds)."""

    tasks: tuple[RunTask, ...]

    def __len__(self) -> int:
        return len(self.tasks)


#: Scenario overrides members of a batch must share (their value is part of :func:`group_key`): the
#: calendar (:data:`credsup.simulation.member_parameters.BATCH_KEYS`, written out here so that planning
#: does not import the simulator; tests/test_batch.py checks they agree) and the sections whole.
_SHARED_OVERRIDES = frozenset(
    ("start", "months", "warmup_months", "regulator.working_days_per_week", "population", "behaviour", "regulator")
)
#: Override prefixes that can change the vocabularies (sector and item names): tasks group by which of
#: them they set (their values may differ: the same keys set give the same names); ``population`` and
#: ``behaviour`` whole are in :data:`_SHARED_OVERRIDES`, by value.
_VOCABULARY_PREFIXES = ("population.sectors", "behaviour.items")


def group_key(task: RunTask) -> tuple[Any, ...]:
    """What the members of a batch share: the scenario they start from, the overrides of the calendar
    (by value) and of the vocabularies (by key), the jurisdiction, its overrides and config, and the
    experiment's seed. Every other scenario override may differ between members."""
    scenario = task.scenario if isinstance(task.scenario, str) else ("<loaded>", id(task.scenario))
    shared, vocabulary = [], set()
    for path, value in task.scenario_overrides:
        if path in _SHARED_OVERRIDES:
            shared.append((path, repr(value)))
        elif path.startswith(_VOCABULARY_PREFIXES):
            vocabulary.add(path)
    return (
        scenario,
        tuple(sorted(shared)),
        tuple(sorted(vocabulary)),
        task.jurisdiction,
        task.jurisdiction_overrides,
        task.jurisdiction_config,
        task.seed,
    )


def _load(task: RunTask) -> Scenario:
    """A task's scenario with its overrides (raises :class:`CredsupError` for a bad one)."""
    from credsup.simulation.runner import apply_scenario_overrides
    from credsup.simulation.scenario import Scenario, load_scenario

    overrides = list(task.scenario_overrides)
    if isinstance(task.scenario, Scenario):
        return apply_scenario_overrides(task.scenario, overrides)
    return load_scenario(task.scenario, overrides)


def _sizes(members: Sequence[RunTask]) -> list[tuple[int, int]]:
    """Rows (enterprises and the reserve of entrants) and simulated months (warm-up included) of each task
    of a group. The group's first scenario is loaded; another task's enterprises and turnover are its
    ``population.enterprises`` and ``population.turnover_per_year`` overrides, or the first's scenario's
    without them (the months are the group's: :func:`group_key`)."""
    from credsup.simulation.turnover import reserve_rows

    sized = ("population.enterprises", "population.turnover_per_year")
    first = members[0]
    base = _load(
        attrs.evolve(first, scenario_overrides=tuple(o for o in first.scenario_overrides if o[0] not in sized))
    )
    months = base.months + base.warmup_months
    out = []
    for task in members:
        own = dict(task.scenario_overrides)
        try:
            enterprises = max(1, int(own.get(sized[0], base.population.enterprises)))
            turnover = min(0.9, max(0.0, float(own.get(sized[1], base.population.turnover_per_year))))
        except (TypeError, ValueError):  # a bad value: the run fails on its own and says why
            enterprises, turnover = base.population.enterprises, base.population.turnover_per_year
        out.append((enterprises + reserve_rows(enterprises, turnover, months), months))
    return out


def plan_batches(tasks: Sequence[RunTask], workers: int = 1, memory: int | None = None) -> list[Batch]:
    """Group ``tasks`` into batches (see the module docstring), keeping their order within each group;
    batches come in the order of their first task. ``memory`` is the bound in bytes (default:
    :func:`batch_memory`): a batch's members' :func:`member_bytes` add up to at most ``memory`` less
    :data:`BYTES_FIXED` (a member alone above it is a batch of its own), and a batch holds at most
    :data:`MAX_MEMBERS`."""
    bound = batch_memory(memory)
    groups: dict[tuple[Any, ...], list[RunTask]] = {}
    for task in tasks:
        groups.setdefault(group_key(task), []).append(task)
    batches: list[Batch] = []
    room = bound - BYTES_FIXED
    for members in groups.values():
        try:
            sizes = _sizes(members)
        except CredsupError:  # a bad scenario: each run fails on its own and says why
            batches.extend(Batch((t,)) for t in members)
            continue
        costs = [member_bytes(e, m) for e, m in sizes]
        # members per batch: as many as there are workers' shares of the group, within the bound
        share = max(1, math.ceil(len(members) / max(1, workers)))
        if len(set(costs)) == 1:  # members of one size: even batches (sizes differ by one at most)
            cap = members_within(bound, *sizes[0])
            size = max(1, min(cap, share))
            count = math.ceil(len(members) / size)
            small, extra = divmod(len(members), count)
            start = 0
            for i in range(count):
                stop = start + small + (1 if i < extra else 0)
                batches.append(Batch(tuple(members[start:stop])))
                start = stop
            continue
        # members of different sizes: filled in order while their memory adds up within the bound
        current: list[RunTask] = []
        used = 0
        for task, cost in zip(members, costs):
            if current and (used + cost > room or len(current) >= min(MAX_MEMBERS, share)):
                batches.append(Batch(tuple(current)))
                current, used = [], 0
            current.append(task)
            used += cost
        if current:
            batches.append(Batch(tuple(current)))
    first = {id(t): i for i, t in enumerate(tasks)}
    return sorted(batches, key=lambda b: first[id(b.tasks[0])])


def execute_batch(batch: Batch) -> list[Outcome]:
    """Run a batch's tasks together; never raises for a user's or a plugin's mistake (every member's
    outcome then carries the error text; a member whose scenario does not load fails alone). Each
    member's ``wall_seconds`` is its share of the batch's."""
    from credsup.simulation.runner import run_batch

    t0 = time.perf_counter()
    failed: list[Outcome] = []
    tasks: list[RunTask] = []
    shared: list[Scenario] = []
    # members with the same scenario and overrides share one loaded scenario (the simulation's fast path)
    loaded: dict[tuple[Any, ...], Scenario | CredsupError] = {}
    for task in batch.tasks:
        key = (
            task.scenario if isinstance(task.scenario, str) else id(task.scenario),
            tuple((p, repr(v)) for p, v in task.scenario_overrides),
        )
        if key not in loaded:
            try:
                loaded[key] = _load(task)
            except CredsupError as exc:
                loaded[key] = exc
        sc = loaded[key]
        if isinstance(sc, CredsupError):
            failed.append(Outcome(task, None, str(sc), 0.0))
            continue
        tasks.append(task)
        shared.append(sc)
    if not tasks:
        return failed
    first = tasks[0]
    try:
        results = run_batch(
            shared,
            first.jurisdiction,
            [run_seed(t.seed, t.stream_point, t.replication) for t in tasks],
            jurisdiction_overrides=list(first.jurisdiction_overrides),
            jurisdiction_config=first.jurisdiction_config,
        )
    except CredsupError as exc:
        share = (time.perf_counter() - t0) / len(tasks)
        return failed + [Outcome(t, None, str(exc), share) for t in tasks]
    except Exception as exc:  # a bug, in credsup or a plugin: keep the traceback for the record
        tb = traceback.format_exc(limit=-3).strip().splitlines()
        error = f"internal error: {type(exc).__name__}: {exc} ({tb[-3].strip() if len(tb) > 2 else ''})"
        share = (time.perf_counter() - t0) / len(tasks)
        return failed + [Outcome(t, None, error, share) for t in tasks]
    share = (time.perf_counter() - t0) / len(tasks)
    out = failed
    for task, result in zip(tasks, results):
        data = result.to_dict()
        data.pop("perceived_costs", None)  # diagnostics of the behaviour model; not stored per run
        out.append(Outcome(task, data, None, share))
    return out


def lost(batch: Batch, reason: str) -> list[Outcome]:
    """Every member of ``batch`` failed with ``reason`` (its worker died, or the cluster lost it)."""
    return [Outcome(t, None, reason, 0.0) for t in batch.tasks]


__all__ = [
    "BATCH_MEMORY_ENV",
    "DEFAULT_BATCH_MEMORY",
    "Batch",
    "batch_memory",
    "execute_batch",
    "group_key",
    "lost",
    "member_bytes",
    "members_within",
    "parse_memory",
    "plan_batches",
]
