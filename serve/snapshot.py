"""The registry as the service sees it: read once, refreshed by building a new snapshot aside.

A :class:`Snapshot` is one read of the registry (and inspectors file), never changed afterwards. Every
request takes the current snapshot once, at its start, and answers from it alone, so a refresh that
lands while the request runs cannot mix two registries into one answer. :meth:`Service.refresh` reads
the registry again into a new snapshot while the old one keeps answering, then swaps the reference in one
assignment; a registry that fails to load leaves the old snapshot in place and the failure is reported.
When every input's SHA-256 is unchanged, the old snapshot (and its caches) stays.

What is computed from a snapshot for a date (the record summary, the evaluation with its reasons, the
withdrawn and repaired records) is cached per snapshot, a few dates at a time; concurrent requests for
the same date wait for one computation instead of each starting its own. Today's is computed before a
snapshot starts serving (at start, and in the refresh thread before the swap).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import numpy as np

from credsup.core.batch import EnterpriseBatch
from credsup.core.errors import CredsupError
from credsup.core.jurisdiction import Jurisdiction
from credsup.registry.grading import Evaluation, Reasons, evaluate, explain
from credsup.registry.load import Frame, InputFile, Registry, load_inspectors, load_registry
from credsup.registry.reading import is_url, masked
from credsup.registry.schema import INSPECTORS
from credsup.registry.summary import record_status, summarise

log = logging.getLogger("credsup.serve")

T = TypeVar("T")

#: How many (kind, date) results a snapshot keeps (assumption: a service is asked about today, the
#: current and next planning periods and a few dates in between; each entry of a city registry of a
#: million enterprises costs some 100 MB).
CACHE_ENTRIES = 12


class _Entry:
    __slots__ = ("lock", "value", "ready")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value: Any = None
        self.ready = False


class Cache:
    """A small thread-safe LRU cache that computes each key once, even under concurrent requests."""

    def __init__(self, size: int = CACHE_ENTRIES):
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Any, _Entry] = OrderedDict()

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry()
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
        with entry.lock:
            if not entry.ready:
                entry.value = compute()  # an exception leaves the entry unready: the next caller retries
                entry.ready = True
            return entry.value


@attrs.frozen
class Inspectors:
    """The inspectors file of a snapshot, as :func:`credsup.registry.load.load_inspectors` returns it."""

    location: str
    frame: Frame
    input: InputFile
    skipped: tuple[Any, ...]


@attrs.frozen(eq=False)
class Snapshot:
    """One read of the registry and what has been computed from it, date by date."""

    registry: Registry
    inspectors: Inspectors | None
    loaded_at: dt.datetime
    jurisdiction: Jurisdiction
    cache: Cache = attrs.field(factory=Cache)

    @property
    def fingerprint(self) -> tuple[tuple[str, str], ...]:
        """(table, SHA-256) of every input: equal fingerprints, equal data."""
        inputs = [*self.registry.inputs, *([self.inspectors.input] if self.inspectors else [])]
        return tuple((i.table, i.sha256) for i in inputs)

    def index_of(self, enterprise_id: str) -> int | None:
        return self.registry.index_of(enterprise_id)

    def summary(self, as_of: dt.date) -> EnterpriseBatch:
        """The record summary of every enterprise as of ``as_of`` (docs/registry.md)."""
        return self.cache.get(("summary", as_of), lambda: summarise(self.registry, as_of))

    def evaluation(self, as_of: dt.date) -> tuple[Evaluation, Reasons]:
        """The jurisdiction's evaluation as of ``as_of`` and the indicators that decided each grade."""

        def compute() -> tuple[Evaluation, Reasons]:
            evaluation = evaluate(self.jurisdiction, self.summary(as_of), as_of)
            return evaluation, explain(evaluation)

        return self.cache.get(("evaluation", as_of), compute)

    def record_status(self, as_of: dt.date) -> dict[str, np.ndarray]:
        """Which penalties and listings are withdrawn or repaired as of ``as_of``."""
        return self.cache.get(("status", as_of), lambda: record_status(self.registry, as_of))

    def info(self) -> dict[str, Any]:
        """JSON-ready: where the registry came from, when it was read, and every input's hash."""
        inputs = [*self.registry.inputs, *([self.inspectors.input] if self.inspectors else [])]
        return {
            "registry": shown(self.registry.location),
            "loaded_at": self.loaded_at.isoformat(timespec="seconds"),
            "enterprises": len(self.registry),
            "skipped_rows": len(self.registry.skipped) + (len(self.inspectors.skipped) if self.inspectors else 0),
            "inspectors": shown(self.inspectors.location) if self.inspectors else None,
            "inputs": [{"table": i.table, "source": i.where, "rows": i.rows, "sha256": i.sha256} for i in inputs],
        }


def shown(location: str) -> str:
    """A registry or inspectors location for answers and logs: a database URL without its password."""
    return masked(location) if is_url(location) else location


def default_inspectors(registry: str) -> str | None:
    """``inspectors.csv`` inside a registry folder, if there is one (a database needs ``--inspectors``)."""
    if is_url(registry):
        return None
    candidate = Path(registry) / INSPECTORS.file
    return str(candidate) if candidate.is_file() else None


def read_snapshot(
    registry: str, jurisdiction: Jurisdiction, *, inspectors: str | None = None, skip_bad_rows: bool = False
) -> Snapshot:
    """Read the registry (and inspectors file) into a new snapshot; raises what registry mode raises."""
    reg = load_registry(registry, skip_bad_rows=skip_bad_rows)
    insp = None
    if inspectors:
        frame, record, skipped = load_inspectors(inspectors, reg, skip_bad_rows=skip_bad_rows)
        insp = Inspectors(inspectors, frame, record, skipped)
    return Snapshot(reg, insp, dt.datetime.now(dt.UTC), jurisdiction)


@attrs.frozen
class RefreshResult:
    ok: bool
    changed: bool
    at: dt.datetime
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "changed": self.changed,
            "at": self.at.isoformat(timespec="seconds"),
            "error": self.error or None,
        }


class Service:
    """Holds the current snapshot and replaces it on refresh; the clock of "today"."""

    def __init__(
        self,
        registry: str,
        jurisdiction: Jurisdiction,
        *,
        inspectors: str | None = None,
        skip_bad_rows: bool = False,
        today: dt.date | None = None,
    ):
        self.registry_location = registry
        self.jurisdiction = jurisdiction
        self.inspectors_location = inspectors if inspectors is not None else default_inspectors(registry)
        self.skip_bad_rows = skip_bad_rows
        self.fixed_today = today
        self._refresh_lock = threading.Lock()
        self._snapshot = self._read()
        self._warm(self._snapshot)
        self.last_refresh: RefreshResult | None = None
        self.refreshes = 0

    def _read(self) -> Snapshot:
        return read_snapshot(
            self.registry_location,
            self.jurisdiction,
            inspectors=self.inspectors_location,
            skip_bad_rows=self.skip_bad_rows,
        )

    def _warm(self, snapshot: Snapshot) -> None:
        """Evaluate the registry as of today before the snapshot serves, so that no request waits for it
        (grading a city with reasons takes seconds). A plugin that fails here fails again, as a problem
        answer, on the request that needs it; the service still starts."""
        today = self.today()
        try:
            snapshot.evaluation(today)
            snapshot.record_status(today)
        except CredsupError as exc:
            log.warning("could not evaluate the registry as of %s: %s", today, exc)

    @property
    def snapshot(self) -> Snapshot:
        """The current snapshot: take it once per request and use only it."""
        return self._snapshot

    def today(self) -> dt.date:
        """The service's date: ``--as-of`` if given, else the local date of the server."""
        return self.fixed_today or dt.date.today()

    def refresh(self) -> RefreshResult:
        """Read the registry again aside and swap it in; on failure keep serving the old snapshot.

        Refreshes do not overlap: a second caller waits for the first and then reads again itself.
        """
        with self._refresh_lock:
            now = dt.datetime.now(dt.UTC)
            try:
                fresh = self._read()
            except CredsupError as exc:
                result = RefreshResult(False, False, now, str(exc))
                log.warning("registry refresh failed, still serving the snapshot of %s: %s", self._loaded(), exc)
            else:
                changed = fresh.fingerprint != self._snapshot.fingerprint
                if changed:
                    self._warm(fresh)
                    self._snapshot = fresh  # one reference assignment: requests see the old or the new
                else:
                    self._warm(self._snapshot)  # a new day since the last refresh: prepare it now
                result = RefreshResult(True, changed, now)
                log.info("registry refreshed: %s", "changed" if changed else "unchanged")
            self.last_refresh = result
            self.refreshes += 1
            return result

    def _loaded(self) -> str:
        return self._snapshot.loaded_at.isoformat(timespec="seconds")
