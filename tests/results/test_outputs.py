"""Plots, the HTML report (rendered in real headless Chromium), and the results CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.results.store import load_experiment

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRE_BROWSER_ENV = "CREDSUP_REQUIRE_BROWSER"


def test_plots_are_written_as_png_and_svg(filled_sqlite, tmp_path: Path) -> None:
    from credsup.results.plots import write_plots

    engine, exp = filled_sqlite
    written = write_plots(load_experiment(engine, exp), tmp_path / "plots")
    assert set(written) == {"differences", "effort", "metrics", "time_series", "by_grade", "grade_shares"}
    for files in written.values():
        assert files["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in files["svg"].read_bytes()[:500]


def test_report_is_self_contained(filled_sqlite, tmp_path: Path) -> None:
    from credsup.results.output import write_outputs

    engine, exp = filled_sqlite
    path = write_outputs(load_experiment(engine, exp), tmp_path / "out")
    text = path.read_text()
    assert "<title>credsup comparison: demo</title>" in text
    assert text.count('src="data:image/png;base64,') == 6
    assert "http://" not in text and "https://" not in text  # nothing fetched from elsewhere
    assert "credsup compare --scenario demo -j national -j dalian" in text
    assert "12345678901234567890" in text and "Failed runs" in text


def _chromium_or_skip() -> None:
    if CHROMIUM and CHROMEDRIVER:
        return
    if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
        pytest.fail(f"{REQUIRE_BROWSER_ENV}=1 but chromium/chromedriver are not installed")
    pytest.skip("Chromium and chromedriver not installed (Debian packages chromium, chromium-driver)")


def test_report_renders_in_headless_chromium(filled_sqlite, tmp_path: Path) -> None:
    _chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from credsup.results.output import write_outputs

    engine, exp = filled_sqlite
    report = write_outputs(load_experiment(engine, exp), tmp_path / "out")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(report.as_uri())
        assert driver.title == "credsup comparison: demo"
        rows = driver.execute_script("return document.querySelectorAll('#comparison tbody tr').length")
        assert rows >= 4
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        assert len(images) == 6
        assert all(complete and w > 100 and h > 100 for complete, w, h in images), images
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_results_cli(filled_sqlite, tmp_path: Path) -> None:
    engine, exp = filled_sqlite
    db = str(engine.url)
    out = run("results", "list", "--db", db)
    assert out.exit_code == 0 and "compare" in out.output and "national, dalian" in out.output
    shown = run("results", "show", str(exp), "--db", db)
    assert shown.exit_code == 0
    assert "hit_rate" in shown.output and "vs national" in shown.output
    assert "failed: dalian replication 3" in shown.output
    data = json.loads(run("results", "show", str(exp), "--db", db, "--json").output)
    assert data["baseline"] == "national" and data["metrics"]["hit_rate"]["values"]["dalian"]["n"] == 3
    rows = list(csv.DictReader(io.StringIO(run("results", "export", str(exp), "--db", db).stdout)))
    assert {r["jurisdiction"] for r in rows} == {"national", "dalian"}
    assert len(rows) == (4 + 3) * 5
    periods = list(
        csv.DictReader(io.StringIO(run("results", "export", str(exp), "--db", db, "--table", "periods").stdout))
    )
    assert periods[0]["start"] == "2025-01-01"
    full = json.loads(run("results", "export", str(exp), "--db", db, "--format", "json").stdout)
    assert full["experiment"]["scenario"] == "demo" and "comparison" in full["points"]["0"]
    rep = run("results", "report", str(exp), "--db", db, "--out", str(tmp_path / "r"))
    assert rep.exit_code == 0 and (tmp_path / "r" / "report.html").is_file()
    assert (tmp_path / "r" / "plots" / "metrics.svg").is_file()


def test_results_cli_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["results", "show", "3", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 1 and "no results database at" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "empty.db").exists()  # a read-only command creates no database
    result = CliRunner().invoke(cli, ["results", "list", "--db", "postgresql://u:pw@127.0.0.1:1/x"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot connect to database")
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(cli, ["results", "list", "--db", str(tmp_path / "file" / "x.db")])
    assert (
        result.exit_code == 0 and result.stdout == "No experiments stored yet.\n" and "no database at" in result.stderr
    )
    result = CliRunner().invoke(cli, ["compare", "-s", "demo", "--db", str(tmp_path / "file" / "x.db")])
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_output_folder_that_cannot_be_written(filled_sqlite, tmp_path: Path) -> None:
    engine, exp = filled_sqlite
    (tmp_path / "taken").write_text("a file, not a folder")
    result = CliRunner().invoke(
        cli, ["results", "report", str(exp), "--db", str(engine.url), "--out", str(tmp_path / "taken")]
    )
    assert result.exit_code == 1 and "cannot create output folder" in result.stderr
