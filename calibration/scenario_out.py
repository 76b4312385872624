"""The calibrated scenario: the base scenario's file with the fitted values written in, each with its source.

The base file is edited, not rewritten: its comments, order and layout stay (tomlkit, a style-preserving
TOML library), and each fitted value is written as ``key = { value = ..., source = "calibrated to <targets
file> by credsup calibrate <version> on <date>, experiment <id>" }`` (a scenario value may carry its
source, docs/configs.md). Values the calibration held fixed with ``--set scenario....`` are written the
same way, with their own source, so that the file gives the world that was calibrated. A table holding a
value that the base file does not write is written whole (every value it resolves to), so that no default
of that table is lost; enclosing tables only when that is not enough. The written file is loaded back and must give exactly the calibrated scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomlkit

from credsup.core.errors import CredsupError
from credsup.simulation.scenario import Scenario, load_scenario, scenario_path, scenario_record


def _sourced(value: Any, source: str) -> Any:
    item = tomlkit.inline_table()
    item.update({"value": value, "source": source})
    return item


def _plain(value: Any) -> Any:
    """A resolved value as TOML data (tuples of tables as lists, dates as they are)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def calibrated_text(
    base: str,
    resolved: Scenario,
    values: Sequence[tuple[str, Any, str]],
    header: str = "",
    *,
    whole: bool = False,
) -> str:
    """The base scenario file's text with ``(path, value, source)`` written in (``path`` inside the
    scenario, without ``scenario.``); ``resolved`` is the scenario those values give (for the tables the
    base file does not write)."""
    text = Path(str(scenario_path(base))).read_text(encoding="utf-8")
    doc = tomlkit.parse(text)
    record = scenario_record(resolved)
    for path, value, source in values:
        parts = path.split(".")
        node: Any = doc
        data: Any = record
        for depth, part in enumerate(parts[:-1]):
            data = data[part]
            if part not in node:
                # the table holding the value is written whole (a table's defaults may differ from its
                # fields' own: behaviour.honesty is a beta distribution, a bare Distribution is fixed);
                # an enclosing table only when ``whole``
                table = tomlkit.table()
                if whole or depth == len(parts) - 2:
                    for k, v in _plain(data).items():
                        table[k] = v
                node[part] = table
            node = node[part]
        node[parts[-1]] = _sourced(value, source)
    out = tomlkit.dumps(doc)
    if header:
        out = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + out
    return out


def write_calibrated(
    base: str,
    resolved: Scenario,
    values: Sequence[tuple[str, Any, str]],
    path: str | Path,
    header: str = "",
) -> Path:
    """Write the calibrated scenario to ``path`` (whole or not at all) and check that it loads back as
    ``resolved``; raises :class:`CredsupError` if it would not (then nothing is left at ``path``)."""
    from credsup.registry.output import write_atomic

    target = Path(path)
    back = None
    # the fewest lines that give the calibrated scenario; else every enclosing table whole
    for whole in (False, True):
        write_atomic(target, calibrated_text(base, resolved, values, header, whole=whole))
        try:
            back = load_scenario(str(target))
        except CredsupError:
            if whole:
                target.unlink(missing_ok=True)
                raise
            continue
        if scenario_record(back) == scenario_record(resolved):
            break
    if back is None or scenario_record(back) != scenario_record(resolved):
        target.unlink(missing_ok=True)
        raise CredsupError(
            f"{target}: the written scenario does not load back as the calibrated one (a bug in credsup)"
        )
    return target


__all__ = ["calibrated_text", "write_calibrated"]
