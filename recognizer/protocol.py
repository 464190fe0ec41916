"""Protocol v1 client messages: decoding a frame and a JSON object into a typed message (pure, no Django).

Each check raises ``ProtocolError`` with a stable code from ``ErrorCode``; docs/protocol.md lists them.
Checks here only need the message itself and the limits; checks against the drawing so far (stroke
numbers, totals, seq order) live in recognizer.session, except the drawing key's rule (``adopt_key``).
"""

import json
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ml.errors import DrawsiteError
from recognizer.limits import ProtocolLimits

PROTOCOL_VERSION = 1
# Largest integer a JavaScript number holds exactly: seq values above it cannot come from a browser.
MAX_SEQ = 2**53 - 1
POINT_FIELDS = 3  # [x, y, t]
CANVAS_FIELDS = 2  # [width, height]
# A drawing key names one drawing across reconnects (docs/protocol.md). At most the Drawing.client_key
# column's size; at least 16 characters so that distinct clients' keys do not collide by accident
# (a browser's key is 32 random hex digits). Letters, digits, "-" and "_": safe in logs, URLs and admin.
KEY_MIN_CHARS = 16
KEY_MAX_CHARS = 64
KEY_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{KEY_MIN_CHARS},{KEY_MAX_CHARS}}}")


class ErrorCode(StrEnum):
    BAD_JSON = "bad_json"
    TOO_LARGE = "too_large"
    BAD_TYPE = "bad_type"
    BAD_SEQ = "bad_seq"
    BAD_STROKE = "bad_stroke"
    BAD_POINTS = "bad_points"
    TOO_MANY_POINTS = "too_many_points"
    TOO_MANY_STROKES = "too_many_strokes"
    RATE_LIMITED = "rate_limited"
    BAD_LABEL = "bad_label"
    BAD_CANVAS = "bad_canvas"
    NOTHING_TO_SUBMIT = "nothing_to_submit"
    SERVER_BUSY = "server_busy"
    BAD_KEY = "bad_key"
    BAD_PUBLIC = "bad_public"


class ProtocolError(DrawsiteError):
    """A client message that breaks protocol v1; ``code`` is one of ``ErrorCode``."""

    code = ErrorCode.BAD_JSON

    def __init__(self, detail: str, *, code: ErrorCode) -> None:
        super().__init__(detail, code=str(code))


Point = list[float]  # [x, y, t] as received (ints stay ints)


@dataclass(frozen=True)
class Hello:
    seq: int
    canvas: tuple[int, int] | None
    prompt: str | None


@dataclass(frozen=True)
class Points:
    seq: int
    stroke: int
    points: list[Point]
    key: str | None = None  # the drawing's key (see adopt_key)


@dataclass(frozen=True)
class Undo:
    seq: int


@dataclass(frozen=True)
class Clear:
    seq: int


@dataclass(frozen=True)
class Submit:
    seq: int
    label: str | None
    canvas: tuple[int, int] | None
    key: str | None = None
    public: bool = False  # the person opted in to the public gallery


Message = Hello | Points | Undo | Clear | Submit


def decode_frame(text: str | None, max_bytes: int) -> Any:
    """The JSON value of one websocket text frame (``None``: a binary frame), or ``ProtocolError``.

    The size is checked before parsing, so an oversized frame costs no JSON work. Shared by every
    endpoint speaking this transport (/ws/draw/ and /ws/game/).
    """
    if text is None:
        raise ProtocolError("binary frames are not part of the protocol: send JSON text", code=ErrorCode.BAD_JSON)
    # len(text) <= UTF-8 byte length, so the cheap test rejects most oversized frames without encoding.
    if len(text) > max_bytes or len(text.encode("utf-8")) > max_bytes:
        raise ProtocolError(f"a message has at most {max_bytes} bytes", code=ErrorCode.TOO_LARGE)
    try:
        return json.loads(text)
    except ValueError as error:
        raise ProtocolError(f"not valid JSON: {error}", code=ErrorCode.BAD_JSON) from error
    except RecursionError as error:  # "[[[[…" nested deeper than the parser's recursion limit
        raise ProtocolError("JSON nested too deeply", code=ErrorCode.BAD_JSON) from error


def seq_of(obj: object) -> int | None:
    """The message's seq when it is a valid one, for echoing in an error; else None."""
    if isinstance(obj, dict):
        seq = obj.get("seq")
        if _is_int(seq) and 0 <= seq <= MAX_SEQ:
            return seq
    return None


def parse_message(obj: Any, limits: ProtocolLimits) -> Message:
    """Decode one client message (already JSON-decoded) or raise ``ProtocolError``."""
    if not isinstance(obj, dict):
        raise ProtocolError("a message must be a JSON object", code=ErrorCode.BAD_JSON)
    kind = obj.get("type")
    parser = _PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        known = ", ".join(sorted(_PARSERS))
        raise ProtocolError(f"unknown message type {kind!r} (expected one of {known})", code=ErrorCode.BAD_TYPE)
    return parser(obj, _parse_seq(obj), limits)


def parse_label(value: Any, limits: ProtocolLimits) -> str | None:
    """A category name (stripped, non-empty, at most max_label_chars) or None when absent/null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProtocolError("label must be a string or null", code=ErrorCode.BAD_LABEL)
    label = value.strip()
    if not label or len(label) > limits.max_label_chars or not label.isprintable():
        raise ProtocolError(
            f"label must be 1-{limits.max_label_chars} printable characters", code=ErrorCode.BAD_LABEL
        )
    return label


def parse_key(value: Any) -> str | None:
    """A drawing key (``KEY_PATTERN``) or None when absent/null."""
    if value is None:
        return None
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        raise ProtocolError(
            f"key must be {KEY_MIN_CHARS}-{KEY_MAX_CHARS} characters from A-Z, a-z, 0-9, '-', '_', or null",
            code=ErrorCode.BAD_KEY,
        )
    return value


def adopt_key(current: str | None, offered: str | None) -> str | None:
    """The drawing's key once a message offering ``offered`` is accepted.

    ``current`` is the key of the drawing in progress (None for an empty drawing or one begun without
    a key). The first key offered names the drawing; offering another one for the same drawing is an
    error, so one drawing can never be saved over a different one.
    """
    if offered is None or offered == current:
        return current
    if current is None:
        return offered
    raise ProtocolError(
        "this drawing already has another key: clear it (or submit) before starting one with a new key",
        code=ErrorCode.BAD_KEY,
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_finite(value: int | float) -> bool:
    # math.isfinite(10**400) raises OverflowError (JSON integers may be huge): integers are always finite
    return isinstance(value, int) or math.isfinite(value)


def _parse_seq(obj: dict[str, Any]) -> int:
    seq = obj.get("seq")
    if not _is_int(seq) or not 0 <= seq <= MAX_SEQ:
        raise ProtocolError(f"seq must be an integer in [0, {MAX_SEQ}]", code=ErrorCode.BAD_SEQ)
    return seq


def _parse_canvas(value: Any, limits: ProtocolLimits) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != CANVAS_FIELDS
        or not all(_is_number(side) and _is_finite(side) and 1 <= side <= limits.max_coord for side in value)
    ):
        raise ProtocolError(
            f"canvas must be [width, height] with sides in [1, {limits.max_coord:g}] pixels",
            code=ErrorCode.BAD_CANVAS,
        )
    return round(value[0]), round(value[1])


def _parse_point(value: Any, limits: ProtocolLimits) -> Point:
    if not isinstance(value, list) or len(value) != POINT_FIELDS or not all(_is_number(v) for v in value):
        raise ProtocolError("each point must be [x, y, t] numbers", code=ErrorCode.BAD_POINTS)
    x, y, t = value
    if not all(_is_finite(v) for v in value):
        raise ProtocolError("point values must be finite", code=ErrorCode.BAD_POINTS)
    if abs(x) > limits.max_coord or abs(y) > limits.max_coord:
        raise ProtocolError(f"x and y must lie in [-{limits.max_coord:g}, {limits.max_coord:g}]", code=ErrorCode.BAD_POINTS)
    if not 0 <= t <= limits.max_time_ms:
        raise ProtocolError(f"t must lie in [0, {limits.max_time_ms:g}] ms", code=ErrorCode.BAD_POINTS)
    return value


def _parse_hello(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Hello:
    return Hello(seq=seq, canvas=_parse_canvas(obj.get("canvas"), limits), prompt=parse_label(obj.get("prompt"), limits))


def _parse_points(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Points:
    stroke = obj.get("stroke")
    if not _is_int(stroke) or stroke < 0:
        raise ProtocolError("stroke must be a non-negative integer", code=ErrorCode.BAD_STROKE)
    points = obj.get("points")
    if not isinstance(points, list) or not points:
        raise ProtocolError("points must be a non-empty list of [x, y, t]", code=ErrorCode.BAD_POINTS)
    if len(points) > limits.max_points_per_message:
        raise ProtocolError(
            f"{len(points)} points in one message; at most {limits.max_points_per_message}",
            code=ErrorCode.TOO_MANY_POINTS,
        )
    return Points(
        seq=seq, stroke=stroke, points=[_parse_point(point, limits) for point in points], key=parse_key(obj.get("key"))
    )


def _parse_undo(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Undo:
    return Undo(seq=seq)


def _parse_clear(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Clear:
    return Clear(seq=seq)


def _parse_submit(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Submit:
    public = obj.get("public", False)
    if not isinstance(public, bool):
        raise ProtocolError("public must be true or false", code=ErrorCode.BAD_PUBLIC)
    return Submit(
        seq=seq,
        label=parse_label(obj.get("label"), limits),
        canvas=_parse_canvas(obj.get("canvas"), limits),
        key=parse_key(obj.get("key")),
        public=public,
    )


_PARSERS = {
    "hello": _parse_hello,
    "points": _parse_points,
    "undo": _parse_undo,
    "clear": _parse_clear,
    "submit": _parse_submit,
}
