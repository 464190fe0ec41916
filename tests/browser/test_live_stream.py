"""What the page actually sends and receives on /ws/draw/ while someone draws (protocol v1, docs/protocol.md)."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import canvas_box, open_draw_page, wait_until

pytestmark = pytest.mark.browser

STROKE_MOVES = 60  # mouse moves in the test stroke
MOVE_PAUSE_MS = 15  # between moves: a person drawing, not a teleport
MIN_MESSAGES_MID_STROKE = 3  # points are streamed in batches while the pen is down, not at pen up


@pytest.fixture
def frames(page):
    """Every text frame of the page's websockets, as ("sent" | "received", message)."""
    log: list[tuple[str, dict]] = []

    def watch(ws) -> None:
        ws.on("framesent", lambda payload: log.append(("sent", json.loads(payload))))
        ws.on("framereceived", lambda payload: log.append(("received", json.loads(payload))))

    page.on("websocket", watch)
    return log


def sent(frames: list, kind: str | None = None) -> list[dict]:
    return [m for direction, m in frames if direction == "sent" and (kind is None or m["type"] == kind)]


def received(frames: list, kind: str) -> list[dict]:
    return [m for direction, m in frames if direction == "received" and m["type"] == kind]


def test_points_stream_mid_stroke_and_guesses_arrive_before_pen_up(page, frames) -> None:
    open_draw_page(page)
    box = canvas_box(page)
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(left + width * 0.2, top + height * 0.5)
    page.mouse.down()
    for step in range(1, STROKE_MOVES + 1):
        fraction = step / STROKE_MOVES
        page.mouse.move(left + width * (0.2 + 0.6 * fraction), top + height * (0.5 - 0.3 * fraction * (1 - fraction)))
        page.wait_for_timeout(MOVE_PAUSE_MS)
    expect(page.locator("#guesses .guess.is-top")).to_have_count(1)  # pen still down
    assert len(sent(frames, "points")) >= MIN_MESSAGES_MID_STROKE
    page.mouse.up()

    messages = sent(frames)
    hello = messages[0]
    paper = page.evaluate("() => { const c = document.getElementById('pad'); return [c.clientWidth, c.clientHeight]; }")
    assert hello["type"] == "hello" and hello["canvas"] == paper and hello["prompt"]
    seqs = [m["seq"] for m in messages]
    assert seqs == sorted(set(seqs)), "seq must strictly increase"
    points = [p for m in sent(frames, "points") for p in m["points"]]
    assert {m["stroke"] for m in sent(frames, "points")} == {0}
    times = [t for _, _, t in points]
    assert times[0] == 0 and times == sorted(times)
    assert all(0 <= x <= paper[0] and 0 <= y <= paper[1] for x, y, _ in points)

    assert received(frames, "ready")[0]["seq"] == hello["seq"]
    answered = [m["seq"] for m in received(frames, "guesses")]
    assert answered == sorted(answered) and len(answered) >= 2
    assert not received(frames, "error")


def test_undo_and_clear_keep_the_server_in_step(page, frames) -> None:
    open_draw_page(page)
    box = canvas_box(page)
    for row in (0.3, 0.6):
        page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * row)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * row, steps=10)
        page.mouse.up()
    page.keyboard.press("Control+z")
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=10)
    page.mouse.up()
    page.click("#clear")
    page.wait_for_function("() => document.querySelectorAll('#guesses .guess').length === 0")
    expect(page.locator("#headline")).to_have_attribute("data-mood", "idle")

    kinds = [(m["type"], m.get("stroke")) for m in sent(frames) if m["type"] != "hello"]
    collapsed = [kind for i, kind in enumerate(kinds) if i == 0 or kind != kinds[i - 1]]
    assert collapsed == [("points", 0), ("points", 1), ("undo", None), ("points", 1), ("clear", None)]
    last = sent(frames)[-1]
    wait_until(page, lambda: any(m["seq"] == last["seq"] for m in received(frames, "guesses")))
    assert [m["guesses"] for m in received(frames, "guesses") if m["seq"] == last["seq"]] == [[]]
    assert not received(frames, "error")
