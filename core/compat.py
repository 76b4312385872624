"""Plugins written for an earlier major version of the hook contract: what still loads, and what it means.

A major version changes the meaning of some hooks (:data:`credsup.core.hookspecs.CHANGED`). A plugin
written for an earlier major loads when it implements none of them: its hooks mean what they meant.
Where the old answer of a changed hook has an exact reading under the new contract, a *batch*
implementation keeps working and its answer is read with its old meaning (:data:`LEGACY_ANSWERS`);
a wrapper (which receives the new answer of the layers below) or a one-row rule (which must return the
new one-row type) cannot, and the plugin is refused with one line saying what to change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from credsup.core.columns import ColumnProblem, ColumnSpec
from credsup.core.decisions import InspectionRates
from credsup.core.hookspecs import CHANGED, CONTRACT_VERSION, PERIOD_PROBABILITY

#: Changed hooks whose earlier answer has an exact reading now: the old result column, and how it reads.
LEGACY_ANSWERS: dict[str, tuple[ColumnSpec, Callable[[np.ndarray], Any]]] = {
    # 1.x: a float64 chance of an inspection in the period = a PERIOD-basis rate
    "credsup_inspection_probability": (PERIOD_PROBABILITY, InspectionRates.per_period),
}


def current_major() -> int:
    return int(CONTRACT_VERSION.split(".")[0])


def changed_since(major: int) -> dict[str, str]:
    """Hooks whose meaning changed after contract ``major``, with what to change (later majors win)."""
    out: dict[str, str] = {}
    for version in sorted(CHANGED):
        if version > major:
            out.update(CHANGED[version])
    return out


def problems(major: int, implementations: dict[str, str]) -> list[str]:
    """What stops a plugin written for contract ``major`` from loading now (empty: it loads).

    ``implementations`` maps each hook the plugin implements to how: ``batch``, ``wrapper`` or ``row``
    (a ``@per_enterprise`` rule).
    """
    found = []
    for hook, change in changed_since(major).items():
        how = implementations.get(hook)
        if how is None or (how == "batch" and hook in LEGACY_ANSWERS):
            continue
        kind = {"wrapper": "a wrapper of", "row": "a one-row rule for"}.get(how, "an implementation of")
        found.append(f"{kind} {hook} written for contract {major}.x: under {CONTRACT_VERSION} {change}")
    return found


def read_legacy(hook: str, result: Any) -> tuple[Any, ColumnProblem | None]:
    """A batch answer of a plugin written for an earlier major, read with its old meaning: ``(answer,
    None)``, or ``(result, problem)`` when it breaks the old contract. Anything but an array of a hook
    in :data:`LEGACY_ANSWERS` is returned as it is, for the kernel to check against the new contract."""
    legacy = LEGACY_ANSWERS.get(hook)
    if legacy is None or not isinstance(result, np.ndarray):
        return result, None
    spec, read = legacy
    found = spec.diagnose(result, len(result))
    if found:
        return result, found[0]
    return read(spec.coerce(result)), None


def hint(hook: str, major: int) -> str:
    """What to tell the author of a plugin for contract ``major`` whose ``hook`` failed ('' if nothing)."""
    change = changed_since(major).get(hook)
    return f" (the plugin is written for contract {major}.x; under {CONTRACT_VERSION} {change})" if change else ""


__all__ = ["LEGACY_ANSWERS", "changed_since", "current_major", "hint", "problems", "read_legacy"]
