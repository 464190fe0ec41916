"""Live replay, pure: a raw drawing cut into the updates the server sees, and when its guess locks.

The drawing page (static/js/app.js) gathers pointer samples and sends a stroke's new points as one
``points`` message at most every ``SEND_INTERVAL_MS``, on the animation frame after that wait, and at
once on pen-up; after each message the server renders the whole drawing so far
(``ml.raster.render_raw``) and predicts. ``page_sends`` cuts a Google raw drawing the same way, by its
own ``t`` timestamps (the load test replays these messages; ``ml.evaluate`` scores the guesses after
them). ``chunks`` cuts finer, one update per animation frame: the partial drawings ``ml.augment``
trains on.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

FRAME_MS = 1000 / 60  # one animation frame of a 60 Hz display: the page sends on frames
SEND_INTERVAL_MS = 32.0  # static/js/app.js SEND_INTERVAL_MS (a test keeps the two equal)
NEVER_LOCKED = 1.0  # a drawing whose true category is not top-1 at the end counts as all its time


@dataclass(frozen=True)
class Chunk:
    """The drawing so far after one update: ``points`` points of stroke ``stroke`` (earlier strokes whole)."""

    stroke: int
    points: int
    t: float  # drawing time of the update: the largest ``t`` drawn so far


@dataclass(frozen=True)
class Send:
    """One ``points`` message of the page: points ``start:stop`` of stroke ``stroke``, sent ``at`` ms into the drawing."""

    at: float
    stroke: int
    start: int
    stop: int


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
    first = _first_time(strokes, frame_ms)
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


def page_sends(
    strokes: Sequence[Sequence[Sequence[float]]], *, frame_ms: float = FRAME_MS, send_interval_ms: float = SEND_INTERVAL_MS
) -> list[Send]:
    """The ``points`` messages the page sends for a raw drawing, times counted from its first point.

    A point that finds no send pending schedules one on the first animation frame at least
    ``send_interval_ms`` after the previous send; the points gathered until then leave together.
    The last point of a stroke (pen-up) sends what is pending at once.
    """
    first = _first_time(strokes, frame_ms)
    sends: list[Send] = []
    last_send = -math.inf
    for number, stroke in enumerate(strokes):
        times = [t - first for t in stroke[2]]
        start, send_at = 0, None
        for index, t in enumerate(times):
            if send_at is not None and send_at < t:  # points of the same instant go together
                sends.append(Send(send_at, number, start, index))
                last_send, start, send_at = send_at, index, None
            if send_at is None:
                send_at = math.ceil(max(t, last_send + send_interval_ms) / frame_ms) * frame_ms
        if times:
            sends.append(Send(times[-1], number, start, len(times)))
            last_send = times[-1]
    return sends


def page_chunks(
    strokes: Sequence[Sequence[Sequence[float]]], *, frame_ms: float = FRAME_MS, send_interval_ms: float = SEND_INTERVAL_MS
) -> list[Chunk]:
    """The drawing after each message of ``page_sends``: the updates the server really sees."""
    found: list[Chunk] = []
    latest = -math.inf
    for send in page_sends(strokes, frame_ms=frame_ms, send_interval_ms=send_interval_ms):
        latest = max(latest, *strokes[send.stroke][2][send.start : send.stop])
        found.append(Chunk(send.stroke, send.stop, latest))
    return found


def _first_time(strokes: Sequence[Sequence[Sequence[float]]], frame_ms: float) -> float:
    """The drawing's first point time, after checking the frame length the cut uses."""
    if not frame_ms > 0:
        raise ValueError(f"frame_ms must be positive, not {frame_ms}")
    return drawing_span(strokes)[0]


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
