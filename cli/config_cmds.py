"""``credsup validate`` and ``credsup params``: config files and the parameters behind a jurisdiction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from credsup.cli.options import jurisdiction_config_options
from credsup.core.config import parse_override, read_toml
from credsup.core.discovery import discover
from credsup.core.errors import ConfigError, CredsupError, Problem
from credsup.core.jurisdiction import load_config, load_jurisdiction


def validate_file(path: str, infos: dict[str, Any] | None = None) -> list[Problem]:
    """Every problem in one config file (jurisdiction parameters, scenario or sweep spec)."""
    try:
        raw = read_toml(path)
    except ConfigError as exc:
        return list(exc.problems)
    from credsup.cli import extra_file_kinds

    kinds = extra_file_kinds()
    try:
        kind = next((key for key in kinds if key in raw), None)
        if kind is not None:  # first: a sweep spec names a scenario too
            kinds[kind](path)
        elif "jurisdiction" in raw:
            infos = infos if infos is not None else {i.name: i for i in discover()}
            name = raw["jurisdiction"]
            info = infos.get(name) if isinstance(name, str) else None
            if info is None or info.status != "ok":
                known = ", ".join(sorted(n for n, i in infos.items() if i.status == "ok"))
                return [Problem(path, "jurisdiction", f"unknown jurisdiction {name!r} (installed: {known})")]
            load_config(info, path=path, lookup=infos)
        elif "reform" in raw:
            infos = infos if infos is not None else {i.name: i for i in discover()}
            applies = raw.get("applies_to") or ["national"]
            base = applies if isinstance(applies, str) else applies[0] if isinstance(applies, list) else "national"
            info = infos.get(base) if isinstance(base, str) else None
            if info is None or info.status != "ok":
                return [Problem(path, "applies_to", f"unknown jurisdiction {base!r} to check this reform on")]
            load_config(info, lookup=infos, reforms=[path if "/" in path or path.endswith(".toml") else f"./{path}"])
        elif "scenario" in raw:
            from credsup.simulation.scenario import load_scenario

            load_scenario(path)
        else:
            names = ", ".join(["jurisdiction", "reform", "scenario", *kinds])
            return [
                Problem(path, "", f"cannot tell what this file is: expected a top-level key naming its kind ({names})")
            ]
    except ConfigError as exc:
        return list(exc.problems)
    except CredsupError as exc:
        return [Problem(path, "", str(exc))]
    return []


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_command(files: tuple[str, ...]) -> None:
    """Check config files: jurisdiction parameters (with sources), reforms, scenarios, sweep specs.

    Prints one line per problem, ``file: key.path: problem``, and exits 1 if there is any.
    """
    infos = {i.name: i for i in discover()}
    problems: list[Problem] = []
    for path in files:
        problems.extend(validate_file(path, infos))
    for problem in problems:
        click.echo(str(problem))
    bad = len({p.file for p in problems})
    if problems:
        click.echo(f"{len(problems)} problem(s) in {bad} file(s).", err=True)
        raise SystemExit(1)
    click.echo(f"{len(files)} file(s) valid.", err=True)


def _value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@click.command("params")
@click.argument("jurisdiction", metavar="NAME[+REFORM]")
@jurisdiction_config_options
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Show the values in force on this date, YYYY-MM-DD (default: the latest, with every dated value).",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def params_command(
    jurisdiction: str, config_path: str | None, overrides: tuple[str, ...], as_of: dt.datetime | None, as_json: bool
) -> None:
    """Show a jurisdiction's parameters: every value with its source.

    NAME+REFORM applies reforms (configs/reforms/ or a .toml path). A parameter that changes over time
    shows every value with the date it takes effect; --as-of shows the values in force on that date.
    """
    day = as_of.date() if as_of is not None else None
    j = load_jurisdiction(jurisdiction, config=config_path, overrides=[parse_override(o) for o in overrides], as_of=day)
    params = j.parameters()
    rows = [
        {
            "key": key,
            "value": p["value"],
            "source": p["source"] or "",
            **({"dated": p["dated"]} if "dated" in p else {}),
        }
        for key, p in params.items()
    ]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "jurisdiction": j.name,
                    "version": j.version,
                    "layers": list(j.layers),
                    "as_of": day.isoformat() if day else None,
                    "files": list(j.config.files),
                    "parameters": rows,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        return
    click.echo(f"{j.name} {j.version}: {j.config.title or j.info.title}")
    if len(j.layers) > 1:
        click.echo(f"layers: {j.layers_text}")
    click.echo(f"from {', '.join(Path(f).name for f in j.config.files)}")
    click.echo(f"values in force on {day}" if day else "latest values (dated parameters list every value)")
    width = max(len(r["key"]) for r in rows)
    for r in rows:
        click.echo(f"  {r['key']:<{width}}  {_value_text(r['value'])}")
        click.echo(f"  {'':<{width}}  source: {r['source']}")
        if day is None:
            for entry in r.get("dated", []):
                since = f"since {entry['since']}" if entry["since"] else "before any change"
                click.echo(f"  {'':<{width}}    {since}: {_value_text(entry['value'])} ({entry['source']})")


COMMANDS = [validate_command, params_command]
