"""Registry errors: every bad row with its file and line, never a silent drop."""

from __future__ import annotations

from collections.abc import Iterable

from credsup.core.errors import InputError, Problem

#: How many problems an error message lists before it says how many more there are.
SHOWN = 50


def row_problem(where: str, column: str, message: str) -> Problem:
    """``where`` is ``file:line`` (or ``url#table[id]``); the text reads ``file:line: column: message``."""
    return Problem(where, column, message)


class RegistryError(InputError):
    """A registry (or inspectors file) has bad rows or cannot be read; holds every problem found.

    ``str()`` lists the first :data:`SHOWN` problems, one ``file:line: column: problem`` per line.
    """

    def __init__(self, problems: Iterable[Problem], *, hint: str = ""):
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("RegistryError needs at least one problem")
        lines = [str(p) for p in self.problems[:SHOWN]]
        more = len(self.problems) - SHOWN
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))
