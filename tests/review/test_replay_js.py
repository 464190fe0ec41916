"""The pure parts of static/js/replay.js (timing, current timeline entry, fitting, the play clock), imported
into Chromium and checked with tables. No server: the page's origin is served from the static folder."""

import math
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "static"
ORIGIN = "http://replay.test"
BLANK = "<!doctype html><title>replay.js tests</title>"
INF = math.inf

# Raw strokes: three points at 0, 10, 20 ms, then two at 30, 45 ms.
TWO_STROKES = [[[0, 10, 20], [0, 5, 0], [0, 10, 20]], [[5, 15], [30, 40], [30, 45]]]


@pytest.fixture(scope="module")
def js_page(browser):
    context = browser.new_context()

    def serve(route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(body=BLANK, content_type="text/html")
            return
        file = STATIC / path.removeprefix("/static/")
        if path.startswith("/static/") and file.is_file():
            route.fulfill(path=str(file), content_type="text/javascript")
        else:
            route.fulfill(status=404, body="not found")

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    page.goto(ORIGIN + "/")
    yield page
    context.close()


@pytest.fixture
def run_js(js_page):
    def run(body: str, arg=None):
        return js_page.evaluate(f"async (arg) => {{ const m = await import('/static/js/replay.js'); {body} }}", arg)

    return run


@pytest.mark.parametrize(
    ("strokes", "timeline", "stroke_ms", "replay_ms"),
    [
        ([], [], 0, 0),
        (TWO_STROKES, [], 45, 45),
        (TWO_STROKES, [[12, "cat", 0.5]], 45, 45),
        (TWO_STROKES, [[12, "dog", 0.5], [60, "cat", 0.9]], 45, 60),  # a guess that came after the last point
        ([[[1, 2], [1, 2]]], [], 0, 0),  # no times at all
    ],
)
def test_durations(run_js, strokes: list, timeline: list, stroke_ms: float, replay_ms: float) -> None:
    result = run_js("return [m.strokesDuration(arg[0]), m.replayDuration(arg[0], arg[1])];", [strokes, timeline])
    assert result == [stroke_ms, replay_ms]


@pytest.mark.parametrize(
    ("strokes", "t", "counts"),
    [
        (TWO_STROKES, -1, [0, 0]),
        (TWO_STROKES, 0, [1, 0]),
        (TWO_STROKES, 15, [2, 0]),
        (TWO_STROKES, 20, [3, 0]),
        (TWO_STROKES, 29.9, [3, 0]),
        (TWO_STROKES, 30, [3, 1]),
        (TWO_STROKES, 45, [3, 2]),
        (TWO_STROKES, INF, [3, 2]),
        ([[[0, 1, 2], [0, 1, 2], [0, 10, 10]]], 10, [3]),  # points sharing a time appear together
        ([[[0, 1], [0, 1]]], 0, [2]),  # a stroke without times shows whole
        ([], 100, []),
    ],
)
def test_visible_counts(run_js, strokes: list, t: float, counts: list[int]) -> None:
    assert run_js("return m.visibleCounts(arg[0], arg[1]);", [strokes, t]) == counts


TIMELINE = [[200, "snail", 0.3], [1100, "dog", 0.55], [2000, "cat", 0.9]]


@pytest.mark.parametrize(
    ("timeline", "t", "index"),
    [
        ([], 500, -1),
        (TIMELINE, 0, -1),
        (TIMELINE, 199.9, -1),
        (TIMELINE, 200, 0),
        (TIMELINE, 1099, 0),
        (TIMELINE, 1100, 1),
        (TIMELINE, 2000, 2),
        (TIMELINE, INF, 2),
    ],
)
def test_entry_at(run_js, timeline: list, t: float, index: int) -> None:
    assert run_js("return m.entryAt(arg[0], arg[1]);", [timeline, t]) == index


@pytest.mark.parametrize(
    ("strokes", "bounds"),
    [
        ([], None),
        ([[[], [], []]], None),
        ([[[5], [7], [0]]], {"left": 5, "top": 7, "width": 0, "height": 0}),
        (TWO_STROKES, {"left": 0, "top": 0, "width": 20, "height": 40}),
        ([[[-3, 4], [10, 2], [0, 1]]], {"left": -3, "top": 2, "width": 7, "height": 8}),
    ],
)
def test_strokes_bounds(run_js, strokes: list, bounds: dict | None) -> None:
    assert run_js("return m.strokesBounds(arg);", strokes) == bounds


@pytest.mark.parametrize(
    ("canvas", "fit", "area"),
    [
        ([400, 300], "canvas", {"box": {"left": 0, "top": 0, "width": 400, "height": 300}, "padding": 0}),
        (None, "canvas", {"box": {"left": 0, "top": 0, "width": 20, "height": 40}, "padding": 0.06}),
        ([400, 300], "bounds", {"box": {"left": 0, "top": 0, "width": 20, "height": 40}, "padding": 0.06}),
    ],
)
def test_view_area(run_js, canvas: list | None, fit: str, area: dict) -> None:
    drawing = {"strokes": TWO_STROKES, "timeline": [], "canvas": canvas}
    assert run_js("return m.viewArea(arg[0], arg[1]);", [drawing, fit]) == area


@pytest.mark.parametrize(
    ("box", "size", "padding", "transform"),
    [
        # a landscape canvas in a square: full width, centred vertically
        ({"left": 0, "top": 0, "width": 400, "height": 300}, [200, 200], 0, {"scale": 0.5, "x": 0, "y": 25}),
        # a small box far from the origin, with 10 % padding on each side
        ({"left": 100, "top": 50, "width": 10, "height": 10}, [100, 100], 0.1, {"scale": 8, "x": -790, "y": -390}),
        # a single point: a zero side counts as 1, so it lands in the middle
        ({"left": 5, "top": 5, "width": 0, "height": 0}, [100, 100], 0, {"scale": 100, "x": -500, "y": -500}),
        # a tall box in a wide canvas: full height, centred horizontally
        ({"left": 0, "top": 0, "width": 10, "height": 20}, [300, 100], 0, {"scale": 5, "x": 125, "y": 0}),
    ],
)
def test_fit_transform(run_js, box: dict, size: list, padding: float, transform: dict) -> None:
    result = run_js("return m.fitTransform(arg[0], arg[1][0], arg[1][1], arg[2]);", [box, size, padding])
    assert result == pytest.approx(transform)


# Each step is [method, ...args] on a ReplayClock of a 1000 ms drawing; the result is what each returned.
CLOCK_JS = """
const clock = new m.ReplayClock(1000);
return arg.map(([method, ...args]) => { const value = clock[method](...args); return value === undefined ? null : value; });
"""


@pytest.mark.parametrize(
    ("steps", "results"),
    [
        # starts paused at the end; play from the end starts over, at real speed
        (
            [["position", 0], ["ended", 0], ["play", 100], ["position", 100], ["position", 600], ["ended", 600]],
            [1000, True, None, 0, 500, False],
        ),
        # pause holds the position; play resumes from it; the position stops at the end
        (
            [
                ["play", 0],
                ["pause", 300],
                ["position", 5000],
                ["play", 5000],
                ["position", 5200],
                ["position", 9999],
                ["ended", 9999],
            ],
            [None, None, 300, None, 500, 1000, True],
        ),
        # a speed change keeps the position reached and goes on from there faster
        (
            [
                ["play", 0],
                ["setSpeed", 4, 100],
                ["position", 100],
                ["position", 200],
                ["setSpeed", 1, 200],
                ["position", 300],
            ],
            [None, None, 100, 500, None, 600],
        ),
        # instant: the whole drawing at once
        ([["setSpeed", INF, 0], ["restart", 0], ["position", 0], ["ended", 0]], [None, None, 1000, True]),
        # restart goes back to the beginning and plays, from anywhere
        (
            [["play", 0], ["position", 700], ["restart", 700], ["position", 700], ["position", 750]],
            [None, 700, None, 0, 50],
        ),
    ],
)
def test_replay_clock(run_js, steps: list, results: list) -> None:
    assert run_js(CLOCK_JS, steps) == results
