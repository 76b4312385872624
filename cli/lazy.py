"""A click group whose subcommands are imported when they run, not when the group is built.

This is click's documented pattern ("Lazily loading subcommands", in the click docs' "Complex
Applications"): ``list_commands`` names every command, ``get_command`` imports only the one asked for.
So ``credsup run`` imports the simulation but not the web server, and ``credsup --help`` imports
neither numpy nor SQLAlchemy.

One addition: the listing (``--help`` and shell completion of command names) shows each command's
short help from a static table, :class:`LazyCommand.summary`, instead of importing every command to
read its docstring. ``tests/test_cli_startup.py`` checks that every summary is what the command itself
would show, so the table cannot drift from the docstrings.
"""

from __future__ import annotations

import gettext
import importlib
from collections.abc import Mapping
from typing import Any

import attrs
import click


@attrs.frozen
class LazyCommand:
    """Where a subcommand lives and what the command listing says about it.

    ``target``: ``"package.module:attribute"``, the :class:`click.Command` object. ``summary``: the
    command's short help untruncated (``command.get_short_help_str(10_000)``); the listing shortens it
    to the terminal's width exactly as click shortens a docstring, unless ``fixed`` (the command sets
    ``short_help``, which click shows as written).
    """

    target: str
    summary: str
    fixed: bool = False

    def load(self, name: str) -> click.Command:
        module, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command) or command.name != name:
            raise RuntimeError(f"{self.target} is not the click command {name!r}")  # a bug of ours, not the user's
        return command

    def placeholder(self, name: str) -> click.Command:
        """A command that only carries the summary (for listings; never invoked)."""
        if self.fixed:
            return click.Command(name, short_help=self.summary)
        return click.Command(name, help=self.summary)


#: gettext under a name of its own: the heading is click's message, not one for credsup's catalogue
_click_text = gettext.gettext


class LazyGroup(click.Group):
    """A :class:`click.Group` with ``lazy_subcommands``: name -> :class:`LazyCommand`."""

    def __init__(self, *args: Any, lazy_subcommands: Mapping[str, LazyCommand] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_subcommands: dict[str, LazyCommand] = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_subcommands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_subcommands:
            self.add_command(self.lazy_subcommands[cmd_name].load(cmd_name))
        return super().get_command(ctx, cmd_name)

    def load_all(self) -> dict[str, click.Command]:
        """Every subcommand, imported (for the reference page and tests)."""
        ctx = click.Context(self)
        return {name: command for name in self.list_commands(ctx) if (command := self.get_command(ctx, name))}

    def _listed(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command as listings see it: itself if imported, else its placeholder."""
        if name in self.commands or name not in self.lazy_subcommands:
            return self.get_command(ctx, name)
        return self.lazy_subcommands[name].placeholder(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click.Group.format_commands, with the listing's commands from _listed (no imports)
        commands = [(name, cmd) for name in self.list_commands(ctx) if (cmd := self._listed(ctx, name))]
        commands = [(name, cmd) for name, cmd in commands if not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(_click_text("Commands")):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        # click.Group.shell_complete, with command names from _listed (a TAB imports nothing)
        from click.shell_completion import CompletionItem

        results: list[Any] = []
        for name in self.list_commands(ctx):
            command = self._listed(ctx, name) if name.startswith(incomplete) else None
            if command is not None and not command.hidden:
                results.append(CompletionItem(name, help=command.get_short_help_str()))
        results.extend(click.Command.shell_complete(self, ctx, incomplete))
        return results
