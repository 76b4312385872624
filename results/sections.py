"""Report sections from plugins: a pluggy hook of its own, outside the policy hook contract.

A package adds a section to credsup's HTML reports by implementing :func:`credsup_report_sections` and
naming the module in the entry-point group ``credsup.report_sections``::

    [project.entry-points."credsup.report_sections"]
    myoffice = "myoffice_credsup.report"

    # myoffice_credsup/report.py
    from credsup.results.sections import Section, hookimpl

    @hookimpl
    def credsup_report_sections(page, results, lang):
        if page != "compare":
            return None
        return Section(id="budget", title="Inspection budget", body="<p>...</p>", trusted=True)

``page`` is the kind of page being written (``"compare"``, ``"sweep"``; later ``"frontier"``,
``"calibration"``), ``results`` the :class:`~credsup.results.store.ExperimentResults`, ``lang`` the
:class:`~credsup.i18n.Lang` (``lang.gettext``, ``lang.code``). A section's ``body`` is escaped like
every other string unless ``trusted=True`` says it is HTML the plugin built (and escaped) itself. A plugin
that fails to import or raises is named in the report's notes and skipped; the report is still written.
``CREDSUP_DISABLE_PLUGINS=name,...`` keeps a section plugin from loading, as it does jurisdictions.

This is not the policy contract (:mod:`credsup.core.hookspecs`): a jurisdiction plugin never needs it,
and a section plugin cannot change a decision.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import attrs
import pluggy
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from credsup.i18n import Lang
    from credsup.results.store import ExperimentResults

PROJECT = "credsup_report"
GROUP = "credsup.report_sections"
DISABLE_ENV = "CREDSUP_DISABLE_PLUGINS"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@attrs.frozen
class Section:
    """One section of a report: an anchor id, a heading and a body (text, or HTML when trusted)."""

    id: str
    title: str
    body: str
    trusted: bool = False

    @property
    def html(self) -> Markup:
        return Markup(self.body) if self.trusted else Markup("<p>") + escape(self.body) + Markup("</p>")


class ReportSpec:
    """The hook a section plugin implements."""

    @hookspec
    def credsup_report_sections(self, page: str, results: ExperimentResults, lang: Lang) -> Any:  # pragma: no cover
        """Sections to add to a report page: a :class:`Section`, a list of them, or None."""


def manager(extra: Iterable[object] = ()) -> tuple[pluggy.PluginManager, list[str]]:
    """A plugin manager with every installed section plugin (and ``extra`` objects, for tests and
    embedding), and the problems met while loading (one line each)."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(ReportSpec)
    problems = []
    disabled = {n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()}
    for ep in entry_points(group=GROUP):
        if ep.name in disabled:
            continue
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # a broken plugin is named and skipped, never fatal
            problems.append(f"report section plugin {ep.name!r} did not load: {type(exc).__name__}: {exc}")
    for obj in extra:
        pm.register(obj)
    return pm, problems


def collect(
    page: str, results: ExperimentResults, lang: Lang, extra: Iterable[object] = ()
) -> tuple[list[Section], list[str]]:
    """The plugins' sections for this page, and the problems (a plugin that raised or returned junk)."""
    pm, problems = manager(extra)
    sections: list[Section] = []
    for impl in reversed(pm.hook.credsup_report_sections.get_hookimpls()):
        name = pm.get_name(impl.plugin) or repr(impl.plugin)
        try:
            answer: Any = impl.function(page=page, results=results, lang=lang)
        except Exception as exc:
            problems.append(f"report section plugin {name!r} raised {type(exc).__name__}: {exc}")
            continue
        items = [] if answer is None else [answer] if isinstance(answer, Section) else list(answer)
        for item in items:
            if isinstance(item, Section):
                sections.append(item)
            else:
                problems.append(f"report section plugin {name!r} returned {type(item).__name__}, not a Section")
    return sections, problems


__all__ = ["GROUP", "Section", "collect", "hookimpl", "hookspec", "manager"]
