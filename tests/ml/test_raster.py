"""ml.raster: Google's simplification and numpy_bitmap rendering, checked against Google's own files."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from ml.errors import InvalidDrawing
from ml.raster import (
    IMAGE_SIDE,
    MAX_ABS_COORDINATE,
    MAX_STROKES,
    rasterize,
    render_raw,
    simplify,
    validate_strokes,
)

BITMAP_EXACT_MIN = 0.99  # the floor; the README says exact facts reproduce every pair
RAW_MEAN_ABS_DIFF_MAX = 1.0  # grey levels, over all pixels of all raw/bitmap pairs
SIMPLIFIED_EXACT_MIN = 0.9  # share of drawings whose simplify(raw) equals Google's simplified (measured 0.95)
THREADS = 4
ZIGZAG_TURNS = 500
CENTRE_TOLERANCE_PX = 0.05  # antialiasing is not mirror-exact


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param([], [], id="empty drawing"),
        pytest.param([[[], []]], [], id="empty stroke dropped"),
        pytest.param([[[10, 20], [30, 40]]], [[[0, 255], [0, 255]]], id="aligned to top-left, scaled to 255"),
        pytest.param([[[0, 100], [0, 50]]], [[[0, 255], [0, 128]]], id="uniform scale keeps aspect"),
        pytest.param([[[0, 50, 100], [7, 7, 7]]], [[[0, 255], [0, 0]]], id="collinear middle point dropped"),
        pytest.param([[[0, 100, 100], [0, 0, 100]]], [[[0, 255, 255], [0, 0, 255]]], id="corner kept"),
        pytest.param([[[0, 50, 100], [0, 0.5, 0]]], [[[0, 255], [0, 0]]], id="wiggle under epsilon dropped"),
        pytest.param([[[0, 50, 100], [0, 5, 0]]], [[[0, 127, 255], [0, 13, 0]]], id="bump over epsilon kept"),
        pytest.param([[[5], [9]]], [[[0, 0], [0, 0]]], id="one point becomes a 2-point dot"),
        pytest.param([[[3, 3, 3], [4, 4, 4]]], [[[0, 0], [0, 0]]], id="all points equal"),
        pytest.param([[[0, 10], [0, 0], [0, 16]]], [[[0, 255], [0, 0]]], id="timestamps accepted and ignored"),
        pytest.param(
            [[[0, 100], [0, 0]], [[50], [50]]],
            [[[0, 255], [0, 0]], [[128, 128], [128, 128]]],
            id="strokes keep their order; a dot inside the drawing",
        ),
        pytest.param(
            [[[0, 100], [0, 0]], [[50], [50], [7]]],
            [[[0, 255], [0, 0]], [[128, 128], [128, 128]]],
            id="[xs, ys] and [xs, ys, ts] strokes mixed",
        ),
    ],
)
def test_simplify_cases(raw: list, expected: list) -> None:
    assert simplify(raw) == expected


@pytest.mark.parametrize(
    "simplified",
    [[], [[[], []]]],
    ids=["empty drawing", "only an empty stroke"],
)
def test_rasterize_empty_is_black(simplified: list) -> None:
    image = rasterize(simplified)
    assert image.dtype == np.uint8 and image.shape == (IMAGE_SIDE, IMAGE_SIDE)
    assert not image.any()


@pytest.mark.parametrize(
    ("simplified", "peak"),
    [
        pytest.param([[[0, 255], [0, 255]]], 255, id="diagonal"),
        pytest.param([[[0, 255], [255, 0]]], 255, id="anti-diagonal"),
        pytest.param([[[0, 255, 255, 0, 0], [0, 0, 255, 255, 0]]], 255, id="square outline"),
        pytest.param([[[0, 0], [0, 0]]], 104, id="a dot is a small grey disc"),
    ],
)
def test_rasterize_centres_drawings_spanning_the_box(simplified: list, peak: int) -> None:
    image = rasterize(simplified)
    rows, columns = np.mgrid[:IMAGE_SIDE, :IMAGE_SIDE]
    ink = image.astype(np.float64)
    centre = (IMAGE_SIDE - 1) / 2
    assert image.max() == peak
    assert abs((ink * columns).sum() / ink.sum() - centre) < CENTRE_TOLERANCE_PX
    assert abs((ink * rows).sum() / ink.sum() - centre) < CENTRE_TOLERANCE_PX


@pytest.mark.parametrize(
    ("drawing", "detail"),
    [
        pytest.param(None, "list of strokes", id="not a list"),
        pytest.param({"x": [1]}, "list of strokes", id="a dict"),
        pytest.param([[[1, 2]]], r"\[xs, ys\]", id="one field"),
        pytest.param([[[1], [2], [3], [4]]], r"\[xs, ys\]", id="four fields"),
        pytest.param([[[1, 2], [3]]], "different lengths", id="mismatched xs/ys"),
        pytest.param([[[1, 2], [3, 4], [5]]], "different lengths", id="mismatched ts"),
        pytest.param([[["1", 2], [3, 4]]], "numbers", id="a string coordinate"),
        pytest.param([[[None, 2], [3, 4]]], "numbers", id="a null coordinate"),
        pytest.param([[[[1], [2]], [[3], [4]]]], "numbers", id="nested lists"),
        pytest.param([[1, 2]], "must hold lists", id="stroke of numbers"),
        pytest.param([[[float("nan")], [1.0]]], "non-finite", id="NaN"),
        pytest.param([[[1.0], [float("inf")]]], "non-finite", id="infinity"),
        pytest.param([[[0.0], [1.0], [float("nan")]]], "non-finite", id="NaN timestamp"),
        pytest.param([[[MAX_ABS_COORDINATE * 10], [1.0]]], "beyond", id="absurd coordinate"),
        pytest.param([[[0.0], [0.0]]] * (MAX_STROKES + 1), "at most", id="too many strokes"),
    ],
)
@pytest.mark.parametrize("function", [simplify, rasterize, render_raw, validate_strokes])
def test_hostile_input_raises_invalid_drawing(function, drawing: object, detail: str) -> None:
    with pytest.raises(InvalidDrawing, match=detail):
        function(drawing)


@pytest.mark.parametrize("function", [simplify, render_raw])
def test_hostile_zigzag_hits_the_resampling_budget(function) -> None:
    """Few points but kilometres of ink: resampling one point per pixel must not eat the server."""
    zigzag = [[[0.0, MAX_ABS_COORDINATE] * ZIGZAG_TURNS, [0.0, MAX_ABS_COORDINATE] * ZIGZAG_TURNS]]
    with pytest.raises(InvalidDrawing, match="too long"):
        function(zigzag)


def _read_ndjson(path: Path) -> list[list]:
    return [json.loads(line)["drawing"] for line in path.read_text().splitlines()]


def _strokes_with_bitmaps(folder: Path, kind: str) -> list[tuple[list, np.ndarray]]:
    """(drawing, Google's bitmap) for every upstream row present in both ``kind`` ndjson and bitmaps."""
    index = json.loads((folder / "index.json").read_text())
    pairs = []
    for path in sorted((folder / "bitmaps").glob("*.npz")):
        category = path.stem
        with np.load(path) as bitmaps:
            position = {row: i for i, row in enumerate(bitmaps["rows"].tolist())}
            images = bitmaps["images"]
        drawings = _read_ndjson(folder / kind / f"{category}.ndjson")
        for drawing, row in zip(drawings, index[category][f"{kind}_rows"]):
            if row in position:
                pairs.append((drawing, images[position[row]].reshape(IMAGE_SIDE, IMAGE_SIDE)))
    return pairs


def test_rasterize_is_bit_identical_to_google_bitmaps(quickdraw_data: Path) -> None:
    pairs = _strokes_with_bitmaps(quickdraw_data, "simplified")
    assert pairs, "no simplified/bitmap pairs found"
    exact = sum(np.array_equal(rasterize(drawing), bitmap) for drawing, bitmap in pairs)
    print(f"\nsimplified -> rasterize: {exact}/{len(pairs)} bit-identical to Google's numpy_bitmap")
    assert exact / len(pairs) >= BITMAP_EXACT_MIN
    assert exact == len(pairs)


def test_render_raw_is_close_to_google_bitmaps(quickdraw_data: Path) -> None:
    pairs = _strokes_with_bitmaps(quickdraw_data, "raw")
    assert pairs, "no raw/bitmap pairs found"
    differences = [np.abs(render_raw(d).astype(np.int16) - bitmap).mean() for d, bitmap in pairs]
    mean = float(np.mean(differences))
    exact = sum(difference == 0 for difference in differences)
    print(f"\nraw -> render_raw: mean |diff| {mean:.3f} grey levels over {len(pairs)} pairs; {exact} bit-identical")
    assert mean <= RAW_MEAN_ABS_DIFF_MAX


def test_simplify_matches_google_simplified(quickdraw_data: Path) -> None:
    index = json.loads((quickdraw_data / "index.json").read_text())
    drawings = strokes = same_drawings = same_strokes = 0
    for category, rows in index.items():
        shared = set(rows.get("raw_rows", ())) & set(rows.get("simplified_rows", ()))
        if not shared:
            continue
        raw = dict(zip(rows["raw_rows"], _read_ndjson(quickdraw_data / "raw" / f"{category}.ndjson")))
        google = dict(zip(rows["simplified_rows"], _read_ndjson(quickdraw_data / "simplified" / f"{category}.ndjson")))
        for row in shared:
            ours = simplify(raw[row])
            drawings += 1
            same_drawings += ours == google[row]
            strokes += len(google[row])
            same_strokes += sum(a == b for a, b in zip(ours, google[row]))
    print(
        f"\nsimplify(raw) == Google's simplified: {same_drawings}/{drawings} drawings "
        f"({same_drawings / drawings:.1%}), {same_strokes}/{strokes} strokes ({same_strokes / strokes:.1%})"
    )
    assert same_drawings / drawings >= SIMPLIFIED_EXACT_MIN


def test_partial_drawings_render(quickdraw_data: Path) -> None:
    """Every prefix the server can see mid-drawing: whole strokes, and a stroke cut after each point."""
    drawing = _read_ndjson(quickdraw_data / "raw" / "cat.ndjson")[0]
    for stroke_count in range(len(drawing) + 1):
        done, current = drawing[:stroke_count], drawing[stroke_count] if stroke_count < len(drawing) else None
        assert render_raw(done).shape == (IMAGE_SIDE, IMAGE_SIDE)
        for points in range(len(current[0]) + 1 if current else 0):
            image = render_raw(done + [[field[:points] for field in current]])
            assert image.any() == bool(done or points)


def test_render_raw_is_thread_safe(quickdraw_data: Path) -> None:
    drawings = _read_ndjson(quickdraw_data / "raw" / "dog.ndjson")
    serial = [render_raw(drawing) for drawing in drawings]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for _ in range(THREADS):
            threaded = list(pool.map(render_raw, drawings))
            for expected, image in zip(serial, threaded):
                np.testing.assert_array_equal(image, expected)
