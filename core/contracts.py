"""Machine-readable hook contracts: family, which rows a result follows, and what a valid result is.

The hookspec docstrings (``credsup.core.hookspecs``) say the contract in words; this table says it in
code, and is used to validate every result the kernel receives, to adapt per-enterprise rules, to run
the conformance checks and to generate the hook reference.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from credsup.core import hookspecs
from credsup.core.columns import Columnar, ColumnProblem, ColumnSpec
from credsup.core.decisions import (
    ObjectionDecision,
    ObjectionDecisions,
    RepairDecision,
    RepairDecisions,
    Sanction,
    Sanctions,
    ToleranceDecision,
    ToleranceDecisions,
)
from credsup.core.errors import HookResultError

FAMILIES: tuple[str, ...] = (
    "commitment",
    "grading",
    "inspection frequency",
    "social supervision",
    "tolerance",
    "sanction",
    "repair",
)


def _array(name: str, dtype: str, doc: str, lo: float | None = None, hi: float | None = None) -> ColumnSpec:
    return ColumnSpec(name=name, dtype=np.dtype(dtype), doc=doc, lo=lo, hi=hi)


@attrs.frozen
class HookContract:
    """What the kernel knows about one hook."""

    name: str
    family: str
    #: the argument whose rows the result follows ("batch", "violations", "applications", "objections")
    rows: str
    #: a ColumnSpec for array results, or the Columnar class of a decisions result
    result: ColumnSpec | type[Columnar]
    #: what a per-enterprise rule returns for one row (a Python type or a decision value class)
    row_result: type

    @property
    def spec(self) -> Any:
        return getattr(hookspecs, self.name)

    @property
    def argnames(self) -> tuple[str, ...]:
        return tuple(inspect.signature(self.spec).parameters)

    @property
    def summary(self) -> str:
        return (inspect.getdoc(self.spec) or "").split("\n", 1)[0]

    @property
    def result_text(self) -> str:
        if isinstance(self.result, ColumnSpec):
            rng = f" in {self.result.range_text}" if self.result.range_text else ""
            return f"{self.result.dtype}[n]{rng}"
        return f"{self.result.__name__} of n rows"

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

    def validate(self, result: Any, n: int, plugin: str) -> Any:
        """Check a hook's result; return it coerced to the contract's dtypes or raise HookResultError."""
        problem = self.diagnose(result, n)
        if problem is not None:
            raise HookResultError(plugin, self.name, problem.message)
        return self.result.coerce(result) if isinstance(self.result, ColumnSpec) else result


def _explain(problem: str, spec: ColumnSpec) -> str:
    """Turn a column problem into hook language (``grade: value 4 ...`` -> ``grade 4 at row ...``)."""
    if spec.name == "grade" and "outside" in problem:
        return problem.replace("grade: value", "grade") + " (grades are Grade codes A=0 .. D=3)"
    return problem


_GRADE = _array("grade", "int8", "Grade code", lo=0, hi=3)
_PROB = _array("probability", "float64", "probability", lo=0.0, hi=1.0)
_MASK = _array("mask", "bool", "eligibility or status")
_MULT = _array("multiplier", "float64", "complaint multiplier", lo=0.0, hi=100.0)

HOOKS: Mapping[str, HookContract] = {
    c.name: c
    for c in [
        HookContract("credsup_commitment_eligible", "commitment", "batch", _MASK, bool),
        HookContract("credsup_commitment_verification", "commitment", "batch", _PROB, float),
        HookContract("credsup_grade", "grading", "batch", _GRADE, int),
        HookContract("credsup_demonstration", "grading", "batch", _MASK, bool),
        HookContract("credsup_inspection_probability", "inspection frequency", "batch", _PROB, float),
        HookContract("credsup_complaint_intensity", "social supervision", "batch", _MULT, float),
        HookContract("credsup_complaint_verification", "social supervision", "batch", _PROB, float),
        HookContract("credsup_tolerance", "tolerance", "violations", ToleranceDecisions, ToleranceDecision),
        HookContract("credsup_sanction", "sanction", "violations", Sanctions, Sanction),
        HookContract("credsup_repair", "repair", "applications", RepairDecisions, RepairDecision),
        HookContract("credsup_objection", "repair", "objections", ObjectionDecisions, ObjectionDecision),
    ]
}


def hook_names() -> tuple[str, ...]:
    """Every hook of the contract, in the order of the table."""
    return tuple(HOOKS)


def _check_table() -> None:
    specs = {n for n, f in vars(hookspecs).items() if n.startswith("credsup_") and callable(f)}
    if specs != set(HOOKS):  # pragma: no cover - a developer error, caught by the test suite at import
        raise RuntimeError(f"hook table and hookspecs disagree: {sorted(specs ^ set(HOOKS))}")


_check_table()
