"""How a hook is declared: once, in ``credsup.core.hookspecs``, with :func:`hook`.

A hook is one function: its signature (argument names from :data:`ARGUMENTS`), its docstring (the
contract in words) and the :func:`hook` decorator (its family and the result the kernel checks). Everything
else the kernel knows about a hook is derived from that one declaration:

* which argument's rows the result follows (the case argument, else the enterprise batch);
* how the per-enterprise adapter turns a batch into rows and stacks the answers (:mod:`credsup.core.adapter`);
* the typed method of :class:`~credsup.core.Jurisdiction` (``j.grade(batch, today)``);
* the date whose parameters are in force for a call (``today``, or the start of ``period``);
* the reference page (``docs/hooks.md``) and the conformance inputs (``credsup.testing.make_inputs``).

Adding a hook is writing its declaration in ``hookspecs.py`` and the national plugin's implementation.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs
import numpy as np
import pluggy

from credsup.core.columns import Columnar, ColumnProblem, ColumnSpec
from credsup.core.errors import HookResultError
from credsup.core.months import add_months

if TYPE_CHECKING:
    from credsup.core.batch import Period

PROJECT = "credsup"
hookspec = pluggy.HookspecMarker(PROJECT)
#: attribute a :func:`hook` declaration leaves on its function
DECLARATION_ATTR = "credsup_declaration"

Role = Literal["enterprises", "cases", "aligned", "value", "params"]
F = TypeVar("F", bound=Callable[..., Any])


@attrs.frozen
class DrawContext:
    """What the conformance inputs of one call are drawn from (see ``credsup.testing.make_inputs``)."""

    rng: np.random.Generator
    today: dt.date
    #: rows of the result
    n: int
    #: arguments drawn so far (the enterprise batch before the cases that refer to it)
    drawn: dict[str, Any]


@attrs.frozen
class Argument:
    """What one argument name means to the kernel, wherever it appears in a hook's signature.

    ``role``: ``enterprises`` (the :class:`EnterpriseBatch`), ``cases`` (a batch of cases, each row
    naming an enterprise row), ``aligned`` (a batch with one row per case, such as the tolerance decisions
    a sanction follows), ``value`` (a plain value: a date, a period, a commitment kind) or ``params``
    (the jurisdiction's parameters, passed by the kernel).
    """

    name: str
    role: Role
    doc: str
    #: the name a one-row rule (``@per_enterprise``) gives this argument's row
    row_name: str = ""
    #: the Columnar class of a batch argument
    batch_type: Any = None
    #: the date whose parameters are in force for the call (``today``; a period's start)
    date_of: Callable[[Any], dt.date] | None = None
    #: turns what a caller passes into the argument (``CommitmentKind(2)``)
    coerce: Callable[[Any], Any] | None = None
    #: turns one row of a batch argument into what a one-row rule receives (a decision value)
    row_value: Callable[[Any], Any] | None = None
    #: draws a valid value for the conformance checks
    draw: Callable[[DrawContext], Any] | None = None

    @property
    def columnar(self) -> bool:
        return self.role in ("enterprises", "cases", "aligned")


def _today(ctx: DrawContext) -> dt.date:
    return ctx.today


def _period_start(period: Period) -> dt.date:
    return period.start


def _draw_kind(ctx: DrawContext) -> Any:
    from credsup.core.enums import CommitmentKind

    return CommitmentKind(int(ctx.rng.integers(0, len(CommitmentKind))))


#: Lengths of the periods the conformance inputs draw (a month, a quarter, a year).
PERIOD_MONTHS = (1, 3, 12)


def _draw_period(ctx: DrawContext) -> Any:
    from credsup.core.batch import Period

    months = PERIOD_MONTHS[int(ctx.rng.integers(0, len(PERIOD_MONTHS)))]
    start = dt.date(ctx.today.year, ctx.today.month, 1)
    label = {1: f"{start:%Y-%m}", 3: f"{start.year}Q{(start.month - 1) // 3 + 1}", 12: f"{start.year}"}[months]
    if months == 3:
        start = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    elif months == 12:
        start = dt.date(start.year, 1, 1)
    return Period(start, add_months(start, months), label)


def _coerce_kind(value: Any) -> Any:
    from credsup.core.enums import CommitmentKind

    return CommitmentKind(value)


def _tolerance_decision(row: Any) -> Any:
    from credsup.core.decisions import ToleranceDecision
    from credsup.core.enums import Reason, Tolerance

    return ToleranceDecision(Tolerance(row.decision), Reason(row.reason))


def _draw_cases(kind: str) -> Callable[[DrawContext], Any]:
    def draw(ctx: DrawContext) -> Any:
        from credsup.core import samples

        make = {
            "violations": samples.random_violations,
            "applications": samples.random_applications,
            "objections": samples.random_objections,
        }[kind]
        return make(ctx.rng, ctx.drawn["batch"], ctx.n, ctx.today)

    return draw


def _draw_decisions(ctx: DrawContext) -> Any:
    from credsup.core.samples import random_decisions

    return random_decisions(ctx.rng, ctx.n)


def _arguments() -> dict[str, Argument]:
    from credsup.core.batch import EnterpriseBatch
    from credsup.core.cases import ObjectionBatch, RepairApplications, ViolationBatch
    from credsup.core.decisions import ToleranceDecisions

    args = [
        Argument(
            "batch", "enterprises", "the enterprises (attributes and record summary)", "enterprise", EnterpriseBatch
        ),
        Argument(
            "violations", "cases", "detected violations", "violation", ViolationBatch, draw=_draw_cases("violations")
        ),
        Argument(
            "applications",
            "cases",
            "credit-repair applications",
            "application",
            RepairApplications,
            draw=_draw_cases("applications"),
        ),  # fmt: skip
        Argument("objections", "cases", "objections", "objection", ObjectionBatch, draw=_draw_cases("objections")),
        Argument(
            "decisions",
            "aligned",
            "the tolerance decisions of the same violations",
            "decision",
            ToleranceDecisions,
            row_value=_tolerance_decision,
            draw=_draw_decisions,
        ),  # fmt: skip
        Argument("kind", "value", "the kind of commitment", coerce=_coerce_kind, draw=_draw_kind),
        Argument("today", "value", "the date of the decision", date_of=lambda d: d, draw=_today),
        Argument("period", "value", "the planning or simulation period", date_of=_period_start, draw=_draw_period),
        Argument("params", "params", "the jurisdiction's parameters in force on the call's date"),
    ]
    return {a.name: a for a in args}


#: Every argument name a hook may take, and what it means. A new kind of argument is declared here.
ARGUMENTS: dict[str, Argument] = _arguments()


def _kind_of(dtype: np.dtype) -> type:
    return {"b": bool, "i": int, "u": int, "f": float}.get(dtype.kind, object)


@attrs.frozen
class HookContract:
    """What the kernel knows about one hook, derived from its declaration (see the module docstring)."""

    name: str
    family: str
    #: a ColumnSpec for array results, or the Columnar class of a decisions result
    result: ColumnSpec | type[Columnar]
    spec: Any = attrs.field(repr=False, eq=False)
    #: the specification's argument names, in order (read once: every call of the hook needs them)
    argnames: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    arguments: tuple[Argument, ...] = attrs.field(init=False, eq=False, repr=False)
    #: the argument whose rows the result follows: the case argument, else the enterprise batch
    rows: str = attrs.field(init=False, eq=False, repr=False)
    #: the argument that dates a call (its parameters are those in force then), if any
    date_argument: Argument | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        names = tuple(inspect.signature(self.spec).parameters)
        args = tuple(ARGUMENTS[a] for a in names)
        cases = [a.name for a in args if a.role == "cases"]
        rows = cases[0] if cases else next(a.name for a in args if a.role == "enterprises")
        object.__setattr__(self, "argnames", names)
        object.__setattr__(self, "arguments", args)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "date_argument", next((a for a in args if a.date_of is not None), None))

    @property
    def row_result(self) -> type:
        """What a one-row rule returns: ``bool``, ``int``, ``float`` or a decision value class."""
        if isinstance(self.result, ColumnSpec):
            return _kind_of(self.result.dtype)
        return self.result.row_class  # type: ignore[attr-defined]

    @property
    def method(self) -> str:
        """The name of the typed method of a Jurisdiction (``credsup_grade`` -> ``grade``)."""
        return self.name.removeprefix(f"{PROJECT}_")

    @property
    def summary(self) -> str:
        return (inspect.getdoc(self.spec) or "").split("\n", 1)[0]

    @property
    def result_text(self) -> str:
        if isinstance(self.result, ColumnSpec):
            rng = f" in {self.result.range_text}" if self.result.range_text else ""
            return f"{self.result.dtype}[n]{rng}"
        return f"{self.result.__name__} of n rows"

    def facade_signature(self) -> inspect.Signature:
        """The hook's signature without ``params`` (the kernel passes the parameters)."""
        sig = inspect.signature(self.spec)
        return sig.replace(parameters=[p for n, p in sig.parameters.items() if ARGUMENTS[n].role != "params"])

    def diagnose(self, result: Any, n: int) -> ColumnProblem | None:
        """The first thing wrong with a hook's result for ``n`` rows (its kind and message), or None."""
        if isinstance(self.result, ColumnSpec):
            spec = self.result
            if not isinstance(result, np.ndarray):
                return ColumnProblem(
                    "type", f"returned {type(result).__name__}, expected a numpy array of {spec.dtype} with {n} rows"
                )
            problems = spec.diagnose(result, n)
            return ColumnProblem(problems[0].kind, _explain(problems[0].message, spec)) if problems else None
        cls = self.result
        if not isinstance(result, cls):
            return ColumnProblem("type", f"returned {type(result).__name__}, expected {cls.__name__} with {n} rows")
        if len(result) != n:
            return ColumnProblem("shape", f"returned {len(result)} rows, expected {n}")
        problems = result.diagnose()
        return ColumnProblem(problems[0].kind, f"{cls.__name__}.{problems[0].message}") if problems else None

    def coerce(self, result: Any) -> Any:
        """A valid result cast to the contract's dtype (arrays; decisions batches are returned as they are)."""
        return self.result.coerce(result) if isinstance(self.result, ColumnSpec) else result

    def validate(self, result: Any, n: int, plugin: str) -> Any:
        """Check a hook's result; return it coerced to the contract's dtypes or raise HookResultError."""
        problem = self.diagnose(result, n)
        if problem is not None:
            raise HookResultError(plugin, self.name, problem.message)
        return self.coerce(result)


def _explain(problem: str, spec: ColumnSpec) -> str:
    """Turn a column problem into hook language (``grade: value 4 ...`` -> ``grade 4 at row ...``)."""
    if spec.name == "grade" and "outside" in problem:
        return problem.replace("grade: value", "grade") + " (grades are Grade codes A=0 .. D=3)"
    return problem


def result_column(name: str, dtype: str, doc: str, lo: float | None = None, hi: float | None = None) -> ColumnSpec:
    """The result of a hook that answers with one array (one value per row)."""
    return ColumnSpec(name=name, dtype=np.dtype(dtype), doc=doc, lo=lo, hi=hi)


def hook(*, family: str, result: ColumnSpec | type[Columnar]) -> Callable[[F], F]:
    """Declare a hook: a pluggy ``firstresult`` specification plus its contract.

    ``family`` groups hooks in the reference; ``result`` is what a valid answer is (a
    :func:`result_column`, or the Columnar class of a decisions batch whose ``row_class`` is what a
    one-row rule returns). Every argument name must be one of :data:`ARGUMENTS`, and exactly one
    argument is the enterprise batch. Raises ``TypeError`` at import for a malformed declaration.
    """

    def declare(fn: F) -> F:
        names = list(inspect.signature(fn).parameters)
        unknown = [n for n in names if n not in ARGUMENTS]
        if unknown:
            raise TypeError(f"hook {fn.__name__}: unknown argument(s) {unknown}; arguments: {', '.join(ARGUMENTS)}")
        if sum(ARGUMENTS[n].role == "enterprises" for n in names) != 1:
            raise TypeError(f"hook {fn.__name__}: takes the enterprise batch (`batch`) exactly once")
        if not isinstance(result, ColumnSpec) and not hasattr(result, "row_class"):
            raise TypeError(f"hook {fn.__name__}: result {result!r} is neither a result_column nor a decisions batch")
        setattr(fn, DECLARATION_ATTR, {"family": family, "result": result})
        return hookspec(firstresult=True)(fn)

    return declare


def contract_of(fn: Any) -> HookContract | None:
    """The contract a :func:`hook` declaration put on ``fn`` (None for anything else)."""
    declared = getattr(fn, DECLARATION_ATTR, None)
    if declared is None:
        return None
    return HookContract(fn.__name__, declared["family"], declared["result"], fn)


__all__ = [
    "ARGUMENTS",
    "Argument",
    "DrawContext",
    "HookContract",
    "contract_of",
    "hook",
    "hookspec",
    "result_column",
]
