"""The chain of layers a jurisdiction builds on: a county on its province, the province on ``national``.

Each plugin's parameter file names the jurisdiction it builds on (``inherits``); a file without it is a
root layer (``national``, ``traditional``). :func:`resolve_chain` follows ``inherits`` to the root, any
depth, and reports a missing or broken parent, or a cycle, in one line naming the file. Each layer's
``PARAMS_CLASS`` must derive from its parent's: the hooks a layer leaves to the layers below read their
own sections from the same parameter object.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from credsup.core.discovery import PluginInfo
from credsup.core.errors import ConfigError, PluginLoadError, Problem, UnknownJurisdictionError


def config_file(info: PluginInfo) -> str:
    """The name of a plugin's default parameter file, for messages."""
    return str(getattr(info.plugin, "DEFAULT_CONFIG", info.name))


def check_usable(info: PluginInfo | None, name: str, infos: Mapping[str, PluginInfo]) -> PluginInfo:
    """``info`` if it is a loaded plugin; else the error a user should see for ``name``."""
    available = sorted(n for n, i in infos.items() if i.status == "ok")
    if info is None:
        raise UnknownJurisdictionError(name, available)
    if info.status == "disabled":
        raise UnknownJurisdictionError(name, available, why=info.error or "disabled")
    if info.status == "error":
        if isinstance(info.failure, PluginLoadError):
            raise info.failure
        raise PluginLoadError(name, info.error or "failed to load") from info.failure
    return info


def resolve_chain(name: str, infos: Mapping[str, PluginInfo]) -> tuple[PluginInfo, ...]:
    """The layers of jurisdiction ``name``, root first (``national``, ``shanghai``, ``pudong``).

    Raises :class:`UnknownJurisdictionError` or :class:`PluginLoadError` for ``name`` itself, and a
    one-line :class:`ConfigError` naming the file and ``inherits`` for a missing, disabled or broken
    parent or a cycle; :class:`PluginLoadError` when a layer's PARAMS_CLASS does not derive from its
    parent's.
    """
    top = check_usable(infos.get(name), name, infos)
    chain = [top]
    while chain[-1].inherits is not None:
        child = chain[-1]
        parent_name = child.inherits
        assert parent_name is not None
        file = config_file(child)
        seen = [i.name for i in chain]
        if parent_name in seen:
            cycle = " -> ".join([*seen[seen.index(parent_name) :], parent_name])
            raise ConfigError([Problem(file, "inherits", f"cycle of layers: {cycle}")])
        parent = infos.get(parent_name)
        if parent is None or parent.status != "ok":
            if parent is None:
                close = difflib.get_close_matches(parent_name, [n for n, i in infos.items() if i.status == "ok"], n=1)
                why = "is not an installed jurisdiction" + (f" (did you mean '{close[0]}'?)" if close else "")
            elif parent.status == "disabled":
                why = f"is disabled ({parent.error})"
            else:
                why = f"does not load ({parent.error})"
            raise ConfigError([Problem(file, "inherits", f"'{parent_name}' {why}")])
        own, base = child.plugin.PARAMS_CLASS, parent.plugin.PARAMS_CLASS
        if not issubclass(own, base):
            raise PluginLoadError(
                child.name,
                f"PARAMS_CLASS {own.__name__} does not derive from {base.__name__}, the PARAMS_CLASS of "
                f"'{parent.name}' it builds on ({file}: inherits); derive from it so that the hooks it "
                "leaves to the layers below find their parameters",
            )
        chain.append(parent)
    return tuple(reversed(chain))


__all__ = ["check_usable", "config_file", "resolve_chain"]
