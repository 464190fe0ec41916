"""Error codes of the game protocol (besides /ws/draw/'s, which the game reuses for drawing messages)."""

from enum import StrEnum

from ml.errors import DrawsiteError


class GameErrorCode(StrEnum):
    UNKNOWN_ROOM = "unknown_room"
    ROOM_FULL = "room_full"
    BAD_NAME = "bad_name"
    BAD_TOKEN = "bad_token"
    NOT_JOINED = "not_joined"
    ALREADY_JOINED = "already_joined"
    NOT_HOST = "not_host"
    GAME_RUNNING = "game_running"
    BAD_SETTINGS = "bad_settings"
    NOT_DRAWING = "not_drawing"
    REPLACED = "replaced"


class GameError(DrawsiteError):
    """A game message that cannot be carried out; ``code`` is one of ``GameErrorCode``."""

    def __init__(self, detail: str, *, code: GameErrorCode) -> None:
        super().__init__(detail, code=str(code))
