"""Fault tests against real server processes: Daphne on a throwaway PostgreSQL database (and a private Redis).

Skipped with the reason when PostgreSQL (127.0.0.1:5432, or $LOADTEST_POSTGRES_URL) or
``redis-server`` is not available. Nothing here touches the machine's shared Redis or the project's
db.sqlite3: each test makes its own database and, where it needs one, its own Redis on a free port.
"""

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from websockets.asyncio.client import ClientConnection, connect

from loadtest.servers import (
    DaphneServer,
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


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[DaphneServer], str]]:
    """Two Daphne processes sharing one throwaway PostgreSQL database and a private Redis."""
    with ExitStack() as stack:
        database_url = stack.enter_context(throwaway_postgres())
        redis = stack.enter_context(throwaway_redis())
        log_dir = Path(tmp_path_factory.mktemp("daphne-logs"))
        servers = stack.enter_context(
            daphne_cluster(2, {"DATABASE_URL": database_url, "REDIS_URL": redis.url}, log_dir)
        )
        yield servers, database_url


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
        await ws.send(json.dumps({"type": "points", "seq": seq, "stroke": number, "points": [list(p) for p in zip(xs, ys, ts)]}))
        seq += 1
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
        assert reply["type"] == "guesses", reply
        if reply["seq"] == seq - 1:
            return seq


def ws_url(server: DaphneServer) -> tuple[str, str]:
    return server.ws_base + "/ws/draw/", server.http_base


async def test_a_client_dropped_mid_drawing_has_its_drawing_saved(cluster) -> None:
    servers, database_url = cluster
    before = len(await asyncio.to_thread(saved_drawings, database_url))
    url, origin = ws_url(servers[0])
    ws = await connect(url, origin=origin)
    await draw(ws, STROKES)
    ws.transport.abort()  # the TCP connection just dies: no close frame, as when a phone loses signal
    rows = await wait_saved(database_url, before + 1)
    source, strokes = rows[-1]
    assert source == "disconnect"
    assert strokes == STROKES  # exactly as sent (raw format, ints stay ints)


async def test_killing_one_daphne_the_other_keeps_serving_and_a_reconnect_resumes_there(cluster) -> None:
    """Drawers on the survivor carry on; a drawer on the killed process reconnects there and re-sends its strokes."""
    servers, database_url = cluster
    victim, survivor = servers
    before = len(await asyncio.to_thread(saved_drawings, database_url))
    url_v, origin_v = ws_url(victim)
    url_s, origin_s = ws_url(survivor)
    async with connect(url_s, origin=origin_s) as steady, connect(url_v, origin=origin_v) as doomed:
        await draw(steady, STROKES[:1])
        await draw(doomed, STROKES[:1])
        victim.kill()
        with pytest.raises(Exception):  # the victim's socket is gone: reading raises ConnectionClosed
            await asyncio.wait_for(doomed.recv(), REPLY_TIMEOUT_S)
        # the survivor's drawer continues its drawing as if nothing happened
        await steady.send(json.dumps({"type": "points", "seq": 10, "stroke": 1, "points": [[20, 100, 400], [20, 180, 450]]}))
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
