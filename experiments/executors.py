"""Where runs execute: this process, a pool of local worker processes, or a Dask cluster.

An executor takes :class:`~credsup.experiments.tasks.RunTask` objects and yields
:class:`~credsup.experiments.tasks.Outcome` objects as runs finish, in any order; results never depend
on that order (each run's seed comes from its key). Every executor plays the tasks in batches
(:mod:`credsup.experiments.batching`: runs of one jurisdiction whose scenarios share a calendar, stacked in
one world, under a memory bound), and results do not depend on the batches either. Worker processes are started with ``spawn``, so
they import credsup and find plugins through entry points afresh, as a cluster worker does: every
executor runs the same :func:`~credsup.experiments.tasks.execute`, wherever it is.

:func:`open_executor` picks one from the command-line options and closes it (and any cluster it
started) afterwards. Dask is optional (``pip install "credsup[dask]"``); it is imported only when used.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from typing import Any, Protocol

from credsup.core.errors import CredsupError, InputError
from credsup.experiments.batching import Batch, execute_batch, lost, plan_batches
from credsup.experiments.tasks import Outcome, RunTask
from credsup.experiments.workers import WorkerPool

#: How long to wait for a Dask scheduler to answer, and for a first worker to join it (seconds).
DASK_CONNECT_TIMEOUT = 20.0
DASK_WORKER_TIMEOUT = 60.0
DASK_EXTRA = 'install the Dask extra on this machine and every worker: pip install "credsup[dask]"'


class Executor(Protocol):
    """Runs tasks and yields their outcomes as they finish."""

    workers: int

    def check(self, jurisdictions: Collection[str]) -> None:
        """Raise a CredsupError if the workers cannot run these jurisdictions (before anything is stored)."""

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]: ...

    def describe(self) -> str:
        """How runs execute, for messages and the experiment's settings ("2 local processes")."""


class InlineExecutor:
    """Runs every task in this process, one batch after the other (``--workers 1``). ``memory``: the
    bound on a batch's memory in bytes (default: :func:`~credsup.experiments.batching.batch_memory`)."""

    workers = 1
    memory: int | None = None  #: a subclass that does not call ``__init__`` keeps the default bound

    def __init__(self, memory: int | None = None):
        self.memory = memory

    def check(self, jurisdictions: Collection[str]) -> None:
        """This process loads every jurisdiction when a run starts; nothing to check in advance."""

    def describe(self) -> str:
        return "this process"

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]:
        for batch in plan_batches(list(tasks), self.workers, self.memory):
            yield from execute_batch(batch)


class ProcessExecutor:
    """A pool of ``workers`` local processes (:class:`~credsup.experiments.workers.WorkerPool`), one batch
    of runs per worker at a time. A worker that dies (``kill -9``, the out-of-memory killer) costs only
    the batch it held: each of its runs comes back as a failed outcome with the reason, a new worker
    takes its place and the experiment goes on; ``--resume`` runs them again."""

    def __init__(self, workers: int, memory: int | None = None, *, keep_workers: bool = False):
        if workers < 2:
            raise ValueError("ProcessExecutor needs at least 2 workers; use InlineExecutor for 1")
        self.workers = workers
        self.memory = memory
        #: keep the worker processes between calls of :meth:`run` (until :meth:`close`)
        self.keep_workers = keep_workers
        self._pool: WorkerPool[Batch] | None = None

    def close(self) -> None:
        """Stop kept workers (nothing to do otherwise)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def check(self, jurisdictions: Collection[str]) -> None:
        """The workers are this machine's Python: what loads here loads there."""

    def describe(self) -> str:
        return f"{self.workers} local processes"

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]:
        pool: WorkerPool[Batch] = self._pool or WorkerPool(
            self.workers, execute_batch, initializer=_exit_with_parent, initargs=(os.getpid(),)
        )
        if self.keep_workers:
            self._pool = pool
        batches = plan_batches(list(tasks), self.workers, self.memory)
        for batch, result in pool.run(batches, keep=self.keep_workers):
            if isinstance(result, list):
                yield from result
            else:  # WorkerLost or TaskError: the batch did not finish
                yield from lost(batch, f"lost: {result}")


def _exit_with_parent(parent: int) -> None:
    """In a pool worker: end when the process that started it is gone (killed with ``kill -9``, say),
    instead of waiting for work forever. A worker's own parent changes only when its parent dies."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="credsup-parent-watch", daemon=True).start()


def local_executor(workers: int, *, memory: int | None = None, keep_workers: bool = False) -> Executor:
    """Inline for one worker, a process pool for more. ``memory``: the bound on a batch, in bytes (None:
    :func:`~credsup.experiments.batching.batch_memory`); ``keep_workers``: the pool's processes are kept
    between calls of ``run`` (close it with ``executor.close()``)."""
    if workers <= 1:
        return InlineExecutor(memory)
    return ProcessExecutor(workers, memory, keep_workers=keep_workers)


# ------------------------------------------------------------------------------------------------ Dask


def worker_environment() -> dict[str, Any]:
    """What a worker can run: its credsup version and the jurisdictions that load there."""
    from credsup import __version__
    from credsup.core.discovery import discover

    return {"credsup": __version__, "jurisdictions": sorted(i.name for i in discover() if i.status == "ok")}


class DaskExecutor:
    """Runs tasks on a Dask distributed cluster through ``client`` (``--scheduler``, ``--dask-local``).

    Each batch of tasks goes to a worker as ``client.submit(execute_batch, batch)``: the worker imports
    credsup, loads the scenario and the jurisdiction by name (plugins found through its own entry points)
    and returns the outcomes as plain data. At most ``2 x workers`` batches are queued at a time. A batch
    lost with its worker comes back as failed outcomes, stored as failed runs and run again by ``--resume``.
    """

    def __init__(self, client: Any, label: str, dashboard: str | None = None, memory: int | None = None):
        self.client = client
        self.label = label
        self.workers = max(1, sum(client.nthreads().values()))
        #: the address of the cluster's dashboard (a LocalCluster's, when bokeh is installed), else None
        self.dashboard = dashboard
        #: the bound on a batch's memory in bytes (None: :func:`~credsup.experiments.batching.batch_memory`)
        self.memory = memory

    def describe(self) -> str:
        return f"Dask {self.label} ({self.workers} worker thread{'s' if self.workers != 1 else ''})"

    def check(self, jurisdictions: Collection[str]) -> None:
        """Every worker runs this credsup version and has every jurisdiction of the experiment."""
        from credsup import __version__

        try:
            found = self.client.run(worker_environment)
        except Exception as exc:  # a worker without credsup cannot even unpickle the function
            raise CredsupError(
                f"a Dask worker of {self.label} cannot run credsup ({type(exc).__name__}: {exc}); "
                "install credsup and the jurisdiction plugins on every worker"
            ) from None
        for address, env in sorted(found.items()):
            if env["credsup"] != __version__:
                raise CredsupError(
                    f"Dask worker {address} runs credsup {env['credsup']}, this machine "
                    f"{__version__}: install the same version on every worker"
                )
            missing = sorted(set(jurisdictions) - set(env["jurisdictions"]))
            if missing:
                raise CredsupError(
                    f"Dask worker {address} lacks jurisdiction(s) {', '.join(missing)} "
                    f"(it has {', '.join(env['jurisdictions']) or 'none'}): install the plugins on "
                    "every worker"
                )

    def run(self, tasks: Iterable[RunTask]) -> Iterator[Outcome]:
        from distributed import as_completed

        todo = iter(plan_batches(list(tasks), self.workers, self.memory))
        queue = as_completed(loop=self.client.loop)
        pending: dict[str, tuple[Any, Batch]] = {}

        def submit() -> None:
            batch = next(todo, None)
            if batch is not None:
                future = self.client.submit(execute_batch, batch, pure=False)
                pending[future.key] = (future, batch)
                queue.add(future)

        for _ in range(2 * self.workers):
            submit()
        try:
            for future in queue:
                _, batch = pending.pop(future.key)
                try:
                    outcomes = future.result()
                except Exception as exc:  # the worker died or the cluster went away, not the runs themselves
                    outcomes = lost(batch, f"lost on the Dask cluster: {type(exc).__name__}: {exc}")
                future.release()
                yield from outcomes
                submit()
        finally:
            if pending:
                self.client.cancel([f for f, _ in pending.values()])


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError(f"the Dask executor needs the 'distributed' package: {DASK_EXTRA}") from None
    return distributed


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None, *, local_workers: int | None = None, memory: int | None = None
) -> Iterator[DaskExecutor]:
    """A :class:`DaskExecutor` on the scheduler at ``scheduler`` (``tcp://host:port``) or, without one, on a
    LocalCluster of ``local_workers`` single-threaded worker processes started here (closed afterwards)."""
    distributed = _import_distributed()
    cluster = None
    dashboard: str | None = None
    try:
        if scheduler is None:
            n = local_workers or os.cpu_count() or 1
            # the dashboard (on a free port) needs bokeh; without it, none rather than a warning
            dashboard = ":0" if importlib.util.find_spec("bokeh") is not None else None
            cluster = distributed.LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=dashboard,
                silence_logs=logging.ERROR,
            )
            address, label = cluster.scheduler_address, f"LocalCluster of {n} processes"
        else:
            address, label = scheduler, f"scheduler {scheduler}"
        try:
            client = distributed.Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"cannot connect to the Dask scheduler {address}: {exc}; start one with "
                f"`dask scheduler` and give its address (tcp://HOST:8786)"
            ) from None
        try:
            try:
                client.wait_for_workers(1, timeout=DASK_WORKER_TIMEOUT)
            except TimeoutError:
                raise CredsupError(
                    f"no Dask worker joined {address} within {DASK_WORKER_TIMEOUT:.0f} s; start "
                    f"workers with `dask worker {address}`"
                ) from None
            link = cluster.dashboard_link if cluster is not None and dashboard is not None else None
            yield DaskExecutor(client, label, link, memory)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


@contextlib.contextmanager
def open_executor(
    workers: int = 1,
    *,
    scheduler: str | None = None,
    dask_local: bool = False,
    memory: int | None = None,
    keep_workers: bool = False,
) -> Iterator[Executor]:
    """The executor for ``--workers N``, ``--scheduler tcp://HOST:PORT`` or ``--dask-local`` (whose
    LocalCluster has ``workers`` processes when ``workers`` > 1, else one per core); ``memory`` bounds
    each batch (``--batch-memory``, bytes). ``keep_workers``: local worker processes serve every call of
    ``run`` until the context ends (many small batches, as a calibration's)."""
    if scheduler is not None and dask_local:
        raise InputError("give --scheduler or --dask-local, not both")
    if scheduler is not None or dask_local:
        with dask_client(scheduler, local_workers=workers if workers > 1 else None, memory=memory) as on_dask:
            yield on_dask
    else:
        local = local_executor(workers, memory=memory, keep_workers=keep_workers)
        try:
            yield local
        finally:
            close = getattr(local, "close", None)
            if close is not None:
                close()
