"""The `credsup` command: one click group, one module per command family.

Errors a user can cause (:class:`~credsup.core.errors.CredsupError`) are printed as one line on stderr
with a non-zero exit; `--debug` (or `CREDSUP_DEBUG=1`) shows the traceback instead. Data goes to
stdout (`--json` where offered), messages and progress to stderr (`-q` silences them, `-v` adds detail).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from credsup.cli.lazy import LazyCommand, LazyGroup
from credsup.cli.options import verbosity_options
from credsup.core.errors import CredsupError, one_line

DEBUG_ENV = "CREDSUP_DEBUG"


class CredsupGroup(LazyGroup):
    """A click group that turns credsup errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except CredsupError as exc:
            if _debug(ctx):
                raise
            click.echo("Error: " + "\n".join(one_line(line) for line in str(exc).split("\n")), err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # the reader went away (``credsup ... | head``): not an error of ours; silence the final flush
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:
            if _debug(ctx):
                raise
            click.echo(f"Internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("This is a bug in credsup. Run again with --debug for the traceback and report it.", err=True)
            ctx.exit(70)


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool((root.obj or {}).get("debug")) or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _version() -> str:
    from credsup import CONTRACT_VERSION, __version__

    return f"credsup {__version__} (hook contract {CONTRACT_VERSION}, Python {sys.version.split()[0]})"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version())
        ctx.exit()


#: Every command: where it lives and its short help for ``credsup --help``; a command is imported only
#: when it runs (``tests/test_cli_startup.py`` checks the summaries against the commands' docstrings).
COMMANDS: dict[str, LazyCommand] = {
    "calibrate": LazyCommand(
        "credsup.cli.calibrate_cmds:calibrate_command",
        "Fit free scenario parameters so that simulated outcomes match observed figures.",
    ),
    "compare": LazyCommand(
        "credsup.cli.compare_cmds:compare_command",
        "Run every jurisdiction on the same scenario, R replications each, and compare them.",
    ),
    "completion": LazyCommand(
        "credsup.cli.completion_cmds:completion_command",
        "Print the script that makes SHELL complete credsup's commands, options, jurisdictions, scenarios, sweeps and stored experiment IDs.",
    ),
    "fit": LazyCommand(
        "credsup.cli.calibrate_cmds:fit_command", "Check a scenario against a targets file without fitting anything."
    ),
    "frontier": LazyCommand(
        "credsup.cli.sweep_cmds:frontier_command",
        "Outcomes against inspections spent, over inspector capacity.",
        fixed=True,
    ),
    "grade": LazyCommand(
        "credsup.cli.registry_cmds:grade_command",
        "Grade every enterprise of REGISTRY and say which indicators decided each grade.",
    ),
    "params": LazyCommand(
        "credsup.cli.config_cmds:params_command",
        "Show a jurisdiction's parameters: every value with its unit, its meaning and its source.",
    ),
    "plan": LazyCommand(
        "credsup.cli.registry_cmds:plan_command",
        'Draw the period\'s "double random, one public" inspection plan (seed 003 para 11).',
    ),
    "plugin": LazyCommand(
        "credsup.cli.plugin_cmds:plugin_group", "Write and check a jurisdiction plugin (docs/plugin-guide.md)."
    ),
    "plugins": LazyCommand(
        "credsup.cli.plugins_cmds:plugins_command",
        "List installed jurisdiction plugins with their versions, deciding hooks and load status.",
    ),
    "registry": LazyCommand(
        "credsup.cli.registry_cmds:registry_group",
        "Generate, check and convert registries (the input of grade, plan and repair-check).",
    ),
    "repair-check": LazyCommand(
        "credsup.cli.registry_cmds:repair_check_command",
        "May ENTERPRISE_ID's records be repaired? Eligible or not, the earliest date, what is missing.",
    ),
    "results": LazyCommand("credsup.cli.results_cmds:results_group", "Experiments stored in the results database."),
    "run": LazyCommand(
        "credsup.cli.run_cmds:run_command",
        "Simulate a scenario under one jurisdiction and report supervision-efficiency metrics.",
    ),
    "scenarios": LazyCommand(
        "credsup.cli.scenarios_cmds:scenarios_command",
        "List the shipped scenarios, example sweeps and calibration targets, with their size and what they are.",
    ),
    "serve": LazyCommand(
        "credsup.cli.serve_cmds:serve_command",
        "Serve REGISTRY (a CSV folder or a database URL) over HTTP: an internal API for registry systems and public commitment pages with QR codes and a report form.",
    ),
    "sweep": LazyCommand(
        "credsup.cli.sweep_cmds:sweep_command",
        "Run the sweep in SPEC (a sweep file, or a shipped example's name): every point of its design, for each jurisdiction and replication.",
    ),
    "validate": LazyCommand(
        "credsup.cli.config_cmds:validate_command",
        "Check config files: jurisdiction parameters (with sources), reforms, scenarios, sweep specs.",
    ),
}


@click.group(cls=CredsupGroup, lazy_subcommands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the hook-contract version, and exit.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line error messages.")
@verbosity_options
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """credsup: credit-based market supervision policy as code.

    Compare regional supervision models on a simulated population, inspect the jurisdiction plugins
    and their parameters, and validate config files. Data goes to stdout (--json where offered),
    progress and messages to stderr (-q for none, -v for more).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="credsup")


if __name__ == "__main__":  # pragma: no cover
    main()
