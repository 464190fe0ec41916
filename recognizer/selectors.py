"""Reads of the recognizer app: saved drawings and the categories the served model knows."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from recognizer import classifier as served
from recognizer.models import Drawing

# metrics.json key holding per-category figures: {"<label>": {"<figure>": value, ...}, ...}
PER_CLASS_KEY = "per_class"


@dataclass(frozen=True)
class Category:
    label: str
    index: int  # position in the model's output
    figures: dict[str, Any] = field(default_factory=dict)  # per-class held-out figures, when measured


def drawing_list(*, label: str | None = None, recognized: bool | None = None) -> QuerySet[Drawing]:
    """Saved drawings, newest first, optionally of one intended label / recognition outcome."""
    drawings = Drawing.objects.all()
    if label is not None:
        drawings = drawings.filter(label=label)
    if recognized is not None:
        drawings = drawings.filter(recognized=recognized)
    return drawings


def drawing_get(*, drawing_id: int) -> Drawing:
    """One saved drawing; raises ``Drawing.DoesNotExist`` when there is none with that id."""
    return Drawing.objects.get(pk=drawing_id)


def category_list() -> list[Category]:
    """The served model's categories in output order, with per-class figures from metrics.json if present."""
    per_class = served.load_metrics().get(PER_CLASS_KEY, {})
    if not isinstance(per_class, dict):
        per_class = {}
    return [
        Category(label=label, index=index, figures=dict(per_class.get(label, {})))
        for index, label in enumerate(served.get_classifier().labels)
    ]


def model_version() -> str:
    return served.get_classifier().version
