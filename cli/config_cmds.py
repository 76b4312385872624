"""``credsup validate`` and ``credsup params``: config files and the parameters behind a jurisdiction."""

from __future__ import annotations

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
        elif "scenario" in raw:
            from credsup.simulation.scenario import load_scenario

            load_scenario(path)
        else:
            names = ", ".join(["jurisdiction", "scenario", *kinds])
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
    """Check config files: jurisdiction parameters (with sources), scenarios, sweep specs.

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
@click.argument("jurisdiction")
@jurisdiction_config_options
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def params_command(jurisdiction: str, config_path: str | None, overrides: tuple[str, ...], as_json: bool) -> None:
    """Show a jurisdiction's parameters: every value with its source."""
    j = load_jurisdiction(jurisdiction, config=config_path, overrides=[parse_override(o) for o in overrides])
    rows = [{"key": key, "value": p["value"], "source": p["source"] or ""} for key, p in j.parameters().items()]
    if as_json:
        click.echo(
            json.dumps(
                {"jurisdiction": j.name, "version": j.version, "files": list(j.config.files), "parameters": rows},
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        return
    click.echo(f"{j.name} {j.version}: {j.config.title or j.info.title}")
    click.echo(f"from {', '.join(Path(f).name for f in j.config.files)}")
    width = max(len(r["key"]) for r in rows)
    for r in rows:
        click.echo(f"  {r['key']:<{width}}  {_value_text(r['value'])}")
        click.echo(f"  {'':<{width}}  source: {r['source']}")


COMMANDS = [validate_command, params_command]
