"""HTTP pages: the live drawing page, the category list, and a health check."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ml.errors import DrawsiteError
from recognizer import selectors

WS_DRAW_PATH = "/ws/draw/"
HTTP_SERVICE_UNAVAILABLE = 503


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "categories": [category.label for category in selectors.category_list()],
        "model_version": selectors.model_version(),
        "ws_path": WS_DRAW_PATH,
        "top_k": settings.RECOGNIZER_TOP_K,
    }
    return render(request, "recognizer/index.html", context)


@require_safe
def categories(request: HttpRequest) -> HttpResponse:
    context = {"categories": selectors.category_list(), "model_version": selectors.model_version()}
    return render(request, "recognizer/categories.html", context)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"ok": true, "model_version": ...}``, or 503 with the reason when the model cannot load."""
    try:
        version = selectors.model_version()
    except (OSError, DrawsiteError) as error:  # a missing or unreadable model file is a deploy problem
        return JsonResponse({"ok": False, "detail": str(error)}, status=HTTP_SERVICE_UNAVAILABLE)
    return JsonResponse({"ok": True, "model_version": version})
