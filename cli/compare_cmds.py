"""``credsup compare``: how do these regional models compare on my scenario?"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from credsup.cli.batch_options import BATCH_MEMORY_OPTION
from credsup.cli.report_options import report_options, templates_tuple
from credsup.cli.results_cmds import DB_OPTION, completeness_note, resume_hint
from credsup.core.errors import InputError

if TYPE_CHECKING:
    from credsup.experiments.runner import Tally


@click.command("compare")
@click.option(
    "--scenario",
    "-s",
    default="demo",
    show_default=True,
    metavar="NAME|FILE",
    help="Built-in scenario name or scenario file.",
)
@click.option(
    "--jurisdiction",
    "-j",
    "jurisdictions",
    multiple=True,
    metavar="NAME[+REFORM]",
    help="Jurisdiction to compare (repeatable; the first is the baseline), with reforms: national+my-reform. "
    "Default: every installed one, traditional first.",
)
@click.option(
    "--replications",
    "-r",
    default=5,
    show_default=True,
    type=int,
    help="Runs per jurisdiction, each on its own seed (shared by all jurisdictions).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Seed of the experiment (default: fresh entropy, printed so it can be reused).",
)
@click.option(
    "--workers", "-w", default=1, show_default=True, type=click.IntRange(min=1), help="Parallel worker processes."
)
@BATCH_MEMORY_OPTION
@DB_OPTION
@click.option(
    "--out", "out", default=None, metavar="DIR", help="Write report.html and the plots (PNG, SVG) into this folder."
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="[J:]KEY.PATH=VALUE",
    help="Override a parameter: scenario.<path>=v, <path>=v (every jurisdiction that has it), "
    "<jurisdiction>:<path>=v. Repeatable; values are TOML literals.",
)
@click.option(
    "--resume",
    "resume_id",
    type=int,
    default=None,
    metavar="ID",
    help="Run only what is missing (or failed) of stored comparison ID, after an interruption (even kill -9); "
    "its scenario, jurisdictions, replications, seed and --set come from the database.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@report_options
@click.pass_context
def compare_command(
    ctx: click.Context,
    scenario: str,
    jurisdictions: tuple[str, ...],
    replications: int,
    seed: int | None,
    workers: int,
    batch_memory: str | None,
    db: str | None,
    out: str | None,
    overrides: tuple[str, ...],
    resume_id: int | None,
    as_json: bool,
    lang: str,
    templates: str | None,
) -> None:
    """Run every jurisdiction on the same scenario, R replications each, and compare them.

    All jurisdictions share the population draws and random streams of each replication (common random
    numbers), so a difference is the policy, not luck. Prints each metric's mean and 95% confidence
    interval per jurisdiction, the paired difference to the first (baseline) jurisdiction, the effort
    each spent, and the conclusion in words. The experiment is stored in the results database (see
    `credsup results`).
    """
    from credsup.experiments.batching import parse_memory
    from credsup.experiments.compare import output_dir, prepare, prepare_resume, resume_compare, start
    from credsup.experiments.executors import local_executor
    from credsup.experiments.runner import run_experiment
    from credsup.i18n import language
    from credsup.results.db import display_url, open_database, resolve_url
    from credsup.results.store import load_experiment, read_experiment, stored_runs
    from credsup.results.table import comparison, comparison_json, render_text

    language_ = language(lang)
    memory = None if batch_memory is None else parse_memory(batch_memory)
    if resume_id is None:
        prepared = prepare(scenario, jurisdictions, replications=replications, seed=seed, set_texts=overrides)
    else:
        given = [
            f"--{name.replace('_', '-')}"
            for name in ("scenario", "jurisdictions", "replications", "seed", "overrides")
            if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
        ]
        if given:
            raise InputError(
                f"--resume takes the comparison's scenario, jurisdictions, replications, seed and --set from the "
                f"database: drop {', '.join(given).replace('--jurisdictions', '-j').replace('--overrides', '--set')}"
            )
    out_path = output_dir(out)
    if out_path is not None:  # a missing font or template folder stops us before anything runs
        from credsup.results.output import check_report_prerequisites

        check_report_prerequisites(language_, templates_tuple(templates))
    engine = open_database(db)
    if resume_id is not None:
        prepared = prepare_resume(engine, resume_id)
    if seed is None and resume_id is None:
        click.echo(f"seed: {prepared.seed} (pass --seed {prepared.seed} to repeat this comparison)", err=True)
    names = ", ".join(j.name for j in prepared.jurisdictions)
    total = len(prepared.tasks())
    click.echo(
        f"comparing {names} on {prepared.scenario.scenario}: {prepared.replications} replication(s) each, "
        f"{workers} worker(s)",
        err=True,
    )
    executor = local_executor(workers) if memory is None else local_executor(workers, memory)
    if resume_id is None:
        exp_id = start(engine, prepared, executor)
    else:
        exp_id = resume_id
        stored = len(stored_runs(engine, resume_id))
        click.echo(f"resuming experiment {resume_id}: {stored} run(s) stored, {total - stored} to run", err=True)
    try:
        if resume_id is None:
            label = f"{prepared.scenario.scenario}: runs"
            tally = run_experiment(engine, exp_id, prepared.tasks(), executor, label=label)
        else:
            tally = resume_compare(engine, resume_id, prepared, executor=executor)
    except KeyboardInterrupt:
        record, _ = read_experiment(engine, exp_id)
        click.echo(
            f"interrupted with {len(stored_runs(engine, exp_id))} of {total} run(s) stored; resume with: "
            f"{resume_hint(record, db)}",
            err=True,
        )
        raise
    results = load_experiment(engine, exp_id)
    table = comparison(results, lang=language_)
    report = None
    if out_path is not None and results.completeness.stored:
        from credsup.results.output import write_outputs  # matplotlib only when plots are wanted

        report = write_outputs(results, out_path, lang=language_, templates=templates_tuple(templates))
    note = completeness_note(results, db)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "experiment": exp_id,
                    "database": display_url(resolve_url(db)),
                    "scenario": prepared.scenario.scenario,
                    "seed": prepared.seed,
                    "replications": prepared.replications,
                    "command": prepared.command(),
                    "status": results.experiment["status"],
                    "completeness": results.completeness.as_dict(),
                    "failed_runs": tally.errors,
                    "report": str(report) if report else None,
                    **comparison_json(table),
                },
                indent=2,
            )
        )
    else:
        if note:
            click.echo(note)
        click.echo(render_text(table, language_), nl=False)
    click.echo(
        f"stored as experiment {exp_id} in {display_url(resolve_url(db))}" + (f"; report: {report}" if report else ""),
        err=True,
    )
    report_failures(tally, exp_id)


def report_failures(tally: Tally, exp_id: int) -> None:
    """Name the failed runs (the first ten) on stderr and exit 1, if any run failed."""
    if tally.failed:
        for line in tally.errors[:10]:
            click.echo(f"failed: {line}", err=True)
        if len(tally.errors) > 10:
            click.echo(f"... and {len(tally.errors) - 10} more (credsup results show {exp_id})", err=True)
        click.echo(f"Error: {tally.failed} of {tally.failed + tally.ok} run(s) failed", err=True)
        sys.exit(1)


COMMANDS = [compare_command]
