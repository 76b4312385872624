"""The hook contracts the kernel knows, collected from the declarations in ``credsup.core.hookspecs``.

:data:`HOOKS` maps each hook's name to its :class:`~credsup.core.declare.HookContract` (family, arguments,
the rows its result follows, what a valid result is). It is used to validate every result the kernel
receives, to adapt per-enterprise rules, to build the typed methods of a Jurisdiction, to run the
conformance checks and to generate the hook reference. Nothing here is written per hook: a new hook is a
declaration in ``hookspecs.py`` (and national's implementation).

:func:`extra_hooks` adds the declarations of another module for a while (a test of the machinery itself,
or an extension being prototyped before it joins the contract).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import ModuleType

from credsup.core import hookspecs
from credsup.core.declare import HookContract, contract_of

__all__ = ["FAMILIES", "HOOKS", "SPEC_MODULES", "HookContract", "declared_in", "extra_hooks", "families"]

#: The families of the contract, in the order of the reference (a new family is listed after these).
FAMILIES: tuple[str, ...] = (
    "commitment",
    "grading",
    "inspection frequency",
    "social supervision",
    "tolerance",
    "sanction",
    "repair",
)


def declared_in(module: ModuleType) -> dict[str, HookContract]:
    """The hooks declared with :func:`~credsup.core.declare.hook` in ``module``, in source order."""
    found = [c for c in (contract_of(v) for v in vars(module).values()) if c is not None]
    found.sort(key=lambda c: c.spec.__code__.co_firstlineno)
    return {c.name: c for c in found}


#: Every hook of the contract, by name, in the order of its declarations.
HOOKS: dict[str, HookContract] = declared_in(hookspecs)
#: The modules whose hook specifications every plugin manager holds.
SPEC_MODULES: list[ModuleType] = [hookspecs]


def families() -> tuple[str, ...]:
    """:data:`FAMILIES`, followed by any family only a hook added later belongs to."""
    extra = [c.family for c in HOOKS.values() if c.family not in FAMILIES]
    return FAMILIES + tuple(dict.fromkeys(extra))


@contextlib.contextmanager
def extra_hooks(module: ModuleType) -> Iterator[dict[str, HookContract]]:
    """Add the hooks declared in ``module`` to the contract inside a ``with`` block (and only there).

    Plugin managers made inside the block hold their specifications, Jurisdictions get their typed
    methods, the reference documents them and the conformance kit checks them.
    """
    added = declared_in(module)
    clash = sorted(set(added) & set(HOOKS))
    if clash:
        raise ValueError(f"hooks already declared: {', '.join(clash)}")
    HOOKS.update(added)
    SPEC_MODULES.append(module)
    try:
        yield added
    finally:
        for name in added:
            HOOKS.pop(name, None)
        SPEC_MODULES.remove(module)
