"""Fixtures for the web tests: a fake served classifier and websocket connections to the real ASGI app."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator

from tests.web.fakes import FakeClassifier

ALLOWED_ORIGIN = b"http://localhost"
RECEIVE_TIMEOUT_S = 5.0
DISCONNECT_TIMEOUT_S = 5.0


@pytest.fixture
def fake_classifier(monkeypatch: pytest.MonkeyPatch) -> FakeClassifier:
    """Serve ``FakeClassifier`` instead of the model in RECOGNIZER_MODEL_DIR."""
    fake = FakeClassifier()
    monkeypatch.setattr("recognizer.classifier.get_classifier", lambda: fake)
    return fake


@pytest.fixture
def draw_socket() -> Callable[..., Any]:
    """``async with draw_socket() as ws:`` a connected /ws/draw/ websocket, disconnected at the end."""
    from drawsite.asgi import application

    @asynccontextmanager
    async def connect(origin: bytes = ALLOWED_ORIGIN) -> AsyncIterator[WebsocketCommunicator]:
        communicator = WebsocketCommunicator(application, "/ws/draw/", headers=[(b"origin", origin)])
        connected, _ = await communicator.connect(timeout=RECEIVE_TIMEOUT_S)
        assert connected
        try:
            yield communicator
        finally:
            await communicator.disconnect(timeout=DISCONNECT_TIMEOUT_S)

    return connect


async def receive(communicator: WebsocketCommunicator) -> dict[str, Any]:
    return await communicator.receive_json_from(timeout=RECEIVE_TIMEOUT_S)
