"""Pure tables: admin SVG thumbnails (recognizer.thumbnail)."""

import re

import pytest

from recognizer.thumbnail import strokes_svg

SIZE = 100


def polyline_points(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(v) for v in pair.split(",")) for pair in match.split()]
        for match in re.findall(r'<polyline points="([^"]*)"', svg)
    ]


@pytest.mark.parametrize(
    ("strokes", "expected"),
    [
        ([], []),
        # a horizontal line fills the width (5 px padding) and sits in the vertical middle
        ([[[0, 10], [3, 3], [0, 1]]], [[(5.0, 50.0), (95.0, 50.0)]]),
        # two strokes share one scale: the square's corners
        ([[[0, 20], [0, 0], [0, 1]], [[0, 20], [20, 20], [2, 3]]], [[(5.0, 5.0), (95.0, 5.0)], [(5.0, 95.0), (95.0, 95.0)]]),
        # a single dot does not divide by zero and sits in the middle
        ([[[7], [7], [0]]], [[(50.0, 50.0)]]),
    ],
)
def test_strokes_svg(strokes: list, expected: list) -> None:
    svg = strokes_svg(strokes, size=SIZE, line_width=2)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert f'width="{SIZE}"' in svg
    assert polyline_points(svg) == expected
