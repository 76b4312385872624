"""A broken plugin is named and contained (issue 18, point 4): one that exits, interrupts or prints at
import is reported and skipped, stdout stays clean, SystemExit and KeyboardInterrupt from a hook are that
plugin's error, inputs cannot be written even by resetting the writeable flag, and integer results are
range-checked before any cast. Each test failed before the fix."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import attrs
import numpy as np
import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.core import HookError, HookResultError, load_jurisdiction
from credsup.core.batch import EnterpriseBatch
from credsup.core.cases import ObjectionBatch, RepairApplications, ViolationBatch
from credsup.core.columns import Columnar
from credsup.core.decisions import ObjectionDecisions, RepairDecisions, Sanctions, ToleranceDecisions
from credsup.core.discovery import discover
from credsup.core.samples import random_batch

TINY = ["--set", "scenario.population.enterprises=300", "--set", "scenario.months=2"]
EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples", "registry")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


# ------------------------------------------------------------------------------------- at import

AT_IMPORT = {
    "exits": "import sys\nsys.exit(3)\n",
    "exits_zero": "raise SystemExit\n",
    "interrupts": "raise KeyboardInterrupt\n",
    "base_exception": "raise BaseException('odd')\n",
}


@pytest.mark.parametrize("kind", sorted(AT_IMPORT))
def test_a_plugin_that_exits_or_interrupts_at_import_is_named_and_skipped(plugin_dist, kind: str) -> None:
    plugin_dist(f"bad_{kind}", AT_IMPORT[kind], header=False)
    listed = invoke("plugins", "--json")
    assert listed.exit_code == 0, listed.output  # was: exit 3 and no output
    entry = {p["name"]: p for p in json.loads(listed.stdout)}[f"bad_{kind}"]
    assert entry["status"] == "error"
    assert entry["error"].startswith(("SystemExit", "KeyboardInterrupt", "BaseException"))
    assert entry["error"].endswith("at import (a plugin must raise an exception, not end or interrupt the program)")
    run = invoke("run", "-s", "demo", "-j", "national", "--seed", "1", *TINY, "--json")
    assert run.exit_code == 0, run.output
    json.loads(run.stdout)
    assert invoke("validate", "configs/jurisdictions/national.toml").exit_code == 0
    used = invoke("run", "-s", "demo", "-j", f"bad_{kind}", "--seed", "1", *TINY)
    assert used.exit_code == 1 and used.stderr.startswith(f"Error: Error loading plugin 'bad_{kind}': ")


PRINTS = """
print("hello from the plugin")
import sys
sys.stdout.write("more noise\\n")
"""


def test_a_plugin_that_prints_at_import_leaves_stdout_clean(plugin_dist, tmp_path) -> None:
    plugin_dist("noisy", PRINTS)
    run = invoke("run", "-s", "demo", "-j", "national", "--seed", "1", *TINY, "--json")
    assert run.exit_code == 0, run.output
    json.loads(run.stdout)  # was: "hello from the plugin" before the JSON
    assert "hello from the plugin" in run.stderr and "more noise" in run.stderr
    grades = invoke("grade", EXAMPLES, "-j", "noisy", "--as-of", "2027-01-01")
    assert grades.exit_code == 0, grades.output
    assert grades.stdout.startswith("enterprise,grade,"), grades.stdout[:200]
    assert invoke("plugins").stdout.splitlines()[0].startswith(("dalian", "hainan", "name", "national", "noisy"))


NOISY_HOOK = """
@hookimpl
def credsup_grade(batch, params, today):
    print("grading", len(batch), "enterprises")
    return None
"""


def test_a_hook_that_prints_leaves_stdout_clean(plugin_dist) -> None:
    plugin_dist("chatty", NOISY_HOOK)
    run = invoke("run", "-s", "demo", "-j", "chatty", "--seed", "1", *TINY, "--json")
    assert run.exit_code == 0, run.output
    json.loads(run.stdout)
    assert "grading" in run.stderr
    grades = invoke("grade", EXAMPLES, "-j", "chatty", "--as-of", "2027-01-01")
    assert grades.exit_code == 0 and grades.stdout.startswith("enterprise,grade,")


# ------------------------------------------------------------------------------------- in a hook

IN_HOOK = {
    "exits": ("import sys\n    sys.exit(3)", "called sys.exit(3)"),
    "exits_quietly": ("raise SystemExit", "called sys.exit()"),
    "interrupts": ("raise KeyboardInterrupt", "raised KeyboardInterrupt"),
}


@pytest.mark.parametrize("kind", sorted(IN_HOOK))
def test_exit_or_interrupt_in_a_hook_is_that_plugins_error(plugin_dist, kind: str) -> None:
    body, said = IN_HOOK[kind]
    plugin_dist(f"hook_{kind}", f"\n@hookimpl\ndef credsup_grade(batch, params, today):\n    {body}\n")
    run = invoke("run", "-s", "demo", "-j", f"hook_{kind}", "--seed", "1", *TINY)
    # was: exit 3 with no message (sys.exit), or "Interrupted." with exit 130 (KeyboardInterrupt)
    assert run.exit_code == 1, (run.exit_code, run.output)
    assert run.stderr.startswith(f"Error: plugin 'hook_{kind}', hook credsup_grade: {said}"), run.stderr
    with pytest.raises(HookError, match=re.escape(f"plugin 'hook_{kind}', hook credsup_grade: {said}")):
        j = load_jurisdiction(f"hook_{kind}")
        j.grade(random_batch(np.random.default_rng(1), 5, dt.date(2026, 1, 1)), dt.date(2026, 1, 1))


def test_a_real_ctrl_c_during_a_hook_is_still_the_users(plugin_dist) -> None:
    plugin_dist(
        "slow",
        """
import os, signal, time
@hookimpl
def credsup_grade(batch, params, today):
    os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C while the hook runs
    time.sleep(5)
""",
    )
    run = invoke("run", "-s", "demo", "-j", "slow", "--seed", "1", *TINY)
    assert run.exit_code == 130 and run.stderr.strip().endswith("Interrupted."), (run.exit_code, run.output)


def test_a_wrapper_that_exits_is_that_plugins_error(plugin_dist) -> None:
    plugin_dist(
        "wrapping",
        """
@hookimpl(wrapper=True)
def credsup_grade(batch, params, today):
    result = yield
    raise SystemExit(4)
""",
    )
    run = invoke("run", "-s", "demo", "-j", "wrapping", "--seed", "1", *TINY)
    assert run.exit_code == 1 and "plugin 'wrapping', hook credsup_grade: called sys.exit(4)" in run.stderr


# ------------------------------------------------------------------------------ read-only inputs

WRITER = """
@hookimpl
def credsup_grade(batch, params, today):
    column = batch.serious_36m
    column.flags.writeable = True  # the flag reset
    column[:] = 99
    return None
"""


def test_a_hook_cannot_write_its_input_even_by_resetting_the_flag(plugin_dist) -> None:
    plugin_dist("writer", WRITER)
    j = load_jurisdiction("writer")
    today = dt.date(2026, 1, 1)
    batch = random_batch(np.random.default_rng(2), 50, today)
    before = batch.serious_36m.copy()
    with pytest.raises(HookError, match="plugin 'writer', hook credsup_grade: raised ValueError"):
        j.grade(batch, today)
    assert np.array_equal(batch.serious_36m, before)  # was: every value 99
    run = invoke("run", "-s", "demo", "-j", "writer", "--seed", "1", *TINY)
    assert run.exit_code == 1 and run.stderr.startswith("Error: plugin 'writer', hook credsup_grade: raised ValueError")


def test_read_only_views_share_memory_and_stay_read_only() -> None:
    today = dt.date(2026, 1, 1)
    batch = random_batch(np.random.default_rng(3), 20, today)
    sealed = batch.readonly()
    assert sealed.readonly() is sealed  # a sealed batch is passed on as it is: nothing per call
    for spec in EnterpriseBatch.columns():
        view = getattr(sealed, spec.name)
        assert np.shares_memory(view, getattr(batch, spec.name)) or len(view) == 0
        with pytest.raises(ValueError):
            view.flags.writeable = True
        with pytest.raises(ValueError):
            view[:1].flags.writeable = True  # a view of the view too
    batch.serious_36m[0] = 7  # the owner still writes, and the view sees it
    assert sealed.serious_36m[0] == 7


# --------------------------------------------------------------------- integer results, no wrap

COLUMNARS = [
    EnterpriseBatch,
    ViolationBatch,
    RepairApplications,
    ObjectionBatch,
    ToleranceDecisions,
    Sanctions,
    RepairDecisions,
    ObjectionDecisions,
]


def int_columns() -> list[tuple[type[Columnar], str, np.dtype]]:
    return [(cls, s.name, s.dtype) for cls in COLUMNARS for s in cls.columns() if s.dtype.kind in "iu"]


@pytest.mark.parametrize("cls,name,dtype", int_columns(), ids=[f"{c.__name__}.{n}" for c, n, _ in int_columns()])
def test_every_build_refuses_an_integer_its_column_cannot_hold(cls: type[Columnar], name: str, dtype: np.dtype) -> None:
    info = np.iinfo(dtype)
    wider = np.uint64 if dtype.itemsize == 8 else np.int64
    with pytest.raises(ValueError, match=name):
        cls.build(1, **{name: np.array([int(info.max) + 5], dtype=wider)})
    with pytest.raises(ValueError, match=name):
        cls.build(1, **{name: [int(info.max) + 5]})  # a Python list of the same
    with pytest.raises(ValueError, match=name):
        cls.build(1, **{name: [int(info.min) - 5, 0]})
    if dtype.itemsize < 8:
        with pytest.raises(ValueError, match=name):
            cls.build(1, **{name: np.array([int(info.min) - 5], dtype=np.int64)})


def test_sanctions_build_does_not_wrap_a_day_count() -> None:
    with pytest.raises(ValueError, match="publicity_days"):
        Sanctions.build(publicity_days=np.array([2**32 + 5], dtype=np.int64))  # was: 5 days


PARTIAL = """
from credsup.core.adapter import PartialAnswer

@hookimpl
def credsup_grade(batch, params, today):
    n = len(batch)
    rows = np.arange(0, n, 2)
    return PartialAnswer(rows, np.full(len(rows), {value}, dtype=np.int64), n)
"""


@pytest.mark.parametrize("value,said", [(259, "grade 259"), (-253, "grade -253")])
def test_a_partial_answer_out_of_range_is_refused_not_wrapped(plugin_dist, value: int, said: str) -> None:
    plugin_dist("partial", PARTIAL.format(value=value))
    j = load_jurisdiction("partial")
    today = dt.date(2026, 1, 1)
    with pytest.raises(HookResultError, match=f"plugin 'partial', hook credsup_grade: {said}"):
        j.grade(random_batch(np.random.default_rng(4), 10, today), today)  # was: grade 3


@pytest.mark.parametrize(
    "answered,said",
    [("np.array([0, 99])", "rows outside"), ("np.array([3, 1])", "ascending"), ("np.array([0.5])", "integer")],
)
def test_a_malformed_partial_answer_is_the_plugins_error(plugin_dist, answered: str, said: str) -> None:
    plugin_dist(
        "malformed",
        f"""
from credsup.core.adapter import PartialAnswer

@hookimpl
def credsup_grade(batch, params, today):
    rows = {answered}
    return PartialAnswer(rows, np.zeros(len(rows), dtype=np.int8), len(batch))
""",
    )
    j = load_jurisdiction("malformed")
    today = dt.date(2026, 1, 1)
    with pytest.raises(HookResultError, match=f"plugin 'malformed', hook credsup_grade: .*{said}"):
        j.grade(random_batch(np.random.default_rng(5), 10, today), today)


def test_discovery_still_reports_ordinary_import_errors(plugin_dist) -> None:
    plugin_dist("broken_import", "import credsup_no_such_module\n", header=False)
    info = {i.name: i for i in discover()}["broken_import"]
    assert info.status == "error" and info.error.startswith("ModuleNotFoundError")


def test_attrs_evolve_of_a_sealed_batch_keeps_working() -> None:
    today = dt.date(2026, 1, 1)
    sealed = random_batch(np.random.default_rng(6), 10, today).readonly()
    worse = attrs.evolve(sealed, serious_36m=(sealed.serious_36m + 1).astype(np.int16))
    assert (worse.serious_36m == sealed.serious_36m + 1).all()
