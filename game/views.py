"""HTTP side of the game: create a room, join by code, the room page, and pictures of game drawings."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST, require_safe

from game import services
from game.codes import CODE_LENGTH, normalize_code
from game.conf import game_config
from game.models import GameDrawing, Room
from game.routing import WS_GAME_PREFIX
from game.rules import DEFAULT_ROUNDS, DEFAULT_SECONDS, MAX_ROUNDS, MAX_SECONDS, MIN_ROUNDS, MIN_SECONDS, NAME_MAX_CHARS
from recognizer import selectors as recognizer_selectors
from recognizer.thumbnail import strokes_svg

HTTP_CREATED = 201
HTTP_NOT_FOUND = 404
REDIRECT_FIELD = "redirect"  # a plain HTML form posts this to get the room page instead of JSON
PICTURE_PX = 240
PICTURE_LINE = 4.0


@require_safe
@ensure_csrf_cookie  # the page's "create a room" button posts with this cookie's token
def play(request: HttpRequest) -> HttpResponse:
    """Create a room, or join one by typing its code (``?code=``)."""
    typed = request.GET.get("code")
    error = None
    if typed is not None:
        code = normalize_code(typed)
        if code is not None and Room.objects.filter(code=code).exists():
            return redirect("game:room", code=code)
        error = f"There is no room “{typed.strip()[:CODE_LENGTH * 2]}”. Check the code and try again."
    context = {"error": error, "typed": typed or "", "code_length": CODE_LENGTH, **_common_context()}
    return render(request, "game/play.html", context, status=HTTP_NOT_FOUND if error else 200)


@require_POST
def room_create(request: HttpRequest) -> HttpResponse:
    """``201 {"code": "K7QX", "url": "/play/K7QX/"}`` (CSRF-protected); a plain form post is redirected there."""
    room = services.room_create()
    url = reverse("game:room", kwargs={"code": room.code})
    if request.POST.get(REDIRECT_FIELD):
        return redirect(url)
    return JsonResponse({"code": room.code, "url": url}, status=HTTP_CREATED)


@require_safe
@ensure_csrf_cookie
def room(request: HttpRequest, code: str) -> HttpResponse:
    canonical = normalize_code(code)
    if canonical is None or not Room.objects.filter(code=canonical).exists():
        context = {"error": f"There is no room “{code[:CODE_LENGTH * 2]}”.", "typed": code, **_common_context()}
        return render(request, "game/play.html", context, status=HTTP_NOT_FOUND)
    if canonical != code:
        return redirect("game:room", code=canonical)
    context = {
        "code": canonical,
        "ws_path": f"/{WS_GAME_PREFIX}{canonical}/",
        "max_players": game_config().max_players,
        **_common_context(),
    }
    return render(request, "game/room.html", context)


@require_safe
def picture(request: HttpRequest, code: str, drawing_id: int) -> HttpResponse:
    """An SVG of one saved drawing of this room's games (drawings of other rooms are not found here)."""
    entry = GameDrawing.objects.filter(drawing_id=drawing_id, round__room__code=code).select_related("drawing").first()
    if entry is None or entry.drawing is None:
        raise Http404("no such drawing in this room")
    return HttpResponse(strokes_svg(entry.drawing.strokes, size=PICTURE_PX, line_width=PICTURE_LINE), content_type="image/svg+xml")


def _common_context() -> dict:
    return {
        "model_version": recognizer_selectors.model_version(),
        "rounds": {"min": MIN_ROUNDS, "max": MAX_ROUNDS, "default": DEFAULT_ROUNDS},
        "seconds": {"min": MIN_SECONDS, "max": MAX_SECONDS, "default": DEFAULT_SECONDS},
        "name_max": NAME_MAX_CHARS,
    }
