"""Writes for rooms and players (keyword-only; the consumer calls them through database_sync_to_async).

Every change to a room happens inside a transaction holding the room's row lock (select_for_update on
PostgreSQL), so two processes never interleave changes to one room: the last seat, the host, a start.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from game.codes import new_code
from game.conf import GameConfig
from game.errors import GameError, GameErrorCode
from game.models import Player, Room, Round
from game.prompts import NotEnoughPrompts, choose_prompt
from game.protocol import Join
from game.rules import Seat, next_host

CODE_ATTEMPTS = 20  # a fresh random code collides rarely; give up (an error) after this many tries
TOKEN_BYTES = 24

_rng = random.SystemRandom()


@dataclass(frozen=True)
class JoinOutcome:
    player: Player
    replaced_channel: str | None  # the same player's previous live connection, to be closed


def room_create() -> Room:
    for _ in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Room.objects.create(code=new_code(_rng))
        except IntegrityError:
            continue
    raise RuntimeError(f"no free room code after {CODE_ATTEMPTS} tries")


def locked_room(room_id: int) -> Room:
    """The room, row-locked until the surrounding transaction ends."""
    return Room.objects.select_for_update().get(pk=room_id)


def fix_host(room: Room) -> bool:
    """Passes the host role on when the host is gone (rules.next_host); True if it changed. Saves the room."""
    seats = [Seat(player=p.pk, connected=p.connected, left=p.left) for p in room.players.all()]
    host = next_host(room.host_id, seats)
    if host == room.host_id:
        return False
    room.host_id = host
    room.save(update_fields=["host"])
    return True


def player_join(*, room_id: int, join: Join, channel: str, now: datetime, config: GameConfig) -> JoinOutcome:
    """Seats a new player, or gives a returning one (same token, seat still held) their seat back."""
    with transaction.atomic():
        room = locked_room(room_id)
        player = room.players.filter(token=join.token, left=False).first() if join.token else None
        replaced = None
        if player is not None:
            if player.connected and player.channel and player.channel != channel:
                replaced = player.channel
            player.channel, player.connected, player.seen_at, player.disconnected_at = channel, True, now, None
            player.save(update_fields=["channel", "connected", "seen_at", "disconnected_at"])
        else:
            if room.players.filter(left=False).count() >= config.max_players:
                raise GameError(f"room {room.code} is full ({config.max_players} players)", code=GameErrorCode.ROOM_FULL)
            player = Player.objects.create(
                room=room, name=join.name, token=secrets.token_urlsafe(TOKEN_BYTES), channel=channel, seen_at=now
            )
        fix_host(room)
        return JoinOutcome(player=player, replaced_channel=replaced)


def player_disconnect(*, player_id: int, channel: str, now: datetime) -> bool:
    """Marks the player gone, unless a newer connection of theirs took over already (then False)."""
    return bool(
        Player.objects.filter(pk=player_id, channel=channel, connected=True).update(
            connected=False, disconnected_at=now, channel=""
        )
    )


def player_heartbeat(*, player_id: int, channel: str, now: datetime) -> bool:
    return bool(Player.objects.filter(pk=player_id, channel=channel).update(seen_at=now, connected=True))


def schedule_round(room: Room, *, number: int, starts_at: datetime, pool: list[str]) -> Round:
    """Creates round ``number`` of the room's current game with a prompt not used in this game yet."""
    used = set(Round.objects.filter(room=room, game=room.game).values_list("prompt", flat=True))
    game_round = Round.objects.create(
        room=room,
        game=room.game,
        number=number,
        prompt=choose_prompt(pool, used, _rng),
        starts_at=starts_at,
        deadline=starts_at + timedelta(seconds=room.seconds),
    )
    room.current_round = game_round
    room.save(update_fields=["current_round"])
    return game_round


def game_start(
    *, room_id: int, player_id: int, rounds: int, seconds: int, pool: list[str], now: datetime, config: GameConfig
) -> Room:
    """The host starts a game (a first one, or "play again" after one finished): scores reset, round 1 scheduled."""
    with transaction.atomic():
        room = locked_room(room_id)
        if room.host_id != player_id:
            raise GameError("only the host can start the game", code=GameErrorCode.NOT_HOST)
        if room.state == Room.State.PLAYING:
            raise GameError("a game is running in this room", code=GameErrorCode.GAME_RUNNING)
        if len(pool) < rounds:
            raise NotEnoughPrompts(
                f"the model has {len(pool)} reliable categories: at most {len(pool)} rounds", code=GameErrorCode.BAD_SETTINGS
            )
        room.game += 1
        room.state, room.rounds, room.seconds = Room.State.PLAYING, rounds, seconds
        room.save(update_fields=["game", "state", "rounds", "seconds"])
        room.players.update(score=0)
        schedule_round(room, number=1, starts_at=now + timedelta(milliseconds=config.countdown_ms), pool=pool)
        return room
