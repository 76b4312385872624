"""Screenshots of credsup's reports for docs/img/, taken in headless Chromium (the browser the tests use).

    python docs/screenshots.py                   # runs the README's main job and a sweep, then shoots
    python docs/screenshots.py --report DIR ...  # shoot existing pages: DIR/report.html (or a file)

Writes docs/img/report-compare.png (the first screen of the README's main job's report, at equal effort),
docs/img/report-compare-zh.png (the same with --lang zh), docs/img/report-sweep.png (the sweep page of
capacity-x-d-rate) and docs/img/report-frontier.png (the page of the shipped efficiency frontier). Needs chromium and chromedriver (Debian: chromium, chromium-driver) and selenium
(pip install -e ".[dev]"). The jobs use a scratch database and folder; nothing in the working tree but
docs/img changes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMG = HERE / "img"
MAIN_JOB = ["compare", "--scenario", "demo", "--replications", "5", "--seed", "1", "--workers", "2", "--equal-effort"]
SWEEP_JOB = ["sweep", "capacity-x-d-rate", "--workers", "2"]
FRONTIER_JOB = ["frontier", "--workers", "2"]


def browser(width: int, height: int):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        sys.exit("chromium and chromedriver are needed (Debian: apt install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    return webdriver.Chrome(service=Service(driver_path), options=options)


def shoot(page: Path, out: Path, width: int = 1100, height: int = 1300) -> None:
    driver = browser(width, height)
    try:
        driver.get(page.resolve().as_uri())
        driver.save_screenshot(str(out))
    finally:
        driver.quit()
    print(f"wrote {out}")


def credsup(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "credsup.cli.main", *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", nargs="*", help="existing report folders or files to shoot instead")
    args = parser.parse_args()
    IMG.mkdir(exist_ok=True)
    if args.report:
        for i, item in enumerate(args.report):
            page = Path(item) / "report.html" if Path(item).is_dir() else Path(item)
            shoot(page, IMG / f"report-{i}.png")
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "screens.db")
        credsup(*MAIN_JOB, "--db", db, "--out", f"{tmp}/en")
        credsup("results", "report", "1", "--db", db, "--out", f"{tmp}/zh", "--lang", "zh")
        credsup(*SWEEP_JOB, "--db", db, "--out", f"{tmp}/sweep")
        credsup(*FRONTIER_JOB, "--db", db, "--out", f"{tmp}/frontier")
        shoot(Path(tmp) / "en" / "report.html", IMG / "report-compare.png")
        shoot(Path(tmp) / "zh" / "report.html", IMG / "report-compare-zh.png")
        shoot(Path(tmp) / "sweep" / "report.html", IMG / "report-sweep.png")
        shoot(Path(tmp) / "frontier" / "report.html", IMG / "report-frontier.png")


if __name__ == "__main__":
    main()
