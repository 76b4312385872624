"""docs/notebooks.md is executed, not just rendered: its Python blocks run in order, in a fresh folder,
and must produce what the page says (a stored comparison, tidy frames, a plot, a Parquet file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).parents[1] / "docs" / "notebooks.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_notebook_page_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    namespace: dict[str, object] = {"__name__": "notebook"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"{PAGE.name} block {i + 1}", "exec"), namespace)
    exp = namespace["exp"]
    assert set(exp.metrics["jurisdiction"]) == {"traditional", "national"}  # type: ignore[attr-defined]
    assert len(exp.runs) == 6 and set(exp.runs["status"]) == {"ok"}  # type: ignore[attr-defined]
    assert (tmp_path / "prevalence.png").stat().st_size > 1000
    by_month = namespace["by_month"]
    assert list(by_month.columns) == ["national", "traditional"] and len(by_month) == 12  # type: ignore[attr-defined]
    summary = namespace["summary"]
    assert summary.loc["violation_prevalence", "count"].tolist() == [3, 3]  # type: ignore[attr-defined]
    assert (tmp_path / "summary.parquet").is_file()
