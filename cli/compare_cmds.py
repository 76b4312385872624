"""``credsup compare``: how do these regional models compare on my scenario?"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from credsup.cli.batch_options import BATCH_MEMORY_OPTION
from credsup.cli.completion import complete_jurisdictions, complete_scenarios
from credsup.cli.options import force_option, json_option, out_dir_option, set_option, verbosity_options
from credsup.cli.progress import Reporter
from credsup.cli.report_options import report_options, templates_tuple
from credsup.cli.results_cmds import DB_OPTION, completeness_note, resume_hint
from credsup.core.errors import InputError
from credsup.core.params import MAX_SEED

if TYPE_CHECKING:
    from credsup.experiments.runner import Tally


@click.command("compare")
@click.option(
    "--scenario",
    "-s",
    default="demo",
    show_default=True,
    metavar="NAME|FILE",
    shell_complete=complete_scenarios,
    help="A built-in scenario (see `credsup scenarios`) or a scenario TOML file.",
)
@click.option(
    "--jurisdiction",
    "-j",
    "jurisdictions",
    multiple=True,
    metavar="NAME[+REFORM]",
    shell_complete=complete_jurisdictions,
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
    type=click.IntRange(0, MAX_SEED),
    default=None,
    help="Seed of the experiment (default: fresh entropy, printed so it can be reused).",
)
@click.option(
    "--workers", "-w", default=1, show_default=True, type=click.IntRange(min=1), help="Parallel worker processes."
)
@BATCH_MEMORY_OPTION
@DB_OPTION
@out_dir_option("Write report.html and the plots (PNG, SVG) into this folder.")
@force_option
@set_option(scenario=True)
@click.option(
    "--resume",
    "resume_id",
    type=int,
    default=None,
    metavar="ID",
    help="Run only what is missing (or failed) of stored comparison ID, after an interruption (even kill -9); "
    "its scenario, jurisdictions, replications, seed and --set come from the database.",
)
@click.option(
    "--equal-effort",
    "equal_effort",
    is_flag=True,
    help="Compare at equal effort: scale each jurisdiction's random checks (one factor each, found by root "
    "finding on the common random numbers) until its total inspections match the baseline's within 1 %.",
)
@json_option("Print the comparison as JSON.")
@report_options
@verbosity_options
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
    force: bool,
    overrides: tuple[str, ...],
    resume_id: int | None,
    equal_effort: bool,
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
    from credsup.experiments.compare import (
        prepare,
        prepare_resume,
        resume_compare,
        run_equal_effort,
        start,
    )
    from credsup.experiments.executors import local_executor
    from credsup.experiments.runner import run_experiment
    from credsup.i18n import language
    from credsup.results.db import display_url, open_database, resolve_url
    from credsup.results.store import load_experiment, read_experiment, stored_runs
    from credsup.results.table import comparison, comparison_json
    from credsup.results.terminal import print_comparison

    language_ = language(lang)
    memory = None if batch_memory is None else parse_memory(batch_memory)
    if resume_id is None:
        prepared = prepare(
            scenario,
            jurisdictions,
            replications=replications,
            seed=seed,
            set_texts=overrides,
            equal_effort=equal_effort,
        )
    else:
        given = [
            f"--{name.replace('_', '-')}"
            for name in ("scenario", "jurisdictions", "replications", "seed", "overrides", "equal_effort")
            if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
        ]
        if given:
            raise InputError(
                f"--resume takes the comparison's scenario, jurisdictions, replications, seed, --set and "
                "--equal-effort from the "
                f"database: drop {', '.join(given).replace('--jurisdictions', '-j').replace('--overrides', '--set')}"
            )
    if out is not None:  # a missing font or template folder, a folder not ours: stop before anything runs
        from credsup.results.output import check_report_prerequisites, guard_output_dir

        check_report_prerequisites(language_, templates_tuple(templates))
        out_path = guard_output_dir(out, db, force=force)
    else:
        out_path = None
    reporter = Reporter.from_context()
    engine = open_database(db)
    if resume_id is not None:
        prepared = prepare_resume(engine, resume_id)
    if seed is None and resume_id is None:
        reporter.note(f"seed: {prepared.seed} (pass --seed {prepared.seed} to repeat this comparison)")
    names = ", ".join(j.name for j in prepared.jurisdictions)
    total = len(prepared.tasks())
    reporter.note(
        f"comparing {names} on {prepared.scenario.scenario}: {prepared.replications} replication(s) each, "
        f"{workers} worker(s)"
    )
    executor = local_executor(workers, memory=memory)
    if resume_id is None and prepared.equal_effort:
        reporter.note("equal effort: finding each jurisdiction's random-check factor (each try runs every replication)")
        try:
            exp_id, tally, prepared = run_equal_effort(engine, prepared, executor, say=reporter.note)
        except KeyboardInterrupt:
            click.echo("interrupted during the equal-effort search: nothing was stored", err=True)
            raise
    elif resume_id is None:
        exp_id = start(engine, prepared, executor)
    else:
        exp_id = resume_id
        stored = len(stored_runs(engine, resume_id))
        reporter.note(f"resuming experiment {resume_id}: {stored} run(s) stored, {total - stored} to run")
    reporter.detail(f"experiment {exp_id} in {display_url(resolve_url(db))}")
    label = f"{prepared.scenario.scenario}: runs"
    try:
        if resume_id is None and prepared.equal_effort:
            pass  # searched and stored above
        else:
            with reporter.task(label, total) as task:
                if resume_id is None:
                    tally = run_experiment(
                        engine, exp_id, prepared.tasks(), executor, label=label, progress=task.update
                    )
                else:
                    task.update(stored, total)
                    tally = resume_compare(
                        engine, resume_id, prepared, executor=executor, progress=lambda d, _t: task.update(stored + d)
                    )
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
        print_comparison(table, language_)
    reporter.note(
        f"stored as experiment {exp_id} in {display_url(resolve_url(db))}" + (f"; report: {report}" if report else "")
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
