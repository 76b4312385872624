"""``credsup plugin new`` and ``credsup plugin check``: the plugin author's kit on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from credsup.cli.completion import complete_jurisdictions
from credsup.cli.options import json_option, jurisdiction_config_options
from credsup.core.contracts import HOOKS
from credsup.core.jurisdiction import params_class_of
from credsup.core.overrides import jurisdiction_overrides
from credsup.testing.checks import Options, check_jurisdiction
from credsup.testing.report import ConformanceReport


@click.group("plugin")
def plugin_group() -> None:
    """Write and check a jurisdiction plugin (docs/plugin-guide.md).

    \b
    credsup plugin new NAME      a pip-installable plugin project that works at once
    credsup plugin check NAME    the conformance checks on an installed plugin
    """


@plugin_group.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Create the project in DIR/NAME.",
)
def new_command(name: str, directory: Path) -> None:
    """Create a plugin project for jurisdiction NAME in DIR/NAME.

    NAME is the jurisdiction's name (lower-case letters, digits, underscores): the entry point in
    credsup.jurisdictions, the module credsup_NAME and the distribution credsup-NAME. Every hook
    starts out as the national baseline's, so the project installs and passes its tests at once.
    """
    from credsup.cli.scaffold import create_project

    project = create_project(name, directory)
    roles = {
        "__init__.py": "the hooks: each starts as the national rule",
        f"{name}.toml": "the parameters, each with its source (inherits national's)",
        "test_conformance.py": "the conformance suite, one test per hook",
        f"test_{name}.py": "what the rules must do",
        "pyproject.toml": f"the entry point {name} = {project.module} (group credsup.jurisdictions)",
    }
    click.echo(f"Created the plugin '{name}' ({project.distribution}) in {project.root}:", err=True)
    shown = [(str(f.relative_to(project.root)), roles[f.name]) for f in project.files if f.name in roles]
    width = max(len(path) for path, _ in shown)
    for path, role in shown:
        click.echo(f"  {path:<{width}}  {role}", err=True)
    click.echo("Next:", err=True)
    click.echo(f"  pip install -e {project.root}", err=True)
    click.echo(f"  credsup plugins && credsup plugin check {name}", err=True)
    click.echo(f"  cd {project.root} && pytest", err=True)
    click.echo(str(project.root))


@plugin_group.command("check")
@click.argument("name", shell_complete=complete_jurisdictions)
@jurisdiction_config_options
@click.option(
    "--hook",
    "hooks",
    multiple=True,
    type=click.Choice(list(HOOKS)),
    metavar="HOOK",
    help="Check only this hook (repeatable); default: every hook the plugin implements.",
)
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=Options().examples,
    show_default=True,
    help="Generated batches per check and hook.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=Options().max_rows,
    show_default=True,
    help="Rows of the largest generated batch.",
)
@click.option(
    "--timing-rows",
    type=click.IntRange(min=0),
    default=Options().timing_rows,
    show_default=True,
    help="Rows of the batch each hook is timed on (0: no timing).",
)
@json_option("Print the report as JSON.")
def check_command(
    name: str,
    config_path: str | None,
    overrides: tuple[str, ...],
    hooks: tuple[str, ...],
    examples: int,
    max_rows: int,
    timing_rows: int,
    as_json: bool,
) -> None:
    """Check the installed jurisdiction NAME against the hook contract.

    For every hook it implements, on generated batches: result type, shape, dtype, range and NaN; an
    empty batch; inputs left unchanged; determinism; row independence (and, for one-row rules, the
    per-enterprise adapter); plus its declared contract version. Prints each hook's time per row.
    Exit status 1 when anything fails.
    """
    report = check_jurisdiction(
        name,
        hooks=hooks or None,
        config=config_path,
        overrides=jurisdiction_overrides(name, overrides, params_class_of(name)) if overrides else [],
        options=Options(examples=examples, max_rows=max_rows, timing_rows=timing_rows),
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_report(report, max_rows, timing_rows)
    if not report.ok:
        raise SystemExit(1)


def _print_report(report: ConformanceReport, max_rows: int, timing_rows: int) -> None:
    contract = f"hook contract {report.contract or '(not declared)'}, this credsup provides {report.provided}"
    version_failure = any(f.kind in ("contract", "load") for f in report.plugin_failures)
    click.echo(
        f"{report.name} {report.version} ({report.distribution}): {contract}: {'FAIL' if version_failure else 'ok'}"
    )
    for failure in report.plugin_failures:
        click.echo(_indent(str(failure), 2))
    if report.hooks:
        click.echo(
            f"checked on {report.examples} generated batches per check (1-{max_rows} rows) and on "
            "empty batches" + (f"; timed on {timing_rows:,} rows" if timing_rows else "")
        )
        width = max(len(h.hook) for h in report.hooks) + len(" (one-row rule)")
        for h in report.hooks:
            label = h.hook + (" (one-row rule)" if h.per_enterprise else "")
            timing = (
                "" if h.timing is None else f"{h.timing.per_row_us:10.3f} us per {report.row_kinds.get(h.hook, 'row')}"
            )
            click.echo(f"  {label:<{width}}  {'ok  ' if h.ok else 'FAIL'}{timing}")
            for failure in h.failures:
                click.echo(_indent(str(failure), 6))
    if report.fallback and report.name != "national":
        click.echo(
            "from the layers it builds on (not checked here): "
            + ", ".join(h.removeprefix("credsup_") for h in report.fallback)
        )
    n = len(report.failures)
    click.echo(f"{len(report.hooks)} hook(s) checked, " + (f"{n} failure(s)." if n else "no failures."))


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


COMMANDS = [plugin_group]
