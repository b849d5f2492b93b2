"""Headless Chromium (the system's ``chromium`` and ``chromium-driver`` packages) driven by Selenium, and a
live fakenova for it to look at. Without a browser the browser tests skip, naming the packages; under CI
(``CI=true``) they fail instead, so a runner that lost its browser cannot pass quietly."""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from fakenova import create_app
from fakenova.serving import ServerThread

MISSING = ("the dashboard's browser tests need Chromium and its driver: apt-get install chromium chromium-driver "
           "(and pip install selenium, in the test extra)")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> tuple:
    """(browser binary, chromedriver) found on PATH, else a skip (or, under CI, a failure)."""
    binary = next((found for found in map(shutil.which, BROWSERS) if found), None)
    driver = shutil.which("chromedriver")
    if importlib.util.find_spec("selenium") is None:
        binary = None
    if binary is None or driver is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(MISSING + " — CI=true, so they must run")
        pytest.skip(MISSING)
    return binary, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    binary, driver_path = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,800", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def live() -> Iterator[ServerThread]:
    with ServerThread(create_app()) as server:
        yield server


@pytest.fixture
def shots(tmp_path: Path):
    """``shots(browser, "name")`` saves a numbered screenshot into the test's output folder."""
    taken = []

    def take(driver, name: str) -> Path:
        path = tmp_path / f"{len(taken) + 1:02d}-{name}.png"
        driver.save_screenshot(str(path))
        taken.append(path)
        return path

    take.taken = taken  # type: ignore[attr-defined]
    return take
