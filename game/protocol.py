"""Client messages of the game protocol (pure, no Django): ``join`` and ``start`` are the game's own;
``points``/``undo``/``clear`` are /ws/draw/'s, decoded by recognizer.protocol exactly as there.
"""

from dataclasses import dataclass
from typing import Any

from game.errors import GameError, GameErrorCode
from game.rules import DEFAULT_ROUNDS, DEFAULT_SECONDS, check_game_settings, clean_name
from recognizer.limits import ProtocolLimits
from recognizer.protocol import Clear, ErrorCode, Hello, Points, ProtocolError, Undo, parse_message

DRAWING_TYPES = ("points", "undo", "clear")
GAME_TYPES = ("join", "start")
TOKEN_MAX_CHARS = 64


@dataclass(frozen=True)
class Join:
    name: str
    token: str | None
    canvas: tuple[int, int] | None


@dataclass(frozen=True)
class Start:
    rounds: int
    seconds: int


DrawingMessage = Points | Undo | Clear
GameMessage = Join | Start | DrawingMessage


def parse_game_message(obj: Any, limits: ProtocolLimits) -> GameMessage:
    """Decode one client message (already JSON-decoded) or raise ``ProtocolError``/``GameError``."""
    if not isinstance(obj, dict):
        raise ProtocolError("a message must be a JSON object", code=ErrorCode.BAD_JSON)
    kind = obj.get("type")
    if kind == "join":
        return _parse_join(obj, limits)
    if kind == "start":
        rounds, seconds = check_game_settings(obj.get("rounds", DEFAULT_ROUNDS), obj.get("seconds", DEFAULT_SECONDS))
        return Start(rounds=rounds, seconds=seconds)
    if kind in DRAWING_TYPES:
        message = parse_message(obj, limits)
        assert isinstance(message, (Points, Undo, Clear))
        return message
    known = ", ".join(GAME_TYPES + DRAWING_TYPES)
    raise ProtocolError(f"unknown message type {kind!r} (expected one of {known})", code=ErrorCode.BAD_TYPE)


def _parse_join(obj: dict[str, Any], limits: ProtocolLimits) -> Join:
    token = obj.get("token")
    if token is not None and (not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX_CHARS):
        raise GameError(f"token must be a string of 1-{TOKEN_MAX_CHARS} characters or null", code=GameErrorCode.BAD_TOKEN)
    # the canvas is checked exactly like a /ws/draw/ hello's (same code, same limits)
    hello = parse_message({"type": "hello", "seq": 0, "canvas": obj.get("canvas")}, limits)
    assert isinstance(hello, Hello)
    return Join(name=clean_name(obj.get("name")), token=token, canvas=hello.canvas)
