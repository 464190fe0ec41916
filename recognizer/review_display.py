"""What the review pages show of a drawing (pure, no Django): the replay payload, timeline rows, gallery groups.

The admin's replay panel and the public gallery both hand ``static/js/replay.js`` the same payload.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

PERCENT = 100
SCORE_PERCENT_DECIMALS = 1
MS_PER_SECOND = 1000
SECONDS_DECIMALS = 1

Item = TypeVar("Item")


class TimelineRow(NamedTuple):
    index: int  # position in the timeline, so the page can highlight the entry current at the replay time
    t_ms: int
    label: str
    score_percent: str  # "80.0%"


def replay_payload(
    *,
    drawing_id: int,
    strokes: Sequence[Sequence[Sequence[float]]],
    timeline: Sequence[Sequence[Any]],
    canvas: tuple[int, int] | None,
) -> dict[str, Any]:
    """``{"id", "strokes", "timeline", "canvas"}`` for replay.js: raw strokes, ``[t_ms, label, score]`` entries,
    and the person's canvas ``[width, height]`` or None when the client did not say."""
    return {
        "id": drawing_id,
        "strokes": [list(map(list, stroke)) for stroke in strokes],
        "timeline": [list(entry) for entry in timeline],
        "canvas": list(canvas) if canvas is not None else None,
    }


def canvas_size(width: int | None, height: int | None) -> tuple[int, int] | None:
    """The canvas as a pair, or None unless both sides are known."""
    return (width, height) if width and height else None


def percent(score: float) -> str:
    return f"{score * PERCENT:.{SCORE_PERCENT_DECIMALS}f}%"


def timeline_rows(timeline: Sequence[Sequence[Any]]) -> list[TimelineRow]:
    """The guess timeline as display rows, in order."""
    return [
        TimelineRow(index=index, t_ms=int(t_ms), label=str(label), score_percent=percent(float(score)))
        for index, (t_ms, label, score) in enumerate(timeline)
    ]


def seconds(ms: int | None) -> str | None:
    """``2345`` -> ``"2.3 s"``; None stays None."""
    return None if ms is None else f"{ms / MS_PER_SECOND:.{SECONDS_DECIMALS}f} s"


def group_by(items: Iterable[Item], key: Callable[[Item], str]) -> list[tuple[str, list[Item]]]:
    """``[(key, items), ...]`` in the order each key first appears, items keeping their order (newest first in,
    so the group with the newest drawing comes first)."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.items())
