"""``credsup results list | show ID | export ID | report ID``: what is stored in the results database."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

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
    help="Results database: a SQLAlchemy URL or a SQLite file path (default: $CREDSUP_DB or ./credsup.db).",
)


def _engine(db: str | None) -> Engine:
    from credsup.results.db import open_database

    return open_database(db)


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
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_command(db: str | None, as_json: bool) -> None:
    """List stored experiments, newest first.

    RUNS is the number of finished runs; "115/120" when fewer than planned are stored, "+2!" when runs
    failed. An experiment whose process ended without finishing it shows as interrupted."""
    from credsup.results.store import list_experiments

    rows = list_experiments(_engine(db))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No experiments stored yet.")
        return
    click.echo(f"{'id':>4}  {'kind':<8} {'scenario':<12} {'status':<11} {'runs':>9}  {'created':<19}  jurisdictions")
    for r in rows:
        runs = f"{r['runs']}" if r["runs"] >= r["planned_runs"] else f"{r['runs']}/{r['planned_runs']}"
        runs += f"+{r['failed_runs']}!" if r["failed_runs"] else ""
        click.echo(
            f"{r['id']:>4}  {r['kind']:<8} {r['scenario']:<12} {r['status']:<11} {runs:>9}  "
            f"{r['created_at']:<19}  {', '.join(r['jurisdictions'])}"
        )


@results_group.command("show")
@click.argument("experiment_id", type=int)
@DB_OPTION
@click.option(
    "--point",
    default=None,
    type=int,
    help="Show the comparison table at this sweep point [default: a sweep's per-point table; 0 otherwise].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison (or a sweep's per-point) table as JSON.")
@lang_option
def show_command(experiment_id: int, db: str | None, point: int | None, as_json: bool, lang: str) -> None:
    """Show an experiment: its settings and the comparison table (for a sweep, each outcome per point and
    jurisdiction, and its Sobol' indices)."""
    from credsup.i18n import language
    from credsup.results.store import load_experiment
    from credsup.results.sweep_table import is_sweep
    from credsup.results.table import comparison, comparison_json, render_text

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
    click.echo(render_text(table, language_), nl=False)


@results_group.command("export")
@click.argument("experiment_id", type=int)
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "--table",
    type=click.Choice(["summary", "periods", "grades", "points", "sensitivity"]),
    default="summary",
    show_default=True,
    help="Which table to export as CSV (points and sensitivity: sweeps; sensitivity: Sobol' designs).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file instead of standard output.",
)
def export_command(experiment_id: int, db: str | None, fmt: str, table: str, out: str | None) -> None:
    """Export an experiment's metrics as CSV (one tidy table) or JSON (everything)."""
    from credsup.results.export import to_csv, to_json
    from credsup.results.store import load_experiment

    results = load_experiment(_engine(db), experiment_id)
    text = to_json(results) if fmt == "json" else to_csv(results, table)
    note = completeness_note(results, db)
    if note:  # a CSV has no place for it: say it on stderr (the JSON export holds it as "completeness")
        click.echo(f"Warning: experiment {experiment_id}: {note}", err=True)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"wrote {out}", err=True)


@results_group.command("report")
@click.argument("experiment_id", type=int)
@DB_OPTION
@click.option("--out", "out_dir", default="report", show_default=True, help="Folder for report.html and the plots.")
@report_options
def report_command(experiment_id: int, db: str | None, out_dir: str, lang: str, templates: str | None) -> None:
    """Write the HTML report and the plots (PNG and SVG) of a stored experiment (for a sweep: its
    report.html, points.csv, sweep.json and its plots, with the Sobol' indices of a Sobol' design)."""
    from credsup.i18n import language
    from credsup.results.output import check_report_prerequisites, write_outputs
    from credsup.results.store import load_experiment

    language_ = language(lang)
    check_report_prerequisites(language_, templates_tuple(templates))
    if _is_calibration(db, experiment_id):
        from credsup.calibration.calibrate import analyse
        from credsup.calibration.report import write_outputs as write_calibration
        from credsup.results.store import read_experiment

        engine = _engine(db)
        record, _ = read_experiment(engine, experiment_id)
        paths = write_calibration(
            analyse(engine, experiment_id), record, Path(out_dir), language_, templates_tuple(templates)
        )
        click.echo(f"wrote {', '.join(sorted(paths))} in {out_dir}", err=True)
        return
    results = load_experiment(_engine(db), experiment_id)
    note = completeness_note(results, db)
    if note:
        click.echo(f"Warning: experiment {experiment_id}: {note}", err=True)
    if results.experiment["kind"] == "sweep":
        from credsup.results.sweep_plots import write_sweep_outputs

        written = write_sweep_outputs(results, Path(out_dir), lang=language_, templates=templates_tuple(templates))
        click.echo(f"wrote {', '.join(sorted(written))} in {out_dir}", err=True)
        return
    report = write_outputs(results, Path(out_dir), lang=language_, templates=templates_tuple(templates))
    click.echo(f"wrote {report}", err=True)


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
