"""The inputs of a hook call, regenerated exactly from ``(hook, seed, n)``: every failure's reproducer.

:func:`make_inputs` draws one valid call of a hook (its batches, the date, the period or commitment
kind) from ``numpy.random.default_rng(seed)`` with the sample generators of :mod:`credsup.core.samples`,
so a failure reported as ``seed=7, n=3`` is rebuilt by ``make_inputs("credsup_grade", seed=7, n=3)``.
``n`` is the number of rows the result follows: enterprises for enterprise hooks, cases (violations,
applications, objections) for the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from credsup.core.batch import Period
from credsup.core.columns import Columnar
from credsup.core.contracts import HOOKS
from credsup.core.decisions import ToleranceDecision
from credsup.core.enums import CommitmentKind, Reason, Tolerance
from credsup.core.samples import (
    random_applications,
    random_batch,
    random_decisions,
    random_objections,
    random_violations,
)

#: Arguments that are columnar batches (the rest are a date, a period, a commitment kind).
COLUMNAR_ARGS = ("batch", "violations", "decisions", "applications", "objections")
#: Dates are drawn from this decade, so date rules meet leap years and month ends.
FIRST_DAY = dt.date(2020, 1, 1)
DAYS = 3653
PERIOD_MONTHS = (1, 3, 12)

_CASES = {
    "violations": random_violations,
    "applications": random_applications,
    "objections": random_objections,
}
_ROW_NAMES = {
    "batch": "enterprise",
    "violations": "violation",
    "applications": "application",
    "objections": "objection",
    "decisions": "decision",
}


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def _period(rng: np.random.Generator, today: dt.date) -> Period:
    months = PERIOD_MONTHS[int(rng.integers(0, len(PERIOD_MONTHS)))]
    start = dt.date(today.year, today.month, 1)
    label = {1: f"{start:%Y-%m}", 3: f"{start.year}Q{(start.month - 1) // 3 + 1}", 12: f"{start.year}"}[months]
    if months == 3:
        start = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    elif months == 12:
        start = dt.date(start.year, 1, 1)
    return Period(start, _add_months(start, months), label)


@attrs.frozen
class HookInputs:
    """One call of ``hook``: every argument but ``params``, and how it was made.

    ``seed`` is None for inputs that were not drawn by :func:`make_inputs` (a slice of them, say).
    """

    hook: str
    kwargs: Mapping[str, Any]
    seed: int | None = None
    n: int = 0
    enterprises: int | None = None

    @property
    def rows_arg(self) -> str:
        """The argument whose rows the result follows (``batch``, ``violations`` ...)."""
        return HOOKS[self.hook].rows

    @property
    def rows(self) -> Columnar:
        return self.kwargs[self.rows_arg]

    def __len__(self) -> int:
        return len(self.rows)

    def describe(self) -> str:
        """``seed=7, n=3, today=2024-02-29`` plus the reproducing call."""
        parts = [f"seed={self.seed}", f"n={self.n}"]
        if self.enterprises is not None:
            parts.append(f"enterprises={self.enterprises}")
        if "kind" in self.kwargs:
            parts.append(f"kind={self.kwargs['kind'].name}")
        if "today" in self.kwargs:
            parts.append(f"today={self.kwargs['today']}")
        if "period" in self.kwargs:
            period = self.kwargs["period"]
            parts.append(f"period={period.label or f'{period.start}..{period.end}'}")
        call = f'make_inputs("{self.hook}", seed={self.seed}, n={self.n}'
        call += f", enterprises={self.enterprises})" if self.enterprises is not None else ")"
        return ", ".join(parts) + f" (rebuild with credsup.testing.{call})"

    def call_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for one call, each batch a fresh writable copy (a hook may not see another
        call's writes)."""
        return {k: v.copy() if isinstance(v, Columnar) else v for k, v in self.kwargs.items()}

    def readonly_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for one call through read-only views, as the kernel passes them."""
        return {k: v.readonly() if isinstance(v, Columnar) else v for k, v in self.kwargs.items()}

    def changes(self, called: Mapping[str, Any]) -> str | None:
        """The first column of a columnar argument that differs between these inputs and ``called``."""
        for key, value in self.kwargs.items():
            if not isinstance(value, Columnar):
                continue
            after = called[key]
            for spec in value.columns():
                a, b = getattr(value, spec.name), getattr(after, spec.name)
                if a.shape != b.shape:
                    return f"{key}.{spec.name} (its shape went from {a.shape} to {b.shape})"
                same = (a == b) | ((a != a) & (b != b)) if spec.dtype.kind in "fM" else a == b
                if not same.all():
                    i = int(np.flatnonzero(~same)[0])
                    return f"{key}.{spec.name} (row {i}: {a[i].item()!r} became {b[i].item()!r})"
        return None

    def row(self, i: int) -> HookInputs:
        """Row ``i`` alone: the ``i``-th enterprise, or the ``i``-th case with its own enterprise as the
        one-row batch (and its tolerance decision, for the sanction hook)."""
        kwargs = dict(self.kwargs)
        if self.rows_arg == "batch":
            kwargs["batch"] = self.kwargs["batch"].take([i])
        else:
            case = self.rows.take([i])
            kwargs["batch"] = self.kwargs["batch"].take(case.enterprise)
            kwargs[self.rows_arg] = attrs.evolve(case, enterprise=np.zeros(1, dtype=case.enterprise.dtype))
            if "decisions" in kwargs:
                kwargs["decisions"] = self.kwargs["decisions"].take([i])
        return HookInputs(self.hook, kwargs)

    def row_text(self, i: int) -> str:
        """Row ``i`` of the inputs, as the namedtuples a per-enterprise rule receives."""
        one = self.row(i).kwargs
        parts = [f"{_ROW_NAMES[k]}={one[k].row(0)}" for k in COLUMNAR_ARGS if k in one and len(one[k])]
        return "; ".join(parts)

    def rule_args(self, i: int, params: Any) -> tuple[Any, ...]:
        """The positional arguments a per-enterprise rule gets for result row ``i`` (see
        :func:`credsup.core.per_enterprise`): each batch replaced by its row, a tolerance decision as a
        :class:`~credsup.core.decisions.ToleranceDecision`."""
        one = self.row(i).kwargs
        args: list[Any] = []
        for name in HOOKS[self.hook].argnames:
            if name == "params":
                args.append(params)
            elif name == "decisions":
                d = one[name]
                args.append(ToleranceDecision(Tolerance(int(d.decision[0])), Reason(int(d.reason[0]))))
            elif name in COLUMNAR_ARGS:
                args.append(one[name].row(0))
            else:
                args.append(one[name])
        return tuple(args)


def make_inputs(hook: str, seed: int, n: int, *, enterprises: int | None = None) -> HookInputs:
    """A valid call of ``hook`` with ``n`` result rows, drawn from ``numpy.random.default_rng(seed)``.

    For hooks on cases (violations, applications, objections), ``enterprises`` is the size of the
    accompanying enterprise batch (by default drawn between 1 and ``n``; 0 cases may come with any
    number of enterprises, 0 included). Raises ``ValueError`` for an unknown hook or impossible sizes.
    """
    if hook not in HOOKS:
        raise ValueError(f"unknown hook {hook!r}; hooks: {', '.join(HOOKS)}")
    if n < 0 or (enterprises is not None and enterprises < 0):
        raise ValueError("sizes must be >= 0")
    contract = HOOKS[hook]
    rng = np.random.default_rng(seed)
    today = FIRST_DAY + dt.timedelta(days=int(rng.integers(0, DAYS)))
    graded = bool(rng.random() < 0.7)
    kwargs: dict[str, Any] = {}
    if contract.rows == "batch":
        kwargs["batch"] = random_batch(rng, n, today, graded=graded)
    else:
        k = enterprises if enterprises is not None else (int(rng.integers(1, n + 1)) if n else 3)
        if n and not k:
            raise ValueError(f"{n} cases need at least one enterprise")
        batch = random_batch(rng, k, today, graded=graded)
        kwargs["batch"] = batch
        kwargs[contract.rows] = _CASES[contract.rows](rng, batch, n, today)
        if "decisions" in contract.argnames:
            kwargs["decisions"] = random_decisions(rng, n)
    if "kind" in contract.argnames:
        kwargs["kind"] = CommitmentKind(int(rng.integers(0, len(CommitmentKind))))
    if "period" in contract.argnames:
        kwargs["period"] = _period(rng, today)
    if "today" in contract.argnames:
        kwargs["today"] = today
    ordered = {name: kwargs[name] for name in contract.argnames if name in kwargs}
    return HookInputs(
        hook,
        ordered,
        seed=seed,
        n=n,
        enterprises=enterprises if contract.rows != "batch" and enterprises is not None else None,
    )
