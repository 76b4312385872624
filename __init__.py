"""credsup: credit-based market supervision policy as code.

The kernel (:mod:`credsup.core`) defines what a supervision policy decides, as pluggy hooks; each
jurisdiction ships its policy as a plugin (:mod:`credsup.plugins`); the simulation harness
(:mod:`credsup.simulation`) plays enterprises and a regulator against a policy and measures it.

Plugin authors need::

    from credsup.core import hookimpl, per_enterprise   # and the types they use

Importing ``credsup`` is light: ``CONTRACT_VERSION``, ``hookimpl`` and ``__version__`` are looked up on
first use (PEP 562), so ``credsup --help`` and any ``credsup.<sub>`` import pay only for what they use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credsup.core.hookspecs import CONTRACT_VERSION, hookimpl

    __version__: str

__all__ = ["CONTRACT_VERSION", "__version__", "hookimpl"]


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("credsup")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _installed_version()
    elif name in ("CONTRACT_VERSION", "hookimpl"):
        from credsup.core import hookspecs

        value = getattr(hookspecs, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
