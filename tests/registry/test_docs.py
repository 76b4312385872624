"""docs/registry.md documents the registry schema exactly as the code checks it."""

from __future__ import annotations

from credsup.registry.schema import DOC, TABLES, render_doc

from .conftest import ROOT


def test_registry_schema_doc_is_current() -> None:
    text = (ROOT / DOC).read_text(encoding="utf-8")
    assert text == render_doc(text), f"{DOC} is stale: run `python -m credsup.registry.schema`"


def test_every_table_and_column_is_documented() -> None:
    text = (ROOT / DOC).read_text(encoding="utf-8")
    for spec in TABLES.values():
        assert f"### {spec.name}" in text
        for col in spec.columns:
            assert f"| `{col.name}` |" in text
