"""Fault tests against real server processes: Daphne on a throwaway PostgreSQL database (and a private Redis).

Skipped with the reason when PostgreSQL (127.0.0.1:5432, or $LOADTEST_POSTGRES_URL) or
``redis-server`` is not available. Nothing here touches the machine's shared Redis or the project's
db.sqlite3: each test makes its own database and, where it needs one, its own Redis on a free port.
"""

import asyncio
import json
import math
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from game.conf import game_config
from game.prompts import class_top1, prompt_pool
from loadtest.servers import (
    DaphneServer,
    RedisServer,
    daphne_cluster,
    postgres_available,
    redis_available,
    throwaway_postgres,
    throwaway_redis,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not reachable on 127.0.0.1:5432"),
    pytest.mark.skipif(not redis_available(), reason="redis-server is not installed"),
]

REPLY_TIMEOUT_S = 10.0
SAVE_TIMEOUT_S = 15.0
POLL_S = 0.1
STROKES = [  # a small real-looking drawing: two strokes with their times
    [[10, 60, 120, 150], [10, 40, 80, 90], [0, 30, 60, 90]],
    [[20, 20], [100, 180], [400, 450]],
]


# Game timings short enough for a test: a killed process's players count as gone after 2 s.
FAST_GAME = {
    "GAME_COUNTDOWN_MS": "300",
    "GAME_INTERMISSION_MS": "500",
    "GAME_FINISH_GRACE_MS": "300",
    "GAME_HEARTBEAT_MS": "500",
    "GAME_STALE_AFTER_MS": "2000",
    "GAME_SYNC_INTERVAL_MS": "200",
}


@dataclass
class Cluster:
    servers: list[DaphneServer]
    database_url: str
    redis: RedisServer


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two Daphne processes sharing one throwaway PostgreSQL database and a private Redis."""
    with ExitStack() as stack:
        database_url = stack.enter_context(throwaway_postgres())
        redis = stack.enter_context(throwaway_redis())
        log_dir = Path(tmp_path_factory.mktemp("daphne-logs"))
        env = {"DATABASE_URL": database_url, "REDIS_URL": redis.url, **FAST_GAME, **prompts_unlike_the_test_lines()}
        servers = stack.enter_context(daphne_cluster(2, env, log_dir))
        yield Cluster(servers, database_url, redis)


def saved_drawings(database_url: str) -> list[tuple[str, list]]:
    """(source, strokes) of every saved drawing, oldest first, read straight from PostgreSQL."""
    import psycopg

    with psycopg.connect(database_url) as db:
        rows = db.execute("SELECT source, strokes FROM recognizer_drawing ORDER BY id").fetchall()
    return [(source, strokes if isinstance(strokes, list) else json.loads(strokes)) for source, strokes in rows]


async def wait_saved(database_url: str, count: int) -> list[tuple[str, list]]:
    deadline = time.monotonic() + SAVE_TIMEOUT_S
    while time.monotonic() < deadline:
        rows = await asyncio.to_thread(saved_drawings, database_url)
        if len(rows) >= count:
            return rows
        await asyncio.sleep(POLL_S)
    raise AssertionError(f"{count} drawings not saved within {SAVE_TIMEOUT_S:.0f} s")


async def draw(ws: ClientConnection, strokes: list, first_seq: int = 0) -> int:
    """Send ``strokes`` (one message per stroke) and wait for the last one's guesses; returns the next seq."""
    seq = first_seq
    for number, (xs, ys, ts) in enumerate(strokes):
        await ws.send(
            json.dumps({"type": "points", "seq": seq, "stroke": number, "points": [list(p) for p in zip(xs, ys, ts)]})
        )
        seq += 1
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
        assert reply["type"] == "guesses", reply
        if reply["seq"] == seq - 1:
            return seq


def ws_url(server: DaphneServer) -> tuple[str, str]:
    return server.ws_base + "/ws/draw/", server.http_base


async def test_a_client_dropped_mid_drawing_has_its_drawing_saved(cluster: Cluster) -> None:
    servers, database_url = cluster.servers, cluster.database_url
    before = len(await asyncio.to_thread(saved_drawings, database_url))
    url, origin = ws_url(servers[0])
    ws = await connect(url, origin=origin)
    await draw(ws, STROKES)
    ws.transport.abort()  # the TCP connection just dies: no close frame, as when a phone loses signal
    rows = await wait_saved(database_url, before + 1)
    source, strokes = rows[-1]
    assert source == "disconnect"
    assert strokes == STROKES  # exactly as sent (raw format, ints stay ints)


async def test_killing_one_daphne_the_other_keeps_serving_and_a_reconnect_resumes_there(cluster: Cluster) -> None:
    """Drawers on the survivor carry on; a drawer on the killed process reconnects there and re-sends its strokes."""
    servers, database_url = cluster.servers, cluster.database_url
    victim, survivor = servers
    before = len(await asyncio.to_thread(saved_drawings, database_url))
    url_v, origin_v = ws_url(victim)
    url_s, origin_s = ws_url(survivor)
    async with connect(url_s, origin=origin_s) as steady, connect(url_v, origin=origin_v) as doomed:
        await draw(steady, STROKES[:1])
        await draw(doomed, STROKES[:1])
        victim.kill()
        with pytest.raises(ConnectionClosed):  # the victim's socket is gone
            await asyncio.wait_for(doomed.recv(), REPLY_TIMEOUT_S)
        # the survivor's drawer continues its drawing as if nothing happened
        await steady.send(
            json.dumps({"type": "points", "seq": 10, "stroke": 1, "points": [[20, 100, 400], [20, 180, 450]]})
        )
        reply = json.loads(await asyncio.wait_for(steady.recv(), REPLY_TIMEOUT_S))
        assert (reply["type"], reply["seq"]) == ("guesses", 10)
        await steady.send(json.dumps({"type": "submit", "seq": 11}))
        assert json.loads(await asyncio.wait_for(steady.recv(), REPLY_TIMEOUT_S))["type"] == "saved"
        # the victim's drawer reconnects to the survivor and re-sends what it had drawn (the client keeps it)
        async with connect(url_s, origin=origin_s) as resumed:
            seq = await draw(resumed, STROKES)
            await resumed.send(json.dumps({"type": "submit", "seq": seq}))
            assert json.loads(await asyncio.wait_for(resumed.recv(), REPLY_TIMEOUT_S))["type"] == "saved"
    rows = await wait_saved(database_url, before + 2)
    assert [source for source, _ in rows[before:]] == ["submit", "submit"]
    victim.start()  # leave the module's cluster whole for later tests


async def test_a_redis_restart_does_not_break_drawing_connections(cluster: Cluster) -> None:
    """/ws/draw/ needs no channel layer: a Redis restart must neither drop a drawer nor lose its drawing."""
    server = cluster.servers[0]
    before = len(await asyncio.to_thread(saved_drawings, cluster.database_url))
    url, origin = ws_url(server)
    async with connect(url, origin=origin) as ws:
        seq = await draw(ws, STROKES[:1])
        cluster.redis.stop()
        cluster.redis.start()
        await asyncio.sleep(POLL_S * 5)  # let the consumer notice, if it is going to
        await ws.send(
            json.dumps({"type": "points", "seq": seq, "stroke": 1, "points": [[20, 100, 400], [20, 180, 450]]})
        )
        reply = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
        assert (reply["type"], reply["seq"]) == ("guesses", seq)
        await ws.send(json.dumps({"type": "submit", "seq": seq + 1}))
        assert json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))["type"] == "saved"
    rows = await wait_saved(cluster.database_url, before + 1)
    assert rows[-1] == ("submit", STROKES)


# --- the game (/ws/game/<code>/) ---

ROUND_SECONDS = 10  # the shortest round the rules allow
GAME_TIMEOUT_S = ROUND_SECONDS + 20.0  # a round, its grace, and reconnects
LINE_A = [[[10, 60, 110], [10, 12, 15], [0, 40, 80]]]  # short lines, kept out of the prompts (see below)
LINE_B = [[[200, 150, 100], [30, 31, 32], [0, 40, 80]]]
LINE_C = [[[30, 30], [100, 200], [900, 960]]]
GAME_STATES = (LINE_A, LINE_B, LINE_A + LINE_C, LINE_B + LINE_C)  # every drawing the game tests get guesses for


def prompts_unlike_the_test_lines() -> dict[str, str]:
    """Server settings whose prompt pool leaves out what the served model sees in the test lines (a line reads
    as "diamond"): a player recognized at once could draw no more, and these tests draw on."""
    from ml.config import DEFAULT_MODEL_DIR
    from ml.inference import METRICS_FILE, load_classifier
    from ml.raster import render_raw
    from recognizer.selectors import per_class_figures

    classifier = load_classifier(DEFAULT_MODEL_DIR)
    figures = per_class_figures(json.loads((DEFAULT_MODEL_DIR / METRICS_FILE).read_text(encoding="utf-8")))
    sets = game_config().prompt_metric_sets
    seen = {classifier.labels[int(row.argmax())] for row in classifier.predict(np.stack([render_raw(s) for s in GAME_STATES]))}
    floor = math.nextafter(max(class_top1(figures.get(label, {}), sets) or 0.0 for label in seen), math.inf)
    pool = prompt_pool(classifier.labels, figures, min_top1=floor, metric_sets=sets)
    assert pool and not seen & set(pool), f"no prompt pool avoids {seen}: change the test lines"
    return {"GAME_MIN_PROMPT_TOP1": repr(floor)}


def create_room(server: DaphneServer) -> str:
    """POST /api/rooms like the page does: CSRF cookie from /play/, token in X-CSRFToken."""
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(server.http_base + "/play/", timeout=REPLY_TIMEOUT_S).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    request = urllib.request.Request(
        server.http_base + "/api/rooms",
        data=b"",
        method="POST",
        headers={"X-CSRFToken": token, "Origin": server.http_base},
    )
    return json.loads(opener.open(request, timeout=REPLY_TIMEOUT_S).read())["code"]


class GamePlayer:
    """A websocket to one server's /ws/game/<code>/ plus everything it received."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: list[dict] = []
        self.seq = -1

    @classmethod
    async def connect(cls, server: DaphneServer, code: str) -> "GamePlayer":
        return cls(await connect(f"{server.ws_base}/ws/game/{code}/", origin=server.http_base))

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def until(self, kind: str, timeout_s: float = REPLY_TIMEOUT_S, check=lambda m: True) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), max(0.01, deadline - time.monotonic())))
            self.seen.append(message)
            if message["type"] == kind and check(message):
                return message

    async def join(self, name: str, token: str | None = None) -> dict:
        await self.send({"type": "join", "name": name, "token": token, "canvas": [256, 256]})
        return await self.until("joined")

    async def draw(self, strokes: list, first_stroke: int = 0) -> None:
        """Each stroke as one points message; waits for the guesses of the last one."""
        for number, (xs, ys, ts) in enumerate(strokes, start=first_stroke):
            self.seq += 1
            points = [list(p) for p in zip(xs, ys, ts)]
            await self.send({"type": "points", "seq": self.seq, "stroke": number, "points": points})
        last = self.seq
        await self.until("guesses", check=lambda m: m["seq"] == last)


def drawing_strokes(database_url: str, drawing_id: int) -> list:
    import psycopg

    with psycopg.connect(database_url) as db:
        (strokes,) = db.execute("SELECT strokes FROM recognizer_drawing WHERE id = %s", (drawing_id,)).fetchone()
    return strokes if isinstance(strokes, list) else json.loads(strokes)


async def test_game_player_on_a_killed_process_resumes_on_the_survivor(cluster: Cluster) -> None:
    """The host's process dies mid-round: the other player keeps drawing; the host rejoins on the survivor with
    its token, gets its drawing back, continues it; the round ends at its deadline with both drawings saved whole."""
    victim, survivor = cluster.servers
    code = create_room(survivor)
    host, other = await GamePlayer.connect(victim, code), await GamePlayer.connect(survivor, code)
    try:
        joined = await host.join("host")
        await other.join("other")
        await host.send({"type": "start", "rounds": 1, "seconds": ROUND_SECONDS})
        await host.until("round_started")
        await other.until("round_started")
        await host.draw(LINE_A)
        await other.draw(LINE_B)
        await asyncio.sleep(
            int(FAST_GAME["GAME_SYNC_INTERVAL_MS"]) * 3 / 1000
        )  # the host's drawing reaches the database
        victim.kill()
        await other.draw(LINE_C, first_stroke=1)  # unaffected: its process and the database are fine
        back = await GamePlayer.connect(survivor, code)
        rejoined = await back.join("host", token=joined["token"])
        assert rejoined["player"] == joined["player"] and rejoined["round_started"] is not None
        assert rejoined["you"]["drawing"] == LINE_A  # the server continues from the synced drawing
        await back.draw(LINE_C, first_stroke=len(LINE_A))  # a new connection: seq starts afresh
        over = await other.until("round_over", timeout_s=GAME_TIMEOUT_S)
        await back.until("round_over", timeout_s=GAME_TIMEOUT_S)
        await other.until("game_over")
    finally:
        for player in (host, other, locals().get("back")):
            if player is not None:
                await player.ws.close()
        victim.start()
    saved = {result["name"]: result["drawing"] for result in over["results"]}
    assert drawing_strokes(cluster.database_url, saved["host"]) == LINE_A + LINE_C
    assert drawing_strokes(cluster.database_url, saved["other"]) == LINE_B + LINE_C


RECONNECT_ATTEMPTS = 10
RECONNECT_PAUSE_S = 1.0  # what the room page's reconnect loop waits between tries


async def rejoin_until_game_over(server: DaphneServer, code: str, name: str, token: str) -> dict:
    """A browser's reconnect loop: connect, join with the token, wait for (or read) game_over; retry on failure."""
    failures = []
    for _ in range(RECONNECT_ATTEMPTS):
        try:
            again = await GamePlayer.connect(server, code)
            try:
                rejoined = await again.join(name, token=token)
                if rejoined["game_over"] is not None:
                    return rejoined["game_over"]
                return await again.until("game_over", timeout_s=GAME_TIMEOUT_S)
            finally:
                await again.ws.close()
        except (TimeoutError, ConnectionClosed, OSError) as error:
            failures.append(repr(error))
            await asyncio.sleep(RECONNECT_PAUSE_S)
    raise AssertionError(f"{name} could not rejoin after {RECONNECT_ATTEMPTS} tries: {failures}")


async def test_a_redis_restart_mid_game_recovers_or_ends_cleanly_with_results_saved(cluster: Cluster) -> None:
    """Redis (the channel layer) restarts during a round: the round still ends at its deadline, results are saved,
    and a player who reconnects (if the server dropped it) is told the outcome."""
    first, second = cluster.servers
    code = create_room(first)
    ann, bob = await GamePlayer.connect(first, code), await GamePlayer.connect(second, code)
    tokens = {"ann": (await ann.join("ann"))["token"], "bob": (await bob.join("bob"))["token"]}
    await ann.send({"type": "start", "rounds": 1, "seconds": ROUND_SECONDS})
    await ann.until("round_started")
    await bob.until("round_started")
    await ann.draw(LINE_A)
    await bob.draw(LINE_B)
    await asyncio.sleep(int(FAST_GAME["GAME_SYNC_INTERVAL_MS"]) * 3 / 1000)
    cluster.redis.stop()
    cluster.redis.start()  # same port, empty: every channel-layer group membership is gone
    outcomes = {}
    for name, player, server in (("ann", ann, first), ("bob", bob, second)):
        try:
            outcomes[name] = await player.until("game_over", timeout_s=GAME_TIMEOUT_S)
        except (TimeoutError, ConnectionClosed):
            # the server dropped the socket, or fan-out is lost: the client reconnects and rejoins with its token
            await player.ws.close()
            outcomes[name] = await rejoin_until_game_over(server, code, name, tokens[name])
        else:
            await player.ws.close()
    for outcome in outcomes.values():
        gallery = {entry["name"]: entry["drawing"] for entry in outcome["gallery"]}
        assert set(gallery) == {"ann", "bob"}
    assert drawing_strokes(cluster.database_url, gallery["ann"]) == LINE_A
    assert drawing_strokes(cluster.database_url, gallery["bob"]) == LINE_B
