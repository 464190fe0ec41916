"""ml.data: the pure record parser (tables), and the walkers over temp files and the shared folder."""

import json
from pathlib import Path

import numpy as np
import pytest

from ml import data
from ml.config import QUICKDRAW_DATA_ENV
from ml.data import (
    BITMAP_PIXELS,
    DataFileError,
    Drawing,
    describe_folder,
    iter_drawings,
    iter_exported,
    iter_extra,
    load_bitmaps,
    load_thinline,
    ndjson_files,
    parse_drawing,
)
from ml.errors import DrawsiteError, InvalidDrawing
from ml.raster import rasterize

RAW_STROKES = [[[10.5, 20.25, 30.0], [5.0, 6.0, 7.5], [0, 16, 33]], [[1.0], [2.0], [50]]]
SIMPLIFIED_STROKES = [[[0, 128, 255], [255, 0, 10]], [[7], [9]]]
META = {"word": "cat", "countrycode": "VE", "timestamp": "2017-03-02 23:25:10.07453 UTC", "recognized": True,
        "key_id": "5201136883597312"}
# The shared folder's totals (its README and index.json).
RAW_DRAWINGS, SIMPLIFIED_DRAWINGS, BITMAP_IMAGES = 4870, 4472, 33903
RAW_CATEGORIES, SIMPLIFIED_CATEGORIES, BITMAP_CATEGORIES = 345, 344, 25
THINLINE_MAX_PER_CATEGORY = 100
PAIR_CATEGORIES = ("cat", "The Eiffel Tower", "zigzag")  # spaces in names; zigzag has no simplified file
BITMAP_PAIR_CATEGORY = "cat"


def record(**changes: object) -> dict:
    base = dict(META, drawing=RAW_STROKES)
    base.update(changes)
    return {key: value for key, value in base.items() if value is not ...}


@pytest.mark.parametrize(
    ("given", "kind", "expected_kind"),
    [
        pytest.param(record(), None, "raw", id="raw dict, kind inferred"),
        pytest.param(json.dumps(record()), "raw", "raw", id="raw ndjson line"),
        pytest.param(json.dumps(record()).encode(), None, "raw", id="raw line as bytes"),
        pytest.param(record(drawing=SIMPLIFIED_STROKES), None, "simplified", id="simplified inferred"),
        pytest.param(record(drawing=SIMPLIFIED_STROKES), "simplified", "simplified", id="simplified declared"),
        pytest.param(record(recognized=False, countrycode=""), None, "raw", id="unrecognized, no country"),
        pytest.param(dict(record(), extra="ignored"), None, "raw", id="extra keys ignored"),
    ],
)
def test_parse_valid(given: object, kind: str | None, expected_kind: str) -> None:
    drawing = parse_drawing(given, kind, row=7)
    source = given if isinstance(given, dict) else json.loads(given)
    assert drawing == Drawing(**{key: source[key] for key in data.RECORD_FIELDS}, kind=expected_kind, row=7)


@pytest.mark.parametrize(
    ("given", "kind", "detail"),
    [
        pytest.param("{not json", None, "not valid JSON", id="bad json"),
        pytest.param(b"\xff\xfe", None, "not valid JSON", id="bad utf-8"),
        pytest.param("[1, 2]", None, "must be a JSON object, not list", id="json list"),
        pytest.param(record(word=...), None, "missing key(s): word", id="no word"),
        pytest.param(record(key_id=..., drawing=...), None, "missing key(s): key_id, drawing", id="two missing"),
        pytest.param(record(word=5), None, "'word' must be a JSON str", id="word not str"),
        pytest.param(record(word=""), None, "'word' must not be empty", id="empty word"),
        pytest.param(record(recognized="true"), None, "'recognized' must be a JSON bool", id="recognized str"),
        pytest.param(record(key_id=5201136883597312), None, "'key_id' must be a JSON str", id="key_id int"),
        pytest.param(record(drawing={}), None, "'drawing' must be a JSON list", id="drawing object"),
        pytest.param(record(drawing=[]), None, "non-empty list of strokes", id="no strokes"),
        pytest.param(record(drawing=[5]), None, "stroke 0 must be a list", id="stroke not list"),
        pytest.param(record(drawing=[[[1], [2], [3], [4]]]), None, "has 4 arrays", id="four arrays"),
        pytest.param(record(drawing=[[[1]]]), None, "has 1 arrays", id="one array"),
        pytest.param(record(drawing=[RAW_STROKES[0], SIMPLIFIED_STROKES[0]]), None, "stroke 1 is simplified",
                     id="mixed kinds"),
        pytest.param(record(drawing=[[[1, 2], [3], [0, 1]]]), None, "differ in length", id="ragged arrays"),
        pytest.param(record(drawing=[[[], [], []]]), None, "stroke 0 has no points", id="empty stroke"),
        pytest.param(record(drawing=[[[1], 2, [0]]]), None, "must be a list", id="array not list"),
        pytest.param(record(drawing=[[[1.0], [float("nan")], [0]]]), None, "finite numbers", id="nan"),
        pytest.param(record(drawing=[[[float("inf")], [1.0], [0]]]), None, "finite numbers", id="infinity"),
        pytest.param(record(drawing=[[[True], [1.0], [0]]]), None, "finite numbers", id="bool coordinate"),
        pytest.param(record(drawing=[[["1"], [1.0], [0]]]), None, "finite numbers", id="string coordinate"),
        pytest.param(record(drawing=[[[256], [0]]]), None, "integers 0-255", id="simplified over 255"),
        pytest.param(record(drawing=[[[-1], [0]]]), None, "integers 0-255", id="simplified negative"),
        pytest.param(record(drawing=[[[1.5], [0]]]), None, "integers 0-255", id="simplified float"),
        pytest.param(record(), "simplified", "stroke 0 is raw but the drawing is simplified", id="raw as simplified"),
        pytest.param(record(drawing=SIMPLIFIED_STROKES), "raw", "is simplified but the drawing is raw",
                     id="simplified as raw"),
        pytest.param(json.dumps(record(drawing=[[[float("nan")], [0], [0]]])), None, "finite numbers",
                     id="NaN literal in a line"),
    ],
)
def test_parse_malformed(given: object, kind: str | None, detail: str) -> None:
    with pytest.raises(InvalidDrawing) as caught:
        parse_drawing(given, kind)
    assert detail in caught.value.detail
    assert caught.value.code == "bad_points"


def test_parse_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        parse_drawing(record(), "strokes")


def write_lines(path: Path, records: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def test_google_layout_without_index_numbers_rows_by_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "raw" / "big cat.ndjson", [record(), "", record(recognized=False)])
    drawings = list(iter_drawings(path))
    assert [(d.row, d.kind, d.recognized) for d in drawings] == [(0, "raw", True), (1, "raw", False)]


def test_index_rows_attached_and_checked(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "raw" / "cat.ndjson", [record(), record()])
    (tmp_path / "index.json").write_text(json.dumps({"cat": {"raw_rows": [4, 10]}}), encoding="utf-8")
    assert [d.row for d in iter_drawings(path)] == [4, 10]
    (tmp_path / "index.json").write_text(json.dumps({"cat": {"raw_rows": [4]}}), encoding="utf-8")
    with pytest.raises(DataFileError, match="more drawings than index.json lists"):
        list(iter_drawings(path))
    (tmp_path / "index.json").write_text(json.dumps({"cat": {"raw_rows": [4, 10, 12]}}), encoding="utf-8")
    with pytest.raises(DataFileError, match="2 drawings but index.json lists 3"):
        list(iter_drawings(path))


def test_walker_streams_and_names_the_bad_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "simplified" / "cat.ndjson", [record(drawing=SIMPLIFIED_STROKES), record()])
    walker = iter_drawings(path)
    assert next(walker).kind == "simplified"  # the first record is yielded before the bad one is read
    with pytest.raises(InvalidDrawing, match=r"cat\.ndjson:2: stroke 0 is raw"):
        next(walker)


def test_exported_files_have_no_rows_and_any_kind(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "raw" / "mine.ndjson", [record(), record(drawing=SIMPLIFIED_STROKES)])
    assert [(d.kind, d.row) for d in iter_exported(path)] == [("raw", None), ("simplified", None)]


def test_extra_argument_walks_a_file_or_a_folder(tmp_path: Path) -> None:
    first = write_lines(tmp_path / "a.ndjson", [record()])
    second = write_lines(tmp_path / "nested" / "b.ndjson", [record(word="dog"), record(word="fish")])
    (tmp_path / "notes.txt").write_text("not drawings", encoding="utf-8")
    assert ndjson_files(first) == [first]
    assert ndjson_files(tmp_path) == [first, second]
    assert [d.word for d in iter_extra(tmp_path)] == ["cat", "dog", "fish"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("missing", "no such file or folder", id="missing"),
        pytest.param("notes.txt", "is not an .ndjson file", id="wrong suffix"),
        pytest.param("empty", "no .ndjson files under", id="empty folder"),
    ],
)
def test_extra_argument_errors(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFileError, match=message):
        ndjson_files(tmp_path / name)


def test_missing_ndjson_fails_at_call_time(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such ndjson file"):
        iter_drawings(tmp_path / "raw" / "cat.ndjson")


def test_load_bitmaps_npy_and_npz(tmp_path: Path) -> None:
    images = np.arange(3 * BITMAP_PIXELS, dtype=np.uint32).astype(np.uint8).reshape(3, BITMAP_PIXELS)
    np.save(tmp_path / "cat.npy", images)
    np.savez(tmp_path / "cat.npz", images=images, rows=np.array([2, 4, 9], dtype=np.int32))
    for mmap in (False, True):
        loaded, rows = load_bitmaps(tmp_path / "cat.npy", mmap=mmap)
        assert np.array_equal(loaded, images) and rows.tolist() == [0, 1, 2] and rows.dtype == np.int64
    loaded, rows = load_bitmaps(tmp_path / "cat.npz")
    assert np.array_equal(loaded, images) and rows.tolist() == [2, 4, 9] and rows.dtype == np.int64


def _savez_as(path: Path, **arrays: np.ndarray) -> None:
    with path.open("wb") as out:  # np.savez would append .npz to a path
        np.savez(out, **arrays)


@pytest.mark.parametrize(
    ("write", "message"),
    [
        pytest.param(lambda p: np.save(p / "x.npy", np.zeros((2, 100), np.uint8)), "expected uint8", id="shape"),
        pytest.param(lambda p: np.save(p / "x.npy", np.zeros((2, 784), np.float32)), "expected uint8", id="dtype"),
        pytest.param(lambda p: (p / "x.npy").write_bytes(b"garbage" * 50), "not a numpy .npy", id="garbage"),
        pytest.param(lambda p: _savez_as(p / "x.npy", images=np.zeros((1, 784), np.uint8)), "not a plain .npy",
                     id="zip named npy"),
        pytest.param(lambda p: np.savez(p / "x.npz", images=np.zeros((1, 784), np.uint8)), "'images' and 'rows'",
                     id="npz without rows"),
        pytest.param(lambda p: np.savez(p / "x.npz", images=np.zeros((2, 784), np.uint8), rows=np.zeros(3)),
                     "3 rows for 2 images", id="npz rows mismatch"),
    ],
)
def test_load_bitmaps_rejects(tmp_path: Path, write, message: str) -> None:
    write(tmp_path)
    (path,) = tmp_path.iterdir()
    with pytest.raises(DataFileError, match=message):
        load_bitmaps(path)


def test_describe_folder_default_and_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    np.save(tmp_path / "cat.npy", np.zeros((1, BITMAP_PIXELS), np.uint8))
    (tmp_path / "bitmaps").mkdir()
    np.save(tmp_path / "bitmaps" / "ice cream.npy", np.zeros((1, BITMAP_PIXELS), np.uint8))
    np.savez(tmp_path / "bitmaps" / "dog.npz", images=np.zeros((1, BITMAP_PIXELS), np.uint8), rows=[0])
    np.save(tmp_path / "bitmaps" / "dog.npy", np.zeros((1, BITMAP_PIXELS), np.uint8))
    write_lines(tmp_path / "simplified" / "The Eiffel Tower.ndjson", [record(drawing=SIMPLIFIED_STROKES)])
    monkeypatch.setenv(QUICKDRAW_DATA_ENV, str(tmp_path))
    folder = describe_folder()
    assert folder.root == tmp_path
    bitmaps = tmp_path / "bitmaps"
    assert folder.bitmaps == {"dog": bitmaps / "dog.npz", "ice cream": bitmaps / "ice cream.npy"}
    assert (folder.raw, folder.thinline) == ({}, {})
    assert folder.categories == ["The Eiffel Tower", "dog", "ice cream"]


def test_describe_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such data folder"):
        describe_folder(tmp_path / "missing")
    with pytest.raises(DataFileError, match="holds no"):
        describe_folder(tmp_path)
    assert issubclass(DataFileError, DrawsiteError)


def test_shared_stroke_counts_and_rows_match_index(quickdraw_data: Path) -> None:
    folder = describe_folder(quickdraw_data)
    index = json.loads((quickdraw_data / "index.json").read_text(encoding="utf-8"))
    assert (len(folder.raw), len(folder.simplified)) == (RAW_CATEGORIES, SIMPLIFIED_CATEGORIES)
    totals = {}
    for kind, files in (("raw", folder.raw), ("simplified", folder.simplified)):
        count = 0
        for category, path in files.items():
            drawings = list(iter_drawings(path))
            assert [d.row for d in drawings] == index[category][f"{kind}_rows"]
            assert {d.word for d in drawings} == {category} and {d.kind for d in drawings} == {kind}
            count += len(drawings)
        totals[kind] = count
    assert totals == {"raw": RAW_DRAWINGS, "simplified": SIMPLIFIED_DRAWINGS}


@pytest.mark.parametrize("category", PAIR_CATEGORIES)
def test_shared_raw_and_simplified_rows_are_the_same_drawings(quickdraw_data: Path, category: str) -> None:
    raw = {d.row: d.key_id for d in iter_drawings(quickdraw_data / "raw" / f"{category}.ndjson")}
    path = quickdraw_data / "simplified" / f"{category}.ndjson"
    simplified = {d.row: d.key_id for d in iter_drawings(path)} if path.exists() else {}
    shared = set(raw) & set(simplified)
    assert all(raw[row] == simplified[row] for row in shared)
    assert shared or category == "zigzag"


def test_shared_bitmaps_count_and_pair_with_strokes(quickdraw_data: Path) -> None:
    folder = describe_folder(quickdraw_data)
    index = json.loads((quickdraw_data / "index.json").read_text(encoding="utf-8"))
    assert len(folder.bitmaps) == BITMAP_CATEGORIES
    total = 0
    for category, path in folder.bitmaps.items():
        images, rows = load_bitmaps(path)
        assert images.shape == (index[category]["bitmap_count"], BITMAP_PIXELS)
        assert len(np.unique(rows)) == len(rows)
        total += len(images)
    assert total == BITMAP_IMAGES
    images, rows = load_bitmaps(folder.bitmaps[BITMAP_PAIR_CATEGORY])
    by_row = dict(zip(rows.tolist(), images))
    pairs = [(d, by_row[d.row]) for d in iter_drawings(folder.simplified[BITMAP_PAIR_CATEGORY]) if d.row in by_row]
    assert pairs, "no simplified drawing of the pair category has a bitmap"
    assert all(np.array_equal(rasterize(d.drawing).reshape(-1), image) for d, image in pairs)


def test_shared_thinline(quickdraw_data: Path) -> None:
    folder = describe_folder(quickdraw_data)
    assert len(folder.thinline) == RAW_CATEGORIES
    images, rows = load_thinline(folder.thinline["The Eiffel Tower"])
    assert images.dtype == np.uint8 and images.shape[1] == BITMAP_PIXELS
    assert 0 < len(images) <= THINLINE_MAX_PER_CATEGORY and len(rows) == len(images)
