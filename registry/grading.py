"""Grade a registry with a jurisdiction's plugin, and say which indicators decided each grade.

The evaluation is the one the simulator runs each grading cycle: ``credsup_grade`` on the record
summary, then ``credsup_demonstration`` on the newly graded batch (seed 000 (IV): quarterly
re-evaluation, "remove the old and introduce the new").

**Reasons** are derived from the summary, never from one jurisdiction's formula. An *indicator* is a
record-summary column (or a pair, such as a listing and its end) that differs from its clean value: a
count above zero, a flag that is set, a listing, a ban, a young age. All of an enterprise's indicators
are its ``record``. An indicator *decided* the grade (``decided_by``) when the plugin, asked again,
grades the enterprise differently *without* it (it was necessary: "serious_36m=1 (without: B)"), or
gives this grade to the indicator *alone* on an otherwise clean record that would be graded differently
(it was sufficient: a listing that forces D however clean the rest is, "listed ... (alone: D)"). The
row-independence of hooks (``core/hookspecs.py``) makes this exact and cheap: two calls per indicator on
only the enterprises that have it, plus one for the clean record. A grade equal to the clean record's
(a clean A, or traditional supervision's one class for all) has no deciding indicator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
from numpy.dtypes import StringDType

from credsup.core.batch import EnterpriseBatch
from credsup.core.columns import NAT
from credsup.core.enums import Grade
from credsup.core.jurisdiction import Jurisdiction
from credsup.core.months import window_start

LETTERS = np.array(["-", *[g.name for g in Grade]], dtype=StringDType())  # index grade + 1

#: An enterprise younger than this is "young" (assumption: several plugins treat enterprises without
#: a track record specially; 3 years covers a full 36-month record window).
YOUNG_YEARS = 3.0

#: Columns that say who an enterprise is or when something happened, not what its record holds; they
#: are never indicators (dates travel with their counts; the previous grade is not a reason).
NOT_INDICATORS = frozenset(
    {
        "sector",
        "size",
        "registered",
        "key_sector",
        "emerging",
        "grade",
        "graded_on",
        "last_inspection",
        "last_violation",
        "last_repair",
        "last_penalty",
        "listed",
        "listed_until",
        "banned_until",
    }
)


@attrs.frozen
class Indicator:
    """A record item: where an enterprise has it, how to show it, and the batch without it."""

    name: str
    has: Callable[[EnterpriseBatch, dt.date], np.ndarray]
    text: Callable[[EnterpriseBatch, dt.date], np.ndarray]
    without: Callable[[EnterpriseBatch, dt.date], dict[str, np.ndarray]]
    #: a number per enterprise that determines its ``text`` (equal keys, equal texts): texts are then
    #: made once per distinct key, not once per enterprise
    key: Callable[[EnterpriseBatch, dt.date], np.ndarray]
    #: listed in the ``record`` column (young age is shown only when it decided the grade)
    in_record: bool = True


def _count_indicator(name: str) -> Indicator:
    return Indicator(
        name,
        has=lambda b, _t: getattr(b, name) > 0,
        text=lambda b, _t: np.strings.add(f"{name}=", getattr(b, name).astype(str)),
        without=lambda b, _t: {name: np.zeros(len(b), dtype=getattr(b, name).dtype)},
        key=lambda b, _t: getattr(b, name).astype(np.int64),
    )


def _flag_indicator(name: str, clean: bool) -> Indicator:
    shown = name if not clean else f"not {name}"
    return Indicator(
        name,
        has=lambda b, _t: getattr(b, name) != clean,
        text=lambda b, _t: np.full(len(b), shown, dtype=StringDType()),
        without=lambda b, _t: {name: np.full(len(b), clean)},
        key=lambda b, _t: np.zeros(len(b), dtype=np.int64),
    )


def _code_indicator(name: str, labels: Callable[[EnterpriseBatch], tuple[str, ...]] | None) -> Indicator:
    def text(b: EnterpriseBatch, _t: dt.date) -> np.ndarray:
        codes = getattr(b, name)
        if labels is None:
            return np.strings.add(f"{name}=", LETTERS[codes.astype(np.int64) + 1])
        names = np.array(["", *labels(b)], dtype=StringDType())
        return np.strings.add(f"{name}=", names[np.clip(codes.astype(np.int64) + 1, 0, len(names) - 1)])

    return Indicator(
        name,
        has=lambda b, _t: getattr(b, name) >= 0,
        text=text,
        without=lambda b, _t: {name: np.full(len(b), -1, dtype=getattr(b, name).dtype)},
        key=lambda b, _t: getattr(b, name).astype(np.int64),
    )


def _until_text(column: str, label: str) -> Callable[[EnterpriseBatch, dt.date], np.ndarray]:
    def text(b: EnterpriseBatch, _t: dt.date) -> np.ndarray:
        until = getattr(b, column)
        dates = np.where(until == np.datetime64("9999-12-31"), "indefinitely", until.astype(str))
        return np.strings.add(f"{label} until ", dates.astype(StringDType()))

    return text


def indicators() -> tuple[Indicator, ...]:
    """Every indicator, derived from the :class:`EnterpriseBatch` schema (plus listing, ban and age)."""
    out: list[Indicator] = [
        Indicator(
            "listed",
            has=lambda b, t: b.listed & ~(b.listed_until <= np.datetime64(t, "D")),
            text=_until_text("listed_until", "listed"),
            without=lambda b, _t: {"listed": np.zeros(len(b), dtype=bool), "listed_until": np.full(len(b), NAT)},
            key=lambda b, _t: b.listed_until.view(np.int64),
        ),
        Indicator(
            "banned",
            has=lambda b, t: b.banned_until > np.datetime64(t, "D"),
            text=_until_text("banned_until", "banned"),
            without=lambda b, _t: {"banned_until": np.full(len(b), NAT)},
            key=lambda b, _t: b.banned_until.view(np.int64),
        ),
    ]
    for spec in EnterpriseBatch.columns():
        if spec.name in NOT_INDICATORS:
            continue
        if spec.unit == "count":
            out.append(_count_indicator(spec.name))
        elif spec.dtype.kind == "b":
            out.append(_flag_indicator(spec.name, bool(spec.default)))
        elif spec.name == "external_listing":
            out.append(_code_indicator(spec.name, lambda b: b.regions))
        elif spec.name == "industry_grade":
            out.append(_code_indicator(spec.name, None))
        else:  # pragma: no cover - a new column needs a decision here
            raise RuntimeError(f"EnterpriseBatch column {spec.name} has no indicator rule")
    out.append(
        Indicator(
            "age",
            has=lambda b, t: b.age_years(t) < YOUNG_YEARS,
            text=lambda b, t: np.strings.add("age=", np.char.mod("%.1fy", b.age_years(t)).astype(StringDType())),
            without=lambda b, t: {"registered": np.full(len(b), np.datetime64(t, "D") - np.timedelta64(3653, "D"))},
            key=lambda b, _t: b.registered.view(np.int64),
            in_record=False,
        )
    )
    return tuple(out)


@attrs.frozen
class Evaluation:
    """A jurisdiction's evaluation of a registry as of a date."""

    jurisdiction: Jurisdiction
    as_of: dt.date
    #: the record summary before the evaluation (``grade`` is the previous grade, -1 none)
    before: EnterpriseBatch
    #: the same with the new ``grade``, ``graded_on`` and ``demonstration``
    after: EnterpriseBatch
    #: enterprises not re-evaluated on this date (they keep their grade): see :func:`evaluate`
    kept: np.ndarray | None = None

    @property
    def grades(self) -> np.ndarray:
        return self.after.grade


def not_due(jurisdiction: Jurisdiction, batch: EnterpriseBatch, as_of: dt.date) -> np.ndarray:
    """Enterprises that keep their grade on ``as_of``: where the jurisdiction re-evaluates demonstration
    enterprises alone between the evaluations of everyone (``schedule.demonstration_grading_months``,
    seed 000 (IV)), an enterprise that is not one and whose last evaluation is less than
    ``schedule.grading_months`` old. Nobody, for a jurisdiction that evaluates everyone together."""
    schedule = jurisdiction.schedule_at(as_of)
    if not schedule.demonstration_grading_months:
        return np.zeros(len(batch), dtype=bool)
    cycle = np.datetime64(window_start(as_of, schedule.grading_months), "D")
    return ~batch.demonstration & (batch.grade >= 0) & ~np.isnat(batch.graded_on) & (batch.graded_on > cycle)


def evaluate(jurisdiction: Jurisdiction, batch: EnterpriseBatch, as_of: dt.date) -> Evaluation:
    """Grade, then decide demonstration status, as one evaluation cycle does (the simulator's calendar:
    everyone every ``schedule.grading_months``; in between, where the jurisdiction says so, the
    demonstration enterprises alone, the others keeping their grade, :func:`not_due`)."""
    grades = jurisdiction.grade(batch, as_of).astype(np.int8)
    graded_on = np.full(len(batch), np.datetime64(as_of, "D"))
    kept = not_due(jurisdiction, batch, as_of)
    if kept.any():
        grades = np.where(kept, batch.grade, grades).astype(np.int8)
        graded_on = np.where(kept, batch.graded_on, graded_on).astype("datetime64[D]")
    graded = attrs.evolve(batch, grade=grades, graded_on=graded_on)
    demonstration = jurisdiction.demonstration(graded, as_of)
    return Evaluation(jurisdiction, as_of, batch, attrs.evolve(graded, demonstration=demonstration), kept)


@attrs.frozen
class Reasons:
    """Per enterprise: the indicators that decided its grade, and every indicator it has."""

    #: ``"serious_36m=1 (without: B); listed until 2029-03-01 (alone: D)"`` (object array of ``str``)
    decided_by: np.ndarray
    #: ``"serious_36m=1; minor_36m=2"`` (object array of ``str``)
    record: np.ndarray
    #: indicator name -> number of enterprises whose grade it decided
    deciding: dict[str, int]


class _Pieces:
    """Texts to join with ``"; "`` per enterprise, one column of pieces per indicator, in order.

    A column holds, for the enterprises that have the piece, a code into its list of distinct texts.
    Enterprises whose codes agree in every column get the same joined text, so the texts are joined
    once per distinct combination (tens of thousands among a million enterprises), not per enterprise.
    """

    def __init__(self, n: int):
        self.n = n
        self.columns: list[tuple[np.ndarray, np.ndarray, list[str]]] = []

    def add(self, rows: np.ndarray, codes: np.ndarray, texts: list[str]) -> None:
        self.columns.append((rows, codes, texts))

    def _full(self, k: int) -> np.ndarray:
        rows, codes, _texts = self.columns[k]
        out = np.full(self.n, -1, dtype=np.int32)
        out[rows] = codes
        return out

    def joined(self) -> np.ndarray:
        """One text per enterprise (empty where it has no piece): an object array of ``str``, the
        enterprises with the same text sharing one string."""
        if not self.columns:
            return np.full(self.n, "", dtype=object)
        # a 64-bit polynomial hash of each enterprise's codes, then a check that equal hashes are
        # equal codes (a collision falls back to comparing the codes themselves)
        h = np.zeros(self.n, dtype=np.uint64)
        for k in range(len(self.columns)):
            h *= np.uint64(1_000_003)
            h += (self._full(k) + 1).astype(np.uint64)
        _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        if not all(np.array_equal((c := self._full(k))[first][inverse], c) for k in range(len(self.columns))):
            full = np.stack([self._full(k) for k in range(len(self.columns))], axis=1)
            _, first, inverse = np.unique(full, axis=0, return_index=True, return_inverse=True)
        parts: list[list[str]] = [[] for _ in range(len(first))]
        for k, (_rows, _codes, texts) in enumerate(self.columns):
            codes = self._full(k)[first]
            has = np.flatnonzero(codes >= 0)
            for combo, code in zip(has.tolist(), codes[has].tolist(), strict=True):
                parts[combo].append(texts[code])
        combos = np.array(["; ".join(p) for p in parts], dtype=object)
        return combos[inverse]


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(one row of each distinct key, code per row)``, codes in key order.

    Keys within a small range (counts, grades, dates of a few decades) are counted rather than
    sorted: one pass instead of a sort of up to a million keys.
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low, high = int(keys.min()), int(keys.max())
    if high - low > 4 * len(keys) + 1024:
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return first, inverse.reshape(-1)
    shifted = keys - low
    present = np.bincount(shifted, minlength=high - low + 1) > 0
    code_of = np.cumsum(present) - 1
    representative = np.empty(high - low + 1, dtype=np.int64)
    representative[shifted] = np.arange(len(keys))
    return representative[present], code_of[shifted]


def _labelled(ind: Indicator, sub: EnterpriseBatch, t: dt.date) -> tuple[np.ndarray, list[str]]:
    """``(code per enterprise, texts)``: ``texts[code]`` is each enterprise's text of the indicator."""
    first, codes = _distinct(ind.key(sub, t))
    return codes, ind.text(sub.take(first), t).astype(StringDType()).tolist()


def _outcome_text(without: int, alone: int, necessary: bool, sufficient: bool) -> str:
    parts = ([f"without: {LETTERS[without + 1]}"] if necessary else []) + (
        [f"alone: {LETTERS[alone + 1]}"] if sufficient else []
    )
    return "; ".join(parts)


def _clean(batch: EnterpriseBatch, t: dt.date, inds: tuple[Indicator, ...]) -> EnterpriseBatch:
    """``batch`` with every indicator reset to its clean value."""
    changes: dict[str, np.ndarray] = {}
    for ind in inds:
        has = ind.has(batch, t)
        for column, value in ind.without(batch, t).items():
            changes[column] = np.where(has, value, changes.get(column, getattr(batch, column)))
    return attrs.evolve(batch, **changes)


def explain(evaluation: Evaluation) -> Reasons:
    """Which indicators decided each grade.

    An indicator decided a grade when the enterprise *without* it gets another grade (it was
    necessary), or when it *alone*, on an otherwise clean record, gets this grade while the clean record
    does not (it was sufficient). Both tests are the plugin's own ``credsup_grade``.
    """
    before, grades, t = evaluation.before, evaluation.grades, evaluation.as_of
    grade = evaluation.jurisdiction.grade
    n = len(before)
    decided, record = _Pieces(n), _Pieces(n)
    deciding: dict[str, int] = {}
    inds = indicators()
    clean = _clean(before, t, inds)
    clean_grades = grade(clean, t)
    kept = evaluation.kept if evaluation.kept is not None else np.zeros(n, dtype=bool)
    if kept.any():  # not re-evaluated today: the grade is the last evaluation's, which today's record cannot explain
        rows = np.flatnonzero(kept)
        days = evaluation.before.graded_on[rows]
        first, codes = _distinct(days.view(np.int64))
        decided.add(rows, codes, [f"not due: kept from the evaluation of {d}" for d in days[first].astype(str)])
    for ind in inds:
        rows = np.flatnonzero(ind.has(before, t))
        if len(rows) == 0:
            continue
        sub = before.take(rows)
        codes, texts = _labelled(ind, sub, t)
        if ind.in_record:
            record.add(rows, codes, texts)
        removed = ind.without(sub, t)
        without = grade(attrs.evolve(sub, **removed), t).astype(np.int64)
        alone = grade(attrs.evolve(clean.take(rows), **{c: getattr(sub, c) for c in removed}), t).astype(np.int64)
        mine = grades[rows]
        necessary = without != mine
        sufficient = (alone == mine) & (clean_grades[rows] != mine)
        hit = (necessary | sufficient) & ~kept[rows]
        if not hit.any():
            continue
        deciding[ind.name] = int(hit.sum())
        # the piece: the indicator's text and the outcome of the two tests (a few dozen combinations)
        # (grades -1..3: five values each; two flags)
        outcome = (((codes[hit] * 5 + without[hit] + 1) * 5 + alone[hit] + 1) * 2 + necessary[hit]) * 2 + sufficient[
            hit
        ]
        first, which = _distinct(outcome)
        pieces = [
            f"{texts[codes[h]]} ({_outcome_text(int(without[h]), int(alone[h]), bool(necessary[h]), bool(sufficient[h]))})"
            for h in np.flatnonzero(hit)[first].tolist()
        ]
        decided.add(rows[hit], which, pieces)
    return Reasons(decided.joined(), record.joined(), deciding)


def split_reasons(text: str) -> list[str]:
    """``"a (without: B; alone: D); b=1"`` -> ``["a (without: B; alone: D)", "b=1"]``: split at top level."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == ";" and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    return [p for p in [*out, tail] if p]


def grade_letters(codes: np.ndarray) -> np.ndarray:
    """Grade codes -> letters ("" for -1)."""
    letters = np.array(["", *[g.name for g in Grade]])
    return letters[np.asarray(codes, dtype=np.int64) + 1]


def indicator_columns(batch: EnterpriseBatch, t: dt.date) -> dict[str, Any]:
    """One column per record indicator (what ``Reasons.record`` lists as text), as a CSV shows it: a
    count as its number, a flag as ``true``/``false`` (demonstration status as ``previous_demonstration``:
    the one before this evaluation), a listing or ban as the date it runs until
    (``9999-12-31``: indefinitely; empty when none is in force), a code as its name (empty: none)."""
    from credsup.registry.output import Labels

    out: dict[str, Any] = {}
    flags = ("false", "true")
    for ind in indicators():
        if not ind.in_record:
            continue
        if ind.name in ("listed", "banned"):
            until = getattr(batch, f"{ind.name}_until")
            shown = ind.has(batch, t) & ~np.isnat(until)
            column = np.full(len(batch), "", dtype="<U10")
            column[shown] = until[shown].astype(str)
            out[f"{ind.name}_until"] = column
            continue
        values = getattr(batch, ind.name)
        if ind.name == "demonstration":  # the status before this evaluation (the new one has its own column)
            out["previous_demonstration"] = Labels(values.astype(np.int8), flags)
        elif values.dtype.kind == "b":
            out[ind.name] = Labels(values.astype(np.int8), flags)
        elif ind.name == "external_listing":  # -1: none, shown empty
            names = ("", *batch.regions)
            out[ind.name] = Labels(np.clip(values.astype(np.int64) + 1, 0, len(names) - 1), names)
        elif ind.name == "industry_grade":
            out[ind.name] = Labels(np.clip(values.astype(np.int64) + 1, 0, 4), ("", "A", "B", "C", "D"))
        else:
            out[ind.name] = values
    return out


def grade_table(evaluation: Evaluation, reasons: Reasons, ids: np.ndarray) -> dict[str, Any]:
    """The columns of ``credsup grade``'s CSV, in order: the enterprise, its grade, previous grade and
    demonstration status, the indicators that decided the grade (``decided_by``), then one column per
    record indicator (:func:`indicator_columns`)."""
    from credsup.registry.output import Labels

    letters = ("", *(g.name for g in Grade))
    return {
        "enterprise": ids,
        "grade": Labels(np.asarray(evaluation.grades, dtype=np.int64) + 1, letters),
        "previous_grade": Labels(np.asarray(evaluation.before.grade, dtype=np.int64) + 1, letters),
        "demonstration": Labels(evaluation.after.demonstration.astype(np.int8), ("false", "true")),
        "decided_by": reasons.decided_by,
        **indicator_columns(evaluation.before, evaluation.as_of),
    }
