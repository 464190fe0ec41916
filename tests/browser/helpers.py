"""Page-level helpers shared by the browser tests: what the page shows and what the server saved."""

import re
from collections.abc import Callable
import sqlite3
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.server import ADMIN_PASSWORD, ADMIN_USER

LIVE = '#status[data-status="live"]'
TOP_GUESS = "#guesses .guess.is-top"
SAVE_TIMEOUT_MS = 15_000
POLL_MS = 50

# Counts the canvas pixels that are not blank (any alpha): the ink on screen.
INK_PIXELS_JS = """() => {
  const canvas = document.getElementById("pad");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink += 1;
  return ink;
}"""


def open_draw_page(page: Page, path: str = "/") -> None:
    page.goto(path)
    expect(page.locator(LIVE)).to_be_visible()


def canvas_box(page: Page) -> dict:
    return page.locator("#pad").bounding_box()


def ink_pixels(page: Page) -> int:
    return page.evaluate(INK_PIXELS_JS)


def client_strokes(page: Page) -> int:
    return page.evaluate("() => window.drawsite.drawing.strokes.length")


def client_points(page: Page) -> int:
    return page.evaluate("() => window.drawsite.drawing.pointCount")


def wait_top_guess(page: Page, label: str) -> None:
    expect(page.locator(TOP_GUESS)).to_have_attribute("data-label", label)


def submit_and_wait_saved(page: Page, previous: str | None = None) -> int:
    """Clicks Submit; returns the id of the drawing the server saved."""
    page.click("#submit")
    page.wait_for_function(
        "(previous) => { const id = document.getElementById('draw').dataset.saved; return id && id !== previous; }",
        arg=previous, timeout=SAVE_TIMEOUT_MS,
    )
    return int(page.locator("#draw").get_attribute("data-saved"))


def saved_row(database: Path, drawing_id: int) -> dict:
    """The saved drawing's row, read straight from the server's SQLite file."""
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM recognizer_drawing WHERE id = ?", (drawing_id,)).fetchone()
    assert row is not None, f"drawing {drawing_id} is not in {database}"
    return dict(row)


def admin_login(page: Page, next_path: str) -> None:
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def wait_until(page: Page, condition: Callable[[], bool], timeout_ms: int = SAVE_TIMEOUT_MS) -> None:
    """Polls a Python-side `condition` (e.g. on recorded websocket frames) while the page keeps running."""
    waited = 0
    while not condition():
        assert waited < timeout_ms, f"condition not met within {timeout_ms} ms"
        page.wait_for_timeout(POLL_MS)
        waited += POLL_MS
