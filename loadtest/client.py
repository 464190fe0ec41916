"""One simulated drawer: a websocket to /ws/draw/ replaying real drawings, timing every answer.

Latency of a ``points`` message = from just before it is sent to the first ``guesses`` whose ``seq``
is at least its own (the server may coalesce intermediate states, so a later ``guesses`` can be the
one that first shows these points). A drawing's *final* guesses are the ``guesses`` carrying the
seq of its last ``points`` message; the protocol promises they arrive, so one that does not arrive
within ``final_timeout_s`` counts as lost. Then the drawer submits and waits for ``saved``.

A *bare* drawer sends ``clear`` instead of each ``points`` message, with the same timing: the server
answers an empty drawing at once, without rendering or inference, so its latency is the protocol's
floor (websockets, Daphne, channels, JSON and this client). It submits nothing.
"""

import asyncio
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from loadtest.replay import Replay

MS_PER_S = 1000.0
CONNECT_TIMEOUT_S = 10.0
CONNECTION_ERROR = "connection"  # an error counted by the client itself (connect failed, connection dropped)


@dataclass
class DrawerStats:
    """What one or many drawers observed (``merge`` adds another drawer's figures)."""

    latencies_ms: list[float] = field(default_factory=list)
    messages: int = 0
    guesses: int = 0
    drawings: int = 0
    finals_lost: int = 0
    saves_lost: int = 0
    saved: int = 0
    errors: Counter = field(default_factory=Counter)

    def merge(self, other: "DrawerStats") -> None:
        self.latencies_ms.extend(other.latencies_ms)
        for name in ("messages", "guesses", "drawings", "finals_lost", "saves_lost", "saved"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.update(other.errors)


@dataclass(frozen=True)
class DrawerPlan:
    """How a drawer behaves: paced (real speed) or closed-loop (next message once answered)."""

    paced: bool
    final_timeout_s: float
    pause_s: float  # between drawings, after ``saved``
    deadline: float  # perf_counter time after which no new drawing starts
    labels: frozenset[str]  # the served model's categories: a drawing of one is submitted with it as label
    bare: bool = False  # send ``clear`` instead of the points (the protocol's floor, no drawing work)


class _Connection:
    """The receiving side of one websocket: records answers and wakes the sender."""

    def __init__(self, ws: ClientConnection, stats: DrawerStats) -> None:
        self.ws = ws
        self.stats = stats
        self.sent_at: dict[int, float] = {}  # seq -> send time, for messages not answered yet
        self.answered_seq = -1  # highest seq seen in guesses/saved/error
        self.guessed_seq = -1  # highest seq seen in guesses
        self.saved_seq = -1
        self.changed = asyncio.Event()

    async def listen(self) -> None:
        async for frame in self.ws:
            reply = json.loads(frame)
            now = time.perf_counter()
            kind, seq = reply.get("type"), reply.get("seq")
            if kind == "guesses":
                self.stats.guesses += 1
                self.guessed_seq = max(self.guessed_seq, seq)
                for pending in [s for s in self.sent_at if s <= seq]:
                    self.stats.latencies_ms.append((now - self.sent_at.pop(pending)) * MS_PER_S)
            elif kind == "saved":
                self.saved_seq = seq
            elif kind == "error":
                self.stats.errors[reply.get("code", "?")] += 1
                self.sent_at.pop(seq, None)  # answered, by an error: no latency to count
            if isinstance(seq, int) and kind in ("guesses", "saved", "error"):
                self.answered_seq = max(self.answered_seq, seq)
            self.changed.set()

    async def wait_for(self, predicate, timeout_s: float) -> bool:
        """Wait until ``predicate()`` holds (True) or the timeout passes (False)."""
        deadline = time.perf_counter() + timeout_s
        while not predicate():
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    async def send(self, message: dict, *, timed: bool) -> None:
        if timed:
            self.sent_at[message["seq"]] = time.perf_counter()
        await self.ws.send(json.dumps(message, separators=(",", ":")))


async def run_drawer(url: str, origin: str, replays: Sequence[Replay], plan: DrawerPlan) -> DrawerStats:
    """Draw ``replays`` one after another on one connection until they run out or the deadline passes."""
    stats = DrawerStats()
    try:
        async with connect(url, origin=origin, compression=None, open_timeout=CONNECT_TIMEOUT_S) as ws:
            conn = _Connection(ws, stats)
            listener = asyncio.create_task(conn.listen())
            try:
                await _draw_all(conn, replays, plan)
            finally:
                listener.cancel()
    except (OSError, TimeoutError, WebSocketException):
        stats.errors[CONNECTION_ERROR] += 1
    return stats


async def _draw_all(conn: _Connection, replays: Sequence[Replay], plan: DrawerPlan) -> None:
    seq = 0
    for replay in replays:
        if time.perf_counter() >= plan.deadline:
            return
        conn.stats.drawings += 1
        start = time.perf_counter()
        for chunk in replay.messages:
            if plan.paced:
                delay = start + chunk.at_ms / MS_PER_S - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            if plan.bare:
                message = {"type": "clear", "seq": seq}
            else:
                message = {"type": "points", "seq": seq, "stroke": chunk.stroke, "points": chunk.points}
            await conn.send(message, timed=True)
            conn.stats.messages += 1
            if not plan.paced:  # closed loop: the next message once this one is answered
                await conn.wait_for(lambda s=seq: conn.answered_seq >= s, plan.final_timeout_s)
            seq += 1
        last = seq - 1
        if not await conn.wait_for(lambda last=last: conn.guessed_seq >= last, plan.final_timeout_s):
            conn.stats.finals_lost += 1
        conn.sent_at.clear()  # anything still unanswered is counted as lost above, not as latency
        if plan.bare:
            await asyncio.sleep(plan.pause_s)
            continue
        await conn.send(
            {"type": "submit", "seq": seq, "label": replay.category if replay.category in plan.labels else None},
            timed=False,
        )
        if await conn.wait_for(lambda s=seq: conn.saved_seq >= s, plan.final_timeout_s):
            conn.stats.saved += 1
        else:
            conn.stats.saves_lost += 1
        seq += 1
        if plan.pause_s:
            await asyncio.sleep(plan.pause_s)
