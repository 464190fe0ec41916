"""Pure tables: stats aggregation helpers (recognizer.stats)."""

from datetime import date

import pytest

from recognizer.stats import (
    MAX_CHART_DAYS,
    CategoryStats,
    ConfusionPair,
    category_stats,
    fill_days,
    median,
    medians_by_label,
    rank_confusions,
)

D1, D2, D3, D4 = date(2024, 2, 27), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([7], 7.0),
        ([3, 1, 2], 2.0),
        ([4, 1, 3, 2], 2.5),
        ([1000, 1000], 1000.0),
        ([5, 1, 1], 1.0),
    ],
)
def test_median(values: list[float], expected: float | None) -> None:
    assert median(values) == expected


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], {}),
        ([("cat", 900)], {"cat": 900.0}),
        ([("cat", 900), ("dog", 100), ("cat", 300), ("cat", 600)], {"cat": 600.0, "dog": 100.0}),
        ([("dog", 100), ("dog", 300)], {"dog": 200.0}),  # even count: mean of the middle two
    ],
)
def test_medians_by_label(pairs: list[tuple[str, int]], expected: dict[str, float]) -> None:
    assert medians_by_label(iter(pairs)) == expected  # a stream, not a list, is enough


@pytest.mark.parametrize(
    ("counts", "medians", "expected"),
    [
        ([], {}, []),
        ([("cat", 4, 3)], {"cat": 500.0}, [CategoryStats("cat", 4, 3, 500.0)]),
        (  # worst rate first
            [("cat", 4, 3), ("dog", 2, 0)],
            {"cat": 500.0},
            [CategoryStats("dog", 2, 0, None), CategoryStats("cat", 4, 3, 500.0)],
        ),
        (  # equal rates: more drawings first, then name
            [("b", 1, 1), ("a", 1, 1), ("c", 5, 5)],
            {},
            [CategoryStats("c", 5, 5, None), CategoryStats("a", 1, 1, None), CategoryStats("b", 1, 1, None)],
        ),
        ([("", 9, 0), ("cat", 0, 0)], {}, []),  # blank labels and empty groups are no category
    ],
)
def test_category_stats(counts: list, medians: dict, expected: list[CategoryStats]) -> None:
    assert category_stats(counts, medians) == expected


@pytest.mark.parametrize(("drawings", "recognized", "rate"), [(4, 3, 0.75), (1, 0, 0.0), (0, 0, 0.0)])
def test_category_rate(drawings: int, recognized: int, rate: float) -> None:
    assert CategoryStats("cat", drawings, recognized, None).rate == rate


@pytest.mark.parametrize(
    ("rows", "totals", "top_n", "expected"),
    [
        ([], {}, 5, []),
        ([("cat", "dog", 2)], {"cat": 8}, 5, [ConfusionPair("cat", "dog", 2, 0.25)]),
        (  # most frequent first; ties by label, then guess
            [("cat", "lion", 1), ("dog", "cat", 3), ("cat", "dog", 1)],
            {"cat": 4, "dog": 3},
            5,
            [
                ConfusionPair("dog", "cat", 3, 1.0),
                ConfusionPair("cat", "dog", 1, 0.25),
                ConfusionPair("cat", "lion", 1, 0.25),
            ],
        ),
        (
            [("cat", "dog", 5), ("cow", "dog", 4), ("eye", "dog", 3)],
            {"cat": 5, "cow": 4, "eye": 3},
            2,
            [ConfusionPair("cat", "dog", 5, 1.0), ConfusionPair("cow", "dog", 4, 1.0)],
        ),  # top N only
        ([("cat", None, 4), ("cat", "", 1), ("cat", "cat", 2), ("", "dog", 7)], {"cat": 7}, 5, []),  # no mistakes
        ([("cat", "dog", 2), ("cat", "dog", 3)], {"cat": 10}, 5, [ConfusionPair("cat", "dog", 5, 0.5)]),  # summed
        ([("cat", "dog", 2)], {}, 5, [ConfusionPair("cat", "dog", 2, 1.0)]),  # unknown total: share capped at 1
    ],
)
def test_rank_confusions(rows: list, totals: dict, top_n: int, expected: list[ConfusionPair]) -> None:
    assert rank_confusions(rows, totals, top_n) == expected


@pytest.mark.parametrize(
    ("counts", "start", "end", "max_days", "expected"),
    [
        ({}, None, None, 400, []),
        ({D2: 3}, None, None, 400, [(D2, 3)]),
        ({D1: 2, D4: 5}, None, None, 400, [(D1, 2), (D2, 0), (D3, 0), (D4, 5)]),  # leap day filled in
        ({}, D2, D3, 400, [(D2, 0), (D3, 0)]),  # bounds without data: zeros
        ({D1: 2, D4: 5}, D2, D3, 400, [(D2, 0), (D3, 0)]),  # counts outside the bounds left out
        ({D1: 2}, D3, D2, 400, []),  # start after end
        ({D1: 2, D4: 5}, None, None, 2, [(D3, 0), (D4, 5)]),  # over max_days: the latest days
        ({D1: 1}, D1, None, 400, [(D1, 1)]),  # open end: the last day with data
    ],
)
def test_fill_days(counts: dict, start: date | None, end: date | None, max_days: int, expected: list) -> None:
    assert fill_days(counts, start, end, max_days) == expected


def test_fill_days_long_span_is_bounded() -> None:
    days = fill_days({}, date.min, date.max)
    assert len(days) == MAX_CHART_DAYS and days[-1] == (date.max, 0)
