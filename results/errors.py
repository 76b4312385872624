"""The one error of the results database a user can cause."""

from __future__ import annotations

from credsup.core.errors import CredsupError


class DatabaseError(CredsupError):
    """The results database cannot be used (bad URL, unreachable, not writable, wrong schema)."""
