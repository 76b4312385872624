"""The one ``--set`` grammar of every command that takes overrides.

* ``--set <path>=v`` sets that parameter in every jurisdiction of the command that has it (an error if
  none has it);
* ``--set <jurisdiction>:<path>=v`` sets it in that jurisdiction only (an error if the command does not
  use that jurisdiction);
* ``--set scenario.<path>=v`` sets a scenario value, for commands that simulate (``run``, ``compare``,
  ``sweep``); elsewhere it is an error, never silently ignored.

Values are TOML literals, never code (:func:`credsup.core.config.parse_override`). The kernel knows no
scenario: a command that has one passes its class (``scenario_class``) so that a scenario key typed
without its prefix gets a hint. Every problem is a :class:`~credsup.core.errors.Problem` of file
``--set`` naming the key as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from credsup.core.config import check_path, parse_override
from credsup.core.errors import ConfigError, Problem

Override = tuple[str, Any]
SCENARIO_PREFIX = "scenario."
#: What ``--help`` shows for ``--set`` on every command.
SET_METAVAR = "[J:]KEY.PATH=VALUE"


def split_overrides(
    texts: Iterable[str], params_classes: Mapping[str, type], scenario_class: type | None = None
) -> tuple[list[Override], dict[str, list[Override]]]:
    """Sort ``--set`` texts into scenario overrides and per-jurisdiction overrides.

    ``params_classes`` maps each jurisdiction of the command (as the user named it, reforms included)
    to its ``PARAMS_CLASS``; ``scenario_class`` is the scenario's attrs class, or None for a command
    without a scenario. Raises :class:`ConfigError` listing every problem (values themselves are
    validated when the scenario and the jurisdictions load).
    """
    return route_overrides([parse_override(text) for text in texts], params_classes, scenario_class)


def route_overrides(
    pairs: Iterable[Override], params_classes: Mapping[str, type], scenario_class: type | None = None
) -> tuple[list[Override], dict[str, list[Override]]]:
    """:func:`split_overrides` for ``(key, value)`` pairs already parsed (a sweep spec's parameters)."""
    scenario: list[Override] = []
    per: dict[str, list[Override]] = {name: [] for name in params_classes}
    problems: list[Problem] = []
    for key, value in pairs:
        if key.startswith(SCENARIO_PREFIX):
            if scenario_class is None:
                problems.append(
                    Problem("--set", key, "this command has no scenario (scenario.* applies to run, compare, sweep)")
                )
            else:
                scenario.append((key[len(SCENARIO_PREFIX) :], value))
            continue
        if ":" in key:
            name, _, path = key.partition(":")
            name = name.strip()
            if name not in params_classes:
                problems.append(
                    Problem(
                        "--set",
                        key,
                        f"jurisdiction '{name}' is not used here ({', '.join(params_classes) or 'none'})",
                    )
                )
                continue
            per[name].append((path.strip(), value))  # its validity is reported when the jurisdiction loads
            continue
        having = [name for name, cls in params_classes.items() if not check_path(cls, key)]
        if not having:
            # one reason (with its "did you mean") when every jurisdiction gives the same one
            reasons = {str(check_path(cls, key)) for cls in params_classes.values()}
            why = reasons.pop() if len(reasons) == 1 else "no jurisdiction used here has this parameter"
            if scenario_class is not None and not check_path(scenario_class, key):
                why += f"; it is a scenario value: write scenario.{key}=..."
            problems.append(Problem("--set", key, why))
            continue
        for name in having:
            per[name].append((key, value))
    if problems:
        raise ConfigError(problems)
    return scenario, per


def jurisdiction_overrides(name: str, texts: Iterable[str], params_class: type) -> list[Override]:
    """The overrides of a command about one jurisdiction ``name`` (``params``, ``grade``, ``plan``,
    ``repair-check``, ``plugin check``): ``path=v`` or ``<name>:path=v``; ``scenario.*`` is an error."""
    return split_overrides(texts, {name: params_class})[1][name]
