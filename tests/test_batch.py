"""Batched runs: a member's result does not depend on its batch; experiments batch under a memory bound
with the same numbers whatever the workers and batch sizes; a dead worker costs its batch, and resume
runs it again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.core.discovery import discover
from credsup.core.errors import InputError
from credsup.experiments.batching import (
    BYTES_FIXED,
    MAX_MEMBERS,
    batch_memory,
    member_bytes,
    members_within,
    parse_memory,
    plan_batches,
)
from credsup.experiments.compare import prepare, run_compare, run_equal_effort
from credsup.experiments.executors import InlineExecutor, ProcessExecutor
from credsup.experiments.tasks import RunTask
from credsup.results.db import open_database
from credsup.results.store import load_experiment, read_experiment
from credsup.simulation.members import Members
from credsup.simulation.runner import RunResult, run_batch, run_simulation
from credsup.simulation.scenario import load_scenario
from credsup.simulation.streams import streams
from credsup.simulation.turnover import reserve_rows

#: Small enough for 64 members in a test, long enough that every part acts (grading, plans, deadlines,
#: objections, repairs: the warm-up's 36 months come first).
SMALL = [("population.enterprises", 120), ("months", 6)]
BUILT_IN = ("traditional", "national", "dalian", "hainan", "shanghai")


def comparable(result: RunResult) -> str:
    """Everything a run reports except its wall times and hook statistics (a batch's, shared)."""
    data = result.to_dict()
    del data["timings"], data["hooks"]
    return json.dumps(data, sort_keys=True, default=str)


def test_every_built_in_jurisdiction_is_installed() -> None:
    installed = {i.name for i in discover() if i.status == "ok"}
    assert set(BUILT_IN) <= installed


@pytest.mark.parametrize("jurisdiction", BUILT_IN)
def test_a_members_result_is_the_same_alone_in_a_batch_of_7_and_of_64(jurisdiction: str) -> None:
    seed = 11
    alone = run_simulation("demo", jurisdiction, seed, scenario_overrides=SMALL)
    others = [s for s in range(100, 200) if s != seed]
    seven = run_batch("demo", jurisdiction, [*others[:3], seed, *others[3:6]], scenario_overrides=SMALL)
    sixty_four = run_batch("demo", jurisdiction, [*others[:63], seed], scenario_overrides=SMALL)
    first = run_batch("demo", jurisdiction, [seed, *others[10:16]], scenario_overrides=SMALL)
    expected = comparable(alone)
    assert comparable(seven[3]) == expected
    assert comparable(sixty_four[63]) == expected
    assert comparable(first[0]) == expected
    # the other members are runs of their own seeds (not copies of one another)
    assert comparable(seven[0]) == comparable(run_simulation("demo", jurisdiction, others[0], scenario_overrides=SMALL))
    assert len({comparable(r) for r in seven}) == 7
    assert alone.summary["hit_rate"] is not None and alone.counts["inspections"] > 0


def test_the_later_levers_keep_a_member_independent_of_its_batch() -> None:
    """Issue 17's random-check factor and issue 14's commitment checks spread over a window
    (``schedule.commitment_check_months``, national's 3 months, each member's month drawn from its own
    ``commitment_checks`` stream): a member alone is the member of a batch of 7, and both levers act."""
    seed, others = 11, [101, 102, 103, 104, 105, 106]
    scaled = [*SMALL, ("regulator.random_check_scale", 0.5)]
    alone = run_simulation("demo", "national", seed, scenario_overrides=scaled)
    batch = run_batch("demo", "national", [*others[:2], seed, *others[2:]], scenario_overrides=scaled)
    assert comparable(batch[2]) == comparable(alone)
    assert comparable(batch[0]) == comparable(run_simulation("demo", "national", others[0], scenario_overrides=scaled))
    assert alone.sources["commitment"]["inspections"] > 0  # commitment checks were made
    as_written = run_simulation("demo", "national", seed, scenario_overrides=SMALL)
    assert alone.sources["spot"]["inspections"] < as_written.sources["spot"]["inspections"]


def test_members_draw_integers_from_their_own_streams_in_their_row_order() -> None:
    """``Members.integers`` gives each member what ``rng.integers(0, high, size)`` gives it alone, whatever
    the order of the stacked rows asked for."""
    sizes = [5, 0, 7, 3]
    members = Members(sizes, [streams(np.random.SeedSequence(s)) for s in range(len(sizes))])
    rows = np.array([14, 0, 6, 3, 13, 7, 1, 10, 12])  # rows of members 3, 0, 2, 0, 3, 2, 0, 2, 3 (none of 1)
    got = members.integers("commitment_checks", rows, 3)
    for m, size in enumerate(sizes):
        mine = (rows >= members.offsets[m]) & (rows < members.offsets[m + 1])
        alone = streams(np.random.SeedSequence(m))["commitment_checks"].integers(0, 3, size=int(mine.sum()))
        assert got[mine].tolist() == alone.tolist()
        assert size >= mine.sum()
    assert ((got >= 0) & (got < 3)).all()


def test_a_batch_keeps_the_order_of_its_seeds_and_says_its_size() -> None:
    results = run_batch("demo", "national", [3, 4], scenario_overrides=SMALL)
    assert [r.seed["entropy"] for r in results] == [3, 4]
    assert all(r.timings["batch_members"] == 2 for r in results)
    assert "batch_members" not in run_simulation("demo", "national", 3, scenario_overrides=SMALL).timings
    assert run_batch("demo", "national", []) == []


# ------------------------------------------------------------------------------ members of different scenarios

#: No warm-up and a short run: each point below is a small run of its own.
MIXED_BASE = [("warmup_months", 0), ("months", 12)]
#: Scenario points a batch may mix: behaviour, regulator, population size, turnover and type mix, perception,
#: the plan's expiry, the behaviour model itself, metrics; each differs from the first in what it sets.
MIXED_POINTS = [
    [("population.enterprises", 300), ("population.turnover_per_year", 0.0)],
    [
        ("population.enterprises", 220),
        ("population.turnover_per_year", 0.4),
        ("behaviour.noise", 0.3),
        ("regulator.detection_probability", 0.5),
        ("behaviour.types.committed.share", 0.2),
        ("behaviour.types.incompetent.share", 0.3),
        ("regulator.inspectors", 1),
    ],
    [
        ("population.enterprises", 410),
        ("behaviour.risk_aversion", 2.0),
        ("behaviour.perception.memory", 0.7),
        ("behaviour.perception.prior_strength", 3.0),
        ("behaviour.perception.public_weight", 0.5),
        ("behaviour.perception.sanction_shock", 3.0),
        ("regulator.plan_expiry_months", 1),
        ("regulator.random_check_scale", 2.0),
        ("regulator.inspectors", 2),
        ("behaviour.repair.application_per_month", 0.5),
        ("metrics.recidivism_days", 90),
    ],
    [
        ("population.enterprises", 150),
        ("behaviour.model", "fixed"),
        ("behaviour.fixed_violation_probability", 0.2),
        ("regulator.complaint_base_rate", 0.5),
        ("regulator.false_complaint_rate", 0.01),
        ("behaviour.correction.base", 0.2),
        ("behaviour.harmful_threshold", 0.1),
        ("behaviour.harm.serious", 6.0),
        ("behaviour.commitments.false_propensity", 0.9),
        ("regulator.joint_visit_extra", 0.5),
    ],
]


@pytest.mark.parametrize("jurisdiction", BUILT_IN)
def test_a_batch_of_different_scenario_points_gives_each_its_result_alone(jurisdiction: str) -> None:
    """Members may differ in every scenario parameter but the calendar (simulation/member_parameters.py):
    each member of a mixed batch (behaviour, regulator, sizes and type shares, perception, plan expiry,
    even the behaviour model) has exactly the result it has alone, in any position."""
    seeds = [5, 6, 7, 8]
    batch = run_batch("demo", jurisdiction, seeds, scenario_overrides=MIXED_BASE, member_overrides=MIXED_POINTS)
    backwards = run_batch(
        "demo", jurisdiction, seeds[::-1], scenario_overrides=MIXED_BASE, member_overrides=MIXED_POINTS[::-1]
    )
    alone = [
        comparable(run_simulation("demo", jurisdiction, s, scenario_overrides=[*MIXED_BASE, *point]))
        for s, point in zip(seeds, MIXED_POINTS)
    ]
    assert [comparable(r) for r in batch] == alone
    assert [comparable(r) for r in backwards] == alone[::-1]
    assert [r.enterprises for r in batch] == [300, 220, 410, 150]
    # the points are different runs: each differs from the first point's scenario with its own seed
    for m in range(1, len(seeds)):
        plain = run_simulation("demo", jurisdiction, seeds[m], scenario_overrides=[*MIXED_BASE, MIXED_POINTS[m][0]])
        assert comparable(plain) != alone[m]


def test_a_mixed_batch_with_a_warm_up_and_item_mixes_gives_each_its_result_alone() -> None:
    """With a warm-up (gradings, perceived costs refreshed) and members whose item mixes differ (their
    violations' items, the typical items of the perceived costs)."""
    items = load_scenario("demo").behaviour.items
    a, b = list(items)[0], list(items)[-1]
    base = [("warmup_months", 12), ("months", 12)]
    points = [
        [("population.enterprises", 250), (f"behaviour.items.{a}", items[b]), (f"behaviour.items.{b}", items[a])],
        [("population.enterprises", 260), ("behaviour.gain_by_severity.minor", 3.0)],
        [("population.enterprises", 270), ("behaviour.costs.publicity_per_year", 50000.0)],
        [("population.enterprises", 280), ("behaviour.perception.prior_per_year", 3.0)],
    ]
    batch = run_batch("demo", "shanghai", [1, 2, 3, 4], scenario_overrides=base, member_overrides=points)
    for m, point in enumerate(points):
        alone = run_simulation("demo", "shanghai", m + 1, scenario_overrides=[*base, *point])
        assert comparable(batch[m]) == comparable(alone)
        assert batch[m].perceived_costs == alone.perceived_costs


@pytest.mark.parametrize(
    "key, values",
    [
        ("months", (6, 7)),
        ("warmup_months", (0, 3)),
        ("start", ("2025-01-01", "2025-02-01")),
        ("regulator.working_days_per_week", (5, 6)),
    ],
)
def test_a_batch_refuses_members_whose_calendars_differ(key: str, values: tuple[object, object]) -> None:
    with pytest.raises(ValueError, match=f"member 1 has {key} = "):
        run_batch(
            "demo",
            "national",
            [1, 2],
            scenario_overrides=[("population.enterprises", 100)],
            member_overrides=[[(key, values[0])], [(key, values[1])]],
        )


def test_planning_keeps_the_calendar_keys_of_the_simulation() -> None:
    """experiments/batching.py writes the calendar keys out (planning does not import the simulator)."""
    from credsup.experiments.batching import _SHARED_OVERRIDES
    from credsup.simulation.member_parameters import BATCH_KEYS

    assert set(BATCH_KEYS) <= _SHARED_OVERRIDES


# ------------------------------------------------------------------------------------------ planning


def tasks(jurisdictions: tuple[str, ...] = ("national", "dalian"), replications: int = 10) -> list[RunTask]:
    overrides = (("population.enterprises", 20000),)
    return [
        RunTask("demo", j, seed=5, replication=r, scenario_overrides=overrides)
        for r in range(replications)
        for j in jurisdictions
    ]


def test_batches_hold_runs_of_one_jurisdiction_and_calendar_each_task_once() -> None:
    other_point = RunTask(
        "demo", "national", seed=5, replication=0, point=1, scenario_overrides=(("behaviour.noise", 0.2),)
    )
    other_calendar = RunTask("demo", "national", seed=5, replication=0, point=2, scenario_overrides=(("months", 12),))
    todo = [*tasks(), other_point, other_calendar]
    batches = plan_batches(todo, workers=1)
    assert sorted(id(t) for b in batches for t in b.tasks) == sorted(id(t) for t in todo)
    for b in batches:
        first = b.tasks[0]
        assert {(t.jurisdiction, t.jurisdiction_overrides) for t in b.tasks} == {
            (first.jurisdiction, first.jurisdiction_overrides)
        }
    # national (with the other point: scenario parameters may differ), dalian, and the other calendar
    assert len(batches) == 3
    assert other_point in next(b.tasks for b in batches if b.tasks[0].jurisdiction == "national")
    assert (other_calendar,) in [b.tasks for b in batches]


def test_the_group_key_keeps_the_calendar_by_value_and_the_vocabularies_by_key() -> None:
    from credsup.experiments.batching import group_key

    def key(*overrides: tuple[str, object]) -> tuple[object, ...]:
        return group_key(RunTask("demo", "national", seed=5, replication=0, scenario_overrides=overrides))

    assert key(("behaviour.noise", 0.1), ("regulator.inspectors", 3)) == key(("behaviour.noise", 0.9))
    assert key(("months", 12)) != key(("months", 13)) and key(("months", 12)) == key(
        ("months", 12), ("behaviour.noise", 1)
    )
    assert key(("regulator.working_days_per_week", 6)) != key()
    # item shares may differ (the same items are set), another item set is another vocabulary
    assert key(("behaviour.items.fraud", 0.1)) == key(("behaviour.items.fraud", 0.2))
    assert key(("behaviour.items.fraud", 0.1)) != key(("behaviour.items.hygiene", 0.1))


def test_the_memory_bound_counts_each_members_own_size() -> None:
    """Points of different sizes share batches while their members' memory adds up within the bound."""
    sizes = [1000, 20000, 5000, 20000, 300, 12000, 700, 9000]
    todo = [
        RunTask("demo", "national", seed=5, replication=0, point=i, scenario_overrides=(("population.enterprises", n),))
        for i, n in enumerate(sizes)
    ]
    demo = load_scenario("demo")
    months = demo.months + demo.warmup_months

    def rows(n: int) -> int:  # the enterprises and the reserve of those founded later
        return n + reserve_rows(n, demo.population.turnover_per_year, months)

    limit = BYTES_FIXED + member_bytes(rows(25000), months)
    batches = plan_batches(todo, workers=1, memory=limit)
    assert [t for b in batches for t in b.tasks] == todo  # in order, each once
    for b in batches:
        used = sum(member_bytes(rows(dict(t.scenario_overrides)["population.enterprises"]), months) for t in b.tasks)
        assert BYTES_FIXED + used <= limit or len(b) == 1
    assert max(len(b) for b in batches) > 1 and len(batches) < len(sizes)


def test_every_worker_gets_work_and_batches_are_even() -> None:
    batches = plan_batches(tasks(("national",), replications=10), workers=4)
    assert sorted(len(b) for b in batches) == [2, 2, 3, 3]


def test_the_memory_bound_sets_the_members_per_batch() -> None:
    sc = load_scenario("demo", [("population.enterprises", 20000)])
    months = sc.months + sc.warmup_months
    enterprises = 20000 + reserve_rows(20000, sc.population.turnover_per_year, months)  # rows, reserve included
    per_member = member_bytes(enterprises, months)
    limit = BYTES_FIXED + 5 * per_member + per_member // 2  # room for five members and a half
    batches = plan_batches(tasks(("national",), replications=10), workers=1, memory=limit)
    assert [len(b) for b in batches] == [5, 5]
    assert [len(b) for b in plan_batches(tasks(("national",), replications=12), workers=1, memory=limit)] == [4, 4, 4]
    assert all(BYTES_FIXED + len(b) * per_member <= limit for b in batches)
    # a run alone is never refused, however small the bound; and no batch is larger than MAX_MEMBERS
    assert members_within(2**20, enterprises, months) == 1
    assert members_within(2**40, 100, 12) == MAX_MEMBERS


def test_the_bound_comes_from_the_caller_the_environment_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDSUP_BATCH_MEMORY", raising=False)
    assert batch_memory() == 2 * 2**30
    monkeypatch.setenv("CREDSUP_BATCH_MEMORY", "512MB")
    assert batch_memory() == 512 * 2**20
    assert batch_memory("1.5G") == int(1.5 * 2**30)
    assert parse_memory(3 * 2**20) == 3 * 2**20
    monkeypatch.setenv("CREDSUP_BATCH_MEMORY", "lots")
    with pytest.raises(InputError, match="CREDSUP_BATCH_MEMORY"):
        batch_memory()
    for bad in ("lots", "-1GB", "10KB", "2 TB"):
        with pytest.raises(InputError, match="batch memory"):
            parse_memory(bad)


@pytest.mark.parametrize("command", ["compare", "calibrate", "fit"])
def test_a_bad_batch_memory_is_one_clear_line(tmp_path: Path, command: str) -> None:
    db = ["--db", str(tmp_path / "r.db")]
    args = {"compare": db, "calibrate": ["dandong-2023", "-s", "demo", *db], "fit": ["dandong-2023", "-s", "demo"]}
    result = CliRunner().invoke(cli, [command, *args[command], "--batch-memory", "lots"])
    assert result.exit_code != 0
    assert "batch memory: 'lots' is not a size" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r.db").exists()


# ---------------------------------------------------------------------------------------- experiments

SET = ("scenario.population.enterprises=300", "scenario.months=6")


def numbers(db: Path) -> str:
    """Every stored number of experiment 1 (summary, per period, per grade), as text (NaN included)."""
    res = load_experiment(open_database(str(db)), 1)

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        return value.tolist() if hasattr(value, "tolist") else value

    return json.dumps([plain(res.summary), plain(res.periods), plain(res.by_grade), plain(res.replications)])


def test_compare_gives_the_same_numbers_whatever_the_workers_and_batch_sizes(tmp_path: Path) -> None:
    prepared = prepare("demo", ["national", "traditional"], replications=5, seed=9, set_texts=SET)
    got = []
    for i, executor in enumerate([InlineExecutor(), InlineExecutor(memory=2**20), ProcessExecutor(2)]):
        db = tmp_path / f"r{i}.db"
        run_compare(open_database(str(db)), prepared, executor=executor, progress=False)
        got.append(numbers(db))
    assert len(json.loads(got[0])[0]) == 2 and "hit_rate" in got[0]
    assert got[0] == got[1] == got[2]


SCENARIO_SOBOL = """
sweep = "scenario-points"
scenario = "demo"
jurisdictions = ["shanghai"]
replications = 1
seed = 3
design = "sobol"
samples = 4
outcomes = ["violation_prevalence", "hit_rate", "compliant_burden"]

[fixed]
"scenario.months" = 6
"scenario.warmup_months" = 0

[parameters]
"scenario.population.enterprises" = { low = 150, high = 400 }
"scenario.regulator.detection_probability" = { low = 0.4, high = 0.95 }
"scenario.behaviour.noise" = { low = 0.0, high = 0.5 }
"""


def test_a_scenario_sweep_batches_its_points_with_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Sobol' design over scenario parameters (every point different, sizes too): its points share
    batches, and the stored numbers are those of one run per batch, and of two workers."""
    import credsup.experiments.executors as executors
    from credsup.experiments.sweep import prepare as prepare_sweep
    from credsup.experiments.sweep import run as run_sweep
    from credsup.experiments.sweep import start as start_sweep

    sizes: list[int] = []
    execute = executors.execute_batch

    def spy(batch):  # type: ignore[no-untyped-def]
        sizes.append(len(batch))
        return execute(batch)

    spec = tmp_path / "points.toml"
    spec.write_text(SCENARIO_SOBOL)
    got, played = [], []
    for i, executor in enumerate([InlineExecutor(memory=2**20), InlineExecutor(), ProcessExecutor(2)]):
        sizes.clear()
        monkeypatch.setattr(executors, "execute_batch", spy if i < 2 else execute)  # workers unpickle it
        prepared = prepare_sweep(str(spec))
        db = tmp_path / f"s{i}.db"
        engine = open_database(str(db))
        sweep_id = start_sweep(engine, prepared, executor)
        run_sweep(engine, sweep_id, prepared, executor, progress=False)
        got.append(numbers(db))
        played.append(list(sizes))
    points = len(prepared.points)
    assert points == 4 * (3 + 2)
    assert played[0] == [1] * points  # one run per batch
    assert played[1] == [points]  # every point in one batch
    assert got[0] == got[1] == got[2]


#: tests/test_equal_effort.py's small world (without entry: there shanghai's floor exceeds national's effort)
EQUAL_SET = (
    "scenario.population.enterprises=600",
    "scenario.months=6",
    "scenario.warmup_months=6",
    "scenario.population.turnover_per_year=0",
)


def test_the_equal_effort_search_plays_its_tries_in_batches_with_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """compare --equal-effort: each try (one factor, every replication) is one batch like any task, and
    the factors and stored numbers are those of runs played one at a time."""
    import credsup.experiments.executors as executors

    sizes: list[int] = []
    execute = executors.execute_batch

    def spy(batch):  # type: ignore[no-untyped-def]
        sizes.append(len(batch))
        return execute(batch)

    monkeypatch.setattr(executors, "execute_batch", spy)
    prepared = prepare("demo", ["national", "shanghai"], replications=3, seed=5, set_texts=EQUAL_SET, equal_effort=True)
    got, played = [], []
    for i, executor in enumerate([InlineExecutor(), InlineExecutor(memory=2**20)]):
        sizes.clear()
        engine = open_database(str(tmp_path / f"e{i}.db"))
        run_equal_effort(engine, prepared, executor)
        record, _ = read_experiment(engine, 1)
        got.append((numbers(tmp_path / f"e{i}.db"), json.dumps(record["settings"]["equal_effort"], sort_keys=True)))
        played.append(list(sizes))
    assert json.loads(got[0][1])["factors"]["shanghai"]["status"] == "matched"
    assert got[0] == got[1]
    # batched: the first runs (one batch per jurisdiction) and every try, 3 replications each; alone: 1 each
    assert len(played[0]) >= 3 and set(played[0]) == {3}
    assert sum(played[1]) == sum(played[0]) and set(played[1]) == {1}


def test_common_random_numbers_hold_in_a_batch() -> None:
    """A calibration evaluates every point on point 0's streams (``seed_point``): in a batch too, a point
    with point 0's parameters has point 0's numbers, and not those of its own streams."""
    from credsup.experiments.batching import execute_batch
    from credsup.experiments.tasks import execute

    overrides = (("population.enterprises", 300), ("months", 6))

    def task(point: int, replication: int, seed_point: int | None) -> RunTask:
        return RunTask("demo", "national", 4, replication, point, overrides, seed_point=seed_point)

    members = [task(0, 0, 0), task(0, 1, 0), task(2, 0, 0), task(2, 1, 0), task(2, 0, None)]
    (batch,) = plan_batches(members, workers=1)
    assert len(batch) == 5
    out = {(o.task.point, o.task.replication, o.task.seed_point): o for o in execute_batch(batch)}

    def plain(data: dict | None) -> str:
        assert data is not None
        return json.dumps({k: v for k, v in data.items() if k not in ("timings", "hooks")}, sort_keys=True)

    for r in (0, 1):
        assert plain(out[(2, r, 0)].result) == plain(out[(0, r, 0)].result)
    assert plain(out[(2, 0, None)].result) != plain(out[(2, 0, 0)].result)
    alone = execute(task(2, 1, 0)).result
    assert alone is not None
    alone.pop("perceived_costs", None)
    assert plain(out[(2, 1, 0)].result) == plain(alone)


def test_a_point_whose_scenario_does_not_load_fails_alone_in_its_batch() -> None:
    """Points share batches now: one with a bad value fails with the reason, the others run as alone."""
    from credsup.experiments.batching import execute_batch
    from credsup.experiments.tasks import execute

    base = (("population.enterprises", 200), ("months", 4), ("warmup_months", 0))
    points = [(("behaviour.noise", 0.1),), (("behaviour.noise", -1.0),), (("regulator.inspectors", 3),)]
    todo = [RunTask("demo", "national", 4, 0, i, base + p) for i, p in enumerate(points)]
    (batch,) = plan_batches(todo, workers=1)
    out = {o.task.point: o for o in execute_batch(batch)}
    assert out[1].result is None and out[1].error is not None and "behaviour.noise" in out[1].error
    for i in (0, 2):
        alone = execute(todo[i]).result
        assert alone is not None and out[i].error is None
        alone.pop("perceived_costs", None)
        assert comparable_data(out[i].result) == comparable_data(alone)


def comparable_data(data: dict | None) -> str:
    assert data is not None
    return json.dumps({k: v for k, v in data.items() if k not in ("timings", "hooks")}, sort_keys=True)


def test_a_calibration_gives_the_same_numbers_whatever_the_workers_and_batch_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """calibrate batches a step's points and their replications (workers kept between steps) and finds the
    same point, fit and stored numbers as with runs played one at a time."""
    import credsup.experiments.executors as executors
    from credsup.calibration.calibrate import analyse, start
    from credsup.calibration.calibrate import prepare as prepare_calibration
    from credsup.calibration.calibrate import run as run_calibration

    sizes: list[int] = []
    execute = executors.execute_batch

    def spy(batch):  # type: ignore[no-untyped-def]
        sizes.append(len(batch))
        return execute(batch)

    pools: list[object] = []
    pool_class = executors.WorkerPool

    def counted_pool(*args, **kwargs):  # type: ignore[no-untyped-def]
        pools.append(pool_class(*args, **kwargs))
        return pools[-1]

    monkeypatch.setattr(executors, "WorkerPool", counted_pool)
    prepared = prepare_calibration(
        "dandong-2023",
        scenario="demo",
        free=("scenario.behaviour.types.committed.share=0.2..0.7",),  # with demo's incompetent share, at most 1
        set_texts=("scenario.population.enterprises=600", "scenario.months=6", "scenario.warmup_months=6"),
        replications=3,
        seed=7,
        design_points=2,
        max_evaluations=4,
    )
    got, played = [], []
    for i, make in enumerate(
        [InlineExecutor, lambda: InlineExecutor(memory=2**20), lambda: ProcessExecutor(2, keep_workers=True)]
    ):
        sizes.clear()
        executor = make()
        # the spy stays in this process: a worker process runs the real function
        monkeypatch.setattr(executors, "execute_batch", spy if i < 2 else execute)
        engine = open_database(str(tmp_path / f"c{i}.db"))
        try:
            exp = start(engine, prepared, executor)
            run_calibration(engine, exp, prepared, executor)
        finally:
            getattr(executor, "close", lambda: None)()
        result = analyse(engine, exp)
        best = [(row.value, row.interval_low, row.interval_high) for row in result.rows]
        got.append((numbers(tmp_path / f"c{i}.db"), result.best_point, best))
        played.append(list(sizes))
    assert got[0] == got[1] == got[2]
    # a step's points differ in a scenario parameter only: they share a batch with their replications
    # (the start design's 2 points x 3 replications are one batch of 6; a later step's one point, 3)
    assert played[0][0] == 6 and all(s % 3 == 0 for s in played[0])
    assert sum(played[1]) == sum(played[0]) and set(played[1]) == {1}
    assert len(pools) == 1  # the two workers served every step of the calibration


KILLER = """
import os
import signal
from pathlib import Path

@hookimpl
def credsup_grade(batch, params, today):
    if Path(os.environ["CREDSUP_TEST_KILL_FILE"]).exists():
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return np.zeros(len(batch), dtype=np.int8)
"""


def test_a_dead_worker_fails_its_batch_with_the_reason_and_resume_runs_it_again(
    plugin_dist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin_dist("killer", KILLER)
    kill_file = tmp_path / "kill"
    kill_file.write_text("")
    monkeypatch.setenv("CREDSUP_TEST_KILL_FILE", str(kill_file))
    db = tmp_path / "r.db"
    args = ["compare", "--db", str(db), "-j", "killer", "-r", "4", "--seed", "3", "--workers", "2"]
    sets = [a for s in SET for a in ("--set", s)]
    result = CliRunner().invoke(cli, [*args, *sets])
    assert result.exit_code == 1
    runs = load_experiment(open_database(str(db)), 1).runs
    assert len(runs) == 4 and all(r["status"] == "failed" for r in runs)
    assert all("lost" in r["error"] and "SIGKILL" in r["error"] for r in runs)
    kill_file.unlink()
    resumed = CliRunner().invoke(cli, ["compare", "--db", str(db), "--resume", "1", "--workers", "2"])
    assert resumed.exit_code == 0, resumed.stderr
    runs = load_experiment(open_database(str(db)), 1).runs
    assert len(runs) == 4 and all(r["status"] == "ok" for r in runs)
    fresh = tmp_path / "fresh.db"
    assert CliRunner().invoke(cli, ["compare", "--db", str(fresh), *args[3:], *sets]).exit_code == 0
    assert numbers(db) == numbers(fresh)
