"""``credsup calibrate`` and ``credsup fit``: a scenario against observed figures (docs/calibration.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from credsup.cli.batch_options import BATCH_MEMORY_OPTION
from credsup.cli.options import force_option, out_dir_option, set_option, verbosity_options
from credsup.cli.progress import Reporter
from credsup.cli.report_options import report_options, templates_tuple
from credsup.cli.results_cmds import DB_OPTION, db_hint
from credsup.core.errors import InputError

EXECUTOR_OPTIONS = [
    click.option(
        "--workers",
        "-w",
        type=click.IntRange(min=1),
        default=None,
        help="Local worker processes [default: 1]; with --dask-local, the LocalCluster's processes.",
    ),
    click.option("--scheduler", metavar="tcp://HOST:PORT", default=None, help="Run on this Dask cluster."),
    click.option("--dask-local", is_flag=True, help="Start a Dask LocalCluster on this machine and run on it."),
    BATCH_MEMORY_OPTION,
]


def executor_options(command: Any) -> Any:
    for option in reversed(EXECUTOR_OPTIONS):
        command = option(command)
    return command


@click.command("calibrate")
@click.argument("file", metavar="TARGETS|SPEC", required=False)
@click.option("--scenario", "-s", default=None, help="The scenario to calibrate: a built-in name or a file.")
@click.option(
    "--jurisdiction",
    "-j",
    default=None,
    help="Jurisdiction to simulate under [default: the one the targets were observed under].",
)
@click.option(
    "--free",
    multiple=True,
    metavar="KEY=LOW..HIGH",
    help="A parameter to fit within a range, keyed as for --set (repeatable): scenario.<path> or a "
    "parameter of the jurisdiction.",
)
@click.option("--replications", "-r", type=click.IntRange(min=2), default=None, help="Runs per point [default: 4].")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed [default: fresh entropy, printed].")
@click.option(
    "--design-points",
    type=click.IntRange(min=1),
    default=None,
    help="Points of the start design [twice a quadratic's coefficients, at least 16].",
)
@click.option(
    "--max-evaluations", type=click.IntRange(min=1), default=None, help="Points the surface search may evaluate [40]."
)
@set_option(scenario=True)
@executor_options
@DB_OPTION
@click.option("--resume", "resume_id", type=int, default=None, metavar="ID", help="Go on with stored calibration ID.")
@out_dir_option("Write report.html, fit.csv, calibration.json, scenario.toml and the plots into this folder.")
@force_option
@click.option(
    "--write-scenario",
    default=None,
    metavar="FILE",
    help="Write the calibrated scenario (the base file with the fitted values and their source) to FILE.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@report_options
@verbosity_options
def calibrate_command(
    file: str | None,
    scenario: str | None,
    jurisdiction: str | None,
    free: tuple[str, ...],
    replications: int | None,
    seed: int | None,
    design_points: int | None,
    max_evaluations: int | None,
    overrides: tuple[str, ...],
    workers: int | None,
    scheduler: str | None,
    dask_local: bool,
    batch_memory: str | None,
    db: str | None,
    resume_id: int | None,
    out: str | None,
    force: bool,
    write_scenario: str | None,
    as_json: bool,
    lang: str,
    templates: str | None,
) -> None:
    """Fit free scenario parameters so that simulated outcomes match observed figures.

    TARGETS is a targets file (configs/targets/ has the shipped ones: name them without a path), SPEC a
    calibration spec naming the targets, scenario and free parameters. Simulated method of moments on
    common random numbers: a Sobol' start design, then the minimum of a quadratic response surface of the
    outcomes, every run stored in the results database. Prints the best parameters with their posterior intervals, what the targets
    leave undetermined, and the fit table; --resume ID goes on after any interruption (even kill -9).
    """
    from credsup.calibration.calibrate import prepare, prepare_resume, run, start
    from credsup.experiments.batching import parse_memory
    from credsup.experiments.executors import open_executor
    from credsup.i18n import language
    from credsup.results.db import display_url, open_database, resolve_url
    from credsup.results.store import read_experiment

    if scheduler is not None and (dask_local or workers is not None):
        raise InputError("--scheduler runs on that cluster's workers: give it without --dask-local or --workers")
    memory = None if batch_memory is None else parse_memory(batch_memory)
    language_ = language(lang)
    if out is not None:
        from credsup.results.output import check_report_prerequisites

        check_report_prerequisites(language_, templates_tuple(templates))
    if resume_id is None:
        if file is None:
            raise InputError("name a targets file or a calibration spec (or --resume ID)")
        prepared = prepare(
            file,
            scenario=scenario,
            jurisdiction=jurisdiction,
            free=free,
            set_texts=overrides,
            replications=replications,
            seed=seed,
            design_points=design_points,
            max_evaluations=max_evaluations,
        )
        _check_outputs(prepared, write_scenario)
        out_path = _guard_out(out, db, force, prepared)
        engine = open_database(db)
    else:
        if file is not None or free or scenario or jurisdiction:
            raise InputError(
                "--resume ID goes on with what the calibration stored: give no targets, --scenario, --free"
            )
        engine = open_database(db)
        prepared = prepare_resume(engine, resume_id)
        _check_outputs(prepared, write_scenario)
        out_path = _guard_out(out, db, force, prepared)
    reporter = Reporter.from_context()
    where = display_url(resolve_url(db))
    if seed is None and resume_id is None:
        reporter.note(f"seed: {prepared.seed} (pass --seed {prepared.seed} to repeat this calibration)")
    with open_executor(
        workers or 1, scheduler=scheduler, dask_local=dask_local, memory=memory, keep_workers=True
    ) as executor:
        executor.check([prepared.jurisdiction.name])
        exp_id = resume_id if resume_id is not None else start(engine, prepared, executor)
        reporter.note(
            f"calibration {prepared.name}: {len(prepared.free)} free parameter(s), {len(prepared.targets.figures)} "
            f"target(s), {prepared.settings.replications} replications per point, on {executor.describe()}; "
            f"experiment {exp_id} in {where}"
        )
        try:
            result = run(engine, exp_id, prepared, executor, say=reporter.note)
        except KeyboardInterrupt:
            extra, note = db_hint(db)
            reporter.note(
                f"interrupted; resume with: credsup calibrate --resume {exp_id}{''.join(' ' + w for w in extra)}{note}"
            )
            raise
    record, _ = read_experiment(engine, exp_id)
    written: dict[str, Path] = {}
    if write_scenario:
        written["scenario"] = _write_scenario(prepared, result, exp_id, Path(write_scenario))
    if out_path is not None:
        from credsup.calibration.report import write_outputs

        written.update(write_outputs(result, record, out_path, language_, templates_tuple(templates)))
        if not write_scenario:
            written["scenario.toml"] = _write_scenario(prepared, result, exp_id, out_path / "scenario.toml")
    show(result, record, as_json, written)
    reporter.note(f"stored as experiment {exp_id} in {where}")


#: What ``credsup calibrate --out DIR`` writes there (besides ``plots/``): none of it may be an input.
CALIBRATION_OUTPUTS = ("report.html", "plots", "fit.csv", "calibration.json", "scenario.toml")


def _guard_out(out: str | None, db: str | None, force: bool, prepared: Any) -> Path | None:
    """``--out DIR`` as every command checks it (never over the results database, the scenario or the
    targets file; a folder credsup did not write only with --force), after the inputs are known to be
    good, so bad input creates nothing."""
    if out is None:
        return None
    from credsup.core.files import check_output_dir, claim_output_dir
    from credsup.results.db import sqlite_path
    from credsup.simulation.scenario import scenario_path

    database = sqlite_path(db)
    inputs = [
        ("the scenario being calibrated", Path(str(scenario_path(prepared.scenario_ref)))),
        ("the targets file", Path(prepared.targets.path)),
    ]
    if database is not None:
        inputs.append(("the results database", database))
    folder = check_output_dir("--out", out, force=force, inputs=inputs, names=CALIBRATION_OUTPUTS)
    assert folder is not None
    claim_output_dir(folder)
    return folder


def _check_outputs(prepared: Any, write_scenario: str | None) -> None:
    """--write-scenario never writes over the base scenario or the targets file (checked before running)."""
    if not write_scenario:
        return
    from credsup.registry.output import refuse_overwriting_inputs
    from credsup.simulation.scenario import scenario_path

    refuse_overwriting_inputs(
        {"--write-scenario": write_scenario},
        [
            ("the scenario being calibrated", Path(str(scenario_path(prepared.scenario_ref)))),
            ("the targets file", Path(prepared.targets.path)),
        ],
    )
    if not any(f.key.startswith("scenario.") for f in prepared.free):
        raise InputError("--write-scenario: no free parameter is a scenario value (scenario.<path>): nothing to write")


def _write_scenario(prepared: Any, result: Any, exp_id: int, path: Path) -> Path:
    from credsup.calibration.calibrate import calibrated_source
    from credsup.calibration.scenario_out import write_calibrated
    from credsup.simulation.overrides import SCENARIO_PREFIX, load_scenario_set

    source = calibrated_source(prepared.targets_ref, exp_id)
    values = [
        (f.key[len(SCENARIO_PREFIX) :], result.parameters[f.key], source)
        for f in prepared.free
        if f.key.startswith(SCENARIO_PREFIX)
    ]
    fixed = [
        (k, v, f"calibration setting of experiment {exp_id}: --set scenario.{k}={v!r}")
        for k, v in prepared.fixed_scenario
    ]
    resolved = load_scenario_set(prepared.scenario_ref, [*prepared.fixed_scenario, *((k, v) for k, v, _ in values)])
    # the jurisdiction's fitted values are not scenario values: the check must set them
    sets = "".join(
        f" --set {f.key}={result.parameters[f.key]:.6g}" for f in prepared.free if not f.key.startswith(SCENARIO_PREFIX)
    )
    header = (
        f"Calibrated by credsup calibrate (experiment {exp_id}) to {prepared.targets_ref}; each fitted value carries its\n"
        f"source. Check it with: credsup fit {prepared.targets_ref} --scenario {path}{sets}"
    )
    if sets:
        header += (
            "\n(the --set values are the jurisdiction's fitted parameters: not scenario values, so not written here)"
        )
    return write_calibrated(prepared.scenario_ref, resolved, [*fixed, *values], path, header)


def show(result: Any, record: dict[str, Any], as_json: bool, written: dict[str, Path] | None = None) -> None:
    """Print a calibration's result (also ``credsup results show ID``)."""
    from credsup.calibration.text import calibration_text

    if as_json:
        click.echo(
            json.dumps(
                {
                    **result.as_dict(),
                    "command": record["command"],
                    "outputs": {k: str(v) for k, v in (written or {}).items()},
                },
                indent=2,
                default=str,
            )
        )
        return
    click.echo(calibration_text(result, record["command"]), nl=False)
    if written:
        click.echo(f"wrote {', '.join(str(p) for p in written.values())}", err=True)


@click.command("fit")
@click.argument("targets", metavar="TARGETS")
@click.option("--scenario", "-s", required=True, help="The scenario to check: a built-in name or a file.")
@click.option(
    "--jurisdiction",
    "-j",
    default=None,
    help="Jurisdiction to simulate under [default: the one the targets were observed under].",
)
@click.option("--replications", "-r", type=click.IntRange(min=2), default=10, show_default=True, help="Runs.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True, help="Seed of the runs.")
@click.option(
    "--level", type=click.FloatRange(0.5, 0.9999), default=0.95, show_default=True, help="Confidence of the verdicts."
)
@set_option(scenario=True)
@executor_options
@click.option("--json", "as_json", is_flag=True, help="Print the fit table and verdicts as JSON.")
def fit_command(
    targets: str,
    scenario: str,
    jurisdiction: str | None,
    replications: int,
    seed: int,
    level: float,
    overrides: tuple[str, ...],
    workers: int | None,
    scheduler: str | None,
    dask_local: bool,
    batch_memory: str | None,
    as_json: bool,
) -> None:
    """Check a scenario against a targets file without fitting anything.

    Runs the scenario under the targets' jurisdiction (with the policy they were observed under), and
    prints each figure observed against simulated with intervals, its standardised residual and verdict,
    and the overall J statistic. Exit status 1 when a figure is missed beyond its uncertainty or the
    J test rejects (a gate for CI); nothing is stored.
    """
    from credsup.calibration.calibrate import fit
    from credsup.calibration.text import fit_text
    from credsup.experiments.batching import parse_memory
    from credsup.experiments.executors import open_executor

    if scheduler is not None and (dask_local or workers is not None):
        raise InputError("--scheduler runs on that cluster's workers: give it without --dask-local or --workers")
    memory = None if batch_memory is None else parse_memory(batch_memory)
    with open_executor(workers or 1, scheduler=scheduler, dask_local=dask_local, memory=memory) as executor:
        result = fit(
            targets,
            scenario,
            executor,
            jurisdiction=jurisdiction,
            set_texts=overrides,
            replications=replications,
            seed=seed,
            level=level,
        )
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, default=str))
    else:
        click.echo(fit_text(result), nl=False)
    if result.table.verdict != "fits":
        sys.exit(1)


COMMANDS = [calibrate_command, fit_command]
