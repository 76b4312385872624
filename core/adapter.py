"""Write a rule for one enterprise (or one violation, application, objection) and use it as a batch hook.

    from credsup import hookimpl, per_enterprise
    from credsup.core import Grade

    @hookimpl
    @per_enterprise
    def credsup_grade(enterprise, params, today):
        return Grade.D if enterprise.listed else Grade.B

The rule takes the hook's arguments with each batch replaced by one row (a namedtuple of plain Python
values: ``enterprise.grade``, ``enterprise.sector_name``, ``violation.severity`` ...) and returns one
answer: a ``bool``, a number, a :class:`~credsup.core.enums.Grade`, or a decision value
(:class:`~credsup.core.decisions.ToleranceDecision` ...). The adapter loops over the rows, so it is slow
(microseconds per row); it is meant for prototypes and as the reference a batch version is checked against.

Row arguments by hook: enterprise hooks ``(enterprise, ...)``; ``credsup_tolerance(violation,
enterprise, params, today)``; ``credsup_sanction(violation, decision, enterprise, params, today)``;
``credsup_repair(application, enterprise, params, today)``; ``credsup_objection(objection, enterprise,
params, today)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from credsup.core.columns import Columnar, ColumnSpec
from credsup.core.contracts import HOOKS, HookContract
from credsup.core.decisions import ToleranceDecision
from credsup.core.enums import Reason, Tolerance


def _stack(contract: HookContract, answers: list[Any]) -> Any:
    if isinstance(contract.result, ColumnSpec):
        if not answers:
            return np.zeros(0, dtype=contract.result.dtype)
        return (
            np.asarray([contract.row_result(a) for a in answers]).astype(contract.result.dtype, copy=False)
            if contract.result.dtype.kind != "b"
            else np.asarray([bool(a) for a in answers], dtype=bool)
        )
    result_cls: type[Columnar] = contract.result
    return result_cls.from_rows(answers)


def _enterprise_rows(batch: Any, index: np.ndarray) -> list[Any]:
    return list(batch.take(index).rows())


def per_enterprise(rule: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a one-row rule named after a hook into a batch hook implementation with the hook's signature.

    The wrapper's argument names are exactly the hook specification's (pluggy matches by name), so
    stack ``@hookimpl`` on top. Raises ``TypeError`` at import time when the rule is not named after a hook.
    """
    name = rule.__name__
    if name not in HOOKS:
        raise TypeError(
            f"@per_enterprise: {name!r} is not a credsup hook; name the rule after one of {', '.join(HOOKS)}"
        )
    contract = HOOKS[name]
    argnames = contract.argnames

    def answers_for_batch(batch: Any, rest: tuple[Any, ...]) -> Any:
        return _stack(contract, [rule(row, *rest) for row in batch.rows()])

    def answers_for_cases(cases: Any, batch: Any, rest: tuple[Any, ...], decisions: Any = None) -> Any:
        ent_rows = _enterprise_rows(batch, cases.enterprise)
        case_rows = list(cases.rows())
        if decisions is None:
            out = [rule(c, e, *rest) for c, e in zip(case_rows, ent_rows)]
        else:
            decided = [ToleranceDecision(Tolerance(d.decision), Reason(d.reason)) for d in decisions.rows()]
            out = [rule(c, d, e, *rest) for c, d, e in zip(case_rows, decided, ent_rows)]
        return _stack(contract, out)

    # pluggy reads the wrapper's own parameter names (it does not follow __signature__), so each
    # signature shape gets its own literal wrapper.
    wrapper: Callable[..., Any]
    if argnames == ("batch", "params", "today"):

        def wrapper(batch, params, today):  # type: ignore[no-untyped-def]
            return answers_for_batch(batch, (params, today))
    elif argnames == ("batch", "kind", "params", "today"):

        def wrapper(batch, kind, params, today):  # type: ignore[no-untyped-def]
            return answers_for_batch(batch, (kind, params, today))
    elif argnames == ("batch", "params", "period"):

        def wrapper(batch, params, period):  # type: ignore[no-untyped-def]
            return answers_for_batch(batch, (params, period))
    elif argnames == ("violations", "batch", "params", "today"):

        def wrapper(violations, batch, params, today):  # type: ignore[no-untyped-def]
            return answers_for_cases(violations, batch, (params, today))
    elif argnames == ("violations", "decisions", "batch", "params", "today"):

        def wrapper(violations, decisions, batch, params, today):  # type: ignore[no-untyped-def]
            return answers_for_cases(violations, batch, (params, today), decisions)
    elif argnames == ("applications", "batch", "params", "today"):

        def wrapper(applications, batch, params, today):  # type: ignore[no-untyped-def]
            return answers_for_cases(applications, batch, (params, today))
    elif argnames == ("objections", "batch", "params", "today"):

        def wrapper(objections, batch, params, today):  # type: ignore[no-untyped-def]
            return answers_for_cases(objections, batch, (params, today))
    else:  # pragma: no cover - a new hook shape must be added here; tests cover every hook
        raise TypeError(f"@per_enterprise does not know the shape of {name}{argnames}")

    wrapper.__name__ = name
    wrapper.__qualname__ = name
    wrapper.__doc__ = rule.__doc__
    wrapper.__module__ = rule.__module__
    wrapper.per_enterprise_rule = rule  # type: ignore[attr-defined]
    return wrapper
