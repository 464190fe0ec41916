"""Security edges: websocket Origin checks, CSRF on state-changing HTTP, staff-only admin, per-client connection limit."""

import json
from importlib.util import find_spec

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client

from tests.hardening.conftest import ALLOWED_ORIGIN, FOREIGN_ORIGIN, TIMEOUT_S

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fake_classifier")]

GAME_PATH = "/ws/game/ABCD/"
WS_PATHS = [
    "/ws/draw/",
    pytest.param(
        GAME_PATH,
        marks=pytest.mark.skipif(find_spec("game.routing") is None, reason="the game app has no websocket routing yet"),
    ),
]
ADMIN_PAGES = ["/admin/", "/admin/recognizer/drawing/"] + (
    ["/admin/game/room/", "/admin/game/gamedrawing/"] if find_spec("game.admin") is not None else []
)
HTTP_OK = 200
HTTP_FORBIDDEN = 403
HTTP_REDIRECT = 302
HTTP_CREATED = 201
CONNECTION_LIMIT_SETTING = "WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT"
CLIENT_A = ("203.0.113.7", 50000)
CLIENT_B = ("198.51.100.9", 50000)


async def _connect(path: str, headers: list, client: tuple[str, int] = CLIENT_A) -> tuple[bool, WebsocketCommunicator]:
    from drawsite.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["client"] = list(client)
    connected, _ = await communicator.connect(timeout=TIMEOUT_S)
    return connected, communicator


@pytest.mark.parametrize("path", WS_PATHS)
@pytest.mark.parametrize(
    "headers",
    [
        [(b"origin", FOREIGN_ORIGIN)],
        [(b"origin", b"http://localhost.evil.example.com")],
        [(b"origin", b"null")],
        [],  # no Origin header at all
    ],
    ids=["foreign", "lookalike", "null", "missing"],
)
async def test_websocket_from_a_foreign_origin_is_refused(path: str, headers: list) -> None:
    connected, communicator = await _connect(path, headers)
    assert not connected
    await communicator.wait()


@pytest.mark.parametrize("path", WS_PATHS)
async def test_websocket_from_an_allowed_origin_connects(path: str) -> None:
    connected, communicator = await _connect(path, [(b"origin", ALLOWED_ORIGIN)])
    assert connected
    await communicator.disconnect(timeout=TIMEOUT_S)


def test_admin_login_form_refuses_a_post_without_csrf_token() -> None:
    User.objects.create_superuser("boss", password="a-long-test-password-123")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "boss", "password": "a-long-test-password-123"})
    assert response.status_code == HTTP_FORBIDDEN


@pytest.mark.skipif(find_spec("game.urls") is None, reason="the game app has no HTTP routes yet")
@pytest.mark.parametrize("data", [{}, {"redirect": "1"}], ids=["api", "form"])
def test_room_api_refuses_a_post_without_csrf_token(data: dict) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/api/rooms", data).status_code == HTTP_FORBIDDEN


@pytest.mark.skipif(find_spec("game.urls") is None, reason="the game app has no HTTP routes yet")
def test_room_api_accepts_the_token_from_the_play_page() -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/play/")
    token = client.cookies["csrftoken"].value
    assert client.post("/api/rooms", {}, HTTP_X_CSRFTOKEN=token).status_code == HTTP_CREATED


def test_baseline_post_needs_csrf_token(settings) -> None:
    settings.RECOGNIZER_ENABLE_BASELINE = True
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/baseline/predict", json.dumps({"image": "data:image/png;base64,"}), content_type="application/json"
    )
    assert response.status_code == HTTP_FORBIDDEN


def test_baseline_is_off_unless_enabled(settings) -> None:
    settings.RECOGNIZER_ENABLE_BASELINE = False
    assert Client().get("/baseline/predict").status_code == 404


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_admin_is_staff_only(page: str, who: str) -> None:
    client = Client()
    if who == "user":
        client.force_login(User.objects.create_user("visitor", password="a-long-test-password-123"))
    response = client.get(page)
    assert response.status_code == HTTP_REDIRECT and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_opens_for_staff(page: str) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="a-long-test-password-123"))
    assert client.get(page).status_code == HTTP_OK


async def test_one_client_cannot_hold_more_than_the_connection_limit(settings) -> None:
    """Over ``WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT`` sockets from one address are refused; others still connect."""
    limit = 3
    setattr(settings, CONNECTION_LIMIT_SETTING, limit)
    headers = [(b"origin", ALLOWED_ORIGIN)]
    held = []
    for _ in range(limit):
        connected, communicator = await _connect("/ws/draw/", headers)
        assert connected
        held.append(communicator)
    over, refused = await _connect("/ws/draw/", headers)
    other_client, other = await _connect("/ws/draw/", headers, client=CLIENT_B)
    assert not over, "a client opened more websockets than the per-client limit"
    assert other_client
    await other.disconnect(timeout=TIMEOUT_S)
    await held.pop().disconnect(timeout=TIMEOUT_S)
    again, communicator = await _connect("/ws/draw/", headers)  # a freed slot can be used again
    assert again
    held.append(communicator)
    for communicator in held:
        await communicator.disconnect(timeout=TIMEOUT_S)


@pytest.mark.parametrize(
    ("opens", "limit", "expected"),
    [
        (1, 1, [True]),
        (3, 2, [True, True, False]),
        (3, 0, [True, True, True]),  # 0: no limit
        (2, -1, [True, True]),
    ],
)
def test_connection_counter_table(opens: int, limit: int, expected: list[bool]) -> None:
    from drawsite.connection_limit import ConnectionCounter

    counter = ConnectionCounter()
    assert [counter.try_open("203.0.113.7", limit) for _ in range(opens)] == expected
    assert counter.open_count("203.0.113.7") == sum(expected)
    counter.close("203.0.113.7")
    assert counter.try_open("203.0.113.7", limit) is True  # a closed slot is free again
    assert counter.open_count("198.51.100.9") == 0
