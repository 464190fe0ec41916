"""Extra drawings for training (``python -m ml.train --extra``): Quick Draw ndjson files, e.g.
drawings the site saved and exported (``manage.py export_drawings``, raw or simplified), or
categories downloaded with ``ml.download``. Reading and validation are ``ml.data``'s (``iter_extra``).
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ml.data import SIMPLIFIED, Drawing, iter_extra
from ml.dataset import StrokeDrawing

EXTRA_ROW = -1  # extra drawings have no upstream row: they never collide with the split


@dataclass
class Extra:
    """The extra drawings of known categories, and how many of each unknown category were skipped."""

    drawings: list[StrokeDrawing] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # word -> drawings not trained on

    def summary(self) -> str:
        unknown = ", ".join(f"{word} ({count})" for word, count in sorted(self.skipped.items()))
        skipped = (
            f"; skipped {self.skipped.total()} of categories the model does not have: {unknown}" if unknown else ""
        )
        return f"extra drawings: {len(self.drawings)} added{skipped}"


def as_training_drawing(record: Drawing, labels: list[str]) -> StrokeDrawing | None:
    """One parsed record as a training drawing; None if its word is not a label."""
    if record.word not in labels:
        return None
    simplified = record.drawing if record.kind == SIMPLIFIED else None
    return StrokeDrawing(record.word, EXTRA_ROW, record.drawing, record.kind, simplified)


def load_extra(paths: list[Path], labels: list[str]) -> Extra:
    """Every drawing of a known category in the given ndjson files/folders (``DIR_OR_NDJSON``), streamed."""
    extra = Extra()
    for path in paths:
        for record in iter_extra(path):
            drawing = as_training_drawing(record, labels)
            if drawing is None:
                extra.skipped[record.word] += 1
            else:
                extra.drawings.append(drawing)
    return extra
