"""What each jurisdiction of an experiment sets differently from ``national``, with values and sources.

Read from the experiment's record (every jurisdiction's parameters with their sources are stored with
it), so the table shows what actually ran. When ``national`` was not part of the experiment, its
parameters come from the installed plugin, and the table says so.
"""

from __future__ import annotations

import json
from typing import Any

from credsup.i18n import Lang, language

REFERENCE = "national"


def is_assumption(source: str | None) -> bool:
    """Whether a source is a stated assumption (``"assumption: why"``) or missing, not a text."""
    return source is None or source.strip().lower().startswith("assumption")


def _strip_assumption(source: str | None) -> str:
    """The reason of an assumption without its "assumption:" prefix (the report shows a badge instead)."""
    if source is None:
        return ""
    text = source.strip()
    return text.split(":", 1)[1].strip() if text.lower().startswith("assumption:") else text


def show_value(value: Any, lang: Lang) -> str:
    """A parameter value as a reader sees it (lists comma-separated, booleans in words)."""
    _ = lang.gettext
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(show_value(v, lang) for v in value) or "–"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def reference_parameters(record: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """National's parameters, and where they come from: ``"experiment"`` or ``"installed"`` (or
    ``"missing"`` when national is neither in the experiment nor loadable)."""
    for j in record.get("jurisdictions", []):
        if j.get("name") == REFERENCE and "params" in j:
            return j["params"], "experiment"
    try:
        from credsup.core.jurisdiction import load_jurisdiction

        return load_jurisdiction(REFERENCE).parameters(), "installed"
    except Exception:  # national broken or disabled: the report still goes out, without this table
        return None, "missing"


def differences(record: dict[str, Any], lang: Lang | None = None) -> dict[str, Any]:
    """``{"reference", "origin", "jurisdictions": [{"name", "rows": [{"path", "name", "value",
    "reference", "source", "assumption"}], "assumptions", "total", "different"}]}``: per jurisdiction
    other than national, the parameters whose value differs from national's or that national lacks."""
    lang = lang or language()
    ref, origin = reference_parameters(record)
    out = []
    for j in record.get("jurisdictions", []):
        if j.get("name") == REFERENCE or "params" not in j:
            continue
        params: dict[str, Any] = j["params"]
        rows = []
        for path, entry in params.items():
            mine = entry.get("value")
            theirs = ref.get(path) if ref is not None else None
            if theirs is not None and theirs.get("value") == mine:
                continue
            rows.append(
                {
                    "path": path,
                    "name": lang.parameter(path),
                    "value": show_value(mine, lang),
                    "reference": show_value(theirs.get("value"), lang) if theirs is not None else "–",
                    "source": entry.get("source") or lang.gettext("no source given"),
                    "assumption": is_assumption(entry.get("source")),
                    "source_text": _strip_assumption(entry.get("source")) or lang.gettext("no source given"),
                }
            )
        out.append(
            {
                "name": j["name"],
                "rows": rows,
                "different": len(rows),
                "total": len(params),
                "assumptions": sum(1 for e in params.values() if is_assumption(e.get("source"))),
            }
        )
    return {"reference": REFERENCE, "origin": origin, "jurisdictions": out}
