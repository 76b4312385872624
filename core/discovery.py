"""Finding jurisdiction plugins: the ``credsup.jurisdictions`` entry-point group, built-ins included.

A jurisdiction plugin is a module (or any object) named by an entry point in the group
``credsup.jurisdictions``; the entry point's name is the jurisdiction's name. The module holds the hook
implementations and three declarations::

    CREDSUP_CONTRACT = "1.1"           # hook-contract version it was written for
    PARAMS_CLASS = MyParams            # frozen attrs class of its parameters
    DEFAULT_CONFIG = files(__package__) / "my.toml"   # its parameter file (a path or Traversable)

The parameter file names the jurisdiction it builds on (``inherits = "shanghai"``); a file without
``inherits`` is a root layer that answers every hook itself (``national``, ``traditional``).

Discovery never raises because one plugin is broken: each is imported inside its own ``try`` and a
failure is recorded on its :class:`PluginInfo` (as tox 4 does), so ``credsup plugins`` can show it; a
plugin that calls ``sys.exit`` or raises ``KeyboardInterrupt`` at import is broken too, and what it
prints goes to stderr (:mod:`credsup.core.containment`).
The environment variable ``CREDSUP_DISABLE_PLUGINS`` (comma-separated names) keeps plugins from being
imported at all.
"""

from __future__ import annotations

import importlib.metadata as md
import inspect
import os
from collections.abc import Iterable
from typing import Any, Literal

import attrs
import pluggy

from credsup.core import hookspecs
from credsup.core.containment import interrupt_count, plugin_failure, plugin_output, watch_interrupts
from credsup.core.errors import ConfigError, ContractVersionError, PluginLoadError
from credsup.core.params import JurisdictionParams

ENTRY_POINT_GROUP = "credsup.jurisdictions"
DISABLE_ENV = "CREDSUP_DISABLE_PLUGINS"
FALLBACK = "national"

Status = Literal["ok", "error", "disabled"]


@attrs.frozen
class PluginInfo:
    """One installed jurisdiction plugin as discovery found it."""

    name: str
    target: str  #: the entry point's value, ``module[:attr]``
    distribution: str
    version: str
    builtin: bool
    status: Status
    error: str | None = None
    title: str = ""
    contract: str | None = None
    hooks: tuple[str, ...] = ()
    #: the jurisdiction this one builds on (its parameter file's ``inherits``); None for a root layer
    inherits: str | None = None
    plugin: Any = attrs.field(default=None, repr=False, eq=False)
    #: the exception behind ``status == "error"`` (re-raised by ``load_jurisdiction``)
    failure: BaseException | None = attrs.field(default=None, repr=False, eq=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description (what ``credsup plugins --json`` prints)."""
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "distribution": self.distribution,
            "origin": "built-in" if self.builtin else "third-party",
            "module": self.target,
            "contract": self.contract,
            "hooks": list(self.hooks),
            "inherits": self.inherits,
            "status": self.status,
            "error": self.error,
        }


def disabled_names(environ: dict[str, str] | None = None) -> frozenset[str]:
    """Plugin names listed in ``CREDSUP_DISABLE_PLUGINS``."""
    raw = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def parse_contract(text: str) -> tuple[int, int]:
    major, _, minor = str(text).partition(".")
    return int(major), int(minor or 0)


def check_contract(name: str, declared: Any, implementations: dict[str, str] | None = None) -> str:
    """Validate a plugin's declared contract version against ours; return it normalised.

    A plugin for an earlier major loads when it implements none of the hooks whose meaning changed since
    (or only a batch implementation whose old answer has an exact reading: :mod:`credsup.core.compat`);
    ``implementations`` maps each hook it implements to ``batch``, ``wrapper`` or ``row``.
    """
    if declared is None:
        raise ContractVersionError(
            name,
            f'does not declare CREDSUP_CONTRACT; add CREDSUP_CONTRACT = "{hookspecs.CONTRACT_VERSION}" '
            "to the plugin module",
        )
    try:
        major, minor = parse_contract(declared)
    except ValueError:
        raise ContractVersionError(name, f'CREDSUP_CONTRACT = {declared!r} is not a version like "1.0"') from None
    ours_major, ours_minor = parse_contract(hookspecs.CONTRACT_VERSION)
    if major == ours_major and minor <= ours_minor:
        return f"{major}.{minor}"
    if f"{major}.{minor}" in hookspecs.CONTRACT_HISTORY and major < ours_major and implementations is not None:
        from credsup.core import compat

        found = compat.problems(major, implementations)
        if not found:
            return f"{major}.{minor}"
        raise ContractVersionError(name, f"{found[0]}")
    raise ContractVersionError(
        name,
        f"declares hook contract {major}.{minor} but this credsup provides "
        f"{hookspecs.CONTRACT_VERSION}; install a credsup that provides {major}.{minor} or a plugin "
        f"release written for contract {ours_major}.x",
    )


def implementation_kinds(pm: pluggy.PluginManager, plugin: Any) -> dict[str, str]:
    """How ``plugin`` implements each of its hooks: ``wrapper``, ``row`` (``@per_enterprise``) or ``batch``."""
    out: dict[str, str] = {}
    for caller in pm.get_hookcallers(plugin) or ():
        for impl in caller.get_hookimpls():
            if impl.plugin is not plugin:
                continue
            if impl.wrapper or impl.hookwrapper:
                out[caller.name] = "wrapper"
            elif getattr(impl.function, "per_enterprise_rule", None) is not None:
                out[caller.name] = "row"
            else:
                out[caller.name] = "batch"
    return out


def implemented_hooks(plugin: Any) -> tuple[str, ...]:
    """Names of the hooks ``plugin`` implements (attributes marked with ``@hookimpl``, under their own
    name or the ``specname`` they give), as pluggy registers them."""
    pm = new_plugin_manager()
    try:
        pm.register(plugin)
    except (pluggy.PluginValidationError, ValueError):
        marker = f"{hookspecs.PROJECT}_impl"
        return tuple(sorted(n for n in dir(plugin) if n.startswith("credsup_") and hasattr(getattr(plugin, n), marker)))
    return tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or ()))


def declared_parent(name: str, plugin: Any) -> str | None:
    """The ``inherits`` key of the plugin's default parameter file (None: a root layer).

    Raises :class:`PluginLoadError` when the file cannot be read or the key is not a name.
    """
    from credsup.core.config import read_toml

    try:
        raw = read_toml(plugin.DEFAULT_CONFIG)
    except ConfigError as exc:
        raise PluginLoadError(name, str(exc)) from None
    parent = raw.get("inherits")
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        raise PluginLoadError(name, f"{plugin.DEFAULT_CONFIG}: inherits: expected a jurisdiction name, got {parent!r}")
    return parent.strip() if isinstance(parent, str) else None


def validate_plugin(name: str, plugin: Any) -> tuple[str, tuple[str, ...]]:
    """Everything that can be checked about a plugin without its config; returns (contract, hooks).

    Checks: declared contract version; the params class; unmarked ``credsup_*`` functions (a forgotten
    ``@hookimpl``); pluggy's own validation (argument names) and ``check_pending`` (hooks that match no
    specification, e.g. a misspelt name); old-style ``hookwrapper=True`` implementations, which are
    refused (write ``wrapper=True``: the new-style wrappers pluggy and pytest recommend).
    """
    declared = getattr(plugin, "CREDSUP_CONTRACT", None)
    check_contract(name, declared, implementations={})  # missing or malformed: before anything else
    params_class = getattr(plugin, "PARAMS_CLASS", None)
    if params_class is None or not (inspect.isclass(params_class) and attrs.has(params_class)):
        raise PluginLoadError(name, "PARAMS_CLASS must be an attrs class of the plugin's parameters")
    if not issubclass(params_class, JurisdictionParams):
        raise PluginLoadError(
            name,
            f"PARAMS_CLASS {params_class.__name__} must derive from credsup.core.JurisdictionParams "
            "(or from credsup.plugins.national.NationalParams)",
        )
    if getattr(plugin, "DEFAULT_CONFIG", None) is None:
        raise PluginLoadError(name, "DEFAULT_CONFIG must name the plugin's parameter file")
    marker = f"{hookspecs.PROJECT}_impl"
    unmarked = sorted(
        attr
        for attr in dir(plugin)
        if attr.startswith("credsup_")
        and callable(getattr(plugin, attr))
        and not hasattr(getattr(plugin, attr), marker)
    )
    if unmarked:
        raise PluginLoadError(name, f"{', '.join(unmarked)} not marked with @hookimpl (from credsup import hookimpl)")
    pm = new_plugin_manager()
    try:
        pm.register(plugin, name=name)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginLoadError(name, _pluggy_message(exc)) from exc
    old_style = sorted(
        caller.name
        for caller in pm.get_hookcallers(plugin) or ()
        for impl in caller.get_hookimpls()
        if impl.plugin is plugin and impl.hookwrapper
    )
    if old_style:
        raise PluginLoadError(
            name,
            f"{', '.join(old_style)}: old-style hookwrapper=True is not supported; write "
            "@hookimpl(wrapper=True) and return the (changed) result after `result = yield` "
            "(docs/plugin-guide.md, 'Layers')",
        )
    contract = check_contract(name, declared, implementations=implementation_kinds(pm, plugin))
    return contract, implemented_hooks(plugin)


def _pluggy_message(exc: pluggy.PluginValidationError) -> str:
    text = str(exc)
    if "unknown hook" in text:
        hook = text.split("unknown hook", 1)[1].split()[0].strip("'\"")
        import difflib

        from credsup.core.contracts import HOOKS

        close = difflib.get_close_matches(hook, list(HOOKS), n=1)
        return f"implements unknown hook {hook}" + (f" (did you mean {close[0]}?)" if close else "")
    return text.replace("\n", " ")


def new_plugin_manager() -> pluggy.PluginManager:
    """A fresh, empty plugin manager with the credsup hook specifications (nothing global)."""
    from credsup.core.contracts import SPEC_MODULES

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    for module in SPEC_MODULES:
        pm.add_hookspecs(module)
    return pm


def _title(plugin: Any) -> str:
    doc = inspect.getdoc(plugin) or ""
    return doc.strip().split("\n", 1)[0].strip()


def _entry_points() -> Iterable[md.EntryPoint]:
    return md.entry_points(group=ENTRY_POINT_GROUP)


#: What a plugin that exits or interrupts is told.
AT_IMPORT = "(a plugin must raise an exception, not end or interrupt the program)"


def discover(*, environ: dict[str, str] | None = None, load: bool = True) -> list[PluginInfo]:
    """Every installed jurisdiction plugin, sorted by name, each loaded and validated in isolation.

    A plugin's import is contained: what it prints goes to stderr, and ``sys.exit`` or
    ``KeyboardInterrupt`` (other than the user's own Ctrl-C) marks it broken like any import error.
    """
    watch_interrupts()
    disabled = disabled_names(environ)
    found: dict[str, PluginInfo] = {}
    for ep in sorted(_entry_points(), key=lambda e: (e.name, e.value)):
        dist = ep.dist
        dist_name = dist.metadata["Name"] if dist is not None else "?"
        version = dist.version if dist is not None else "?"
        base: dict[str, Any] = dict(
            name=ep.name, target=ep.value, distribution=dist_name, version=version, builtin=dist_name == "credsup"
        )
        if ep.name in found:
            other = found[ep.name]
            if other.target == ep.value and other.distribution == dist_name:
                continue  # the same distribution seen twice on sys.path
            found[ep.name] = attrs.evolve(
                other,
                status="error",
                error=f"name '{ep.name}' is provided by both {other.distribution} ({other.target}) and "
                f"{dist_name} ({ep.value}); uninstall one of them",
            )
            continue
        if ep.name in disabled:
            found[ep.name] = PluginInfo(**base, status="disabled", error=f"disabled by {DISABLE_ENV}")
            continue
        if not load:
            found[ep.name] = PluginInfo(**base, status="ok")
            continue
        mark = interrupt_count()
        try:
            with plugin_output():  # a plugin's prints go to stderr: stdout carries data
                plugin = ep.load()
        except Exception as exc:  # any import failure is the plugin's, reported by name
            found[ep.name] = PluginInfo(**base, status="error", error=f"{type(exc).__name__}: {exc}", failure=exc)
            continue
        except BaseException as exc:  # sys.exit, KeyboardInterrupt: the plugin's too, unless the user's Ctrl-C
            what = plugin_failure(exc, mark)
            if what is None:
                raise
            error = f"{type(exc).__name__} ({what}) at import {AT_IMPORT}"
            found[ep.name] = PluginInfo(**base, status="error", error=error, failure=PluginLoadError(ep.name, error))
            continue
        try:
            with plugin_output():
                contract, hooks = validate_plugin(ep.name, plugin)
                parent = declared_parent(ep.name, plugin)
        except (SystemExit, KeyboardInterrupt) as exc:  # a module __getattr__ or a DEFAULT_CONFIG that exits
            what = plugin_failure(exc, mark)
            if what is None:
                raise
            error = f"{type(exc).__name__} ({what}) when its declarations were read {AT_IMPORT}"
            found[ep.name] = PluginInfo(**base, status="error", error=error, failure=PluginLoadError(ep.name, error))
            continue
        except PluginLoadError as exc:
            found[ep.name] = PluginInfo(
                **base,
                status="error",
                error=exc.problem,
                title=_title(plugin),
                contract=getattr(plugin, "CREDSUP_CONTRACT", None),
                hooks=implemented_hooks(plugin),
                plugin=plugin,
                failure=exc,
            )
            continue
        found[ep.name] = PluginInfo(
            **base, status="ok", title=_title(plugin), contract=contract, hooks=hooks, inherits=parent, plugin=plugin
        )
    return [found[name] for name in sorted(found)]
