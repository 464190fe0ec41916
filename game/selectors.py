"""Reads of the game app, shaped as protocol payloads (docs/protocol.md, "Game protocol")."""

from datetime import datetime
from typing import Any

from django.urls import reverse

from game.conf import MS_PER_S, GameConfig
from game.models import GameDrawing, Player, Room, Round
from game.prompts import prompt_pool
from recognizer import classifier as served
from recognizer.selectors import per_class_figures


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * MS_PER_S)


def ms_between(start: datetime, end: datetime) -> int:
    return round((end - start).total_seconds() * MS_PER_S)


def room_id_for_code(code: str) -> int | None:
    return Room.objects.filter(code=code).values_list("pk", flat=True).first()


def current_prompt_pool(config: GameConfig) -> list[str]:
    """The served model's labels that are good enough to be prompts (see game.prompts)."""
    figures = per_class_figures(served.load_metrics())
    return prompt_pool(
        served.get_classifier().labels, figures, min_top1=config.min_prompt_top1, metric_sets=config.prompt_metric_sets
    )


def participant_ids(game_round: Round | None) -> set[int]:
    if game_round is None or game_round.state == Round.State.SCHEDULED:
        return set()
    return set(game_round.drawings.values_list("player_id", flat=True))


def round_json(room: Room, game_round: Round | None, now: datetime) -> dict[str, Any] | None:
    """The current round; its prompt stays secret until it starts."""
    if game_round is None:
        return None
    return {
        "round": game_round.number,
        "rounds": room.rounds,
        "state": game_round.state,
        "prompt": None if game_round.state == Round.State.SCHEDULED else game_round.prompt,
        "starts_ms": epoch_ms(game_round.starts_at),
        "deadline_ms": epoch_ms(game_round.deadline),
        "remaining_ms": max(0, ms_between(now, game_round.deadline)),
        "seconds": room.seconds,
    }


def room_state(room: Room, now: datetime) -> dict[str, Any]:
    """The ``room`` message: who is in (seats still held), scores, host, and the game's progress."""
    game_round = room.current_round
    drawing_now = participant_ids(game_round) if game_round and game_round.state == Round.State.RUNNING else None
    players = [
        {
            "id": player.pk,
            "name": player.name,
            "score": player.score,
            "connected": player.connected,
            "host": player.pk == room.host_id,
            "spectator": drawing_now is not None and player.pk not in drawing_now,
        }
        for player in room.players.filter(left=False)
    ]
    return {
        "type": "room",
        "code": room.code,
        "state": room.state,
        "host": room.host_id,
        "game": room.game,
        "rounds": room.rounds,
        "seconds": room.seconds,
        "players": players,
        "round": round_json(room, game_round, now),
    }


def round_started(room: Room, game_round: Round, now: datetime) -> dict[str, Any]:
    return {
        "type": "round_started",
        "round": game_round.number,
        "rounds": room.rounds,
        "prompt": game_round.prompt,
        "seconds": room.seconds,
        "deadline_ms": epoch_ms(game_round.deadline),
        "remaining_ms": max(0, ms_between(now, game_round.deadline)),
        "players": sorted(participant_ids(game_round)),
    }


def picture_url(room: Room, drawing_id: int | None) -> str | None:
    if drawing_id is None:
        return None
    return reverse("game:picture", kwargs={"code": room.code, "drawing_id": drawing_id})


def _drawing_result(room: Room, entry: GameDrawing) -> dict[str, Any]:
    return {
        "player": entry.player_id,
        "name": entry.player.name,
        "recognized": entry.place is not None,
        "elapsed_ms": entry.elapsed_ms,
        "place": entry.place,
        "points": entry.points,
        "drawing": entry.drawing_id,
        "picture": picture_url(room, entry.drawing_id),
    }


def round_over(room: Room, game_round: Round) -> dict[str, Any]:
    entries = game_round.drawings.select_related("player").order_by("place", "player__joined", "player_id")
    # order_by("place") puts NULLs last on PostgreSQL and first on SQLite: sort in Python to be the same everywhere
    results = sorted((_drawing_result(room, entry) for entry in entries), key=lambda r: (r["place"] is None, r["place"] or 0))
    return {
        "type": "round_over",
        "round": game_round.number,
        "rounds": room.rounds,
        "prompt": game_round.prompt,
        "results": results,
    }


def leaderboard(room: Room) -> list[dict[str, Any]]:
    """Everyone who drew in the current game (a player whose seat expired keeps their score), best first."""
    players = Player.objects.filter(room=room, drawings__round__game=room.game).distinct()
    ranked = sorted(players, key=lambda player: (-player.score, player.joined, player.pk))
    return [
        {"rank": rank, "player": player.pk, "name": player.name, "score": player.score}
        for rank, player in enumerate(ranked, start=1)
    ]


def gallery(room: Room) -> list[dict[str, Any]]:
    """Every saved drawing of the current game, round by round."""
    entries = (
        GameDrawing.objects.filter(round__room=room, round__game=room.game, drawing__isnull=False)
        .select_related("round", "player")
        .order_by("round__number", "player__joined", "player_id")
    )
    return [{"round": entry.round.number, "prompt": entry.round.prompt, **_drawing_result(room, entry)} for entry in entries]


def game_over(room: Room) -> dict[str, Any]:
    return {"type": "game_over", "game": room.game, "leaderboard": leaderboard(room), "gallery": gallery(room)}


def own_drawing(game_round: Round | None, player_id: int) -> GameDrawing | None:
    if game_round is None or game_round.state == Round.State.SCHEDULED:
        return None
    return GameDrawing.objects.filter(round=game_round, player_id=player_id).first()


def live_strokes(game_round: Round | None) -> dict[str, Any]:
    """``{player id: {"strokes", "canvas"}}`` of the running round, for a (re)joining spectator's tiles."""
    if game_round is None or game_round.state != Round.State.RUNNING:
        return {}
    return {
        str(entry.player_id): {"strokes": entry.strokes, "canvas": _canvas(entry)}
        for entry in game_round.drawings.all()
    }


def _canvas(entry: GameDrawing) -> list[int] | None:
    if entry.canvas_width is None or entry.canvas_height is None:
        return None
    return [entry.canvas_width, entry.canvas_height]


def joined(room: Room, player: Player, now: datetime) -> dict[str, Any]:
    """The ``joined`` message: who you are, the room, and everything needed to pick up where the game is."""
    game_round = room.current_round
    mine = own_drawing(game_round, player.pk)
    running = game_round is not None and game_round.state == Round.State.RUNNING
    payload: dict[str, Any] = {
        "type": "joined",
        "player": player.pk,
        "name": player.name,
        "token": player.token,
        "host": room.host_id == player.pk,
        "room": room_state(room, now),
        "you": {
            "spectator": running and mine is None,
            "drawing": mine.strokes if mine is not None else None,
            "recognized": mine is not None and mine.place is not None,
            "place": mine.place if mine is not None else None,
            "elapsed_ms": mine.elapsed_ms if mine is not None else None,
        },
        "live": live_strokes(game_round),
        "round_started": round_started(room, game_round, now) if running else None,
        "round_over": round_over(room, game_round) if game_round and game_round.state == Round.State.OVER else None,
        "game_over": game_over(room) if room.state == Room.State.FINISHED else None,
    }
    return payload


def joined_for(*, room_id: int, player_id: int, now: datetime) -> tuple[dict[str, Any], int | None]:
    """The ``joined`` message and the id of the room's current round."""
    room = Room.objects.select_related("current_round").get(pk=room_id)
    return joined(room, Player.objects.get(pk=player_id), now), room.current_round_id


def room_state_for(*, room_id: int, now: datetime) -> dict[str, Any]:
    return room_state(Room.objects.select_related("current_round").get(pk=room_id), now)
