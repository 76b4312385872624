"""The Jinja2 environment of credsup's HTML pages.

Templates live in ``credsup/results/templates`` (``base.html.j2``, ``macros.html.j2``, one template per
page, ``report.css``). Autoescaping is on for every template: scenario titles, plugin descriptions,
parameter sources and error messages are escaped wherever they appear, whatever their source. Text goes
through gettext (``{% trans %}``, ``_()``) in the page's language.

An IT team restyles the pages by putting templates of the same names in a folder and passing it
(``--templates DIR`` or ``CREDSUP_TEMPLATES``): a file found there wins over the shipped one, so a new
``report.css`` alone restyles every page, and ``{% extends "shipped/base.html.j2" %}`` reaches the
original of a file it replaces.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

from credsup.i18n import Lang
from credsup.results.table import cell, diff_cell, fmt

TEMPLATES_ENV = "CREDSUP_TEMPLATES"


def template_dirs(extra: Sequence[str | Path] = ()) -> list[Path]:
    """User template folders, most important first: ``extra``, then ``$CREDSUP_TEMPLATES``."""
    dirs = [Path(d) for d in extra]
    env = os.environ.get(TEMPLATES_ENV)
    if env:
        dirs += [Path(d) for d in env.split(os.pathsep) if d]
    return dirs


def environment(lang: Lang, templates: Sequence[str | Path] = ()) -> jinja2.Environment:
    """An autoescaping environment with the language's translations and the report filters."""
    from credsup.core.errors import InputError

    dirs = template_dirs(templates)
    for d in dirs:
        if not d.is_dir():
            raise InputError(f"template folder {d} does not exist")
    shipped = jinja2.PackageLoader("credsup.results", "templates")
    loader = jinja2.ChoiceLoader(
        [
            *(jinja2.FileSystemLoader(str(d)) for d in dirs),
            shipped,
            jinja2.PrefixLoader({"shipped": shipped}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # old-style: `_()` returns the plain translation (escaped on output like any string); `.format` fills
    # it, so a literal "%" in a message needs no doubling
    env.install_gettext_translations(lang.translations, newstyle=False)  # type: ignore[attr-defined]
    env.filters.update(fmt=fmt, cell=cell, diff_cell=diff_cell, percent=lang.percent)
    env.globals.update(lang=lang)
    return env


def render_page(template: str, context: Mapping[str, Any], lang: Lang, templates: Sequence[str | Path] = ()) -> str:
    """The page ``template`` (a user's template of that name first, else the shipped one) rendered with
    ``context`` in ``lang``."""
    return environment(lang, templates).get_template(template).render(context)


def write_page(path: Path, html: str) -> Path:
    """Write a rendered page to ``path`` (its folder created), atomically: a reader never sees half a page
    and an interrupted write leaves the previous file."""
    from credsup.core.files import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html)
    return path
