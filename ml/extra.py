"""Extra drawings for training (``python -m ml.train --extra``): Quick Draw ndjson files, e.g.
drawings the site saved and exported, or categories downloaded with ``ml.download``."""

from pathlib import Path

from ml.data import Drawing, iter_extra
from ml.dataset import StrokeDrawing

EXTRA_ROW = -1  # extra drawings have no upstream row: they never collide with the split


def as_training_drawing(record: Drawing, labels: list[str]) -> StrokeDrawing | None:
    """One parsed record as a training drawing; None if its word is not a label or it is empty."""
    if record.word not in labels or not record.drawing:
        return None
    simplified = record.drawing if record.kind == "simplified" else None
    return StrokeDrawing(record.word, EXTRA_ROW, record.drawing, record.kind, simplified)


def load_extra(paths: list[Path], labels: list[str]) -> list[StrokeDrawing]:
    """Every drawing of a known category in the given ndjson files/folders (``DIR_OR_NDJSON``)."""
    drawings = []
    for path in paths:
        for record in iter_extra(path):
            if (drawing := as_training_drawing(record, labels)) is not None:
                drawings.append(drawing)
    return drawings
