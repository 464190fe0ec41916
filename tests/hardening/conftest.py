"""Fixtures for the hardening tests: the fake classifier and in-process websocket connections."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator

from tests.web.fakes import FakeClassifier

ALLOWED_ORIGIN = b"http://localhost"
FOREIGN_ORIGIN = b"http://evil.example.com"
TIMEOUT_S = 5.0


@pytest.fixture
def fake_classifier(monkeypatch: pytest.MonkeyPatch) -> FakeClassifier:
    """Serve the deterministic ``FakeClassifier`` (fast, no trained model needed)."""
    fake = FakeClassifier()
    monkeypatch.setattr("recognizer.classifier.get_classifier", lambda: fake)
    return fake


@asynccontextmanager
async def websocket(path: str, origin: bytes = ALLOWED_ORIGIN) -> AsyncIterator[WebsocketCommunicator]:
    """A connected websocket to the real ASGI application (drawsite.asgi), closed at the end."""
    from drawsite.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=[(b"origin", origin)])
    connected, _ = await communicator.connect(timeout=TIMEOUT_S)
    assert connected, f"{path} refused the connection"
    try:
        yield communicator
    finally:
        await communicator.disconnect(timeout=TIMEOUT_S)


@pytest.fixture
def open_websocket() -> Callable[..., Any]:
    return websocket
