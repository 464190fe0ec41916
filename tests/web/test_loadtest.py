"""Pure tables: how the load test splits a raw drawing into messages (loadtest.replay)."""

import pytest

from loadtest.replay import Chunk, chunk_by_time


@pytest.mark.parametrize(
    ("strokes", "interval_ms", "expected"),
    [
        ([], 33, []),
        # one window: one message, sent at its last point's time
        ([[[1, 2], [3, 4], [0, 10]]], 33, [Chunk(10, 0, [[1, 3, 0], [2, 4, 10]])]),
        # points split at window edges
        ([[[1, 2, 3], [1, 2, 3], [0, 40, 50]]], 33, [Chunk(0, 0, [[1, 1, 0]]), Chunk(50, 0, [[2, 2, 40], [3, 3, 50]])]),
        # a new stroke always starts a new message, even inside the same window
        ([[[1], [1], [0]], [[2], [2], [5]]], 33, [Chunk(0, 0, [[1, 1, 0]]), Chunk(5, 1, [[2, 2, 5]])]),
    ],
)
def test_chunk_by_time(strokes: list, interval_ms: float, expected: list[Chunk]) -> None:
    assert chunk_by_time(strokes, interval_ms) == expected
