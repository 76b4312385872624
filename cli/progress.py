"""Progress of long commands, on stderr: a live bar on a terminal, a plain line every few seconds
elsewhere (CI logs, ``nohup``, notebooks), nothing with ``-q``, and more detail with ``-v``.

One helper for every command (run, compare, sweep, grade, plan, registry generate, and later
calibrate)::

    reporter = Reporter.from_context()
    with reporter.task("demo: runs", total=120) as task:   # counted work
        for ...: task.advance()
    with reporter.step("reading the registry"):             # a stage of known name, unknown length
        ...

Library code never sees this module: it takes a ``progress(done, total)`` callback
(``task.update``). The plain lines are written at most every :data:`INTERVAL_ENV` seconds
(default 5): work that ends sooner leaves no line in a log, longer work a line every interval and a
last one when it ends. ``CREDSUP_PROGRESS=plain`` (or ``bar``, ``off``) overrides the terminal test.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

import click

INTERVAL_ENV = "CREDSUP_PROGRESS_SECONDS"
MODE_ENV = "CREDSUP_PROGRESS"
DEFAULT_INTERVAL = 5.0


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Task:
    """Counted work: ``advance(n)`` or ``update(done, total)`` (the library callback)."""

    def __init__(self, reporter: Reporter, label: str, total: int | None):
        self.reporter, self.label, self.total = reporter, label, total
        self.done = 0
        self.started = time.monotonic()
        self._last_line = self.started
        self._lines = 0
        self._bar: Any = None
        self._bar_task: Any = None

    def advance(self, n: int = 1) -> None:
        self.update(self.done + n, self.total)

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if self._bar is not None:
            self._bar.update(self._bar_task, completed=done, total=self.total)
        elif self.reporter.mode == "plain":
            now = time.monotonic()
            finished = self.total is not None and done >= self.total  # _finish writes that line
            if not finished and now - self._last_line >= self.reporter.interval:
                self._last_line = now
                self._lines += 1
                self.reporter.write(self.line(now))

    def line(self, now: float | None = None) -> str:
        """``label: 12/120 (10%), 0:32 elapsed, about 4:48 left``."""
        elapsed = (now or time.monotonic()) - self.started
        if not self.total:
            return f"{self.label}: {self.done}, {_clock(elapsed)} elapsed"
        pct = 100.0 * self.done / self.total
        left = elapsed / self.done * (self.total - self.done) if self.done else None
        eta = f", about {_clock(left)} left" if left is not None and self.done < self.total else ""
        return f"{self.label}: {self.done}/{self.total} ({pct:.0f}%), {_clock(elapsed)} elapsed{eta}"

    def _start(self) -> None:
        if self.reporter.mode != "bar":
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.reporter.console(),
            transient=False,
        )
        self._bar.start()
        self._bar_task = self._bar.add_task(self.label, total=self.total)

    def _finish(self, ok: bool) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self.reporter.mode == "plain" and ok:
            # a log that saw it going, or work that outlasted the interval, sees it end
            if self._lines or time.monotonic() - self.started >= self.reporter.interval:
                self.reporter.write(self.line() + " - done")
        if ok:
            self.reporter.detail(f"{self.label}: {self.done} in {time.monotonic() - self.started:.1f} s")


class Reporter:
    """Where progress goes for one command: ``mode`` is ``bar``, ``plain`` or ``off``; ``verbosity``
    is -1 (``-q``), 0 or more (``-v``)."""

    def __init__(
        self,
        verbosity: int = 0,
        *,
        stream: IO[str] | None = None,
        mode: str | None = None,
        interval: float | None = None,
    ):
        self.verbosity = verbosity
        self.stream = stream
        if interval is None:
            try:
                interval = float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL))
            except ValueError:
                interval = DEFAULT_INTERVAL
        self.interval = interval
        if verbosity < 0:
            mode = "off"
        mode = mode or os.environ.get(MODE_ENV) or None
        if mode not in ("bar", "plain", "off"):
            mode = "bar" if self._is_terminal() else "plain"
        self.mode = mode

    @classmethod
    def from_context(cls, ctx: click.Context | None = None) -> Reporter:
        """The reporter of the running command (``-q``/``-v`` as given)."""
        from credsup.cli.options import verbosity

        return cls(verbosity(ctx))

    def _out(self) -> IO[str]:
        return self.stream if self.stream is not None else sys.stderr

    def _is_terminal(self) -> bool:
        try:
            return self._out().isatty()
        except (AttributeError, ValueError):
            return False

    def console(self) -> Any:
        from rich.console import Console

        return Console(file=self._out(), stderr=self.stream is None)

    def write(self, text: str) -> None:
        click.echo(text, file=self._out())

    def note(self, text: str) -> None:
        """A message for the user (what is being done, where the result went); silenced by ``-q``."""
        if self.verbosity >= 0:
            self.write(text)

    def detail(self, text: str) -> None:
        """Shown with ``-v`` only."""
        if self.verbosity > 0:
            self.write(text)

    @contextlib.contextmanager
    def task(self, label: str, total: int | None = None) -> Iterator[Task]:
        """Counted work; the bar or the plain lines end with the block."""
        task = Task(self, label, total)
        task._start()
        ok = False
        try:
            yield task
            ok = True
        finally:
            task._finish(ok)

    @contextlib.contextmanager
    def step(self, text: str) -> Iterator[None]:
        """A stage of a command (``reading the registry``): a spinner on a terminal; elsewhere a line
        every interval while it lasts (``reading ... 0:10``) and one when it ends, nothing for a stage
        shorter than the interval; its duration with ``-v``."""
        started = time.monotonic()
        status: Any = None
        beats: list[float] = []
        stop = threading.Event()
        ticker: threading.Thread | None = None
        if self.mode == "bar":
            status = self.console().status(text + " ...")
            status.start()
        elif self.mode == "plain":

            def beat() -> None:
                while not stop.wait(max(self.interval, 0.05)):
                    beats.append(time.monotonic())
                    self.write(f"{text} ... {_clock(beats[-1] - started)}")

            ticker = threading.Thread(target=beat, name="credsup-progress", daemon=True)
            ticker.start()
        ok = False
        try:
            yield
            ok = True
        finally:
            stop.set()
            if ticker is not None:
                ticker.join()
            if status is not None:
                status.stop()
        elapsed = time.monotonic() - started
        if ok and beats:
            self.write(f"{text}: done in {_clock(elapsed)}")
        self.detail(f"{text}: {elapsed:.1f} s")


def reporter() -> Reporter:
    """:meth:`Reporter.from_context` (the reporter of the command being run)."""
    return Reporter.from_context()
