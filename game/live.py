"""One player's drawing during one running round, as one connection holds it (pure, no Django).

Wraps the recognizer's DrawingSession (validation, limits, timeline) with what the game adds: the
prompt, whether drawing is still open (not recognized, deadline not passed), what changed since the
last database sync, and the stroke operations not yet fanned out to the room.
"""

import copy
from dataclasses import dataclass, field
from typing import Any

from recognizer.limits import ProtocolLimits
from recognizer.protocol import Clear, Points, Undo
from recognizer.session import DrawingSession, RawDrawing
from recognizer.timeline import Guess

T_AXIS = 2  # [xs, ys, ts]


def restored_session(
    limits: ProtocolLimits, strokes: RawDrawing, canvas: tuple[int, int] | None, timeline: list
) -> DrawingSession:
    """A session holding a drawing saved earlier (a reconnect), ready to take more points."""
    session = DrawingSession(limits, canvas=canvas)
    session.strokes = copy.deepcopy(strokes)
    session.point_count = sum(len(stroke[0]) for stroke in strokes)
    session.elapsed_ms = max((max(stroke[T_AXIS]) for stroke in strokes if stroke[T_AXIS]), default=0.0)
    session.timeline = list(timeline)
    return session


@dataclass
class LiveDrawing:
    round_id: int
    prompt: str
    session: DrawingSession
    open: bool = True  # takes points until recognized or the deadline passes
    recognized: bool = False
    dirty: bool = False  # changed since the last sync to the database
    last_guesses: list[Guess] = field(default_factory=list)
    last_sent_seq: int = -1  # guesses for older states are stale and dropped
    pending_ops: list[dict[str, Any]] = field(default_factory=list)  # for the room's spectators

    def apply(self, message: Points | Undo | Clear) -> None:
        """Applies an accepted drawing message (raises ProtocolError and changes nothing otherwise)."""
        self.session.apply(message)
        self.dirty = True
        if isinstance(message, Points):
            self.pending_ops.append({"op": "points", "stroke": message.stroke, "points": message.points})
        elif isinstance(message, Undo):
            self.pending_ops.append({"op": "undo"})
        else:
            self.pending_ops.append({"op": "clear"})

    def take_ops(self) -> list[dict[str, Any]]:
        ops, self.pending_ops = self.pending_ops, []
        return ops

    def matches_prompt(self, guesses: list[Guess]) -> bool:
        return bool(guesses) and guesses[0].label == self.prompt
