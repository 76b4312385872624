"""The ``--set`` convention of every command that runs simulations.

* ``--set scenario.<path>=v`` overrides the scenario;
* ``--set <path>=v`` overrides that parameter in every jurisdiction of the run that has it (an error if
  none has it);
* ``--set <jurisdiction>:<path>=v`` overrides it in that jurisdiction only.

Values are TOML literals, never code (:func:`credsup.core.config.parse_override`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from credsup.core.config import check_path, parse_override
from credsup.core.errors import ConfigError, Problem
from credsup.simulation.scenario import Scenario, load_scenario

Override = tuple[str, Any]
SCENARIO_PREFIX = "scenario."


def split_overrides(
    texts: Iterable[str], params_classes: Mapping[str, type]
) -> tuple[list[Override], dict[str, list[Override]]]:
    """Sort ``--set`` texts into scenario overrides and per-jurisdiction overrides.

    ``params_classes`` maps each jurisdiction of the run to its ``PARAMS_CLASS``. Raises
    :class:`ConfigError` for a jurisdiction that is not in the run or a parameter no jurisdiction has
    (values are validated later, when the scenario and the jurisdictions load).
    """
    return route_overrides([parse_override(text) for text in texts], params_classes)


def route_overrides(
    pairs: Iterable[Override], params_classes: Mapping[str, type]
) -> tuple[list[Override], dict[str, list[Override]]]:
    """:func:`split_overrides` for ``(key, value)`` pairs already parsed (a sweep spec's parameters)."""
    scenario: list[Override] = []
    per: dict[str, list[Override]] = {name: [] for name in params_classes}
    problems: list[Problem] = []
    for key, value in pairs:
        if key.startswith(SCENARIO_PREFIX):
            scenario.append((key[len(SCENARIO_PREFIX) :], value))
            continue
        if ":" in key:
            name, _, path = key.partition(":")
            if name not in params_classes:
                problems.append(
                    Problem(
                        "--set",
                        key,
                        f"jurisdiction '{name}' is not in this run ({', '.join(params_classes) or 'none'})",
                    )
                )
                continue
            per[name].append((path, value))  # its validity is reported when the jurisdiction loads
            continue
        having = [name for name, cls in params_classes.items() if not check_path(cls, key)]
        if not having:
            first = next(iter(params_classes.values()), None)
            why = (
                check_path(first, key)
                if first is not None and len(params_classes) == 1
                else "no jurisdiction in this run has this parameter"
            )
            if not check_path(Scenario, key):
                why += f"; it is a scenario value: write scenario.{key}=..."
            problems.append(Problem("--set", key, why))
            continue
        for name in having:
            per[name].append((key, value))
    if problems:
        raise ConfigError(problems)
    return scenario, per


def load_scenario_set(name_or_path: str, overrides: Iterable[Override]) -> Scenario:
    """:func:`load_scenario`, with problems in overrides reported under the key the user typed
    (``scenario.<path>``)."""
    try:
        return load_scenario(name_or_path, list(overrides))
    except ConfigError as exc:
        raise ConfigError(
            [
                Problem(p.file, SCENARIO_PREFIX + p.path if p.file == "--set" else p.path, p.message)
                for p in exc.problems
            ]
        ) from None
