"""``credsup sweep``: vary a policy's levers over a design of points, on local processes or a Dask cluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from credsup.cli.batch_options import BATCH_MEMORY_OPTION
from credsup.cli.compare_cmds import report_failures
from credsup.cli.completion import complete_sweeps
from credsup.cli.options import force_option, json_option, out_dir_option, set_option, verbosity_options
from credsup.cli.progress import Reporter
from credsup.cli.report_options import report_options, templates_tuple
from credsup.cli.results_cmds import DB_OPTION, completeness_note, resume_hint
from credsup.core.errors import InputError
from credsup.core.params import MAX_SEED

if TYPE_CHECKING:
    from credsup.i18n import Lang
    from credsup.results.store import ExperimentResults


@click.command("sweep")
@click.argument("spec", metavar="SPEC", shell_complete=complete_sweeps)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes [default: 1]; with --dask-local, the LocalCluster's worker "
    "processes [default: one per core].",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help='Run on the Dask cluster of this scheduler (pip install "credsup[dask]" here and on every worker).',
)
@click.option("--dask-local", is_flag=True, help="Start a Dask LocalCluster on this machine and run on it.")
@BATCH_MEMORY_OPTION
@DB_OPTION
@click.option(
    "--resume",
    "resume_id",
    type=int,
    default=None,
    metavar="ID",
    help="Run only what is missing of stored sweep ID (after an interruption, even kill -9).",
)
@click.option(
    "--seed",
    type=click.IntRange(0, MAX_SEED),
    default=None,
    help="Seed of the sweep [default: the spec's, else fresh entropy, printed so it can be reused].",
)
@set_option(
    scenario=True,
    help="Override a value at every point, as in the spec's [fixed] table (repeatable): scenario.<path>=v, "
    "<path>=v in every jurisdiction that has it, <jurisdiction>:<path>=v in that one only. Values are TOML literals.",
)
@out_dir_option("Write report.html, points.csv, sweep.json and the plots (and the Sobol' indices) into this folder.")
@force_option
@json_option("Print the per-point table (and indices) as JSON.")
@report_options
@verbosity_options
def sweep_command(
    spec: str,
    workers: int | None,
    scheduler: str | None,
    dask_local: bool,
    batch_memory: str | None,
    db: str | None,
    resume_id: int | None,
    seed: int | None,
    overrides: tuple[str, ...],
    out: str | None,
    force: bool,
    as_json: bool,
    lang: str,
    templates: str | None,
) -> None:
    """Run the sweep in SPEC (a sweep file, or a shipped example's name): every point of its design, for
    each jurisdiction and replication.

    Every point's parameters are validated before anything runs. Each finished run is stored at once in
    the results database, so an interrupted sweep (Ctrl-C, a lost machine, kill -9) keeps its runs and
    --resume ID runs only the rest. The numbers do not depend on the executor or the number of workers.
    Prints each outcome's mean and 95% confidence interval per point and jurisdiction, and for a Sobol'
    design the first-order and total Sobol' indices. docs/sweeps.md has the spec format.
    """
    from credsup.experiments.batching import parse_memory
    from credsup.experiments.executors import open_executor
    from credsup.experiments.sweep import prepare, prepare_resume, run, start
    from credsup.i18n import language
    from credsup.results.db import display_url, open_database, resolve_url
    from credsup.results.store import load_experiment, read_experiment, stored_runs

    if scheduler is not None and (dask_local or workers is not None):
        raise InputError("--scheduler runs on that cluster's workers: give it without --dask-local or --workers")
    language_ = language(lang)
    reporter = Reporter.from_context()
    out_path = None
    if out is not None:  # a missing font or template folder, a folder not ours: stop before anything runs
        from credsup.results.output import check_report_prerequisites, guard_output_dir

        check_report_prerequisites(language_, templates_tuple(templates))
    if resume_id is None:
        prepared = prepare(spec, seed=seed, set_texts=overrides)
        if out is not None:
            out_path = guard_output_dir(out, db, force=force)
        engine = open_database(db)
    else:
        if out is not None:
            out_path = guard_output_dir(out, db, force=force)
        engine = open_database(db)
        prepared = prepare_resume(engine, resume_id, spec, seed=seed, set_texts=overrides)
    where = display_url(resolve_url(db))
    if seed is None and prepared.sweep.spec.seed is None and resume_id is None:
        reporter.note(f"seed: {prepared.seed} (pass --seed {prepared.seed} to repeat this sweep)")
    memory = None if batch_memory is None else parse_memory(batch_memory)
    with open_executor(workers or 1, scheduler=scheduler, dask_local=dask_local, memory=memory) as executor:
        executor.check([j.name for j in prepared.jurisdictions])
        dashboard = getattr(executor, "dashboard", None)
        if dask_local:
            reporter.note(
                f"Dask dashboard: {dashboard}" if dashboard else "Dask dashboard: not available (pip install bokeh)"
            )
        exp_id = resume_id if resume_id is not None else start(engine, prepared, executor)
        stored = len(stored_runs(engine, exp_id))
        reporter.note(
            f"sweep {prepared.sweep.name}: {len(prepared.points)} point(s) x {len(prepared.jurisdictions)} "
            f"jurisdiction(s) x {prepared.replications} replication(s) = {prepared.total_runs} runs on "
            f"{executor.describe()}; experiment {exp_id} in {where}"
        )
        if resume_id is not None:
            reporter.note(f"resuming: {stored} run(s) stored, {prepared.total_runs - stored} to run")
        try:
            with reporter.task(f"sweep {prepared.sweep.name}: runs", prepared.total_runs) as task:
                task.update(stored)
                tally = run(engine, exp_id, prepared, executor, progress=lambda d, _t: task.update(stored + d))
        except KeyboardInterrupt:
            record, _ = read_experiment(engine, exp_id)
            click.echo(
                f"interrupted with {len(stored_runs(engine, exp_id))} of {prepared.total_runs} run(s) "
                f"stored; resume with: {resume_hint(record, db, spec)}",
                err=True,
            )
            raise
    results = load_experiment(engine, exp_id)
    note = completeness_note(results, db)
    if note and not as_json:
        click.echo(note)
    show_sweep(
        results,
        as_json,
        extra={
            "experiment": exp_id,
            "database": where,
            "sweep": prepared.sweep.name,
            "seed": prepared.seed,
            "command": prepared.command(),
            "points": len(prepared.points),
            "runs": prepared.total_runs,
            "status": results.experiment["status"],
            "completeness": results.completeness.as_dict(),
            "failed_runs": tally.errors,
        },
        out_path=out_path if tally.ok + stored else None,
        lang=language_,
        templates=templates_tuple(templates),
    )
    reporter.note(f"stored as experiment {exp_id} in {where}")
    report_failures(tally, exp_id)


def show_sweep(
    results: ExperimentResults,
    as_json: bool,
    extra: dict[str, Any] | None = None,
    out_path: Path | None = None,
    lang: Lang | None = None,
    templates: tuple[str, ...] = (),
) -> None:
    """Print a stored sweep's per-point table and any Sobol' indices (also ``credsup results show``);
    with ``out_path``, write its files (and its report page) there first."""
    from credsup.results.sensitivity import has_indices, render_indices, sobol_indices
    from credsup.results.sweep_table import MAX_TEXT_POINTS, point_summary, points_json, render_points

    summary = point_summary(results)
    indices = sobol_indices(results) if has_indices(results) else None
    written: dict[str, Path] = {}
    if out_path is not None:
        from credsup.results.sweep_plots import write_sweep_outputs

        written = write_sweep_outputs(results, out_path, lang=lang, templates=templates)
    if as_json:
        from credsup.results.store import jsonable

        click.echo(
            json.dumps(
                {
                    **(extra or {}),
                    "design": results.experiment["settings"].get("design"),
                    "outputs": {k: str(v) for k, v in written.items()},
                    **points_json(summary),
                    "sensitivity": jsonable(indices),
                },
                indent=2,
            )
        )
        return
    if len(results.points) <= MAX_TEXT_POINTS:
        click.echo(render_points(summary, lang), nl=False)
    else:
        exp = results.experiment["id"]
        click.echo(
            f"{len(results.points)} points: the per-point table is in `credsup results export {exp} "
            "--table points` (and points.csv with --out)."
        )
    if indices is not None:
        click.echo("")
        click.echo(render_indices(indices, lang=lang), nl=False)
    if written:
        click.echo(f"wrote {', '.join(sorted(written))} in {out_path}", err=True)


def _frontier(spec: str, **options: Any) -> None:
    from credsup.experiments.spec import load_spec, sweep_path

    if not load_spec(sweep_path(spec)).spec.frontier:
        raise InputError(f"{spec}: not a frontier spec (add `frontier = true`, or run it with `credsup sweep`)")
    click.get_current_context().invoke(sweep_command, spec=spec, **options)


frontier_command = click.Command(
    "frontier",
    callback=_frontier,
    params=[click.Argument(["spec"], default="frontier", required=False, metavar="[SPEC]")]
    + [p for p in sweep_command.params if p.name != "spec"],
    help="The efficiency frontier: each jurisdiction's outcomes (violation prevalence, undetected exposure, hit "
    "rate, compliant burden) against the inspections it spends per 1,000 enterprise-years, over a range of "
    "inspector capacity, with intervals; --out writes its page (report.html) and plots/frontier.png. SPEC is a "
    "sweep spec with `frontier = true` [default: the shipped `frontier`]. Stored and resumable like any sweep "
    "(--resume ID); docs/results.md, 'Efficiency frontier'.",
    short_help="Outcomes against inspections spent, over inspector capacity.",
)


COMMANDS = [sweep_command, frontier_command]
