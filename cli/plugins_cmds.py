"""``credsup plugins``: what is installed, where from, which hooks, and whether it loaded."""

from __future__ import annotations

import json

import click

from credsup.cli.options import json_option
from credsup.core.contracts import HOOKS
from credsup.core.discovery import DISABLE_ENV, PluginInfo, discover


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


@click.command("plugins")
@json_option("Print the list as JSON.")
def plugins_command(as_json: bool) -> None:
    """List installed jurisdiction plugins with their versions, hooks and load status.

    Plugins come from the credsup.jurisdictions entry-point group; a plugin that fails to load is
    shown with its error and does not affect the others. Set CREDSUP_DISABLE_PLUGINS=name,name to keep
    plugins from loading.
    """
    infos = discover()
    if as_json:
        click.echo(json.dumps([i.as_dict() for i in infos], indent=2, ensure_ascii=False))
        return
    if not infos:
        click.echo("No jurisdiction plugins installed (entry-point group credsup.jurisdictions).")
        return
    for info in infos:
        origin = "built-in" if info.builtin else "third-party"
        head = f"{info.name} {info.version} ({info.distribution}, {origin})"
        if info.status == "ok":
            click.echo(f"{head}: ok" + (f" - {info.title}" if info.title else ""))
            own = [_short(h) for h in HOOKS if h in info.hooks]
            click.echo(f"  hooks ({len(own)}/{len(HOOKS)}): {', '.join(own) if own else 'none'}")
            if info.inherits is not None:
                chain = _chain(info, {i.name: i for i in infos})
                click.echo(f"  inherits: {' -> '.join(chain)}")
                fallback = [_short(h) for h in HOOKS if h not in info.hooks]
                if fallback:
                    click.echo(f"  from {chain[0]} and below: {', '.join(fallback)}")
        elif info.status == "disabled":
            click.echo(f"{head}: disabled ({DISABLE_ENV})")
        else:
            click.echo(f"{head}: ERROR {info.error}")


COMMANDS = [plugins_command]
