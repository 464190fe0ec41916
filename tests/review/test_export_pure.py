"""Pure tables: Quick Draw records of saved drawings (recognizer.quickdraw_export)."""

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ml.data import RECORD_FIELDS, iter_drawings, parse_drawing
from ml.errors import InvalidDrawing
from ml.raster import simplify
from recognizer.quickdraw_export import (
    KEY_ID_OFFSET,
    UNKNOWN_COUNTRY,
    ExportError,
    check_format,
    export_record,
    google_timestamp,
    key_id,
    parse_since,
    record_line,
)

GOOGLE_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d*[1-9])? UTC")
GOOGLE_KEY_ID = re.compile(r"[1-9]\d{15}")
RAW_STROKES = [[[10.5, 60, 110.25], [20, 80, 20], [0, 16, 33]], [[0, 50], [100, 100], [400, 460]]]
CREATED = datetime(2024, 3, 2, 23, 25, 10, 74530, tzinfo=UTC)


@pytest.mark.parametrize(
    ("pk", "expected"),
    [(0, "9000000000000000"), (1, "9000000000000001"), (123456, "9000000000123456"), (10**15 - 1, "9999999999999999")],
)
def test_key_id(pk: int, expected: str) -> None:
    assert key_id(pk) == expected
    assert GOOGLE_KEY_ID.fullmatch(expected)


@pytest.mark.parametrize("pk", [-1, 10**15])
def test_key_id_out_of_range(pk: int) -> None:
    with pytest.raises(ExportError, match="16-digit"):
        key_id(pk)


def test_key_ids_never_meet_googles() -> None:
    """Google's key_ids are App Engine ids below 1.5 * 2**52; ours start at KEY_ID_OFFSET."""
    assert 3 * 2**51 < KEY_ID_OFFSET


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (CREATED, "2024-03-02 23:25:10.07453 UTC"),  # trailing zero dropped, like Google's
        (datetime(2024, 3, 2, 23, 25, 10, tzinfo=UTC), "2024-03-02 23:25:10 UTC"),
        (datetime(2024, 3, 2, 23, 25, 10, 500000, tzinfo=UTC), "2024-03-02 23:25:10.5 UTC"),
        (datetime(2024, 3, 2, 23, 25, 10, 123456, tzinfo=UTC), "2024-03-02 23:25:10.123456 UTC"),
        (datetime(2024, 3, 3, 1, 0, tzinfo=timezone(timedelta(hours=2))), "2024-03-02 23:00:00 UTC"),  # to UTC
        (datetime(2024, 3, 2, 23, 0), "2024-03-02 23:00:00 UTC"),  # naive: taken as UTC
    ],
)
def test_google_timestamp(moment: datetime, expected: str) -> None:
    assert google_timestamp(moment) == expected
    assert GOOGLE_TIMESTAMP.fullmatch(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-03-02", date(2024, 3, 2)), ("2024-02-29", date(2024, 2, 29)), ("1999-12-31", date(1999, 12, 31))],
)
def test_parse_since(text: str, expected: date) -> None:
    assert parse_since(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-01", "2023-02-29", "02/03/2024", "2024-03-02T10:00"])
def test_parse_since_rejects(text: str) -> None:
    with pytest.raises(ExportError, match="YYYY-MM-DD") as error:
        parse_since(text)
    assert error.value.code == "bad_date"


@pytest.mark.parametrize(("name", "ok"), [("raw", True), ("simplified", True), ("npy", False), ("RAW", False)])
def test_check_format(name: str, ok: bool) -> None:
    if ok:
        assert check_format(name) == name
    else:
        with pytest.raises(ExportError, match="unknown format"):
            check_format(name)


@pytest.mark.parametrize(
    ("fmt", "recognized", "expected_drawing", "expected_recognized"),
    [
        ("raw", True, RAW_STROKES, True),
        ("raw", None, RAW_STROKES, False),  # no outcome saved: Google's field is a plain bool
        ("simplified", False, simplify(RAW_STROKES), False),
    ],
)
def test_export_record(fmt: str, recognized: bool | None, expected_drawing: list, expected_recognized: bool) -> None:
    record = export_record(pk=7, label="cat", recognized=recognized, created=CREATED, strokes=RAW_STROKES, fmt=fmt)
    assert list(record) == list(RECORD_FIELDS)  # Google's keys, in Google's order
    assert record == {
        "word": "cat",
        "countrycode": UNKNOWN_COUNTRY,
        "timestamp": "2024-03-02 23:25:10.07453 UTC",
        "recognized": expected_recognized,
        "key_id": "9000000000000007",
        "drawing": expected_drawing,
    }
    parsed = parse_drawing(record_line(record))  # ml.data reads it back as the same drawing
    assert (parsed.kind, parsed.drawing, parsed.word, parsed.recognized) == (
        fmt,
        expected_drawing,
        "cat",
        expected_recognized,
    )


@pytest.mark.parametrize(
    ("strokes", "fmt"),
    [
        ([[[0, 1], [0], [0, 5]]], "raw"),  # arrays of different lengths
        ([[[], [], []]], "raw"),  # a stroke without points
        ([], "raw"),  # no strokes at all
        ([[[0, 1], [0, 1], [0, 5]], [["x"], [1], [2]]], "simplified"),
    ],
)
def test_export_record_rejects_what_ml_data_would(strokes: list, fmt: str) -> None:
    with pytest.raises(InvalidDrawing):
        export_record(pk=1, label="cat", recognized=True, created=CREATED, strokes=strokes, fmt=fmt)


def test_export_record_needs_a_label() -> None:
    with pytest.raises(ExportError, match="no label"):
        export_record(pk=1, label="", recognized=None, created=CREATED, strokes=RAW_STROKES, fmt="raw")


def test_record_line_is_compact_json_on_one_line() -> None:
    line = record_line(
        export_record(pk=1, label="cat", recognized=True, created=CREATED, strokes=RAW_STROKES, fmt="raw")
    )
    assert "\n" not in line and ", " not in line and ": " not in line
    assert json.loads(line)["key_id"] == "9000000000000001"


def test_same_shape_as_googles_files(quickdraw_data: Path) -> None:
    """Key order, key_id and timestamp formats match every record of a real raw and simplified file."""
    for kind in ("raw", "simplified"):
        for google in iter_drawings(quickdraw_data / kind / "cat.ndjson"):
            assert GOOGLE_KEY_ID.fullmatch(google.key_id) and GOOGLE_TIMESTAMP.fullmatch(google.timestamp)
        first = (quickdraw_data / kind / "cat.ndjson").read_text().splitlines()[0]
        assert list(json.loads(first)) == list(RECORD_FIELDS)
