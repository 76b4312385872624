"""Write a rule for one enterprise (or one violation, application, objection) and use it as a batch hook.

    from credsup.core import DEFER, Grade, hookimpl, per_enterprise

    @hookimpl
    @per_enterprise
    def credsup_grade(enterprise, params, today):
        if enterprise.sector_name == "platform_economy":
            return DEFER  # this row is decided by the layer below (the jurisdiction this one builds on)
        return Grade.D if enterprise.listed else Grade.B

The rule takes the hook's arguments with each batch replaced by one row (a namedtuple of plain Python
values: ``enterprise.grade``, ``enterprise.sector_name``, ``violation.severity`` ...; a tolerance decision
as a :class:`~credsup.core.decisions.ToleranceDecision`) and returns one answer of the hook's one-row type
(``docs/hooks.md``): a ``bool``; a number; an integer such as a :class:`~credsup.core.enums.Grade`; or a
decision value (:class:`~credsup.core.decisions.ToleranceDecision` ...). Nothing is coerced: ``None``,
``"no"``, ``2.7`` for a grade or ``259`` for an ``int8`` column is refused with the plugin, the hook and
the row. :data:`DEFER` leaves the row to the layer below; the kernel asks it for those rows only.

The adapter loops over the rows, so it is slow (microseconds per row); it is meant for prototypes and as
the reference a batch version is checked against. The row arguments of every hook follow from its
declaration (:mod:`credsup.core.declare`); nothing here is written per hook.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from credsup.core.columns import Columnar, ColumnSpec
from credsup.core.contracts import HOOKS
from credsup.core.declare import HookContract


class _Defer:
    """The type of :data:`DEFER` (one instance)."""

    _instance: _Defer | None = None

    def __new__(cls) -> _Defer:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFER"

    def __reduce__(self) -> str:
        return "DEFER"


#: What a one-row rule returns to leave its row to the layer below (the jurisdiction its own builds on).
DEFER = _Defer()


class RuleAnswerError(Exception):
    """A one-row rule's answer breaks the hook's one-row contract; the kernel names the plugin."""

    def __init__(self, hook: str, row: int, message: str):
        self.hook = hook
        self.row = row
        self.message = message
        super().__init__(f"row {row}: {message}")

    def moved(self, rows: np.ndarray) -> RuleAnswerError:
        """The same error with its row number in the caller's batch (``rows`` maps sub-batch rows)."""
        return RuleAnswerError(self.hook, int(rows[self.row]), self.message)


@attrs.frozen
class PartialAnswer:
    """An answer for some rows only; the kernel asks the layers below for the others.

    ``answered`` are the row positions answered (ascending), ``values`` their answers (an array or a
    decisions batch of ``len(answered)`` rows), ``n`` the number of rows of the call. A batch hook may
    return one too; ``@per_enterprise`` makes one when a rule returns :data:`DEFER` for some rows.
    """

    answered: np.ndarray
    values: Any
    n: int

    @property
    def deferred(self) -> np.ndarray:
        """Row positions left to the layers below."""
        mask = np.ones(self.n, dtype=bool)
        mask[self.answered] = False
        return np.flatnonzero(mask)

    def merged(self, contract: HookContract, rest: Any) -> Any:
        """The whole answer: these rows' values and ``rest`` (the answers for :attr:`deferred`, in order)."""
        deferred = self.deferred
        if isinstance(contract.result, ColumnSpec):
            out = np.empty(self.n, dtype=contract.result.dtype)
            out[self.answered] = np.asarray(self.values)
            out[deferred] = contract.coerce(rest)
            return out
        cls: type[Columnar] = contract.result
        stacked = cls.concat([self.values, rest])
        order = np.argsort(np.concatenate([self.answered, deferred]), kind="stable")
        return stacked.take(order)


def _type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def check_answer(contract: HookContract, row: int, answer: Any) -> Any:
    """``answer`` as the value the result column stores, or :class:`RuleAnswerError` (no coercion)."""
    if isinstance(contract.result, ColumnSpec):
        spec = contract.result
        kind = spec.dtype.kind
        if kind == "b":
            if isinstance(answer, (bool, np.bool_)):
                return bool(answer)
            raise RuleAnswerError(contract.name, row, f"returned {answer!r} ({_type_name(answer)}), expected a bool")
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
            raise RuleAnswerError(
                contract.name, row, f"returned {answer!r} ({_type_name(answer)}), expected {_wanted(spec)}"
            )
        if kind in "iu":
            if not isinstance(answer, numbers.Integral):
                raise RuleAnswerError(
                    contract.name, row, f"returned {answer!r} ({_type_name(answer)}), expected {_wanted(spec)}"
                )
            value = int(answer)
            info = np.iinfo(spec.dtype)
            lo = max(info.min, spec.lo) if spec.lo is not None else info.min
            hi = min(info.max, spec.hi) if spec.hi is not None else info.max
            if not lo <= value <= hi:
                raise RuleAnswerError(contract.name, row, f"returned {value}, outside [{lo:g}, {hi:g}] ({spec.doc})")
            return value
        return float(answer)
    cls = contract.row_result
    if not isinstance(answer, cls):
        raise RuleAnswerError(
            contract.name, row, f"returned {answer!r} ({_type_name(answer)}), expected a {cls.__name__}"
        )
    return answer


def _wanted(spec: ColumnSpec) -> str:
    if spec.dtype.kind in "iu":
        return f"an integer ({spec.doc})"
    return f"a number ({spec.doc})"


def _stack(contract: HookContract, answers: Sequence[Any], rows: Sequence[int]) -> Any:
    if isinstance(contract.result, ColumnSpec):
        return np.asarray(answers, dtype=contract.result.dtype) if answers else contract.result.filled(0)
    cls: type[Columnar] = contract.result
    try:
        return cls.from_rows(answers)
    except (ValueError, TypeError):
        for row, answer in zip(rows, answers):  # the first row that does not fit the schema, by itself
            try:
                cls.from_rows([answer])
            except (ValueError, TypeError) as exc:
                raise RuleAnswerError(contract.name, row, f"returned {answer!r}: {exc}") from None
        raise


def row_arguments(contract: HookContract, args: Sequence[Any]) -> Callable[[], Any]:
    """An iterator factory over the one-row argument tuples of a call with positional ``args``."""
    by_name = dict(zip(contract.argnames, args))
    rows_arg = contract.rows
    columns: list[Any] = []
    for arg in contract.arguments:
        value = by_name[arg.name]
        if arg.role == "enterprises" and rows_arg != arg.name:
            # a case hook: each case's own enterprise, in case order
            columns.append(list(value.take(by_name[rows_arg].enterprise).rows()))
        elif arg.columnar:
            rows = value.rows()
            columns.append([arg.row_value(r) for r in rows] if arg.row_value is not None else list(rows))
        else:
            columns.append(None)
    n = len(by_name[rows_arg])

    def each() -> Any:
        for i in range(n):
            yield tuple(col[i] if col is not None else by_name[name] for col, name in zip(columns, contract.argnames))

    return each


def per_enterprise(rule: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a one-row rule named after a hook into a batch hook implementation with the hook's signature.

    Stack ``@hookimpl`` on top (pluggy reads the hook specification's argument names through the
    wrapper's ``__wrapped__``). Raises ``TypeError`` at import time when the rule is not named after a
    hook. Each answer is checked against the hook's one-row type (:func:`check_answer`); rows answered
    :data:`DEFER` are left to the layer below.
    """
    name = rule.__name__
    if name not in HOOKS:
        raise TypeError(
            f"@per_enterprise: {name!r} is not a credsup hook; name the rule after one of {', '.join(HOOKS)}"
        )
    contract = HOOKS[name]

    def wrapper(*args: Any) -> Any:
        answered: list[int] = []
        values: list[Any] = []
        for i, row_args in enumerate(row_arguments(contract, args)()):
            answer = rule(*row_args)
            if answer is DEFER:
                continue
            values.append(check_answer(contract, i, answer))
            answered.append(i)
        n = len(dict(zip(contract.argnames, args))[contract.rows])
        if len(answered) == n:
            return _stack(contract, values, answered)
        if not answered:
            return None  # every row deferred: the layer below answers the whole call
        return PartialAnswer(np.asarray(answered, dtype=np.intp), _stack(contract, values, answered), n)

    functools.update_wrapper(wrapper, rule)
    # pluggy takes an implementation's argument names from the innermost __wrapped__: the specification's
    wrapper.__wrapped__ = contract.spec  # type: ignore[attr-defined]
    wrapper.per_enterprise_rule = rule  # type: ignore[attr-defined]
    return wrapper


__all__ = ["DEFER", "PartialAnswer", "RuleAnswerError", "check_answer", "per_enterprise", "row_arguments"]
