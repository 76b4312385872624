"""Registry mode: `credsup grade`, `credsup plan`, `credsup repair-check` and `credsup registry ...`.

The same jurisdiction plugin that decides in the simulator decides here, on a real registry: a folder
of CSV files or a database URL (`docs/registry.md`). Data (CSV, or JSON with `--json`) goes to `-o FILE`
or stdout; progress, the summary, skipped rows and notes go to stderr. Output files are written whole or
not at all, with the umask's permissions, never over one of the command's own inputs, and over another
existing file only with `--force`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from credsup.cli.completion import complete_jurisdictions
from credsup.cli.options import (
    config_option,
    force_option,
    json_option,
    out_dir_option,
    output_file_option,
    set_option,
    verbosity_options,
)
from credsup.cli.progress import Reporter
from credsup.core.batch import Period
from credsup.core.errors import InputError, Problem
from credsup.core.jurisdiction import Jurisdiction, load_jurisdiction, params_class_of
from credsup.core.overrides import jurisdiction_overrides

# --------------------------------------------------------------------------------------- helpers


def jurisdiction_of(name: str, config: str | None, sets: Sequence[str], as_of: dt.date | None = None) -> Jurisdiction:
    """The jurisdiction ``name`` (``NAME[+REFORM]...``) with its parameters as in force on ``as_of`` and
    the ``--set`` overrides (the one grammar: ``path=v`` or ``<name>:path=v``)."""
    overrides = jurisdiction_overrides(name, sets, params_class_of(name))
    return load_jurisdiction(name, config=config, overrides=overrides, as_of=as_of)


def write_atomic(path: str | Path, text: str | Iterable[str]) -> None:
    """:func:`credsup.core.files.write_atomic`: whole or not at all, with the umask's permissions."""
    from credsup.core.files import write_atomic as write

    write(path, text)


def emit(text: str | Iterable[str], out: str | None) -> None:
    """Data (a string or chunks of one) to ``--out`` (atomically) or to stdout."""
    if out:
        write_atomic(out, text)
    else:
        for chunk in [text] if isinstance(text, str) else text:
            click.echo(chunk, nl=False)


def guard_outputs(
    outputs: dict[str, str | None],
    registry: str,
    inspectors: str | None = None,
    jurisdiction: Jurisdiction | None = None,
    *,
    force: bool = True,
) -> None:
    """Refuse, before any work, an output that would write over one of the command's inputs: a table
    of the registry (or its database file), the inspectors file, a jurisdiction parameter file; and,
    without ``force``, an output file that exists."""
    from credsup.core.files import check_output_file, refuse_overwriting_inputs
    from credsup.registry.output import registry_inputs

    inputs = registry_inputs(registry)
    if inspectors and "://" in inspectors:
        inputs += [("the inspectors database", p) for _what, p in registry_inputs(inspectors)]
    elif inspectors:
        inputs.append(("the inspectors file", Path(inspectors)))
    if jurisdiction is not None:
        inputs += [("a parameter file of the jurisdiction", Path(f)) for f in jurisdiction.config.files]
    refuse_overwriting_inputs(outputs, inputs)
    for option, path in outputs.items():
        check_output_file(option, path, force=force)


def say(text: str = "") -> None:
    """A summary line on stderr (silenced by -q)."""
    Reporter.from_context().note(text)


def report_loading(registry: Any, skipped: Sequence[Problem] = ()) -> None:
    """Every skipped row (never a silent drop), and notes about files that were not read."""
    for note in registry.notes:
        say(f"note: {note}")
    rows = [*registry.skipped, *skipped]
    if rows:
        say(f"skipped {len(rows)} bad row(s):")
        for p in rows:
            say(f"  {p}")


def _date_option(name: str, help_text: str) -> Any:
    return click.option(
        name, "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD", help=help_text
    )


def _as_date(value: dt.datetime | None, option: str = "--as-of") -> dt.date:
    """The date of an option (today if not given), within the dates a registry may hold."""
    from credsup.registry.load import check_date

    day = value.date() if value is not None else dt.date.today()
    check_date(day, option)
    return day


def common(fn: Any) -> Any:
    """Options every registry command shares."""
    fn = click.option(
        "--skip-bad-rows", is_flag=True, help="Leave bad rows out (and list every one on stderr) instead of stopping."
    )(fn)
    fn = set_option()(fn)
    fn = config_option(fn)
    fn = verbosity_options(fn)
    return click.option(
        "-j",
        "--jurisdiction",
        "name",
        required=True,
        metavar="NAME[+REFORM]",
        shell_complete=complete_jurisdictions,
        help="Jurisdiction plugin to decide with, with reforms: national+my-reform (parameters in force on the date).",
    )(fn)


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


# ------------------------------------------------------------------------------------------ grade


@click.command("grade")
@click.argument("registry")
@common
@_date_option("--as-of", "Evaluation date, YYYY-MM-DD (default: today).")
@output_file_option("Write the grades here instead of stdout.")
@force_option
@json_option("Write the grades as JSON (one object per enterprise) instead of CSV.")
def grade_command(
    registry: str,
    name: str,
    config_path: str | None,
    overrides: tuple[str, ...],
    skip_bad_rows: bool,
    as_of: dt.datetime | None,
    output: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Grade every enterprise of REGISTRY and say which indicators decided each grade.

    REGISTRY is a folder of CSV files or a database URL. One row per enterprise: enterprise, grade,
    previous_grade, demonstration, decided_by (the indicators whose removal changes the grade, or that
    alone force it, each with the grade it would get), then one column per record indicator
    (violation counts, flags, listed_until, banned_until ...; docs/registry.md lists them).
    """
    from credsup.registry.grading import evaluate, explain, grade_table
    from credsup.registry.load import load_registry
    from credsup.registry.output import csv_chunks, json_chunks
    from credsup.registry.summary import summarise

    reporter = Reporter.from_context()
    day = _as_date(as_of)
    j = jurisdiction_of(name, config_path, overrides, day)
    guard_outputs({"-o": output}, registry, jurisdiction=j, force=force)
    with reporter.step(f"reading {registry}"):
        reg = load_registry(registry, skip_bad_rows=skip_bad_rows, as_of=day)
    report_loading(reg)
    with reporter.step(f"summarising the records of {len(reg):,} enterprise(s)"):
        batch = summarise(reg, day)
    ids, n = reg.ids, len(reg)
    del reg  # its events are in the summary now: let their memory go before the reasons are worked out
    with reporter.step(f"grading with {j.name}"):
        evaluation = evaluate(j, batch, day)
    with reporter.step("finding the indicators that decided each grade"):
        reasons = explain(evaluation)
    table = grade_table(evaluation, reasons, ids)
    with reporter.step("writing the grades"):
        if as_json:
            head = {"jurisdiction": j.name, "version": j.version, "as_of": day.isoformat()}
            emit(json_chunks(head, table, key="enterprises", lists=("decided_by",)), output)
        else:
            emit(csv_chunks(table), output)
    counts = [int((evaluation.grades == g).sum()) for g in range(4)]
    say(
        f"graded {n} enterprise(s) as of {day} with {j.name} {j.version}: "
        + ", ".join(f"{letter} {c} ({_pct(c, n)})" for letter, c in zip("ABCD", counts, strict=True))
    )
    say(f"demonstration enterprises: {int(evaluation.after.demonstration.sum())}")
    if reasons.deciding:
        top = sorted(reasons.deciding.items(), key=lambda kv: (-kv[1], kv[0]))
        say("indicators that decided grades: " + ", ".join(f"{k} {v}" for k, v in top))
    else:
        say("no indicator changes any grade: the grades do not depend on the record")


# ------------------------------------------------------------------------------------------- plan


@click.command("plan")
@click.argument("registry")
@common
@click.option("--inspectors", required=True, help="Inspectors file (CSV, docs/registry.md) or a database URL.")
@click.option("--period", required=True, help="Planning period: a quarter (2027Q1), a month (2027-03) or a year.")
@click.option("--seed", required=True, type=click.IntRange(min=0), help="Seed of the draw (published with the plan).")
@output_file_option("Write the plan here instead of stdout.")
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write the summary, seed and input hashes as JSON here.",
)
@force_option
@json_option("Write the plan as JSON: its summary, seed and input hashes, and plan, one object per inspection.")
def plan_command(
    registry: str,
    name: str,
    config_path: str | None,
    overrides: tuple[str, ...],
    skip_bad_rows: bool,
    inspectors: str,
    period: str,
    seed: int,
    output: str | None,
    summary_path: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Draw the period's "double random, one public" inspection plan (seed 003 para 11).

    REGISTRY is a folder of CSV files or a database URL (docs/registry.md); it needs a checklist.
    Enterprises are drawn with the jurisdiction's inspection probability (0 exempt, 1 full coverage);
    each inspection gets two random inspectors of the right department and qualifications, free of
    conflicts of interest and within capacity; what cannot be staffed is listed, not overbooked. The
    seed and the SHA-256 of every input are printed: the same inputs and seed give the same plan, byte
    for byte (the SHA-256 is the CSV's).
    """
    from credsup.registry.load import load_inspectors, load_registry
    from credsup.registry.output import json_chunks
    from credsup.registry.plan import COLUMNS, draw_plan, publication

    reporter = Reporter.from_context()
    try:
        per = Period.parse(period)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    from credsup.registry.load import check_date

    check_date(per.start, f"--period {period}: its first day")
    check_date(per.end, f"--period {period}: its end")
    j = jurisdiction_of(name, config_path, overrides, per.start)
    guard_outputs({"-o": output, "--summary": summary_path}, registry, inspectors, j, force=force)
    with reporter.step(f"reading {registry}"):
        reg = load_registry(registry, skip_bad_rows=skip_bad_rows, need=("checklist",), as_of=per.start)
    with reporter.step(f"reading {inspectors}"):
        insp, insp_input, insp_skipped = load_inspectors(inspectors, reg, skip_bad_rows=skip_bad_rows)
    report_loading(reg, insp_skipped)
    with reporter.step(f"drawing the plan of {len(reg):,} enterprise(s) with {j.name}"):
        plan = draw_plan(reg, j, insp, per, seed)
    text = plan.csv_text()
    s = publication(plan, reg, insp_input, j, overrides=overrides, skipped_rows=len(reg.skipped) + len(insp_skipped))
    if as_json:
        emit(json_chunks(s, {c: plan.columns[c] for c in COLUMNS}, key="plan"), output)
    else:
        emit(text, output)
    if summary_path:
        write_atomic(summary_path, json.dumps(s, indent=2, ensure_ascii=False) + "\n")
    for line in plan_summary_lines(s, registry, inspectors, output):
        say(line)


def plan_summary_lines(s: dict[str, Any], registry: str, inspectors: str, out: str | None) -> list[str]:
    """The plan's summary as text: what was drawn, what was staffed, and how to re-draw it."""
    from credsup.registry.plan import redraw_command

    u = s["unstaffed"]
    unstaffed = sum(u.values())
    lines = [
        f"plan {s['period']} ({s['period_start']} to {s['period_end']}) with {s['jurisdiction']} "
        f"{s['jurisdiction_version']}, seed {s['seed']}",
        f"enterprises: {s['enterprises']}; exempt (probability 0) {s['exempt']}; full coverage (probability 1) "
        f"{s['full_coverage']}; drawn {s['drawn']} (expected {s['expected_drawn']})",
        "drawn by grade: " + ", ".join(f"{g} {v['drawn']}/{v['enterprises']}" for g, v in s["by_grade"].items()),
        f"inspections: {s['inspections']} in {s['visits']} visit(s) (joint visits: "
        f"{'yes' if s['joint_visits'] else 'no'}); staffed {s['staffed']}; unstaffed {unstaffed}"
        + (
            f" (no capacity {u['no_capacity']}, conflict {u['conflict']}, no qualified inspector "
            f"{u['no_qualified_inspector']})"
            if unstaffed
            else ""
        ),
    ]
    if s["drawn_without_item"]:
        lines.append(f"drawn enterprises with no checklist item for their sector: {s['drawn_without_item']}")
    lines.append(
        f"inspectors: {s['inspectors']}, {s['inspectors_used']} used; {s['assignments']} of "
        f"{s['capacity']} capacity booked, at most {s['max_load']} per inspector"
    )
    lines.append("inputs (SHA-256):")
    for i in s["inputs"]:
        lines.append(f"  {i['sha256']}  {i['source']} ({i['rows']} rows)")
    for c in s["jurisdiction_config"]:
        lines.append(f"  {c['sha256']}  {c['source']}")
    lines.append("plugin code (SHA-256 of its module files):")
    for layer in s["plugin_code"]:
        lines.append(
            f"  {layer['sha256']}  {layer['layer']}: {layer['distribution']} {layer['version']}, "
            f"{len(layer['modules'])} file(s)"
        )
    lines.append(f"plan SHA-256: {s['plan_sha256']}" + (f"  {out}" if out else ""))
    lines.append(f"re-draw: {redraw_command(s, registry, inspectors)}")
    return lines


# ------------------------------------------------------------------------------------ repair-check


@click.command("repair-check")
@click.argument("registry")
@click.argument("enterprise_id")
@common
@_date_option("--as-of", "Date of the check, YYYY-MM-DD (default: today).")
@json_option()
def repair_check_command(
    registry: str,
    enterprise_id: str,
    name: str,
    config_path: str | None,
    overrides: tuple[str, ...],
    skip_bad_rows: bool,
    as_of: dt.datetime | None,
    as_json: bool,
) -> None:
    """May ENTERPRISE_ID's records be repaired? Eligible or not, the earliest date, what is missing.

    REGISTRY is a folder of CSV files or a database URL. Each penalty on display and each active
    listing is checked as a repair application filed on the date, with the conditions the registry
    shows as met, by the jurisdiction's repair rules.
    """
    from credsup.registry.load import load_registry
    from credsup.registry.repair import check_repair

    day = _as_date(as_of)
    j = jurisdiction_of(name, config_path, overrides, day)
    reg = load_registry(registry, skip_bad_rows=skip_bad_rows, as_of=day)
    report_loading(reg)
    result = check_repair(reg, j, enterprise_id, day)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{result.enterprise} as of {result.as_of} under {result.jurisdiction}:")
    if not result.records:
        click.echo("  nothing to repair: no penalty on display and no active listing")
    for r in result.records:
        when = f"earliest {r.earliest}" if r.earliest else "cannot be repaired"
        missing = f"; missing: {', '.join(r.missing)}" if r.missing else ""
        met = f"; met: {', '.join(r.fulfilled)}" if r.fulfilled else ""
        review = f"; decided within {r.review_working_days} working day(s)" if r.status != "refused" else ""
        click.echo(f"  {r.record} {r.id} ({r.severity}, {r.recorded}): {r.status}; {when}{missing}{met}{review}")
    for region in result.other_regions:
        click.echo(f"  on the dishonesty list of {region}: repaired there, not here")
    if result.records:
        verdict = "yes" if result.eligible else "no"
        earliest = f"; earliest date for all: {result.earliest}" if result.earliest else ""
        missing = f"; still missing: {', '.join(result.missing)}" if result.missing else ""
        click.echo(f"eligible: {verdict}{earliest}{missing}")


# -------------------------------------------------------------------------------- registry group


@click.group("registry")
def registry_group() -> None:
    """Generate, check and convert registries (the input of grade, plan and repair-check)."""


@registry_group.command("generate")
@click.option("--enterprises", "n", required=True, type=click.IntRange(min=1), help="Number of enterprises.")
@click.option("--seed", required=True, type=click.IntRange(min=0), help="Seed (the same seed gives the same files).")
@out_dir_option("Folder to write the CSV files into.", required=True)
@_date_option("--as-of", "Last day of the history, YYYY-MM-DD (default: 2026-12-31).")
@click.option("--years", default=4, show_default=True, type=click.IntRange(1, 40), help="Years of history.")
@force_option
@verbosity_options
def generate_command(n: int, seed: int, out: str, as_of: dt.datetime | None, years: int, force: bool) -> None:
    """Write a realistic synthetic registry: enterprises, their credit events, checklist and inspectors.

    The folder may be new, empty, or one credsup wrote before (it holds a .credsup-output file); any
    other folder needs --force."""
    from credsup.core.files import check_output_dir, claim_output_dir
    from credsup.registry.generate import generate, write_csv

    reporter = Reporter.from_context()
    day = _as_date(as_of) if as_of else dt.date(2026, 12, 31)
    folder = check_output_dir("--out", out, force=force)
    assert folder is not None
    with reporter.step(f"generating {n:,} enterprise(s) with {years} year(s) of history"):
        tables = generate(n, seed, day, years)
    claim_output_dir(folder)
    with reporter.step(f"writing the CSV files into {out}"):
        try:
            paths = write_csv(tables, folder)
        except OSError as exc:
            raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    for p in paths:
        rows = len(next(iter(tables[p.stem].values())))
        say(f"wrote {p} ({rows} rows)")


@registry_group.command("check")
@click.argument("registry")
@click.option("--inspectors", default=None, help="Also check this inspectors file.")
@click.option("--skip-bad-rows", is_flag=True, help="List bad rows as skipped instead of failing.")
@json_option("Print the tables read, their rows and SHA-256, and the bad rows as JSON.")
def check_command(registry: str, inspectors: str | None, skip_bad_rows: bool, as_json: bool) -> None:
    """Check every table of REGISTRY: one line per bad row (file:line: column: problem)."""
    from credsup.registry.load import load_inspectors, load_registry

    reg = load_registry(registry, skip_bad_rows=skip_bad_rows)
    skipped: tuple[Problem, ...] = ()
    inputs = list(reg.inputs)
    if inspectors:
        _frame, record, skipped = load_inspectors(inspectors, reg, skip_bad_rows=skip_bad_rows)
        inputs.append(record)
    bad = len(reg.skipped) + len(skipped)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "registry": registry,
                    "enterprises": len(reg),
                    "inputs": [{"source": i.where, "rows": i.rows, "sha256": i.sha256} for i in inputs],
                    "notes": list(reg.notes),
                    "bad_rows": [str(p) for p in (*reg.skipped, *skipped)],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    report_loading(reg, skipped)
    for i in inputs:
        click.echo(f"{i.where}: {i.rows} rows, sha256 {i.sha256}")
    click.echo(f"{len(reg)} enterprise(s); {bad} bad row(s)" + (" skipped" if bad else ""))


@registry_group.command("summary")
@click.argument("registry")
@_date_option("--as-of", "Date of the summary, YYYY-MM-DD (default: today).")
@output_file_option("Write the summary here instead of stdout.")
@click.option("--skip-bad-rows", is_flag=True, help="Leave bad rows out (and list every one).")
@force_option
@json_option("Write the summary as JSON (one object per enterprise) instead of CSV.")
def summary_command(
    registry: str, as_of: dt.datetime | None, output: str | None, skip_bad_rows: bool, force: bool, as_json: bool
) -> None:
    """The record summary the hooks see (docs/batch.md columns), one row per enterprise, as CSV: sizes
    by name (micro .. large), grades as letters, sectors and regions by name, dates as YYYY-MM-DD."""
    from credsup.registry.load import load_registry
    from credsup.registry.output import batch_table, csv_chunks, json_chunks
    from credsup.registry.summary import summarise

    guard_outputs({"-o": output}, registry, force=force)
    day = _as_date(as_of)
    reg = load_registry(registry, skip_bad_rows=skip_bad_rows, as_of=day)
    report_loading(reg)
    table = batch_table(summarise(reg, day), reg.ids)
    if as_json:
        emit(json_chunks({"as_of": day.isoformat()}, table, key="enterprises"), output)
    else:
        emit(csv_chunks(table), output)


@registry_group.command("to-sql")
@click.argument("registry")
@click.argument("url")
@click.option("--inspectors", default=None, help="Also copy this inspectors file (as table inspectors).")
def to_sql_command(registry: str, url: str, inspectors: str | None) -> None:
    """Copy a checked registry (a CSV folder) into an empty database at URL, in one transaction."""
    from credsup.registry.load import load_inspectors, load_registry
    from credsup.registry.reading import sqlite_file
    from credsup.registry.sql import copy_to_sql

    db = sqlite_file(url)
    guard_outputs({"URL": str(db) if db is not None else None}, registry, inspectors)
    reg = load_registry(registry, keep_cells=True)
    frame = load_inspectors(inspectors, reg, keep_cells=True)[0] if inspectors else None
    for table, rows in copy_to_sql(reg, url, frame).items():
        say(f"{table}: {rows} rows")


COMMANDS = [grade_command, plan_command, repair_check_command, registry_group]
