"""Click options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def jurisdiction_config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE`` and ``--set KEY.PATH=VALUE`` for a command about one jurisdiction
    (parameters ``config_path`` and ``overrides``)."""
    command = click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="KEY.PATH=VALUE",
        help="Override a parameter (repeatable); the value is a TOML literal.",
    )(command)
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="Use this parameter file instead of the jurisdiction's default one.",
    )(command)
