"""The drawing page against the real server and model: draw a real drawing, see it recognized, find it in admin."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    admin_login, canvas_box, client_strokes, ink_pixels, open_draw_page, saved_row, submit_and_wait_saved,
    wait_top_guess,
)
from tests.browser.sketch import draw_with_mouse, draw_with_touch, fit_to_box, served_model_dir

pytestmark = pytest.mark.browser

ADMIN_CHANGELIST = "/admin/recognizer/drawing/"
SQUIGGLE = [[(0.2, 0.2), (0.5, 0.3), (0.8, 0.2)], [(0.2, 0.7), (0.5, 0.8), (0.8, 0.7)]]  # in canvas fractions


def squiggle(box: dict) -> list[list[tuple[float, float]]]:
    return [[(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in stroke] for stroke in SQUIGGLE]


def test_real_drawing_is_recognized_live_saved_and_listed_in_admin(page, daphne, recognized_drawing) -> None:
    word = recognized_drawing.word
    open_draw_page(page, f"/?prompt={word}")
    expect(page.locator("#prompt")).to_contain_text(word)
    draw_with_mouse(page, fit_to_box(recognized_drawing.strokes, canvas_box(page)))

    wait_top_guess(page, word)  # live guesses, before anything is submitted
    expect(page.locator("#guesses .guess")).to_have_count(5)
    expect(page.locator("#headline")).to_contain_text(word)
    expect(page.locator("#draw")).to_have_attribute("data-mood", "match")
    expect(page.locator(f'#guesses .guess.is-top.is-prompt[data-label="{word}"]')).to_be_visible()

    drawing_id = submit_and_wait_saved(page)
    expect(page.locator(".toast-success")).to_contain_text("Saved")
    assert client_strokes(page) == 0 and ink_pixels(page) == 0  # a fresh canvas for the next prompt
    row = saved_row(daphne.database, drawing_id)
    assert (row["label"], row["source"], row["recognized"]) == (word, "submit", 1)
    assert row["stroke_count"] == len(recognized_drawing.strokes)

    admin_login(page, ADMIN_CHANGELIST)
    link = page.locator(f'a[href$="{ADMIN_CHANGELIST}{drawing_id}/change/"]')
    row = page.locator("#result_list tbody tr", has=link)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(word)


def test_undo_clear_and_keyboard_shortcuts(page) -> None:
    open_draw_page(page)
    draw_with_mouse(page, squiggle(canvas_box(page)))
    expect(page.locator("#guesses .guess.is-top")).to_have_count(1)
    assert client_strokes(page) == 2
    ink_two = ink_pixels(page)

    page.keyboard.press("Control+z")
    assert client_strokes(page) == 1
    page.wait_for_function(f"(two) => {{ {_INK} return ink() > 0 && ink() < two; }}", arg=ink_two)

    page.click("#undo")
    assert client_strokes(page) == 0
    expect(page.locator("#headline")).to_have_attribute("data-mood", "idle")

    draw_with_mouse(page, squiggle(canvas_box(page)))
    expect(page.locator("#guesses .guess.is-top")).to_have_count(1)
    page.keyboard.press("Delete")
    assert client_strokes(page) == 0
    expect(page.locator("#guesses .guess")).to_have_count(0)
    page.wait_for_function(f"() => {{ {_INK} return ink() === 0; }}")

    before = page.locator("#prompt").inner_text()
    page.keyboard.press("n")
    expect(page.locator("#prompt")).not_to_have_text(before)


_INK = """const ink = () => { const c = document.getElementById("pad");
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1; return n; };"""


def test_submit_needs_a_drawing(page) -> None:
    open_draw_page(page)
    page.keyboard.press("Control+Enter")
    expect(page.locator(".toast")).to_contain_text("Draw something first")


def test_categories_page_lists_the_model_vocabulary(page) -> None:
    labels = json.loads((served_model_dir() / "labels.json").read_text())
    page.goto("/")
    page.click("nav >> text=Categories")
    expect(page.locator("#category-list .category")).to_have_count(len(labels))
    expect(page.locator("h1")).to_contain_text(str(len(labels)))
    target = labels[-1]
    page.fill("#category-filter", target)
    expect(page.locator("#category-list .category:visible")).to_have_count(
        sum(target in label for label in labels)
    )
    page.click(f'#category-list .category[data-label="{target}"] a')
    expect(page.locator("#prompt")).to_contain_text(target)


# Replaces speechSynthesis with a recorder, so the test hears what the page says.
FAKE_SPEECH = """
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak: (utterance) => window.__spoken.push(utterance.text), cancel: () => {},
}});
"""


def test_speech_is_off_by_default_remembered_and_says_the_top_guess(new_page, recognized_drawing) -> None:
    page = new_page(init_script=FAKE_SPEECH)
    open_draw_page(page)
    toggle = page.locator("#speech-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(toggle).to_have_attribute("aria-pressed", "true")  # remembered in localStorage

    open_draw_page(page)
    draw_with_mouse(page, fit_to_box(recognized_drawing.strokes, canvas_box(page)))
    wait_top_guess(page, recognized_drawing.word)
    page.wait_for_function("(word) => window.__spoken.some((text) => text.includes(word))", arg=recognized_drawing.word)

    page.keyboard.press("m")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("() => localStorage.getItem('drawsite.speech')") == "off"


def test_speech_toggle_is_disabled_where_unsupported(new_page) -> None:
    page = new_page(init_script="delete window.SpeechSynthesisUtterance; window.SpeechSynthesisUtterance = undefined;")
    open_draw_page(page)
    expect(page.locator("#speech-toggle")).to_be_disabled()


def test_phone_layout_fits_and_touch_draws_without_scrolling(new_page, recognized_drawing) -> None:
    page = new_page(phone=True)
    open_draw_page(page)
    fits = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the page scrolls sideways on a phone"
    box = canvas_box(page)
    viewport = page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["y"] + box["height"] <= viewport["height"], "the canvas does not fit on the first screen"
    expect(page.locator("#submit")).to_be_in_viewport()

    draw_with_touch(page, fit_to_box(recognized_drawing.strokes, box))
    assert client_strokes(page) == len(recognized_drawing.strokes)
    assert page.evaluate("() => window.scrollY") == 0
    wait_top_guess(page, recognized_drawing.word)
