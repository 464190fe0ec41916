"""Fixtures for the review tests: saved drawings made through the ORM (fake classifier served), and for the
browser tests a Chromium plus a real Daphne whose SQLite file the tests fill directly.

The browser fixtures have module scope: sync Playwright leaves its event loop marked running in this thread
until it exits, which would break later asyncio tests and Django's ORM in this process.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from recognizer import services
from recognizer.models import Drawing
from recognizer.timeline import Guess
from tests.browser.conftest import DESKTOP, launch_chromium
from tests.browser.server import DaphneServer, serving
from tests.web.conftest import fake_classifier  # noqa: F401  (a fixture, re-exported for these tests)

# Two strokes over 1.2 s of drawing time, the top guess changing twice: "dog" at 100 ms, "cat" at 900 ms.
STROKES = [[[0, 50, 100], [0, 80, 0], [0, 400, 800]], [[10, 90], [60, 60], [900, 1200]]]
TIMELINE = [[100, "dog", 0.5], [900, "cat", 0.8]]


@pytest.fixture
def make_drawing(db) -> Callable[..., Drawing]:
    """``make_drawing(label="cat", top="cat", public=True, ...)``: a saved drawing; ``top`` is its final top-1
    guess (so ``recognized`` is label == top), other keyword arguments are set on the row afterwards."""

    def make(
        label: str | None = "cat", top: str = "cat", source: str = Drawing.Source.SUBMIT, **fields: Any
    ) -> Drawing:
        drawing = services.drawing_save(
            strokes=STROKES,
            canvas=(400, 300),
            label=label,
            guesses=[Guess(top, 0.8), Guess("dog", 0.1)],
            timeline=TIMELINE,
            model_version=fields.pop("model_version", "v-test"),
            source=source,
        )
        if fields:
            for name, value in fields.items():
                setattr(drawing, name, value)
            drawing.save(update_fields=list(fields))
        return drawing

    return make


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()


@pytest.fixture(scope="module")
def daphne(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaphneServer]:
    """One Daphne for the module (after the browser, so a missing Chromium skips before it starts)."""
    yield from serving(DaphneServer(database=tmp_path_factory.mktemp("review") / "db.sqlite3"))


@pytest.fixture
def page(browser, daphne):
    """A fresh desktop page on the module's Daphne; JavaScript errors on it fail the test."""
    context = browser.new_context(base_url=daphne.url, **DESKTOP)
    errors: list = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="module")
def daphne_database(daphne) -> Path:
    return daphne.database
