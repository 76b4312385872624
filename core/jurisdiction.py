"""One jurisdiction, ready to decide: its chain of layers, its parameters by date, validated hook calls.

:func:`load_jurisdiction` is the single way the simulator, the registry tools and the CLI ask a
jurisdiction anything. Each call builds its own :class:`pluggy.PluginManager` holding the jurisdiction's
whole chain of layers, root first (``national``, then ``shanghai``, then ``pudong``): pluggy calls the
last registered first, so a hook falls through the layers with pluggy's own ``firstresult`` machinery,
and ``tryfirst``, ``trylast`` and ``wrapper=True`` mean what they mean to pytest plugin authors. Nothing
is global: two jurisdictions (or two parameter sets of one) live side by side in one process.

Every hook result is validated (type, shape, dtype, range, NaN) and every exception a plugin raises is
wrapped, so a broken plugin produces one :class:`~credsup.core.errors.HookError` naming the layer that
answered (or raised) and the hook. Each call gets the parameters in force on its date (``today``, or the
start of ``period``): :mod:`credsup.core.dated`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pluggy

from credsup.core import compat, dated
from credsup.core.adapter import PartialAnswer, RuleAnswerError
from credsup.core.arguments import check_call, contract_of, override_pairs
from credsup.core.columns import Columnar
from credsup.core.config import (
    OVERRIDE_SOURCE,
    check_path,
    leaf_paths,
    read_toml,
    short_repr,
    source_of,
    structure,
)
from credsup.core.containment import interrupt_count, plugin_failure, plugin_output, watch_interrupts
from credsup.core.contracts import HOOKS
from credsup.core.declare import HookContract
from credsup.core.discovery import PluginInfo, discover, new_plugin_manager
from credsup.core.errors import (
    ConfigError,
    CredsupError,
    HookError,
    HookResultError,
    PluginLoadError,
    Problem,
)
from credsup.core.layers import check_usable, config_file, resolve_chain
from credsup.core.params import JurisdictionParams
from credsup.core.reforms import REFORM_META_KEYS, JurisdictionRef, check_applies, parse_ref, reform_path

#: Top-level keys of a jurisdiction file that are not parameters.
META_KEYS = ("jurisdiction", "title", "inherits")


# ------------------------------------------------------------------------------------------ configs


@attrs.frozen
class LoadedConfig:
    """A jurisdiction's parameters, by date, with the source of each value and the files they came from.

    ``params`` and ``sources`` are those in force on ``as_of`` (when the jurisdiction was loaded with one)
    or, without it, the latest: those in force from the last dated change on. ``segments`` holds the
    parameters of every stretch of time between two changes (``starts[0]`` is None: before any change).
    """

    params: JurisdictionParams
    sources: Mapping[str, str]
    files: tuple[str, ...]
    title: str = ""
    leaves: Mapping[str, tuple[dated.Entry, ...]] = attrs.field(factory=dict, repr=False)
    starts: tuple[dt.date | None, ...] = (None,)
    segments: tuple[JurisdictionParams, ...] = ()
    segment_sources: tuple[Mapping[str, str], ...] = ()
    as_of: dt.date | None = None

    def index(self, day: dt.date | None) -> int:
        """The segment in force on ``day`` (None: the latest)."""
        if day is None or len(self.starts) == 1:
            return len(self.starts) - 1
        return bisect.bisect_right(self._dates, day)  # ``starts[0]`` is None: before the first change

    @property
    def _dates(self) -> list[dt.date]:
        return [s for s in self.starts[1:] if s is not None]

    def params_at(self, day: dt.date | None) -> JurisdictionParams:
        return self.segments[self.index(day)] if self.segments else self.params

    def sources_at(self, day: dt.date | None) -> Mapping[str, str]:
        return self.segment_sources[self.index(day)] if self.segment_sources else self.sources

    def dated_paths(self) -> list[str]:
        """Parameters that change over time."""
        return [p for p, entries in self.leaves.items() if len(entries) > 1]


def _file_leaves(
    file: str, raw: Mapping[str, Any], skip: Sequence[str], problems: list[Problem]
) -> dict[str, tuple[dated.Entry, ...]]:
    leaves, found = dated.read_leaves(raw, file, skip=skip)
    problems.extend(found)
    return leaves


def _check_declared(file: str, raw: Mapping[str, Any], info: PluginInfo) -> None:
    declared = raw.get("jurisdiction")
    if declared is not None and declared != info.name:
        raise ConfigError([Problem(file, "jurisdiction", f"this file is for '{declared}', not '{info.name}'")])


def load_config(
    info: PluginInfo,
    *,
    path: str | Path | None = None,
    overrides: Sequence[tuple[str, Any]] = (),
    lookup: Mapping[str, PluginInfo] | None = None,
    reforms: Sequence[str] = (),
    as_of: dt.date | None = None,
) -> LoadedConfig:
    """Read and validate a jurisdiction's parameters: its chain's files, root first, then ``reforms``,
    then ``overrides`` (``(key.path, value)`` pairs from ``--set``).

    ``path`` replaces the jurisdiction's own default file (``--config``); it may omit ``inherits`` (then it
    must set every parameter) or name the plugin's own parent. Every dated segment is structured and
    validated; problems name the file and key (and the date from which a bad value is in force).
    """
    infos = dict(lookup) if lookup is not None else {i.name: i for i in discover()}
    chain = resolve_chain(info.name, {**infos, info.name: info})
    params_class = info.plugin.PARAMS_CLASS
    problems: list[Problem] = []
    leaves: dict[str, tuple[dated.Entry, ...]] = {}
    files: list[str] = []
    own_file = str(path if path is not None else info.plugin.DEFAULT_CONFIG)
    own_raw = read_toml(path if path is not None else info.plugin.DEFAULT_CONFIG)
    _check_declared(own_file, own_raw, info)
    layers = list(chain)
    if path is not None:
        named = own_raw.get("inherits")
        if named is not None and not isinstance(named, str):
            raise ConfigError(
                [
                    Problem(
                        own_file,
                        "inherits",
                        f"expected the name of one jurisdiction (a string), got {short_repr(named)}",
                    )
                ]
            )
        if named is None:
            layers = [info]  # a complete file: no inherited values
        elif named != info.inherits:
            raise ConfigError(
                [
                    Problem(
                        own_file,
                        "inherits",
                        f"'{named}' is not the layer '{info.name}' builds on ({info.inherits or 'none'}, declared "
                        f"in {config_file(info)}); a parameter file cannot change the chain of layers",
                    )
                ]
            )
    for layer in layers:
        file = own_file if layer.name == info.name else config_file(layer)
        raw = own_raw if layer.name == info.name else read_toml(layer.plugin.DEFAULT_CONFIG)
        leaves = dated.stack(leaves, _file_leaves(file, raw, META_KEYS, problems))
        files.insert(0, file)
    chain_names = tuple(i.name for i in chain)
    for token in reforms:
        rpath = reform_path(token)
        rfile = str(rpath)
        raw = read_toml(rpath)
        check_applies(rfile, raw, chain_names, info.name)
        found = _file_leaves(rfile, raw, REFORM_META_KEYS, problems)  # unknown keys: reported when structured
        leaves = dated.stack(leaves, found)
        files.append(rfile)
    for key, value in overrides:
        why = check_path(params_class, key)
        if why:
            raise ConfigError([Problem("--set", key, why)])
        source = f"{OVERRIDE_SOURCE}: --set {key}={dated._toml_repr(value)}"
        leaves = dated.stack(leaves, {key: (dated.Entry(None, value, source, "--set"),)})
    for key, first in dated.undated_gaps(leaves):
        problems.append(
            Problem(
                first.file,
                key,
                f"no value before {first.since}: give its first value without `since` (in force before any change)",
            )
        )
    starts: list[dt.date | None] = [None, *dated.breakpoints(leaves)]
    segments: list[JurisdictionParams] = []
    segment_sources: list[dict[str, str]] = []
    seen = {str(p) for p in problems}
    for start in starts:
        values, sources, blame = dated.values_at(leaves, start)
        try:
            segments.append(structure(values, params_class, own_file, blame))
        except ConfigError as exc:
            when = f" (the values in force from {start})" if start is not None else ""
            for p in exc.problems:
                if str(p) not in seen:
                    seen.add(str(p))
                    problems.append(attrs.evolve(p, message=p.message + when))
        segment_sources.append(dict(sorted(sources.items())))
    if problems:
        raise ConfigError(problems)
    picked = (
        len(starts) - 1 if as_of is None else max(0, bisect.bisect_right([s or dt.date.min for s in starts], as_of) - 1)
    )
    return LoadedConfig(
        params=segments[picked],
        sources=segment_sources[picked],
        files=tuple(dict.fromkeys(files)),
        title=str(own_raw.get("title", "")),
        leaves=leaves,
        starts=tuple(starts),
        segments=tuple(segments),
        segment_sources=tuple(segment_sources),
        as_of=as_of,
    )


# ------------------------------------------------------------------------------------------- layers


class _LayerProxy:
    """What pluggy registers for one layer: its implementations, traced (identity-compared, unlike a
    SimpleNamespace, so two empty ones are two plugins)."""

    def __init__(self, name: str):
        self.layer_name = name

    def __repr__(self) -> str:
        return f"<layer {self.layer_name}>"


@attrs.define
class _Answer:
    """Who answered which rows of one call (``rows`` None: all of them); wrappers that changed it."""

    parts: list[tuple[str, np.ndarray | None]] = attrs.field(factory=list)
    wrappers: list[str] = attrs.field(factory=list)

    def credit(self) -> str:
        if self.wrappers:
            return self.wrappers[-1]
        return "+".join(dict.fromkeys(layer for layer, _ in self.parts)) if self.parts else ""


def _take_rows(contract: HookContract, kwargs: Mapping[str, Any], rows: np.ndarray) -> dict[str, Any]:
    """The arguments of a call restricted to ``rows`` of the result (cases keep the whole enterprise batch)."""
    out = dict(kwargs)
    rows_arg = contract.rows
    for arg in contract.arguments:
        if arg.name not in out:
            continue
        if arg.name == rows_arg or arg.role == "aligned":
            out[arg.name] = out[arg.name].take(rows).readonly()
    return out


class Jurisdiction:
    """A loaded jurisdiction: its layers, parameters by date and one method per hook, each result validated.

    Use :func:`load_jurisdiction` to make one. Besides :meth:`call`, every hook of the contract is a
    method named after it without the ``credsup_`` prefix, taking the hook's arguments except ``params``
    (``j.grade(batch, today)``, ``j.tolerance(violations, batch, today)``); see ``docs/hooks.md``.
    A call keeps track of which layer answered which rows, so one Jurisdiction serves one thread at a
    time (load one per thread; processes load their own).
    """

    def __init__(self, chain: Sequence[PluginInfo], config: LoadedConfig, *, name: str | None = None):
        if not chain:
            raise ValueError("a jurisdiction needs at least one layer")
        self.chain: tuple[PluginInfo, ...] = tuple(chain)
        self.info = self.chain[-1]
        self.config = config
        self._name = name or self.info.name
        watch_interrupts()  # a plugin's KeyboardInterrupt is its error; the user's Ctrl-C stays the user's
        self.pm: pluggy.PluginManager = new_plugin_manager()
        self._proxies: dict[str, tuple[Any, Any]] = {}
        self._answers: list[_Answer] = []
        self._calls: list[dict[str, Any]] = []
        self._rest: dict[tuple[str, str], Any] = {}
        for layer in self.chain:  # root first: pluggy calls the last registered first
            plain, wrappers = self._proxy(layer)
            self.pm.register(plain, name=layer.name)
            self.pm.register(wrappers, name=f"{layer.name}:wrappers")
            self._proxies[layer.name] = (plain, wrappers)
        self.pm.check_pending()
        missing = [h for h in HOOKS if self.answered_by(h) is None]
        if missing:
            root = self.chain[0].name
            raise PluginLoadError(
                root,
                f"no layer of {self.layers_text} implements {', '.join(missing)}; a root layer (a jurisdiction "
                "without `inherits`) answers every hook",
            )

    # -- the proxies through which pluggy calls each layer's implementations ----------------------

    def _proxy(self, layer: PluginInfo) -> tuple[_LayerProxy, _LayerProxy]:
        marker = "credsup_impl"
        plain, wrappers = _LayerProxy(layer.name), _LayerProxy(f"{layer.name}:wrappers")
        for attr in dir(layer.plugin):
            fn = getattr(layer.plugin, attr, None)
            opts = getattr(fn, marker, None)
            if opts is None or not inspect.isroutine(fn):
                continue
            hook = opts.get("specname") or attr
            if opts.get("wrapper"):
                setattr(wrappers, attr, self._traced_wrapper(layer.name, hook, fn))
            else:
                setattr(plain, attr, self._traced(layer.name, hook, fn, _older_major(layer)))
        return plain, wrappers

    def _traced(
        self, layer: str, hook: str, fn: Callable[..., Any], older_major: int | None = None
    ) -> Callable[..., Any]:
        """``fn`` with its failures named after ``layer`` and ``hook``; a layer written for an earlier major
        of the contract (``older_major``) has its answers read with their old meaning (:mod:`~credsup.core.compat`)."""
        hint = compat.hint(hook, older_major) if older_major is not None else ""

        def traced(*args: Any) -> Any:
            mark = interrupt_count()
            try:
                result = fn(*args)
            except RuleAnswerError as exc:
                raise HookResultError(layer, hook, str(exc) + hint) from None
            except CredsupError:
                raise
            except Exception as exc:
                raise HookError(layer, hook, f"raised {type(exc).__name__}: {exc}{hint}") from exc
            except BaseException as exc:  # sys.exit, KeyboardInterrupt: the plugin's, unless the user's Ctrl-C
                raise _contained(exc, mark, layer, hook) from None
            if result is None:
                return None
            if older_major is not None:
                result, problem = compat.read_legacy(hook, result)
                if problem is not None:
                    raise HookResultError(layer, hook, problem.message, kind=problem.kind)
            if isinstance(result, PartialAnswer):
                return self._complete(layer, hook, result)
            if self._answers:
                self._answers[-1].parts.append((layer, None))
            return result

        functools.update_wrapper(traced, fn)
        return traced

    def _traced_wrapper(self, layer: str, hook: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def fail(exc: BaseException) -> HookError:
            return HookError(layer, hook, f"raised {type(exc).__name__} in its wrapper: {exc}")

        def traced(*args: Any) -> Iterator[Any]:
            mark = interrupt_count()
            gen = fn(*args)
            try:
                first = next(gen)
            except CredsupError:
                raise
            except Exception as exc:
                raise fail(exc) from exc
            except (SystemExit, KeyboardInterrupt) as exc:
                raise _contained(exc, mark, layer, hook, " in its wrapper") from None
            try:
                inner = yield first
            except BaseException as exc:  # an exception from the layers inside: the wrapper may handle it
                try:
                    gen.throw(exc)
                except StopIteration as stop:
                    self._note_wrapper(layer)
                    return stop.value
                except CredsupError:
                    raise
                except Exception as exc2:
                    if exc2 is exc:
                        raise
                    raise fail(exc2) from exc2
                except (SystemExit, KeyboardInterrupt) as exc2:
                    if exc2 is exc:
                        raise
                    raise _contained(exc2, mark, layer, hook, " in its wrapper") from None
                raise HookError(layer, hook, "its wrapper yields more than once") from None
            try:
                gen.send(inner)
            except StopIteration as stop:
                if stop.value is not inner:
                    self._note_wrapper(layer)
                return stop.value
            except CredsupError:
                raise
            except Exception as exc:
                raise fail(exc) from exc
            except (SystemExit, KeyboardInterrupt) as exc:
                raise _contained(exc, mark, layer, hook, " in its wrapper") from None
            raise HookError(layer, hook, "its wrapper yields more than once")

        functools.update_wrapper(traced, fn)
        return traced

    def _note_wrapper(self, layer: str) -> None:
        if self._answers:
            self._answers[-1].wrappers.append(layer)

    def _call_order(self, hook: str) -> list[str]:
        """The layers whose (non-wrapper) implementations of ``hook`` pluggy calls, in call order."""
        caller = getattr(self.pm.hook, hook)
        return [i.plugin_name for i in reversed(caller.get_hookimpls()) if not (i.wrapper or i.hookwrapper)]

    def _complete(self, layer: str, hook: str, partial: PartialAnswer) -> Any:
        """Ask the layers after ``layer`` (in call order, wrappers excluded) for the rows it deferred."""
        contract = HOOKS[hook]
        _check_partial(contract, partial, len(self._calls[-1][contract.rows]), layer)
        rows = partial.deferred
        key = (hook, layer)
        rest = self._rest.get(key)
        if rest is None:
            order = self._call_order(hook)
            done = set(order[: order.index(layer) + 1])
            remove = [w for _, w in self._proxies.values()] + [p for n, (p, _) in self._proxies.items() if n in done]
            rest = self._rest[key] = self.pm.subset_hook_caller(hook, remove_plugins=remove)
        kwargs = _take_rows(contract, self._calls[-1], rows)  # copies, made read-only like every input
        self._calls.append(kwargs)
        self._answers.append(_Answer())
        try:
            answer = rest(**kwargs)
        except RuleAnswerError as exc:
            raise HookResultError(layer, hook, str(exc.moved(rows))) from None
        finally:
            sub = self._answers.pop()
            self._calls.pop()
        if answer is None:
            raise HookResultError(
                layer, hook, f"left {len(rows)} row(s) to the layers below (DEFER), but none of them answered"
            )
        problem = contract.diagnose(answer, len(rows))
        if problem is not None:
            raise HookResultError(sub.credit() or layer, hook, f"for the rows {layer} deferred: {problem.message}")
        outer = self._answers[-1]
        outer.parts.append((layer, partial.answered))
        outer.parts.extend((name, rows if sub_rows is None else rows[sub_rows]) for name, sub_rows in sub.parts)
        return partial.merged(contract, answer)

    # -- metadata ----------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The name it was loaded by, with its reforms (``national+my-reform``)."""
        return self._name

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def layers(self) -> tuple[str, ...]:
        """The names of its layers, root first."""
        return tuple(i.name for i in self.chain)

    @property
    def layers_text(self) -> str:
        return " -> ".join(reversed(self.layers))

    @property
    def params(self) -> Any:
        """The parameters in force on the ``as_of`` date it was loaded with (else the latest ones)."""
        return self.config.params

    @property
    def sources(self) -> Mapping[str, str]:
        return self.config.sources

    @property
    def schedule(self) -> Any:
        """The regulator's calendar in force on ``as_of`` (else the latest); see :meth:`schedule_during`."""
        return self.config.params.schedule

    def params_at(self, day: dt.date | None) -> Any:
        """The parameters in force on ``day`` (None: the latest)."""
        return self.config.params_at(day)

    def schedule_at(self, day: dt.date | None) -> Any:
        """The regulator's calendar in force on ``day``."""
        return self.config.params_at(day).schedule

    def schedule_during(self, start: dt.date, end: dt.date) -> Any:
        """The regulator's calendar of ``[start, end)``; raises :class:`ConfigError` when a ``schedule`` value
        changes inside it (a run that reads its calendar once cannot follow such a change)."""
        for path, entries in self.config.leaves.items():
            if path.startswith("schedule.") or path == "schedule":
                for e in entries:
                    if e.since is not None and start < e.since < end:
                        raise ConfigError(
                            [
                                Problem(
                                    e.file,
                                    path,
                                    f"changes on {e.since}, inside this run ({start} to {end}); the simulator reads "
                                    "the regulator's calendar once per run: end the run before that date or start it "
                                    "after",
                                )
                            ]
                        )
        return self.schedule_at(start)

    def parameters(self, day: dt.date | None = None) -> dict[str, dict[str, Any]]:
        """Every parameter as ``{"key.path": {"value": ..., "source": ...}}`` (JSON-ready: lists, not tuples),
        in force on ``day`` (default: the ``as_of`` date it was loaded with, else the latest). A dated
        parameter also lists every value it takes (``"dated": [{"since", "value", "source"}, ...]``)."""
        when = day if day is not None else self.config.as_of
        params, sources = self.config.params_at(when), self.config.sources_at(when)
        out: dict[str, dict[str, Any]] = {}
        for key, v in leaf_paths(params).items():
            entry: dict[str, Any] = {"value": _jsonable(v), "source": source_of(sources, key)}
            timeline = self._timeline(key)
            if timeline is not None and len(timeline) > 1:
                entry["dated"] = [
                    {
                        "since": None if e.since is None else e.since.isoformat(),
                        "value": _jsonable(e.value),
                        "source": e.source,
                    }
                    for e in timeline
                ]
            out[key] = entry
        return out

    def _timeline(self, key: str) -> tuple[dated.Entry, ...] | None:
        parts = key.split(".")
        for i in range(len(parts), 0, -1):
            found = self.config.leaves.get(".".join(parts[:i]))
            if found is not None:
                return found
        return None

    def answered_by(self, hook: str) -> str | None:
        """The layer whose implementation pluggy calls first for ``hook`` (wrappers aside): the one that
        answers unless it returns None or defers rows. :meth:`call_unchecked` says who answered a call."""
        order = self._call_order(hook)
        return order[0] if order else None

    def describe(self) -> dict[str, Any]:
        """JSON-ready description: name, version, distribution, layers, hooks and who answers each."""
        return {
            "name": self.name,
            "title": self.config.title or self.info.title,
            "version": self.version,
            "distribution": self.info.distribution,
            "contract": self.info.contract,
            "layers": list(self.layers),
            "config": list(self.config.files),
            "hooks": {hook: self.answered_by(hook) for hook in HOOKS},
        }

    # -- the validated call ------------------------------------------------------------------------

    def call(self, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` with keyword arguments (batches made read-only) and validate the answer.

        Arguments of the wrong kind or shape raise ``TypeError`` / ``ValueError`` naming the hook and the
        argument before any layer runs (:func:`credsup.core.arguments.check_call`)."""
        contract = contract_of(hook)
        check_call(contract, kwargs)
        for key, value in kwargs.items():
            if isinstance(value, Columnar):
                kwargs[key] = value.readonly()
        n = len(kwargs[contract.rows])
        answer, result = self._answer(contract, kwargs)
        problem = contract.diagnose(result, n)
        if problem is not None:
            raise HookResultError(self._blame(contract, answer, result), hook, problem.message)
        return contract.coerce(result)

    def call_unchecked(self, hook: str, **kwargs: Any) -> tuple[str, Any]:
        """The raw answer to ``hook`` and who gave it (the layer, ``a+b`` when layers shared the rows, or the
        wrapper that changed it). Inputs are passed as given (not made read-only) and the result is not
        validated; :meth:`call` does both. For tools that examine a plugin, such as the conformance checks.

        Raises :class:`HookError` when a layer raises, :class:`HookResultError` when nobody answers.
        """
        answer, result = self._answer(HOOKS[hook], kwargs)
        return answer.credit(), result

    def _answer(self, contract: HookContract, kwargs: dict[str, Any]) -> tuple[_Answer, Any]:
        date_arg = contract.date_argument
        day = date_arg.date_of(kwargs[date_arg.name]) if date_arg is not None and date_arg.date_of else None
        kwargs["params"] = self.config.params_at(day if day is not None else self.config.as_of)
        self._answers.append(_Answer())
        self._calls.append(kwargs)
        try:
            with plugin_output():  # a plugin's prints go to stderr: stdout carries data
                result = getattr(self.pm.hook, contract.name)(**kwargs)
        except CredsupError:
            raise
        except Exception as exc:  # pluggy's own errors (a wrapper that misbehaves)
            raise HookError(self.name, contract.name, f"raised {type(exc).__name__}: {exc}") from exc
        finally:
            answer = self._answers.pop()
            self._calls.pop()
        if result is None:
            last = self._call_order(contract.name)[-1]
            raise HookResultError(last, contract.name, "returned None and no layer below answered")
        return answer, result

    def _blame(self, contract: HookContract, answer: _Answer, result: Any) -> str:
        """The layer whose answer breaks the contract: the wrapper that changed it, the one layer that
        answered, or the first whose rows are invalid."""
        if answer.wrappers or len(answer.parts) <= 1 or not isinstance(result, (np.ndarray, Columnar)):
            return answer.credit() or self.name
        for layer, rows in answer.parts:
            if rows is None:
                continue
            part = result[rows] if isinstance(result, np.ndarray) else result.take(rows)
            if contract.diagnose(part, len(rows)) is not None:
                return layer
        return answer.credit()

    # -- typed methods, one per hook, from the declarations ---------------------------------------

    def __getattr__(self, attr: str) -> Any:
        contract = None if attr.startswith("_") else _method_contract(attr)
        if contract is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {attr!r}")
        return _facade(contract).__get__(self)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *_by_method()})

    def __repr__(self) -> str:
        return f"<Jurisdiction {self.name} {self.version} ({self.layers_text})>"


def _check_partial(contract: HookContract, partial: PartialAnswer, n: int, layer: str) -> None:
    """A PartialAnswer a layer returned: integer row positions of the call, ascending, each once, and valid
    values for them (checked before anything is cast or merged)."""
    hook = contract.name
    answered = partial.answered
    if not isinstance(answered, np.ndarray) or answered.ndim != 1 or answered.dtype.kind not in "iu":
        raise HookResultError(
            layer, hook, "returned a PartialAnswer whose rows are not a 1-d array of integer positions"
        )
    if partial.n != n:
        raise HookResultError(layer, hook, f"returned a PartialAnswer for {partial.n} rows; the call has {n}")
    if len(answered) and (answered.min() < 0 or answered.max() >= n):
        raise HookResultError(layer, hook, f"returned a PartialAnswer with rows outside 0..{n - 1}")
    if len(answered) > 1 and not (np.diff(answered) > 0).all():
        raise HookResultError(layer, hook, "returned a PartialAnswer whose rows are not in ascending order, each once")
    problem = contract.diagnose(partial.values, len(answered))
    if problem is not None:
        raise HookResultError(layer, hook, f"{problem.message} (of the rows it answered)")


def _contained(exc: BaseException, mark: int, layer: str, hook: str, where: str = "") -> BaseException:
    """The plugin's HookError for a ``sys.exit`` or ``KeyboardInterrupt`` from its code, or ``exc`` itself
    when it is the user's own Ctrl-C (to be re-raised)."""
    what = plugin_failure(exc, mark)
    return exc if what is None else HookError(layer, hook, what + where)


def _older_major(layer: PluginInfo) -> int | None:
    """The contract major a layer was written for, when it is earlier than ours (else None)."""
    try:
        major = int(str(layer.contract).split(".")[0])
    except ValueError:
        return None
    return major if major < compat.current_major() else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _by_method() -> dict[str, HookContract]:
    return {c.method: c for c in HOOKS.values()}


#: typed method name -> contract, as of the last look (the hooks change only with extra_hooks)
_METHODS: dict[str, HookContract] = {}


def _method_contract(attr: str) -> HookContract | None:
    """The contract behind typed method ``attr``: from the cache while it is still the declared one."""
    contract = _METHODS.get(attr)
    if contract is None or HOOKS.get(contract.name) is not contract:
        _METHODS.clear()
        _METHODS.update(_by_method())
        contract = _METHODS.get(attr)
    return contract


_FACADES: dict[str, tuple[HookContract, Callable[..., Any]]] = {}


def _facade(contract: HookContract) -> Callable[..., Any]:
    """The typed method for one hook: its arguments but ``params``, coerced and passed to :meth:`call`."""
    cached = _FACADES.get(contract.name)
    if cached is not None and cached[0] is contract:
        return cached[1]
    sig = contract.facade_signature()
    names = list(sig.parameters)
    coercers = {a.name: a.coerce for a in contract.arguments if a.coerce is not None}
    hook = contract.name

    def method(self: Jurisdiction, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != len(names):
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{contract.method}{sig}: {exc}") from None
            values = dict(bound.arguments)
        else:
            values = dict(zip(names, args))
        for key, coerce in coercers.items():
            values[key] = coerce(values[key])
        return self.call(hook, **values)

    method.__name__ = method.__qualname__ = contract.method
    method.__doc__ = inspect.getdoc(contract.spec)
    method.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *sig.parameters.values()],
        return_annotation=sig.return_annotation,
    )
    _FACADES[contract.name] = (contract, method)
    return method


# ------------------------------------------------------------------------------------------ loading


def load_jurisdiction(
    name: str,
    *,
    config: str | Path | None = None,
    overrides: Sequence[tuple[str, Any]] = (),
    environ: dict[str, str] | None = None,
    as_of: dt.date | None = None,
) -> Jurisdiction:
    """Find, validate and configure the jurisdiction ``name`` (``NAME[+REFORM]...``) with its chain of layers.

    ``config`` replaces its own parameter file, ``overrides`` are ``--set`` pairs (``[("key.path", value)]`` or
    a mapping; another form is a ``TypeError`` saying so), ``as_of`` the date whose
    parameters :attr:`Jurisdiction.params` shows (hooks always get those in force on their own date).
    Raises :class:`UnknownJurisdictionError` (not installed or disabled), :class:`PluginLoadError`
    (import or validation failure, contract mismatch), :class:`ConfigError` (bad parameters, a bad
    ``inherits`` or reform) or :class:`InputError` (a reform that does not exist).
    """
    overrides = override_pairs(overrides)
    ref = parse_ref(name)
    infos = {i.name: i for i in discover(environ=environ)}
    info = check_usable(infos.get(ref.base), ref.base, infos)
    chain = resolve_chain(ref.base, infos)
    loaded = load_config(info, path=config, overrides=overrides, lookup=infos, reforms=ref.reforms, as_of=as_of)
    return Jurisdiction(chain, loaded, name=ref.label)


def params_class_of(name: str, infos: Mapping[str, PluginInfo] | None = None) -> type:
    """The PARAMS_CLASS of the jurisdiction ``name`` (``NAME[+REFORM]...``), or the kernel's error for it."""
    ref = parse_ref(name)
    infos = infos if infos is not None else {i.name: i for i in discover()}
    info = infos.get(ref.base)
    if info is None or info.status != "ok":
        check_usable(info, ref.base, infos)
    assert info is not None
    params_class: type = info.plugin.PARAMS_CLASS
    return params_class


__all__ = [
    "Jurisdiction",
    "JurisdictionRef",
    "LoadedConfig",
    "load_config",
    "load_jurisdiction",
    "params_class_of",
]
