"""A pool of local worker processes in which a dead worker costs only the task it was running.

``concurrent.futures.ProcessPoolExecutor`` marks the whole pool broken when one worker dies (every
pending future fails with ``BrokenProcessPool``), and pools that share one task channel between their
workers (``ProcessPoolExecutor``, ``multiprocessing.Pool``, pebble) can stall or break when a worker is
killed while it holds the channel's lock. Here every worker has a pipe of its own and one task at a
time, so the pool always knows which task a dead worker held:

* a worker that dies while running a task (``kill -9``, the out-of-memory killer, a crash in native
  code) yields that task with a :class:`WorkerLost` (its pid and how it ended), and a new worker takes
  its place; every other task goes on;
* a task whose worker died before it started (while the worker was starting) is given to another one;
* workers that keep dying before running anything (a broken environment) end the pool with
  :class:`WorkerStartError` rather than looping.

Workers are started with ``spawn`` and ignore SIGINT (Ctrl-C is the parent's to handle); the parent
stops them when the pool is closed. Tasks and results must be picklable. Used by
:class:`~credsup.experiments.executors.ProcessExecutor` for every kind of experiment.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnProcess
from typing import Any, Generic, TypeVar

import attrs

from credsup.core.errors import CredsupError

T = TypeVar("T")

#: A worker that dies this many times in a row before running a task means workers cannot start.
MAX_START_FAILURES = 3

_DONE = object()

#: How long to wait for a worker to exit when the pool closes, before it is killed (seconds).
STOP_TIMEOUT = 5.0


@attrs.frozen
class WorkerLost:
    """The task's worker process ended while running it."""

    pid: int | None
    exitcode: int | None

    def __str__(self) -> str:
        if self.exitcode is not None and self.exitcode < 0:
            try:
                how = f"killed by signal {signal.Signals(-self.exitcode).name}"
            except ValueError:
                how = f"killed by signal {-self.exitcode}"
        else:
            how = f"exit status {self.exitcode}"
        return f"worker process {self.pid} died while running it ({how})"


@attrs.frozen
class TaskError:
    """The task raised in the worker (the function is expected to catch its own errors; this is the
    last resort, with the exception's type and message)."""

    message: str

    def __str__(self) -> str:
        return self.message


class WorkerStartError(CredsupError):
    """Worker processes keep ending before they run anything."""


def _serve(
    conn: Connection, function: Callable[[Any], Any], initializer: Callable[..., None] | None, initargs: tuple
) -> None:
    """A worker's life: acknowledge each task as it arrives, run it, send the result; end at ``None``
    or when the parent's end of the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(("started", None))
        try:
            message = ("done", function(task))
        except BaseException as exc:  # reported to the parent, never lost
            message = ("raised", TaskError(f"{type(exc).__name__}: {exc}"))
        try:
            conn.send(message)
        except (OSError, ValueError):  # the parent is gone
            return
        except Exception as exc:  # the result cannot be pickled: say so rather than die
            conn.send(("raised", TaskError(f"its result cannot be sent back: {type(exc).__name__}: {exc}")))


@attrs.define(eq=False)
class _Worker(Generic[T]):
    process: SpawnProcess
    conn: Connection
    task: T | None = None
    started: bool = False


class WorkerPool(Generic[T]):
    """``size`` worker processes running ``function`` on tasks of type ``T``, one task per worker at a time.

    :meth:`run` yields ``(task, result)`` as tasks finish, in any order; ``result`` is what ``function``
    returned, a :class:`WorkerLost` or a :class:`TaskError`. ``initializer(*initargs)`` runs in each
    worker when it starts.
    """

    def __init__(
        self,
        size: int,
        function: Callable[[T], Any],
        *,
        initializer: Callable[..., None] | None = None,
        initargs: tuple = (),
    ):
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = size
        self.function = function
        self.initializer = initializer
        self.initargs = initargs
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker[T]] = []
        self._start_failures = 0

    def _start(self) -> _Worker[T]:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve,
            args=(child, self.function, self.initializer, self.initargs),
            name="credsup-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker: _Worker[T] = _Worker(process, parent)
        self._workers.append(worker)
        return worker

    def run(self, tasks: Iterable[T], *, keep: bool = False) -> Iterator[tuple[T, Any]]:
        """Run every task; the workers are stopped when the iteration ends, early or not, unless ``keep``
        (then they wait for the next call's tasks, until :meth:`close`: a calibration's many small
        batches do not pay the start-up of new workers each time)."""
        self._queue: deque[T] = deque()
        self._todo = iter(tasks)
        try:
            while True:
                for worker in [w for w in self._workers if w.task is None]:
                    if not self._give(worker):
                        break
                while len(self._workers) < self.size and self._has_task():
                    self._give(self._start())
                busy = [w for w in self._workers if w.task is not None]
                if not busy:
                    if self._has_task():
                        continue
                    return
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
                for worker in busy:
                    if worker.conn in ready or worker.process.sentinel in ready:
                        finished = self._receive(worker)
                        if finished is not None:
                            if worker in self._workers:  # its next task first: it works while ours is stored
                                self._give(worker)
                            yield finished
        except BaseException:
            self.close()
            raise
        finally:
            if not keep:
                self.close()

    def _has_task(self) -> bool:
        if not self._queue:
            task = next(self._todo, _DONE)
            if task is _DONE:
                return False
            self._queue.append(task)  # type: ignore[arg-type]
        return True

    def _give(self, worker: _Worker[T]) -> bool:
        """Send ``worker`` the next task; False when there is none. A worker found dead is retired and
        its task goes back to the queue."""
        if not self._has_task():
            return False
        task = self._queue.popleft()
        worker.task, worker.started = task, False
        try:
            worker.conn.send(task)
        except (OSError, ValueError):  # it died idle: the task never reached it
            self._queue.appendleft(task)
            self._retire(worker)
        return True

    def _receive(self, worker: _Worker[T]) -> tuple[T, Any] | None:
        """What a ready worker has to say: ``(task, result)`` when it finished one or died running it;
        None for an acknowledgement, or for a worker that died before starting its task (the task is
        queued again)."""
        task = worker.task
        assert task is not None
        try:
            if worker.conn.poll():
                kind, value = worker.conn.recv()
                if kind == "started":
                    worker.started = True
                    self._start_failures = 0
                    return None
                worker.task = None
                return task, value
            if worker.process.is_alive():
                return None
        except (EOFError, OSError):  # it died while sending
            pass
        exitcode = self._retire(worker)
        if worker.started:
            return task, WorkerLost(worker.process.pid, exitcode)
        self._start_failures += 1
        if self._start_failures >= MAX_START_FAILURES:
            raise WorkerStartError(
                f"worker processes end before running anything ({MAX_START_FAILURES} in a row, the last with "
                f"exit status {exitcode}); run with --workers 1 to see why"
            )
        self._queue.appendleft(task)
        return None

    def _retire(self, worker: _Worker[T]) -> int | None:
        """Forget a dead worker; its exit code."""
        self._workers.remove(worker)
        worker.conn.close()
        worker.process.join(timeout=STOP_TIMEOUT)
        return worker.process.exitcode

    def close(self) -> None:
        """Stop every worker: idle ones are asked to end, busy ones terminated; any left are killed."""
        for worker in self._workers:
            try:
                if worker.task is None:
                    worker.conn.send(None)
                else:
                    worker.process.terminate()
            except (OSError, ValueError):
                pass
        for worker in self._workers:
            worker.process.join(timeout=STOP_TIMEOUT)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers.clear()
