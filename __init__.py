"""credsup: credit-based market supervision policy as code.

The kernel (:mod:`credsup.core`) defines what a supervision policy decides, as pluggy hooks; each
jurisdiction ships its policy as a plugin (:mod:`credsup.plugins`); the simulation harness
(:mod:`credsup.simulation`) plays enterprises and a regulator against a policy and measures it.

Plugin authors need::

    from credsup.core import hookimpl, per_enterprise   # and the types they use
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from credsup.core.hookspecs import CONTRACT_VERSION, hookimpl

try:
    __version__ = version("credsup")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["CONTRACT_VERSION", "__version__", "hookimpl"]
