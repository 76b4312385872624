"""Which of a layer's hooks decide anything: a hook that always returns None (or defers every row) only
passes the question on, so ``credsup plugins`` does not count it as one of the plugin's rules.

"Decides" is observed, not read from the code: the layer's implementation is called through the kernel
(:meth:`credsup.core.Jurisdiction.call_unchecked`, which says which layer answered which rows) on the
conformance kit's representative inputs (:func:`credsup.testing.make_inputs`, :data:`SEEDS` seeds of
:data:`ROWS` rows each: every grade, sector, severity, source, record kind and date pattern the kit draws).
A hook is *deciding* when its layer answers at least one row of one of those calls (alone, together with
the layers below, or as a wrapper that changes the answer); *deferring* when the layers below answer
every row of every call; *failing* when a call raises (the message is kept: ``credsup plugin check``
says more). A rule that decides only on inputs the kit never draws is reported as deferring: the
listing says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from credsup.core.errors import CredsupError
from credsup.core.jurisdiction import Jurisdiction
from credsup.testing.inputs import make_inputs

#: Seeds and rows of the representative inputs (small: ``credsup plugins`` runs them for every plugin).
SEEDS = (0, 1, 2, 3, 4, 5)
ROWS = 128

Verdict = Literal["decides", "defers", "fails"]


def hook_verdicts(jurisdiction: Jurisdiction, layer: str, hooks: Iterable[str]) -> dict[str, tuple[Verdict, str]]:
    """For each of ``hooks`` that ``layer`` of ``jurisdiction`` implements: ``("decides", "")``,
    ``("defers", "")`` or ``("fails", message)``."""
    out: dict[str, tuple[Verdict, str]] = {}
    for hook in hooks:
        verdict: tuple[Verdict, str] = ("defers", "")
        for seed in SEEDS:
            inputs = make_inputs(hook, seed=seed, n=ROWS)
            try:
                credit, _ = jurisdiction.call_unchecked(hook, **inputs.call_kwargs())
            except CredsupError as exc:
                verdict = ("fails", str(exc))
                break
            except Exception as exc:  # the kernel wraps a plugin's errors; anything else is still reported
                verdict = ("fails", f"{type(exc).__name__}: {exc}")
                break
            if layer in credit.split("+") or credit == f"{layer}:wrappers":
                verdict = ("decides", "")
                break
        out[hook] = verdict
    return out


__all__ = ["ROWS", "SEEDS", "Verdict", "hook_verdicts"]
