"""The game websocket on the in-memory channel layer: every message and every error, with the fake classifier."""

import asyncio
import json
import threading

import pytest
from channels.db import database_sync_to_async

from game import services
from game.consumers import CLOSE_REPLACED, CLOSE_ROOM_FULL, CLOSE_UNKNOWN_ROOM
from game.models import GameDrawing, Player as PlayerRow
from recognizer.models import Drawing
from tests.game.conftest import LINE, RECEIVE_TIMEOUT_S, SCRIBBLE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("game_settings")]


@pytest.fixture
async def code() -> str:
    return (await database_sync_to_async(services.room_create)()).code


async def start(host, rounds: int = 1, seconds: int = 10) -> dict:
    await host.send({"type": "start", "rounds": rounds, "seconds": seconds})
    return await host.until("round_started")


async def test_unknown_room_is_an_error_and_closes(connect) -> None:
    async with connect("ZZZZ") as player:
        error = await player.next()
        assert (error["type"], error["code"]) == ("error", "unknown_room")
        assert (await player.closed()) == {"type": "websocket.close", "code": CLOSE_UNKNOWN_ROOM}


async def test_join_lobby_and_host(code, connect) -> None:
    async with connect(code) as ann, connect(code) as bob:
        first = await ann.join("  Ann  ")
        assert (first["name"], first["host"], first["room"]["code"], first["room"]["state"]) == ("Ann", True, code, "lobby")
        assert first["token"] and first["you"]["drawing"] is None
        second = await bob.join("Bob")
        assert second["host"] is False
        room = await ann.until("room", lambda m: len(m["players"]) == 2)
        assert [(p["name"], p["host"], p["connected"], p["score"]) for p in room["players"]] == [
            ("Ann", True, True, 0), ("Bob", False, True, 0)]
        assert room["host"] == first["player"]


@pytest.mark.parametrize(
    ("message", "code_expected"),
    [
        ({"type": "join", "name": ""}, "bad_name"),
        ({"type": "join", "name": "x" * 25}, "bad_name"),
        ({"type": "join", "name": 7}, "bad_name"),
        ({"type": "join", "name": "ann", "token": 5}, "bad_token"),
        ({"type": "join", "name": "ann", "canvas": [0, 10]}, "bad_canvas"),
        ({"type": "start"}, "not_joined"),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[1, 2, 3]]}, "not_joined"),
        ({"type": "hello", "seq": 1}, "bad_type"),
        ({"type": "submit", "seq": 1}, "bad_type"),
        ([], "bad_json"),
    ],
)
async def test_bad_messages_before_joining(code, connect, message, code_expected: str) -> None:
    async with connect(code) as player:
        await player.send(message)
        reply = await player.next()
        assert (reply["type"], reply["code"]) == ("error", code_expected)
        assert (await player.join("ann"))["host"] is True  # the connection stays usable


async def test_frame_errors_and_second_join(code, connect) -> None:
    async with connect(code) as player:
        await player.ws.send_to(text_data="{nope")
        assert (await player.next())["code"] == "bad_json"
        await player.ws.send_to(bytes_data=b"\x00")
        assert (await player.next())["code"] == "bad_json"
        await player.ws.send_to(text_data=json.dumps({"type": "join", "name": "x" * 70_000}))
        assert (await player.next())["code"] == "too_large"
        await player.join("ann")
        await player.send({"type": "join", "name": "ann"})
        assert (await player.until("error"))["code"] == "already_joined"


async def test_rate_limit(code, connect, settings) -> None:
    settings.RECOGNIZER_RATE_PER_SECOND, settings.RECOGNIZER_RATE_BURST = 0.5, 1
    async with connect(code) as player:
        await player.join("ann")
        await player.send({"type": "start", "rounds": 99})
        assert (await player.until("error"))["code"] == "rate_limited"


async def test_full_room_is_refused(code, connect, players, settings) -> None:
    settings.GAME_MAX_PLAYERS = 2
    async with players(code, "ann", "bob"), connect(code) as carl:
        await carl.send({"type": "join", "name": "carl"})
        assert (await carl.next())["code"] == "room_full"
        assert (await carl.closed())["code"] == CLOSE_ROOM_FULL


@pytest.mark.parametrize(
    ("settings_message", "expected"),
    [
        ({"rounds": 0}, "bad_settings"),
        ({"rounds": 11}, "bad_settings"),
        ({"rounds": "3"}, "bad_settings"),
        ({"seconds": 9}, "bad_settings"),
        ({"seconds": 61}, "bad_settings"),
        ({"seconds": 20.5}, "bad_settings"),
        ({"rounds": 2}, "bad_settings"),  # only one category is a good enough prompt here
    ],
)
async def test_start_settings_are_checked(code, players, settings_message: dict, expected: str) -> None:
    async with players(code, "ann") as (ann,):
        await ann.send({"type": "start", **settings_message})
        assert (await ann.until("error"))["code"] == expected


async def test_only_the_host_starts_and_only_once(code, players) -> None:
    async with players(code, "Ann", "Bob") as (ann, bob):
        await bob.send({"type": "start"})
        assert (await bob.until("error"))["code"] == "not_host"
        await bob.draw("points", stroke=0, points=LINE)
        assert (await bob.until("error"))["code"] == "not_drawing"  # no round yet
        await ann.send({"type": "start", "rounds": 1, "seconds": 10})
        scheduled = await ann.until("room", lambda m: m["state"] == "playing")
        assert scheduled["round"]["state"] == "scheduled" and scheduled["round"]["prompt"] is None  # secret until it starts
        await ann.send({"type": "start", "rounds": 1, "seconds": 10})
        assert (await ann.until("error"))["code"] == "game_running"


async def test_a_full_game_round(code, players) -> None:
    async with players(code, "Ann", "Bob") as (ann, bob):
        started = await start(ann, rounds=1, seconds=10)
        assert (started["round"], started["rounds"], started["prompt"], started["seconds"]) == (1, 1, "sparse", 10)
        assert 0 < started["remaining_ms"] <= 10_000 and len(started["players"]) == 2
        assert (await bob.until("round_started"))["prompt"] == "sparse"

        await bob.draw("points", stroke=0, points=SCRIBBLE)  # "dense": not the prompt yet
        assert (await bob.until("guesses"))["guesses"][0]["label"] == "dense"
        spectated = await ann.until("strokes")
        assert spectated["player"] == (await bob_id(bob)) and spectated["canvas"] == [200, 200]
        assert spectated["ops"][0] == {"op": "points", "stroke": 0, "points": SCRIBBLE}
        await bob.draw("clear")
        assert (await bob.until("guesses"))["guesses"] == []

        await ann.draw("points", stroke=0, points=LINE)
        guesses = await ann.until("guesses")
        assert guesses["guesses"][0]["label"] == "sparse"
        first = await bob.until("recognized")
        assert (first["name"], first["place"]) == ("Ann", 1) and first["points"] > 1000
        await ann.draw("points", stroke=0, points=[[130, 16, 70]])
        assert (await ann.until("error"))["code"] == "not_drawing"  # a recognized drawing is final

        await bob.draw("points", stroke=0, points=LINE)
        second = await ann.until("recognized", lambda m: m["name"] == "Bob")
        assert second["place"] == 2 and second["elapsed_ms"] >= first["elapsed_ms"]

        over = await ann.until("round_over")
        assert [(r["name"], r["recognized"], r["place"]) for r in over["results"]] == [("Ann", True, 1), ("Bob", True, 2)]
        assert [r["points"] for r in over["results"]] == [first["points"], second["points"]]
        assert all(r["drawing"] and r["picture"].endswith(f"/drawings/{r['drawing']}.svg") for r in over["results"])
        final = await ann.until("game_over")
        assert [(row["rank"], row["name"], row["score"]) for row in final["leaderboard"]] == [
            (1, "Ann", first["points"]), (2, "Bob", second["points"])]
        assert [(g["round"], g["prompt"], g["name"]) for g in final["gallery"]] == [(1, "sparse", "Ann"), (1, "sparse", "Bob")]
        room = await ann.until("room", lambda m: m["state"] == "finished")
        assert [p["score"] for p in room["players"]] == [first["points"], second["points"]]

    saved = await database_sync_to_async(lambda: list(GameDrawing.objects.select_related("drawing", "player", "round")))()
    assert len(saved) == 2
    for entry in saved:
        assert (entry.drawing.label, entry.drawing.recognized, entry.round.prompt) == ("sparse", True, "sparse")
        assert entry.drawing.strokes == [[[p[0] for p in LINE], [p[1] for p in LINE], [p[2] for p in LINE]]]
    assert await database_sync_to_async(Drawing.objects.count)() == 2


async def test_round_times_out_and_prompts_do_not_repeat(code, players, two_prompts, short_rounds) -> None:
    async with players(code, "Ann", "Bob") as (ann, bob):
        first = await start(ann, rounds=2, seconds=short_rounds)
        drawer = LINE if first["prompt"] == "sparse" else LINE + SCRIBBLE
        wrong = LINE if first["prompt"] == "dense" else LINE + SCRIBBLE
        await ann.draw("points", stroke=0, points=drawer)
        await bob.draw("points", stroke=0, points=wrong)  # never the prompt: the round runs out
        over = await bob.until("round_over")
        by_name = {r["name"]: r for r in over["results"]}
        assert by_name["Ann"]["recognized"] and not by_name["Bob"]["recognized"]
        assert (by_name["Bob"]["points"], by_name["Bob"]["place"], by_name["Bob"]["elapsed_ms"]) == (0, None, None)
        assert by_name["Bob"]["drawing"] is not None  # saved though not recognized
        second = await bob.until("round_started")
        assert second["round"] == 2 and {first["prompt"], second["prompt"]} == {"sparse", "dense"}
        await bob.until("game_over")
    bob_drawing = await database_sync_to_async(
        lambda: GameDrawing.objects.select_related("drawing").get(player__name="Bob", round__number=1).drawing
    )()
    assert bob_drawing.recognized is False and bob_drawing.label == first["prompt"]


async def test_late_joiner_spectates_until_the_next_round(code, players, connect) -> None:
    async with players(code, "Ann", "Bob") as (ann, bob):
        await start(ann, rounds=1, seconds=10)
        await bob.until("round_started")
        await bob.draw("points", stroke=0, points=SCRIBBLE)
        await ann.until("strokes")
        await bob.until("guesses")
        async with connect(code) as carl:
            await settle_sync()
            joined = await carl.join("Carl")
            assert joined["you"]["spectator"] is True and joined["round_started"]["prompt"] == "sparse"
            bob_id = str(next(p["id"] for p in joined["room"]["players"] if p["name"] == "Bob"))
            assert joined["live"][bob_id]["strokes"][0][0] == [p[0] for p in SCRIBBLE]
            await carl.draw("points", stroke=0, points=LINE)
            assert (await carl.until("error"))["code"] == "not_drawing"
            await ann.draw("points", stroke=0, points=LINE)
            assert (await carl.until("strokes"))["ops"][0]["points"] == LINE
            assert (await carl.until("recognized"))["name"] == "Ann"  # after Ann's strokes


async def bob_id(player) -> int:
    return next(message["player"] for message in player.seen if message["type"] == "joined")


async def settle_sync() -> None:
    """Long enough for a drawing sync (GAME_SYNC_INTERVAL_MS in the fast timings) to reach the database."""
    await asyncio.sleep(0.2)


async def test_reconnect_with_token_restores_seat_score_and_drawing(code, connect, players) -> None:
    async with players(code, "Ann") as (ann,):
        async with connect(code) as bob:
            bob_joined = await bob.join("Bob")
            await start(ann, rounds=1, seconds=10)
            await bob.until("round_started")
            await bob.draw("points", stroke=0, points=SCRIBBLE)
            await bob.until("guesses")
        room = await ann.until("room", lambda m: any(not p["connected"] for p in m["players"]))
        assert [p["name"] for p in room["players"]] == ["Ann", "Bob"]  # the seat is held
        async with connect(code) as bob_again:
            back = await bob_again.join("whatever", token=bob_joined["token"])
            assert (back["player"], back["name"], back["you"]["spectator"]) == (bob_joined["player"], "Bob", False)
            assert back["you"]["drawing"][0][0] == [p[0] for p in SCRIBBLE]  # the drawing so far
            bob_again.seq = 100
            await bob_again.draw("points", stroke=1, points=[[5, 5, 400], [9, 9, 420]])  # continues it: stroke 1
            assert (await bob_again.until("guesses"))["seq"] == 101
            await ann.until("room", lambda m: all(p["connected"] for p in m["players"]))


async def test_a_sync_the_disconnect_cancels_does_not_lose_the_drawing(code, connect, players, settings) -> None:
    """The periodic sync marks the drawing clean before its database call; a call still queued when the player
    leaves is cancelled with the sync task, so the disconnect must save the drawing itself.

    The one database thread is held twice so that the queue becomes: the disconnect's own database hop
    (channels' dispatch), a second hold, the sync's save. The disconnect runs between the two holds."""
    settings.GAME_SYNC_INTERVAL_MS = 300  # the first sync comes ~0.3 s after the round opened
    first, second = threading.Event(), threading.Event()
    holds = []

    def hold(release: threading.Event) -> None:
        holds.append(asyncio.ensure_future(database_sync_to_async(release.wait)(RECEIVE_TIMEOUT_S)))

    loop = asyncio.get_running_loop()
    async with players(code, "Ann") as (ann,):
        async with connect(code) as bob:
            await bob.join("Bob")
            await start(ann, rounds=1, seconds=10)
            await bob.until("round_started")
            await bob.draw("points", stroke=0, points=SCRIBBLE)
            await bob.until("guesses")
            hold(first)
            loop.call_later(0.1, hold, second)  # after the disconnect's hop, before the sync's save
            loop.call_later(0.5, first.set)
            loop.call_later(0.8, second.set)
        assert all([await each for each in holds])
        saved = await GameDrawing.objects.aget(round__room__code=code, player__name="Bob")
        assert saved.strokes == [[[x for x, _, _ in SCRIBBLE], [y for _, y, _ in SCRIBBLE], [t for _, _, t in SCRIBBLE]]]


async def test_the_deadline_saves_the_strokes_before_slow_final_guesses(
    code, connect, players, settings, short_rounds, fake_classifier
) -> None:
    """The round closes GAME_FINISH_GRACE_MS after its deadline and cancels what is still waiting; final guesses
    slower than that must not keep the drawing (never synced here) from the database."""
    settings.GAME_SYNC_INTERVAL_MS = 60_000  # no periodic sync: only the deadline saves
    async with players(code, "Ann") as (ann,):
        async with connect(code) as bob:
            await bob.join("Bob")
            await start(ann, rounds=1, seconds=short_rounds)
            await bob.until("round_started")
            await bob.draw("points", stroke=0, points=SCRIBBLE)
            await bob.until("guesses")
            fake_classifier.delay_s = 0.5  # the final guesses outlast the grace (GAME_FINISH_GRACE_MS 100 here)
            await bob.until("round_over")
        saved = await GameDrawing.objects.aget(round__room__code=code, player__name="Bob")
        assert saved.strokes == [[[x for x, _, _ in SCRIBBLE], [y for _, y, _ in SCRIBBLE], [t for _, _, t in SCRIBBLE]]]


async def test_host_leaving_passes_the_role_and_the_seat_is_freed_after_the_hold(code, connect, settings) -> None:
    settings.GAME_SEAT_HOLD_MS = 300
    async with connect(code) as first, connect(code) as second:
        ann = await first.join("Ann")
        await second.join("Bob")
        await first.ws.disconnect()
        room = await second.until("room", lambda m: m["host"] != ann["player"])
        assert [(p["name"], p["host"], p["connected"]) for p in room["players"]] == [("Ann", False, False), ("Bob", True, True)]
        room = await second.until("room", lambda m: len(m["players"]) == 1)  # the hold ran out
        assert room["players"][0]["name"] == "Bob"
        async with connect(code) as again:
            back = await again.join("Ann", token=ann["token"])
            assert back["player"] != ann["player"] and back["host"] is False  # a new seat, score from 0


async def test_same_token_elsewhere_replaces_the_old_connection(code, connect) -> None:
    async with connect(code) as tab1, connect(code) as tab2:
        joined = await tab1.join("ann")
        again = await tab2.join("ann", token=joined["token"])
        assert again["player"] == joined["player"]
        assert (await tab1.until("error"))["code"] == "replaced"
        assert (await tab1.closed())["code"] == CLOSE_REPLACED
    count = await database_sync_to_async(PlayerRow.objects.count)()
    assert count == 1
