"""The one rasterizer shared by training and serving: Google's simplification and numpy_bitmap rendering.

``simplify`` turns raw browser strokes into Google's simplified format (ints 0-255); ``rasterize``
renders simplified strokes exactly as Google made ``numpy_bitmap`` (cairo, 28x28, white on black);
``render_raw`` chains both and is what the server calls, from a thread pool, on every live update.
The facts reproduced here are in ../shared/quickdraw/README.md; the bitmap is bit-exact on every
pair there, the simplification is as close as we measured (Google's code is not published).
"""

import threading

import cairocffi as cairo
import numpy as np

from ml.errors import InvalidDrawing

# Input limits: a real drawing is a few thousand browser pixels wide and a few hundred points long.
MAX_ABS_COORDINATE = 1e6
MAX_STROKES = 1_000
MAX_POINTS = 50_000
# Resampling makes one point per pixel of ink in 256-space; bounds work on hostile zigzags.
MAX_RESAMPLED_POINTS = 200_000
STROKE_FIELDS = (2, 3)  # [xs, ys] or [xs, ys, ts]

# Google's simplification.
SIMPLIFIED_MAX = 255
RESAMPLE_SPACING = 1.0
RDP_EPSILON = 2.0

# Google's numpy_bitmap rendering (issue #19 of quickdraw-dataset).
IMAGE_SIDE = 28
ORIGINAL_SIDE = 256.0
LINE_DIAMETER = 16.0
PADDING = 16.0
TOTAL_PADDING = 2 * PADDING + LINE_DIAMETER
RENDER_SCALE = IMAGE_SIDE / (ORIGINAL_SIDE + TOTAL_PADDING)
BYTES_PER_PIXEL = 4  # ARGB32; Google keeps the first byte of each pixel
PATH_ELEMENTS_PER_COMMAND = 2  # a cairo_path_data_t header, then one point (16 bytes each)

_NUMERIC_KINDS = "iuf"  # numpy dtype kinds accepted as coordinates (bool and str are not)


def numeric_stroke(stroke: object, number: int) -> np.ndarray:
    """One stroke (number ``number`` in its drawing) as a ``(fields, n)`` numeric array as numpy read it.

    Raises ``InvalidDrawing`` unless it is ``[xs, ys]`` or ``[xs, ys, ts]`` of equal-length number lists.
    """
    if not isinstance(stroke, (list, tuple)) or len(stroke) not in STROKE_FIELDS:
        raise InvalidDrawing(f"stroke {number} must be [xs, ys] or [xs, ys, ts]")
    if not all(isinstance(values, (list, tuple, np.ndarray)) for values in stroke):
        raise InvalidDrawing(f"stroke {number} must hold lists of numbers")
    try:
        array = np.asarray(stroke)  # one conversion per stroke: fields of unequal length fail here
    except (ValueError, TypeError) as error:
        raise InvalidDrawing(f"stroke {number} has lists of different lengths or non-numbers") from error
    if array.ndim != 2 or (array.size and array.dtype.kind not in _NUMERIC_KINDS):
        raise InvalidDrawing(f"stroke {number} must hold equal-length lists of numbers")
    return array


def stroke_array(stroke: object, number: int) -> np.ndarray:
    """``numeric_stroke`` as float64."""
    return numeric_stroke(stroke, number).astype(np.float64, copy=False)


def validate_strokes(strokes: object) -> list[np.ndarray]:
    """Check a drawing's shape and values; return one float64 ``(2, n)`` array per non-empty stroke.

    A drawing is a list of strokes, each ``[xs, ys]`` or ``[xs, ys, ts]`` of equal-length number
    lists. Empty strokes are dropped (a stroke can be empty while it starts); anything malformed,
    non-finite or beyond the named limits raises ``InvalidDrawing``.
    """
    if not isinstance(strokes, (list, tuple)):
        raise InvalidDrawing(f"a drawing must be a list of strokes, not {type(strokes).__name__}")
    if len(strokes) > MAX_STROKES:
        raise InvalidDrawing(f"a drawing has at most {MAX_STROKES} strokes, got {len(strokes)}")
    arrays = [stroke_array(stroke, number) for number, stroke in enumerate(strokes)]
    if sum(array.shape[1] for array in arrays) > MAX_POINTS:
        raise InvalidDrawing(f"a drawing has at most {MAX_POINTS} points")
    arrays = [array for array in arrays if array.shape[1]]
    if arrays:
        # flattened per stroke: [xs, ys] and [xs, ys, ts] strokes may be mixed
        if not np.isfinite(np.concatenate([array.ravel() for array in arrays])).all():
            raise InvalidDrawing("the drawing contains a non-finite number (NaN or infinity)")
        if np.abs(np.concatenate([array[:2].ravel() for array in arrays])).max() > MAX_ABS_COORDINATE:
            raise InvalidDrawing(f"the drawing has a coordinate beyond ±{MAX_ABS_COORDINATE:g}")
    return [array[:2] for array in arrays]


def _resample(xy: np.ndarray) -> np.ndarray:
    """Points every ``RESAMPLE_SPACING`` along the stroke, plus its end; a dot becomes two points."""
    step = xy[:, 1:] - xy[:, :-1]
    arc = np.zeros(xy.shape[1])
    np.cumsum(np.hypot(step[0], step[1]), out=arc[1:])
    total = arc[-1]
    if total == 0:  # zero length: Google keeps a dot as a 2-point stroke
        return xy[:, [0, 0]]
    at = np.arange(0.0, total + RESAMPLE_SPACING, RESAMPLE_SPACING)
    at[-1] = total
    return np.array((np.interp(at, arc, xy[0]), np.interp(at, arc, xy[1])))


def _rdp_keep(x: np.ndarray, y: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Ramer-Douglas-Peucker over many polylines at once; returns the mask of kept points.

    Each pass measures every point against the chord of the kept points around it and splits every
    interval whose farthest point is beyond epsilon at its first farthest point: the same result as
    the recursive algorithm (checked on every raw drawing), in a few numpy calls per recursion level.
    Stroke ends are kept, so no interval spans two strokes.
    """
    size = x.size
    keep = np.zeros(size, dtype=bool)
    keep[starts] = True
    keep[ends] = True
    if size < 3:
        return keep
    position = np.arange(size - 1)
    xs, ys = x[:-1], y[:-1]
    while True:
        kept = keep.nonzero()[0]
        left, right = kept[:-1], kept[1:]
        runs = right - left
        lx, ly = x[left], y[left]
        dx, dy = x[right] - lx, y[right] - ly
        chord = np.hypot(dx, dy)
        closed = chord == 0
        px = xs - lx.repeat(runs)
        py = ys - ly.repeat(runs)
        cross = np.abs(dx.repeat(runs) * py - dy.repeat(runs) * px)
        if np.count_nonzero(closed):  # count_nonzero: a fraction of .any()'s call cost on small arrays
            chord[closed] = 1.0
            distance = cross / chord.repeat(runs)
            at_closed = closed.repeat(runs)
            distance[at_closed] = np.hypot(px[at_closed], py[at_closed])
        else:
            distance = cross / chord.repeat(runs)
        farthest = np.maximum.reduceat(distance, left)
        split = farthest > RDP_EPSILON
        if not np.count_nonzero(split):
            return keep
        first = np.minimum.reduceat(np.where(distance == farthest.repeat(runs), position, size), left)
        keep[first[split]] = True


def drawing_extent(low: np.ndarray, high: np.ndarray) -> float:
    """The uniform scale's denominator: the larger side of the bounding box ``low``..``high`` (1 for a point)."""
    return float((high - low).max()) or 1.0  # all points equal: stay at 0


def normalized_resample(xy: np.ndarray, low: np.ndarray, extent: float) -> np.ndarray:
    """One stroke aligned to ``low``, scaled so ``extent`` becomes 255, then resampled every pixel."""
    # `* 255 / extent` (not `* (255 / extent)`): this order matched Google's output most often
    return _resample((xy - low) * SIMPLIFIED_MAX / extent)


def check_resampled_total(points: int) -> None:
    """Refuse a drawing whose resampled strokes hold more than ``MAX_RESAMPLED_POINTS`` points."""
    if points > MAX_RESAMPLED_POINTS:
        raise InvalidDrawing(f"the drawing is too long (over {MAX_RESAMPLED_POINTS} pixels of ink)")


def rdp_rounded(resampled: list[np.ndarray]) -> list[np.ndarray]:
    """RDP then rounding of resampled strokes, each on its own: one ``(2, k)`` whole-number array per stroke.

    Stroke ends are always kept, so a stroke's result does not depend on the other strokes passed.
    """
    if len(resampled) == 1:  # the live case (the stroke being drawn): no splitting to do
        xy = resampled[0]
        return [np.round(xy[:, _rdp_keep(xy[0], xy[1], np.array([0]), np.array([xy.shape[1] - 1]))])]
    sizes = np.array([xy.shape[1] for xy in resampled])
    points = np.concatenate(resampled, axis=1)
    ends = np.cumsum(sizes)
    keep = _rdp_keep(points[0], points[1], ends - sizes, ends - 1)
    kept = np.round(points[:, keep])
    bounds = np.cumsum(np.add.reduceat(keep, ends - sizes))[:-1]
    return np.split(kept, bounds, axis=1)


def _simplify_arrays(strokes: list[np.ndarray]) -> list[np.ndarray]:
    """``simplify`` on validated strokes: one ``(2, k)`` array of whole numbers 0-255 per stroke."""
    if not strokes:
        return []
    points = np.concatenate(strokes, axis=1)
    low = points.min(axis=1, keepdims=True)
    extent = drawing_extent(low, points.max(axis=1, keepdims=True))
    resampled = [normalized_resample(xy, low, extent) for xy in strokes]
    check_resampled_total(sum(xy.shape[1] for xy in resampled))
    return rdp_rounded(resampled)


def simplify(raw_strokes: object) -> list[list[list[int]]]:
    """Google's simplification of raw strokes: ``[[xs], [ys]]`` per stroke, ints 0-255.

    1) align to the top-left (minimum 0); 2) scale uniformly so the maximum coordinate is 255;
    3) resample every stroke with 1-pixel spacing; 4) Ramer-Douglas-Peucker, epsilon 2.0.
    """
    return [xy.astype(np.int64).tolist() for xy in _simplify_arrays(validate_strokes(raw_strokes))]


class Canvas(threading.local):
    """One cairo surface and context per thread: cheap to reuse, never shared across threads.

    ``clear`` (or ``restore`` pixels saved by ``pixels``), ``draw`` strokes in order, then ``image``.
    """

    def __init__(self) -> None:
        self.surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, IMAGE_SIDE, IMAGE_SIDE)
        context = cairo.Context(self.surface)
        context.set_antialias(cairo.ANTIALIAS_BEST)
        context.set_line_cap(cairo.LINE_CAP_ROUND)
        context.set_line_join(cairo.LINE_JOIN_ROUND)
        context.set_line_width(LINE_DIAMETER)
        context.scale(RENDER_SCALE, RENDER_SCALE)
        context.translate(TOTAL_PADDING / 2, TOTAL_PADDING / 2)
        self.context = context
        # cairocffi's methods check status after every call (another C call, releasing the GIL each time);
        # the raw C calls below skip that: drawing never fails on a valid image surface
        self.pointer = context._pointer
        self.surface_pointer = self.surface._pointer
        self.path = _ffi.new("cairo_path_t *")  # reused by draw; status stays CAIRO_STATUS_SUCCESS (0)
        self.view = np.frombuffer(self.surface.get_data(), dtype=np.uint8).reshape(
            IMAGE_SIDE, self.surface.get_stride()
        )

    def clear(self) -> None:
        """Black canvas, white pen."""
        _lib.cairo_set_source_rgb(self.pointer, 0, 0, 0)
        _lib.cairo_paint(self.pointer)
        _lib.cairo_set_source_rgb(self.pointer, 1, 1, 1)

    def restore(self, pixels: np.ndarray) -> None:
        """The canvas as ``pixels()`` saved it, white pen: drawing on continues exactly as it would have."""
        self.view[...] = pixels
        _lib.cairo_surface_mark_dirty(self.surface_pointer)
        _lib.cairo_set_source_rgb(self.pointer, 1, 1, 1)

    def draw(self, xy: np.ndarray, offset: np.ndarray) -> None:
        """Stroke one simplified stroke, shifted by ``offset`` (``centring_offset``).

        The path is move_to the first point, then line_to every point (the first too: a dot gets its
        round cap), handed to cairo as one ``cairo_path_t`` (cairo_append_path makes exactly those
        calls): two C calls per stroke instead of one per point, each of which releases the GIL.
        """
        points = xy.shape[1]
        data = np.empty((PATH_ELEMENTS_PER_COMMAND * (points + 1), 2))
        centered = (xy + offset).T
        data[1] = centered[0]
        data[1 + PATH_ELEMENTS_PER_COMMAND :: PATH_ELEMENTS_PER_COMMAND] = centered
        headers = data.view(np.int32)[::PATH_ELEMENTS_PER_COMMAND]  # (type, length, unused, unused)
        headers[:, 0] = _lib.CAIRO_PATH_LINE_TO
        headers[0, 0] = _lib.CAIRO_PATH_MOVE_TO
        headers[:, 1] = PATH_ELEMENTS_PER_COMMAND
        self.path.data = _ffi.cast("cairo_path_data_t *", _ffi.from_buffer(data))
        self.path.num_data = data.shape[0]
        _lib.cairo_append_path(self.pointer, self.path)
        _lib.cairo_stroke(self.pointer)

    def pixels(self) -> np.ndarray:
        """A copy of the whole surface (for ``restore``)."""
        _lib.cairo_surface_flush(self.surface_pointer)
        return self.view.copy()

    def image(self) -> np.ndarray:
        """The canvas as the model's input: uint8 ``(28, 28)``, Google keeps the first byte of each pixel."""
        _lib.cairo_surface_flush(self.surface_pointer)
        return self.view[:, : IMAGE_SIDE * BYTES_PER_PIXEL : BYTES_PER_PIXEL].copy()


_lib = cairo.cairo
_ffi = cairo.ffi
_canvas = Canvas()


def thread_canvas() -> Canvas:
    """This thread's canvas."""
    return _canvas


def centring_offset(high: np.ndarray) -> np.ndarray:
    """Shift that centres on the drawing's largest x and y (not its bounding box centre), like Google."""
    return (ORIGINAL_SIDE - high) / 2


def _render(strokes: list[np.ndarray]) -> np.ndarray:
    canvas = _canvas
    canvas.clear()
    if strokes:
        offset = centring_offset(np.concatenate(strokes, axis=1).max(axis=1, keepdims=True))
        for xy in strokes:
            canvas.draw(xy, offset)
    return canvas.image()


def rasterize(simplified_strokes: object) -> np.ndarray:
    """Render simplified strokes like Google's numpy_bitmap: uint8 ``(28, 28)``, 255 = ink on 0."""
    return _render(validate_strokes(simplified_strokes))


def render_raw(raw_strokes: object) -> np.ndarray:
    """Raw browser strokes to the model's input image: ``rasterize(simplify(raw_strokes))``."""
    return _render(_simplify_arrays(validate_strokes(raw_strokes)))
