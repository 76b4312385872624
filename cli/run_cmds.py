"""``credsup run``: play one jurisdiction against one scenario and report the supervision metrics."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
import numpy as np

from credsup.core.jurisdiction import load_jurisdiction, params_class_of
from credsup.simulation.metrics import GRADE_LABELS, METRIC_INFO, METRICS
from credsup.simulation.overrides import load_scenario_set, split_overrides
from credsup.simulation.runner import RunResult, run_simulation


@contextmanager
def progress_bar(total_label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for ``progress(done, total)`` callbacks; nothing when not enabled."""
    if not enabled:
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(
                length=total, label=total_label, file=sys.stderr, show_eta=True, show_pos=True
            )
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def result_json(result: RunResult, *, timings: bool) -> dict[str, Any]:
    """What ``--json`` prints: identity, metrics, per period and per grade (timings on request)."""
    out = {
        "scenario": result.scenario,
        "jurisdiction": result.jurisdiction,
        "version": result.jurisdiction_version,
        "seed": result.seed,
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
    help="A built-in scenario (demo, city) or a scenario TOML file.",
)
@click.option(
    "--jurisdiction",
    "-j",
    "jurisdiction",
    required=True,
    metavar="NAME[+REFORM]",
    help="An installed jurisdiction (see `credsup plugins`), with reforms: national+my-reform.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Seed of the run's random streams (default: fresh entropy, printed so it can be reused).",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="scenario.<path>=v for the scenario, <path>=v or <jurisdiction>:<path>=v for parameters "
    "(repeatable; TOML literals).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON on stdout.")
@click.option("--timings", is_flag=True, help="With --json: add wall-clock timings and per-hook statistics.")
def run_command(
    scenario: str, jurisdiction: str, seed: int | None, overrides: tuple[str, ...], as_json: bool, timings: bool
) -> None:
    """Simulate a scenario under one jurisdiction and report supervision-efficiency metrics.

    The same seed gives the same numbers. Progress goes to stderr when it is a terminal.
    """
    # NAME or NAME+REFORM...; an unknown, disabled or broken one raises the kernel's own error
    scenario_overrides, per = split_overrides(overrides, {jurisdiction: params_class_of(jurisdiction)})
    sc = load_scenario_set(scenario, scenario_overrides)
    j = load_jurisdiction(jurisdiction, overrides=per[jurisdiction])
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    with progress_bar(f"{sc.scenario} x {j.name}", sys.stderr.isatty() and sc.months > 1) as progress:
        result = run_simulation(sc, j, seed, progress=progress)
    if as_json:
        click.echo(json.dumps(result_json(result, timings=timings), indent=2, ensure_ascii=False))
    else:
        print_summary(result, str(seed))


COMMANDS = [run_command]
