"""Config files: TOML in, frozen attrs objects out, every problem reported as ``file: key.path: problem``.

Two kinds of file are read here:

* **Sourced files** (jurisdiction parameters, reforms): every parameter is written ``key = { value = ...,
  source = "..." }`` (or a list of them by date); the source is a seed file and paragraph, an official
  text, or ``"assumption: why"``. :mod:`credsup.core.dated` reads them into timelines and stacks the
  files; :func:`credsup.core.jurisdiction.load_config` structures each stretch of time into the
  parameter class with :func:`structure`.
* **Plain files** (scenarios, sweep specs): :func:`load_plain` structures the TOML as it is.

Values are read with ``tomllib`` and structured by a strict cattrs converter (``forbid_extra_keys``, no
silent ``"0.5" -> 0.5`` or ``"yes" -> True``). Nothing in a config is ever evaluated as code: ``--set``
values are parsed as TOML literals.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import tomllib
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from credsup.core.dated import check_source as check_source  # re-exported: the sources' one rule
from credsup.core.errors import ConfigError, Problem
from credsup.core.params import ParamValueError

T = TypeVar("T")

OVERRIDE_SOURCE = "override"


# ------------------------------------------------------------------------------------ reading TOML


#: The deepest nesting of tables and lists a config may have. credsup's own files nest at most 5 levels
#: (a dated parameter inside a section: table, table, list, table, value); the limit refuses a file made to
#: exhaust the reader (a few hundred ``[`` give Python's parser a RecursionError) with room to spare.
MAX_DEPTH = 32
#: The longest integer a config may write, in decimal digits. Python refuses to read longer decimal
#: integers (``sys.get_int_max_str_digits()``, 4300) and no parameter needs more than 39 digits (a 128-bit
#: seed); a hexadecimal literal is held to the same length.
MAX_INT_DIGITS = 40
UTF8_BOM = b"\xef\xbb\xbf"


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; an unreadable or malformed file raises :class:`ConfigError` naming it.

    A UTF-8 byte-order mark (Windows editors write one) is skipped; tables and lists nested deeper
    than :data:`MAX_DEPTH` and integers longer than :data:`MAX_INT_DIGITS` digits are refused.
    """
    p = path if hasattr(path, "open") and not isinstance(path, str) else Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise ConfigError([Problem(str(path), "", "file not found")]) from None
    except IsADirectoryError:
        raise ConfigError([Problem(str(path), "", "is a directory, expected a TOML file")]) from None
    except PermissionError:
        raise ConfigError([Problem(str(path), "", "permission denied")]) from None
    except OSError as exc:  # a name too long, a FIFO that fails, an I/O error
        raise ConfigError([Problem(str(path), "", f"cannot be read ({exc.strerror or exc})")]) from None
    try:
        text = data.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(str(path), "", f"not UTF-8 text ({exc.reason})")]) from None
    tree = parse_toml(text, str(path))
    return tree


def parse_toml(text: str, file: str) -> dict[str, Any]:
    """``tomllib.loads`` with credsup's limits (nesting depth, integer length); problems name ``file``."""
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([Problem(file, "", f"invalid TOML: {exc}")]) from None
    except RecursionError:
        raise ConfigError([Problem(file, "", f"tables or lists nested deeper than {MAX_DEPTH} levels")]) from None
    except ValueError:  # Python's own limit on the digits of a decimal integer (int_max_str_digits)
        raise ConfigError([Problem(file, "", f"an integer of more than {MAX_INT_DIGITS} digits")]) from None
    problem = check_limits(tree)
    if problem is not None:
        raise ConfigError([Problem(file, *problem)])
    return tree


def check_limits(tree: Any) -> tuple[str, str] | None:
    """The first value of a parsed TOML tree beyond credsup's limits, as ``(key path, problem)``, or None.

    Walks the tree without recursion, so a tree of any depth is examined safely.
    """
    stack: list[tuple[Any, str, int]] = [(tree, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                return _outer(path), f"tables or lists nested deeper than {MAX_DEPTH} levels"
            if isinstance(node, dict):
                stack.extend((child, f"{path}.{key}" if path else str(key), depth + 1) for key, child in node.items())
            else:
                stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(node))
        elif isinstance(node, int) and not isinstance(node, bool) and _too_long(node):
            return path, f"an integer of more than {MAX_INT_DIGITS} digits"
    return None


def _outer(path: str, keep: int = 3) -> str:
    """The first ``keep`` steps of a key path (``a.b[0][0][0]...`` -> ``a.b[0]...``)."""
    steps = re.findall(r"\[\d+\]|[^.\[]+", path)
    return (
        path
        if len(steps) <= keep
        else "".join(s if s.startswith("[") or i == 0 else f".{s}" for i, s in enumerate(steps[:keep])) + "..."
    )


def _too_long(value: int) -> bool:
    # bit_length first: str() of a huge integer is slow (and refused beyond 4300 digits)
    return value.bit_length() > 4 * MAX_INT_DIGITS or len(str(abs(value))) > MAX_INT_DIGITS


def parse_override(text: str) -> tuple[str, Any]:
    """``"inspection.ratio.D=0.8"`` -> ``("inspection.ratio.D", 0.8)``.

    The value is a TOML literal (``0.8``, ``true``, ``"food"``, ``["a", "b"]``, ``{A = 1}``); anything
    that is not a valid literal is taken as a plain string. Never evaluated as code. Values beyond
    :func:`check_limits` (nesting, integer length) are refused.
    """
    if "=" not in text:
        raise ConfigError([Problem("--set", text, "expected key.path=value")])
    key, raw = text.split("=", 1)
    key, raw = key.strip(), raw.strip()
    if not key or any(not part for part in key.split(".")):
        raise ConfigError([Problem("--set", text, "expected key.path=value with a non-empty key")])
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    except RecursionError:
        raise ConfigError([Problem("--set", key, f"lists or tables nested deeper than {MAX_DEPTH} levels")]) from None
    except ValueError:  # Python's own limit on the digits of a decimal integer
        raise ConfigError([Problem("--set", key, f"an integer of more than {MAX_INT_DIGITS} digits")]) from None
    problem = check_limits(value)
    if problem is not None:
        where, why = problem
        raise ConfigError([Problem("--set", f"{key}{'.' if where and not where.startswith('[') else ''}{where}", why)])
    return key, value


# ------------------------------------------------------------------------------ the strict converter


def _type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def short_repr(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters (an error message stays one readable line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ValueTypeError(TypeError):
    """A config value of the wrong type; ``str()`` is the message shown to the user."""


def _strict_int(value: Any, _t: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueTypeError(f"expected an integer, got {_type_name(value)} ({short_repr(value)})")
    return value


def _strict_float(value: Any, _t: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueTypeError(f"expected a number, got {_type_name(value)} ({short_repr(value)})")
    try:
        number = float(value)
    except OverflowError:
        raise ValueTypeError("expected a number, got an integer too large for one") from None
    if not math.isfinite(number):
        raise ValueTypeError(f"expected a finite number, got {number}")
    return number


def _strict_bool(value: Any, _t: type) -> bool:
    if not isinstance(value, bool):
        raise ValueTypeError(f"expected true or false, got {_type_name(value)} ({short_repr(value)})")
    return value


def _strict_str(value: Any, _t: type) -> str:
    if not isinstance(value, str):
        raise ValueTypeError(f"expected a string, got {_type_name(value)} ({short_repr(value)})")
    return value


def _strict_date(value: Any, _t: type) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueTypeError(f"expected a date (YYYY-MM-DD), got {_type_name(value)} ({short_repr(value)})")


def make_converter() -> cattrs.Converter:
    """The cattrs converter for configs: extra keys forbidden, no lenient type coercion."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(dt.date, _strict_date)

    def is_str_tuple(t: Any) -> bool:
        return typing.get_origin(t) is tuple and typing.get_args(t) in ((str, ...),)

    def structure_str_tuple(value: Any, _t: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise ValueTypeError(f"expected a list of strings, got {_type_name(value)} ({short_repr(value)})")
        bad = [v for v in value if not isinstance(v, str)]
        if bad:
            raise ValueTypeError(f"expected a list of strings, found {_type_name(bad[0])} ({short_repr(bad[0])})")
        return tuple(value)

    conv.register_structure_hook_func(is_str_tuple, structure_str_tuple)
    return conv


CONVERTER = make_converter()


def _dotted(path: str) -> str:
    """cattrs path ``$.a.b[0]`` -> ``a.b[0]``."""
    return path[2:] if path.startswith("$.") else ("" if path == "$" else path)


def _suggest(key: str, candidates: Iterable[str]) -> str:
    match = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _problems_from(exc: BaseException, path: str = "$") -> list[tuple[str, str]]:
    """Walk a cattrs validation error into ``(dotted path, message)`` pairs (after cattrs.v.transform_error)."""
    out: list[tuple[str, str]] = []
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            sub_path = (
                f"{path}[{note.index!r}]"
                if isinstance(exc, IterableValidationError)
                else f"{path}.{getattr(note, 'name', '')}"
            )
            out.extend(_problems_from(sub, sub_path))
        for sub in without:
            out.extend(_problems_from(sub, path))
        return out
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [f.name for f in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields):
            out.append((_dotted(f"{path}.{key}"), f"unknown key{_suggest(key, known)}"))
        return out
    if isinstance(exc, ParamValueError):
        return [(_dotted(f"{path}.{exc.key}"), str(exc))]
    if isinstance(exc, KeyError):
        return [(_dotted(path), "required key missing")]
    if isinstance(exc, ValueTypeError):
        return [(_dotted(path), str(exc))]
    if isinstance(exc, AttributeError) and ("items" in str(exc) or "keys" in str(exc)):
        return [(_dotted(path), "expected a table")]
    if isinstance(exc, TypeError) and str(exc).startswith("argument of type"):  # `key in value` on a non-table
        return [(_dotted(path), "expected a table")]
    if isinstance(exc, TypeError) and "object is not iterable" in str(exc):
        return [(_dotted(path), "expected a list")]
    return [(_dotted(path), f"invalid value ({type(exc).__name__}: {exc})")]


def structure(
    data: Mapping[str, Any],
    cls: type[T],
    file: str,
    attribute: Mapping[str, str] | None = None,
    known: Sequence[Problem] = (),
) -> T:
    """Structure ``data`` into ``cls`` or raise :class:`ConfigError` with every problem.

    ``attribute`` maps key paths to the "file" a problem there should be blamed on (``--set`` overrides);
    ``known`` are problems found earlier (missing sources), raised together with any found here.
    """
    try:
        result = CONVERTER.structure(dict(data), cls)
    except Exception as exc:  # cattrs wraps everything it finds into one group
        problems = list(known)
        for path, message in _problems_from(exc):
            problems.append(Problem(_blamed(path, file, attribute or {}), path, message))
        raise ConfigError(problems) from exc
    if known:
        raise ConfigError(known)
    return result


def _blamed(path: str, file: str, attribute: Mapping[str, str]) -> str:
    """Where a problem at ``path`` comes from: its own key's file, the enclosing parameter's, else a key
    inside it (a table-valued override), else ``file``."""
    if path in attribute:
        return attribute[path]
    parts = re.split(r"\.|(?=\[)", path)  # "a.b[0].c" -> a, b, [0], c
    for i in range(len(parts) - 1, 0, -1):
        enclosing = ".".join(parts[:i]).replace(".[", "[")
        if enclosing in attribute:
            return attribute[enclosing]
    inside = [where for key, where in attribute.items() if key.startswith(path + ".")]
    if inside and all(w == inside[0] for w in inside):
        return inside[0]
    return file


def load_plain(
    path: str | Path,
    cls: type[T],
    *,
    overrides: Sequence[tuple[str, Any]] = (),
    data: Mapping[str, Any] | None = None,
    sourced_values: bool = False,
) -> T:
    """Read a plain TOML file (no sources) into ``cls``, applying ``(key.path, value)`` overrides.

    With ``sourced_values``, a value may also be written with its source, ``key = { value = ..., source =
    "..." }`` (a calibrated scenario's fitted values are): the source must be acceptable
    (:func:`check_source`) and the value is used as if written bare."""
    tree = dict(read_toml(path)) if data is None else dict(data)
    if sourced_values:
        tree, problems = unwrap_sourced(tree, str(path))
        if problems:
            raise ConfigError(problems)
    applied, attribute = apply_overrides(Sourced(tree, {}), cls, overrides)
    return structure(applied.values, cls, str(path), attribute)


_SOURCED_KEYS = frozenset({"value", "source", "note"})


def unwrap_sourced(tree: Mapping[str, Any], file: str) -> tuple[dict[str, Any], list[Problem]]:
    """``tree`` with every ``{ value = ..., source = "..." }`` table replaced by its value, and the problems
    with their sources (missing, or an assumption without a reason)."""
    problems: list[Problem] = []

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            if "value" in node and set(node) <= _SOURCED_KEYS:
                why = check_source(node.get("source"))
                if why:
                    problems.append(Problem(file, f"{path}.source" if path else "source", why))
                return node["value"]
            return {k: walk(v, f"{path}.{k}" if path else k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(node)]
        return node

    return walk(dict(tree), ""), problems


# ---------------------------------------------------------------------------------- sourced files


@attrs.frozen
class Sourced:
    """A value tree with the source of each value (``sources["inspection.ratio"] = "override: ..."``) and
    the problems found reading it; plain files (scenarios, sweep specs) use it to apply ``--set``."""

    values: dict[str, Any]
    sources: dict[str, str]
    problems: tuple[Problem, ...] = ()


def _toml_repr(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_path(cls: type, key: str) -> str:
    """Why ``key`` (dotted) is not a parameter of attrs class ``cls`` ("" when it is)."""
    current: Any = cls
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not (isinstance(current, type) and attrs.has(current)):
            return ""  # inside a free-form mapping: any key may exist
        attrs.resolve_types(current)
        fields = {f.name: f for f in attrs.fields(current)}
        if part not in fields:
            where = "'" + ".".join(parts[:i]) + "'" if i else "the top level"
            return f"no such parameter: '{part}' is not a key of {where}{_suggest(part, fields)}"
        current = fields[part].type
    return ""


def _set_path(tree: dict[str, Any], parts: Sequence[str], value: Any) -> None:
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def apply_overrides(
    sourced: Sourced, cls: type, overrides: Sequence[tuple[str, Any]]
) -> tuple[Sourced, dict[str, str]]:
    """Apply ``(key.path, value)`` overrides to a value tree; each becomes its own source ``override``.

    Returns the new tree and, for error messages, which paths came from ``--set``.
    """
    problems: list[Problem] = []
    values = _deepcopy(sourced.values)
    sources = dict(sourced.sources)
    attribute: dict[str, str] = {}
    for key, value in overrides:
        problem = check_path(cls, key)
        if problem:
            problems.append(Problem("--set", key, problem))
            continue
        _set_path(values, key.split("."), value)
        for existing in [s for s in sources if s == key or s.startswith(key + ".")]:
            del sources[existing]
        sources[key] = f"{OVERRIDE_SOURCE}: --set {key}={_toml_repr(value)}"
        attribute[key] = "--set"
    if problems:
        raise ConfigError(problems)
    return Sourced(values, sources, sourced.problems), attribute


def _deepcopy(tree: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deepcopy(v) if isinstance(v, dict) else v for k, v in tree.items()}


def leaf_paths(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten a structured params object into ``{"a.b.c": value}`` (the same paths as sources)."""
    out: dict[str, Any] = {}
    for f in attrs.fields(type(obj)):
        value = getattr(obj, f.name)
        path = f"{prefix}{f.name}"
        if attrs.has(type(value)):
            # a table-valued parameter has one source for the whole table
            sub = leaf_paths(value, path + ".")
            out.update(sub)
        else:
            out[path] = value
    return out


def source_of(sources: Mapping[str, str], path: str) -> str | None:
    """The source covering ``path``: its own, or that of the nearest enclosing table-valued parameter."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        key = ".".join(parts[:i])
        if key in sources:
            return sources[key]
    return None
