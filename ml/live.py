"""Live replay, pure: a raw drawing cut into the updates the server sees, and when its guess locks.

The browser collects the pointer samples of one animation frame and sends them as one ``points``
message per stroke (static/js/drawing.js, socket.js); after each message the server renders the
whole drawing so far (``ml.raster.render_raw``) and predicts. A replay cuts a Google raw drawing
the same way: a chunk is a run of consecutive points of one stroke whose ``t`` lies in the same
frame (frames counted from the drawing's first point).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

FRAME_MS = 1000 / 60  # one animation frame of a 60 Hz display: the browser's send cadence
NEVER_LOCKED = 1.0  # a drawing whose true category is not top-1 at the end counts as all its time


@dataclass(frozen=True)
class Chunk:
    """The drawing so far after one update: ``points`` points of stroke ``stroke`` (earlier strokes whole)."""

    stroke: int
    points: int
    t: float  # drawing time of the update: the largest ``t`` drawn so far


def drawing_span(strokes: Sequence[Sequence[Sequence[float]]]) -> tuple[float, float]:
    """``(first, last)`` drawing time of raw strokes ``[xs, ys, ts]``: the smallest and largest ``t``."""
    times = [t for stroke in strokes for t in stroke[2]]
    if not times:
        raise ValueError("a raw drawing needs at least one point with a time")
    return min(times), max(times)


def chunks(strokes: Sequence[Sequence[Sequence[float]]], frame_ms: float = FRAME_MS) -> list[Chunk]:
    """The updates a raw drawing reaches the server in, in drawing order (strokes, then points).

    A new chunk starts with every stroke and whenever a point's frame
    ``floor((t - first) / frame_ms)`` differs from the previous point's.
    """
    if not frame_ms > 0:
        raise ValueError(f"frame_ms must be positive, not {frame_ms}")
    first, _ = drawing_span(strokes)
    found: list[Chunk] = []
    latest = -math.inf
    for number, stroke in enumerate(strokes):
        times = stroke[2]
        for index, t in enumerate(times):
            latest = max(latest, t)
            last_of_stroke = index == len(times) - 1
            if last_of_stroke or _frame(times[index + 1], first, frame_ms) != _frame(t, first, frame_ms):
                found.append(Chunk(number, index + 1, latest))
    return found


def _frame(t: float, first: float, frame_ms: float) -> int:
    return math.floor((t - first) / frame_ms)


def prefix(strokes: Sequence[Sequence[Sequence[float]]], chunk: Chunk) -> list[list[list[float]]]:
    """The raw strokes the server holds after ``chunk``."""
    whole = [[list(values) for values in stroke] for stroke in strokes[: chunk.stroke]]
    part = [list(values[: chunk.points]) for values in strokes[chunk.stroke]]
    return whole + [part]


def lock_time(steps: Sequence[tuple[float, str]], truth: str) -> float | None:
    """Time of the update from which ``truth`` is top-1 through the last update; None if it never locks.

    ``steps`` are ``(t, top1_label)`` per update, in order.
    """
    if not steps or steps[-1][1] != truth:
        return None
    locked_from = len(steps) - 1
    while locked_from > 0 and steps[locked_from - 1][1] == truth:
        locked_from -= 1
    return steps[locked_from][0]


def lock_fraction(steps: Sequence[tuple[float, str]], truth: str, start: float | None = None) -> float:
    """Share of the drawing time (``start`` .. last update) that passed before the guess locked on ``truth``.

    0.0: right from the first update on; ``NEVER_LOCKED`` (1.0) when ``truth`` is not top-1 at the
    end. ``start`` is the drawing's first point time (default: the first update's). A drawing of no
    duration that ends on ``truth`` counts as locked at once.
    """
    locked = lock_time(steps, truth)
    if locked is None:
        return NEVER_LOCKED
    begin = steps[0][0] if start is None else start
    duration = steps[-1][0] - begin
    if duration <= 0:
        return 0.0
    return min(max((locked - begin) / duration, 0.0), NEVER_LOCKED)


def recognized_some_prefix(top1_labels: Sequence[str], truth: str) -> bool:
    """Whether ``truth`` was the top-1 guess after any update."""
    return truth in top1_labels
