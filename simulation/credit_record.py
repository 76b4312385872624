"""The simulated enterprises' credit record, and the record summary kept up to date from it event by event.

The record-summary columns of :class:`credsup.core.EnterpriseBatch` have ONE definition: the rules of
docs/registry.md ("From events to the record summary"). Registry mode computes them from a registry's
events as of a date (:func:`credsup.registry.summary.summarise`). The simulator cannot recount every
enterprise's events each time a hook reads the batch, so :class:`CreditRecord` applies the same rules
incrementally: each event changes the few counts it touches, and each new day drops what left a window
or ended. ``tests/test_record_summary.py`` feeds random event histories to both and finds the same
summary on every date.

Days count from the scenario's start (day 0; the history before it is negative). Events are recorded in
the order of their days. *As of* day ``T`` means after every event dated ``T`` or earlier, as in the
registry: :meth:`CreditRecord.advance` moves the record to a new day before its first event (the clock
calls it), so a hook called on day ``T`` sees every earlier day and the events of ``T`` recorded so far.

The rules, in the simulator's terms (the registry's wording is in docs/registry.md):

* a count ``*_Nm`` holds the events dated in ``(T - N months, T]`` (:func:`credsup.core.months.window_start`);
* an inspection is clean while no live violation refers to it;
* a rectification order is open from the violation's detection through its deadline, unless the
  enterprise rectified by then (then it ends on the deadline); an order not met fails the day after its
  deadline and counts, dated by its deadline, in ``failed_rectifications_36m``;
* a penalty decision counts, dated by the decision and by the severity of the violation behind it, in
  ``*_penalties_12m`` and ``*_penalties_36m``, and dates ``last_penalty``, whether or not it is fined,
  displayed or later repaired;
* a penalty is displayed from its decision until its publicity ends; a listing is in force from its start
  until its end; a ban runs from the decision until its end (the enterprise is out of the market);
* an upheld objection withdraws a penalty (its display, its ban, its penalty counts, and the violation
  behind it from every count) or a listing; an approved repair ends a penalty's display or a listing and counts in
  ``repairs_36m``; the violation stays in the record.
"""

from __future__ import annotations

import datetime as dt
import heapq

import numpy as np

from credsup.core import FOREVER, RECORD_WINDOW_MONTHS, RecordKind
from credsup.core.columns import NAT
from credsup.core.months import window_of, window_start
from credsup.simulation.records import NEVER, InspectionLog, Records, Status, Violations

#: The windowed counts of the record summary (the window of each is in its name).
WINDOWED = (
    "inspections_36m",
    "clean_inspections_36m",
    "minor_36m",
    "general_36m",
    "serious_36m",
    "violations_12m",
    "failed_rectifications_36m",
    "commitments_36m",
    "false_commitments_36m",
    "complaints_36m",
    "verified_complaints_36m",
    "repairs_36m",
    "minor_penalties_12m",
    "general_penalties_12m",
    "serious_penalties_12m",
    "minor_penalties_36m",
    "general_penalties_36m",
    "serious_penalties_36m",
)
#: Severity code -> the count of detected violations of that severity.
BY_SEVERITY = ("minor_36m", "general_36m", "serious_36m")
#: Severity code -> the counts of penalty decisions on violations of that severity, one per window.
PENALTIES_BY_SEVERITY = (
    ("minor_penalties_12m", "general_penalties_12m", "serious_penalties_12m"),
    ("minor_penalties_36m", "general_penalties_36m", "serious_penalties_36m"),
)
_FAR_PAST = -(2**62)
_NONE = np.zeros(0, dtype=np.int64)
_NONE.flags.writeable = False


def count_at(target: np.ndarray, ids: np.ndarray, step: int = 1) -> None:
    """``target[i] += step`` for each ``i`` in ``ids``, repeats counted.

    The step is cast to the target's dtype first: with a matching scalar ``np.add.at`` takes numpy's fast
    path (about 30 times faster on a million rows than with a Python int).
    """
    np.add.at(target, ids, target.dtype.type(step))


class DayWindow:
    """Keep ``target[i]`` equal to the number of events of ``i`` dated in the window as of today.

    :meth:`add` counts events as they are recorded; :meth:`expire` drops the events dated on or before a
    cutoff (the window's exclusive start), which only ever moves forward; :meth:`withdraw` takes events
    back out (an event already out of the window stays out). ``ids`` may repeat.
    """

    def __init__(self, target: np.ndarray, months: int):
        self.target = target
        self.months = months
        #: events are kept as int32 ids when the target is small enough (half the memory)
        self._dtype = np.dtype(np.int32) if len(target) < 2**31 else np.dtype(np.int64)
        #: events dated on or before this day are out of the window
        self.cutoff = _FAR_PAST
        self._events: dict[int, list[np.ndarray]] = {}
        self._withdrawn: dict[int, list[np.ndarray]] = {}
        self._days: list[int] = []  # heap of the days that have events

    def add(self, ids: np.ndarray, day: int) -> None:
        """Events of ``ids`` dated ``day`` (ignored if that day is already out of the window)."""
        if len(ids) == 0 or day <= self.cutoff:
            return
        ids = np.asarray(ids, dtype=self._dtype)
        count_at(self.target, ids)
        if day not in self._events:
            self._events[day] = []
            heapq.heappush(self._days, day)
        self._events[day].append(ids)

    def withdraw(self, ids: np.ndarray, day: int) -> None:
        """Take back events of ``ids`` dated ``day`` that :meth:`add` counted."""
        if len(ids) == 0 or day <= self.cutoff or day not in self._events:
            return
        ids = np.asarray(ids, dtype=self._dtype)
        count_at(self.target, ids, -1)
        self._withdrawn.setdefault(day, []).append(ids)

    def expire(self, cutoff: int) -> None:
        """Drop every event dated on or before ``cutoff``."""
        if cutoff <= self.cutoff:
            return
        self.cutoff = cutoff
        days = self._days
        if not days or days[0] > cutoff:
            return
        while self._days and self._days[0] <= cutoff:
            day = heapq.heappop(self._days)
            count_at(self.target, np.concatenate(self._events.pop(day)), -1)
            back = self._withdrawn.pop(day, None)
            if back:
                count_at(self.target, np.concatenate(back))


class Agenda:
    """Ids due on a day: :meth:`add` files them under their day, :meth:`due` takes out everything due by a
    day (so a new day looks at what ends on it, never at every row)."""

    def __init__(self) -> None:
        self._ids: dict[int, list[np.ndarray]] = {}
        self._days: list[int] = []  # heap

    def add(self, ids: np.ndarray, days: np.ndarray) -> None:
        """File each of ``ids`` under its day in ``days`` (days at or after ``NEVER`` never fall due)."""
        ids, days = np.asarray(ids, dtype=np.int64), np.asarray(days, dtype=np.int64)
        keep = days < NEVER
        if not keep.all():
            ids, days = ids[keep], days[keep]
        if len(days) == 0:
            return
        if days.min() == days.max():
            self._file(int(days[0]), ids)
        else:
            for d in np.unique(days):
                self._file(int(d), ids[days == d])

    def _file(self, day: int, ids: np.ndarray) -> None:
        if day not in self._ids:
            self._ids[day] = []
            heapq.heappush(self._days, day)
        self._ids[day].append(ids)

    def due(self, day: int) -> np.ndarray:
        """Take out every id filed under ``day`` or earlier."""
        if not self._days or self._days[0] > day:
            return _NONE
        out = []
        while self._days and self._days[0] <= day:
            out.extend(self._ids.pop(heapq.heappop(self._days)))
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


class CreditRecord:
    """The credit record of ``n`` enterprises and their record summary, kept in the batch columns ``cols``.

    ``active`` (bool, one per enterprise) is kept equal to "``alive`` and not banned as of today"
    (``alive``: in the market, founded and not exited; every enterprise when not given). ``items`` is the
    number of items in the run's vocabulary (for the same-item counts of :meth:`prior_counts`).
    """

    def __init__(
        self,
        cols: dict[str, np.ndarray],
        start: dt.date,
        items: int,
        active: np.ndarray,
        alive: np.ndarray | None = None,
    ):
        self.cols = cols
        self.start = start
        self.start64 = np.datetime64(start, "D")
        self.items = items
        self.active = active
        self.alive = np.ones(len(active), dtype=bool) if alive is None else alive
        self.n = len(active)
        self.today = _FAR_PAST
        # The windowed counts of one window length are the rows of one block (each batch column is a
        # row: a contiguous view), so a day's events of several counts move in one call; the same-item
        # counts (prior_counts) share the block of the record window.
        self._window: dict[str, tuple[DayWindow, int]] = {}  # count -> (its block's window, offset)
        self._windows: list[DayWindow] = []
        for months in sorted({window_of(name) or 0 for name in WINDOWED}):
            names = [name for name in WINDOWED if window_of(name) == months]
            extra = self.n * items if months == RECORD_WINDOW_MONTHS else 0
            flat = np.zeros(len(names) * self.n + extra, dtype=np.int16)
            window = DayWindow(flat, months)
            self._windows.append(window)
            for row, name in enumerate(names):
                column = flat[row * self.n : (row + 1) * self.n]
                column[:] = cols[name]
                cols[name] = column
                self._window[name] = (window, row * self.n)
            if extra:
                #: detected violations of each (enterprise, item) in the record window (``e * items + item``)
                self.item_counts = flat[len(names) * self.n :]
                self._item_offset = len(names) * self.n
        window36 = self._window[BY_SEVERITY[0]][0]
        assert all(self._window[name][0] is window36 for name in BY_SEVERITY)
        self._window36 = window36
        #: offset of each severity's count in its block
        self._severity_offset = np.array([self._window[name][1] for name in BY_SEVERITY], dtype=np.int64)
        #: per window of the penalty counts: (its block's window, the offset of each severity's count)
        self._penalty_windows = []
        for by_severity in PENALTIES_BY_SEVERITY:
            window = self._window[by_severity[0]][0]
            assert all(self._window[name][0] is window for name in by_severity)
            offsets = np.array([self._window[name][1] for name in by_severity], dtype=np.int64)
            self._penalty_windows.append((window, offsets))
        self.records = Records(capacity=max(1024, self.n // 8))
        self.violations = Violations(capacity=max(1024, self.n // 4))
        self.inspections = InspectionLog(capacity=max(1024, self.n // 8))
        self._last_violation_row = np.full(self.n, -1, dtype=np.int32)
        self._last_penalty_row = np.full(self.n, -1, dtype=np.int64)  #: each enterprise's latest penalty record
        self._overdue: dict[int, list[np.ndarray]] = {}  # deadline day -> rows of orders not met
        # what ends on which day: displayed records (by record), listings and bans (by enterprise)
        self._display_ends = Agenda()
        self._listing_ends = Agenda()
        self._ban_ends = Agenda()

    # -- time ------------------------------------------------------------------------------------------

    def day64(self, day: int) -> np.datetime64:
        return self.start64 + np.timedelta64(int(day), "D")

    def _dates(self, days: np.ndarray) -> np.ndarray:
        """Days -> dates (``NEVER`` -> FOREVER)."""
        days = np.asarray(days, dtype=np.int64)
        return np.where(days >= NEVER, FOREVER, self.start64 + days.astype("timedelta64[D]")).astype("datetime64[D]")

    def _cutoff(self, day: int, months: int) -> int:
        return (window_start(self.start + dt.timedelta(days=day), months) - self.start).days

    def advance(self, day: int) -> None:
        """Move the record to ``day``: rectification orders whose deadline has passed fail, events leave
        their windows, and displays, listings and bans that end by ``day`` end."""
        if day <= self.today:
            return
        self.today = day
        if self._overdue:
            for d in sorted(d for d in self._overdue if d < day):
                self._fail(np.concatenate(self._overdue.pop(d)), d)
        cutoffs: dict[int, int] = {}
        for window in self._windows:
            if window.months not in cutoffs:
                cutoffs[window.months] = self._cutoff(day, window.months)
            window.expire(cutoffs[window.months])
        self._expire(day)

    def _expire(self, day: int) -> None:
        c, r = self.cols, self.records
        ents = self._listing_ends.due(day)
        if len(ents):
            t64 = self.day64(day)
            over = ents[c["listed"][ents] & (c["listed_until"][ents] <= t64)]  # not if a later listing holds
            c["listed"][over] = False
            c["listed_until"][over] = NAT
        ents = self._ban_ends.due(day)
        if len(ents):
            t64 = self.day64(day)
            free = ents[~self.active[ents] & (c["banned_until"][ents] <= t64)]
            self.active[free] = self.alive[free]  # an enterprise that exited while banned stays out
            c["banned_until"][free] = NAT
        recs = self._display_ends.due(day)
        if len(recs):
            ended = recs[r.status[recs] == Status.DISPLAYED]
            r.status[ended] = Status.EXPIRED
            pen = ended[r.kind[ended] == RecordKind.PENALTY]
            count_at(c["displayed_penalties"], r.enterprise[pen], -1)

    def _count(self, name: str, enterprise: np.ndarray, day: int, step: int = 1) -> None:
        """Events of ``enterprise`` dated ``day`` in the windowed count ``name`` (``step`` -1: withdrawn)."""
        window, offset = self._window[name]
        keys = np.asarray(enterprise, dtype=np.int64) + offset
        if step > 0:
            window.add(keys, day)
        else:
            window.withdraw(keys, day)

    # -- inspections and violations --------------------------------------------------------------------

    def inspect(self, enterprise: np.ndarray, day: int, findings: np.ndarray | None = None) -> np.ndarray:
        """Inspections of ``enterprise`` on ``day``; returns their rows. An inspection is clean until a
        violation refers to it. ``findings``, when given, is the number of violations each found, which
        :meth:`detect` then records with ``counted=True``: a clean one is never referred to and is not
        kept (row -1), which saves the simulator's visits a step and the memory of a row each."""
        e = np.asarray(enterprise, dtype=np.int64)
        window, inspections = self._window["inspections_36m"]
        clean = self._window["clean_inspections_36m"][1]
        if findings is None:
            rows = self.inspections.add(enterprise=e, day=day)
            window.add(np.concatenate([e + inspections, e + clean]), day)
        else:
            found = findings > 0
            rows = np.full(len(e), -1, dtype=np.int64)
            rows[found] = self.inspections.add(enterprise=e[found], day=day, found=findings[found])
            window.add(np.concatenate([e + inspections, e[~found] + clean]), day)
        self.cols["last_inspection"][e] = self.day64(day)
        return rows

    def detect(
        self,
        enterprise: np.ndarray,
        day: int,
        severity: np.ndarray,
        item: np.ndarray,
        inspection: np.ndarray | None = None,
        rectify_by: np.ndarray | None = None,
        counted: bool = False,
    ) -> np.ndarray:
        """Violations detected on ``day`` (severity codes, item codes), each found by an inspection (row of
        :meth:`inspect`, -1 none) and ordered rectified by a day (-1 no order); returns their rows.
        ``counted``: the inspections were given these violations as their ``findings`` already."""
        k = len(enterprise)
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        enterprise = np.asarray(enterprise, dtype=np.int64)
        severity = np.asarray(severity)
        item = np.asarray(item, dtype=np.int64)
        insp = np.full(k, -1, dtype=np.int64) if inspection is None else np.asarray(inspection, dtype=np.int64)
        by = np.full(k, -1, dtype=np.int64) if rectify_by is None else np.asarray(rectify_by, dtype=np.int64)
        ordered = by >= 0
        rows = self.violations.add(
            enterprise=enterprise, day=day, severity=severity, item=item, inspection=insp, rectify_by=by, open=ordered
        )
        self._link(rows, enterprise)
        # the severity counts and the same-item counts, in one call
        keys = np.concatenate(
            [enterprise + self._severity_offset[severity], enterprise * self.items + item + self._item_offset]
        )
        self._window36.add(keys, day)
        self._count("violations_12m", enterprise, day)
        self.cols["last_violation"][enterprise] = self.day64(day)
        if ordered.any():
            count_at(self.cols["open_rectifications"], enterprise[ordered])
        if not counted:
            self._refer(insp[insp >= 0], +1)
        return rows

    def _link(self, rows: np.ndarray, enterprise: np.ndarray) -> None:
        """Chain each enterprise's violations, newest last (to find the last live one after a withdrawal)."""
        self.violations.previous[rows] = _chain(self._last_violation_row, rows, enterprise)

    def _refer(self, inspections: np.ndarray, step: int) -> None:
        """Live violations referring to ``inspections`` change by ``step``: an inspection is clean while none does."""
        if len(inspections) == 0:
            return
        found = self.inspections.found
        before = found[inspections]
        count_at(found, inspections, step)
        # a violation more: the inspections that had none are no longer clean; one less: those left with none are
        changed = inspections[before == 0] if step > 0 else inspections[found[inspections] == 0]
        if len(changed) == 0:
            return
        if len(changed) > 1:
            changed = np.unique(changed)
        days = self.inspections.day[changed]
        enterprise = self.inspections.enterprise[changed]
        for d in np.unique(days) if len(days) > 1 else days:  # one day, unless withdrawn violations differ
            sel = enterprise if len(days) == 1 else enterprise[days == d]
            self._count("clean_inspections_36m", sel, int(d), -step)

    def deadline(self, rows: np.ndarray, corrected: np.ndarray, day: int) -> None:
        """The rectification orders of the violations ``rows`` reach their deadline ``day``: those
        ``corrected`` end today; the others fail tomorrow (see the module docstring)."""
        v = self.violations
        open_ = v.open[rows]
        done = rows[open_ & corrected]
        v.open[done] = False
        count_at(self.cols["open_rectifications"], v.enterprise[done], -1)
        late = rows[open_ & ~corrected]
        if len(late):
            self._overdue.setdefault(day, []).append(late)

    def _fail(self, rows: np.ndarray, day: int) -> None:
        v = self.violations
        rows = rows[v.open[rows]]  # a withdrawn violation's order no longer counts
        v.open[rows] = False
        v.failed[rows] = True
        e = v.enterprise[rows]
        count_at(self.cols["open_rectifications"], e, -1)
        self._count("failed_rectifications_36m", e, day)

    def _withdraw_violations(self, rows: np.ndarray) -> None:
        """The violations ``rows`` leave the record: every count, the open and failed orders, the last
        violation, and the cleanliness of their inspections."""
        v = self.violations
        rows = rows[v.live[rows]]
        if len(rows) > 1:
            rows = np.unique(rows)
        if len(rows) == 0:
            return
        v.live[rows] = False
        e = v.enterprise[rows].astype(np.int64)
        days = v.day[rows]
        for d in days[:1] if len(rows) == 1 else np.unique(days):
            at = slice(None) if len(rows) == 1 else days == d
            ed, sel = e[at], rows[at]
            keys = np.concatenate(
                [ed + self._severity_offset[v.severity[sel]], ed * self.items + v.item[sel] + self._item_offset]
            )
            self._window36.withdraw(keys, int(d))
            self._count("violations_12m", ed, int(d), -1)
        was_open = rows[v.open[rows]]
        if len(was_open):
            v.open[was_open] = False
            count_at(self.cols["open_rectifications"], v.enterprise[was_open], -1)
        was_failed = rows[v.failed[rows]]
        if len(was_failed):
            v.failed[was_failed] = False
            for d in np.unique(v.rectify_by[was_failed]):
                sel = was_failed[v.rectify_by[was_failed] == d]
                self._count("failed_rectifications_36m", v.enterprise[sel], int(d), -1)
        insp = v.inspection[rows]
        self._refer(insp[insp >= 0], -1)
        # the last live violation of each enterprise concerned (the chain is walked back a step or two)
        ents = e if len(e) == 1 else np.unique(e)
        cur = self._last_violation_row[ents]
        while True:
            stale = (cur >= 0) & ~v.live[np.maximum(cur, 0)]
            if not stale.any():
                break
            cur[stale] = v.previous[cur[stale]]
        self.cols["last_violation"][ents] = np.where(
            cur >= 0, self.start64 + v.day[np.maximum(cur, 0)].astype("timedelta64[D]"), NAT
        )

    def prior_counts(self, ids: np.ndarray, item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Detected violations in the record window before these: of the same item, and of any item."""
        c = self.cols
        same = self.item_counts[ids * self.items + item]
        any_ = c["minor_36m"][ids].astype(np.int32) + c["general_36m"][ids] + c["serious_36m"][ids]
        return same.astype(np.int16), np.minimum(any_, np.iinfo(np.int16).max).astype(np.int16)

    # -- penalties, listings, bans ---------------------------------------------------------------------

    def penalise(
        self,
        enterprise: np.ndarray,
        day: int,
        publicity_ends: np.ndarray,
        violation: np.ndarray | None = None,
        ban_ends: np.ndarray | None = None,
        *,
        severity: np.ndarray,
        **columns: np.ndarray | int | float,
    ) -> np.ndarray:
        """Penalty decisions of ``day`` on violations of ``severity`` (Severity codes): displayed until
        ``publicity_ends`` (days; not at all if that is today), behind ``violation`` (rows, -1 none), banning
        the enterprise until ``ban_ends`` (days, ``NEVER`` lifelong, -1 no ban). ``columns`` are further
        :class:`Records` columns. Every decision counts in the penalty counts of its severity and in
        ``last_penalty`` (until an objection withdraws it). Returns the records."""
        k = len(enterprise)
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        enterprise = np.asarray(enterprise, dtype=np.int64)
        sev = np.broadcast_to(np.asarray(severity, dtype=np.int64), (k,))
        ends = np.asarray(publicity_ends, dtype=np.int64)
        bans = np.full(k, -1, dtype=np.int64) if ban_ends is None else np.asarray(ban_ends, dtype=np.int64)
        shown = ends > day
        recs = self.records.add(
            enterprise=enterprise,
            kind=int(RecordKind.PENALTY),
            recorded=day,
            ends=np.minimum(ends, NEVER),
            status=np.where(shown, int(Status.DISPLAYED), int(Status.EXPIRED)),
            violation=np.full(k, -1, dtype=np.int64) if violation is None else violation,
            ban_ends=np.minimum(bans, NEVER),
            severity=sev,
            **columns,
        )
        self.records.previous[recs] = _chain(self._last_penalty_row, recs, enterprise)
        for window, offsets in self._penalty_windows:
            window.add(enterprise + offsets[sev], day)
        self.cols["last_penalty"][enterprise] = self.day64(day)
        count_at(self.cols["displayed_penalties"], enterprise[shown])
        self._display_ends.add(recs[shown], ends[shown])
        banned = bans > day
        if banned.any():
            c, be = self.cols, enterprise[banned]
            # the latest end holds, also between bans of one enterprise decided in this batch (a plain
            # assignment lets the last of repeated rows win); NaT is the smallest int64, so no ban yet loses
            np.maximum.at(c["banned_until"].view(np.int64), be, self._dates(bans[banned]).view(np.int64))
            self.active[be] = False
            self._ban_ends.add(be, bans[banned])
        return recs

    def list(
        self,
        enterprise: np.ndarray,
        day: int,
        ends: np.ndarray,
        violation: np.ndarray | None = None,
        **columns: np.ndarray | int | float,
    ) -> np.ndarray:
        """Dishonesty listings from ``day`` until ``ends`` (days, ``NEVER`` indefinite); returns the records."""
        k = len(enterprise)
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        enterprise = np.asarray(enterprise, dtype=np.int64)
        ends = np.minimum(np.asarray(ends, dtype=np.int64), NEVER)
        on = ends > day  # a listing that ends the day it starts is never in force
        recs = self.records.add(
            enterprise=enterprise,
            kind=int(RecordKind.DISHONESTY_LIST),
            recorded=day,
            ends=ends,
            status=np.where(on, int(Status.DISPLAYED), int(Status.EXPIRED)),
            violation=np.full(k, -1, dtype=np.int64) if violation is None else violation,
            **columns,
        )
        c, le, ends = self.cols, enterprise[on], ends[on]
        # the latest end holds, also between listings of one enterprise in this batch (see penalise)
        np.maximum.at(c["listed_until"].view(np.int64), le, self._dates(ends).view(np.int64))
        c["listed"][le] = True
        self._display_ends.add(recs[on], ends)
        self._listing_ends.add(le, ends)
        return recs

    def _end_display(self, live: np.ndarray) -> None:
        """Displayed records ``live`` leave the display (their status is set by the caller)."""
        r = self.records
        kind = r.kind[live]
        pen = live[kind == RecordKind.PENALTY]
        if len(pen):
            count_at(self.cols["displayed_penalties"], r.enterprise[pen], -1)
        if len(pen) < len(live):
            self._unlist(r.enterprise[live[kind == RecordKind.DISHONESTY_LIST]])

    def _unlist(self, enterprises: np.ndarray) -> None:
        """Lift the listing of enterprises whose listing record was repaired or withdrawn, unless another
        of their listings is still in force (then it runs until the latest end)."""
        if len(enterprises) == 0:
            return
        r, c = self.records, self.cols
        other = np.flatnonzero(
            (r.kind == RecordKind.DISHONESTY_LIST) & (r.status == Status.DISPLAYED) & np.isin(r.enterprise, enterprises)
        )
        c["listed"][enterprises] = False
        c["listed_until"][enterprises] = NAT
        if len(other):
            still = r.enterprise[other]
            c["listed"][still] = True
            latest = c["listed_until"].view(np.int64)
            np.maximum.at(latest, still, self._dates(r.ends[other]).view(np.int64))

    def _rebans(self, enterprises: np.ndarray, day: int) -> None:
        """Recompute the bans of ``enterprises`` on ``day`` from their penalties not withdrawn."""
        r, c = self.records, self.cols
        enterprises = np.unique(enterprises)
        c["banned_until"][enterprises] = NAT
        self.active[enterprises] = self.alive[enterprises]
        keep = np.flatnonzero(
            (r.kind == RecordKind.PENALTY)
            & (r.status != Status.WITHDRAWN)
            & (r.ban_ends > day)
            & np.isin(r.enterprise, enterprises)
        )
        if len(keep):
            latest = c["banned_until"].view(np.int64)
            np.maximum.at(latest, r.enterprise[keep], self._dates(r.ban_ends[keep]).view(np.int64))
            self.active[r.enterprise[keep]] = False

    def withdraw(self, recs: np.ndarray, day: int) -> None:
        """Upheld objections against the records ``recs``, effective ``day``: a withdrawn penalty leaves the
        display, its ban ends (unless another holds), and the violation behind it leaves every count; a
        withdrawn listing ends."""
        r = self.records
        fresh = recs[(r.kind[recs] == RecordKind.PENALTY) & (r.status[recs] != Status.WITHDRAWN)]
        live = recs[r.status[recs] == Status.DISPLAYED]
        if len(live):
            r.status[live] = Status.WITHDRAWN
            self._end_display(live)
        r.status[recs] = Status.WITHDRAWN
        if len(fresh):
            self._withdraw_penalties(np.unique(fresh))
        pen = recs[r.kind[recs] == RecordKind.PENALTY]
        if len(pen) == 0:
            return
        banned = pen[r.ban_ends[pen] > day]
        if len(banned):
            self._rebans(r.enterprise[banned], day)
        behind = r.violation[pen]
        self._withdraw_violations(behind[behind >= 0])

    def _withdraw_penalties(self, recs: np.ndarray) -> None:
        """The penalty decisions ``recs`` (just withdrawn) leave the penalty counts and ``last_penalty``."""
        r = self.records
        e = r.enterprise[recs].astype(np.int64)
        sev = r.severity[recs].astype(np.int64)
        days = r.recorded[recs]
        for d in np.unique(days):
            at = days == d
            for window, offsets in self._penalty_windows:
                window.withdraw(e[at] + offsets[sev[at]], int(d))
        # each enterprise's latest penalty not withdrawn (the chain is walked back a step or two)
        ents = np.unique(e)
        cur = self._last_penalty_row[ents]
        while True:
            stale = (cur >= 0) & (r.status[np.maximum(cur, 0)] == Status.WITHDRAWN)
            if not stale.any():
                break
            cur[stale] = r.previous[cur[stale]]
        self.cols["last_penalty"][ents] = np.where(
            cur >= 0, self.start64 + r.recorded[np.maximum(cur, 0)].astype("timedelta64[D]"), NAT
        )

    def repair(self, recs: np.ndarray, day: int) -> np.ndarray:
        """Approved repairs of the records ``recs``, effective ``day``: a displayed record leaves the display;
        every approval counts in ``repairs_36m``. Returns the records that were displayed."""
        r = self.records
        live = recs[r.status[recs] == Status.DISPLAYED]
        r.status[live] = Status.REPAIRED
        self._end_display(live)
        e = r.enterprise[recs]
        self._count("repairs_36m", e, day)
        self.cols["last_repair"][e] = self.day64(day)
        return live

    # -- commitments, complaints, evaluation -----------------------------------------------------------

    def commit(self, enterprise: np.ndarray, day: int) -> None:
        """Credit commitments made on ``day``."""
        self._count("commitments_36m", enterprise, day)

    def found_false(self, enterprise: np.ndarray, day: int) -> None:
        """Commitments verified and found false on ``day``."""
        self._count("false_commitments_36m", enterprise, day)

    def complain(self, enterprise: np.ndarray, day: int) -> None:
        """Complaints and tip-offs received on ``day``."""
        self._count("complaints_36m", enterprise, day)

    def founded(self, enterprise: np.ndarray, day: int) -> None:
        """Complaints verified as founded on ``day``."""
        self._count("verified_complaints_36m", enterprise, day)

    def evaluate(self, grade: np.ndarray, day: int, rows: np.ndarray | None = None) -> None:
        """A credit evaluation on ``day`` of every enterprise, or of the enterprises ``rows`` only."""
        where = slice(None) if rows is None else rows
        self.cols["grade"][where] = grade
        self.cols["graded_on"][where] = self.day64(day)

    def set_demonstration(self, status: np.ndarray) -> None:
        """Demonstration status of every enterprise after an evaluation."""
        self.cols["demonstration"][:] = status

    def revoke_demonstration(self, enterprise: np.ndarray) -> None:
        self.cols["demonstration"][enterprise] = False


def _chain(latest: np.ndarray, rows: np.ndarray, enterprise: np.ndarray) -> np.ndarray:
    """Link new ``rows`` (one per entry of ``enterprise``, in order) into each enterprise's chain, newest
    last: returns each row's predecessor (-1 none) and moves ``latest`` (per enterprise) on."""
    previous = latest[enterprise]
    latest[enterprise] = rows
    if len(rows) > 1 and not (latest[enterprise] == rows).all():  # an enterprise twice in the batch
        order = np.argsort(enterprise, kind="stable")
        es, rs = enterprise[order], rows[order]
        first = np.r_[True, es[1:] != es[:-1]]
        last = np.r_[es[1:] != es[:-1], True]
        previous[order] = np.where(first, previous[order], np.r_[-1, rs[:-1]])
        latest[es[last]] = rs[last]
    return previous


__all__ = ["BY_SEVERITY", "PENALTIES_BY_SEVERITY", "WINDOWED", "CreditRecord", "DayWindow", "count_at"]
