"""Live-recognition statistics from grouped database rows (pure, no Django).

The ORM side (recognizer.stats_selectors) groups and counts in the database and streams the few
numbers a median needs; everything here works on those plain rows, so it is tested with tables.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# Most confusion pairs the page lists (the long tail of one-off confusions says little).
TOP_CONFUSIONS = 20
# Most days the per-day chart spans (the latest ones): a year and a bit, still readable as bars.
MAX_CHART_DAYS = 400
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CategoryStats:
    """Live figures of one intended label: how often its drawings ended recognized, and how fast."""

    label: str
    drawings: int  # saved drawings with this intended label
    recognized: int  # of which the label was the final top-1 guess
    median_ms: float | None  # median drawing time until the label first became top-1; None if it never did

    @property
    def rate(self) -> float:
        return self.recognized / self.drawings if self.drawings else 0.0


@dataclass(frozen=True)
class ConfusionPair:
    """``count`` drawings meant as ``label`` ended with ``guessed`` as the final top-1 guess."""

    label: str
    guessed: str
    count: int
    share: float  # of all drawings with this intended label


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def medians_by_label(pairs: Iterable[tuple[str, float]]) -> dict[str, float]:
    """``{label: median}`` of streamed ``(label, value)`` pairs (only the numbers are kept, not the rows)."""
    values: dict[str, list[float]] = defaultdict(list)
    for label, value in pairs:
        values[label].append(value)
    return {label: median(found) for label, found in values.items()}


def category_stats(counts: Iterable[tuple[str, int, int]], medians: Mapping[str, float]) -> list[CategoryStats]:
    """Per-label figures from ``(label, drawings, recognized)`` rows, worst recognition rate first.

    Ties go to the label with more drawings (a 0 % over 40 drawings says more than over 1), then by name.
    """
    stats = [
        CategoryStats(label=label, drawings=drawings, recognized=recognized, median_ms=medians.get(label))
        for label, drawings, recognized in counts
        if label and drawings
    ]
    return sorted(stats, key=lambda s: (s.rate, -s.drawings, s.label))


def rank_confusions(
    rows: Iterable[tuple[str, str | None, int]], totals: Mapping[str, int], top_n: int = TOP_CONFUSIONS
) -> list[ConfusionPair]:
    """The ``top_n`` most frequent ``(label, final top-1)`` mistakes from grouped ``(label, guessed, count)`` rows.

    Rows that are no mistake (no label, no guess, guess equals the label) are dropped; the same pair
    given twice is summed. Most frequent first, then by label and guess, so the order is stable.
    """
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for label, guessed, count in rows:
        if label and guessed and guessed != label:
            counts[(label, guessed)] += count
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top_n]
    return [
        ConfusionPair(label=label, guessed=guessed, count=count, share=count / max(totals.get(label, 0), count))
        for (label, guessed), count in ranked
    ]


def fill_days(
    counts: Mapping[date, int], start: date | None = None, end: date | None = None, max_days: int = MAX_CHART_DAYS
) -> list[tuple[date, int]]:
    """One ``(day, count)`` per calendar day from ``start`` to ``end`` inclusive, 0 where nothing was saved.

    ``start``/``end`` default to the first/last day with a count; no counts and no bounds give [].
    Counts outside the bounds are left out; a span over ``max_days`` keeps its latest ``max_days`` days.
    """
    start = start if start is not None else min(counts, default=None)
    end = end if end is not None else max(counts, default=None)
    if start is None or end is None or start > end:
        return []
    if (end - start).days >= max_days:
        start = end - (max_days - 1) * ONE_DAY
    span = (end - start).days + 1
    return [(day, counts.get(day, 0)) for day in (start + offset * ONE_DAY for offset in range(span))]
