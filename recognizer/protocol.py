"""Protocol v1 client messages: decoding a JSON object into a typed message (pure, no Django).

Each check raises ``ProtocolError`` with a stable code from ``ErrorCode``; docs/protocol.md lists them.
Checks here only need the message itself and the limits; checks against the drawing so far (stroke
numbers, totals, seq order) live in recognizer.session.
"""

import math
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


Message = Hello | Points | Undo | Clear | Submit


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
    return Points(seq=seq, stroke=stroke, points=[_parse_point(point, limits) for point in points])


def _parse_undo(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Undo:
    return Undo(seq=seq)


def _parse_clear(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Clear:
    return Clear(seq=seq)


def _parse_submit(obj: dict[str, Any], seq: int, limits: ProtocolLimits) -> Submit:
    return Submit(seq=seq, label=parse_label(obj.get("label"), limits), canvas=_parse_canvas(obj.get("canvas"), limits))


_PARSERS = {
    "hello": _parse_hello,
    "points": _parse_points,
    "undo": _parse_undo,
    "clear": _parse_clear,
    "submit": _parse_submit,
}
