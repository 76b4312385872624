"""The ``--batch-memory`` option of every command that runs many simulations (compare, sweep, calibrate, fit)."""

from __future__ import annotations

import click

BATCH_MEMORY_OPTION = click.option(
    "--batch-memory",
    "batch_memory",
    default=None,
    metavar="SIZE",
    help="Peak memory of one batch of runs played together by a worker (2GB, 512MB ...). "
    "Default: $CREDSUP_BATCH_MEMORY, else 2GB. Results do not depend on it.",
)

__all__ = ["BATCH_MEMORY_OPTION"]
