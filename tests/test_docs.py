"""Generated reference docs are up to date with the code."""

from __future__ import annotations

from pathlib import Path

from credsup.core.reference import BATCH_DOC, batch_markdown

ROOT = Path(__file__).parents[1]


def test_batch_reference_is_current() -> None:
    assert (ROOT / BATCH_DOC).read_text(encoding="utf-8") == batch_markdown(), (
        "docs/batch.md is stale: run `python -m credsup.core.reference`")
