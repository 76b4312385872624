"""``credsup validate`` and ``credsup params``: config files and the parameters behind a jurisdiction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from credsup.cli.completion import complete_jurisdictions
from credsup.cli.options import json_option, jurisdiction_config_options
from credsup.core.config import read_toml
from credsup.core.discovery import discover
from credsup.core.errors import ConfigError, CredsupError, Problem
from credsup.core.jurisdiction import Jurisdiction, load_config, load_jurisdiction, params_class_of
from credsup.core.overrides import jurisdiction_overrides


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
@json_option("Print the problems as JSON (file, key, problem).")
def validate_command(files: tuple[str, ...], as_json: bool) -> None:
    """Check config files: jurisdiction parameters (with sources), reforms, scenarios, sweep specs.

    Prints one line per problem, "file: key.path: problem", and exits 1 if there is any.
    """
    infos = {i.name: i for i in discover()}
    problems: list[Problem] = []
    for path in files:
        problems.extend(validate_file(path, infos))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "files": list(files),
                    "valid": not problems,
                    "problems": [{"file": p.file, "key": p.path, "problem": p.message} for p in problems],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        if problems:
            raise SystemExit(1)
        return
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


#: Units shown in JSON but not after a value in text ("2 count" reads worse than "2").
_UNSHOWN_UNITS = frozenset({"count", "list", "name", "yes/no", "grade"})


def _unit_text(unit: str) -> str:
    return f" {unit}" if unit and unit not in _UNSHOWN_UNITS else ""


def _load(name: str, config_path: str | None, overrides: tuple[str, ...], day: dt.date | None) -> Jurisdiction:
    sets = jurisdiction_overrides(name, overrides, params_class_of(name))
    return load_jurisdiction(name, config=config_path, overrides=sets, as_of=day)


def parameter_rows(j: Jurisdiction, day: dt.date | None) -> list[dict[str, Any]]:
    """Every parameter: key, value, unit, meaning (doc) and source (and its dated values)."""
    from credsup.core.params import describe_params

    meaning = describe_params(j.config.params_at(day))
    return [
        {
            "key": key,
            "value": p["value"],
            "unit": meaning.get(key, {}).get("unit", ""),
            "doc": meaning.get(key, {}).get("doc", ""),
            "source": p["source"] or "",
            **({"dated": p["dated"]} if "dated" in p else {}),
        }
        for key, p in j.parameters().items()
    ]


@click.command("params")
@click.argument("jurisdiction", metavar="NAME[+REFORM]", shell_complete=complete_jurisdictions)
@jurisdiction_config_options
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Show the values in force on this date, YYYY-MM-DD (default: the latest, with every dated value).",
)
@click.option(
    "--diff",
    "other",
    default=None,
    metavar="NAME[+REFORM]",
    shell_complete=complete_jurisdictions,
    help="Show only where this other jurisdiction differs, with both values and sources.",
)
@json_option("Print the parameters (or the differences) as JSON.")
def params_command(
    jurisdiction: str,
    config_path: str | None,
    overrides: tuple[str, ...],
    as_of: dt.datetime | None,
    other: str | None,
    as_json: bool,
) -> None:
    """Show a jurisdiction's parameters: every value with its unit, its meaning and its source.

    NAME+REFORM applies reforms (configs/reforms/ or a .toml path). A parameter that changes over time
    shows every value with the date it takes effect; --as-of shows the values in force on that date.
    --diff OTHER shows where OTHER differs (--config and --set apply to NAME only).
    """
    day = as_of.date() if as_of is not None else None
    j = _load(jurisdiction, config_path, overrides, day)
    rows = parameter_rows(j, day)
    if other is not None:
        _show_diff(j, rows, _load(other, None, (), day), day, as_json)
        return
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
        unit = _unit_text(r["unit"])
        click.echo(f"  {r['key']:<{width}}  {_value_text(r['value'])}{unit}")
        if r["doc"]:
            click.echo(f"  {'':<{width}}  {r['doc']}")
        click.echo(f"  {'':<{width}}  source: {r['source']}")
        if day is None:
            for entry in r.get("dated", []):
                since = f"since {entry['since']}" if entry["since"] else "before any change"
                click.echo(f"  {'':<{width}}    {since}: {_value_text(entry['value'])} ({entry['source']})")


def _show_diff(
    a: Jurisdiction, rows: list[dict[str, Any]], b: Jurisdiction, day: dt.date | None, as_json: bool
) -> None:
    """Where ``b``'s parameters differ from ``a``'s: a value that differs, or a key only one of them has."""
    mine = {r["key"]: r for r in rows}
    theirs = {r["key"]: r for r in parameter_rows(b, day)}
    keys = [*mine, *(k for k in theirs if k not in mine)]
    diffs = []
    for key in keys:
        x, y = mine.get(key), theirs.get(key)
        if x is not None and y is not None and x["value"] == y["value"]:
            continue
        ref = x or y
        assert ref is not None
        diffs.append(
            {
                "key": key,
                "unit": ref["unit"],
                "doc": ref["doc"],
                a.name: {"value": x["value"], "source": x["source"]} if x else None,
                b.name: {"value": y["value"], "source": y["source"]} if y else None,
            }
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "jurisdictions": [a.name, b.name],
                    "as_of": day.isoformat() if day else None,
                    "compared": len(keys),
                    "differences": diffs,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        return
    when = f"in force on {day}" if day else "latest values"
    click.echo(f"{a.name} vs {b.name} ({when}): {len(diffs)} of {len(keys)} parameter(s) differ")
    if not diffs:
        return
    width = max(len(d["key"]) for d in diffs)
    name_width = max(len(a.name), len(b.name))
    for d in diffs:
        unit = _unit_text(d["unit"])
        click.echo(f"  {d['key']:<{width}}  {d['doc']}")
        for name in (a.name, b.name):
            entry = d[name]
            shown = f"{_value_text(entry['value'])}{unit}  ({entry['source']})" if entry else "(no such parameter)"
            click.echo(f"  {'':<{width}}  {name:<{name_width}}  {shown}")


COMMANDS = [validate_command, params_command]
