"""The conformance kit: check that a jurisdiction plugin keeps the hook contract.

From a shell::

    credsup plugin check myregion

From a plugin's own tests (plain functions, no pytest plugin needed)::

    from credsup.testing import assert_conforms

    def test_myregion_conforms():
        assert_conforms("myregion")

or with the pytest plugin (``pytest_plugins = ["credsup.testing.pytest_plugin"]`` in the top-level
``conftest.py``), one test per hook and a timing summary at the end of the run::

    @pytest.mark.parametrize("hook", implemented_hooks("myregion"))
    def test_hook_conforms(credsup_check, hook):
        credsup_check("myregion", hooks=[hook])

What is checked, and in which order: :mod:`credsup.testing.checks`. Every failure names the hook, the
input (a seed and a size that :func:`make_inputs` rebuilds, and the failing row) and what was expected.
"""

from credsup.testing.checks import Options, assert_conforms, check_jurisdiction, implemented_hooks
from credsup.testing.inputs import HookInputs, make_inputs
from credsup.testing.report import (
    CHECKS,
    KINDS,
    ConformanceError,
    ConformanceReport,
    Failure,
    HookReport,
    Timing,
)

__all__ = [
    "CHECKS",
    "KINDS",
    "ConformanceError",
    "ConformanceReport",
    "Failure",
    "HookInputs",
    "HookReport",
    "Options",
    "Timing",
    "assert_conforms",
    "check_jurisdiction",
    "implemented_hooks",
    "make_inputs",
]
