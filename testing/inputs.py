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

from credsup.core.columns import Columnar
from credsup.core.contracts import HOOKS
from credsup.core.declare import ARGUMENTS, PERIOD_MONTHS, DrawContext
from credsup.core.samples import random_batch

#: Dates are drawn from this decade, so date rules meet leap years and month ends.
FIRST_DAY = dt.date(2020, 1, 1)
DAYS = 3653

__all__ = ["DAYS", "FIRST_DAY", "PERIOD_MONTHS", "HookInputs", "make_inputs"]


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
        one-row batch (and the rows that go with it, such as its tolerance decision)."""
        contract = HOOKS[self.hook]
        kwargs = dict(self.kwargs)
        if contract.rows != "batch":
            case: Any = self.rows.take([i])
            kwargs["batch"] = self.kwargs["batch"].take(case.enterprise)
            kwargs[self.rows_arg] = attrs.evolve(case, enterprise=np.zeros(1, dtype=case.enterprise.dtype))
        for arg in contract.arguments:
            if arg.name == "batch" and contract.rows == "batch" or arg.role == "aligned":
                kwargs[arg.name] = self.kwargs[arg.name].take([i])
        return HookInputs(self.hook, kwargs)

    def row_text(self, i: int) -> str:
        """Row ``i`` of the inputs, as the namedtuples a per-enterprise rule receives."""
        one = self.row(i).kwargs
        parts = [f"{ARGUMENTS[k].row_name}={v.row(0)}" for k, v in one.items() if isinstance(v, Columnar) and len(v)]
        return "; ".join(parts)

    def rule_args(self, i: int, params: Any) -> tuple[Any, ...]:
        """The positional arguments a per-enterprise rule gets for result row ``i`` (see
        :func:`credsup.core.per_enterprise`): each batch replaced by its row (a tolerance decision as a
        :class:`~credsup.core.decisions.ToleranceDecision`)."""
        one = self.row(i).kwargs
        args: list[Any] = []
        for arg in HOOKS[self.hook].arguments:
            if arg.role == "params":
                args.append(params)
            elif arg.columnar:
                row = one[arg.name].row(0)
                args.append(arg.row_value(row) if arg.row_value is not None else row)
            else:
                args.append(one[arg.name])
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
    drawn: dict[str, Any] = {}
    ctx = DrawContext(rng, today, n, drawn)
    if contract.rows == "batch":
        drawn["batch"] = random_batch(rng, n, today, graded=graded)
    else:
        k = enterprises if enterprises is not None else (int(rng.integers(1, n + 1)) if n else 3)
        if n and not k:
            raise ValueError(f"{n} cases need at least one enterprise")
        drawn["batch"] = random_batch(rng, k, today, graded=graded)
    # the batches first (cases refer to the enterprises, aligned rows to the cases), then plain values,
    # each in the order of the hook's arguments
    order = sorted(
        (a for a in contract.arguments if a.role not in ("enterprises", "params")),
        key=lambda a: {"cases": 0, "aligned": 1}.get(a.role, 2),
    )
    for arg in order:
        if arg.draw is None:
            raise ValueError(f"argument {arg.name!r} of {hook} has no way to draw a value (credsup.core.declare)")
        drawn[arg.name] = arg.draw(ctx)
    ordered = {name: drawn[name] for name in contract.argnames if name in drawn}
    return HookInputs(
        hook,
        ordered,
        seed=seed,
        n=n,
        enterprises=enterprises if contract.rows != "batch" and enterprises is not None else None,
    )
