"""Regression tests for hostile inputs the fuzzer found or that hardening requires, one case per row.

Each bad message must get exactly one ``error`` with its documented code, and the connection must
keep working afterwards (the next valid message gets its guesses).
"""

import json
from importlib.util import find_spec

import pytest
from channels.db import database_sync_to_async

from tests.hardening.conftest import TIMEOUT_S, websocket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fake_classifier")]

HUGE_INT = 10**400  # valid JSON (Python parses ints up to 4300 digits) but too large for a float
GOOD_POINTS = {"type": "points", "seq": 100, "stroke": 0, "points": [[1, 2, 0], [30, 40, 10]]}


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[HUGE_INT, 1, 0]]}, "bad_points"),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[1, -HUGE_INT, 0]]}, "bad_points"),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[1, 1, HUGE_INT]]}, "bad_points"),
        ({"type": "hello", "seq": 1, "canvas": [HUGE_INT, 100]}, "bad_canvas"),
        ({"type": "submit", "seq": 1, "canvas": [100, HUGE_INT]}, "bad_canvas"),
        ({"type": "undo", "seq": True}, "bad_seq"),
        ({"type": "points", "seq": 1, "stroke": False, "points": [[1, 1, 1]]}, "bad_stroke"),
    ],
)
async def test_hostile_number_gets_an_error_and_the_connection_survives(message: dict, code: str) -> None:
    async with websocket("/ws/draw/") as ws:
        await ws.send_to(text_data=json.dumps(message))
        reply = json.loads(await ws.receive_from(timeout=TIMEOUT_S))
        assert (reply["type"], reply["code"]) == ("error", code)
        await ws.send_to(text_data=json.dumps(GOOD_POINTS))
        reply = json.loads(await ws.receive_from(timeout=TIMEOUT_S))
        assert (reply["type"], reply["seq"]) == ("guesses", GOOD_POINTS["seq"])


@pytest.mark.skipif(find_spec("game.routing") is None, reason="the game app has no websocket routing yet")
@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[HUGE_INT, 1, 0]]}, "bad_points"),
        ({"type": "join", "name": "ann", "canvas": [HUGE_INT, 100]}, "bad_canvas"),
    ],
)
async def test_hostile_number_on_the_game_endpoint_gets_an_error(message: dict, code: str) -> None:
    from game import services

    room = await database_sync_to_async(services.room_create)()
    async with websocket(f"/ws/game/{room.code}/") as ws:
        await ws.send_to(text_data=json.dumps(message))
        reply = json.loads(await ws.receive_from(timeout=TIMEOUT_S))
        assert (reply["type"], reply["code"]) == ("error", code)
        await ws.send_to(text_data=json.dumps({"type": "join", "name": "ann"}))
        assert json.loads(await ws.receive_from(timeout=TIMEOUT_S))["type"] == "joined"
