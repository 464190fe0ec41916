"""Fixtures for the game tests: the fake classifier of tests/web, prompts it can be asked for, fast timings,
and scripted players on the real ASGI app (in-memory channel layer)."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator

from tests.web.conftest import fake_classifier  # noqa: F401  (a fixture, re-exported for these tests)

ORIGIN = b"http://localhost"
RECEIVE_TIMEOUT_S = 5.0
# The fake classifier's labels with made-up per-class figures: "middle" is too weak to be a prompt.
FAKE_METRICS = {"held_out": {"bitmaps": {"per_class": {"sparse": {"top1": 1.0}, "dense": {"top1": 0.9}, "middle": {"top1": 0.1}}}}}
SPARSE_ONLY_METRICS = {"held_out": {"bitmaps": {"per_class": {"sparse": {"top1": 1.0}}}}}
FAST_TIMINGS = {
    "GAME_COUNTDOWN_MS": 50,
    "GAME_INTERMISSION_MS": 50,
    "GAME_FINISH_GRACE_MS": 100,
    "GAME_SYNC_INTERVAL_MS": 50,
    "GAME_STROKES_INTERVAL_MS": 10,
}
# Fake classifier drawings: a short line is "sparse", a line plus a scribble is "dense".
LINE = [[10, 10, 0], [60, 12, 30], [120, 15, 60]]
SCRIBBLE = [[x, (x * 37) % 200, 100 + x] for x in range(0, 200, 8)]


@pytest.fixture
def game_settings(settings, fake_classifier, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    """Fast timings, the fake classifier, and a prompt pool of "sparse" alone (so tests know the prompt)."""
    for name, value in FAST_TIMINGS.items():
        setattr(settings, name, value)
    monkeypatch.setattr("recognizer.classifier.load_metrics", lambda: SPARSE_ONLY_METRICS)
    return settings


@pytest.fixture
def two_prompts(game_settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("recognizer.classifier.load_metrics", lambda: FAKE_METRICS)


@pytest.fixture
def short_rounds(monkeypatch: pytest.MonkeyPatch) -> int:
    """Rounds may last 1 s, so a round that times out ends quickly."""
    monkeypatch.setattr("game.rules.MIN_SECONDS", 1)
    return 1


class Player:
    """A scripted player: a websocket plus a log of everything the server sent."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.ws = communicator
        self.seen: list[dict[str, Any]] = []
        self.seq = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send_json_to(message)

    async def draw(self, kind: str, **fields: Any) -> None:
        self.seq += 1
        await self.send({"type": kind, "seq": self.seq, **fields})

    async def next(self) -> dict[str, Any]:
        message = await self.ws.receive_json_from(timeout=RECEIVE_TIMEOUT_S)
        self.seen.append(message)
        return message

    async def until(self, kind: str, check: Callable[[dict], bool] = lambda message: True) -> dict[str, Any]:
        """The next message of type ``kind`` passing ``check`` (others are logged and skipped)."""
        while True:
            message = await self.next()
            if message["type"] == kind and check(message):
                return message

    async def join(self, name: str, token: str | None = None) -> dict[str, Any]:
        await self.send({"type": "join", "name": name, "token": token, "canvas": [200, 200]})
        return await self.until("joined")

    async def closed(self) -> dict[str, Any]:
        return await self.ws.receive_output(timeout=RECEIVE_TIMEOUT_S)


@pytest.fixture
def connect() -> Callable[..., Any]:
    """``async with connect(code) as player:`` a websocket to /ws/game/<code>/ (disconnected at the end)."""
    from drawsite.asgi import application

    @asynccontextmanager
    async def open_player(code: str) -> AsyncIterator[Player]:
        communicator = WebsocketCommunicator(application, f"/ws/game/{code}/", headers=[(b"origin", ORIGIN)])
        connected, _ = await communicator.connect(timeout=RECEIVE_TIMEOUT_S)
        assert connected
        try:
            yield Player(communicator)
        finally:
            await communicator.disconnect(timeout=RECEIVE_TIMEOUT_S)

    return open_player


@pytest.fixture
def players(connect) -> Callable[..., Any]:
    """``async with players(code, "ann", "bob") as (ann, bob):`` joined players, in joining order."""

    @asynccontextmanager
    async def open_players(code: str, *names: str) -> AsyncIterator[list[Player]]:
        async with AsyncExitStack() as stack:
            joined = []
            for name in names:
                player = await stack.enter_async_context(connect(code))
                await player.join(name)
                joined.append(player)
            yield joined

    return open_players


async def settle(seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)
