"""Game rules that need no database (pure, no Django): settings ranges, names, host succession, round end."""

from collections.abc import Sequence
from dataclasses import dataclass

from game.errors import GameError, GameErrorCode

MIN_ROUNDS, MAX_ROUNDS, DEFAULT_ROUNDS = 1, 10, 3
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 10, 60, 20
NAME_MAX_CHARS = 24


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_game_settings(rounds: object, seconds: object) -> tuple[int, int]:
    """``(rounds, seconds)`` when both are integers in range, else ``GameError(bad_settings)``."""
    if not _is_int(rounds) or not MIN_ROUNDS <= rounds <= MAX_ROUNDS:
        raise GameError(f"rounds must be an integer in [{MIN_ROUNDS}, {MAX_ROUNDS}]", code=GameErrorCode.BAD_SETTINGS)
    if not _is_int(seconds) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise GameError(
            f"seconds must be an integer in [{MIN_SECONDS}, {MAX_SECONDS}]", code=GameErrorCode.BAD_SETTINGS
        )
    return rounds, seconds


def clean_name(value: object) -> str:
    """A display name: stripped, inner whitespace collapsed, 1 to NAME_MAX_CHARS printable characters."""
    if not isinstance(value, str):
        raise GameError("name must be a string", code=GameErrorCode.BAD_NAME)
    name = " ".join(value.split())
    if not name or len(name) > NAME_MAX_CHARS or not name.isprintable():
        raise GameError(f"name must be 1-{NAME_MAX_CHARS} printable characters", code=GameErrorCode.BAD_NAME)
    return name


@dataclass(frozen=True)
class Seat:
    """What host succession needs to know about a player; ``players`` lists are in joining order."""

    player: int
    connected: bool
    left: bool


def next_host(current: int | None, players: Sequence[Seat]) -> int | None:
    """The host after a change: the current one while connected, else the first connected player to join.

    With nobody connected the current host keeps the role (unless their seat is gone), so a room whose
    players all dropped at once comes back with the same host.
    """
    seats = {seat.player: seat for seat in players}
    host = seats.get(current) if current is not None else None
    if host is not None and host.connected and not host.left:
        return current
    for seat in players:
        if seat.connected and not seat.left:
            return seat.player
    if host is not None and not host.left:
        return current
    return next((seat.player for seat in players if not seat.left), None)


@dataclass(frozen=True)
class Participant:
    connected: bool
    recognized: bool


def everyone_recognized(participants: Sequence[Participant]) -> bool:
    """True when at least one participant is connected and every connected one is recognized.

    With nobody connected the round waits for its deadline rather than ending at once: a network blip
    that drops everybody should not end the round.
    """
    connected = [p for p in participants if p.connected]
    return bool(connected) and all(p.recognized for p in connected)
