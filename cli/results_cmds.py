"""`credsup results list | show ID | export ID | report ID | delete ID | path`: what is stored in the
results database. Only `compare`, `sweep` and `delete` write to it; the others never create one."""

from __future__ import annotations

import json
import os
import shlex
from typing import TYPE_CHECKING, Any

import click

from credsup.cli.completion import complete_experiments
from credsup.cli.options import force_option, json_option, out_dir_option, output_file_option
from credsup.cli.report_options import lang_option, report_options, templates_tuple
from credsup.core.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from credsup.results.store import ExperimentResults

DB_OPTION = click.option(
    "--db",
    "db",
    default=None,
    metavar="URL",
    help="Results database: a SQLAlchemy URL or a SQLite file path (default: $CREDSUP_DB, else credsup.db "
    "in your data folder: `credsup results path` prints it).",
)

EXPERIMENT_ID = click.argument("experiment_id", type=int, metavar="ID", shell_complete=complete_experiments)


def _engine(db: str | None) -> Engine:
    """The database of a command that only reads it: never created; a clear error when it is missing."""
    from credsup.results.db import display_url, open_existing, resolve_url

    engine = open_existing(db)
    if engine is None:
        raise InputError(
            f"no results database at {display_url(resolve_url(db))}: nothing is stored there yet (run `credsup "
            "compare` or `credsup sweep` first, or give --db)"
        )
    return engine


def db_hint(db: str | None) -> tuple[list[str], str]:
    """The ``--db`` words of a command to paste, and a note: nothing for ``$CREDSUP_DB`` or the default;
    the URL itself when it holds no password; else ``--db "$CREDSUP_DB"`` with a note to set it (a
    masked password could not be pasted back, and a real one is never printed)."""
    from credsup.results.db import DB_ENV, has_password, resolve_url

    if db is None:
        return [], ""
    url = resolve_url(db)
    env = os.environ.get(DB_ENV)
    if env and resolve_url(env) == url:
        return [], ""
    if not has_password(url):
        return ["--db", url], ""
    return ["--db", f'"${DB_ENV}"'], f" (with {DB_ENV} set to the database URL: its password is not shown here)"


def resume_hint(record: dict[str, Any], db: str | None, spec: str | None = None) -> str:
    """The command that completes a stored experiment: ``credsup compare --resume ID`` or, for a sweep,
    the sweep's own command (``spec`` as the user named it, else as stored) with ``--resume ID``."""
    if record["kind"] == "calibrate":
        words = ["credsup", "calibrate", "--resume", str(record["id"])]
    elif record["kind"] == "sweep":
        words = shlex.split(record["command"])
        if spec is not None and len(words) > 2:
            words[2] = spec
        words += ["--resume", str(record["id"])]
    else:
        words = ["credsup", "compare", "--resume", str(record["id"])]
    extra, note = db_hint(db)
    # "$CREDSUP_DB" must stay unquoted by shlex for the shell to expand it
    return shlex.join(words) + "".join(f" {w}" if w.startswith('"$') else f" {shlex.quote(w)}" for w in extra) + note


def completeness_note(results: ExperimentResults, db: str | None) -> str | None:
    """One line for an experiment that holds fewer runs than planned ("115 of 120 runs ..."), with the
    command that completes it; None for a complete one."""
    c = results.completeness
    if c.complete:
        return None
    failed = f", {c.failed} failed" if c.failed else ""
    return (
        f"Incomplete: {c} stored ({c.missing} missing{failed}); complete it with: {resume_hint(results.experiment, db)}"
    )


@click.group("results")
def results_group() -> None:
    """Experiments stored in the results database."""


@results_group.command("list")
@DB_OPTION
@json_option("Print the list as JSON.")
def list_command(db: str | None, as_json: bool) -> None:
    """List stored experiments, newest first.

    RUNS is the number of finished runs; "115/120" when fewer than planned are stored, "+2!" when runs
    failed. An experiment whose process ended without finishing it shows as interrupted. A database that
    does not exist yet is not created."""
    from credsup.results.db import display_url, open_existing, resolve_url
    from credsup.results.store import list_experiments
    from credsup.results.terminal import experiments_table, print_table

    engine = open_existing(db)
    rows = list_experiments(engine) if engine is not None else []
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No experiments stored yet.")
        if engine is None:
            click.echo(f"(no database at {display_url(resolve_url(db))} yet)", err=True)
        return
    print_table(experiments_table(rows))


@results_group.command("show")
@EXPERIMENT_ID
@DB_OPTION
@click.option(
    "--point",
    default=None,
    type=int,
    help="Show the comparison table at this sweep point [default: a sweep's per-point table; 0 otherwise].",
)
@json_option("Print the comparison (or a sweep's per-point) table as JSON.")
@lang_option
def show_command(experiment_id: int, db: str | None, point: int | None, as_json: bool, lang: str) -> None:
    """Show an experiment: its settings and the comparison table (for a sweep, each outcome per point and
    jurisdiction, and its Sobol' indices)."""
    from credsup.i18n import language
    from credsup.results.store import load_experiment
    from credsup.results.sweep_table import is_sweep
    from credsup.results.table import comparison, comparison_json
    from credsup.results.terminal import print_comparison

    language_ = language(lang)
    if _is_calibration(db, experiment_id):
        _show_calibration(db, experiment_id, as_json)
        return
    results = load_experiment(_engine(db), experiment_id)
    sweep = is_sweep(results) and point is None
    if point is not None and point not in {p["index"] for p in results.points}:
        raise InputError(f"experiment {experiment_id} has no point {point} (points 0-{len(results.points) - 1})")
    exp = results.experiment
    runs = {"status": exp["status"], "completeness": results.completeness.as_dict()}
    if sweep and as_json:
        from credsup.cli.sweep_cmds import show_sweep

        show_sweep(results, as_json=True, extra={"experiment": experiment_id, **runs}, lang=language_)
        return
    table = comparison(results, point or 0, lang=language_)
    if as_json:
        click.echo(json.dumps({"experiment": experiment_id, **runs, **comparison_json(table)}, indent=2))
        return
    failed = [r for r in results.runs if r["status"] == "failed"]
    what = f"sweep {exp['name']}, {len(results.points)} points, " if exp["kind"] == "sweep" else ""
    click.echo(
        f"Experiment {exp['id']} ({exp['kind']}, {exp['status']}): {what}scenario {exp['scenario']}, "
        f"{exp['replications']} replications, seed {exp['seed']}"
    )
    if exp["status"] == "interrupted" and exp["error"]:
        click.echo(f"  interrupted: {exp['error']}")
    note = completeness_note(results, db)
    if note:
        click.echo(f"  {note}")
    click.echo(f"  command: {exp['command']}")
    for r in failed:
        at = f" point {r['point']}" if exp["kind"] == "sweep" else ""
        click.echo(f"  failed: {r['jurisdiction']}{at} replication {r['replication']}: {r['error']}")
    click.echo("")
    if sweep:
        from credsup.cli.sweep_cmds import show_sweep

        show_sweep(results, as_json=False, lang=language_)
        click.echo("\n" + language_.gettext("(--point N shows the jurisdictions compared at point N)"))
        return
    if point is not None and exp["kind"] == "sweep":
        params = next(p["parameters"] for p in results.points if p["index"] == point)
        click.echo(f"Point {point}: " + ", ".join(f"{k} = {v}" for k, v in params.items()) + "\n")
    print_comparison(table, language_)


@results_group.command("export")
@EXPERIMENT_ID
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "parquet"]),
    default="csv",
    show_default=True,
    help="csv: one tidy table; json: everything; parquet: one tidy table, typed (needs -o).",
)
@click.option(
    "--table",
    type=click.Choice(["summary", "periods", "grades", "points", "sensitivity", "runs"]),
    default="summary",
    show_default=True,
    help="Which table to export as CSV or Parquet (points and sensitivity: sweeps; sensitivity: Sobol' designs).",
)
@output_file_option()
@force_option
@json_option("The same as --format json.")
def export_command(
    experiment_id: int, db: str | None, fmt: str, table: str, output: str | None, force: bool, as_json: bool
) -> None:
    """Export an experiment's metrics as CSV or Parquet (one tidy table) or JSON (everything).

    Written to stdout, or with -o FILE to that file (whole or not at all; never over the database,
    and over an existing file only with --force)."""
    from credsup.core.files import check_output_file, write_atomic
    from credsup.results.db import sqlite_path
    from credsup.results.export import to_csv, to_json, to_parquet
    from credsup.results.store import load_experiment

    if as_json:
        fmt = "json"
    database = sqlite_path(db)
    check_output_file(
        "-o", output, force=force, inputs=[("the results database", database)] if database is not None else []
    )
    if fmt == "parquet" and output is None:
        raise InputError("--format parquet writes a binary file: give -o FILE")
    results = load_experiment(_engine(db), experiment_id)
    note = completeness_note(results, db)
    if note:  # a CSV has no place for it: say it on stderr (the JSON export holds it as "completeness")
        click.echo(f"Warning: experiment {experiment_id}: {note}", err=True)
    data: str | bytes
    if fmt == "parquet":
        data = to_parquet(results, table)
    else:
        data = to_json(results) if fmt == "json" else to_csv(results, table)
    if output is None:
        assert isinstance(data, str)
        click.echo(data, nl=False)
        return
    write_atomic(output, data)
    click.echo(f"wrote {output}", err=True)


@results_group.command("report")
@EXPERIMENT_ID
@DB_OPTION
@out_dir_option("Folder for report.html and the plots.", default="report")
@force_option
@report_options
def report_command(experiment_id: int, db: str | None, out: str, force: bool, lang: str, templates: str | None) -> None:
    """Write the HTML report and the plots (PNG and SVG) of a stored experiment (for a sweep: its
    report.html, points.csv, sweep.json and its plots, with the Sobol' indices of a Sobol' design).

    The folder may be new, empty, or one credsup wrote before (it holds a .credsup-output file);
    any other folder needs --force."""
    from credsup.i18n import language
    from credsup.results.output import check_report_prerequisites, guard_output_dir, write_outputs
    from credsup.results.store import load_experiment

    language_ = language(lang)
    check_report_prerequisites(language_, templates_tuple(templates))
    out_dir = guard_output_dir(out, db, force=force)
    assert out_dir is not None
    if _is_calibration(db, experiment_id):
        from credsup.calibration.calibrate import analyse
        from credsup.calibration.report import write_outputs as write_calibration
        from credsup.results.store import read_experiment

        engine = _engine(db)
        record, _ = read_experiment(engine, experiment_id)
        paths = write_calibration(
            analyse(engine, experiment_id), record, out_dir, language_, templates_tuple(templates)
        )
        click.echo(f"wrote {', '.join(sorted(paths))} in {out_dir}", err=True)
        return
    results = load_experiment(_engine(db), experiment_id)
    note = completeness_note(results, db)
    if note:
        click.echo(f"Warning: experiment {experiment_id}: {note}", err=True)
    if results.experiment["kind"] == "sweep":
        from credsup.results.sweep_plots import write_sweep_outputs

        written = write_sweep_outputs(results, out_dir, lang=language_, templates=templates_tuple(templates))
        click.echo(f"wrote {', '.join(sorted(written))} in {out_dir}", err=True)
        return
    report = write_outputs(results, out_dir, lang=language_, templates=templates_tuple(templates))
    click.echo(f"wrote {report}", err=True)


def can_ask() -> bool:
    """Whether there is a person to ask: standard input is a terminal."""
    import sys

    return sys.stdin.isatty()


@results_group.command("delete")
@EXPERIMENT_ID
@DB_OPTION
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
def delete_command(experiment_id: int, db: str | None, yes: bool) -> None:
    """Delete experiment ID with all its runs and metrics from the database.

    Asks first, showing what would go (--yes does not ask; without a terminal to ask on, --yes is
    required). An experiment that another live process is running is refused."""
    from credsup.experiments.runner import refuse_if_running
    from credsup.results.db import display_url, resolve_url
    from credsup.results.store import delete_experiment, list_experiments, read_experiment

    engine = _engine(db)
    record, _ = read_experiment(engine, experiment_id)
    refuse_if_running(record)
    row = next(r for r in list_experiments(engine) if r["id"] == experiment_id)
    what = (
        f"experiment {experiment_id} ({row['kind']} {row['name'] or row['scenario']}, {row['runs']} run(s), "
        f"created {row['created_at']}) from {display_url(resolve_url(db))}"
    )
    if not yes:
        if not can_ask():
            raise InputError(f"not deleting {what}: add --yes to delete without being asked")
        if not click.confirm(f"Delete {what}?", default=False, err=True):
            click.echo("Nothing deleted.", err=True)
            raise SystemExit(1)
    delete_experiment(engine, experiment_id)
    click.echo(f"deleted {what}", err=True)


@results_group.command("path")
@DB_OPTION
@json_option("Print the location and whether it exists as JSON.")
def path_command(db: str | None, as_json: bool) -> None:
    """Print where the results database is: --db, else $CREDSUP_DB, else credsup.db in your data
    folder (a file path for SQLite, the URL without its password otherwise). Creates nothing."""
    from credsup.results.db import display_url, resolve_url, sqlite_path

    path = sqlite_path(db)
    shown = str(path) if path is not None else display_url(resolve_url(db))
    if as_json:
        exists = path.is_file() if path is not None else None
        click.echo(json.dumps({"database": shown, "url": display_url(resolve_url(db)), "exists": exists}, indent=2))
        return
    click.echo(shown)


def _is_calibration(db: str | None, experiment_id: int) -> bool:
    from credsup.results.store import read_experiment

    record, _ = read_experiment(_engine(db), experiment_id)
    return record["kind"] == "calibrate"


def _show_calibration(db: str | None, experiment_id: int, as_json: bool) -> None:
    """A calibration's result (docs/calibration.md), rebuilt from the database."""
    from credsup.calibration.calibrate import analyse
    from credsup.cli.calibrate_cmds import show
    from credsup.results.store import read_experiment

    engine = _engine(db)
    record, _ = read_experiment(engine, experiment_id)
    show(analyse(engine, experiment_id), record, as_json)


COMMANDS = [results_group]
