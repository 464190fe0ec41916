"""HTTP side of the game: room creation (CSRF), join by code, the room page, drawing pictures, admin."""

import re

import pytest
from django.test import Client

from game import services
from game.codes import normalize_code
from game.models import GameDrawing, Player, Round
from recognizer.models import Drawing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_classifier")]


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get("/play/")  # sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_create_room_needs_csrf_and_answers_201_with_code_and_url() -> None:
    client, token = csrf_client()
    assert client.post("/api/rooms").status_code == 403
    response = client.post("/api/rooms", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
    body = response.json()
    assert normalize_code(body["code"]) == body["code"] and body["url"] == f"/play/{body['code']}/"
    assert client.get(body["url"]).status_code == 200


def test_plain_form_post_is_redirected_to_the_room() -> None:
    client, token = csrf_client()
    response = client.post("/api/rooms", {"csrfmiddlewaretoken": token, "redirect": "1"})
    assert response.status_code == 302 and re.fullmatch(r"/play/[A-Z2-9]{4}/", response["Location"])


def test_only_post_creates() -> None:
    assert Client().get("/api/rooms").status_code == 405


def test_join_by_typed_code() -> None:
    room = services.room_create()
    client = Client()
    typed = f" {room.code[:2].lower()}-{room.code[2:]} "
    response = client.get("/play/", {"code": typed})
    assert (response.status_code, response["Location"]) == (302, f"/play/{room.code}/")
    missing = client.get("/play/", {"code": "ZZZZ" if room.code != "ZZZZ" else "YYYY"})
    assert missing.status_code == 404 and b"no room" in missing.content
    assert client.get("/play/", {"code": "0O1I"}).status_code == 404


def test_room_page() -> None:
    room = services.room_create()
    client = Client()
    page = client.get(f"/play/{room.code}/")
    assert page.status_code == 200
    assert f'data-ws-path="/ws/game/{room.code}/"'.encode() in page.content and b"csrftoken" in page.cookies.output().encode()
    # With a separator the typed form differs from the code even when the code has no letters (~1 in 230).
    typed = f"{room.code[:2].lower()}-{room.code[2:]}"
    assert client.get(f"/play/{typed}/")["Location"] == f"/play/{room.code}/"
    assert client.get("/play/0000/").status_code == 404




def test_drawing_pictures_are_served_only_in_their_room() -> None:
    from django.utils import timezone

    room, other = services.room_create(), services.room_create()
    now = timezone.now()
    player = Player.objects.create(room=room, name="Ann", token="tok", seen_at=now)
    game_round = Round.objects.create(room=room, game=1, number=1, prompt="cat", starts_at=now, deadline=now)
    drawing = Drawing.objects.create(strokes=[[[0, 10], [0, 10], [0, 5]]], model_version="m", stroke_count=1, point_count=2, source="submit")
    GameDrawing.objects.create(round=game_round, player=player, drawing=drawing, strokes=drawing.strokes)
    client = Client()
    picture = client.get(f"/play/{room.code}/drawings/{drawing.pk}.svg")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/svg+xml" and b"<polyline" in picture.content
    assert client.get(f"/play/{other.code}/drawings/{drawing.pk}.svg").status_code == 404


def test_admin_lists_rooms_and_game_drawings(admin_client) -> None:
    services.room_create()
    for path in ["/admin/game/room/", "/admin/game/round/", "/admin/game/gamedrawing/"]:
        assert admin_client.get(path).status_code == 200, path
