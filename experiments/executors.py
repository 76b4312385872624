"""Where runs execute: this process, or a pool of local worker processes.

An executor takes :class:`~credsup.experiments.tasks.RunTask` objects and yields
:class:`~credsup.experiments.tasks.Outcome` objects as runs finish, in any order; results never depend
on that order (each run's seed comes from its key). Worker processes are started with ``spawn``, so
they import credsup and find plugins through entry points afresh, as a cluster worker would.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Protocol

from credsup.experiments.tasks import Outcome, RunTask, execute


class Executor(Protocol):
    """Runs tasks and yields their outcomes as they finish."""

    workers: int

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]: ...


class InlineExecutor:
    """Runs every task in this process, one after the other (``--workers 1``)."""

    workers = 1

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]:
        for task in tasks:
            yield execute(task)


class ProcessExecutor:
    """A pool of ``workers`` local processes; at most ``2 x workers`` tasks are queued at a time, so an
    interrupted experiment has little work in flight."""

    def __init__(self, workers: int):
        if workers < 2:
            raise ValueError("ProcessExecutor needs at least 2 workers; use InlineExecutor for 1")
        self.workers = workers

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]:
        pending: set[Future[Outcome]] = set()
        todo = iter(tasks)
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            for task in todo:
                pending.add(pool.submit(execute, task))
                if len(pending) >= 2 * self.workers:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending.add(pool.submit(execute, nxt))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def local_executor(workers: int) -> Executor:
    """Inline for one worker, a process pool for more."""
    return InlineExecutor() if workers <= 1 else ProcessExecutor(workers)
