"""``credsup run``: play one jurisdiction against one scenario and report the supervision metrics."""

from __future__ import annotations

import json
from typing import Any

import click
import numpy as np

from credsup.cli.completion import complete_jurisdictions, complete_scenarios
from credsup.cli.options import json_option, set_option, verbosity_options
from credsup.cli.progress import Reporter
from credsup.core.jurisdiction import load_jurisdiction, params_class_of
from credsup.core.params import MAX_SEED
from credsup.simulation.metrics import GRADE_LABELS, METRIC_INFO, METRICS
from credsup.simulation.overrides import load_scenario_set, split_overrides
from credsup.simulation.runner import RunResult, run_simulation


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def result_json(result: RunResult, *, timings: bool) -> dict[str, Any]:
    """What ``--json`` prints: identity, metrics, per period and per grade (timings on request). The
    seed is the integer given to ``--seed`` (as everywhere); ``spawn_key`` places the run in a seed tree."""
    entropy = result.seed.get("entropy") if isinstance(result.seed, dict) else result.seed
    out = {
        "scenario": result.scenario,
        "jurisdiction": result.jurisdiction,
        "version": result.jurisdiction_version,
        "seed": entropy,
        "spawn_key": result.seed.get("spawn_key", []) if isinstance(result.seed, dict) else [],
        "enterprises": result.enterprises,
        "months": result.months,
        "warmup_months": result.warmup_months,
        "metrics": result.summary,
        "periods": result.periods,
        "grades": result.grades,
        "sources": result.sources,
        "counts": result.counts,
        "jurisdiction_params": result.jurisdiction_params,
    }
    if timings:
        out["timings"] = result.timings
        out["hooks"] = result.hooks
    return out


def print_summary(result: RunResult, seed_text: str) -> None:
    click.echo(f"{result.scenario} x {result.jurisdiction} {result.jurisdiction_version}, seed {seed_text}")
    warm = f", after a {result.warmup_months}-month warm-up" if result.warmup_months else ""
    click.echo(
        f"{result.enterprises:,} enterprises x {result.months} months "
        f"({result.enterprise_periods:,} enterprise-months measured{warm}) in {result.timings['total']:.1f} s"
    )
    click.echo("")
    width = max(len(label) for label, _ in METRIC_INFO.values())
    for key in METRICS:
        label, unit = METRIC_INFO[key]
        click.echo(f"  {label:<{width}}  {_fmt(result.summary[key]):>9}  {unit}")
    click.echo("")
    click.echo(f"  {'grade':<9}{'share':>8}{'inspections':>13}{'hit rate':>10}{'prevalence':>12}{'burden':>9}")
    for label in GRADE_LABELS:
        g = result.grades[label]
        if not g["enterprise_share"]:
            continue
        click.echo(
            f"  {label:<9}{g['enterprise_share']:>8.1%}{g['inspections']:>13,.0f}{_fmt(g['hit_rate']):>10}"
            f"{_fmt(g['violation_prevalence']):>12}{_fmt(g['compliant_burden']):>9}"
        )
    click.echo("")
    grades = [g for g in GRADE_LABELS[1:] if result.grades[g]["enterprise_share"]]
    click.echo(f"  {'source':<15}{'inspections':>13}{'hit rate':>10}" + "".join(f"{'hit ' + g:>9}" for g in grades))
    for source, f in result.sources.items():
        if not f["inspections"]:
            continue
        per_grade = "".join(f"{_fmt(f['grades'][g]['hit_rate']):>9}" for g in grades)
        click.echo(f"  {source:<15}{f['inspections']:>13,.0f}{_fmt(f['hit_rate']):>10}{per_grade}")


@click.command("run")
@click.option(
    "--scenario",
    "-s",
    "scenario",
    required=True,
    metavar="NAME|FILE",
    shell_complete=complete_scenarios,
    help="A built-in scenario (see `credsup scenarios`) or a scenario TOML file.",
)
@click.option(
    "--jurisdiction",
    "-j",
    "jurisdiction",
    required=True,
    metavar="NAME[+REFORM]",
    shell_complete=complete_jurisdictions,
    help="An installed jurisdiction (see `credsup plugins`), with reforms: national+my-reform.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, MAX_SEED),
    default=None,
    help="Seed of the run's random streams (default: fresh entropy, printed so it can be reused).",
)
@set_option(scenario=True)
@json_option("Print the metrics as JSON on stdout.")
@click.option("--timings", is_flag=True, help="With --json: add wall-clock timings and per-hook statistics.")
@verbosity_options
def run_command(
    scenario: str, jurisdiction: str, seed: int | None, overrides: tuple[str, ...], as_json: bool, timings: bool
) -> None:
    """Simulate a scenario under one jurisdiction and report supervision-efficiency metrics.

    The same seed gives the same numbers. Progress goes to stderr: a bar on a terminal, a line every
    few seconds in a log (-q for none).
    """
    # NAME or NAME+REFORM...; an unknown, disabled or broken one raises the kernel's own error
    scenario_overrides, per = split_overrides(overrides, {jurisdiction: params_class_of(jurisdiction)})
    sc = load_scenario_set(scenario, scenario_overrides)
    j = load_jurisdiction(jurisdiction, overrides=per[jurisdiction])
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    with Reporter.from_context().task(f"{sc.scenario} x {j.name}: months", sc.months) as task:
        result = run_simulation(sc, j, seed, progress=task.update)
    if as_json:
        click.echo(json.dumps(result_json(result, timings=timings), indent=2, ensure_ascii=False))
    else:
        print_summary(result, str(seed))


COMMANDS = [run_command]
