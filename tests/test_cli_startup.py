"""Start-up stays light (issue 16 point 3): ``credsup --help`` lists every command with its short help
without importing the commands, numpy, SQLAlchemy or matplotlib, and ``credsup`` / ``credsup.core``
load their re-exported names on first use. The oracle for the listing is click itself: the same group
with every command imported must print the same help."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from credsup.cli.lazy import LazyCommand, LazyGroup
from credsup.cli.main import COMMANDS, cli

ROOT = Path(__file__).parents[1]
#: Heavy libraries and credsup packages that `credsup --help` must not import.
NOT_AT_START = ["numpy", "scipy", "matplotlib", "sqlalchemy", "jinja2", "simpy", "pluggy", "pandas"]
NOT_AT_START_CREDSUP = [
    "credsup.simulation",
    "credsup.experiments",
    "credsup.results",
    "credsup.registry",
    "credsup.plugins",
    "credsup.core.jurisdiction",
]


def fresh_python(code: str) -> dict:
    """Run ``code`` in a new interpreter (nothing imported by this test session); it prints JSON."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "80"}
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def loaded_heavy(modules: list[str]) -> list[str]:
    return sorted(
        m for m in modules if m.split(".")[0] in NOT_AT_START or any(m.startswith(p) for p in NOT_AT_START_CREDSUP)
    )


def test_help_in_a_fresh_process_imports_no_heavy_library_and_lists_every_command() -> None:
    got = fresh_python(
        "import io, json, sys, contextlib\n"
        "from credsup.cli.main import cli\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try: cli(['--help'], prog_name='credsup')\n"
        "    except SystemExit: pass\n"
        "print(json.dumps({'help': buf.getvalue(), 'modules': sorted(sys.modules)}))\n"
    )
    assert loaded_heavy(got["modules"]) == []
    listed = {line.split()[0] for line in got["help"].split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)
    assert not [m for m in got["modules"] if m.startswith("credsup.cli.") and m.endswith("_cmds")]


def test_completing_a_command_name_imports_no_command() -> None:
    # the completion protocol writes bytes to the real stdout and exits: the modules go to stderr at exit
    code = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
        "from credsup.cli.main import cli\n"
        "cli(prog_name='credsup')\n"
    )
    env = {**os.environ, "_CREDSUP_COMPLETE": "bash_complete", "COMP_WORDS": "credsup re", "COMP_CWORD": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert loaded_heavy(json.loads(out.stderr.strip().splitlines()[-1])) == []
    names = [line.split(",", 1)[1] for line in out.stdout.splitlines() if "," in line]
    assert names == ["registry", "repair-check", "results"]


def test_the_command_table_names_every_command_of_every_command_module() -> None:
    # a command added to a *_cmds.py module but not to the table would silently vanish from the CLI
    defined = {}
    for path in sorted((ROOT / "cli").glob("*_cmds.py")):
        module = importlib.import_module(f"credsup.cli.{path.stem}")
        for command in module.COMMANDS:
            defined[command.name] = command
    loaded = {name: entry.load(name) for name, entry in COMMANDS.items()}
    assert set(loaded) == set(defined)
    assert all(loaded[name] is defined[name] for name in defined)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_what_the_command_itself_shows(name: str) -> None:
    real = COMMANDS[name].load(name)
    placeholder = COMMANDS[name].placeholder(name)
    assert placeholder.hidden == real.hidden
    for limit in range(10, 200):
        assert placeholder.get_short_help_str(limit) == real.get_short_help_str(limit), (
            f"COMMANDS[{name!r}].summary in cli/main.py is out of date: use {real.get_short_help_str(10_000)!r}"
        )


@pytest.mark.parametrize("width", [50, 80, 120])
def test_lazy_help_is_the_help_of_the_loaded_commands(width: int) -> None:
    # fresh groups: the CLI's own group may have loaded commands in other tests
    def body(ctx: click.Context) -> None:  # pragma: no cover - never invoked
        pass

    lazy = LazyGroup("credsup", callback=body, lazy_subcommands=COMMANDS, params=list(cli.params), help=cli.help)
    eager = click.Group(
        "credsup",
        callback=body,
        commands=[entry.load(name) for name, entry in COMMANDS.items()],
        params=list(cli.params),
        help=cli.help,
    )
    lazy_help = CliRunner().invoke(lazy, ["--help"], terminal_width=width).output
    eager_help = CliRunner().invoke(eager, ["--help"], terminal_width=width).output
    assert "Commands:" in lazy_help and lazy_help == eager_help


def test_a_lazy_command_runs_and_a_broken_table_entry_is_a_bug_not_a_user_error() -> None:
    group = LazyGroup(
        "g",
        lazy_subcommands={
            "params": COMMANDS["params"],
            "wrong": LazyCommand("credsup.cli.config_cmds:validate_command", "Mislabelled."),
        },
    )
    result = CliRunner().invoke(group, ["params", "national", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)
    with pytest.raises(RuntimeError, match="is not the click command 'wrong'"):
        group.get_command(click.Context(group), "wrong")
    assert group.get_command(click.Context(group), "absent") is None


def test_importing_the_kernel_errors_does_not_load_numpy() -> None:
    got = fresh_python(
        "import json, sys\nimport credsup, credsup.core.errors\nprint(json.dumps({'modules': sorted(sys.modules)}))\n"
    )
    assert loaded_heavy(got["modules"]) == []


def test_every_re_exported_name_is_the_object_of_its_module() -> None:
    import credsup
    import credsup.core as core
    from credsup.core import hookspecs

    for name in core.__all__:
        value = getattr(core, name)
        assert value is getattr(importlib.import_module(core._EXPORTS[name]), name)
        assert name in dir(core)
    assert set(core._EXPORTS) == set(core.__all__)
    assert credsup.CONTRACT_VERSION == hookspecs.CONTRACT_VERSION and credsup.hookimpl is hookspecs.hookimpl
    assert credsup.__version__ and "__version__" in dir(credsup)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        core.nope  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        credsup.nope  # noqa: B018
    namespace: dict = {}
    exec("from credsup.core import *", namespace)
    assert set(core.__all__) <= set(namespace)


def test_the_type_checking_imports_match_the_lazy_table() -> None:
    # type checkers read the `if TYPE_CHECKING:` imports; the interpreter reads _EXPORTS
    import credsup.core as core

    tree = ast.parse((ROOT / "core" / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    typed = {a.name: n.module for n in block.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert typed == core._EXPORTS
