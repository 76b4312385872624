"""``credsup plugins``: what is installed, where from, which hooks decide, and whether it loads with its config.

A plugin is ``ok`` only when it imports, keeps the contract *and* its parameter file (with every layer it
inherits) validates: the same :func:`credsup.core.load_jurisdiction` a run does. Its hooks are counted
only when they decide something on the conformance kit's representative inputs
(:mod:`credsup.testing.deciding`); a hook that always returns None or defers every row is listed apart.
"""

from __future__ import annotations

import json

import click

from credsup.cli.options import json_option
from credsup.core.contracts import HOOKS
from credsup.core.discovery import DISABLE_ENV, PluginInfo, discover
from credsup.core.errors import CredsupError
from credsup.core.jurisdiction import load_jurisdiction
from credsup.testing.deciding import Verdict, hook_verdicts


def _short(hook: str) -> str:
    return hook.removeprefix("credsup_")


def _chain(info: PluginInfo, infos: dict[str, PluginInfo]) -> list[str]:
    """The layers ``info`` builds on, nearest first (as far as they are installed; a cycle stops)."""
    out: list[str] = []
    parent = info.inherits
    while parent is not None and parent not in out and parent != info.name:
        out.append(parent)
        nxt = infos.get(parent)
        parent = nxt.inherits if nxt is not None else None
    return out


def examine(info: PluginInfo) -> tuple[str | None, dict[str, tuple[Verdict, str]]]:
    """A loaded plugin's config error (None: it validates) and the verdict on each hook it implements."""
    try:
        j = load_jurisdiction(info.name)
    except CredsupError as exc:
        return str(exc), {}
    return None, hook_verdicts(j, info.name, [h for h in HOOKS if h in info.hooks])


def _as_dict(info: PluginInfo, config_error: str | None, verdicts: dict[str, tuple[Verdict, str]]) -> dict:
    out = info.as_dict()
    if info.status == "ok":
        out["config"] = "ok" if config_error is None else "error"
        out["config_error"] = config_error
        out["deciding_hooks"] = [h for h, (v, _) in verdicts.items() if v == "decides"]
        out["deferring_hooks"] = [h for h, (v, _) in verdicts.items() if v == "defers"]
        out["failing_hooks"] = {h: msg for h, (v, msg) in verdicts.items() if v == "fails"}
    return out


@click.command("plugins")
@json_option("Print the list as JSON.")
def plugins_command(as_json: bool) -> None:
    """List installed jurisdiction plugins with their versions, deciding hooks and load status.

    Plugins come from the credsup.jurisdictions entry-point group; a plugin that fails to load, or
    whose parameter file does not validate, is shown with its error and does not affect the others. Hooks
    are counted when they decide something on representative inputs; one that always returns None is
    listed as deferring. Set CREDSUP_DISABLE_PLUGINS=name,name to keep plugins from loading.
    """
    infos = discover()
    examined = {i.name: examine(i) if i.status == "ok" else (None, {}) for i in infos}
    if as_json:
        data = [_as_dict(i, *examined[i.name]) for i in infos]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not infos:
        click.echo("No jurisdiction plugins installed (entry-point group credsup.jurisdictions).")
        return
    for info in infos:
        origin = "built-in" if info.builtin else "third-party"
        head = f"{info.name} {info.version} ({info.distribution}, {origin})"
        if info.status == "ok":
            config_error, verdicts = examined[info.name]
            if config_error is not None:
                click.echo(f"{head}: ERROR config: {config_error}")
                continue
            click.echo(f"{head}: ok" + (f" - {info.title}" if info.title else ""))
            own = [h for h, (v, _) in verdicts.items() if v == "decides"]
            click.echo(f"  hooks ({len(own)}/{len(HOOKS)}): {', '.join(map(_short, own)) if own else 'none'}")
            defers = [_short(h) for h, (v, _) in verdicts.items() if v == "defers"]
            if defers:
                click.echo(f"  implemented but always deferring (None): {', '.join(defers)}")
            for h, (v, msg) in verdicts.items():
                if v == "fails":
                    click.echo(f"  {_short(h)}: ERROR {msg} (credsup plugin check {info.name})")
            if info.inherits is not None:
                chain = _chain(info, {i.name: i for i in infos})
                click.echo(f"  inherits: {' -> '.join(chain)}")
                fallback = [_short(h) for h in HOOKS if h not in own]
                if fallback:
                    click.echo(f"  from {chain[0]} and below: {', '.join(fallback)}")
        elif info.status == "disabled":
            click.echo(f"{head}: disabled ({DISABLE_ENV})")
        else:
            click.echo(f"{head}: ERROR {info.error}")


COMMANDS = [plugins_command]
