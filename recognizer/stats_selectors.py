"""Reads for the staff stats page: grouped and counted in the database, never whole drawings.

No query here loads strokes: counts are ``GROUP BY`` aggregates, and the times a median needs are
streamed as ``(label, ms)`` pairs with ``.iterator()``.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone

from recognizer.models import Drawing

# Rows fetched per database round trip when streaming recognition times.
STREAM_CHUNK_SIZE = 2000
# The final top-1 guess inside the ``guesses`` JSON list, read by the database.
FINAL_TOP1 = KT("guesses__0__label")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def stats_drawings(
    *, model_version: str | None = None, since: date | None = None, until: date | None = None
) -> QuerySet[Drawing]:
    """Saved drawings of one model version (all when None) created from ``since`` to ``until`` (whole days)."""
    drawings = Drawing.objects.order_by()  # no default ordering: it would join every GROUP BY below
    if model_version:
        drawings = drawings.filter(model_version=model_version)
    if since is not None:
        drawings = drawings.filter(created__gte=_day_start(since))
    if until is not None:
        drawings = drawings.filter(created__lt=_day_start(until + timedelta(days=1)))
    return drawings


def label_counts(*, drawings: QuerySet[Drawing]) -> list[tuple[str, int, int]]:
    """``(label, drawings, recognized)`` per intended label (drawings without a label are left out)."""
    rows = (
        drawings.exclude(label="")
        .values("label")
        .annotate(total=Count("pk"), hits=Count("pk", filter=Q(recognized=True)))
        .values_list("label", "total", "hits")
    )
    return list(rows)


def recognition_times(*, drawings: QuerySet[Drawing]) -> Iterator[tuple[str, int]]:
    """``(label, first_correct_ms)`` of every labelled drawing whose label became top-1 at some point."""
    rows = drawings.exclude(label="").filter(first_correct_ms__isnull=False).values_list("label", "first_correct_ms")
    return rows.iterator(chunk_size=STREAM_CHUNK_SIZE)


def confusion_counts(*, drawings: QuerySet[Drawing]) -> list[tuple[str, str | None, int]]:
    """``(label, final top-1, count)`` of labelled drawings that ended unrecognized."""
    rows = (
        drawings.exclude(label="")
        .filter(recognized=False)
        .annotate(guessed=FINAL_TOP1)
        .values("label", "guessed")
        .annotate(total=Count("pk"))
        .values_list("label", "guessed", "total")
    )
    return list(rows)


def daily_counts(*, drawings: QuerySet[Drawing]) -> dict[date, int]:
    """Saved drawings per calendar day (in the site's time zone)."""
    rows = drawings.annotate(day=TruncDate("created")).values("day").annotate(total=Count("pk"))
    return {row["day"]: row["total"] for row in rows}


def model_versions() -> list[str]:
    """Every model version that saved a drawing, newest name last (names embed their date)."""
    return list(Drawing.objects.order_by("model_version").values_list("model_version", flat=True).distinct())
