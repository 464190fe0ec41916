"""Guesses and the guess timeline of one drawing (pure, no Django).

The timeline records, in the drawing's own clock (ms since its first point), each moment the top-1
guess changed: ``[t_ms, label, score]``. From it come the time to the first correct guess and whether
the intended label was recognized.
"""

from typing import NamedTuple

# Scores travel and are stored with this many decimals: enough to order and compare, compact JSON.
SCORE_DECIMALS = 4
# A drawing's timeline keeps at most this many top-1 changes (a pathological client cannot grow it).
MAX_TIMELINE_ENTRIES = 500


class Guess(NamedTuple):
    label: str
    score: float


TimelineEntry = list  # [t_ms: int, label: str, score: float]


def guesses_json(guesses: list[Guess]) -> list[dict[str, float | str]]:
    """Guesses as protocol/database JSON: ``[{"label": ..., "score": ...}, ...]``."""
    return [{"label": g.label, "score": round(float(g.score), SCORE_DECIMALS)} for g in guesses]


def timeline_add(timeline: list[TimelineEntry], t_ms: float, guesses: list[Guess]) -> None:
    """Append ``[t_ms, label, score]`` when the top-1 label differs from the last entry's (in place)."""
    if not guesses or len(timeline) >= MAX_TIMELINE_ENTRIES:
        return
    top = guesses[0]
    if timeline and timeline[-1][1] == top.label:
        return
    timeline.append([round(t_ms), top.label, round(float(top.score), SCORE_DECIMALS)])


def first_correct_ms(timeline: list[TimelineEntry], label: str | None) -> int | None:
    """Drawing time at which ``label`` first became the top-1 guess; None if never or no label."""
    if label is None:
        return None
    for t_ms, top_label, _score in timeline:
        if top_label == label:
            return int(t_ms)
    return None


def is_recognized(guesses: list[Guess], label: str | None) -> bool | None:
    """Whether the intended label is the final top-1 guess; None when there is no label."""
    if label is None:
        return None
    return bool(guesses) and guesses[0].label == label
