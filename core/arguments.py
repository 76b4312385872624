"""Clear errors for the Python API that plugin tests use: a call of a hook with arguments of the wrong
kind or shape, and ``load_jurisdiction(overrides=...)`` in the wrong form, fail with one line that names
the hook (or ``overrides``), the argument, what was expected and how to make it, before any plugin runs.

Checked, for :meth:`credsup.core.Jurisdiction.call` and the typed methods (``j.grade(batch, today)``):

* the hook exists (``credsup_grades``: did you mean ``credsup_grade``?) and the arguments are exactly
  its own (``params`` is the kernel's);
* a batch argument is the declared Columnar class (an :class:`~credsup.core.EnterpriseBatch` for
  ``batch``, a :class:`~credsup.core.cases.ViolationBatch` for ``violations`` ...);
* a case batch's ``enterprise`` column points at rows of the enterprise batch; an aligned batch (the
  ``decisions`` a sanction follows) has one row per case;
* ``today`` is a :class:`datetime.date` (not a ``datetime``, a string or a numpy date), ``period`` a
  :class:`~credsup.core.Period` (``Period.parse("2027Q1")``).

Wrong types raise :class:`TypeError`, wrong values or shapes :class:`ValueError`; both are programming
errors of the caller (the CLI never passes such arguments).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from credsup.core.contracts import HOOKS, HookContract
from credsup.core.declare import ARGUMENTS

_HOW = {
    "batch": "EnterpriseBatch.build(n, grade=..., ...) or credsup.core.samples.random_batch(rng, n)",
    "violations": "ViolationBatch.build(...)",
    "applications": "RepairApplications.build(...)",
    "objections": "ObjectionBatch.build(...)",
    "decisions": "ToleranceDecisions.build(...), or the answer of credsup_tolerance",
}


def _what(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def contract_of(hook: str) -> HookContract:
    """The contract of ``hook``, or a ``ValueError`` naming the closest hook."""
    contract = HOOKS.get(hook)
    if contract is None:
        close = difflib.get_close_matches(str(hook), list(HOOKS), n=1)
        hint = f" (did you mean {close[0]}?)" if close else f"; hooks: {', '.join(HOOKS)}"
        raise ValueError(f"unknown hook {hook!r}{hint}")
    return contract


@attrs.frozen
class _CallPlan:
    """What :func:`check_call` checks for one hook, read once from its contract (every call needs it)."""

    contract: HookContract
    #: the arguments a caller passes (all but ``params``), in the specification's order
    wanted: tuple[str, ...]
    #: (argument, the Columnar class it must be, or None for ``today`` and ``period``), in order
    typed: tuple[tuple[str, type | None], ...]
    #: the case arguments, whose ``enterprise`` column names rows of ``batch``
    cases: tuple[str, ...]
    #: the arguments with one row per case of ``cases[0]``
    aligned: tuple[str, ...]

    @classmethod
    def of(cls, contract: HookContract) -> _CallPlan:
        wanted = tuple(a for a in contract.argnames if ARGUMENTS[a].role != "params")
        return cls(
            contract,
            wanted,
            tuple(
                (a, ARGUMENTS[a].batch_type)
                for a in wanted
                if ARGUMENTS[a].batch_type is not None or a in ("today", "period")
            ),
            tuple(a for a in wanted if ARGUMENTS[a].role == "cases"),
            tuple(a for a in wanted if ARGUMENTS[a].role == "aligned"),
        )


_PLANS: dict[str, _CallPlan] = {}


def _plan(contract: HookContract) -> _CallPlan:
    plan = _PLANS.get(contract.name)
    if plan is None or plan.contract is not contract:  # a hook declared again (extra hooks) is read again
        plan = _PLANS[contract.name] = _CallPlan.of(contract)
    return plan


def check_call(contract: HookContract, kwargs: Mapping[str, Any]) -> None:
    """Raise ``TypeError`` / ``ValueError`` when ``kwargs`` are not a valid call of ``contract``'s hook
    (``params`` excluded: the kernel passes it)."""
    hook = contract.name
    plan = _plan(contract)
    wanted = plan.wanted
    if len(kwargs) != len(wanted) or not all(a in kwargs for a in wanted):
        missing = [a for a in wanted if a not in kwargs]
        unknown = [a for a in kwargs if a not in wanted]
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"unexpected {', '.join(unknown)}")
        raise TypeError(f"{hook}: {'; '.join(parts)} (its arguments: {', '.join(wanted)})")
    for name, batch_type in plan.typed:
        value = kwargs[name]
        if batch_type is not None and not isinstance(value, batch_type):
            raise TypeError(
                f"{hook}: {name}: expected {batch_type.__name__} ({_HOW.get(name, 'its build(...)')}), "
                f"got {_what(value)}"
            )
        if name == "today" and (type(value) is not dt.date):
            raise TypeError(f"{hook}: today: expected a datetime.date such as dt.date(2027, 1, 1), got {_what(value)}")
        if name == "period":
            from credsup.core.batch import Period

            if not isinstance(value, Period):
                raise TypeError(f'{hook}: period: expected a Period (Period.parse("2027Q1")), got {_what(value)}')
    if not plan.cases:
        return
    rows = len(kwargs["batch"]) if "batch" in kwargs else None
    for name in plan.cases:
        value = kwargs[name]
        if rows is not None and len(value):
            ent = value.enterprise
            if ent.min() < 0 or ent.max() >= rows:
                bad = int(np.flatnonzero((ent < 0) | (ent >= rows))[0])
                raise ValueError(
                    f"{hook}: {name}: row {bad} names enterprise row {int(ent[bad])}, but the batch has {rows} "
                    "rows (enterprise is a row of the batch passed with it, 0-based)"
                )
    first = plan.cases[0]
    for name in plan.aligned:
        if len(kwargs[name]) != len(kwargs[first]):
            raise ValueError(
                f"{hook}: {name}: {len(kwargs[name])} rows for {len(kwargs[first])} {first} "
                "(one row per case, in the same order)"
            )


def override_pairs(overrides: Any) -> list[tuple[str, Any]]:
    """``overrides`` as ``(key.path, value)`` pairs: a sequence of pairs or a mapping; anything else (a
    ``--set`` string, a lone pair) is a ``TypeError`` that says what to pass."""
    example = 'overrides=[("grading.cuts.A", 1.0)] or {"grading.cuts.A": 1.0}'
    if isinstance(overrides, Mapping):
        return list(overrides.items())
    if isinstance(overrides, (str, bytes)) or not isinstance(overrides, Sequence):
        raise TypeError(f"overrides: expected (key, value) pairs, {example}; got {_what(overrides)}")
    if len(overrides) == 2 and isinstance(overrides[0], str) and not isinstance(overrides[1], (list, tuple)):
        raise TypeError(f"overrides: {_what(overrides)} is one pair; pass a list of pairs, {example}")
    pairs = []
    for i, item in enumerate(overrides):
        if isinstance(item, str) and "=" in item:
            raise TypeError(
                f"overrides[{i}]: {item!r} is a --set string; pass the pair ({item.split('=', 1)[0]!r}, value): "
                f"{example}"
            )
        if not (isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2):
            raise TypeError(f"overrides[{i}]: expected a (key, value) pair, {example}; got {_what(item)}")
        key, value = item
        if not isinstance(key, str):
            raise TypeError(
                f"overrides[{i}]: the key is a dotted path string such as 'grading.cuts.A', got {_what(key)}"
            )
        pairs.append((key, value))
    return pairs


__all__ = ["check_call", "contract_of", "override_pairs"]
