"""`credsup scenarios`: what ships with credsup to run: scenarios, example sweeps and calibration targets."""

from __future__ import annotations

import json
import math
from importlib.resources import files
from typing import Any

import click

from credsup.cli.options import json_option


def scenario_rows() -> list[dict[str, Any]]:
    """Every shipped scenario: name, enterprises, months, start, title (the file's own words)."""
    from credsup.simulation.scenario import builtin_scenarios, load_scenario

    rows = []
    for name in builtin_scenarios():
        sc = load_scenario(name)
        rows.append(
            {
                "name": name,
                "enterprises": sc.population.enterprises,
                "months": sc.months,
                "start": sc.start.isoformat(),
                "title": sc.title,
            }
        )
    return rows


def sweep_points(design: str, samples: int | None, variations: list[Any]) -> int:
    """Points of a sweep design: a grid's product of listed values, a Latin hypercube's ``samples``,
    Saltelli's ``samples x (parameters + 2)`` for Sobol' (experiments/spec.py)."""
    if design == "grid":
        return math.prod(len(v.values) for v in variations)
    if design == "latin":
        return int(samples or 0)
    return int(samples or 0) * (len(variations) + 2)


def sweep_rows() -> list[dict[str, Any]]:
    """Every shipped sweep: name, scenario, jurisdictions, design, points, replications, runs, title."""
    from credsup.experiments.spec import builtin_sweeps, load_spec, sweep_path

    rows = []
    for name in builtin_sweeps():
        sweep = load_spec(sweep_path(name))
        spec = sweep.spec
        points = sweep_points(spec.design, spec.samples, list(sweep.variations))
        rows.append(
            {
                "name": name,
                "scenario": spec.scenario,
                "jurisdictions": list(spec.jurisdictions),
                "design": spec.design,
                "parameters": [v.key for v in sweep.variations],
                "points": points,
                "replications": spec.replications,
                "runs": points * len(spec.jurisdictions) * spec.replications,
                "title": spec.title,
            }
        )
    return rows


def target_rows() -> list[dict[str, Any]]:
    """Every shipped calibration target set (``configs/targets/*.toml``, when there are any): name,
    number of targets and title."""
    import tomllib

    folder = files("credsup.configs") / "targets"
    if not folder.is_dir():
        return []
    rows = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".toml"):
            continue
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        targets = raw.get("targets", {})
        rows.append(
            {
                "name": path.name.removesuffix(".toml"),
                "targets": len(targets) if isinstance(targets, (dict, list)) else 0,
                "title": str(raw.get("title", "")),
            }
        )
    return rows


@click.command("scenarios")
@json_option("Print the lists as JSON.")
def scenarios_command(as_json: bool) -> None:
    """List the shipped scenarios, example sweeps and calibration targets, with their size and what
    they are.

    A scenario's name is what `credsup run -s` and `credsup compare -s` take; a sweep's what `credsup
    sweep` takes. The files are in configs/ (scenarios/, sweeps/, targets/): copy one to start your own.
    """
    from credsup.results.terminal import print_table, simple_table

    data = {"scenarios": scenario_rows(), "sweeps": sweep_rows(), "targets": target_rows()}
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    print_table(
        simple_table(
            "Scenarios (credsup run -s NAME, credsup compare -s NAME)",
            ["name", "enterprises", "months", "from", "title"],
            [[r["name"], f"{r['enterprises']:,}", r["months"], r["start"], r["title"]] for r in data["scenarios"]],
            right=(1, 2),
        )
    )
    click.echo("")
    print_table(
        simple_table(
            "Sweeps (credsup sweep NAME)",
            ["name", "scenario", "jurisdictions", "design", "points", "runs", "title"],
            [
                [
                    r["name"],
                    r["scenario"],
                    ", ".join(r["jurisdictions"]),
                    r["design"],
                    r["points"],
                    r["runs"],
                    r["title"],
                ]
                for r in data["sweeps"]
            ],
            right=(4, 5),
        )
    )
    click.echo("")
    if data["targets"]:
        print_table(
            simple_table(
                "Calibration targets",
                ["name", "targets", "title"],
                [[r["name"], r["targets"], r["title"]] for r in data["targets"]],
                right=(1,),
            )
        )
    else:
        click.echo("Calibration targets: none shipped yet (configs/targets/).")


COMMANDS = [scenarios_command]
