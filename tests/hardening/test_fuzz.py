"""Fuzzing both websocket endpoints with hypothesis (in-process ASGI app, in-memory channel layer).

Each example interleaves valid messages with hostile ones that break exactly one rule (oversized,
non-JSON, binary, wrong types, NaN/Infinity/huge numbers, out-of-order strokes, stale seqs, bad
labels and canvases), alongside a well-behaved connection drawing a fixed picture. Asserted: every
hostile message gets exactly one ``error`` with the documented code and seq; the connection stays
open; valid messages keep working (the last one's guesses arrive, ``guesses.seq`` only grows); the
neighbour's guesses are exactly right; every submitted drawing is saved with exactly the accepted
strokes. Volume: /ws/draw/ >= 100 examples x >= 120 messages, /ws/game/ >= 25 x >= 100, the flood 3,000:
>= 17,500 messages in all, in about 30 s. Shrinking is off (minutes on 150-message examples).
"""

import asyncio
import json
import re
import time
from collections import Counter
from importlib.util import find_spec
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from game import services as game_services
from game.models import GameDrawing
from ml.inference import top_k
from ml.raster import render_raw
from recognizer.models import Drawing
from recognizer.timeline import Guess, guesses_json
from tests.hardening import fuzz_messages as fm
from tests.hardening.conftest import TIMEOUT_S, websocket
from tests.web.fakes import FAKE_LABELS, FakeClassifier

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fake_classifier"), pytest.mark.slow]

PROTOCOL_DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
DOCUMENTED_CODES = frozenset(re.findall(r"^\| `([a-z_]+)` \| ", PROTOCOL_DOC.read_text(encoding="utf-8"), re.M))
EXAMPLES = 100
MESSAGES_PER_EXAMPLE = (120, 200)
GAME_EXAMPLES = 25
GAME_MESSAGES_PER_EXAMPLE = (100, 150)
GAME_TIMINGS = {
    "GAME_COUNTDOWN_MS": 50,
    "GAME_INTERMISSION_MS": 50,
    "GAME_FINISH_GRACE_MS": 100,
    "GAME_SYNC_INTERVAL_MS": 50,
}
GAME_SECONDS = 60  # the round outlasts any example
# The only prompt is "middle", which the fake classifier never ranks first: the fuzzed player keeps drawing.
NEVER_RECOGNIZED_METRICS = {"held_out": {"bitmaps": {"per_class": {"middle": {"top1": 1.0}}}}}
NEIGHBOUR_EVERY = 10  # the well-behaved neighbour sends one message per this many fuzz messages
QUIET_S = 0.05  # after the final answers, nothing more may be pending
UNLIMITED_RATE = {"RECOGNIZER_RATE_PER_SECOND": 1e9, "RECOGNIZER_RATE_BURST": 10**9}
FINAL_POINTS = ((5.0, 5.0, 1.0), (50.0, 60.0, 2.0))
NEIGHBOUR_DRAWING = [  # a fixed picture: a square, a diagonal and a dot
    [[10, 200, 200, 10, 10], [10, 10, 200, 200, 10], [0, 100, 200, 300, 400]],
    [[10, 200], [10, 200], [500, 600]],
    [[120], [60], [700]],
]


def expected_guesses(strokes: list, top: int) -> list[dict]:
    """What the server must answer for ``strokes`` with the fake classifier (computed directly)."""
    probs = FakeClassifier().predict(render_raw(strokes)[None])[0]
    return guesses_json([Guess(label, score) for label, score in top_k(probs, list(FAKE_LABELS), top)])


async def receive_until(ws: WebsocketCommunicator, done) -> list[dict]:
    """Replies until ``done(replies)`` holds; a missing reply fails after TIMEOUT_S."""
    replies: list[dict] = []
    while not done(replies):
        replies.append(json.loads(await ws.receive_from(timeout=TIMEOUT_S)))
    return replies


class Fuzzer:
    """Drives one connection: sends messages, tracks what the server must have accepted."""

    def __init__(self, ws: WebsocketCommunicator, *, game: bool = False) -> None:
        self.ws = ws
        self.game = game  # the game endpoint also sends room news (ignored here) and has no hello/submit
        self.seq = 0
        self.strokes: list[list[list[float]]] = []
        self.hostile_sent: list[tuple[str, int | None]] = []  # (code, seq) each error must carry
        self.accepted: list[int] = []
        self.sent = 0

    async def send(self, frame: str | bytes) -> None:
        self.sent += 1
        # send_input, not send_to: send_to refuses empty frames, which a hostile client can send
        key = "bytes" if isinstance(frame, bytes) else "text"
        await self.ws.send_input({"type": "websocket.receive", key: frame})

    async def hostile(self, message: fm.Hostile) -> None:
        self.seq += 1  # a rejected message does not use up its seq; skipping one is fine (gaps allowed)
        await self.send(message.build(self.seq, len(self.strokes)))
        self.hostile_sent.append((message.code, message.echo(self.seq)))

    async def valid(self, message: fm.Valid) -> None:
        self.seq += 1
        if message.kind == "points":
            stroke = len(self.strokes) if message.new_stroke or not self.strokes else len(self.strokes) - 1
            if stroke == len(self.strokes):
                self.strokes.append([[], [], []])
            for axis, values in zip(self.strokes[stroke], zip(*message.points)):
                axis.extend(values)
            frame = {"type": "points", "seq": self.seq, "stroke": stroke, "points": [list(p) for p in message.points]}
        elif message.kind == "undo":
            self.strokes = self.strokes[:-1]
            frame = {"type": "undo", "seq": self.seq}
        elif message.kind == "clear":
            self.strokes = []
            frame = {"type": "clear", "seq": self.seq}
        elif self.game:  # the game has no hello: a clear of an empty drawing instead
            self.strokes = []
            frame = {"type": "clear", "seq": self.seq}
        else:
            frame = {"type": "hello", "seq": self.seq, "canvas": [640, 480], "prompt": "dense"}
        await self.send(json.dumps(frame))
        self.accepted.append(self.seq)

    async def check_replies(self) -> None:
        """A last valid points message; then every reply so far is checked against what was sent."""
        await self.valid(fm.Valid("points", True, FINAL_POINTS))
        last = self.seq
        replies = await receive_until(self.ws, lambda r: any(m["type"] == "guesses" and m["seq"] == last for m in r))
        if not self.game:
            assert await self.ws.receive_nothing(timeout=QUIET_S), "more replies than messages"
            assert {m["type"] for m in replies} <= {"error", "guesses", "ready"}  # ready: a valid hello
        errors = [(m["code"], m["seq"]) for m in replies if m["type"] == "error"]
        assert errors == self.hostile_sent
        assert all(code in DOCUMENTED_CODES for code, _ in errors)
        guess_seqs = [m["seq"] for m in replies if m["type"] == "guesses"]
        assert guess_seqs == sorted(set(guess_seqs)) and set(guess_seqs) <= set(self.accepted)

    async def submit(self) -> dict:
        self.seq += 1
        await self.send(json.dumps({"type": "submit", "seq": self.seq, "label": "sparse"}))
        saved = json.loads(await self.ws.receive_from(timeout=TIMEOUT_S))
        assert saved["type"] == "saved" and saved["seq"] == self.seq
        return saved


class Neighbour:
    """A well-behaved connection drawing NEIGHBOUR_DRAWING point by point; checks every answer."""

    def __init__(self, ws: WebsocketCommunicator, top: int) -> None:
        self.ws = ws
        self.top = top
        self.steps = [(s, i) for s, stroke in enumerate(NEIGHBOUR_DRAWING) for i in range(len(stroke[0]))]
        self.expected: dict[int, list[dict]] = {}
        self.seq = -1

    async def step(self) -> None:
        if self.seq + 1 >= len(self.steps):
            return
        self.seq += 1
        stroke, index = self.steps[self.seq]
        xs, ys, ts = NEIGHBOUR_DRAWING[stroke]
        drawn = [[list(axis) for axis in s] for s in NEIGHBOUR_DRAWING[:stroke]]
        drawn.append([xs[: index + 1], ys[: index + 1], ts[: index + 1]])
        self.expected[self.seq] = expected_guesses(drawn, self.top)
        await self.ws.send_json_to(
            {"type": "points", "seq": self.seq, "stroke": stroke, "points": [[xs[index], ys[index], ts[index]]]}
        )

    async def check(self) -> None:
        last = self.seq
        replies = await receive_until(self.ws, lambda r: any(m["type"] == "guesses" and m["seq"] == last for m in r))
        for reply in replies:
            assert reply["type"] != "error", reply
            if reply["type"] == "guesses":
                assert reply["guesses"] == self.expected[reply["seq"]]


@pytest.fixture
def fuzz_settings(settings):
    for name, value in {**fm.FUZZ_LIMITS, **UNLIMITED_RATE}.items():
        setattr(settings, name, value)
    return settings


FUZZ_SETTINGS = dict(
    deadline=None,
    database=None,  # no example database in the working tree; failures print the example instead
    # no shrinking: shrinking a 150-message example takes minutes; the traceback names the failing message
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


async def play(fuzzer: Fuzzer, neighbour: Neighbour, batch: list) -> None:
    for number, message in enumerate(batch):
        if isinstance(message, fm.Hostile):
            await fuzzer.hostile(message)
        else:
            await fuzzer.valid(message)
        if number % NEIGHBOUR_EVERY == 0:
            await neighbour.step()
    await fuzzer.check_replies()
    await neighbour.check()


@hypothesis_settings(max_examples=EXAMPLES, **FUZZ_SETTINGS)
@given(batch=st.lists(fm.half_hostile(fm.hostile), min_size=MESSAGES_PER_EXAMPLE[0], max_size=MESSAGES_PER_EXAMPLE[1]))
async def test_draw_endpoint_survives_hostile_messages(batch: list, fuzz_settings) -> None:
    async with websocket("/ws/draw/") as ws, websocket("/ws/draw/") as neighbour_ws:
        fuzzer, neighbour = Fuzzer(ws), Neighbour(neighbour_ws, fuzz_settings.RECOGNIZER_TOP_K)
        await fuzzer.send(json.dumps({"type": "hello", "seq": 0}))  # seq 0 accepted: the stale-seq case relies on it
        assert json.loads(await ws.receive_from(timeout=TIMEOUT_S))["type"] == "ready"
        await play(fuzzer, neighbour, batch)
        expected_strokes = [[list(axis) for axis in stroke] for stroke in fuzzer.strokes]
        saved = await fuzzer.submit()
    drawing = await Drawing.objects.aget(pk=saved["drawing"])
    assert drawing.strokes == expected_strokes
    assert fuzzer.sent >= MESSAGES_PER_EXAMPLE[0]


FLOOD_MESSAGES = 3_000
FLOOD_RATE = {"RECOGNIZER_RATE_PER_SECOND": 60.0, "RECOGNIZER_RATE_BURST": 120}


async def test_flood_beyond_the_rate_is_refused_per_message_and_harms_no_one(settings) -> None:
    """3,000 frames at once (valid and not): the burst is served, every other frame gets ``rate_limited``."""
    for name, value in FLOOD_RATE.items():
        setattr(settings, name, value)
    async with websocket("/ws/draw/") as ws, websocket("/ws/draw/") as neighbour_ws:
        neighbour = Neighbour(neighbour_ws, settings.RECOGNIZER_TOP_K)
        started = time.monotonic()
        for seq in range(FLOOD_MESSAGES):
            # undo on an empty drawing is answered at once (no inference to coalesce): one reply per frame
            frame = json.dumps({"type": "undo", "seq": seq}) if seq % 2 else "not json"
            await ws.send_input({"type": "websocket.receive", "text": frame})
            if seq % (FLOOD_MESSAGES // len(neighbour.steps)) == 0:
                await neighbour.step()
        replies = await receive_until(ws, lambda r: len(r) == FLOOD_MESSAGES)
        elapsed_s = time.monotonic() - started
        await neighbour.check()
        await asyncio.sleep(2 / FLOOD_RATE["RECOGNIZER_RATE_PER_SECOND"])  # the bucket refills
        await ws.send_to(text_data=json.dumps({"type": "clear", "seq": FLOOD_MESSAGES}))
        after_pause = json.loads(await ws.receive_from(timeout=TIMEOUT_S))
        assert await ws.receive_nothing(timeout=QUIET_S)
    kinds = Counter(m["code"] if m["type"] == "error" else m["type"] for m in replies)
    assert set(kinds) <= {"rate_limited", "bad_json", "guesses"}
    # every frame takes a token; a frame that is not JSON is answered bad_json even over the rate
    allowed_at_most = FLOOD_RATE["RECOGNIZER_RATE_BURST"] + FLOOD_RATE["RECOGNIZER_RATE_PER_SECOND"] * elapsed_s
    valid_frames = FLOOD_MESSAGES // 2
    assert valid_frames - allowed_at_most <= kinds["rate_limited"] < valid_frames
    assert kinds["guesses"] + kinds["rate_limited"] == valid_frames
    assert after_pause == {"type": "guesses", "seq": FLOOD_MESSAGES, "guesses": []}


@pytest.fixture
def game_fuzz_settings(fuzz_settings, monkeypatch: pytest.MonkeyPatch):
    for name, value in GAME_TIMINGS.items():
        setattr(fuzz_settings, name, value)
    monkeypatch.setattr("recognizer.classifier.load_metrics", lambda: NEVER_RECOGNIZED_METRICS)
    return fuzz_settings


async def until(ws: WebsocketCommunicator, kind: str) -> dict:
    return (await receive_until(ws, lambda r: r[-1]["type"] == kind if r else False))[-1]


@pytest.mark.skipif(find_spec("game.routing") is None, reason="the game app has no websocket routing yet")
@hypothesis_settings(max_examples=GAME_EXAMPLES, **FUZZ_SETTINGS)
@given(
    batch=st.lists(
        fm.half_hostile(fm.hostile_common), min_size=GAME_MESSAGES_PER_EXAMPLE[0], max_size=GAME_MESSAGES_PER_EXAMPLE[1]
    )
)
async def test_game_endpoint_survives_hostile_messages(batch: list, game_fuzz_settings) -> None:
    """A running round: one player fuzzes, the other draws; the fuzzed drawing is synced exactly on leaving."""
    code = (await database_sync_to_async(game_services.room_create)()).code
    path = f"/ws/game/{code}/"
    async with websocket(path) as host_ws:
        async with websocket(path) as fuzz_ws:
            for ws, name in ((host_ws, "host"), (fuzz_ws, "fuzz")):
                await ws.send_json_to({"type": "join", "name": name, "canvas": [400, 400]})
                await until(ws, "joined")
            await host_ws.send_json_to({"type": "start", "rounds": 1, "seconds": GAME_SECONDS})
            for ws in (host_ws, fuzz_ws):
                await until(ws, "round_started")
            fuzzer, neighbour = Fuzzer(fuzz_ws, game=True), Neighbour(host_ws, game_fuzz_settings.RECOGNIZER_TOP_K)
            await fuzzer.send(
                json.dumps({"type": "clear", "seq": 0})
            )  # seq 0 accepted: the stale-seq case relies on it
            await until(fuzz_ws, "guesses")
            await play(fuzzer, neighbour, batch)
            expected_strokes = [[list(axis) for axis in stroke] for stroke in fuzzer.strokes]
        saved = await GameDrawing.objects.aget(round__room__code=code, player__name="fuzz")
        assert saved.strokes == expected_strokes
    assert fuzzer.sent >= GAME_MESSAGES_PER_EXAMPLE[0]
