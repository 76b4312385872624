"""``--lang`` and ``--templates``: the language and the look of tables and reports (issue 17)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from credsup.i18n import DEFAULT, LANGUAGES

LANG_HELP = "Language of the tables, the conclusion and the report: " + ", ".join(
    f"{k} ({v})" for k, v in LANGUAGES.items()
)


def lang_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--lang CODE`` (parameter ``lang``; default $CREDSUP_LANG, else English)."""
    return click.option(
        "--lang",
        "lang",
        type=click.Choice(list(LANGUAGES)),
        default=DEFAULT,
        show_default=True,
        envvar="CREDSUP_LANG",
        help=LANG_HELP + " [env: CREDSUP_LANG].",
    )(command)


def templates_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--templates DIR`` (parameter ``templates``): report templates that replace the shipped ones."""
    return click.option(
        "--templates",
        "templates",
        default=None,
        metavar="DIR",
        help="A folder of report templates (report.css, *.html.j2) used instead of the shipped ones of the "
        "same name (docs/results.md) [env: CREDSUP_TEMPLATES].",
    )(command)


def report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    return lang_option(templates_option(command))


def templates_tuple(templates: str | None) -> tuple[str, ...]:
    return (templates,) if templates else ()
