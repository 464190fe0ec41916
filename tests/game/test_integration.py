"""Scale-out proof: TWO Daphne processes sharing PostgreSQL and Redis play one game with real Quick, Draw!
drawings; the host's process is killed mid-round and the other process still ends the round, exactly once.
Plus a thread race on PostgreSQL for places and round-end claims. Skips where PostgreSQL or Redis is missing.
"""

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import HOST, PROJECT_ROOT, TEST_SECRET_KEY, DaphneServer, manage
from tests.browser.sketch import RawDrawing, pick_recognized

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DBS = range(15, 9, -1)  # a distinct, empty db number away from the default 0
RECEIVE_TIMEOUT_S = 30.0
ROUND_SECONDS = 10  # the shortest round the rules allow
FAST_GAME = {
    "GAME_COUNTDOWN_MS": "300",
    "GAME_INTERMISSION_MS": "500",
    "GAME_FINISH_GRACE_MS": "300",
    "GAME_HEARTBEAT_MS": "500",
    "GAME_STALE_AFTER_MS": "2000",  # a killed process's players count as gone after 2 s
    "GAME_SYNC_INTERVAL_MS": "200",
}
POINTS_PER_MESSAGE = 200
SEND_PAUSE_S = 0.02  # between points messages: well inside the rate limit


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres: {error}")
    name = f"drawsite_game_it_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    for db in REDIS_DBS:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_connect_timeout=3)
        try:
            if client.dbsize() == 0:  # nobody else's data here: ours for the test
                break
        except redis.exceptions.ConnectionError as error:
            pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}: {error}")
    else:
        pytest.skip(f"no empty Redis db among {list(REDIS_DBS)}")
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="module")
def scaled_env(postgres_url: str, redis_url: str) -> dict[str, str]:
    env = {
        **os.environ, "DATABASE_URL": postgres_url, "REDIS_URL": redis_url, "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost", "DJANGO_DEBUG": "0", "PYTHONUNBUFFERED": "1", **FAST_GAME,
    }
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    return env


@dataclass
class ScaledDaphne(DaphneServer):
    """A Daphne of the scaled-out setup: PostgreSQL + Redis from ``extra_env`` (``database`` only names its log)."""

    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return self.extra_env


@pytest.fixture(scope="module")
def servers(scaled_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ScaledDaphne]]:
    folder = tmp_path_factory.mktemp("scaled")
    pair = [ScaledDaphne(database=folder / f"daphne-{name}.db", extra_env=scaled_env) for name in "ab"]
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            server.stop()


def create_room(server: ScaledDaphne) -> dict[str, str]:
    """POST /api/rooms with the CSRF cookie and header, as the page does."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{server.url}/play/").read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    request = urllib.request.Request(f"{server.url}/api/rooms", method="POST", headers={"X-CSRFToken": token})
    with opener.open(request) as response:
        assert response.status == 201
        return json.load(response)


class Bot:
    """A scripted player over a real websocket (python `websockets`)."""

    def __init__(self, server: ScaledDaphne, code: str, name: str) -> None:
        self.url = f"ws://{HOST}:{server.port}/ws/game/{code}/"
        self.origin = server.url
        self.name = name
        self.seen: list[dict[str, Any]] = []
        self.seq = 0
        self.id: int | None = None

    async def __aenter__(self) -> "Bot":
        import websockets

        self.ws = await websockets.connect(self.url, origin=self.origin, max_size=None)
        await self.send({"type": "join", "name": self.name, "canvas": [256, 256]})
        self.id = (await self.until("joined"))["player"]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def until(self, kind: str, check=lambda message: True) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                message = json.loads(await self.ws.recv())
                self.seen.append(message)
                if message["type"] == kind and check(message):
                    return message

        return await asyncio.wait_for(wait(), RECEIVE_TIMEOUT_S)

    async def draw(self, drawing: RawDrawing) -> None:
        """Sends the real drawing stroke by stroke, as a browser would (points messages with seq)."""
        for index, (xs, ys, ts) in enumerate(drawing.strokes):
            points = [[x, y, t] for x, y, t in zip(xs, ys, ts)]
            for start in range(0, len(points), POINTS_PER_MESSAGE):
                self.seq += 1
                chunk = points[start:start + POINTS_PER_MESSAGE]
                await self.send({"type": "points", "seq": self.seq, "stroke": index, "points": chunk})
                await asyncio.sleep(SEND_PAUSE_S)

    def count(self, kind: str) -> int:
        return sum(1 for message in self.seen if message["type"] == kind)


def recognized_in(bot: Bot, round_number: int) -> set[int]:
    return {m["player"] for m in bot.seen if m["type"] == "recognized" and m["round"] == round_number}


def drawing_for(prompt: str, data: Path, cache: dict[str, RawDrawing]) -> RawDrawing:
    if prompt not in cache:
        cache[prompt] = pick_recognized(data, words=(prompt,))
    return cache[prompt]


def query(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as connection:
        return connection.execute(sql).fetchall()


def test_two_processes_play_a_full_game_and_survive_the_host_process_dying(
    servers: list[ScaledDaphne], postgres_url: str, quickdraw_data: Path
) -> None:
    a, b = servers
    room = create_room(a)
    drawings: dict[str, RawDrawing] = {}

    async def play() -> dict[str, Any]:
        async with Bot(a, room["code"], "Ann") as ann, Bot(a, room["code"], "Bob") as bob, Bot(b, room["code"], "Cy") as cy:
            await cy.until("room", lambda m: len(m["players"]) == 3)  # joins on A reach B through Redis
            await ann.send({"type": "start", "rounds": 2, "seconds": ROUND_SECONDS})
            # round 1: everyone draws the prompt; it ends early, when all three are recognized
            starts = [await bot.until("round_started") for bot in (ann, bob, cy)]
            prompt1 = starts[0]["prompt"]
            assert {s["prompt"] for s in starts} == {prompt1} and sorted(starts[0]["players"]) == sorted([ann.id, bob.id, cy.id])
            art = drawing_for(prompt1, quickdraw_data, drawings)
            await asyncio.gather(ann.draw(art), bob.draw(art), cy.draw(art))
            over1 = await cy.until("round_over")
            assert over1["results"] and all(r["recognized"] for r in over1["results"])
            assert sorted(r["place"] for r in over1["results"]) == [1, 2, 3]
            assert max(r["elapsed_ms"] for r in over1["results"]) < ROUND_SECONDS * 1000  # ended early
            # round 2: Ann and Bob draw it; Cy (on B) does not; then A, the host's process, dies
            start2 = await cy.until("round_started")
            assert start2["round"] == 2 and start2["prompt"] != prompt1  # no repeats
            art2 = drawing_for(start2["prompt"], quickdraw_data, drawings)
            await asyncio.gather(ann.draw(art2), bob.draw(art2))
            while {ann.id, bob.id} - recognized_in(cy, 2):
                await cy.until("recognized")
            a.process.kill()
            a.process.wait()
            handed = await cy.until("room", lambda m: m["host"] == cy.id)  # stale connections dropped on B
            assert [p["connected"] for p in handed["players"]] == [False, False, True]
            over2 = await cy.until("round_over")  # B's timer ends the round at the deadline
            final = await cy.until("game_over")
            return {"over1": over1, "over2": over2, "final": final, "cy": cy, "ids": (ann.id, bob.id, cy.id),
                    "prompts": (prompt1, start2["prompt"])}

    # its own thread: a sync Playwright (the browser tests' package fixture) may hold this thread's loop
    with ThreadPoolExecutor(max_workers=1) as thread:
        result = thread.submit(asyncio.run, play()).result()
    ann_id, bob_id, cy_id = result["ids"]
    over2 = {r["player"]: r for r in result["over2"]["results"]}
    assert over2[ann_id]["recognized"] and over2[bob_id]["recognized"] and not over2[cy_id]["recognized"]
    assert (over2[cy_id]["points"], over2[cy_id]["drawing"]) == (0, None)  # Cy drew nothing: nothing saved
    assert result["cy"].count("round_over") == 2 and result["cy"].count("game_over") == 1  # each exactly once

    totals = {ann_id: 0, bob_id: 0, cy_id: 0}
    for over in (result["over1"], result["over2"]):
        for row in over["results"]:
            totals[row["player"]] += row["points"]
    leaderboard = {row["player"]: row["score"] for row in result["final"]["leaderboard"]}
    assert leaderboard == totals and len(result["final"]["gallery"]) == 5

    code = room["code"]
    rows = query(postgres_url, f"""
        SELECT r.number, r.prompt, r.state, p.id, gd.place, gd.points, d.id, d.label, d.recognized
        FROM game_gamedrawing gd JOIN game_round r ON gd.round_id = r.id JOIN game_player p ON gd.player_id = p.id
        JOIN game_room room ON r.room_id = room.id LEFT JOIN recognizer_drawing d ON gd.drawing_id = d.id
        WHERE room.code = '{code}' ORDER BY r.number, p.id""")
    assert len(rows) == 6 and {row[2] for row in rows} == {"over"}
    saved = [row for row in rows if row[6] is not None]
    assert len(saved) == 5 and all(row[7] == result["prompts"][row[0] - 1] and row[8] for row in saved)
    scores = dict(query(postgres_url, f"SELECT p.id, p.score FROM game_player p JOIN game_room r ON p.room_id = r.id WHERE r.code = '{code}'"))
    assert scores == totals


def test_same_instant_recognitions_and_simultaneous_round_end_claims_on_postgresql(scaled_env: dict[str, str]) -> None:
    probe = subprocess.run(
        [sys.executable, "-m", "tests.game.race_probe"], cwd=PROJECT_ROOT, env=scaled_env, capture_output=True,
        text=True, timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout)
    assert result["vendor"] == "postgresql"
    places = sorted(r["place"] for r in result["recognitions"])
    assert places == list(range(1, len(places) + 1))  # distinct places, none skipped
    by_place = sorted(result["recognitions"], key=lambda r: r["place"])
    assert [r["points"] for r in by_place] == sorted((r["points"] for r in by_place), reverse=True)
    assert {r["name"]: r["points"] for r in result["recognitions"]} == result["scores"]
    ended = [events for events in result["advances"] if "round_over" in events]
    assert len(ended) == 1 and ended[0][:2] == ["round_over", "game_over"]  # exactly one claim won
    assert result["saved"] == len(places)
