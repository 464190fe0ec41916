"""The gallery opt-in checkbox next to Submit: off by default, sets Drawing.public, off again after a reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LIVE, canvas_box, open_draw_page, saved_row, submit_and_wait_saved
from tests.browser.sketch import draw_with_mouse, fit_to_box

pytestmark = pytest.mark.browser

OPT_IN = "#public"
KEY = re.compile(r"[0-9a-f]{32}")  # static/js/drawkey.js: 128 random bits as hex


def test_checkbox_sets_public_and_each_drawing_gets_its_own_key(page, daphne, recognized_drawing) -> None:
    open_draw_page(page)
    checkbox = page.get_by_label("Show my drawing in the public gallery")
    expect(checkbox).not_to_be_checked()
    strokes = fit_to_box(recognized_drawing.strokes, canvas_box(page))

    draw_with_mouse(page, strokes)
    private = saved_row(daphne.database, submit_and_wait_saved(page))

    checkbox.check()
    draw_with_mouse(page, strokes)
    page.keyboard.press("Control+Enter")  # the shortcut still submits with the checkbox focused
    page.wait_for_function("(id) => document.getElementById('draw').dataset.saved !== id", arg=str(private["id"]))
    public = saved_row(daphne.database, int(page.locator("#draw").get_attribute("data-saved")))

    assert (private["public"], public["public"]) == (0, 1)
    assert KEY.fullmatch(private["client_key"]) and KEY.fullmatch(public["client_key"])
    assert private["client_key"] != public["client_key"]
    expect(page.locator(OPT_IN)).to_be_checked()  # the choice holds for the rest of the visit…

    page.reload()
    expect(page.locator(LIVE)).to_be_visible()
    expect(page.locator(OPT_IN)).not_to_be_checked()  # …but is asked again after a page load
