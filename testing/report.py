"""What a conformance run found: failures (hook, input, problem, expectation) and timings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

#: Every kind of failure, with the words a report uses for it.
KINDS: Mapping[str, str] = {
    "load": "does not load",
    "contract": "wrong contract version",
    "raises": "raises an exception",
    "type": "wrong result type",
    "shape": "wrong shape",
    "dtype": "wrong dtype",
    "range": "out of range",
    "nan": "NaN or infinite values",
    "empty": "fails on an empty batch",
    "nondeterministic": "not deterministic",
    "row-dependent": "row-dependent",
    "adapter": "per-enterprise adapter disagrees",
    "mutates": "mutates its input",
}

#: The checks run on each implemented hook, in order (``valid`` covers raises/type/shape/dtype/range/nan).
CHECKS: tuple[str, ...] = ("empty", "mutates", "valid", "deterministic", "rows")

PLUGIN = "(plugin)"  #: the ``hook`` of a failure about the plugin as a whole (load, contract)


class ConformanceError(AssertionError):
    """A jurisdiction plugin failed conformance checks; ``str()`` lists every failure.

    An ``AssertionError``, so that pytest reports it as a test failure with the full text.
    """

    def __init__(self, report: ConformanceReport):
        self.report = report
        super().__init__(report.failure_text())


@attrs.frozen
class Failure:
    """One broken promise: which hook, what kind, what happened, on which input, what was expected."""

    hook: str
    kind: str
    problem: str
    input: str = ""
    expected: str = ""
    #: the failing row's data, when one row is to blame
    row: str = ""

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:  # pragma: no cover - a developer error
            raise ValueError(f"unknown failure kind {self.kind!r}")

    @property
    def title(self) -> str:
        return KINDS[self.kind]

    def __str__(self) -> str:
        lines = [f"{self.hook}: {self.title}: {self.problem}"]
        if self.input:
            lines.append(f"    input: {self.input}")
        if self.row:
            lines.append(f"    row: {self.row}")
        if self.expected:
            lines.append(f"    expected: {self.expected}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, str]:
        return attrs.asdict(self) | {"title": self.title}


@attrs.frozen
class Timing:
    """Time of one call on a batch of ``rows`` rows (the best of a few)."""

    rows: int
    seconds: float

    @property
    def per_row_us(self) -> float:
        return 1e6 * self.seconds / max(self.rows, 1)


@attrs.frozen
class HookReport:
    """The checks of one hook: each check's failure (None when it passed, ``"skipped"`` when an earlier
    failure made it meaningless), whether it is a per-enterprise rule, and its speed."""

    hook: str
    checks: Mapping[str, Failure | str | None]
    per_enterprise: bool = False
    timing: Timing | None = None

    @property
    def failures(self) -> list[Failure]:
        return [f for f in self.checks.values() if isinstance(f, Failure)]

    @property
    def ok(self) -> bool:
        return not self.failures


@attrs.frozen
class ConformanceReport:
    """Everything one run of :func:`credsup.testing.check_jurisdiction` found."""

    name: str
    version: str
    distribution: str
    #: the contract version the plugin declares (None when it does not say)
    contract: str | None
    provided: str
    hooks: tuple[HookReport, ...] = ()
    #: failures about the plugin as a whole (it does not load, its contract version does not match)
    plugin_failures: tuple[Failure, ...] = ()
    #: hooks the plugin leaves to the national fallback (not checked here)
    fallback: tuple[str, ...] = ()
    examples: int = 0
    #: the row kind each hook's timing is per ("enterprise", "violation" ...)
    row_kinds: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def failures(self) -> list[Failure]:
        return [*self.plugin_failures, *(f for h in self.hooks for f in h.failures)]

    @property
    def ok(self) -> bool:
        return not self.failures

    def hook(self, name: str) -> HookReport:
        for h in self.hooks:
            if h.hook == name:
                return h
        raise KeyError(f"{name} was not checked; checked: {', '.join(h.hook for h in self.hooks) or 'none'}")

    def failure_text(self) -> str:
        head = f"{self.name} {self.version}: {len(self.failures)} conformance failure(s)"
        return "\n".join([head, *(str(f) for f in self.failures)])

    def raise_for_failures(self) -> ConformanceReport:
        """Raise :class:`ConformanceError` listing every failure; return the report when there is none."""
        if not self.ok:
            raise ConformanceError(self)
        return self

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``credsup plugin check --json`` prints)."""
        return {
            "jurisdiction": self.name,
            "version": self.version,
            "distribution": self.distribution,
            "contract": self.contract,
            "provided": self.provided,
            "ok": self.ok,
            "examples": self.examples,
            "plugin_failures": [f.as_dict() for f in self.plugin_failures],
            "hooks": {
                h.hook: {
                    "ok": h.ok,
                    "per_enterprise": h.per_enterprise,
                    "checks": {
                        name: (c.as_dict() if isinstance(c, Failure) else c or "ok") for name, c in h.checks.items()
                    },
                    "us_per_row": None if h.timing is None else round(h.timing.per_row_us, 3),
                    "timing_rows": None if h.timing is None else h.timing.rows,
                    "row": self.row_kinds.get(h.hook, "row"),
                }
                for h in self.hooks
            },
            "fallback": list(self.fallback),
        }
