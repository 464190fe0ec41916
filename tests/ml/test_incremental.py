"""ml.incremental.LiveRaster: the same image as ml.raster.render_raw for every state of a drawing, less work."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ml.incremental
from ml import live
from ml.errors import InvalidDrawing
from ml.incremental import LiveRaster, render_many
from ml.raster import MAX_ABS_COORDINATE, MAX_STROKES, render_raw

PARITY_CATEGORIES = 40  # real drawings checked update by update (one per category, spread over the alphabet)
THREADS = 4
ZIGZAG_TURNS = 500


def _same_as_render_raw(raster: LiveRaster, drawing: object) -> None:
    np.testing.assert_array_equal(raster.render(drawing), render_raw(drawing))


def _line(points: int, x0: float = 0.0, y0: float = 0.0, step: float = 7.0) -> list[list[float]]:
    """A wiggly raw stroke ``[xs, ys, ts]``."""
    xs = [x0 + step * i for i in range(points)]
    return [xs, [y0 + (step * i) ** 1.3 % 90 for i in range(points)], [16 * i for i in range(points)]]


GROWING = [[[f[:n] for f in _line(12)]] for n in range(1, 13)]
SECOND = _line(9, 40, -30, 5)


@pytest.mark.parametrize(
    "states",
    [
        pytest.param(GROWING, id="one stroke growing point by point"),
        pytest.param(GROWING[-1:] * 3, id="the same drawing again"),
        pytest.param([GROWING[-1] + [[f[:n] for f in SECOND]] for n in range(1, 10)], id="second stroke growing"),
        pytest.param([GROWING[-1] + [SECOND], GROWING[-1], GROWING[-1] + [_line(9, 40, -30, 6)]], id="undo, redraw"),
        pytest.param([GROWING[-1] + [SECOND], [], GROWING[4], []], id="clear and draw again"),
        pytest.param([GROWING[5], GROWING[5] + [[[500], [500], [0]]]], id="a dot far out grows the frame"),
        pytest.param([GROWING[3], GROWING[6], GROWING[2]], id="drawing shrinks to an earlier prefix"),
        pytest.param([[[[3, 3, 3], [4, 4, 4], [0, 1, 2]]]] * 2, id="all points equal"),
        pytest.param([[_line(5), [[], [], []], SECOND]] * 2, id="an empty stroke in between"),
        pytest.param(
            [[[[1, 2, 3], [1, 5, 2], [0, 1, 2]]], [[[1.0, 2.0, 3.0], [1.0, 5.0, 2.0], [0, 1, 2]]]],
            id="ints then equal floats",
        ),
        pytest.param([[_line(5)[:2], SECOND]] * 2, id="[xs, ys] and [xs, ys, ts] strokes mixed"),
        pytest.param([[[np.arange(5.0), np.arange(5.0) ** 2]]] * 2, id="numpy fields (not cached)"),
        pytest.param([[(_line(5)[0], _line(5)[1])]] * 2, id="a tuple stroke (not cached)"),
        pytest.param([[[[0, 1], [0, 1], [0, 1]]], [[[0, 1, 2.5], [0, 1, 2], [0, 1, 2]]]], id="ints grow with a float"),
    ],
)
def test_every_state_renders_like_render_raw(states: list) -> None:
    raster = LiveRaster()
    for drawing in states:
        _same_as_render_raw(raster, drawing)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(None, id="not a list"),
        pytest.param([[[1, 2]]], id="one field"),
        pytest.param([[[1, 2], [3]]], id="mismatched xs/ys"),
        pytest.param([[["1", 2], [3, 4]]], id="a string coordinate"),
        pytest.param([[[0, 1, float("nan")], [0, 1, 2], [0, 1, 2]]], id="NaN appended to the cached stroke"),
        pytest.param([[[0, 1, 2], [0, 1, 2], [0, 1, float("inf")]]], id="infinite timestamp appended"),
        pytest.param([[[0, 1, MAX_ABS_COORDINATE * 10], [0, 1, 2], [0, 1, 2]]], id="absurd coordinate appended"),
        pytest.param([[[0.0], [0.0]]] * (MAX_STROKES + 1), id="too many strokes"),
        pytest.param([[[0.0, MAX_ABS_COORDINATE] * ZIGZAG_TURNS] * 2], id="too long to resample"),
    ],
)
def test_bad_input_raises_what_render_raw_raises(bad: object) -> None:
    raster = LiveRaster()
    raster.render([[[0, 1], [0, 1], [0, 1]]])  # something cached first
    with pytest.raises(InvalidDrawing) as expected:
        render_raw(bad)
    with pytest.raises(InvalidDrawing, match=f"^{re.escape(expected.value.detail)}$"):
        raster.render(bad)
    _same_as_render_raw(raster, [[[0, 1, 2], [0, 1, 2], [0, 1, 2]]])  # and it keeps working


def test_only_the_changed_stroke_is_simplified_again(monkeypatch: pytest.MonkeyPatch) -> None:
    simplified: list[int] = []
    original = ml.incremental.rdp_rounded
    monkeypatch.setattr(
        ml.incremental, "rdp_rounded", lambda strokes: simplified.append(len(strokes)) or original(strokes)
    )
    raster = LiveRaster()
    first, second = _line(10, 0, 0, 10), _line(6, 20, 20, 3)  # the second stays inside the first's box
    raster.render([first, [f[:3] for f in second]])
    assert simplified == [2]
    raster.render([first, second])
    assert simplified == [2, 1]  # same frame: the finished stroke is reused
    raster.render([first, second, [[500], [500], [0]]])
    assert simplified == [2, 1, 3]  # a larger frame changes every stroke


@st.composite
def edits(draw: st.DrawFn) -> list[tuple]:
    """A drawing session: points arriving in chunks (new strokes among them), undo, clear."""
    coordinate = st.one_of(st.integers(-300, 300), st.floats(-300, 300, allow_nan=False, allow_infinity=False))
    chunk = st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=6)
    step = st.one_of(
        st.tuples(st.just("points"), st.booleans(), chunk),  # (op, starts a new stroke, points)
        st.tuples(st.just("undo")),
        st.tuples(st.just("clear")),
    )
    return draw(st.lists(step, min_size=1, max_size=25))


@settings(max_examples=300, deadline=None)
@given(edits())
def test_property_every_state_of_an_edited_drawing_matches(steps: list[tuple]) -> None:
    """The drawing is passed itself (not a copy) and mutated afterwards: the cache keeps its own copies."""
    raster, drawing, clock = LiveRaster(), [], 0
    for step in steps:
        if step[0] == "undo" and drawing:
            drawing.pop()
        elif step[0] == "clear":
            drawing.clear()
        elif step[0] == "points":
            _, new_stroke, points = step
            if new_stroke or not drawing:
                drawing.append([[], [], []])
            for x, y in points:
                clock += 1
                for field, value in zip(drawing[-1], (x, y, clock)):
                    field.append(value)
        _same_as_render_raw(raster, drawing)


def _parity_drawings(folder: Path) -> list[list]:
    paths = sorted((folder / "raw").glob("*.ndjson"))
    chosen = paths[:: max(1, len(paths) // PARITY_CATEGORIES)][:PARITY_CATEGORIES]
    return [json.loads(path.read_text().splitlines()[0])["drawing"] for path in chosen]


def test_real_drawings_update_by_update(quickdraw_data: Path) -> None:
    """Real drawings as the browser sends them (one chunk per frame), then undo, then clear, in one LiveRaster."""
    raster, updates = LiveRaster(), 0
    for drawing in _parity_drawings(quickdraw_data):
        for chunk in live.chunks(drawing):
            _same_as_render_raw(raster, live.prefix(drawing, chunk))
            updates += 1
        _same_as_render_raw(raster, drawing[:-1])  # undo
        _same_as_render_raw(raster, [])  # clear
    assert updates > PARITY_CATEGORIES


def test_render_many_advances_a_batch_like_one_raster_each(quickdraw_data: Path) -> None:
    """The server's batches: many drawings, each at its own update, some invalid, one render_many call per step."""
    drawings = _parity_drawings(quickdraw_data)
    timelines = [
        [live.prefix(drawing, chunk) for chunk in live.chunks(drawing)] + [drawing[:-1], []] for drawing in drawings
    ]
    rasters = [LiveRaster() for _ in drawings]
    invalid = [[[0, float("nan")], [0, 1]]]
    for step in range(max(len(timeline) for timeline in timelines)):
        jobs = [(raster, timeline[min(step, len(timeline) - 1)]) for raster, timeline in zip(rasters, timelines)]
        jobs.append((LiveRaster(), invalid))
        results = render_many(jobs)
        for (_, state), image in zip(jobs[:-1], results, strict=False):
            np.testing.assert_array_equal(image, render_raw(state))
        assert isinstance(results[-1], InvalidDrawing)


def test_one_raster_from_many_threads(quickdraw_data: Path) -> None:
    drawing = _parity_drawings(quickdraw_data)[0]
    states = [live.prefix(drawing, chunk) for chunk in live.chunks(drawing)]
    raster, barrier = LiveRaster(), threading.Barrier(THREADS)

    def render_all(offset: int) -> bool:
        barrier.wait()
        order = states[offset:] + states[:offset]
        return all(np.array_equal(raster.render(state), render_raw(state)) for state in order)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        assert all(pool.map(render_all, range(THREADS)))
