"""The websocket edge of the game (docs/protocol.md, "Game protocol"): parse, validate, call, send.

Nothing shared lives here: rooms, players, rounds and drawings are in the database (game.services,
game.rounds) and every message for the room goes through the channel layer group, so players of one
room may sit on different server processes. What a connection keeps is its own player's drawing in
the running round (game.live), synced to the database every ``sync_interval_ms``.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from game import rounds, selectors, services
from game.codes import normalize_code
from game.conf import MS_PER_S, game_config
from game.errors import GameError, GameErrorCode
from game.live import LiveDrawing, restored_session
from game.protocol import Join, Start, parse_game_message
from ml.errors import DrawsiteError
from recognizer.batcher import get_batcher, get_classifier_async
from recognizer.conf import protocol_limits
from recognizer.protocol import ErrorCode, ProtocolError, decode_frame, seq_of  # frames checked as on /ws/draw/
from recognizer.ratelimit import TokenBucket
from recognizer.session import DrawingSession
from recognizer.timeline import Guess, guesses_json

logger = logging.getLogger(__name__)
CLOSE_UNKNOWN_ROOM = 4404
CLOSE_ROOM_FULL = 4409
CLOSE_REPLACED = 4001
CLOSE_STALE = 4002  # this connection was counted as gone (it missed heartbeats): reconnect to rejoin
db = database_sync_to_async


class GameConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.config = game_config()
        self.limits = protocol_limits()
        self.bucket = TokenBucket(rate=self.limits.rate_per_second, burst=self.limits.rate_burst)
        self.player_id: int | None = None
        self.room_id: int | None = None
        self.canvas: tuple[int, int] | None = None
        self.live: LiveDrawing | None = None
        self.tasks: set[asyncio.Task] = set()
        self.round_tasks: set[asyncio.Task] = set()  # end with the round
        self.wake = asyncio.Event()  # the next due time changed
        self.due_ms: int | None = None
        await self.accept()
        code = normalize_code(self.scope["url_route"]["kwargs"]["code"])
        self.room_id = await db(selectors.room_id_for_code)(code) if code else None
        if self.room_id is None:
            await self._send_error(None, GameError(f"there is no room {code or ''}".strip(), code=GameErrorCode.UNKNOWN_ROOM))
            await self.close(code=CLOSE_UNKNOWN_ROOM)
            return
        self.group = f"game.room.{self.room_id}"

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        decoded: Any = None
        try:
            allowed = self.bucket.take()
            decoded = decode_frame(text_data, self.limits.max_message_bytes)
            if not allowed:
                raise ProtocolError(
                    f"more than {self.limits.rate_per_second:g} messages per second; message dropped",
                    code=ErrorCode.RATE_LIMITED,
                )
            message = parse_game_message(decoded, self.limits)
            if isinstance(message, Join):
                await self._join(message)
            elif self.player_id is None:
                raise GameError("send join first", code=GameErrorCode.NOT_JOINED)
            elif isinstance(message, Start):
                await self._start(message)
            else:
                await self._draw(message)
        except DrawsiteError as error:
            await self._send_error(seq_of(decoded), error)

    async def disconnect(self, code: int) -> None:
        for task in [*getattr(self, "tasks", ()), *getattr(self, "round_tasks", ())]:
            task.cancel()
        if self.player_id is None:
            return
        if self.live is not None and self.live.open:
            # the drawing so far, for a comeback or the round's end; even when not dirty: a sync save cancelled
            # above may still have been queued for the database thread, and it had already cleared ``dirty``
            await self._save_live(self.live)
        gone = await db(services.player_disconnect)(
            player_id=self.player_id, channel=self.channel_name, now=timezone.now()
        )
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if gone:  # (not when a newer connection of the same player took over)
            state = await db(selectors.room_state_for)(room_id=self.room_id, now=timezone.now())
            await self._broadcast([state], round_id=None)
        await self._advance()

    # --- client messages ---

    async def _join(self, join: Join) -> None:
        if self.player_id is not None:
            raise GameError("already joined", code=GameErrorCode.ALREADY_JOINED)
        classifier = await get_classifier_async()
        self.model_version = classifier.version
        self.pool = await db(selectors.current_prompt_pool)(self.config)
        try:
            outcome = await db(services.player_join)(
                room_id=self.room_id, join=join, channel=self.channel_name, now=timezone.now(), config=self.config
            )
        except GameError as error:
            if error.code == GameErrorCode.ROOM_FULL:
                await self._send_error(None, error)
                await self.close(code=CLOSE_ROOM_FULL)
                return
            raise
        if outcome.replaced_channel:
            await self.channel_layer.send(outcome.replaced_channel, {"type": "game.replaced"})
        self.player_id, self.canvas = outcome.player.pk, join.canvas
        await self.channel_layer.group_add(self.group, self.channel_name)
        payload, round_id = await db(selectors.joined_for)(
            room_id=self.room_id, player_id=self.player_id, now=timezone.now()
        )
        self._resume(payload, round_id)
        await self._send_json(payload)
        await self._broadcast([payload["room"]], round_id=None)
        self._spawn(self._ticker(), self.tasks)

    async def _start(self, start: Start) -> None:
        await db(services.game_start)(
            room_id=self.room_id, player_id=self.player_id, rounds=start.rounds, seconds=start.seconds,
            pool=self.pool, now=timezone.now(), config=self.config,
        )
        state = await db(selectors.room_state_for)(room_id=self.room_id, now=timezone.now())
        await self._broadcast([state], round_id=None, due_ms=state["round"]["starts_ms"])

    async def _draw(self, message: Any) -> None:
        live = self.live
        if live is None or not live.open:
            raise GameError(
                "not drawing now: wait for a round to start (or you are recognized already)",
                code=GameErrorCode.NOT_DRAWING,
            )
        live.apply(message)
        if live.session.is_empty:  # nothing to infer: answer at once, superseding anything in flight
            live.last_sent_seq, live.last_guesses = message.seq, []
            await self._send_guesses(message.seq, [])
        else:
            self._spawn(self._guess(live, message.seq), self.round_tasks)
        if len(live.pending_ops) == 1:
            self._spawn(self._fan_out(live), self.round_tasks)

    # --- group messages (from any process) ---

    async def game_event(self, event: dict[str, Any]) -> None:
        payload = event["payload"]
        if payload["type"] == "round_started":
            self._open_round(event["round_id"], payload, restored=None)
        elif payload["type"] == "round_over":
            self._close_round()
        if event.get("due_ms") is not None:
            self.due_ms = event["due_ms"]
            self.wake.set()
        await self._send_json(payload)

    async def game_strokes(self, event: dict[str, Any]) -> None:
        if event["player"] != self.player_id:
            await self._send_json({"type": "strokes", "player": event["player"], "canvas": event["canvas"], "ops": event["ops"]})

    async def game_replaced(self, event: dict[str, Any]) -> None:
        """The same player connected again elsewhere (another tab): this connection gives way."""
        await self._send_error(None, GameError("you joined from another window", code=GameErrorCode.REPLACED))
        await self.close(code=CLOSE_REPLACED)

    # --- the round on this connection ---

    def _resume(self, joined: dict[str, Any], round_id: int | None) -> None:
        """After (re)joining mid-round: pick the player's drawing up where the database has it."""
        started, you = joined["round_started"], joined["you"]
        if started is None or you["spectator"] or you["recognized"]:
            return
        self._open_round(round_id, started, restored=you["drawing"] or [])

    def _open_round(self, round_id: int | None, started: dict[str, Any], restored: list | None) -> None:
        self._close_round()
        if self.player_id not in started["players"] or round_id is None:
            return  # joined after the round started: a spectator until the next one
        if restored:
            session = restored_session(self.limits, restored, self.canvas, [])
        else:
            session = DrawingSession(self.limits, canvas=self.canvas)
        self.live = LiveDrawing(round_id=round_id, prompt=started["prompt"], session=session)
        self._spawn(self._sync_loop(self.live), self.round_tasks)
        self._spawn(self._close_at_deadline(self.live, started["remaining_ms"]), self.round_tasks)

    def _close_round(self) -> None:
        for task in self.round_tasks:
            if task is not asyncio.current_task():
                task.cancel()
        self.round_tasks = set()
        if self.live is not None:
            self.live.open = False
        self.live = None

    async def _guess(self, live: LiveDrawing, seq: int) -> None:
        result = await get_batcher().infer(self, live.session.snapshot)
        if result is None or not live.open:
            return  # superseded by a newer state, or drawing closed meanwhile
        snapshot, outcome = result
        if snapshot.seq <= live.last_sent_seq:
            return
        if isinstance(outcome, DrawsiteError):
            await self._send_error(snapshot.seq, outcome)
            return
        live.last_sent_seq, live.last_guesses = snapshot.seq, outcome
        live.session.record_guesses(snapshot.elapsed_ms, outcome)
        await self._send_guesses(snapshot.seq, outcome)
        if live.matches_prompt(outcome) and not live.recognized:
            live.recognized, live.open = True, False  # the recognized drawing is final
            # not a round task: the round_over this may cause must not cancel its own broadcast
            self._spawn(self._recognized(live, snapshot.strokes, outcome), self.tasks)

    async def _recognized(self, live: LiveDrawing, strokes: list, guesses: list[Guess]) -> None:
        recognition = await asyncio.shield(db(rounds.drawing_recognize)(  # recorded even if the player leaves now
            round_id=live.round_id, player_id=self.player_id, strokes=strokes, canvas=live.session.canvas,
            guesses=guesses, timeline=list(live.session.timeline), now=timezone.now(),
        ))
        if recognition is not None:
            await self._flush_ops(live)  # spectators see the whole drawing before the news
            await self._broadcast([recognition.payload], round_id=live.round_id)
            await self._advance()

    async def _final_guesses(self, live: LiveDrawing) -> list[Guess]:
        result = await get_batcher().infer(self, live.session.snapshot)
        if result is None or isinstance(result[1], DrawsiteError):
            return live.last_guesses
        snapshot, outcome = result
        live.session.record_guesses(snapshot.elapsed_ms, outcome)
        return outcome

    async def _close_at_deadline(self, live: LiveDrawing, remaining_ms: int) -> None:
        """At the deadline drawing stops; the drawing reaches the database at once and again with its final
        guesses, before the round is closed (``finish_grace_ms`` later, by whichever process claims it)."""
        await asyncio.sleep(remaining_ms / MS_PER_S)
        live.open = False
        if not live.recognized and not live.session.is_empty:
            if live.dirty:  # the strokes first: the round's end cancels final guesses slower than the grace
                await self._save_live(live)
            live.last_guesses = await self._final_guesses(live)
            await self._save_live(live)

    async def _sync_loop(self, live: LiveDrawing) -> None:
        while live.open:
            await asyncio.sleep(self.config.sync_interval_ms / MS_PER_S)
            if live.open and live.dirty:
                await self._save_live(live)

    async def _save_live(self, live: LiveDrawing) -> None:
        live.dirty = False
        snapshot = live.session.snapshot()
        # shielded: the round's end or a disconnect cancels the task awaiting it, and a cancelled call that is
        # still queued for the database thread would never run (the deadline's final state would be lost)
        await asyncio.shield(db(rounds.drawing_sync)(
            round_id=live.round_id, player_id=self.player_id, strokes=snapshot.strokes, canvas=live.session.canvas,
            guesses=live.last_guesses, timeline=list(live.session.timeline),
        ))

    async def _fan_out(self, live: LiveDrawing) -> None:
        await asyncio.sleep(self.config.strokes_interval_ms / MS_PER_S)
        await self._flush_ops(live)

    async def _flush_ops(self, live: LiveDrawing) -> None:
        ops = live.take_ops()
        if ops:
            canvas = list(live.session.canvas) if live.session.canvas else None
            message = {"type": "game.strokes", "player": self.player_id, "canvas": canvas, "ops": ops}
            await self.channel_layer.group_send(self.group, message)

    # --- time-driven changes, shared by every connection of the room ---

    async def _ticker(self) -> None:
        """Heartbeat, and run room_advance whenever something is due (every connection does; one wins)."""
        next_beat_ms = 0.0  # right away: the first pass also advances whatever waited for this room
        while True:
            now_ms = timezone.now().timestamp() * MS_PER_S
            target_ms = next_beat_ms if self.due_ms is None else min(next_beat_ms, self.due_ms)
            try:
                await asyncio.wait_for(self.wake.wait(), max(0.0, target_ms - now_ms) / MS_PER_S)
                self.wake.clear()
                continue  # a new due time: recompute the wait
            except TimeoutError:
                pass
            now = timezone.now()
            if now.timestamp() * MS_PER_S >= next_beat_ms:
                next_beat_ms = now.timestamp() * MS_PER_S + self.config.heartbeat_ms
                alive = await db(services.player_heartbeat)(player_id=self.player_id, channel=self.channel_name, now=now)
                if not alive:
                    await self.close(code=CLOSE_STALE)
                    return
            await self._advance(wake=False)

    async def _advance(self, *, wake: bool = True) -> None:
        result = await db(rounds.room_advance)(
            room_id=self.room_id, now=timezone.now(), config=self.config, pool=self.pool,
            model_version=self.model_version,
        )
        due_ms = selectors.epoch_ms(result.due) if result.due else None
        self.due_ms = due_ms
        if wake:
            self.wake.set()  # the ticker recomputes its wait
        await self._broadcast(result.events, round_id=result.round_id, due_ms=due_ms)

    async def _broadcast(self, payloads: list[dict[str, Any]], *, round_id: int | None, due_ms: int | None = None) -> None:
        for payload in payloads:
            await self.channel_layer.group_send(
                self.group, {"type": "game.event", "payload": payload, "round_id": round_id, "due_ms": due_ms}
            )

    # --- edges ---

    def _spawn(self, coroutine: Awaitable[None], bucket: set[asyncio.Task]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        bucket.add(task)
        task.add_done_callback(lambda done: self._task_done(done, bucket))

    @staticmethod
    def _task_done(task: asyncio.Task, bucket: set[asyncio.Task]) -> None:
        bucket.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("game task failed", exc_info=task.exception())

    async def _send_guesses(self, seq: int, guesses: list[Guess]) -> None:
        await self._send_json({"type": "guesses", "seq": seq, "guesses": guesses_json(guesses)})

    async def _send_error(self, seq: int | None, error: DrawsiteError) -> None:
        await self._send_json({"type": "error", "seq": seq, "code": error.code, "detail": error.detail})

    async def _send_json(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))
