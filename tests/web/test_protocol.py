"""Pure tables: decoding client messages (recognizer.protocol)."""

import json
import math

import pytest

from recognizer.protocol import (
    KEY_MAX_CHARS,
    KEY_MIN_CHARS,
    MAX_SEQ,
    Clear,
    ErrorCode,
    Hello,
    Points,
    ProtocolError,
    Submit,
    Undo,
    adopt_key,
    decode_frame,
    parse_message,
    seq_of,
)
from tests.web.limits import SMALL

LONG_LABEL = "x" * (SMALL.max_label_chars + 1)
KEY = "0123456789abcdef0123456789abcdef"  # what the page sends: 32 random hex digits
OTHER_KEY = "f" * 32
UUID_KEY = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
SHORTEST_KEY, LONGEST_KEY = "a" * KEY_MIN_CHARS, "Z_-9" * (KEY_MAX_CHARS // 4)


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
        # drawing key and gallery opt-in
        ({"type": "points", "seq": 8, "stroke": 0, "points": [[1, 2, 0]], "key": KEY}, Points(8, 0, [[1, 2, 0]], KEY)),
        ({"type": "points", "seq": 8, "stroke": 0, "points": [[1, 2, 0]], "key": None}, Points(8, 0, [[1, 2, 0]])),
        ({"type": "submit", "seq": 9, "key": UUID_KEY}, Submit(9, None, None, key=UUID_KEY, public=False)),
        ({"type": "submit", "seq": 9, "key": SHORTEST_KEY}, Submit(9, None, None, key=SHORTEST_KEY)),
        ({"type": "submit", "seq": 9, "key": LONGEST_KEY}, Submit(9, None, None, key=LONGEST_KEY)),
        ({"type": "submit", "seq": 9, "public": True}, Submit(9, None, None, key=None, public=True)),
        ({"type": "submit", "seq": 9, "public": False, "key": KEY}, Submit(9, None, None, key=KEY, public=False)),
        ({"type": "hello", "seq": 9, "key": KEY, "public": True}, Hello(seq=9, canvas=None, prompt=None)),  # ignored
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
        ({"type": "submit", "seq": 1, "public": "true"}, ErrorCode.BAD_PUBLIC),
        ({"type": "submit", "seq": 1, "public": 1}, ErrorCode.BAD_PUBLIC),
        ({"type": "submit", "seq": 1, "public": None}, ErrorCode.BAD_PUBLIC),
        ({"type": "submit", "seq": 1, "public": [True]}, ErrorCode.BAD_PUBLIC),
        ({"type": "submit", "seq": 1, "key": 12345678901234567890}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": ""}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": SHORTEST_KEY[1:]}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": LONGEST_KEY + "a"}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": KEY[:-1] + " "}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": KEY + "\n"}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": KEY[:-1] + "é"}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": KEY[:-1] + "/"}, ErrorCode.BAD_KEY),
        ({"type": "submit", "seq": 1, "key": "x" * 16 + "<script>"}, ErrorCode.BAD_KEY),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, 0, 0]], "key": [KEY]}, ErrorCode.BAD_KEY),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[0, 0, 0]], "key": "٣" * 20}, ErrorCode.BAD_KEY),
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


@pytest.mark.parametrize(
    ("current", "offered", "expected"),
    [
        (None, None, None),  # a drawing without a key stays without one
        (None, KEY, KEY),  # the first key offered names the drawing
        (KEY, None, KEY),  # later messages need not repeat it
        (KEY, KEY, KEY),  # …and may (every replay after a reconnect does)
    ],
)
def test_adopt_key(current: str | None, offered: str | None, expected: str | None) -> None:
    assert adopt_key(current, offered) == expected


def test_adopt_key_refuses_a_second_key_for_the_same_drawing() -> None:
    with pytest.raises(ProtocolError) as raised:
        adopt_key(KEY, OTHER_KEY)
    assert raised.value.code == ErrorCode.BAD_KEY


@pytest.mark.parametrize(
    ("text", "max_bytes", "expected"),
    [
        ('{"type": "undo", "seq": 1}', 100, {"type": "undo", "seq": 1}),
        ("[1, 2]", 6, [1, 2]),  # any JSON value: parse_message decides what is a message
        ('"é"', 4, "é"),  # exactly at the limit in UTF-8 bytes
    ],
)
def test_decode_frame(text: str, max_bytes: int, expected: object) -> None:
    assert decode_frame(text, max_bytes) == expected


@pytest.mark.parametrize(
    ("text", "max_bytes", "code"),
    [
        (None, 100, ErrorCode.BAD_JSON),  # a binary frame
        ("not json", 100, ErrorCode.BAD_JSON),
        ("[" * 100_000 + "]" * 100_000, 1_000_000, ErrorCode.BAD_JSON),  # deeper than the parser's recursion limit
        ('"é"', 3, ErrorCode.TOO_LARGE),  # 3 characters, 4 UTF-8 bytes
        (json.dumps({"pad": "x" * 100}), 100, ErrorCode.TOO_LARGE),
        ("not json" * 100, 100, ErrorCode.TOO_LARGE),  # size is checked before parsing
    ],
)
def test_decode_frame_errors(text: str | None, max_bytes: int, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as raised:
        decode_frame(text, max_bytes)
    assert raised.value.code == code and raised.value.detail
