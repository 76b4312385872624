"""Errors a user can cause, each carrying one clear line of text.

Everything a *user* can get wrong (a config with a typo, an unknown jurisdiction, a plugin that returns
garbage, a missing file) raises a subclass of :class:`CredsupError`. The CLI prints ``str(error)`` on
stderr and exits non-zero without a traceback; ``--debug`` shows the traceback. Anything else escaping
to the CLI is a bug in credsup.

Message style (``../shared/STYLE.md``, "Everyday habits"): what is wrong, where (file and key, or plugin and hook), what would fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs


class CredsupError(Exception):
    """Base class of every error caused by user input or by a plugin; ``str()`` is the whole message."""

    exit_code: int = 1


@attrs.frozen
class Problem:
    """One thing wrong in one file: ``file: key.path: message``.

    ``path`` is the dotted key path inside the file (``inspection.ratio.D``), empty for the whole file.
    """

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return one_line(": ".join(parts))


def one_line(text: str) -> str:
    """``text`` with every control or line-breaking character escaped (``\\n``, ``\\x1e``, ``\\u2028``), so
    that a key, value or file name a user wrote can never break a one-line message into several."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


class ConfigError(CredsupError):
    """A config file (or a ``--set`` override) is unreadable or invalid; holds every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ConfigError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownJurisdictionError(CredsupError):
    """No plugin of that name is installed (or it is disabled)."""

    def __init__(self, name: str, available: Sequence[str], why: str = ""):
        self.name = name
        self.available = tuple(available)
        hint = f"installed: {', '.join(self.available)}" if self.available else "no jurisdiction is installed"
        detail = f" ({why})" if why else ""
        super().__init__(
            f"unknown jurisdiction '{name}'{detail}; {hint}. `credsup plugins` lists them with their status."
        )


class PluginLoadError(CredsupError):
    """A plugin could not be imported or failed validation when it was loaded."""

    def __init__(self, plugin: str, problem: str):
        self.plugin = plugin
        self.problem = problem
        super().__init__(f"Error loading plugin '{plugin}': {problem}")


class ContractVersionError(PluginLoadError):
    """A plugin declares a hook-contract version this credsup does not provide."""


class HookError(CredsupError):
    """A plugin's hook raised, or returned a result that breaks the hook's contract."""

    def __init__(self, plugin: str, hook: str, problem: str):
        self.plugin = plugin
        self.hook = hook
        self.problem = problem
        super().__init__(f"plugin '{plugin}', hook {hook}: {problem}")


class HookResultError(HookError):
    """A hook returned a result of the wrong type, shape, dtype or range (e.g. a grade outside A-D).

    ``kind`` names what is wrong when it is known (``type``, ``shape``, ``dtype``, ``nan``, ``range``)."""

    def __init__(self, plugin: str, hook: str, problem: str, kind: str = "type"):
        super().__init__(plugin, hook, problem)
        self.kind = kind


class InputError(CredsupError):
    """A file or value given on the command line cannot be used (missing, unreadable, out of range)."""
