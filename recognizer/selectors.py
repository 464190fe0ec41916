"""Reads of the recognizer app: saved drawings and the categories the served model knows."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from recognizer import classifier as served
from recognizer.models import Drawing

# metrics.json (written by ml.train): {"held_out": {"<set>": {"per_class": {"<label>": {"n", "top1", "top3"}}}}}
HELD_OUT_KEY = "held_out"
PER_CLASS_KEY = "per_class"
GALLERY_FIELDS = ["id", "label", "strokes", "timeline", "canvas_width", "canvas_height", "first_correct_ms", "created"]


@dataclass(frozen=True)
class Category:
    label: str
    index: int  # position in the model's output
    # held-out figures per evaluation set, when measured: {"bitmaps": {"n": 136, "top1": 0.91, "top3": 0.97}, ...}
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)


def per_class_figures(metrics: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{label: {set name: figures}}`` from every held-out set in metrics.json that has per-class figures."""
    by_label: dict[str, dict[str, dict[str, Any]]] = {}
    held_out = metrics.get(HELD_OUT_KEY)
    if not isinstance(held_out, dict):
        return by_label
    for set_name, figures in held_out.items():
        per_class = figures.get(PER_CLASS_KEY) if isinstance(figures, dict) else None
        if isinstance(per_class, dict):
            for label, values in per_class.items():
                by_label.setdefault(label, {})[set_name] = values
    return by_label


def drawing_list(*, label: str | None = None, recognized: bool | None = None) -> QuerySet[Drawing]:
    """Saved drawings, newest first, optionally of one intended label / recognition outcome."""
    drawings = Drawing.objects.all()
    if label is not None:
        drawings = drawings.filter(label=label)
    if recognized is not None:
        drawings = drawings.filter(recognized=recognized)
    return drawings


def gallery_drawing_list(*, label: str | None = None, limit: int) -> list[Drawing]:
    """The newest drawings the public gallery may show (the person opted in, the model recognized it, no
    reviewer excluded it), of one intended label when given; at most ``limit``, only the fields it shows.

    Newest by id, which follows creation: the database walks the label index (or the table) backwards and
    stops after ``limit`` matches, where ordering by ``created`` would read and sort every drawing of the label.
    """
    drawings = Drawing.objects.filter(public=True, excluded=False, recognized=True)
    if label is not None:
        drawings = drawings.filter(label=label)
    return list(drawings.only(*GALLERY_FIELDS).order_by("-id")[:limit])


def drawing_get(*, drawing_id: int) -> Drawing:
    """One saved drawing; raises ``Drawing.DoesNotExist`` when there is none with that id."""
    return Drawing.objects.get(pk=drawing_id)


def category_list() -> list[Category]:
    """The served model's categories in output order, with per-class figures from metrics.json if present."""
    figures = per_class_figures(served.load_metrics())
    return [
        Category(label=label, index=index, figures=figures.get(label, {}))
        for index, label in enumerate(served.get_classifier().labels)
    ]


def model_version() -> str:
    return served.get_classifier().version
