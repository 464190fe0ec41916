"""The websocket edge of protocol v1 (docs/protocol.md): parse, validate, call, send.

All drawing logic is in recognizer.session (pure); inference goes through recognizer.batcher;
saving through recognizer.services. Only the project's own error type is caught and answered.
"""

import asyncio
import json
import logging
from typing import Any

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
    ErrorCode,
    Hello,
    ProtocolError,
    Submit,
    parse_message,
    seq_of,
)
from recognizer.ratelimit import TokenBucket
from recognizer.session import DrawingSession, FinishedDrawing
from recognizer.timeline import Guess, guesses_json

logger = logging.getLogger(__name__)
NO_SEQ = -1


def _decode(text: str | None, max_bytes: int) -> Any:
    """The JSON value of one text frame; the size is checked before parsing."""
    if text is None:
        raise ProtocolError("binary frames are not part of the protocol: send JSON text", code=ErrorCode.BAD_JSON)
    # len(text) <= UTF-8 byte length, so the cheap test rejects most oversized frames without encoding.
    if len(text) > max_bytes or len(text.encode("utf-8")) > max_bytes:
        raise ProtocolError(f"a message has at most {max_bytes} bytes", code=ErrorCode.TOO_LARGE)
    try:
        return json.loads(text)
    except ValueError as error:
        raise ProtocolError(f"not valid JSON: {error}", code=ErrorCode.BAD_JSON) from error
    except RecursionError as error:  # "[[[[…" nested deeper than the parser's recursion limit
        raise ProtocolError("JSON nested too deeply", code=ErrorCode.BAD_JSON) from error


class DrawConsumer(AsyncWebsocketConsumer):
    """One drawing connection: live guesses while drawing, a saved Drawing on submit or disconnect."""

    # No channel layer: /ws/draw/ talks to no other connection, so a Redis outage must not end live drawings
    # (with one, channels listens on Redis for every connection and a restart kills them all with 1011).
    channel_layer_alias = None

    async def connect(self) -> None:
        self.limits = protocol_limits()
        self.session = DrawingSession(self.limits)
        self.bucket = TokenBucket(rate=self.limits.rate_per_second, burst=self.limits.rate_burst)
        self.batcher = get_batcher()
        self.last_sent_seq = NO_SEQ  # guesses older than this are stale and dropped
        self.last_guesses: list[Guess] = []
        self.tasks: set[asyncio.Task] = set()
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        decoded: Any = None
        try:
            allowed = self.bucket.take()  # every frame counts, even malformed ones
            decoded = _decode(text_data, self.limits.max_message_bytes)
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
                self.session.apply(message)
                await self._schedule_guesses(message.seq)
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
        await self._save(session.finish(label=session.prompt, guesses=guesses), Drawing.Source.DISCONNECT)

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

    async def _submit(self, message: Submit) -> None:
        classifier = await get_classifier_async()
        label = self.session.begin_submit(message, known_labels=frozenset(classifier.labels))
        self.last_sent_seq = message.seq  # guesses still in flight describe an older state now
        guesses = await self._final_guesses()
        drawing = await self._save(self.session.finish(label=label, guesses=guesses), Drawing.Source.SUBMIT)
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

    async def _save(self, finished: FinishedDrawing, source: str) -> Drawing:
        classifier = await get_classifier_async()
        return await database_sync_to_async(services.drawing_create)(
            strokes=finished.strokes,
            canvas=finished.canvas,
            label=finished.label,
            guesses=finished.guesses,
            timeline=finished.timeline,
            model_version=classifier.version,
            source=source,
        )

    async def _send_guesses(self, seq: int, guesses: list[Guess]) -> None:
        await self._send_json({"type": "guesses", "seq": seq, "guesses": guesses_json(guesses)})

    async def _send_error(self, seq: int | None, error: DrawsiteError) -> None:
        await self._send_json({"type": "error", "seq": seq, "code": error.code, "detail": error.detail})

    async def _send_json(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))
