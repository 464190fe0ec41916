"""Hypothesis strategies for hostile and valid /ws/draw/ messages (protocol v1, docs/protocol.md).

A hostile message breaks exactly ONE rule, so the error code the server must answer is known; it is
built late (``build(seq, strokes)``) because a valid-looking seq/stroke depends on the connection's
state when it is sent.
"""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from recognizer.protocol import MAX_SEQ

MESSAGE_TYPES = ("hello", "points", "undo", "clear", "submit", "join", "start")  # of /ws/draw/ and /ws/game/
MAX_BYTES = 4_096  # RECOGNIZER_MAX_MESSAGE_BYTES during fuzzing: oversized frames stay cheap
MAX_POINTS_PER_MESSAGE = 16
MAX_COORD = 10_000.0
MAX_TIME_MS = 3_600_000.0
FUZZ_LIMITS = {
    "RECOGNIZER_MAX_MESSAGE_BYTES": MAX_BYTES,
    "RECOGNIZER_MAX_POINTS_PER_MESSAGE": MAX_POINTS_PER_MESSAGE,
    "RECOGNIZER_MAX_COORD": MAX_COORD,
    "RECOGNIZER_MAX_TIME_MS": MAX_TIME_MS,
}
DRAW_SPAN = 400  # valid points lie in [0, DRAW_SPAN] pixels
BIG_DIGITS = (309, 400)  # integers with this many digits: too big for a float, still valid JSON for Python


@dataclass(frozen=True)
class Hostile:
    """A frame that must be answered by exactly one ``error`` with ``code``."""

    code: str
    build: Callable[[int, int], str | bytes]  # (seq to use, strokes drawn so far) -> frame
    echo: Callable[[int], int | None]  # (seq we gave) -> the seq the error must carry

    def __repr__(self) -> str:  # hypothesis prints failing examples: show the frame, not a lambda
        return f"Hostile({self.code!r}, {str(self.build(7, 1))[:100]!r})"


def _dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, allow_nan=True)


def _points(seq: int, stroke: int, points: list) -> str:
    return _dumps({"type": "points", "seq": seq, "stroke": stroke, "points": points})


def _not_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return True
    return False


good_point = st.tuples(
    st.floats(0, DRAW_SPAN, allow_nan=False), st.floats(0, DRAW_SPAN, allow_nan=False), st.floats(0, 1_000)
).map(list)

bad_point_values = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.floats(MAX_COORD * 1.01, 1e308),
    st.integers(*BIG_DIGITS).map(lambda digits: 10**digits),
    st.integers(*BIG_DIGITS).map(lambda digits: -(10**digits)),
)


@st.composite
def bad_point(draw: st.DrawFn) -> list:
    """A point with exactly one bad thing: a bad coordinate/time value, wrong arity, or a non-number."""
    point = draw(good_point)
    how = draw(st.sampled_from(["value", "arity", "type", "time"]))
    if how == "value":  # x or y: a value beyond MAX_COORD can still be a valid time (see "time")
        point[draw(st.integers(0, 1))] = draw(bad_point_values)
    elif how == "arity":
        point = point[: draw(st.integers(0, 2))] + ([] if draw(st.booleans()) else point + point)
    elif how == "type":
        point[draw(st.integers(0, 2))] = draw(
            st.one_of(st.text(max_size=5), st.none(), st.booleans(), st.lists(st.integers(), max_size=2))
        )
    else:
        point[2] = draw(
            st.one_of(
                st.sampled_from([math.nan, math.inf, -math.inf]),
                st.floats(max_value=-1e-3, min_value=-1e9),
                st.floats(MAX_TIME_MS * 1.01, 1e12),
            )
        )
    return point


def _given(seq: int) -> int:
    return seq


def _null(seq: int) -> None:
    return None


def _hostile(code: str, uses_seq: bool, build: Callable[[int, int], str | bytes]) -> Hostile:
    return Hostile(code=code, build=build, echo=_given if uses_seq else _null)


hostile_common = st.one_of(
    # not JSON at all, binary frames, JSON that is not an object, nesting beyond the parser
    st.text(max_size=40)
    .map(lambda s: "{" + s)
    .filter(_not_json)
    .map(lambda f: _hostile("bad_json", False, lambda q, n: f)),
    st.binary(max_size=64).map(lambda b: _hostile("bad_json", False, lambda q, n: b)),
    st.one_of(
        st.integers(), st.floats(allow_nan=False), st.text(max_size=10), st.none(), st.lists(st.integers(), max_size=3)
    )
    .map(json.dumps)
    .map(lambda f: _hostile("bad_json", False, lambda q, n: f)),
    st.integers(1_000, MAX_BYTES // 2 - 10).map(
        lambda depth: _hostile("bad_json", False, lambda q, n: "[" * depth + "]" * depth)
    ),
    # oversized frames: ASCII, and multi-byte text whose CHARACTER count is under the byte limit
    st.integers(1, 500).map(lambda extra: _hostile("too_large", False, lambda q, n: "x" * (MAX_BYTES + extra))),
    st.integers(1, 500).map(
        lambda extra: _hostile(
            "too_large", False, lambda q, n: _dumps({"type": "undo", "seq": q, "pad": "é" * (MAX_BYTES // 2 + extra)})
        )
    ),
    # wrong type, wrong seq
    st.one_of(
        st.text(max_size=10).filter(lambda t: t not in MESSAGE_TYPES), st.integers(), st.none(), st.booleans()
    ).map(lambda kind: _hostile("bad_type", True, lambda q, n: _dumps({"type": kind, "seq": q}))),
    st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=MAX_SEQ + 1),
        st.floats(),
        st.text(max_size=5),
        st.booleans(),
        st.none(),
    ).map(lambda bad: _hostile("bad_seq", False, lambda q, n: _dumps({"type": "undo", "seq": bad}))),
    # stale: the driver's first message (a hello) used seq 0, so 0 is valid but not above the last accepted
    st.just(Hostile("bad_seq", lambda q, n: _dumps({"type": "clear", "seq": 0}), echo=lambda q: 0)),
    # strokes out of order or of the wrong type
    st.integers(2, 1_000).map(
        lambda ahead: _hostile("bad_stroke", True, lambda q, n: _points(q, n + ahead - 1, [[1, 1, 1]]))
    ),
    st.one_of(st.integers(max_value=-1), st.floats(), st.text(max_size=3), st.none(), st.booleans()).map(
        lambda bad: _hostile("bad_stroke", True, lambda q, n: _points(q, bad, [[1, 1, 1]]))
    ),
    # bad points: one bad point among good ones, empty or non-list points, too many in one message
    st.tuples(st.lists(good_point, max_size=4), bad_point()).map(
        lambda pair: _hostile("bad_points", True, lambda q, n: _points(q, max(n - 1, 0), pair[0] + [pair[1]]))
    ),
    st.one_of(
        st.just([]),
        st.integers(),
        st.text(max_size=5),
        st.none(),
        st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    ).map(lambda bad: _hostile("bad_points", True, lambda q, n: _points(q, max(n - 1, 0), bad))),
    st.integers(1, 20).map(
        lambda extra: _hostile(
            "too_many_points",
            True,
            lambda q, n: _points(q, max(n - 1, 0), [[1, 1, 1]] * (MAX_POINTS_PER_MESSAGE + extra)),
        )
    ),
)

# hello-based ones: /ws/draw/ answers bad_label / bad_canvas (the game has no hello: bad_type there)
hostile_draw_only = st.one_of(
    st.one_of(
        st.text(min_size=1, max_size=20).filter(lambda t: t.strip() not in ("sparse", "dense", "middle")),
        st.text(min_size=65, max_size=80),
        st.integers(),
        st.lists(st.text(max_size=3), max_size=2),
    ).map(lambda bad: _hostile("bad_label", True, lambda q, n: _dumps({"type": "hello", "seq": q, "prompt": bad}))),
    st.one_of(
        st.lists(st.floats(1, 100), max_size=4).filter(lambda c: len(c) != 2),
        st.tuples(
            st.one_of(
                st.floats(max_value=0.99), st.floats(min_value=MAX_COORD * 1.01), st.just(math.nan), st.text(max_size=2)
            ),
            st.floats(1, 100),
        ).map(list),
        st.integers(),
        st.text(max_size=4),
    ).map(lambda bad: _hostile("bad_canvas", True, lambda q, n: _dumps({"type": "hello", "seq": q, "canvas": bad}))),
)

hostile = st.one_of(hostile_common, hostile_draw_only)


@dataclass(frozen=True)
class Valid:
    """A message that must be accepted: ``kind`` is points (``new_stroke``, ``points``), undo, clear or hello."""

    kind: str
    new_stroke: bool = False
    points: tuple = ()


_valid_points = st.builds(
    Valid,
    st.just("points"),
    st.booleans(),
    st.lists(good_point, min_size=1, max_size=MAX_POINTS_PER_MESSAGE).map(tuple),
)
# one_of picks a branch uniformly: points twice as often as undo/clear/hello together
valid = st.one_of(_valid_points, _valid_points, st.sampled_from([Valid("undo"), Valid("clear"), Valid("hello")]))


def half_hostile(hostile_messages: st.SearchStrategy) -> st.SearchStrategy:
    """Hostile and valid messages half and half (``one_of`` would weigh each of the many hostile kinds like
    the few valid ones)."""
    return st.booleans().flatmap(lambda bad: hostile_messages if bad else valid)
