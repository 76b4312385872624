"""Generated reference docs are up to date with the code."""

from __future__ import annotations

from pathlib import Path

from credsup.core.reference import BATCH_DOC, batch_markdown

ROOT = Path(__file__).parents[1]


def test_batch_reference_is_current() -> None:
    assert (ROOT / BATCH_DOC).read_text(encoding="utf-8") == batch_markdown(), (
        "docs/batch.md is stale: run `python -m credsup.core.reference`")


def test_every_scenario_parameter_is_documented_in_the_model() -> None:
    from credsup.core.config import leaf_paths
    from credsup.simulation.scenario import load_scenario

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    missing = [key for key in leaf_paths(load_scenario("demo"))
               if f"`{key}`" not in text and f"`{key.rsplit('.', 1)[0]}`" not in text
               and not any(f"`{key.rsplit('.', 1)[0]}." in line and key.rsplit(".", 1)[1] in line
                           for line in text.splitlines())]
    assert not missing, f"docs/model.md does not document {missing}"


def test_every_metric_has_a_formula() -> None:
    from credsup.simulation.metrics import METRICS

    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert [m for m in METRICS if f"| `{m}` |" not in text] == []
