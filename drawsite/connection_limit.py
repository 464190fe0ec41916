"""A per-client limit on open websockets (ASGI middleware; counts per server process).

One address may hold at most ``WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT`` websockets at once on one
process; a handshake beyond that is refused (HTTP 403), so one client cannot exhaust the process's
sockets, memory and inference queue. The address is ``scope["client"]``: behind a reverse proxy run
Daphne with ``--proxy-headers`` so it is the visitor's, not the proxy's (docs/deployment.md).
"""

from collections import Counter
from typing import Any

from channels.security.websocket import WebsocketDenier
from django.conf import settings

from drawsite.env import env_int

LIMIT_SETTING = "WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT"
# Generous: a classroom behind one NAT address shares it. 0 turns the limit off.
DEFAULT_LIMIT = 32


def connection_limit() -> int:
    """The Django setting when defined, else the environment variable of the same name, else DEFAULT_LIMIT."""
    return int(getattr(settings, LIMIT_SETTING, env_int(LIMIT_SETTING, DEFAULT_LIMIT)))


class ConnectionCounter:
    """Open connections per client key (pure)."""

    def __init__(self) -> None:
        self._open: Counter[str] = Counter()

    def try_open(self, key: str, limit: int) -> bool:
        """Count one more connection for ``key`` unless it already holds ``limit`` (``limit <= 0``: no limit)."""
        if 0 < limit <= self._open[key]:
            return False
        self._open[key] += 1
        return True

    def close(self, key: str) -> None:
        self._open[key] -= 1
        if self._open[key] <= 0:
            del self._open[key]

    def open_count(self, key: str) -> int:
        return self._open[key]


class ConnectionLimitMiddleware:
    """Wraps the websocket application; other scope types pass through untouched."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counter = ConnectionCounter()
        self.deny = WebsocketDenier.as_asgi()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        client = scope.get("client")
        if scope["type"] != "websocket" or not client:
            return await self.app(scope, receive, send)
        key = str(client[0])
        if not self.counter.try_open(key, connection_limit()):
            return await self.deny(scope, receive, send)
        try:
            return await self.app(scope, receive, send)
        finally:  # the application returns when the connection ends, however it ends
            self.counter.close(key)
