"""The public page and the report form in real headless Chromium at a phone's width (375 CSS pixels), against
a real `credsup serve`: the page fits the screen, its QR code decodes to the page's own address, a report
is stored, and a `<script>` in a report is shown as text and never runs."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from .conftest import AS_OF

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRE_BROWSER_ENV = "CREDSUP_REQUIRE_BROWSER"
PHONE = {"width": 375, "height": 812, "pixelRatio": 3.0}
ENTERPRISE = "E000528"  # in the example registry: 4 commitments, a penalty on display, a listing
REPORT = "<script>window.pwned = 1;</script> Prices not marked & <b>no receipt</b>\nsecond line"


@pytest.fixture
def phone(tmp_path: Path):
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
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, f"expected one QR code in the screenshot, found {len(results)}"
    return str(results[0].text)


def test_public_page_and_report_form_on_a_phone(start_server, phone, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    reports = tmp_path / "reports.db"
    from .conftest import EXAMPLE

    server = start_server(EXAMPLE, "-j", "national", "--as-of", AS_OF, "--reports", f"sqlite:///{reports}")
    driver = phone
    driver.get(f"{server.base}/e/{ENTERPRISE}")
    assert driver.find_element(By.ID, "code").text == ENTERPRISE
    assert driver.execute_script("return window.innerWidth") == PHONE["width"]
    # usable on a phone: nothing wider than the screen, readable inputs, buttons big enough to tap
    assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]
    for element_id in ("text", "contact", "commitment"):
        box = driver.execute_script(
            "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
            "return [r.left, r.right, parseFloat(getComputedStyle(document.getElementById(arguments[0])).fontSize)]",
            element_id,
        )
        assert 0 <= box[0] and box[1] <= PHONE["width"] and box[2] >= 16, (element_id, box)
    button = driver.find_element(By.CSS_SELECTOR, "#report button[type=submit]")
    assert button.size["height"] >= 44 and button.size["width"] > PHONE["width"] / 2
    assert len(driver.find_elements(By.CSS_SELECTOR, "#commitments li")) == 4
    assert len(driver.find_elements(By.CSS_SELECTOR, "#penalties li")) >= 1
    assert "grade" not in driver.page_source.lower()

    # the QR code, as the screen shows it, opens this very page
    qr = driver.find_element(By.ID, "qr")
    driver.execute_script("arguments[0].scrollIntoView()", qr)
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr)
    assert decode_qr(qr.screenshot_as_png) == driver.current_url == f"{server.base}/e/{ENTERPRISE}"

    # report a breach with markup in it
    Select(driver.find_element(By.ID, "commitment")).select_by_index(1)
    chosen = driver.find_element(By.ID, "commitment").get_attribute("value")
    driver.find_element(By.ID, "text").send_keys(REPORT)
    driver.find_element(By.ID, "contact").send_keys("13800000000")
    driver.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    WebDriverWait(driver, 20).until(lambda d: "/reports/R-" in d.current_url)
    shown = driver.find_element(By.ID, "report-text")
    assert shown.get_attribute("textContent") == REPORT  # shown as text, line break kept
    assert shown.find_elements(By.CSS_SELECTOR, "script, b") == []
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]
    reference = driver.find_element(By.ID, "reference").text
    assert driver.current_url.endswith(f"/e/{ENTERPRISE}/reports/{reference}")

    # stored whole, as a complaint received
    with sqlite3.connect(reports) as db:
        rows = db.execute("SELECT id, enterprise, received, commitment, text, contact FROM public_reports").fetchall()
    assert rows == [(reference, ENTERPRISE, AS_OF.isoformat(), chosen, REPORT, "13800000000")]

    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors  # no blocked resource, no CSP violation, no missing file
