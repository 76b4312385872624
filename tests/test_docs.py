"""The docs stay true: generated references are current, every hook is documented (in its docstring, the
hook reference and the plugin guide's life cycle), and the commands the plugin guide teaches exist."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import click
import pytest

from credsup.cli.main import cli
from credsup.core.contracts import HOOKS
from credsup.core.reference import BATCH_DOC, HOOKS_DOC, batch_markdown, hooks_markdown

ROOT = Path(__file__).parents[1]
GUIDE = ROOT / "docs" / "plugin-guide.md"


def section(text: str, title: str) -> str:
    """The body of the ``## title`` section of a Markdown text."""
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_batch_reference_is_current() -> None:
    assert (ROOT / BATCH_DOC).read_text(encoding="utf-8") == batch_markdown(), (
        "docs/batch.md is stale: run `python -m credsup.core.reference`"
    )


def test_hook_reference_is_current() -> None:
    assert (ROOT / HOOKS_DOC).read_text(encoding="utf-8") == hooks_markdown(), (
        "docs/hooks.md is stale: run `python -m credsup.core.reference`"
    )


@pytest.mark.parametrize("hook", list(HOOKS))
def test_hook_is_documented(hook: str) -> None:
    contract = HOOKS[hook]
    doc = inspect.getdoc(contract.spec) or ""
    assert doc, f"{hook} has no docstring in core/hookspecs.py"
    assert f"Family: {contract.family}." in doc, f"{hook}'s docstring does not name its family"
    assert "Returns" in doc, f"{hook}'s docstring does not say what it returns"
    assert re.search(r"Models: .*(seed \d{3}|Law|〔)", doc), f"{hook}'s docstring does not cite what it models"
    assert f"\n### {hook}\n" in (ROOT / HOOKS_DOC).read_text(encoding="utf-8")
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"`{hook}`" in section(guide, "The life cycle of a run"), f"the plugin guide's life cycle omits {hook}"
    assert f"`{hook}`" in section(guide, "The hook reference"), f"the plugin guide's hook table omits {hook}"


def test_hook_reference_links_resolve() -> None:
    text = (ROOT / HOOKS_DOC).read_text(encoding="utf-8")
    anchors = set(re.findall(r"^### (\S+)$", text, flags=re.M))
    assert set(re.findall(r"\]\(#(credsup_\w+)\)", text)) <= anchors


def test_guide_sections_cover_the_brief() -> None:
    titles = re.findall(r"^## (.+)$", GUIDE.read_text(encoding="utf-8"), flags=re.M)
    assert titles == [
        "Quickstart: from the scaffold",
        "The entry point",
        "The hook reference",
        "Layers",
        "The life cycle of a run",
        "Configs and parameter sources",
        "Testing with the conformance suite",
        "Checking that it loaded",
        "Using it on a real registry",
        "Versioning of the hook contract",
    ]


def test_commands_in_the_guide_exist() -> None:
    # `credsup x ...` in the text and `$ credsup x ...` in console examples
    used = set(re.findall(r"(?:`|\$ )credsup ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", GUIDE.read_text(encoding="utf-8")))
    assert ("plugin", "new") in used and ("plugin", "check") in used
    commands = cli.load_all()
    for command, sub in used:
        assert command in commands, f"the plugin guide mentions `credsup {command}`, which does not exist"
        group = commands[command]
        if sub and hasattr(group, "commands"):
            assert sub in group.commands, f"the plugin guide mentions `credsup {command} {sub}`"


def test_every_scenario_parameter_is_documented_in_the_model() -> None:
    from credsup.core.config import leaf_paths
    from credsup.simulation.scenario import load_scenario

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    missing = [
        key
        for key in leaf_paths(load_scenario("demo"))
        if f"`{key}`" not in text
        and f"`{key.rsplit('.', 1)[0]}`" not in text
        and not any(
            f"`{key.rsplit('.', 1)[0]}." in line and key.rsplit(".", 1)[1] in line for line in text.splitlines()
        )
    ]
    assert not missing, f"docs/model.md does not document {missing}"


def test_every_metric_has_a_formula() -> None:
    from credsup.simulation.metrics import METRICS

    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert [m for m in METRICS if f"| `{m}` |" not in text] == []


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """Every command and subcommand of a click group, with its path (``("registry", "generate")``)."""
    out: list[tuple[tuple[str, ...], object]] = []
    if not isinstance(group, click.Group):
        return out
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):  # the group loads its commands lazily
        command = group.get_command(ctx, name)
        path = (*prefix, name)
        out.append((path, command))
        out.extend(_commands(command, path))
    return out


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help_and_is_documented(path: tuple[str, ...]) -> None:
    """As datasette's test_docs.py does: `--help` works and says something, and the README or a page in
    docs/ shows the command."""
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {' '.join(path)}" in result.output or f"Usage: credsup {' '.join(path)}" in result.output
    command = dict(_commands(cli))[path]
    assert (getattr(command, "help", None) or "").strip(), f"`credsup {' '.join(path)}` has no help text"
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in docs)
    assert f"credsup {' '.join(path)}" in text, f"`credsup {' '.join(path)}` is not in README.md or docs/"


def test_every_batch_column_says_where_it_comes_from_and_names_only_what_exists() -> None:
    """docs/batch.md's derivation table (credsup.core.derivation): one row per EnterpriseBatch column, in
    order; every `table.column` of a registry text is a registry column and every other `name` a table or
    a column; every `CreditRecord.method` of a simulation text is a method; every `population.key` a
    key of the demo scenario."""
    from credsup.core.batch import EnterpriseBatch
    from credsup.core.derivation import DERIVATION
    from credsup.registry.schema import TABLES
    from credsup.simulation.credit_record import CreditRecord
    from credsup.simulation.scenario import load_scenario

    assert list(DERIVATION) == [c.name for c in EnterpriseBatch.columns()]
    columns = {f"{t.name}.{c.name}" for t in TABLES.values() for c in t.columns}
    names = set(TABLES) | {c.name for t in TABLES.values() for c in t.columns} | {"T"}
    population = load_scenario("demo").population
    for name, d in DERIVATION.items():
        for ref in re.findall(r"`([a-z_]+\.[a-z_]+)`", d.registry):
            assert ref in columns, f"{name}: {ref} is not a registry column"
        for ref in re.findall(r"`([A-Za-z_]+)`", d.registry):
            assert ref in names, f"{name}: {ref} is neither a registry table nor a column"
        for method in re.findall(r"`CreditRecord\.([a-z_]+)`", d.simulation):
            assert callable(getattr(CreditRecord, method, None)), f"{name}: CreditRecord.{method} does not exist"
        for path in re.findall(r"`population\.([a-z_.]+)`", d.simulation):
            obj = population
            for part in path.split("."):
                assert hasattr(obj, part), f"{name}: population.{path} is not a scenario key"
                obj = getattr(obj, part)
