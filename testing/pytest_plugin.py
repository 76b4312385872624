"""The conformance kit as a pytest plugin, for a jurisdiction plugin's own test suite.

Opt in from the project's top-level ``conftest.py``::

    pytest_plugins = ["credsup.testing.pytest_plugin"]

It adds

* the fixture ``credsup_check``: ``credsup_check(name, hooks=None, **options)`` runs
  :func:`credsup.testing.check_jurisdiction` and fails the test with every failure (hook, input,
  expectation), or returns the report;
* the options ``--credsup-examples N`` (generated batches per check and hook) and
  ``--credsup-timing-rows N`` (rows of the timing batch; 0 for none), which apply wherever a test does
  not set them itself;
* a section at the end of the run with the time per row of every hook checked (reported, not asserted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from credsup.core.errors import UnknownJurisdictionError
from credsup.testing.checks import check_jurisdiction
from credsup.testing.report import ConformanceReport

_REPORTS = pytest.StashKey[list[ConformanceReport]]()
_OPTIONS = (("examples", "credsup_examples"), ("timing_rows", "credsup_timing_rows"))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("credsup", "credsup conformance checks")
    group.addoption(
        "--credsup-examples",
        type=int,
        default=None,
        metavar="N",
        help="generated batches per check and hook (default: the kit's)",
    )
    group.addoption(
        "--credsup-timing-rows",
        type=int,
        default=None,
        metavar="N",
        help="rows of the batch each hook is timed on; 0 for no timing (default: the kit's)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_REPORTS] = []


@pytest.fixture
def credsup_check(request: pytest.FixtureRequest) -> Callable[..., ConformanceReport]:
    """Check an installed jurisdiction against the hook contract; the test fails listing every failure."""
    config = request.config

    def check(name: str, *, hooks: Iterable[str] | None = None, **options: Any) -> ConformanceReport:
        __tracebackhide__ = True
        for key, option in _OPTIONS:
            value = config.getoption(option)
            if value is not None:
                options.setdefault(key, value)
        try:
            report = check_jurisdiction(name, hooks=hooks, **options)
        except UnknownJurisdictionError as exc:
            pytest.fail(f"{exc} Is the plugin project installed (pip install -e .)?", pytrace=False)
        config.stash[_REPORTS].append(report)
        if not report.ok:
            pytest.fail(report.failure_text(), pytrace=False)
        return report

    return check


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    timed = [(r, h, h.timing) for r in config.stash.get(_REPORTS, []) for h in r.hooks if h.timing is not None]
    if not timed:
        return
    terminalreporter.section("credsup conformance: time per row (reported, not asserted)")
    width = max(len(f"{r.name} {h.hook}") for r, h, _ in timed)
    for report, hook, timing in timed:
        label = f"{report.name} {hook.hook}"
        row = report.row_kinds.get(hook.hook, "row")
        terminalreporter.write_line(f"{label:<{width}}  {timing.per_row_us:10.3f} us per {row} ({timing.rows:,} rows)")
