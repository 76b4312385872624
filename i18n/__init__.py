"""Languages of credsup's reports and tables: message catalogues (gettext) and the glossary.

Two kinds of text are translated, each in one place:

* **sentences and labels** of the reports, the terminal tables and the conclusion are gettext messages,
  written in English in the code and templates and translated in ``locale/<lang>/LC_MESSAGES/credsup.po``
  (``credsup.pot`` is the template; ``docs/results.md`` says how to update and add a language). The ``.po``
  sources are what is committed and installed; they are compiled with Babel when first used in a process
  (``babel.messages.mofile``), so there is no build step and no stale ``.mo`` file;
* **names** of metrics, effort measures, inspection sources, parameters, jurisdictions and policy terms,
  with units and definitions, sit in ``glossary.toml``, every language side by side.

:func:`language` gives a :class:`Lang` for a code (``en``, the default, or ``zh``: Simplified Chinese).
"""

from __future__ import annotations

import functools
import gettext
import io
import math
import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any

import attrs

from credsup.core.errors import InputError

#: Languages with a catalogue, by code, with their own name for themselves.
LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
DEFAULT = "en"
DOMAIN = "credsup"

#: BCP 47 tags for the ``lang`` attribute of a page.
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


def locale_dir() -> Any:
    return files(__name__) / "locale"


@functools.cache
def _translations(code: str) -> gettext.NullTranslations:
    if code == DEFAULT:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = locale_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=code, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@functools.cache
def glossary() -> dict[str, Any]:
    """The glossary as data (``glossary.toml``)."""
    with (files(__name__) / "glossary.toml").open("rb") as fh:
        return tomllib.load(fh)


def check_language(code: str) -> str:
    """``code`` if a catalogue exists for it, else an InputError naming the ones that do."""
    if code not in LANGUAGES:
        known = ", ".join(f"{k} ({v})" for k, v in LANGUAGES.items())
        raise InputError(f"--lang {code}: no such language (available: {known})")
    return code


@attrs.frozen
class MetricInfo:
    """A metric's names in one language, with the facts that do not depend on the language."""

    key: str
    name: str
    unit: str
    definition: str
    better: str  #: "higher", "lower" or "" (neither)
    low: float  #: the metric's range: values lie in [low, high]
    high: float
    label: str  #: name with unit, for an axis or a table row


@attrs.frozen
class Lang:
    """Everything language-dependent a report or table needs, for one language."""

    code: str

    @property
    def html(self) -> str:
        return HTML_LANG.get(self.code, self.code)

    @property
    def translations(self) -> gettext.NullTranslations:
        return _translations(self.code)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    # -- names from the glossary ---------------------------------------------------------------------

    def _entry(self, section: str, key: str) -> Mapping[str, Any] | None:
        entry = glossary().get(section, {}).get(key)
        if entry is None:
            return None
        return entry.get(self.code) or entry.get(DEFAULT)

    def metric(self, key: str) -> MetricInfo:
        """A metric's name, unit, definition, better direction and range (an unknown metric: its key)."""
        raw = glossary().get("metrics", {}).get(key, {})
        text = self._entry("metrics", key) or {"name": key, "unit": "", "definition": ""}
        low, high = raw.get("range", ["-inf", "inf"])
        unit = text.get("unit", "")
        return MetricInfo(
            key=key,
            name=text["name"],
            unit=unit,
            definition=text.get("definition", ""),
            better=raw.get("better", ""),
            low=float(low),
            high=float(high),
            label=text["name"] + self.paren(unit) if unit else text["name"],
        )

    def name(self, section: str, key: str) -> str:
        """The name of ``key`` in a glossary section (``effort``, ``sources``, ``jurisdictions``,
        ``terms``, ``grades``); the key itself when the glossary does not know it."""
        entry = self._entry(section, key)
        if entry is None:
            return key
        return entry if isinstance(entry, str) else entry.get("name", key)

    def unit(self, section: str, key: str) -> str:
        entry = self._entry(section, key)
        return entry.get("unit", "") if isinstance(entry, Mapping) else ""

    def parameter(self, path: str) -> str:
        """A parameter path in words, part by part (``inspection.rate_per_year.D`` ->
        "inspection › spot checks per year › D"); parts the glossary lacks stay as written."""
        parts = []
        for part in path.split("."):
            entry = self._entry("parameters", part)
            parts.append(entry if isinstance(entry, str) else part.replace("_", " "))
        return " › ".join(parts)

    # -- lists and numbers ---------------------------------------------------------------------------

    def join(self, items: Iterable[str]) -> str:
        """ "a, b and c" in this language."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        if self.code == "zh":
            return "、".join(items[:-1]) + "和" + items[-1]
        return ", ".join(items[:-1]) + " and " + items[-1]

    def paren(self, text: str) -> str:
        """ " (text)", or "（text）" in Chinese."""
        return f"（{text}）" if self.code == "zh" else f" ({text})"

    def sentences(self, *parts: str) -> str:
        """Sentences one after the other: a space between them, none in Chinese."""
        return ("" if self.code == "zh" else " ").join(p for p in parts if p)

    def percent(self, x: float) -> str:
        """A signed relative change: "+12 %" ("+12%" in Chinese)."""
        if not math.isfinite(x):
            return "–"
        sep = "" if self.code == "zh" else " "
        return f"{100 * x:+.0f}{sep}%"


def language(code: str | None = None) -> Lang:
    """The :class:`Lang` for ``code`` (default English); InputError for an unknown code."""
    return Lang(check_language(code or DEFAULT))


__all__ = ["DEFAULT", "LANGUAGES", "Lang", "MetricInfo", "check_language", "glossary", "language"]
