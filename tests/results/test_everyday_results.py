"""Results where users expect them and in pandas (issue 19 points 3-4), outputs that never overwrite an
input and honour the umask (issue 18 point 3, issue 19 point 6), terminal tables (issue 19 point 2)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup.cli.main import cli

sys.path.insert(0, str(Path(__file__).parent))
from reports_data import store_compare, store_sweep

ROOT = Path(__file__).parents[2]


def invoke(*args: object, env: dict[str, str] | None = None, input: str | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, input=input)


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, int]:
    """A SQLite database holding one comparison (three jurisdictions, five replications)."""
    path = tmp_path / "results.db"
    engine, exp = store_compare(f"sqlite:///{path}")
    engine.dispose()
    return path, exp


# -- where the database is -------------------------------------------------------------------------------


def test_the_default_database_is_in_the_data_folder_and_path_prints_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    expected = tmp_path / "data" / "credsup" / "credsup.db"
    path = invoke("results", "path")
    assert path.exit_code == 0 and path.stdout.strip() == str(expected)
    assert json.loads(invoke("results", "path", "--json").stdout) == {
        "database": str(expected),
        "url": f"sqlite:///{expected}",
        "exists": False,
    }
    listed = invoke("results", "list")
    assert listed.exit_code == 0 and listed.stdout.strip() == "No experiments stored yet."
    shown = invoke("results", "show", "1")
    assert shown.exit_code == 1 and f"no results database at sqlite:///{expected}" in shown.stderr
    exported = invoke("results", "export", "1")
    assert exported.exit_code == 1
    assert not expected.exists() and not expected.parent.exists(), "a read-only command created a database"
    made = invoke(
        "compare", "-s", "demo", "-j", "national", "-r", "2", "--seed", "1",
        "--set", "scenario.population.enterprises=300", "--set", "scenario.months=3", "--set", "scenario.warmup_months=0",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert expected.is_file() and not (tmp_path / "credsup.db").exists()
    assert f"stored as experiment 1 in sqlite:///{expected}" in made.stderr
    env = invoke("results", "path", env={"CREDSUP_DB": str(tmp_path / "other.db")})
    assert env.stdout.strip() == str(tmp_path / "other.db")
    assert invoke("results", "path", "--db", "x.db").stdout.strip() == "x.db"


def test_delete_asks_refuses_without_a_terminal_and_deletes_with_yes(stored, monkeypatch) -> None:
    path, exp = stored
    from sqlalchemy import create_engine, text

    def count(table: str) -> int:
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            n = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        engine.dispose()
        return int(n)

    runs, metrics = count("run"), count("metric")
    assert runs > 0 and metrics > 0
    refused = invoke("results", "delete", exp, "--db", path)
    assert refused.exit_code == 1 and "add --yes to delete without being asked" in refused.stderr
    monkeypatch.setattr("credsup.cli.results_cmds.can_ask", lambda: True)
    import click

    monkeypatch.setattr(click, "confirm", lambda *a, **k: False)
    kept = invoke("results", "delete", exp, "--db", path)
    assert kept.exit_code == 1 and "Nothing deleted." in kept.stderr and count("run") == runs
    gone = invoke("results", "delete", exp, "--db", path, "--yes")
    assert gone.exit_code == 0 and f"deleted experiment {exp} (compare" in gone.stderr
    assert count("experiment") == 0 and count("run") == 0 and count("metric") == 0
    again = invoke("results", "delete", exp, "--db", path, "--yes")
    assert again.exit_code == 1 and f"no experiment {exp}" in again.stderr


def test_delete_removes_that_experiment_and_nothing_else_on_both_backends(db_url) -> None:
    from sqlalchemy import text

    engine, first = store_compare(db_url, replications=2)
    _, second = store_compare(db_url, replications=2)
    tables = {
        "run": "SELECT count(*) FROM run WHERE experiment_id = :e",
        "metric": "SELECT count(*) FROM metric JOIN run ON run.id = metric.run_id WHERE experiment_id = :e",
        "period_metric": "SELECT count(*) FROM period_metric p JOIN run ON run.id = p.run_id WHERE experiment_id = :e",
        "grade_metric": "SELECT count(*) FROM grade_metric g JOIN run ON run.id = g.run_id WHERE experiment_id = :e",
    }

    def counts(exp: int) -> dict[str, int]:
        with engine.connect() as conn:
            return {t: int(conn.execute(text(q), {"e": exp}).scalar_one()) for t, q in tables.items()}

    before = counts(second)
    assert all(before.values()) and counts(first) == before
    gone = invoke("results", "delete", first, "--db", db_url, "--yes")
    assert gone.exit_code == 0, gone.output
    assert counts(first) == dict.fromkeys(tables, 0) and counts(second) == before
    listed = json.loads(invoke("results", "list", "--db", db_url, "--json").stdout)
    assert [e["id"] for e in listed] == [second]
    engine.dispose()


# -- pandas, parquet ------------------------------------------------------------------------------------


def _csv(path: Path, exp: int, table: str) -> list[dict[str, str]]:
    out = invoke("results", "export", exp, "--db", path, "--table", table)
    assert out.exit_code == 0, out.output
    return list(csv.DictReader(io.StringIO(out.stdout)))


def _same(a: object, b: str) -> bool:
    if b == "":
        return a is None or (isinstance(a, float) and math.isnan(a))
    if isinstance(a, float):
        return math.isclose(a, float(b), rel_tol=0, abs_tol=0) or repr(a) == b
    return str(a) == b


def test_load_gives_tidy_frames_with_the_exported_rows(stored) -> None:
    pytest.importorskip("pandas")
    from credsup.results import load

    path, exp = stored
    frames = load(str(path), exp)
    assert frames.experiment["id"] == exp and frames.points is None
    for frame, table in ((frames.metrics, "summary"), (frames.periods, "periods"), (frames.grades, "grades")):
        rows = _csv(path, exp, table)
        assert len(frame) == len(rows) and list(frame.columns) == list(rows[0])
        for got, want in zip(frame.to_dict("records"), rows):
            assert all(_same(got[k], v) for k, v in want.items() if k != "start"), (got, want)
    assert str(frames.periods["start"].iloc[0]) == _csv(path, exp, "periods")[0]["start"]
    # the exported JSON holds the same values, by run: an independent reading of the database
    doc = json.loads(invoke("results", "export", exp, "--db", path, "--format", "json").stdout)
    one = frames.metrics[(frames.metrics.jurisdiction == "national") & (frames.metrics.metric == "hit_rate")]
    stored_values = doc["points"]["0"]["jurisdictions"]["national"]["summary"]["hit_rate"]
    assert one.sort_values("replication")["value"].tolist() == stored_values
    assert set(frames.runs["status"]) == {"ok"} and len(frames.runs) == 15
    assert frames.metrics.groupby("jurisdiction")["value"].count().to_dict()  # tidy: groupby works


def test_load_of_a_sweep_has_its_points_and_never_creates_a_database(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    from credsup.core.errors import CredsupError
    from credsup.results import load

    engine, exp = store_sweep(f"sqlite:///{tmp_path / 's.db'}")
    frames = load(engine, exp)
    assert frames.points is not None and {"point", "jurisdiction", "metric", "mean", "low", "high"} <= set(
        frames.points
    )
    with pytest.raises(CredsupError, match="no results database"):
        load(str(tmp_path / "none.db"), 1)
    assert not (tmp_path / "none.db").exists()


def test_parquet_export_is_the_csv_table_typed(stored, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path, exp = stored
    out = tmp_path / "periods.parquet"
    result = invoke("results", "export", exp, "--db", path, "--format", "parquet", "--table", "periods", "-o", out)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    rows = _csv(path, exp, "periods")
    assert table.num_rows == len(rows) and table.column_names == list(rows[0])
    assert str(table.schema.field("value").type) == "double" and str(table.schema.field("start").type) == "date32[day]"
    assert table.schema.metadata[b"credsup.experiment"] == str(exp).encode()
    for got, want in zip(table.to_pylist()[:200], rows[:200]):
        assert all(_same(got[k], v) for k, v in want.items() if k != "start")
    no_file = invoke("results", "export", exp, "--db", path, "--format", "parquet")
    assert no_file.exit_code == 1 and "give -o FILE" in no_file.stderr


# -- guarded outputs --------------------------------------------------------------------------------------


def test_export_never_writes_over_its_database(stored) -> None:
    path, exp = stored
    before = path.read_bytes()
    for extra in ([], ["--force"]):
        result = invoke("results", "export", exp, "--db", path, "-o", path, *extra)
        assert result.exit_code == 1 and "is the results database" in result.stderr
    assert path.read_bytes() == before
    assert invoke("results", "list", "--db", path).exit_code == 0


def test_an_existing_file_is_replaced_only_with_force_keeping_its_mode(stored, tmp_path: Path) -> None:
    path, exp = stored
    out = tmp_path / "summary.csv"
    out.write_text("mine\n")
    os.chmod(out, 0o644)
    refused = invoke("results", "export", exp, "--db", path, "-o", out)
    assert refused.exit_code == 1 and "the file exists; add --force" in refused.stderr
    assert out.read_text() == "mine\n"
    forced = invoke("results", "export", exp, "--db", path, "-o", out, "--force")
    assert forced.exit_code == 0 and out.read_text().startswith("experiment,point,")
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_new_files_get_the_umasks_permissions(stored, tmp_path: Path, mask: int) -> None:
    path, exp = stored
    old = os.umask(mask)
    try:
        out = tmp_path / f"e{mask:o}.csv"
        assert invoke("results", "export", exp, "--db", path, "-o", out).exit_code == 0
        report = tmp_path / f"report{mask:o}"
        assert invoke("results", "report", exp, "--db", path, "--out", report).exit_code == 0
    finally:
        os.umask(old)
    for f in (out, report / "report.html", next((report / "plots").glob("*.png"))):
        assert stat.S_IMODE(f.stat().st_mode) == 0o666 & ~mask, f


def test_report_folders_credsup_did_not_write_need_force(stored, tmp_path: Path) -> None:
    path, exp = stored
    theirs = tmp_path / "mine"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep me")
    refused = invoke("results", "report", exp, "--db", path, "--out", theirs)
    assert refused.exit_code == 1 and "holds files credsup did not write; add --force" in refused.stderr
    assert sorted(p.name for p in theirs.iterdir()) == ["notes.txt"]
    assert invoke("results", "report", exp, "--db", path, "--out", theirs, "--force").exit_code == 0
    assert (theirs / "notes.txt").read_text() == "keep me" and (theirs / "report.html").is_file()
    ours = tmp_path / "ours"
    for _ in range(2):  # a folder credsup wrote is credsup's: again and again, no --force
        result = invoke("results", "report", exp, "--db", path, "--out", ours)
        assert result.exit_code == 0, result.output
    assert (ours / ".credsup-output").is_file()
    inside = ours / "report.html"
    clash = invoke("results", "report", exp, "--db", inside, "--out", ours, "--force")
    assert clash.exit_code == 1 and "which is the results database" in clash.stderr


# -- terminal tables --------------------------------------------------------------------------------------


def test_tables_are_aligned_and_coloured_only_on_a_terminal(stored, monkeypatch) -> None:
    from sqlalchemy import create_engine

    from credsup.results.store import load_experiment
    from credsup.results.table import comparison, render_text
    from credsup.results.terminal import comparison_renderable, console

    path, exp = stored
    table = comparison(load_experiment(create_engine(f"sqlite:///{path}"), exp))
    text = render_text(table)
    assert "\x1b[" not in text and not any(line != line.rstrip() for line in text.splitlines())
    block = text.split("violation_prevalence:", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    starts = {line.index("[") for line in block if "[" in line}
    assert len(starts) == 1, block  # the intervals start in one column

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    out = Tty()
    console(out).print(comparison_renderable(table))
    coloured = out.getvalue()
    clear_rows = [(r, j) for r in table["metrics"] if r["better"] for j, c in r["clear"].items() if c]
    assert clear_rows, "the made-up data has clear differences"
    assert "\x1b[32m" in coloured or "\x1b[31m" in coloured  # green better, red worse
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Tty()
    console(plain).print(comparison_renderable(table))
    assert not re.search(r"\x1b\[3[12]m", plain.getvalue())
