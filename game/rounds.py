"""The round lifecycle, safe with many server processes (keyword-only writes, called from consumers).

Time-driven changes (a round starts, a round times out, a stale connection is dropped, a held seat
expires) are made by ``room_advance``, which EVERY connection of the room calls when the next change is
due: each change is claimed with a conditional UPDATE (``filter(state=...).update(...) == 1`` wins), so
it happens exactly once whichever process gets there first, and still happens if one process dies.
Recognition takes the round's row lock, so places are handed out one at a time.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F

from game import selectors
from game.conf import GameConfig
from game.models import GameDrawing, Player, Room, Round
from game.rules import Participant, everyone_recognized
from game.scoring import round_points
from game.services import fix_host, locked_room, schedule_round
from recognizer import services as drawing_services
from recognizer.models import Drawing
from recognizer.session import RawDrawing
from recognizer.timeline import Guess, TimelineEntry, guesses_json


@dataclass(frozen=True)
class Recognition:
    payload: dict[str, Any]  # the `recognized` message


@dataclass
class Advance:
    events: list[dict[str, Any]] = field(default_factory=list)  # messages for everyone in the room, in order
    due: datetime | None = None  # when room_advance has something to do next
    round_id: int | None = None  # the room's current round after the changes


def _canvas_fields(canvas: tuple[int, int] | None) -> dict[str, int | None]:
    width, height = canvas if canvas is not None else (None, None)
    return {"canvas_width": width, "canvas_height": height}


def drawing_sync(
    *, round_id: int, player_id: int, strokes: RawDrawing, canvas: tuple[int, int] | None,
    guesses: list[Guess], timeline: list[TimelineEntry],
) -> bool:
    """Stores a player's drawing so far (for a reconnect, a spectator, or the round's end); False once closed."""
    return bool(
        GameDrawing.objects.filter(
            round_id=round_id, player_id=player_id, place__isnull=True, round__state=Round.State.RUNNING
        ).update(strokes=strokes, guesses=guesses_json(guesses), timeline=timeline, **_canvas_fields(canvas))
    )


def drawing_recognize(
    *, round_id: int, player_id: int, strokes: RawDrawing, canvas: tuple[int, int] | None,
    guesses: list[Guess], timeline: list[TimelineEntry], now: datetime,
) -> Recognition | None:
    """Records that the model's top-1 for the player's drawing is the prompt: place, time, points.

    None when it does not count: the round is over (or past its deadline) or the player was recognized already.
    """
    with transaction.atomic():
        game_round = Round.objects.select_for_update().get(pk=round_id)  # places are handed out one at a time
        if game_round.state != Round.State.RUNNING or now > game_round.deadline:
            return None
        entry = GameDrawing.objects.select_related("player").filter(round=game_round, player_id=player_id).first()
        if entry is None or entry.place is not None:
            return None
        place = GameDrawing.objects.filter(round=game_round, place__isnull=False).count() + 1
        elapsed_ms = max(0, selectors.ms_between(game_round.starts_at, now))
        round_ms = selectors.ms_between(game_round.starts_at, game_round.deadline)
        points = round_points(elapsed_ms=elapsed_ms, round_ms=round_ms, place=place)
        GameDrawing.objects.filter(pk=entry.pk).update(
            strokes=strokes, guesses=guesses_json(guesses), timeline=timeline, elapsed_ms=elapsed_ms, place=place,
            points=points, **_canvas_fields(canvas),
        )
        Player.objects.filter(pk=player_id).update(score=F("score") + points)
        return Recognition(
            payload={
                "type": "recognized", "round": game_round.number, "player": player_id, "name": entry.player.name,
                "elapsed_ms": elapsed_ms, "place": place, "points": points,
            }
        )


def room_advance(*, room_id: int, now: datetime, config: GameConfig, pool: list[str], model_version: str) -> Advance:
    """Makes every change that is due at ``now`` (idempotent: a second call at once finds nothing to do)."""
    result = Advance()
    with transaction.atomic():
        room = locked_room(room_id)
        changed = _expire_connections(room, now, config)
        changed = fix_host(room) or changed
        game_round = room.current_round
        if game_round is not None and game_round.state == Round.State.SCHEDULED and game_round.starts_at <= now:
            if _claim(game_round, Round.State.SCHEDULED, Round.State.RUNNING):
                for player in room.players.filter(left=False):
                    GameDrawing.objects.create(round=game_round, player=player)
                result.events.append(selectors.round_started(room, game_round, now))
                changed = True
        elif game_round is not None and game_round.state == Round.State.RUNNING and _round_done(game_round, now, config):
            if _claim(game_round, Round.State.RUNNING, Round.State.OVER):
                result.events.extend(_finish_round(room, game_round, now, config, pool, model_version))
                changed = True
        if changed:
            room.refresh_from_db()
            result.events.append(selectors.room_state(room, now))
        result.due = _next_due(room, config)
        result.round_id = room.current_round_id
    return result


def _claim(game_round: Round, current: str, new: str) -> bool:
    """The conditional UPDATE that makes a round transition happen exactly once."""
    claimed = Round.objects.filter(pk=game_round.pk, state=current).update(state=new) == 1
    if claimed:
        game_round.state = new
    return claimed


def _round_done(game_round: Round, now: datetime, config: GameConfig) -> bool:
    if now >= game_round.deadline + timedelta(milliseconds=config.finish_grace_ms):
        return True
    participants = [
        Participant(connected=entry.player.connected, recognized=entry.place is not None)
        for entry in game_round.drawings.select_related("player")
    ]
    return everyone_recognized(participants)


def _finish_round(
    room: Room, game_round: Round, now: datetime, config: GameConfig, pool: list[str], model_version: str
) -> list[dict[str, Any]]:
    """Saves every drawing as a recognizer Drawing, then schedules the next round or ends the game."""
    for entry in game_round.drawings.all():
        if entry.strokes:
            entry.drawing = drawing_services.drawing_save(
                strokes=entry.strokes,
                canvas=(entry.canvas_width, entry.canvas_height) if entry.canvas_width else None,
                label=game_round.prompt,
                guesses=[Guess(g["label"], g["score"]) for g in entry.guesses],
                timeline=entry.timeline,
                model_version=model_version,
                source=Drawing.Source.GAME,  # the round's end saves every game drawing
            )
            entry.save(update_fields=["drawing"])
    events = [selectors.round_over(room, game_round)]
    if game_round.number < room.rounds:
        starts_at = now + timedelta(milliseconds=config.intermission_ms)
        schedule_round(room, number=game_round.number + 1, starts_at=starts_at, pool=pool)
    else:
        room.state = Room.State.FINISHED
        room.save(update_fields=["state"])
        events.append(selectors.game_over(room))
    return events


def _expire_connections(room: Room, now: datetime, config: GameConfig) -> bool:
    """Connections silent past ``stale_after`` (their process died) are gone; seats held past the hold time are freed."""
    stale = room.players.filter(connected=True, seen_at__lt=now - timedelta(milliseconds=config.stale_after_ms))
    dropped = stale.update(connected=False, disconnected_at=F("seen_at"), channel="")
    expired = room.players.filter(
        connected=False, left=False, disconnected_at__lte=now - timedelta(milliseconds=config.seat_hold_ms)
    ).update(left=True)
    return bool(dropped or expired)


def _next_due(room: Room, config: GameConfig) -> datetime | None:
    moments: list[datetime] = []
    game_round = room.current_round
    if game_round is not None and game_round.state == Round.State.SCHEDULED:
        moments.append(game_round.starts_at)
    elif game_round is not None and game_round.state == Round.State.RUNNING:
        moments.append(game_round.deadline + timedelta(milliseconds=config.finish_grace_ms))
    for player in room.players.filter(left=False):
        if player.connected:
            moments.append(player.seen_at + timedelta(milliseconds=config.stale_after_ms))
        elif player.disconnected_at is not None:
            moments.append(player.disconnected_at + timedelta(milliseconds=config.seat_hold_ms))
    return min(moments, default=None)
