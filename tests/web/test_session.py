"""Pure tables: per-connection drawing state (recognizer.session)."""

import pytest

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
