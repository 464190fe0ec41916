"""The socket drops; the drawing stays on screen and the server gets all of it again, offline strokes too,
and the drawing is saved ONCE: the disconnect save is updated by the submit (same drawing key)."""

import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LIVE, canvas_box, client_points, client_strokes, ink_pixels, open_draw_page, saved_row, submit_and_wait_saved,
    wait_top_guess, wait_until,
)
from tests.browser.sketch import draw_with_mouse, fit_to_box

pytestmark = pytest.mark.browser

NOT_LIVE = '#status:not([data-status="live"])'
KEY_JS = "() => window.drawsite.drawing.key"


def rows_after(database: Path, last_id: int) -> list[dict]:
    """Every drawing saved after row ``last_id`` (the package's Daphne is shared by earlier tests)."""
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM recognizer_drawing WHERE id > ? ORDER BY id", (last_id,)).fetchall()
    return [dict(row) for row in rows]


def last_id(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COALESCE(MAX(id), 0) FROM recognizer_drawing").fetchone()[0]


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

    points, key = client_points(page), page.evaluate(KEY_JS)
    row = saved_row(own_server.database, submit_and_wait_saved(page))
    assert (row["stroke_count"], row["point_count"], row["source"]) == (len(strokes), points, "submit")
    assert [r["client_key"] for r in rows_after(own_server.database, 0)] == [key]  # one row, whatever the stop saved


def test_submission_made_offline_is_saved_after_reconnect(new_page, own_server, recognized_drawing) -> None:
    word = recognized_drawing.word
    page = new_page(server=own_server)
    open_draw_page(page, f"/?prompt={word}")
    own_server.stop()
    expect(page.locator(NOT_LIVE)).to_be_visible()

    draw_with_mouse(page, fit_to_box(recognized_drawing.strokes, canvas_box(page)))
    points, key = client_points(page), page.evaluate(KEY_JS)
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
    assert (row["client_key"], row["public"]) == (key, 0)


def test_dropped_socket_reconnects_by_itself_and_replays_and_saves_one_row(page, daphne, recognized_drawing) -> None:
    before = last_id(daphne.database)
    open_draw_page(page)
    draw_with_mouse(page, fit_to_box(recognized_drawing.strokes, canvas_box(page)))
    wait_top_guess(page, recognized_drawing.word)
    key = page.evaluate(KEY_JS)
    page.evaluate("() => window.drawsite.client.drop()")
    expect(page.locator(NOT_LIVE)).to_be_visible()
    # the server saved the drawing it had when the socket dropped…
    wait_until(page, lambda: [(r["source"], r["client_key"]) for r in rows_after(daphne.database, before)] == [
        ("disconnect", key)
    ])
    left = rows_after(daphne.database, before)[0]
    expect(page.locator(LIVE)).to_be_visible()  # back after the first backoff delay, without a click
    wait_top_guess(page, recognized_drawing.word)
    drawing_id = submit_and_wait_saved(page)
    # …and the submit after the reconnect updated that row instead of adding a second one
    rows = rows_after(daphne.database, before)
    assert [(r["id"], r["source"], r["client_key"]) for r in rows] == [(left["id"], "submit", key)]
    assert drawing_id == left["id"] and rows[0]["stroke_count"] == len(recognized_drawing.strokes)
