"""Writes of the recognizer app (keyword-only, called from the consumer via database_sync_to_async)."""

from typing import Any

from django.db import transaction

from recognizer.models import Drawing
from recognizer.session import RawDrawing
from recognizer.timeline import Guess, TimelineEntry, first_correct_ms, guesses_json, is_recognized

# A save from one of these sources is the person's final word: a later disconnect save of the same
# drawing (a late one from the old connection after a reconnect) must not overwrite it.
FINAL_SOURCES = frozenset({Drawing.Source.SUBMIT})


def drawing_save(
    *,
    strokes: RawDrawing,
    canvas: tuple[int, int] | None,
    label: str | None,
    guesses: list[Guess],
    timeline: list[TimelineEntry],
    model_version: str,
    source: str,
    client_key: str | None = None,
    public: bool = False,
) -> Drawing:
    """Save a finished drawing: a new row, or with ``client_key`` the row already saved under that key.

    Counts, ``recognized`` and time to the first correct guess are derived here.

    With a key, a drawing saved at a disconnect and submitted after the reconnect stays one row: the
    later save updates strokes, label, guesses, source, ``public``… (``created`` and ``excluded``
    stay). A disconnect save never overwrites a submitted row. Race-safe on the unique key: two saves
    at once both try to insert, one gets the IntegrityError, reads the winner's row and updates it.
    """
    fields = _drawing_fields(
        strokes=strokes, canvas=canvas, label=label, guesses=guesses, timeline=timeline,
        model_version=model_version, source=source,
    ) | {"public": public}
    if not client_key:
        return Drawing.objects.create(**fields)
    with transaction.atomic():
        # get_or_create inserts in a savepoint and, on IntegrityError, reads the row that won the race;
        # select_for_update then holds that row until this update commits.
        drawing, created = Drawing.objects.select_for_update().get_or_create(client_key=client_key, defaults=fields)
        if created or (source not in FINAL_SOURCES and drawing.source in FINAL_SOURCES):
            return drawing
        for name, value in fields.items():
            setattr(drawing, name, value)
        drawing.save(update_fields=list(fields))
    return drawing


def _drawing_fields(
    *,
    strokes: RawDrawing,
    canvas: tuple[int, int] | None,
    label: str | None,
    guesses: list[Guess],
    timeline: list[TimelineEntry],
    model_version: str,
    source: str,
) -> dict[str, Any]:
    """The Drawing columns for a finished drawing, with the derived ones computed."""
    width, height = canvas if canvas is not None else (None, None)
    return {
        "strokes": strokes,
        "canvas_width": width,
        "canvas_height": height,
        "label": label or "",
        "guesses": guesses_json(guesses),
        "recognized": is_recognized(guesses, label),
        "first_correct_ms": first_correct_ms(timeline, label),
        "timeline": timeline,
        "model_version": model_version,
        "stroke_count": len(strokes),
        "point_count": sum(len(stroke[0]) for stroke in strokes),
        "source": source,
    }
