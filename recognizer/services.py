"""Writes of the recognizer app (keyword-only, called from the consumer via database_sync_to_async)."""

from recognizer.models import Drawing
from recognizer.session import RawDrawing
from recognizer.timeline import Guess, TimelineEntry, first_correct_ms, guesses_json, is_recognized


def drawing_create(
    *,
    strokes: RawDrawing,
    canvas: tuple[int, int] | None,
    label: str | None,
    guesses: list[Guess],
    timeline: list[TimelineEntry],
    model_version: str,
    source: str,
) -> Drawing:
    """Save a finished drawing; counts, ``recognized`` and time to the first correct guess are derived here."""
    width, height = canvas if canvas is not None else (None, None)
    drawing = Drawing(
        strokes=strokes,
        canvas_width=width,
        canvas_height=height,
        label=label or "",
        guesses=guesses_json(guesses),
        recognized=is_recognized(guesses, label),
        first_correct_ms=first_correct_ms(timeline, label),
        timeline=timeline,
        model_version=model_version,
        stroke_count=len(strokes),
        point_count=sum(len(stroke[0]) for stroke in strokes),
        source=source,
    )
    drawing.save()
    return drawing
