"""Pure tables: per-connection drawing state (recognizer.session)."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from loadtest.replay import page_messages
from ml.raster import render_raw
from recognizer.protocol import Clear, ErrorCode, Hello, Points, ProtocolError, Submit, Undo
from recognizer.session import DrawingSession
from recognizer.timeline import Guess
from tests.web.limits import SMALL

LABELS = frozenset({"cat", "dog"})


def pts(seq: int, stroke: int, *points: tuple[float, float, float]) -> Points:
    return Points(seq=seq, stroke=stroke, points=[list(point) for point in points])


@pytest.mark.parametrize(
    ("messages", "strokes", "point_count", "elapsed_ms"),
    [
        ([], [], 0, 0),
        ([pts(0, 0, (1, 2, 0), (3, 4, 10))], [[[1, 3], [2, 4], [0, 10]]], 2, 10),
        ([pts(0, 0, (1, 2, 0)), pts(1, 0, (3, 4, 10))], [[[1, 3], [2, 4], [0, 10]]], 2, 10),
        ([pts(0, 0, (1, 2, 0)), pts(1, 1, (3, 4, 10))], [[[1], [2], [0]], [[3], [4], [10]]], 2, 10),
        ([pts(0, 0, (1, 2, 0)), pts(1, 1, (3, 4, 10)), Undo(seq=2)], [[[1], [2], [0]]], 1, 10),
        ([Undo(seq=0)], [], 0, 0),  # undo of nothing is a no-op
        ([pts(0, 0, (1, 2, 5)), Undo(seq=1), pts(2, 0, (7, 8, 9))], [[[7], [8], [9]]], 1, 9),
        ([pts(0, 0, (1, 2, 5)), pts(1, 1, (3, 4, 6)), Clear(seq=2)], [], 0, 0),
        ([pts(5, 0, (1, 2, 0)), pts(9, 0, (3, 4, 1))], [[[1, 3], [2, 4], [0, 1]]], 2, 1),  # seq may skip
    ],
)
def test_apply(messages: list, strokes: list, point_count: int, elapsed_ms: float) -> None:
    session = DrawingSession(SMALL)
    for message in messages:
        session.apply(message)
    assert session.strokes == strokes
    assert session.point_count == point_count
    assert session.elapsed_ms == elapsed_ms


FULL_STROKES = [pts(0, 0, (0, 0, 0)), pts(1, 1, (0, 0, 0)), pts(2, 2, (0, 0, 0))]
NINE_POINTS = [pts(0, 0, *[(0, 0, 0)] * 4), pts(1, 0, *[(0, 0, 0)] * 4), pts(2, 1, (0, 0, 0))]


@pytest.mark.parametrize(
    ("before", "bad", "code"),
    [
        ([], pts(0, 1, (0, 0, 0)), ErrorCode.BAD_STROKE),  # the first stroke is 0
        ([pts(0, 0, (0, 0, 0))], pts(1, 2, (0, 0, 0)), ErrorCode.BAD_STROKE),  # skips a stroke
        ([pts(0, 0, (0, 0, 0)), pts(1, 1, (0, 0, 0))], pts(2, 0, (0, 0, 0)), ErrorCode.BAD_STROKE),  # older stroke
        (FULL_STROKES, pts(3, 3, (0, 0, 0)), ErrorCode.TOO_MANY_STROKES),
        (NINE_POINTS, pts(3, 1, (0, 0, 0), (0, 0, 0)), ErrorCode.TOO_MANY_POINTS),
        ([pts(4, 0, (0, 0, 0))], Undo(seq=4), ErrorCode.BAD_SEQ),  # repeated seq
        ([pts(4, 0, (0, 0, 0))], Clear(seq=3), ErrorCode.BAD_SEQ),  # older seq
        ([], Hello(seq=0, canvas=None, prompt="zebra"), ErrorCode.BAD_LABEL),  # not a model category
    ],
)
def test_apply_rejects_and_keeps_the_drawing(before: list, bad: object, code: ErrorCode) -> None:
    session = DrawingSession(SMALL)
    for message in before:
        session.apply(message, known_labels=LABELS)
    kept = (session.snapshot(), session.last_seq, session.prompt)
    with pytest.raises(ProtocolError) as raised:
        session.apply(bad, known_labels=LABELS)
    assert raised.value.code == code
    assert (session.snapshot(), session.last_seq, session.prompt) == kept


def test_apply_takes_no_submit() -> None:
    with pytest.raises(TypeError):
        DrawingSession(SMALL).apply(Submit(seq=0, label=None, canvas=None))


def test_hello_sets_canvas_and_prompt() -> None:
    session = DrawingSession(SMALL)
    session.apply(Hello(seq=0, canvas=(30, 20), prompt="cat"), known_labels=LABELS)
    session.apply(Hello(seq=1, canvas=None, prompt=None), known_labels=LABELS)
    assert (session.canvas, session.prompt) == ((30, 20), None)


@pytest.mark.parametrize(
    ("prompt", "submit_label", "expected_label"),
    [(None, None, None), ("cat", None, "cat"), ("cat", "dog", "dog"), (None, "dog", "dog")],
)
def test_submit_label_and_finish(prompt: str | None, submit_label: str | None, expected_label: str | None) -> None:
    session = DrawingSession(SMALL)
    session.apply(Hello(seq=0, canvas=(50, 60), prompt=prompt), known_labels=LABELS)
    session.apply(pts(1, 0, (1, 2, 0), (3, 4, 40)))
    session.record_guesses(0, [Guess("dog", 0.5)])
    session.record_guesses(40, [Guess("cat", 0.8)])
    label = session.begin_submit(Submit(seq=2, label=submit_label, canvas=None), known_labels=LABELS)
    assert label == expected_label
    finished = session.finish(label=label, guesses=[Guess("cat", 0.8)])
    assert finished.strokes == [[[1, 3], [2, 4], [0, 40]]]
    assert finished.canvas == (50, 60)
    assert finished.timeline == [[0, "dog", 0.5], [40, "cat", 0.8]]
    # a fresh drawing starts; the connection's seq, canvas and prompt carry on
    assert (session.strokes, session.point_count, session.elapsed_ms, session.timeline) == ([], 0, 0, [])
    assert (session.last_seq, session.canvas, session.prompt) == (2, (50, 60), prompt)


@pytest.mark.parametrize(
    ("submit", "code"),
    [
        (Submit(seq=5, label=None, canvas=None), ErrorCode.NOTHING_TO_SUBMIT),
        (Submit(seq=5, label="zebra", canvas=None), ErrorCode.BAD_LABEL),
        (Submit(seq=0, label=None, canvas=None), ErrorCode.BAD_SEQ),
    ],
)
def test_submit_rejected(submit: Submit, code: ErrorCode) -> None:
    session = DrawingSession(SMALL)
    session.apply(Undo(seq=0))
    with pytest.raises(ProtocolError) as raised:
        session.begin_submit(submit, known_labels=LABELS)
    assert raised.value.code == code
    assert session.last_seq == 0


def test_snapshot_is_a_copy() -> None:
    session = DrawingSession(SMALL)
    session.apply(pts(0, 0, (1, 2, 3)))
    snapshot = session.snapshot()
    session.apply(pts(1, 0, (4, 5, 6)))
    assert snapshot.strokes == [[[1], [2], [3]]]
    assert snapshot.seq == 0


@pytest.mark.parametrize("then", ["continue", "new stroke", "clear then draw"])
def test_a_snapshot_never_changes_after_undo(then: str) -> None:
    """Snapshots share the strokes that no longer grow; undo makes one grow again, so it must not be shared."""
    session = DrawingSession(SMALL)
    session.apply(pts(0, 0, (1, 2, 3)))
    session.apply(pts(1, 1, (4, 5, 6)))
    snapshot = session.snapshot()  # what a running inference batch holds
    session.apply(Undo(seq=2))
    if then == "continue":
        session.apply(pts(3, 0, (7, 8, 9)))
    elif then == "new stroke":
        session.apply(pts(3, 1, (7, 8, 9)))
    else:
        session.apply(Clear(seq=3))
        session.apply(pts(4, 0, (7, 8, 9)))
    assert snapshot.strokes == [[[1], [2], [3]], [[4], [5], [6]]]


# room for real drawings
LARGE = dataclasses.replace(
    SMALL, max_points_per_message=1_000, max_strokes=250, max_points=20_000, max_coord=10_000.0, max_time_ms=3.6e6
)
SESSION_PARITY_DRAWINGS = 12


def _assert_snapshot_renders_like_render_raw(session: DrawingSession) -> None:
    snapshot = session.snapshot()
    assert snapshot.raster is session.raster  # one renderer per connection, handed to the inference thread
    np.testing.assert_array_equal(snapshot.raster.render(snapshot.strokes), render_raw(snapshot.strokes))


@pytest.mark.parametrize(
    "messages",
    [
        pytest.param([pts(0, 0, (1, 2, 0), (30, 4, 10)), pts(1, 0, (60, 40, 20)), pts(2, 0, (61, 41, 30))], id="grows"),
        pytest.param(
            [pts(0, 0, (1, 2, 0), (30, 4, 10)), pts(1, 1, (5, 5, 20)), Undo(seq=2), pts(3, 1, (9, 9, 30))],
            id="undo, then a new stroke in its place",
        ),
        pytest.param([pts(0, 0, (1, 2, 0)), pts(1, 1, (50, 50, 5)), Clear(seq=2), pts(3, 0, (4, 4, 9))], id="clear"),
        pytest.param(
            [pts(0, 0, (10, 10, 0)), pts(1, 0, (-80, 90, 9)), pts(2, 1, (0.5, 0.25, 12))], id="the frame grows; floats"
        ),
    ],
)
def test_every_snapshot_renders_like_render_raw(messages: list) -> None:
    session = DrawingSession(LARGE)
    for message in messages:
        session.apply(message)
        _assert_snapshot_renders_like_render_raw(session)


def test_real_drawings_through_a_session(quickdraw_data: Path) -> None:
    """Real drawings sent as the page sends them, undone once and finished, one connection: every state as render_raw."""
    session, seq = DrawingSession(LARGE), 0
    paths = sorted((quickdraw_data / "raw").glob("*.ndjson"))
    for path in paths[:: len(paths) // SESSION_PARITY_DRAWINGS][:SESSION_PARITY_DRAWINGS]:
        drawing = json.loads(path.read_text().splitlines()[0])["drawing"]
        for chunk in page_messages(drawing):
            session.apply(Points(seq=seq, stroke=chunk.stroke, points=chunk.points))
            seq += 1
            _assert_snapshot_renders_like_render_raw(session)
        session.apply(Undo(seq=seq))
        seq += 1
        _assert_snapshot_renders_like_render_raw(session)
        session.finish(label=None, guesses=[])
