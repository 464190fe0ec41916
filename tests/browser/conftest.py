"""Browser fixtures: Debian's Chromium driven by Playwright against a real Daphne with its own database."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import DaphneServer, serving
from tests.browser.sketch import RawDrawing, pick_recognized

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
EXPECT_TIMEOUT_MS = 15_000


def launch_chromium() -> Iterator:
    """Debian's Chromium under sync Playwright; skips where it is missing.

    Sync Playwright leaves its event loop marked running in this thread until it exits, which breaks
    every later asyncio test: fixtures built on this must have a scope that ends with their tests.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser-deps`) to run browser tests")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def browser():
    yield from launch_chromium()


def _server(folder: Path) -> Iterator[DaphneServer]:
    yield from serving(DaphneServer(database=folder / "db.sqlite3"))


@pytest.fixture(scope="package")
def daphne(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaphneServer]:
    """One Daphne for the browser tests (after the browser fixture, so a missing Chromium skips before it starts)."""
    yield from _server(tmp_path_factory.mktemp("daphne"))


@pytest.fixture
def own_server(browser, tmp_path: Path) -> Iterator[DaphneServer]:
    """A Daphne for one test alone (the reconnect test stops and restarts it)."""
    yield from _server(tmp_path)


@pytest.fixture(scope="session")
def recognized_drawing(quickdraw_data: Path) -> RawDrawing:
    return pick_recognized(quickdraw_data)


def _context(browser, server: DaphneServer, options: dict, init_script: str | None = None):
    context = browser.new_context(base_url=server.url, **options)
    if init_script:
        context.add_init_script(init_script)
    return context


@pytest.fixture
def new_page(browser, daphne):
    """``new_page(server=..., phone=False, init_script=None)``: a fresh context's page; page errors fail the test."""
    contexts, errors = [], []

    def make(server: DaphneServer | None = None, phone: bool = False, init_script: str | None = None):
        context = _context(browser, server or daphne, PHONE if phone else DESKTOP, init_script)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(new_page):
    return new_page()
