"""The pure display helpers of the review pages (recognizer/review_display.py)."""

import pytest

from recognizer.review_display import (
    TimelineRow,
    canvas_size,
    group_by,
    percent,
    replay_payload,
    seconds,
    timeline_rows,
)


@pytest.mark.parametrize(
    ("timeline", "rows"),
    [
        ([], []),
        ([[40, "dog", 0.5]], [TimelineRow(0, 40, "dog", "50.0%")]),
        (
            [[40.4, "dog", 0.5], [350, "cat", 0.8123]],
            [TimelineRow(0, 40, "dog", "50.0%"), TimelineRow(1, 350, "cat", "81.2%")],
        ),
    ],
)
def test_timeline_rows(timeline: list, rows: list[TimelineRow]) -> None:
    assert timeline_rows(timeline) == rows


@pytest.mark.parametrize(("score", "text"), [(0.0, "0.0%"), (1.0, "100.0%"), (0.12345, "12.3%")])
def test_percent(score: float, text: str) -> None:
    assert percent(score) == text


@pytest.mark.parametrize(("ms", "text"), [(None, None), (0, "0.0 s"), (2345, "2.3 s"), (61_000, "61.0 s")])
def test_seconds(ms: int | None, text: str | None) -> None:
    assert seconds(ms) == text


@pytest.mark.parametrize(
    ("width", "height", "size"), [(400, 300, (400, 300)), (None, 300, None), (400, None, None), (None, None, None)]
)
def test_canvas_size(width: int | None, height: int | None, size: tuple[int, int] | None) -> None:
    assert canvas_size(width, height) == size


@pytest.mark.parametrize(("canvas", "expected_canvas"), [((400, 300), [400, 300]), (None, None)])
def test_replay_payload(canvas: tuple[int, int] | None, expected_canvas: list[int] | None) -> None:
    strokes = [((0, 5), (1, 6), (0, 20))]  # tuples in, JSON-ready lists out
    payload = replay_payload(drawing_id=7, strokes=strokes, timeline=[(20, "cat", 0.9)], canvas=canvas)
    assert payload == {
        "id": 7,
        "strokes": [[[0, 5], [1, 6], [0, 20]]],
        "timeline": [[20, "cat", 0.9]],
        "canvas": expected_canvas,
    }


@pytest.mark.parametrize(
    ("items", "groups"),
    [
        ([], []),
        (["cat1"], [("cat", ["cat1"])]),
        (
            ["cat1", "dog1", "cat2", "owl1", "dog2"],
            [("cat", ["cat1", "cat2"]), ("dog", ["dog1", "dog2"]), ("owl", ["owl1"])],
        ),
    ],
)
def test_group_by_keeps_first_appearance_order(items: list[str], groups: list) -> None:
    assert group_by(items, key=lambda item: item[:3]) == groups
