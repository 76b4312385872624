"""Every report page in real headless Chromium: it loads without a console error, every image loads, a
``<script>`` in a user string is shown as text and never runs, and at 800 px the main table and the page
need no sideways scrolling.

PAGES lists the pages; a new kind of page (equal effort, frontier: issue 17 points 1-2; calibration:
issue 15) adds its builder there and gets every check.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from credsup.i18n import language
from credsup.results.store import load_experiment

sys.path.insert(0, str(Path(__file__).parent))
from reports_data import FIVE, XSS, equal_effort_settings, store_compare, store_frontier, store_sweep

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRE_BROWSER_ENV = "CREDSUP_REQUIRE_BROWSER"
WIDTH = 800


def _compare(tmp: Path, lang: str = "en") -> Path:
    from credsup.results.output import write_outputs

    engine, exp = store_compare(
        f"sqlite:///{tmp / 'c.db'}",
        ("traditional", "national", "dalian", "hainan", "shanghai"),
        profiles=FIVE,
        sources=True,
    )
    return write_outputs(load_experiment(engine, exp), tmp / "out", lang=language(lang))


def _equal_effort(tmp: Path, lang: str = "en") -> Path:
    from credsup.results.output import write_outputs

    names = ("traditional", "national", "dalian", "hainan", "shanghai")
    engine, exp = store_compare(
        f"sqlite:///{tmp / 'e.db'}",
        names,
        profiles=FIVE,
        sources=True,
        settings=equal_effort_settings(names, {"shanghai": "floor"}),
    )
    return write_outputs(load_experiment(engine, exp), tmp / "out", lang=language(lang))


def _frontier(tmp: Path, lang: str = "en") -> Path:
    from credsup.results.sweep_plots import write_sweep_outputs

    engine, exp = store_frontier(f"sqlite:///{tmp / 'f.db'}")
    return write_sweep_outputs(load_experiment(engine, exp), tmp / "out", lang=language(lang))["report.html"]


def _sweep(tmp: Path, design: str, lang: str = "en") -> Path:
    from credsup.results.sweep_plots import write_sweep_outputs

    engine, exp = store_sweep(f"sqlite:///{tmp / 's.db'}", design=design)
    return write_sweep_outputs(load_experiment(engine, exp), tmp / "out", lang=language(lang))["report.html"]


def _calibration(tmp: Path, lang: str = "en") -> Path:
    """A small calibration (2 free parameters, a 1,500-enterprise district over 12 months) to a targets
    file whose title carries the script."""
    from credsup.calibration.calibrate import analyse, prepare, run, start
    from credsup.calibration.report import write_outputs
    from credsup.experiments.executors import InlineExecutor
    from credsup.results.db import open_database
    from credsup.results.store import read_experiment

    sys.path.insert(0, str(Path(__file__).parents[1] / "calibration"))
    from helpers import FREE, SMALL, targets_file

    targets = targets_file(tmp / "targets.toml", extra=f'title = "Targets {XSS}"')
    engine = open_database(f"sqlite:///{tmp / 'k.db'}")
    prepared = prepare(
        str(targets),
        scenario="demo",
        free=FREE,
        set_texts=SMALL,
        replications=2,
        seed=5,
        design_points=4,
        max_evaluations=6,
    )
    exp = start(engine, prepared, InlineExecutor())
    run(engine, exp, prepared, InlineExecutor())
    record, _ = read_experiment(engine, exp)
    return write_outputs(analyse(engine, exp), record, tmp / "out", lang=language(lang))["report.html"]


#: page name -> (builder writing the page into a folder and returning its path, id of its main table)
PAGES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "compare": (_compare, "comparison"),
    "compare-zh": (lambda tmp: _compare(tmp, "zh"), "comparison"),
    # the By source block (issue 13 point 5): five jurisdictions, two label columns, at 800 px
    "compare-by-source": (_compare, "by-source"),
    "compare-by-source-zh": (lambda tmp: _compare(tmp, "zh"), "by-source"),
    "sweep-grid": (lambda tmp: _sweep(tmp, "grid"), "parameters-varied"),
    "sweep-sobol-zh": (lambda tmp: _sweep(tmp, "sobol", "zh"), "indices"),
    "equal-effort": (_equal_effort, "equal-effort"),
    "equal-effort-zh": (lambda tmp: _equal_effort(tmp, "zh"), "comparison"),
    "frontier": (_frontier, "frontier"),
    "frontier-zh": (lambda tmp: _frontier(tmp, "zh"), "frontier"),
    "calibration": (_calibration, "fit-table"),
    "calibration-zh": (lambda tmp: _calibration(tmp, "zh"), "parameters-fitted"),
}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):  # type: ignore[no-untyped-def]
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
            pytest.fail(f"{REQUIRE_BROWSER_ENV}=1 but chromium/chromedriver are not installed")
        pytest.skip("Chromium and chromedriver not installed (Debian packages chromium, chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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
        f"--window-size={WIDTH},900",
        f"--user-data-dir={tmp_path_factory.mktemp('profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize("page", list(PAGES))
def test_report_page_in_chromium(page: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build, main_table = PAGES[page]
    path = build(tmp_path)
    browser.get_log("browser")  # drop what earlier pages left
    browser.get(path.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.execute_script("return window.innerWidth") <= WIDTH
    # no console error
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    # every image loads
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert images and all(done and w > 100 and h > 100 for done, w, h in images), images
    # a <script> in a user string (scenario or sweep title, a parameter source) is text, never run
    assert browser.execute_script("return window.__credsup_xss") is None
    assert browser.execute_script("return document.scripts.length") == 0
    assert "<script>window.__credsup_xss = 1</script>" in browser.execute_script("return document.body.innerText")
    # at 800 px: the main table and the page fit without sideways scrolling
    table = browser.execute_script(
        "const t = document.getElementById(arguments[0]); return t && [t.scrollWidth, t.clientWidth, "
        "t.getBoundingClientRect().right]",
        main_table,
    )
    assert table is not None, f"no #{main_table} on the {page} page"
    assert table[0] <= table[1] and table[2] <= WIDTH, table
    page_width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width[0] <= page_width[1], page_width
    overflowing = browser.execute_script(
        "const main = document.querySelector('main').getBoundingClientRect().right;"
        "return Array.from(document.querySelectorAll('table')).filter(t => t.offsetParent !== null && "
        "(t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > main + 1)).map(t => t.id || t.className)"
    )
    assert overflowing == []
