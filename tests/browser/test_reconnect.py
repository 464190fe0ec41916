"""The socket drops; the drawing stays on screen and the server gets all of it again, offline strokes too."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LIVE, canvas_box, client_points, client_strokes, ink_pixels, open_draw_page, saved_row, submit_and_wait_saved,
    wait_top_guess,
)
from tests.browser.sketch import draw_with_mouse, fit_to_box

pytestmark = pytest.mark.browser

NOT_LIVE = '#status:not([data-status="live"])'


def test_drawing_survives_a_server_restart_and_offline_strokes_are_sent(new_page, own_server, recognized_drawing) -> None:
    page = new_page(server=own_server)
    open_draw_page(page)
    strokes = fit_to_box(recognized_drawing.strokes, canvas_box(page))
    head, tail = strokes[:-1], strokes[-1:]
    assert head, "the test needs a drawing of at least two strokes"
    draw_with_mouse(page, head)
    expect(page.locator("#guesses .guess.is-top")).to_have_count(1)

    own_server.stop()
    expect(page.locator(NOT_LIVE)).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Reconnecting")
    assert client_strokes(page) == len(head) and ink_pixels(page) > 0  # still on screen

    draw_with_mouse(page, tail)  # drawn while the server is down
    own_server.start()
    page.locator("#status").click()  # "retry now" instead of waiting out the backoff
    expect(page.locator(LIVE)).to_be_visible()
    wait_top_guess(page, recognized_drawing.word)  # the replayed drawing, offline stroke included

    points = client_points(page)
    row = saved_row(own_server.database, submit_and_wait_saved(page))
    assert (row["stroke_count"], row["point_count"], row["source"]) == (len(strokes), points, "submit")


def test_submission_made_offline_is_saved_after_reconnect(new_page, own_server, recognized_drawing) -> None:
    word = recognized_drawing.word
    page = new_page(server=own_server)
    open_draw_page(page, f"/?prompt={word}")
    own_server.stop()
    expect(page.locator(NOT_LIVE)).to_be_visible()

    draw_with_mouse(page, fit_to_box(recognized_drawing.strokes, canvas_box(page)))
    points = client_points(page)
    page.click("#submit")
    expect(page.locator(".toast")).to_contain_text("offline")
    assert client_strokes(page) == 0

    own_server.start()
    page.locator("#status").click()
    drawing_id = int(page.wait_for_function("() => document.getElementById('draw').dataset.saved").json_value())
    row = saved_row(own_server.database, drawing_id)
    expect(page.locator(".toast-success")).to_contain_text("Saved")
    assert (row["stroke_count"], row["point_count"]) == (len(recognized_drawing.strokes), points)
    assert (row["label"], row["source"], row["recognized"]) == (word, "submit", 1)  # the prompt it was drawn for


def test_dropped_socket_reconnects_by_itself_and_replays(page, daphne, recognized_drawing) -> None:
    open_draw_page(page)
    draw_with_mouse(page, fit_to_box(recognized_drawing.strokes, canvas_box(page)))
    wait_top_guess(page, recognized_drawing.word)
    page.evaluate("() => window.drawsite.client.drop()")
    expect(page.locator(NOT_LIVE)).to_be_visible()
    expect(page.locator(LIVE)).to_be_visible()  # back after the first backoff delay, without a click
    wait_top_guess(page, recognized_drawing.word)
    drawing_id = submit_and_wait_saved(page)
    assert saved_row(daphne.database, drawing_id)["stroke_count"] == len(recognized_drawing.strokes)
