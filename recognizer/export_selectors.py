"""Reads for ``manage.py export_drawings``: streamed rows of the exportable drawings, and what was skipped."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from recognizer.models import Drawing

# Rows per database round trip: memory stays bounded by one chunk, whatever the table's size.
EXPORT_CHUNK_SIZE = 500
# Only what a Quick Draw record needs (no guesses, timeline, ...).
EXPORT_FIELDS = ("pk", "label", "recognized", "created", "strokes")
UNLABELLED = Q(label="")
EMPTY = Q(stroke_count=0)


@dataclass(frozen=True)
class Skipped:
    """Drawings matching the export's filters that are not exported, by reason (each counted once)."""

    excluded: int  # a reviewer marked them unusable for training
    unlabelled: int  # no intended label, so no Quick Draw "word"
    empty: int  # no strokes

    @property
    def total(self) -> int:
        return self.excluded + self.unlabelled + self.empty


def export_candidates(*, since: date | None = None, label: str | None = None) -> QuerySet[Drawing]:
    """Drawings created on or after ``since`` (a day in the site's time zone) with intended ``label``."""
    drawings = Drawing.objects.all()
    if since is not None:
        drawings = drawings.filter(created__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if label is not None:
        drawings = drawings.filter(label=label)
    return drawings


def exportable_rows(*, candidates: QuerySet[Drawing]) -> Iterator[dict[str, Any]]:
    """The exportable candidates, oldest first, as ``EXPORT_FIELDS`` dicts streamed in chunks."""
    rows = candidates.filter(excluded=False).exclude(UNLABELLED).exclude(EMPTY).order_by("pk")
    return rows.values(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK_SIZE)


def skipped_counts(*, candidates: QuerySet[Drawing]) -> Skipped:
    """How many candidates are left out and why (one aggregate query)."""
    kept = Q(excluded=False)
    counts = candidates.aggregate(
        skipped_excluded=Count("pk", filter=Q(excluded=True)),
        skipped_unlabelled=Count("pk", filter=kept & UNLABELLED),
        skipped_empty=Count("pk", filter=kept & ~UNLABELLED & EMPTY),
    )  # aggregate names must differ from field names ("excluded")
    return Skipped(
        excluded=counts["skipped_excluded"], unlabelled=counts["skipped_unlabelled"], empty=counts["skipped_empty"]
    )
