"""``ml.raster.render_raw`` for a drawing that grows: the same image, recomputing only what changed.

``render_raw`` aligns every point to the drawing's top-left ``low`` and scales it by the larger side
``extent`` of its bounding box, resamples and simplifies (RDP) each stroke on its own, centres the
simplified drawing on its largest x and y, and strokes each stroke in order onto a black canvas. So:

- a stroke's validated array depends on that stroke only;
- its simplified geometry on the stroke and the frame ``(low, extent)`` only;
- the canvas after strokes ``0..j-1`` on those simplified strokes and the centring offset only.

``LiveRaster.render`` keeps all three from its previous call and recomputes only what changed: a live
update usually touches the stroke being drawn and nothing else (a third of updates grow the frame and
re-simplify every stroke). Results are ``render_raw``'s bit for bit; anything unusual (invalid input,
a limit reached) is handed to ``render_raw`` itself, so errors are its own too.

Strokes are recognised by value (``==`` on their lists). That is exact for int and float coordinates,
which is what JSON and recognizer.protocol deliver; strokes not made of lists are never cached.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ml.errors import InvalidDrawing
from ml.raster import (
    MAX_ABS_COORDINATE,
    MAX_POINTS,
    MAX_STROKES,
    centring_offset,
    check_resampled_total,
    drawing_extent,
    normalized_resample,
    numeric_stroke,
    rdp_rounded,
    render_raw,
    thread_canvas,
)

Frame = tuple[float, float, float]  # (low x, low y, extent): what normalisation depends on


class _Unusual(Exception):
    """Input the cached path does not reproduce by itself: ``render_raw`` decides."""


@dataclass(frozen=True, eq=False)
class _Simplified:
    frame: Frame
    resampled: int  # points after resampling, for the drawing's resampling budget
    xy: np.ndarray  # (2, k) whole numbers 0-255
    high: tuple[float, float]  # largest x and y, for the centring offset


@dataclass(frozen=True, eq=False)
class _Stroke:
    source: list[list] | None  # private copies of the stroke's lists; None: never reused
    dtype: np.dtype | None  # what numpy read the lists as (a grown stroke must read the same)
    xy: np.ndarray  # (2, n) float64, as validate_strokes makes it
    finite: bool  # every value, timestamps included
    low: tuple[float, float]
    high: tuple[float, float]
    simplified: _Simplified | None = None

    @property
    def biggest(self) -> float:
        """Largest ``|x|`` or ``|y|``."""
        return max(-self.low[0], -self.low[1], self.high[0], self.high[1])


@dataclass(frozen=True, eq=False)
class _Checkpoint:
    """The canvas after drawing ``drawn`` (these very objects, in order) centred for ``high``."""

    high: tuple[float, float]
    drawn: tuple[_Simplified, ...]
    pixels: np.ndarray


@dataclass(frozen=True)
class _State:
    strokes: tuple[_Stroke, ...] = ()  # by position in the raw drawing, empty strokes included
    checkpoints: tuple[_Checkpoint, ...] = ()


_EMPTY_BOUNDS = (0.0, 0.0)
_GROWABLE = (np.dtype(np.int64), np.dtype(np.float64))  # a prefix and a tail of one of these read as the whole
_T = 2  # the timestamps' row


def _is_plain(stroke: object) -> bool:
    return type(stroke) is list and all(type(field) is list for field in stroke)


def _same(cached: _Stroke, stroke: object) -> bool:
    source = cached.source
    return (
        source is not None
        and type(stroke) is list
        and len(stroke) == len(source)
        and _is_plain(stroke)
        and source == stroke
    )


def _summary(source: list[list] | None, array: np.ndarray, before: _Stroke | None = None) -> _Stroke:
    """The stroke of numeric ``array`` (appended to ``before``'s points when given)."""
    values = array.astype(np.float64, copy=False)
    xy = values[:2]
    finite = array.shape[0] <= _T or bool(np.isfinite(values[_T]).all())
    if xy.shape[1]:
        low, high = xy.min(axis=1).tolist(), xy.max(axis=1).tolist()
        # NaN and infinities show in the minimum or maximum
        finite = finite and all(math.isfinite(v) for v in (*low, *high))
    else:
        low, high = _EMPTY_BOUNDS, _EMPTY_BOUNDS
    if before is not None:
        xy = np.concatenate((before.xy, xy), axis=1)
        low = [min(a, b) for a, b in zip(before.low, low)]
        high = [max(a, b) for a, b in zip(before.high, high)]
        finite = finite and before.finite
    return _Stroke(source, array.dtype, xy, finite, (low[0], low[1]), (high[0], high[1]))


def _grown(cached: _Stroke, stroke: object) -> _Stroke | None:
    """``cached`` with the points appended to it since, when converting only those is exact; else None."""
    source = cached.source
    if source is None or cached.dtype not in _GROWABLE or not cached.xy.shape[1]:
        return None
    if type(stroke) is not list or len(stroke) != len(source) or not _is_plain(stroke):
        return None
    done = len(source[0])
    if not all(len(field) > done and field[:done] == old for field, old in zip(stroke, source)):
        return None
    try:
        tail = np.asarray([field[done:] for field in stroke])
    except (ValueError, TypeError):
        return None
    if tail.dtype != cached.dtype or tail.ndim != 2:
        return None
    return _summary([list(field) for field in stroke], tail, cached)


def _validated(stroke: object, number: int) -> _Stroke:
    array = numeric_stroke(stroke, number)  # raises InvalidDrawing for a malformed stroke
    return _summary([list(field) for field in stroke] if _is_plain(stroke) else None, array)


def _stroke(cached: tuple[_Stroke, ...], number: int, stroke: object) -> _Stroke:
    """The stroke, reusing what ``cached`` holds for its position."""
    if number < len(cached):
        if _same(cached[number], stroke):
            return cached[number]
        grown = _grown(cached[number], stroke)
        if grown is not None:
            return grown
    return _validated(stroke, number)


def _drawn(strokes: list[_Stroke]) -> list[_Stroke]:
    """validate_strokes's drawing-wide checks on the strokes; the non-empty ones."""
    if sum(stroke.xy.shape[1] for stroke in strokes) > MAX_POINTS:
        raise _Unusual
    drawn = [stroke for stroke in strokes if stroke.xy.shape[1]]
    if drawn and (
        not all(stroke.finite for stroke in drawn) or max(stroke.biggest for stroke in drawn) > MAX_ABS_COORDINATE
    ):
        raise _Unusual
    return drawn


@dataclass(frozen=True, eq=False)
class _Plan:
    """One drawing's render up to its RDP: validated strokes and the stale strokes' resampled points."""

    strokes: list[_Stroke]  # by position, empty strokes included
    drawn: list[_Stroke]  # the non-empty ones
    frame: Frame
    stale: list[int]  # positions in ``drawn`` whose simplification must be recomputed
    resampled: list[np.ndarray]  # theirs, in the frame


def _plan(raw_strokes: object, state: _State) -> _Plan:
    if not isinstance(raw_strokes, (list, tuple)) or len(raw_strokes) > MAX_STROKES:
        raise _Unusual
    strokes = [_stroke(state.strokes, number, stroke) for number, stroke in enumerate(raw_strokes)]
    drawn = _drawn(strokes)
    if not drawn:
        return _Plan(strokes, drawn, (0.0, 0.0, 0.0), [], [])
    lows = [min(stroke.low[axis] for stroke in drawn) for axis in (0, 1)]
    highs = [max(stroke.high[axis] for stroke in drawn) for axis in (0, 1)]
    low = np.array(lows).reshape(2, 1)
    extent = drawing_extent(low, np.array(highs).reshape(2, 1))
    frame = (lows[0], lows[1], extent)
    stale = [i for i, stroke in enumerate(drawn) if stroke.simplified is None or stroke.simplified.frame != frame]
    resampled = [normalized_resample(drawn[i].xy, low, extent) for i in stale]
    total = sum(stroke.simplified.resampled for stroke in drawn if stroke.simplified is not None)
    total -= sum(drawn[i].simplified.resampled for i in stale if drawn[i].simplified is not None)
    check_resampled_total(total + sum(xy.shape[1] for xy in resampled))
    return _Plan(strokes, drawn, frame, stale, resampled)


def _finish(plan: _Plan, rounded: list[np.ndarray], state: _State) -> tuple[np.ndarray, _State]:
    """The image and next state, given the RDP of ``plan.resampled`` (in order)."""
    drawn = list(plan.drawn)
    for i, points, xy in zip(plan.stale, plan.resampled, rounded, strict=True):
        high = xy.max(axis=1).tolist()
        drawn[i] = replace(drawn[i], simplified=_Simplified(plan.frame, points.shape[1], xy, (high[0], high[1])))
    simplified = iter(drawn)
    strokes = [next(simplified) if stroke.xy.shape[1] else stroke for stroke in plan.strokes]
    image, checkpoints = _draw([stroke.simplified for stroke in strokes if stroke.xy.shape[1]], state.checkpoints)
    return image, _State(tuple(strokes), checkpoints)


def _restart(
    checkpoints: tuple[_Checkpoint, ...], high: tuple[float, float], simplified: list[_Simplified]
) -> _Checkpoint | None:
    """The checkpoint that saves the most drawing: same centring, its strokes a prefix of ``simplified``."""
    best = None
    for checkpoint in checkpoints:
        count = len(checkpoint.drawn)
        if (
            checkpoint.high == high
            and count <= len(simplified)
            and (best is None or count > len(best.drawn))
            and all(a is b for a, b in zip(checkpoint.drawn, simplified))
        ):
            best = checkpoint
    return best


def _draw(simplified: list[_Simplified], old: tuple[_Checkpoint, ...]) -> tuple[np.ndarray, tuple[_Checkpoint, ...]]:
    """The image, and checkpoints of the canvas before the last stroke and after it."""
    canvas = thread_canvas()
    if not simplified:
        canvas.clear()
        return canvas.image(), ()
    last = len(simplified) - 1
    high = (max(s.high[0] for s in simplified), max(s.high[1] for s in simplified))
    start = _restart(old, high, simplified)
    if start is None:
        canvas.clear()
        drawn = 0
    else:
        canvas.restore(start.pixels)
        drawn = len(start.drawn)
    if drawn > last:  # nothing changed since the last call
        return canvas.image(), old
    before_last = start if drawn == last else None
    offset = centring_offset(np.array(high).reshape(2, 1))
    for index in range(drawn, last + 1):
        if index == last and index and before_last is None:
            before_last = _Checkpoint(high, tuple(simplified[:index]), canvas.pixels())
        canvas.draw(simplified[index].xy, offset)
    whole = _Checkpoint(high, tuple(simplified), canvas.pixels())
    return canvas.image(), (whole,) if before_last is None else (before_last, whole)


class LiveRaster:
    """One drawing's incremental ``render_raw``: ``render(strokes)`` equals ``render_raw(strokes)``.

    Any drawing may be passed (each call is checked against what is cached); passing the same drawing
    as it grows, is undone or cleared is what makes it fast. Safe to call from several threads: each
    call reads one immutable state and replaces it whole (a racing call only loses some reuse).
    """

    def __init__(self) -> None:
        self._state = _State()

    def render(self, raw_strokes: object) -> np.ndarray:
        """uint8 ``(28, 28)``, exactly ``render_raw(raw_strokes)``; raises what it raises."""
        image = render_many([(self, raw_strokes)])[0]
        if isinstance(image, InvalidDrawing):
            raise image
        return image


def render_many(jobs: Sequence[tuple[LiveRaster, object]]) -> list[np.ndarray | InvalidDrawing]:
    """``raster.render(strokes)`` for each job, or the ``InvalidDrawing`` it raises, in one pass.

    The stale strokes of every drawing are simplified by ONE ``rdp_rounded`` call: RDP costs a fixed
    number of numpy calls per level of recursion, so a batch pays them once instead of once per drawing.
    ``rdp_rounded`` keeps every stroke's ends, so each stroke's result is the same as on its own.
    """
    results: list[np.ndarray | InvalidDrawing | None] = [None] * len(jobs)
    planned: list[tuple[int, _Plan, _State]] = []
    for index, (raster, raw_strokes) in enumerate(jobs):
        state = raster._state
        try:
            planned.append((index, _plan(raw_strokes, state), state))
        except (_Unusual, InvalidDrawing):
            results[index] = render_raw_or_error(raw_strokes)
    resampled = [xy for _, plan, _ in planned for xy in plan.resampled]
    rounded = iter(rdp_rounded(resampled) if resampled else [])
    for index, plan, state in planned:
        image, jobs[index][0]._state = _finish(plan, [next(rounded) for _ in plan.stale], state)
        results[index] = image
    return results


def render_raw_or_error(raw_strokes: object) -> np.ndarray | InvalidDrawing:
    """``render_raw(raw_strokes)``, or the ``InvalidDrawing`` it raises."""
    try:
        return render_raw(raw_strokes)
    except InvalidDrawing as error:
        return error
