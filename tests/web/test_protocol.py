"""Pure tables: decoding client messages (recognizer.protocol)."""

import math

import pytest

from recognizer.protocol import (
    MAX_SEQ,
    Clear,
    ErrorCode,
    Hello,
    Points,
    ProtocolError,
    Submit,
    Undo,
    parse_message,
    seq_of,
)
from tests.web.limits import SMALL

LONG_LABEL = "x" * (SMALL.max_label_chars + 1)


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"type": "hello", "seq": 0}, Hello(seq=0, canvas=None, prompt=None)),
        ({"type": "hello", "seq": 1, "canvas": [50, 40.6], "prompt": " cat "}, Hello(seq=1, canvas=(50, 41), prompt="cat")),
        ({"type": "points", "seq": 2, "stroke": 0, "points": [[1, 2.5, 0]]}, Points(seq=2, stroke=0, points=[[1, 2.5, 0]])),
        (
            {"type": "points", "seq": 3, "stroke": 1, "points": [[-100, 100, 1000], [0, 0, 0]]},
            Points(seq=3, stroke=1, points=[[-100, 100, 1000], [0, 0, 0]]),
        ),
        ({"type": "undo", "seq": 4}, Undo(seq=4)),
        ({"type": "clear", "seq": MAX_SEQ}, Clear(seq=MAX_SEQ)),
        ({"type": "submit", "seq": 5}, Submit(seq=5, label=None, canvas=None)),
        ({"type": "submit", "seq": 6, "label": "cat", "canvas": [10, 20]}, Submit(seq=6, label="cat", canvas=(10, 20))),
        ({"type": "submit", "seq": 7, "label": None, "extra": "ignored"}, Submit(seq=7, label=None, canvas=None)),
    ],
)
def test_valid_messages(obj: dict, expected: object) -> None:
    assert parse_message(obj, SMALL) == expected


@pytest.mark.parametrize(
    ("obj", "code"),
    [
        ([1, 2], ErrorCode.BAD_JSON),
        ("points", ErrorCode.BAD_JSON),
        ({"seq": 1}, ErrorCode.BAD_TYPE),
        ({"type": "draw", "seq": 1}, ErrorCode.BAD_TYPE),
        ({"type": 3, "seq": 1}, ErrorCode.BAD_TYPE),
        ({"type": "undo"}, ErrorCode.BAD_SEQ),
        ({"type": "undo", "seq": -1}, ErrorCode.BAD_SEQ),
        ({"type": "undo", "seq": 1.0}, ErrorCode.BAD_SEQ),
        ({"type": "undo", "seq": True}, ErrorCode.BAD_SEQ),
        ({"type": "undo", "seq": "1"}, ErrorCode.BAD_SEQ),
        ({"type": "undo", "seq": MAX_SEQ + 1}, ErrorCode.BAD_SEQ),
        ({"type": "points", "seq": 1, "points": [[0, 0, 0]]}, ErrorCode.BAD_STROKE),
        ({"type": "points", "seq": 1, "stroke": -1, "points": [[0, 0, 0]]}, ErrorCode.BAD_STROKE),
        ({"type": "points", "seq": 1, "stroke": 0.5, "points": [[0, 0, 0]]}, ErrorCode.BAD_STROKE),
        ({"type": "points", "seq": 1, "stroke": 0}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": []}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": {"x": 1}}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, 0, 0, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [["0", 0, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[True, 0, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[math.nan, 0, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, math.inf, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[100.5, 0, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, -101, 0]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, 0, -1]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, 0, 1000.5]]}, ErrorCode.BAD_POINTS),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, 0, 0]] * 5}, ErrorCode.TOO_MANY_POINTS),
        ({"type": "submit", "seq": 1, "label": 3}, ErrorCode.BAD_LABEL),
        ({"type": "submit", "seq": 1, "label": "  "}, ErrorCode.BAD_LABEL),
        ({"type": "submit", "seq": 1, "label": LONG_LABEL}, ErrorCode.BAD_LABEL),
        ({"type": "submit", "seq": 1, "label": "ca\tt"}, ErrorCode.BAD_LABEL),
        ({"type": "hello", "seq": 1, "prompt": ["cat"]}, ErrorCode.BAD_LABEL),
        ({"type": "hello", "seq": 1, "canvas": [0, 10]}, ErrorCode.BAD_CANVAS),
        ({"type": "hello", "seq": 1, "canvas": [10]}, ErrorCode.BAD_CANVAS),
        ({"type": "hello", "seq": 1, "canvas": "10x10"}, ErrorCode.BAD_CANVAS),
        ({"type": "submit", "seq": 1, "canvas": [10, 101]}, ErrorCode.BAD_CANVAS),
    ],
)
def test_invalid_messages(obj: object, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as raised:
        parse_message(obj, SMALL)
    assert raised.value.code == code
    assert raised.value.detail


@pytest.mark.parametrize(
    ("obj", "seq"),
    [({"seq": 3}, 3), ({"seq": -3}, None), ({"seq": "3"}, None), ({"seq": False}, None), ([3], None), (None, None)],
)
def test_seq_of(obj: object, seq: int | None) -> None:
    assert seq_of(obj) == seq
