"""ml.live: how a raw drawing is cut into server updates, and when the guess locks (pure tables)."""

import re
from pathlib import Path

import pytest

from ml.live import (
    FRAME_MS,
    NEVER_LOCKED,
    SEND_INTERVAL_MS,
    Chunk,
    Send,
    chunks,
    drawing_span,
    lock_fraction,
    lock_time,
    page_chunks,
    page_sends,
    prefix,
    recognized_some_prefix,
)

FRAME = 10.0  # a round frame length for readable tables
INTERVAL = 20.0  # and a round send interval
APP_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "app.js"


def stroke(*ts: float) -> list[list[float]]:
    """A raw stroke whose x and y are the point numbers and whose times are ``ts``."""
    return [list(range(len(ts))), list(range(len(ts))), list(ts)]


@pytest.mark.parametrize(
    ("strokes", "expected"),
    [
        # one point: one update
        ([stroke(0)], [Chunk(0, 1, 0)]),
        # points in the same frame travel together; a new frame starts a new update
        ([stroke(0, 3, 9, 10, 19, 25)], [Chunk(0, 3, 9), Chunk(0, 5, 19), Chunk(0, 6, 25)]),
        # a new stroke always starts a new update, even within the same frame (one message per stroke)
        ([stroke(0, 4), stroke(6, 8)], [Chunk(0, 2, 4), Chunk(1, 2, 8)]),
        # frames are counted from the drawing's first point, not from each stroke's
        ([stroke(100, 105), stroke(112, 118, 121)], [Chunk(0, 2, 105), Chunk(1, 2, 118), Chunk(1, 3, 121)]),
        # a pen-up gap spanning many frames costs nothing: only frames with points make updates
        ([stroke(0), stroke(1000)], [Chunk(0, 1, 0), Chunk(1, 1, 1000)]),
        # a time that goes backwards (a device glitch) keeps the update time at the latest seen
        ([stroke(0, 15), stroke(12, 30)], [Chunk(0, 1, 0), Chunk(0, 2, 15), Chunk(1, 1, 15), Chunk(1, 2, 30)]),
    ],
)
def test_chunks(strokes: list, expected: list[Chunk]) -> None:
    assert chunks(strokes, FRAME) == expected


def test_default_frame_is_one_60hz_frame() -> None:
    assert FRAME_MS == pytest.approx(16.667, abs=1e-3)
    assert len(chunks([stroke(0, 16, 17, 33, 34)])) == 3  # frames [0, 16.7), [16.7, 33.3), [33.3, 50)


@pytest.mark.parametrize("frame_ms", [0, -5.0])
def test_chunks_refuse_a_non_positive_frame(frame_ms: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        chunks([stroke(0)], frame_ms)


@pytest.mark.parametrize(
    ("strokes", "interval", "expected"),
    [
        ([stroke(0)], INTERVAL, [Send(0, 0, 0, 1)]),
        # the first point leaves on the next frame; later points wait out the interval, then the next frame
        ([stroke(0, 5, 12, 25, 31, 40)], INTERVAL, [Send(0, 0, 0, 1), Send(20, 0, 1, 3), Send(40, 0, 3, 6)]),
        # pen-up sends at once; the next stroke's first point waits for the interval since that send
        ([stroke(0, 3), stroke(6, 35)], INTERVAL, [Send(0, 0, 0, 1), Send(3, 0, 1, 2), Send(30, 1, 0, 1), Send(35, 1, 1, 2)]),
        # times are counted from the drawing's first point
        ([stroke(100, 105)], INTERVAL, [Send(0, 0, 0, 1), Send(5, 0, 1, 2)]),
        # points of the same instant go together
        ([stroke(0, 0, 0)], INTERVAL, [Send(0, 0, 0, 3)]),
        # no interval: one message per frame that has points
        ([stroke(0, 3, 12, 15)], 0, [Send(0, 0, 0, 1), Send(10, 0, 1, 2), Send(15, 0, 2, 4)]),
    ],
)
def test_page_sends(strokes: list, interval: float, expected: list[Send]) -> None:
    assert page_sends(strokes, frame_ms=FRAME, send_interval_ms=interval) == expected


@pytest.mark.parametrize(
    ("strokes", "expected"),
    [
        ([stroke(0, 5, 12, 25)], [Chunk(0, 1, 0), Chunk(0, 3, 12), Chunk(0, 4, 25)]),
        # a time that goes backwards keeps the update time at the latest seen
        ([stroke(0, 15), stroke(12, 30)], [Chunk(0, 1, 0), Chunk(0, 2, 15), Chunk(1, 2, 30)]),
        ([stroke(50, 60)], [Chunk(0, 1, 50), Chunk(0, 2, 60)]),
    ],
)
def test_page_chunks_are_the_drawing_after_each_message(strokes: list, expected: list[Chunk]) -> None:
    assert page_chunks(strokes, frame_ms=FRAME, send_interval_ms=INTERVAL) == expected


def test_the_send_interval_is_the_pages() -> None:
    match = re.search(r"const SEND_INTERVAL_MS = (\d+(?:\.\d+)?);", APP_JS.read_text(encoding="utf-8"))
    assert match, f"no SEND_INTERVAL_MS in {APP_JS}"
    assert float(match.group(1)) == SEND_INTERVAL_MS


def test_page_sends_refuse_a_non_positive_frame() -> None:
    with pytest.raises(ValueError, match="positive"):
        page_sends([stroke(0)], frame_ms=0)


@pytest.mark.parametrize(
    ("chunk", "expected"),
    [
        (Chunk(0, 1, 0), [[[0], [0], [0]]]),
        (Chunk(0, 3, 20), [[[0, 1, 2], [0, 1, 2], [0, 10, 20]]]),
        (Chunk(1, 1, 50), [[[0, 1, 2], [0, 1, 2], [0, 10, 20]], [[0], [0], [50]]]),
        (Chunk(1, 2, 60), [[[0, 1, 2], [0, 1, 2], [0, 10, 20]], [[0, 1], [0, 1], [50, 60]]]),
    ],
)
def test_prefix_is_the_drawing_so_far(chunk: Chunk, expected: list) -> None:
    strokes = [stroke(0, 10, 20), stroke(50, 60)]
    assert prefix(strokes, chunk) == expected


def test_last_prefix_is_the_whole_drawing() -> None:
    strokes = [stroke(0, 10, 20), stroke(50, 60, 61)]
    assert prefix(strokes, chunks(strokes, FRAME)[-1]) == strokes


@pytest.mark.parametrize(
    ("strokes", "expected"),
    [([stroke(0)], (0, 0)), ([stroke(5, 9), stroke(20)], (5, 20)), ([stroke(7, 3)], (3, 7))],
)
def test_drawing_span(strokes: list, expected: tuple[float, float]) -> None:
    assert drawing_span(strokes) == expected


def test_drawing_span_needs_a_point() -> None:
    with pytest.raises(ValueError, match="at least one point"):
        drawing_span([[[], [], []]])


@pytest.mark.parametrize(
    ("steps", "start", "expected"),
    [
        # right from the first update, which is also the first point
        ([(0, "cat"), (50, "cat"), (100, "cat")], None, 0.0),
        # locks at t=50 of a 0..100 drawing
        ([(0, "dog"), (50, "cat"), (100, "cat")], None, 0.5),
        # only the last update is right: locks at the very end
        ([(0, "dog"), (50, "dog"), (100, "cat")], None, 1.0),
        # right early, lost, then right again: the lock is the last switch to the truth
        ([(0, "cat"), (25, "dog"), (75, "cat"), (100, "cat")], None, 0.75),
        # never right
        ([(0, "dog"), (100, "lion")], None, NEVER_LOCKED),
        # right at some point but not at the end: never locked
        ([(0, "cat"), (50, "cat"), (100, "dog")], None, NEVER_LOCKED),
        # drawing time counts from the first point (start), which precedes the first update's time
        ([(20, "cat"), (100, "cat")], 0, 0.2),
        ([(20, "dog"), (60, "cat"), (100, "cat")], 0, 0.6),
        # one update, no duration: locked at once when right
        ([(0, "cat")], None, 0.0),
        ([(0, "dog")], None, NEVER_LOCKED),
        # no updates at all
        ([], None, NEVER_LOCKED),
    ],
)
def test_lock_fraction(steps: list[tuple[float, str]], start: float | None, expected: float) -> None:
    assert lock_fraction(steps, "cat", start) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([(0, "cat"), (9, "cat")], 0),
        ([(0, "dog"), (4, "cat"), (9, "cat")], 4),
        ([(0, "cat"), (4, "dog"), (9, "cat")], 9),
        ([(0, "cat"), (9, "dog")], None),
        ([], None),
    ],
)
def test_lock_time(steps: list[tuple[float, str]], expected: float | None) -> None:
    assert lock_time(steps, "cat") == expected


@pytest.mark.parametrize(
    ("labels", "expected"),
    [(["dog", "cat", "dog"], True), (["dog", "lion"], False), (["cat"], True), ([], False)],
)
def test_recognized_some_prefix(labels: list[str], expected: bool) -> None:
    assert recognized_some_prefix(labels, "cat") is expected
