"""The websocket edge of protocol v1 (docs/protocol.md): parse, validate, call, send.

All drawing logic is in recognizer.session (pure); inference goes through recognizer.batcher;
saving through recognizer.services. Only the project's own error type is caught and answered.
"""

import asyncio
import json
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from django.conf import settings
from channels.generic.websocket import AsyncWebsocketConsumer

from ml.errors import DrawsiteError
from recognizer import services
from recognizer.batcher import get_batcher, get_classifier_async
from recognizer.conf import protocol_limits
from recognizer.models import Drawing
from recognizer.protocol import (
    PROTOCOL_VERSION,
    Clear,
    ErrorCode,
    Hello,
    Points,
    ProtocolError,
    Submit,
    Undo,
    adopt_key,
    decode_frame,
    parse_message,
    seq_of,
)
from recognizer.ratelimit import TokenBucket
from recognizer.session import DrawingSession, FinishedDrawing
from recognizer.timeline import Guess, guesses_json

logger = logging.getLogger(__name__)
NO_SEQ = -1


class DrawConsumer(AsyncWebsocketConsumer):
    """One drawing connection: live guesses while drawing, a saved Drawing on submit or disconnect."""

    # No channel layer: /ws/draw/ talks to no other connection, so a Redis outage must not end live drawings
    # (with one, channels listens on Redis for every connection and a restart kills them all with 1011).
    channel_layer_alias = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        """channels' dispatch without its per-message ``aclose_old_connections``: that is a round trip to the
        one sync thread (queued behind database saves) for every frame. This consumer reaches the database
        only through ``database_sync_to_async``, which closes old connections around each call itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.limits = protocol_limits()
        self.session = DrawingSession(self.limits)
        self.bucket = TokenBucket(rate=self.limits.rate_per_second, burst=self.limits.rate_burst)
        self.batcher = get_batcher()
        self.last_sent_seq = NO_SEQ  # guesses older than this are stale and dropped
        self.last_guesses: list[Guess] = []
        self.tasks: set[asyncio.Task] = set()
        self.key: str | None = None  # the drawing's key (docs/protocol.md); meaningful while it has strokes
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        decoded: Any = None
        try:
            allowed = self.bucket.take()  # every frame counts, even malformed ones
            decoded = decode_frame(text_data, self.limits.max_message_bytes)
            if not allowed:
                raise ProtocolError(
                    f"more than {self.limits.rate_per_second:g} messages per second; message dropped",
                    code=ErrorCode.RATE_LIMITED,
                )
            message = parse_message(decoded, self.limits)
            if isinstance(message, Hello):
                await self._hello(message)
            elif isinstance(message, Submit):
                await self._submit(message)
            else:
                await self._draw(message)
        except DrawsiteError as error:
            await self._send_error(seq_of(decoded), error)

    async def disconnect(self, code: int) -> None:
        session: DrawingSession | None = getattr(self, "session", None)
        for task in getattr(self, "tasks", ()):
            task.cancel()
        if session is None or session.is_empty:
            return
        try:
            guesses = await self._final_guesses()
        except DrawsiteError:
            guesses = self.last_guesses
        key = self.drawing_key  # before finish() empties the drawing
        await self._save(session.finish(label=session.prompt, guesses=guesses), Drawing.Source.DISCONNECT, key=key)

    @property
    def drawing_key(self) -> str | None:
        """The key of the drawing in progress: an empty drawing (new, cleared, undone, submitted) has none."""
        return None if self.session.is_empty else self.key

    # --- message handlers ---

    async def _hello(self, message: Hello) -> None:
        classifier = await get_classifier_async()
        self.session.apply(message, known_labels=frozenset(classifier.labels))
        await self._send_json(
            {
                "type": "ready",
                "seq": message.seq,
                "protocol": PROTOCOL_VERSION,
                "model_version": classifier.version,
                "top_k": settings.RECOGNIZER_TOP_K,
                "limits": self.limits.as_dict(),
            }
        )

    async def _draw(self, message: Points | Undo | Clear) -> None:
        # the key is checked before the drawing changes: a refused message changes nothing
        key = adopt_key(self.drawing_key, message.key) if isinstance(message, Points) else self.key
        self.session.apply(message)
        self.key = key
        await self._schedule_guesses(message.seq)

    async def _submit(self, message: Submit) -> None:
        classifier = await get_classifier_async()
        key = adopt_key(self.drawing_key, message.key)
        label = self.session.begin_submit(message, known_labels=frozenset(classifier.labels))
        self.last_sent_seq = message.seq  # guesses still in flight describe an older state now
        guesses = await self._final_guesses()
        finished = self.session.finish(label=label, guesses=guesses)
        drawing = await self._save(finished, Drawing.Source.SUBMIT, key=key, public=message.public)
        self.last_guesses = []
        await self._send_json(
            {
                "type": "saved",
                "seq": message.seq,
                "drawing": drawing.pk,
                "guesses": drawing.guesses,
                "recognized": drawing.recognized,
                "first_correct_ms": drawing.first_correct_ms,
            }
        )

    # --- guesses ---

    async def _schedule_guesses(self, seq: int) -> None:
        if self.session.is_empty:  # nothing to infer: answer at once, superseding anything in flight
            self.last_sent_seq = seq
            self.last_guesses = []
            await self._send_guesses(seq, [])
            return
        task = asyncio.get_running_loop().create_task(self._guess_latest(seq))
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    async def _guess_latest(self, seq: int) -> None:
        try:
            result = await self.batcher.infer(self, self.session.snapshot)
        except DrawsiteError as error:
            await self._send_error(seq, error)
            return
        if result is None:
            return  # superseded: a newer state of this drawing is being computed
        snapshot, outcome = result
        if snapshot.seq <= self.last_sent_seq:
            return
        if isinstance(outcome, DrawsiteError):
            await self._send_error(snapshot.seq, outcome)
            return
        self.last_sent_seq = snapshot.seq
        self.last_guesses = outcome
        self.session.record_guesses(snapshot.elapsed_ms, outcome)
        await self._send_guesses(snapshot.seq, outcome)

    async def _final_guesses(self) -> list[Guess]:
        """Guesses for the drawing as it is now, recorded in its timeline (used on submit and disconnect)."""
        result = await self.batcher.infer(self, self.session.snapshot)
        if result is None:  # cannot happen while this handler holds the connection; keep what we have
            return self.last_guesses
        snapshot, outcome = result
        if isinstance(outcome, DrawsiteError):
            raise outcome
        self.session.record_guesses(snapshot.elapsed_ms, outcome)
        return outcome

    def _task_done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("guess task failed", exc_info=task.exception())

    # --- edges ---

    async def _save(
        self, finished: FinishedDrawing, source: str, *, key: str | None, public: bool = False
    ) -> Drawing:
        classifier = await get_classifier_async()
        return await database_sync_to_async(services.drawing_save)(
            strokes=finished.strokes,
            canvas=finished.canvas,
            label=finished.label,
            guesses=finished.guesses,
            timeline=finished.timeline,
            model_version=classifier.version,
            source=source,
            client_key=key,
            public=public,
        )

    async def _send_guesses(self, seq: int, guesses: list[Guess]) -> None:
        await self._send_json({"type": "guesses", "seq": seq, "guesses": guesses_json(guesses)})

    async def _send_error(self, seq: int | None, error: DrawsiteError) -> None:
        await self._send_json({"type": "error", "seq": seq, "code": error.code, "detail": error.detail})

    async def _send_json(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))
