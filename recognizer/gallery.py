"""The public gallery: recent shared drawings the model recognized, per category, each replayable in the page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from recognizer import selectors
from recognizer.models import Drawing
from recognizer.review_display import canvas_size, group_by, replay_payload, seconds

CATEGORY_PARAM = "category"
HTTP_NOT_FOUND = 404


def _card(drawing: Drawing) -> dict:
    return {"id": drawing.pk, "label": drawing.label, "guessed_after": seconds(drawing.first_correct_ms)}


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """``?category=<label>``: that category's newest drawings; without it, the newest of all, grouped by category.
    At most RECOGNIZER_GALLERY_PER_CATEGORY either way; an unknown category is a 404 with the category list."""
    labels = [category.label for category in selectors.category_list()]
    category = request.GET.get(CATEGORY_PARAM) or None
    unknown = category is not None and category not in labels
    drawings = (
        []
        if unknown
        else selectors.gallery_drawing_list(label=category, limit=settings.RECOGNIZER_GALLERY_PER_CATEGORY)
    )
    context = {
        "categories": labels,
        "category": category,
        "unknown_category": unknown,
        "groups": group_by((_card(drawing) for drawing in drawings), key=lambda card: card["label"]),
        "replays": [
            replay_payload(
                drawing_id=drawing.pk,
                strokes=drawing.strokes,
                timeline=drawing.timeline,
                canvas=canvas_size(drawing.canvas_width, drawing.canvas_height),
            )
            for drawing in drawings
        ],
        "model_version": selectors.model_version(),
    }
    return render(request, "recognizer/gallery.html", context, status=HTTP_NOT_FOUND if unknown else 200)
