"""The local worker pool: a dead worker costs only its task, the pool replaces it and goes on.

Tasks are Python expressions run with the builtin ``eval`` in spawned workers (a builtin pickles by
name, so the workers need not import this test module): ``"__import__('signal').raise_signal(9)"``
is a task whose worker is killed with SIGKILL while running it.
"""

from __future__ import annotations

import os
import signal

import pytest

from credsup.experiments.workers import TaskError, WorkerLost, WorkerPool, WorkerStartError

KILL_ME = "__import__('signal').raise_signal(__import__('signal').SIGKILL)"
PID = "__import__('os').getpid()"


def test_a_worker_killed_while_running_costs_only_that_task_and_is_replaced() -> None:
    tasks = [PID, PID, KILL_ME, PID, "6 * 7", PID, KILL_ME, PID, PID]
    results = list(WorkerPool(2, eval).run(tasks))
    assert sorted(t for t, _ in results) == sorted(tasks)  # every task comes back, once
    lost = [r for t, r in results if t == KILL_ME]
    assert len(lost) == 2 and all(isinstance(r, WorkerLost) for r in lost)
    assert all(r.exitcode == -signal.SIGKILL for r in lost)
    assert all("killed by signal SIGKILL" in str(r) for r in lost)
    assert [r for t, r in results if t == "6 * 7"] == [42]
    pids = {r for t, r in results if t == PID}
    assert all(isinstance(p, int) for p in pids)
    assert len(pids) >= 3  # the two killed workers were replaced by new processes


def test_an_exception_in_the_task_comes_back_and_the_worker_goes_on() -> None:
    results = dict(WorkerPool(2, eval).run(["1 / 0", "1 + 1"]))
    assert isinstance(results["1 / 0"], TaskError) and "ZeroDivisionError" in str(results["1 / 0"])
    assert results["1 + 1"] == 2


def test_a_result_that_cannot_be_pickled_comes_back_as_an_error() -> None:
    ((task, result),) = WorkerPool(1, eval).run(["lambda: 1"])
    assert isinstance(result, TaskError) and "cannot be sent back" in str(result)


def test_workers_that_cannot_start_end_the_pool_with_a_clear_error() -> None:
    pool = WorkerPool(2, eval, initializer=os._exit, initargs=(3,))
    with pytest.raises(WorkerStartError, match="worker processes end before running anything .*exit status 3"):
        list(pool.run(["1"] * 4))


def test_closing_early_stops_every_worker() -> None:
    """An interrupted experiment stops iterating: busy workers are terminated, idle ones told to end."""
    pool = WorkerPool(2, eval)
    results = pool.run(["1", "__import__('time').sleep(60)", "__import__('time').sleep(60)", "2"])
    assert next(results) == ("1", 1)
    workers = [w.process for w in pool._workers]
    assert len(workers) == 2
    results.close()
    assert not pool._workers
    assert all(not p.is_alive() for p in workers)
