"""The ``--set`` convention of every command that runs simulations: :mod:`credsup.core.overrides` (the
one grammar of every command) with the scenario's class, so that ``scenario.<path>=v`` sets a scenario
value.

Values are TOML literals, never code (:func:`credsup.core.config.parse_override`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from credsup.core import overrides as _grammar
from credsup.core.errors import ConfigError, Problem
from credsup.core.overrides import SCENARIO_PREFIX, Override
from credsup.simulation.scenario import Scenario, load_scenario

__all__ = ["SCENARIO_PREFIX", "Override", "load_scenario_set", "route_overrides", "split_overrides"]


def split_overrides(
    texts: Iterable[str], params_classes: Mapping[str, type]
) -> tuple[list[Override], dict[str, list[Override]]]:
    """Sort ``--set`` texts into scenario overrides and per-jurisdiction overrides
    (:func:`credsup.core.overrides.split_overrides` with the scenario)."""
    return _grammar.split_overrides(texts, params_classes, Scenario)


def route_overrides(
    pairs: Iterable[Override], params_classes: Mapping[str, type]
) -> tuple[list[Override], dict[str, list[Override]]]:
    """:func:`split_overrides` for ``(key, value)`` pairs already parsed (a sweep spec's parameters)."""
    return _grammar.route_overrides(pairs, params_classes, Scenario)


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
