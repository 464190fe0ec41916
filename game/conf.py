"""Game settings: a Django setting of the same name wins, else the environment variable, else the default.

Every name and default is documented in docs/protocol.md ("Game protocol", settings table).
"""

from dataclasses import dataclass

from django.conf import settings

from drawsite.env import env_float, env_int, env_list

MS_PER_S = 1000


@dataclass(frozen=True)
class GameConfig:
    max_players: int
    seat_hold_ms: int  # a disconnected player keeps score and seat this long
    countdown_ms: int  # from `start` to the first round's drawing
    intermission_ms: int  # from a round's results to the next round's drawing
    finish_grace_ms: int  # after the deadline, before the round is closed: lets every process save its drawing
    sync_interval_ms: int  # a player's drawing so far reaches the database at most this often
    strokes_interval_ms: int  # strokes are fanned out to the room at most this often per player
    heartbeat_ms: int  # each connection proves it is alive this often
    stale_after_ms: int  # a connection silent this long is counted as gone (its process died)
    min_prompt_top1: float  # prompts are categories with at least this held-out per-class top-1
    prompt_metric_sets: tuple[str, ...]  # metrics.json sets read for that figure, first found wins


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, env_int(name, default)))


def game_config() -> GameConfig:
    heartbeat_ms = _int("GAME_HEARTBEAT_MS", 5_000)
    return GameConfig(
        max_players=_int("GAME_MAX_PLAYERS", 8),
        seat_hold_ms=_int("GAME_SEAT_HOLD_MS", 30_000),
        countdown_ms=_int("GAME_COUNTDOWN_MS", 3_000),
        intermission_ms=_int("GAME_INTERMISSION_MS", 6_000),
        finish_grace_ms=_int("GAME_FINISH_GRACE_MS", 500),
        sync_interval_ms=_int("GAME_SYNC_INTERVAL_MS", 500),
        strokes_interval_ms=_int("GAME_STROKES_INTERVAL_MS", 100),
        heartbeat_ms=heartbeat_ms,
        stale_after_ms=_int("GAME_STALE_AFTER_MS", 3 * heartbeat_ms),
        min_prompt_top1=float(getattr(settings, "GAME_MIN_PROMPT_TOP1", env_float("GAME_MIN_PROMPT_TOP1", 0.75))),
        prompt_metric_sets=tuple(
            getattr(settings, "GAME_PROMPT_METRIC_SETS", env_list("GAME_PROMPT_METRIC_SETS", ["bitmaps", "raw"]))
        ),
    )
