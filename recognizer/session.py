"""Per-connection drawing state for protocol v1 (pure, no Django).

A ``DrawingSession`` holds the drawing being made, in Quick, Draw! raw format (one ``[xs, ys, ts]``
per stroke), applies validated messages to it (all-or-nothing: a rejected message changes nothing),
enforces seq order and the per-drawing limits, and keeps the guess timeline. Its ``LiveRaster``
renders the drawing for the model incrementally (what did not change since the last render is reused).
"""

from collections.abc import Collection
from dataclasses import dataclass, field

from ml.incremental import LiveRaster
from recognizer.limits import ProtocolLimits
from recognizer.protocol import Clear, ErrorCode, Hello, Message, Points, ProtocolError, Submit, Undo
from recognizer.timeline import Guess, TimelineEntry, timeline_add

RawStroke = list[list[float]]  # [xs, ys, ts]
RawDrawing = list[RawStroke]


@dataclass(frozen=True)
class DrawingSnapshot:
    """A copy of the drawing at one moment, safe to hand to another thread."""

    seq: int
    strokes: RawDrawing
    elapsed_ms: float
    # the session's renderer (thread-safe): renders ``strokes`` exactly like ml.raster.render_raw, faster
    raster: LiveRaster | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class FinishedDrawing:
    """Everything saved about a finished drawing (what recognizer.services.drawing_save takes)."""

    strokes: RawDrawing
    canvas: tuple[int, int] | None
    label: str | None
    guesses: list[Guess]
    timeline: list[TimelineEntry]


@dataclass
class DrawingSession:
    limits: ProtocolLimits
    last_seq: int = -1  # highest accepted seq; -1 before the first message
    canvas: tuple[int, int] | None = None
    prompt: str | None = None
    strokes: RawDrawing = field(default_factory=list)
    point_count: int = 0
    elapsed_ms: float = 0.0  # latest t received in this drawing (undo does not turn the clock back)
    timeline: list[TimelineEntry] = field(default_factory=list)
    raster: LiveRaster = field(default_factory=LiveRaster, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.strokes

    def apply(self, message: Message, *, known_labels: Collection[str] | None = None) -> None:
        """Apply hello/points/undo/clear, or raise ``ProtocolError`` and change nothing."""
        self._check_seq(message.seq)
        if isinstance(message, Hello):
            self._check_known(message.prompt, known_labels)
            self.canvas = message.canvas or self.canvas
            self.prompt = message.prompt
        elif isinstance(message, Points):
            self._add_points(message)
        elif isinstance(message, Undo):
            self._undo()
        elif isinstance(message, Clear):
            self._reset_drawing()
        else:
            raise TypeError(f"apply() takes hello/points/undo/clear, not {type(message).__name__}")
        self.last_seq = message.seq

    def begin_submit(self, message: Submit, *, known_labels: Collection[str] | None = None) -> str | None:
        """Accept a submit (seq, label, something drawn) and return the intended label to save."""
        self._check_seq(message.seq)
        label = message.label or self.prompt
        self._check_known(label, known_labels)
        if self.is_empty:
            raise ProtocolError("nothing drawn yet: send points before submit", code=ErrorCode.NOTHING_TO_SUBMIT)
        self.canvas = message.canvas or self.canvas
        self.last_seq = message.seq
        return label

    def snapshot(self) -> DrawingSnapshot:
        return DrawingSnapshot(
            seq=self.last_seq,
            # only the last stroke still grows: the others are shared, not copied (O(new points) per guess)
            strokes=[*self.strokes[:-1], [list(axis) for axis in self.strokes[-1]]] if self.strokes else [],
            elapsed_ms=self.elapsed_ms,
            raster=self.raster,
        )

    def record_guesses(self, elapsed_ms: float, guesses: list[Guess]) -> None:
        timeline_add(self.timeline, elapsed_ms, guesses)

    def finish(self, *, label: str | None, guesses: list[Guess]) -> FinishedDrawing:
        """Close the current drawing (returned for saving) and start a fresh one."""
        finished = FinishedDrawing(
            strokes=self.strokes,
            canvas=self.canvas,
            label=label,
            guesses=list(guesses),
            timeline=self.timeline,
        )
        self._reset_drawing()
        return finished

    def _check_seq(self, seq: int) -> None:
        if seq <= self.last_seq:
            raise ProtocolError(f"seq {seq} is not above the last accepted seq {self.last_seq}", code=ErrorCode.BAD_SEQ)

    @staticmethod
    def _check_known(label: str | None, known_labels: Collection[str] | None) -> None:
        if label is not None and known_labels is not None and label not in known_labels:
            raise ProtocolError(f"{label!r} is not a category the model knows", code=ErrorCode.BAD_LABEL)

    def _add_points(self, message: Points) -> None:
        stroke_count = len(self.strokes)
        if message.stroke == stroke_count:
            if stroke_count >= self.limits.max_strokes:
                raise ProtocolError(
                    f"a drawing has at most {self.limits.max_strokes} strokes", code=ErrorCode.TOO_MANY_STROKES
                )
        elif message.stroke != stroke_count - 1:
            raise ProtocolError(
                f"stroke {message.stroke}: expected {stroke_count - 1} (current) or {stroke_count} (new)"
                if stroke_count
                else f"stroke {message.stroke}: the first stroke is 0",
                code=ErrorCode.BAD_STROKE,
            )
        if self.point_count + len(message.points) > self.limits.max_points:
            raise ProtocolError(
                f"a drawing has at most {self.limits.max_points} points", code=ErrorCode.TOO_MANY_POINTS
            )
        if message.stroke == stroke_count:
            self.strokes.append([[], [], []])
        xs, ys, ts = self.strokes[message.stroke]
        for x, y, t in message.points:
            xs.append(x)
            ys.append(y)
            ts.append(t)
        self.point_count += len(message.points)
        self.elapsed_ms = max(self.elapsed_ms, max(point[2] for point in message.points))

    def _undo(self) -> None:
        if self.strokes:
            removed = self.strokes.pop()
            self.point_count -= len(removed[0])
        if self.strokes:  # the new last stroke may grow again, and snapshots share it: grow a copy instead
            self.strokes[-1] = [list(axis) for axis in self.strokes[-1]]

    def _reset_drawing(self) -> None:
        self.strokes = []
        self.point_count = 0
        self.elapsed_ms = 0.0
        self.timeline = []
