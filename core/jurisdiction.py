"""One jurisdiction, ready to decide: its plugin manager, its parameters, validated hook calls.

:func:`load_jurisdiction` is the single way the simulator, the registry tools and the CLI ask a
jurisdiction anything. Each call builds its own :class:`pluggy.PluginManager` holding exactly the
jurisdiction and the ``national`` fallback: nothing global, so two jurisdictions (or two parameter sets
of one) can live side by side in one process.

Every hook result is validated (type, shape, dtype, range, NaN) and every exception a plugin raises is
wrapped, so a broken plugin produces one :class:`~credsup.core.errors.HookError` naming the plugin and
the hook, never a bare traceback from deep inside the simulator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pluggy

from credsup.core.batch import EnterpriseBatch, Period
from credsup.core.cases import ObjectionBatch, RepairApplications, ViolationBatch
from credsup.core.config import (
    Sourced,
    apply_overrides,
    leaf_paths,
    merge,
    read_toml,
    source_of,
    split_sources,
    structure,
)
from credsup.core.contracts import HOOKS
from credsup.core.decisions import ObjectionDecisions, RepairDecisions, Sanctions, ToleranceDecisions
from credsup.core.discovery import FALLBACK, PluginInfo, discover, new_plugin_manager
from credsup.core.enums import CommitmentKind
from credsup.core.errors import (
    ConfigError,
    CredsupError,
    HookError,
    HookResultError,
    PluginLoadError,
    Problem,
    UnknownJurisdictionError,
)
from credsup.core.params import JurisdictionParams


@attrs.frozen
class LoadedConfig:
    """A jurisdiction's parameters with the source of each value and the file(s) they came from."""

    params: JurisdictionParams
    sources: Mapping[str, str]
    files: tuple[str, ...]
    title: str = ""


def load_config(
    info: PluginInfo,
    *,
    path: str | Path | None = None,
    overrides: Sequence[tuple[str, Any]] = (),
    lookup: Mapping[str, PluginInfo] | None = None,
) -> LoadedConfig:
    """Read and validate a jurisdiction's parameter file (its default one unless ``path`` is given).

    ``inherits = "other"`` at the top of a file takes every parameter the file does not set from the
    other jurisdiction's default file, with that file's sources. ``overrides`` are ``(key.path, value)``
    pairs from ``--set``.
    """
    params_class = info.plugin.PARAMS_CLASS
    file = str(path if path is not None else info.plugin.DEFAULT_CONFIG)
    raw = read_toml(path if path is not None else info.plugin.DEFAULT_CONFIG)
    declared = raw.get("jurisdiction")
    if declared is not None and declared != info.name:
        raise ConfigError([Problem(file, "jurisdiction", f"this file is for '{declared}', not '{info.name}'")])
    files = [file]
    sourced = split_sources(raw, file)
    parent_name = raw.get("inherits")
    if parent_name is not None:
        lookup = lookup or {i.name: i for i in discover()}
        parent = lookup.get(parent_name)
        if parent is None or parent.status != "ok" or parent_name == info.name:
            raise ConfigError(
                [
                    Problem(
                        file,
                        "inherits",
                        f"cannot inherit from '{parent_name}': not an installed jurisdiction other than this one",
                    )
                ]
            )
        parent_file = str(parent.plugin.DEFAULT_CONFIG)
        parent_raw = read_toml(parent.plugin.DEFAULT_CONFIG)
        parent_sourced = split_sources(parent_raw, parent_file)
        sourced = Sourced(
            merge(parent_sourced.values, sourced.values),
            _merge_sources(parent_sourced.sources, sourced.sources),
            parent_sourced.problems + sourced.problems,
        )
        files.append(parent_file)
    sourced, attribute = apply_overrides(sourced, params_class, overrides)
    params = structure(sourced.values, params_class, file, attribute, known=sourced.problems)
    return LoadedConfig(
        params=params,
        sources=dict(sorted(sourced.sources.items())),
        files=tuple(files),
        title=str(raw.get("title", "")),
    )


def _merge_sources(parent: Mapping[str, str], own: Mapping[str, str]) -> dict[str, str]:
    """Parent sources, minus those an own value replaces (same path, or a table above or below it)."""

    def replaced(key: str) -> bool:
        return any(key == o or key.startswith(o + ".") or o.startswith(key + ".") for o in own)

    return {**{k: v for k, v in parent.items() if not replaced(k)}, **own}


class Jurisdiction:
    """A loaded jurisdiction: metadata, parameters and one method per hook, each result validated.

    Use :func:`load_jurisdiction` to make one. Methods take and return the kernel's batch types; see
    :mod:`credsup.core.hookspecs` for each hook's contract.
    """

    def __init__(self, info: PluginInfo, fallback: PluginInfo, config: LoadedConfig):
        self.info = info
        self.fallback = fallback
        self.config = config
        self.pm: pluggy.PluginManager = new_plugin_manager()
        self.pm.register(fallback.plugin, name=fallback.name)
        if info.name != fallback.name:
            self.pm.register(info.plugin, name=info.name)
        self.pm.check_pending()
        own = set(info.hooks)
        left = [h for h in HOOKS if h not in own]
        if left and info.name != fallback.name and not isinstance(config.params, fallback.plugin.PARAMS_CLASS):
            raise PluginLoadError(
                info.name,
                f"leaves {', '.join(left)} to the '{fallback.name}' fallback, but its PARAMS_CLASS "
                f"{type(config.params).__name__} does not derive from {fallback.plugin.PARAMS_CLASS.__name__}, "
                "which the fallback reads; derive from it or implement those hooks",
            )
        # For each hook, the chain of (plugin name, caller) to try in order: the jurisdiction, then
        # national. Separate callers (instead of one firstresult call) let errors name who answered.
        self._chain: dict[str, list[tuple[str, Any]]] = {}
        for hook in HOOKS:
            chain = []
            if info.name != fallback.name and hook in own:
                chain.append((info.name, self.pm.subset_hook_caller(hook, [fallback.plugin])))
            if info.name == fallback.name or hook in fallback.hooks:
                others = [info.plugin] if info.name != fallback.name else []
                chain.append((fallback.name, self.pm.subset_hook_caller(hook, others)))
            self._chain[hook] = chain

    # -- metadata ----------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def params(self) -> Any:
        return self.config.params

    @property
    def sources(self) -> Mapping[str, str]:
        return self.config.sources

    @property
    def schedule(self) -> Any:
        return self.config.params.schedule

    def parameters(self) -> dict[str, dict[str, Any]]:
        """Every parameter as ``{"key.path": {"value": ..., "source": ...}}`` (JSON-ready: lists, not tuples);
        the source is the value's own or that of its table-valued parameter (None if it has none)."""
        return {
            key: {"value": list(v) if isinstance(v, tuple) else v, "source": source_of(self.sources, key)}
            for key, v in leaf_paths(self.params).items()
        }

    def answered_by(self, hook: str) -> str:
        """Name of the plugin whose implementation answers ``hook`` first."""
        return self._chain[hook][0][0]

    def describe(self) -> dict[str, Any]:
        """JSON-ready description: name, version, distribution, hooks and who answers each."""
        return {
            "name": self.name,
            "title": self.config.title or self.info.title,
            "version": self.version,
            "distribution": self.info.distribution,
            "contract": self.info.contract,
            "config": list(self.config.files),
            "hooks": {hook: self.answered_by(hook) for hook in HOOKS},
        }

    # -- the validated call ------------------------------------------------------------------------

    def call(self, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` with keyword arguments (batches made read-only) and validate the answer."""
        contract = HOOKS[hook]
        for key in ("batch", "violations", "decisions", "applications", "objections"):
            if key in kwargs:
                kwargs[key] = kwargs[key].readonly()
        n = len(kwargs[contract.rows])
        answered_by, result = self.call_unchecked(hook, **kwargs)
        return contract.validate(result, n, answered_by)

    def call_unchecked(self, hook: str, **kwargs: Any) -> tuple[str, Any]:
        """The plugin's raw answer to ``hook`` and who gave it: the jurisdiction, or ``national`` when it
        returned None. Inputs are passed as given (not made read-only) and the result is not validated;
        :meth:`call` does both. For tools that examine a plugin, such as the conformance checks.

        Raises :class:`HookError` when the plugin raises, :class:`HookResultError` when nobody answers.
        """
        kwargs["params"] = self.config.params
        last = self.name
        for plugin_name, caller in self._chain[hook]:
            last = plugin_name
            try:
                result = caller(**kwargs)
            except CredsupError:
                raise
            except Exception as exc:
                raise HookError(plugin_name, hook, f"raised {type(exc).__name__}: {exc}") from exc
            if result is not None:
                return plugin_name, result
        raise HookResultError(last, hook, "returned None and no fallback answered")

    # -- typed entry points, one per hook ----------------------------------------------------------

    def commitment_eligible(self, batch: EnterpriseBatch, kind: CommitmentKind, today: dt.date) -> np.ndarray:
        return self.call("credsup_commitment_eligible", batch=batch, kind=CommitmentKind(kind), today=today)

    def commitment_verification(self, batch: EnterpriseBatch, kind: CommitmentKind, today: dt.date) -> np.ndarray:
        return self.call("credsup_commitment_verification", batch=batch, kind=CommitmentKind(kind), today=today)

    def grade(self, batch: EnterpriseBatch, today: dt.date) -> np.ndarray:
        return self.call("credsup_grade", batch=batch, today=today)

    def demonstration(self, batch: EnterpriseBatch, today: dt.date) -> np.ndarray:
        return self.call("credsup_demonstration", batch=batch, today=today)

    def inspection_probability(self, batch: EnterpriseBatch, period: Period) -> np.ndarray:
        return self.call("credsup_inspection_probability", batch=batch, period=period)

    def complaint_intensity(self, batch: EnterpriseBatch, today: dt.date) -> np.ndarray:
        return self.call("credsup_complaint_intensity", batch=batch, today=today)

    def complaint_verification(self, batch: EnterpriseBatch, today: dt.date) -> np.ndarray:
        return self.call("credsup_complaint_verification", batch=batch, today=today)

    def tolerance(self, violations: ViolationBatch, batch: EnterpriseBatch, today: dt.date) -> ToleranceDecisions:
        return self.call("credsup_tolerance", violations=violations, batch=batch, today=today)

    def sanction(
        self, violations: ViolationBatch, decisions: ToleranceDecisions, batch: EnterpriseBatch, today: dt.date
    ) -> Sanctions:
        return self.call("credsup_sanction", violations=violations, decisions=decisions, batch=batch, today=today)

    def repair(self, applications: RepairApplications, batch: EnterpriseBatch, today: dt.date) -> RepairDecisions:
        return self.call("credsup_repair", applications=applications, batch=batch, today=today)

    def objection(self, objections: ObjectionBatch, batch: EnterpriseBatch, today: dt.date) -> ObjectionDecisions:
        return self.call("credsup_objection", objections=objections, batch=batch, today=today)

    def __repr__(self) -> str:
        return f"<Jurisdiction {self.name} {self.version}>"


def load_jurisdiction(
    name: str,
    *,
    config: str | Path | None = None,
    overrides: Sequence[tuple[str, Any]] = (),
    environ: dict[str, str] | None = None,
) -> Jurisdiction:
    """Find, validate and configure the jurisdiction ``name`` with the ``national`` fallback.

    Raises :class:`UnknownJurisdictionError` (not installed or disabled), :class:`PluginLoadError`
    (import or validation failure, contract mismatch) or :class:`ConfigError` (bad parameters).
    """
    infos = {i.name: i for i in discover(environ=environ)}
    info = infos.get(name)
    available = sorted(n for n, i in infos.items() if i.status == "ok")
    if info is None:
        raise UnknownJurisdictionError(name, available)
    if info.status == "disabled":
        raise UnknownJurisdictionError(name, available, why=info.error or "disabled")
    if info.status == "error":
        if isinstance(info.failure, PluginLoadError):
            raise info.failure
        raise PluginLoadError(name, info.error or "failed to load") from info.failure
    fallback = infos.get(FALLBACK)
    if fallback is None or fallback.status != "ok":
        why = "not installed" if fallback is None else (fallback.error or fallback.status)
        raise PluginLoadError(FALLBACK, f"the fallback every jurisdiction needs is unavailable ({why})")
    loaded = load_config(info, path=config, overrides=overrides, lookup=infos)
    return Jurisdiction(info, fallback, loaded)


__all__ = ["Jurisdiction", "LoadedConfig", "load_config", "load_jurisdiction"]
