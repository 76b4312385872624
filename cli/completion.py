"""Shell completion of credsup's own names: jurisdictions (with reforms), scenarios, sweeps and stored
experiments. Each function is a click ``shell_complete`` callback; none may fail or write anything
(completing an experiment ID never creates a database), so every error gives no candidates."""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem


def _items(names: list[str], incomplete: str, help_of: dict[str, str] | None = None) -> list[CompletionItem]:
    return [CompletionItem(n, help=(help_of or {}).get(n)) for n in names if n.startswith(incomplete)]


def jurisdiction_names() -> dict[str, str]:
    """Installed, loadable jurisdictions and their titles."""
    from credsup.core.discovery import discover

    return {i.name: i.title or "" for i in discover() if i.status == "ok"}


def complete_jurisdictions(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``nat`` -> ``national``; ``national+`` -> ``national+minor-unpublished`` (the shipped reforms)."""
    try:
        if "+" in incomplete:
            from credsup.core.reforms import builtin_reforms

            head, _, last = incomplete.rpartition("+")
            return [CompletionItem(f"{head}+{r}") for r in builtin_reforms() if r.startswith(last)]
        titles = jurisdiction_names()
        return _items(sorted(titles), incomplete, titles)
    except Exception:  # completion must never fail
        return []


def _with_files(items: list[CompletionItem], incomplete: str) -> list[CompletionItem]:
    if "/" in incomplete or incomplete.startswith(".") or not items:
        return [CompletionItem(incomplete, type="file")]
    return items


def complete_scenarios(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The shipped scenarios by name; files when the word looks like a path."""
    try:
        from credsup.simulation.scenario import builtin_scenarios

        return _with_files(_items(builtin_scenarios(), incomplete), incomplete)
    except Exception:
        return []


def complete_sweeps(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The shipped sweeps by name; files when the word looks like a path."""
    try:
        from credsup.experiments.spec import builtin_sweeps

        return _with_files(_items(builtin_sweeps(), incomplete), incomplete)
    except Exception:
        return []


def complete_experiments(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Stored experiment IDs (with kind and scenario as help) from ``--db`` or the default database;
    nothing when that database does not exist (it is never created)."""
    try:
        from credsup.results.db import open_existing
        from credsup.results.store import list_experiments

        engine = open_existing(ctx.params.get("db"))
        if engine is None:
            return []
        rows = list_experiments(engine)
        engine.dispose()
        return [
            CompletionItem(str(r["id"]), help=f"{r['kind']} {r['name'] or r['scenario']} ({r['status']})")
            for r in rows
            if str(r["id"]).startswith(incomplete)
        ]
    except Exception:
        return []


SHELLS = ("bash", "zsh", "fish")


def completion_script(shell: str, prog: str = "credsup") -> str:
    """The script that makes ``shell`` complete ``prog``'s commands, options and names (click's)."""
    from click.shell_completion import get_completion_class

    from credsup.cli.main import cli

    cls: Any = get_completion_class(shell)
    if cls is None:  # pragma: no cover - SHELLS are click's own
        raise click.BadParameter(f"no completion for {shell}")
    var = "_" + prog.replace("-", "_").upper() + "_COMPLETE"
    return str(cls(cli, {}, prog, var).source())
