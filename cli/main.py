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

from credsup.cli.options import verbosity_options
from credsup.core.errors import CredsupError, one_line

DEBUG_ENV = "CREDSUP_DEBUG"


class CredsupGroup(click.Group):
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


@click.group(cls=CredsupGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def _register() -> None:
    from credsup.cli import (
        calibrate_cmds,
        compare_cmds,
        completion_cmds,
        config_cmds,
        plugin_cmds,
        plugins_cmds,
        registry_cmds,
        results_cmds,
        run_cmds,
        scenarios_cmds,
        serve_cmds,
        sweep_cmds,
    )

    for module in (
        plugins_cmds,
        plugin_cmds,
        config_cmds,
        scenarios_cmds,
        run_cmds,
        compare_cmds,
        sweep_cmds,
        calibrate_cmds,
        results_cmds,
        registry_cmds,
        serve_cmds,
        completion_cmds,
    ):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="credsup")


if __name__ == "__main__":  # pragma: no cover
    main()
