"""Click options shared by several commands: one spelling, one meaning, one help text each.

* ``--set [J:]KEY.PATH=VALUE``: overrides, one grammar (:mod:`credsup.core.overrides`);
* ``--out DIR``: a folder, for commands that write several files (compare, sweep, results report,
  registry generate);
* ``-o/--output FILE``: one file, for commands that write one (grade, plan, results export, registry
  summary); ``--out FILE`` still works there, with a deprecation note;
* ``--force``: write over an existing output file (never over an input of the command);
* ``--json``: the data as JSON on stdout;
* ``-q/--quiet`` and ``-v/--verbose``: less or more on stderr (progress, notes), before or after the
  command name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

SET_HELP = (
    "Override a parameter (repeatable): <path>=v in every jurisdiction that has it, <jurisdiction>:<path>=v "
    "in that one only. Values are TOML literals."
)
SET_HELP_SCENARIO = (
    "Override a value (repeatable): scenario.<path>=v in the scenario, <path>=v in every jurisdiction that has "
    "it, <jurisdiction>:<path>=v in that one only. Values are TOML literals."
)


def set_option(*, scenario: bool = False, help: str | None = None) -> Decorator:
    """``--set [J:]KEY.PATH=VALUE`` (repeatable; parameter ``overrides``). ``scenario``: the command
    has a scenario, so ``scenario.<path>=v`` is offered. Parse the values with
    :func:`credsup.core.overrides.split_overrides` (or :func:`jurisdiction_overrides`)."""
    from credsup.core.overrides import SET_METAVAR  # here, not at the top: `credsup --help` needs no kernel

    return click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar=SET_METAVAR,
        help=help or (SET_HELP_SCENARIO if scenario else SET_HELP),
    )


def config_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE`` (parameter ``config_path``): another parameter file for the jurisdiction."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="Use this parameter file instead of the jurisdiction's default one.",
    )(command)


def jurisdiction_config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE`` and ``--set`` for a command about one jurisdiction (parameters ``config_path``
    and ``overrides``)."""
    return config_option(set_option()(command))


def json_option(help: str = "Print the result as JSON on stdout.") -> Decorator:
    """``--json`` (parameter ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def force_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--force`` (parameter ``force``): an output may replace an existing file."""
    return click.option(
        "--force",
        is_flag=True,
        help="Write over an existing output file (never over one of the command's inputs or its database).",
    )(command)


def out_dir_option(help: str, *, default: str | None = None, required: bool = False) -> Decorator:
    """``--out DIR`` (parameter ``out``): the folder of a command that writes several files."""
    return click.option(
        "--out",
        "out",
        default=default,
        required=required,
        show_default=default is not None,
        metavar="DIR",
        help=help,
    )


def _deprecated_out(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not ctx.resilient_parsing:
        click.echo("Warning: --out FILE is deprecated here; write -o FILE (or --output FILE).", err=True)
    return value


def output_file_option(help: str = "Write to this file instead of standard output.") -> Decorator:
    """``-o/--output FILE`` (parameter ``output``) for a command that writes one file; the older ``--out
    FILE`` is accepted, hidden, with a deprecation note on stderr."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, output: str | None, out_file_deprecated: str | None, **kwargs: Any) -> Any:
            if output is not None and out_file_deprecated is not None:
                raise click.UsageError("give -o/--output FILE once (--out FILE is its old spelling)")
            return command(*args, output=output if output is not None else out_file_deprecated, **kwargs)

        wrapped = click.option(
            "--out",
            "out_file_deprecated",
            hidden=True,
            default=None,
            type=click.Path(dir_okay=False),
            callback=_deprecated_out,
            expose_value=True,
        )(wrapper)
        return click.option(
            "-o", "--output", "output", default=None, metavar="FILE", type=click.Path(dir_okay=False), help=help
        )(wrapped)

    return decorate


# ------------------------------------------------------------------------------------------ verbosity

VERBOSITY_KEY = "credsup.verbosity"


def _count(delta: int) -> Callable[[click.Context, click.Parameter, int], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: int) -> None:
        if value:
            ctx.meta[VERBOSITY_KEY] = ctx.meta.get(VERBOSITY_KEY, 0) + delta * value

    return callback


def verbosity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``-q/--quiet`` and ``-v/--verbose`` (counted, not passed to the function): ``-q`` silences
    progress and notes on stderr, ``-v`` adds detail. Read with :func:`verbosity`."""
    command = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_count(+1),
        help="More detail on stderr (repeatable).",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        count=True,
        expose_value=False,
        callback=_count(-1),
        help="No progress or notes on stderr (results and errors still show).",
    )(command)


def verbosity(ctx: click.Context | None = None) -> int:
    """-1 or less: quiet; 0: normal; 1 or more: verbose (``-q``/``-v`` given anywhere on the line)."""
    ctx = ctx or click.get_current_context(silent=True)
    return int(ctx.meta.get(VERBOSITY_KEY, 0)) if ctx is not None else 0
