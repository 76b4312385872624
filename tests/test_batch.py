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


# ------------------------------------------------------------------------------------------ planning


def tasks(jurisdictions: tuple[str, ...] = ("national", "dalian"), replications: int = 10) -> list[RunTask]:
    overrides = (("population.enterprises", 20000),)
    return [
        RunTask("demo", j, seed=5, replication=r, scenario_overrides=overrides)
        for r in range(replications)
        for j in jurisdictions
    ]


def test_batches_hold_runs_that_differ_only_in_their_seed_each_task_once() -> None:
    todo = tasks() + [RunTask("demo", "national", seed=5, replication=0, point=1, scenario_overrides=())]
    batches = plan_batches(todo, workers=1)
    assert sorted(id(t) for b in batches for t in b.tasks) == sorted(id(t) for t in todo)
    for b in batches:
        first = b.tasks[0]
        assert {(t.jurisdiction, t.scenario_overrides, t.jurisdiction_overrides) for t in b.tasks} == {
            (first.jurisdiction, first.scenario_overrides, first.jurisdiction_overrides)
        }
    assert len(batches) == 3  # national, dalian, and the point with other overrides


def test_every_worker_gets_work_and_batches_are_even() -> None:
    batches = plan_batches(tasks(("national",), replications=10), workers=4)
    assert sorted(len(b) for b in batches) == [2, 2, 3, 3]


def test_the_memory_bound_sets_the_members_per_batch() -> None:
    sc = load_scenario("demo", [("population.enterprises", 20000)])
    enterprises, months = 20000, sc.months + sc.warmup_months
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


EQUAL_SET = ("scenario.population.enterprises=600", "scenario.months=6", "scenario.warmup_months=6")


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


def test_a_calibration_gives_the_same_numbers_whatever_the_workers_and_batch_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """calibrate batches a point's replications (workers kept between steps) and finds the same point,
    fit and stored numbers as with runs played one at a time."""
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
        free=("scenario.behaviour.types.committed.share=0.2..0.8",),
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
    assert played[0] and set(played[0]) == {3}  # each point's 3 replications, one batch
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
