"""Pure tables: server-side SVG charts (recognizer.charts)."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from recognizer.charts import (
    BAR_AREA_PX,
    COLUMN_HEIGHT_PX,
    MAX_X_LABELS,
    NO_DATA_TEXT,
    Bar,
    bar_chart_svg,
    column_chart_svg,
    nice_ceiling,
    x_label_indexes,
)

SVG = "{http://www.w3.org/2000/svg}"
Chart = Callable[..., str]  # bar_chart_svg or column_chart_svg


def parse(svg: str) -> ET.Element:
    """The chart as XML: also proves it is well-formed (every data text escaped)."""
    return ET.fromstring(svg)


def bar_rects(root: ET.Element) -> list[ET.Element]:
    """The coloured bars, without the faint tracks behind them."""
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == "#5b4fe0"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1.0), (-3, 1.0), (0.7, 1.0), (1, 1.0), (1.2, 2.0), (3, 5.0), (7, 10.0), (10, 10.0), (11, 20.0), (480, 500.0)],
)
def test_nice_ceiling(value: float, expected: float) -> None:
    assert nice_ceiling(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("count", "most", "expected"),
    [
        (0, 8, []),
        (1, 8, [0]),
        (8, 8, list(range(8))),
        (10, 8, [0, 2, 4, 6, 9]),  # 8 would crowd the last label
        (9, 8, [0, 2, 4, 6, 8]),
        (400, 8, [0, 57, 114, 171, 228, 285, 342, 399]),
    ],
)
def test_x_label_indexes(count: int, most: int, expected: list[int]) -> None:
    assert x_label_indexes(count, most) == expected


@pytest.mark.parametrize("count", [9, 31, 100, 365, 400])
def test_x_labels_never_exceed_the_maximum(count: int) -> None:
    picked = x_label_indexes(count)
    assert len(picked) <= MAX_X_LABELS and picked[0] == 0 and picked[-1] == count - 1


@pytest.mark.parametrize(
    ("values", "max_value", "widths"),
    [
        ([1.0, 0.5, 0.0], 1.0, [BAR_AREA_PX, BAR_AREA_PX / 2, 0]),
        ([4, 2], None, [BAR_AREA_PX, BAR_AREA_PX / 2]),  # default scale: the largest value
        ([0.0], None, [0]),  # all zero: no division by zero
        ([2.0, -1.0], 1.0, [BAR_AREA_PX, 0]),  # clamped to the chart
    ],
)
def test_bar_lengths(values: list[float], max_value: float | None, widths: list[float]) -> None:
    root = parse(bar_chart_svg([Bar(f"c{i}", v, str(v)) for i, v in enumerate(values)], title="t", max_value=max_value))
    assert [float(rect.get("width")) for rect in bar_rects(root)] == pytest.approx(widths)


@pytest.mark.parametrize(
    ("values", "heights", "axis_max"),
    [
        ([5, 0, 10], [COLUMN_HEIGHT_PX / 2, 0, COLUMN_HEIGHT_PX], "10"),
        ([3], [COLUMN_HEIGHT_PX * 3 / 5], "5"),  # axis rounded up to 5
        ([0, 0], [0, 0], "1"),
    ],
)
def test_column_heights_and_axis(values: list[int], heights: list[float], axis_max: str) -> None:
    root = parse(column_chart_svg([Bar(f"d{i}", v, str(v)) for i, v in enumerate(values)], title="per day"))
    assert [float(rect.get("height")) for rect in bar_rects(root)] == pytest.approx(heights)
    assert axis_max in [text.text for text in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("chart", [bar_chart_svg, column_chart_svg])
def test_data_text_is_escaped(chart: Chart) -> None:
    svg = chart([Bar('<script>alert("x")</script>&', 1, "<b>1</b>")], title="a<b")
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == "a<b"
    assert any(text.text == '<script>alert("x")</script>&' for text in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("chart", [bar_chart_svg, column_chart_svg])
def test_no_data(chart: Chart) -> None:
    root = parse(chart([], title="empty"))
    assert [text.text for text in root.iter(f"{SVG}text")] == [NO_DATA_TEXT]
    assert not bar_rects(root)


def test_bar_tooltips_and_sizes() -> None:
    svg = bar_chart_svg([Bar("cat", 0.5, "50%", "cat: 1 of 2"), Bar("dog", 1, "100%")], title="rate", max_value=1)
    root = parse(svg)
    titles = [title.text for title in root.iter(f"{SVG}title")]
    assert titles == ["rate", "cat: 1 of 2", "dog: 100%"]
    assert re.fullmatch(r"\d+(\.\d)?", root.get("height"))
    assert float(root.get("height")) > 2 * 18
