"""``credsup results list | show ID | export ID | report ID``: what is stored in the results database."""

from __future__ import annotations

import json
from pathlib import Path

import click

from credsup.core.errors import InputError

DB_OPTION = click.option(
    "--db", "db", default=None, metavar="URL",
    help="Results database: a SQLAlchemy URL or a SQLite file path (default: $CREDSUP_DB or ./credsup.db).")


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    from credsup.results.db import open_database

    return open_database(db)


@click.group("results")
def results_group() -> None:
    """Experiments stored in the results database."""


@results_group.command("list")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_command(db: str | None, as_json: bool) -> None:
    """List stored experiments, newest first."""
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
        runs = f"{r['runs']}" + (f"+{r['failed_runs']}!" if r["failed_runs"] else "")
        click.echo(f"{r['id']:>4}  {r['kind']:<8} {r['scenario']:<12} {r['status']:<11} {runs:>9}  "
                   f"{r['created_at']:<19}  {', '.join(r['jurisdictions'])}")


@results_group.command("show")
@click.argument("experiment_id", type=int)
@DB_OPTION
@click.option("--point", default=0, show_default=True, help="Sweep point to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison table as JSON.")
def show_command(experiment_id: int, db: str | None, point: int, as_json: bool) -> None:
    """Show an experiment: its settings and the comparison table."""
    from credsup.results.store import load_experiment
    from credsup.results.table import comparison, comparison_json, render_text

    results = load_experiment(_engine(db), experiment_id)
    table = comparison(results, point)
    if as_json:
        click.echo(json.dumps({"experiment": experiment_id, **comparison_json(table)}, indent=2))
        return
    exp = results.experiment
    failed = [r for r in results.runs if r["status"] == "failed"]
    click.echo(f"Experiment {exp['id']} ({exp['kind']}, {exp['status']}): scenario {exp['scenario']}, "
               f"{exp['replications']} replications, seed {exp['seed']}")
    click.echo(f"  command: {exp['command']}")
    for r in failed:
        click.echo(f"  failed: {r['jurisdiction']} replication {r['replication']}: {r['error']}")
    click.echo("")
    click.echo(render_text(table), nl=False)


@results_group.command("export")
@click.argument("experiment_id", type=int)
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--table", type=click.Choice(["summary", "periods", "grades"]), default="summary",
              show_default=True, help="Which table to export as CSV.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def export_command(experiment_id: int, db: str | None, fmt: str, table: str, out: str | None) -> None:
    """Export an experiment's metrics as CSV (one tidy table) or JSON (everything)."""
    from credsup.results.export import to_csv, to_json
    from credsup.results.store import load_experiment

    results = load_experiment(_engine(db), experiment_id)
    text = to_json(results) if fmt == "json" else to_csv(results, table)
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
@click.option("--out", "out_dir", default="report", show_default=True,
              help="Folder for report.html and the plots.")
def report_command(experiment_id: int, db: str | None, out_dir: str) -> None:
    """Write the HTML report and the plots (PNG and SVG) of a stored experiment."""
    from credsup.results.output import write_outputs
    from credsup.results.store import load_experiment

    results = load_experiment(_engine(db), experiment_id)
    report = write_outputs(results, Path(out_dir))
    click.echo(f"wrote {report}", err=True)


COMMANDS = [results_group]
