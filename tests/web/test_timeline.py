"""Pure tables: guess timeline, time to the first correct guess, recognized (recognizer.timeline)."""

import pytest

from recognizer.timeline import (
    MAX_TIMELINE_ENTRIES,
    Guess,
    first_correct_ms,
    guesses_json,
    is_recognized,
    timeline_add,
)

CAT = [Guess("cat", 0.61234), Guess("dog", 0.2)]
DOG = [Guess("dog", 0.7), Guess("cat", 0.1)]
CAT_SURER = [Guess("cat", 0.9), Guess("dog", 0.05)]


@pytest.mark.parametrize(
    ("updates", "expected"),
    [
        ([], []),
        ([(10.4, CAT)], [[10, "cat", 0.6123]]),
        ([(10, CAT), (20, CAT_SURER)], [[10, "cat", 0.6123]]),  # same top-1: no entry
        ([(10, CAT), (20, DOG), (30, CAT_SURER)], [[10, "cat", 0.6123], [20, "dog", 0.7], [30, "cat", 0.9]]),
        ([(10, []), (20, DOG)], [[20, "dog", 0.7]]),  # empty guesses record nothing
    ],
)
def test_timeline_add(updates: list[tuple[float, list[Guess]]], expected: list[list]) -> None:
    timeline: list[list] = []
    for t_ms, guesses in updates:
        timeline_add(timeline, t_ms, guesses)
    assert timeline == expected


def test_timeline_is_bounded() -> None:
    timeline: list[list] = []
    for step in range(MAX_TIMELINE_ENTRIES + 10):
        timeline_add(timeline, step, CAT if step % 2 else DOG)
    assert len(timeline) == MAX_TIMELINE_ENTRIES


@pytest.mark.parametrize(
    ("timeline", "label", "expected"),
    [
        ([[10, "dog", 0.5], [250, "cat", 0.6], [400, "dog", 0.5], [900, "cat", 0.8]], "cat", 250),
        ([[10, "dog", 0.5]], "cat", None),
        ([[10, "cat", 0.5]], None, None),
        ([], "cat", None),
    ],
)
def test_first_correct_ms(timeline: list[list], label: str | None, expected: int | None) -> None:
    assert first_correct_ms(timeline, label) == expected


@pytest.mark.parametrize(
    ("guesses", "label", "expected"),
    [(CAT, "cat", True), (DOG, "cat", False), ([], "cat", False), (CAT, None, None)],
)
def test_is_recognized(guesses: list[Guess], label: str | None, expected: bool | None) -> None:
    assert is_recognized(guesses, label) is expected


def test_guesses_json_rounds_scores() -> None:
    assert guesses_json(CAT) == [{"label": "cat", "score": 0.6123}, {"label": "dog", "score": 0.2}]
