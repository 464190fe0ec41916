"""Protocol v1 over a real websocket stack (drawsite.asgi) with the fake classifier."""

import json
import math

import numpy as np
import pytest
from channels.testing import WebsocketCommunicator

from ml.raster import render_raw
from recognizer.models import Drawing
from recognizer.timeline import Guess, guesses_json
from tests.web.conftest import receive
from tests.web.fakes import FAKE_LABELS, FAKE_VERSION, FakeClassifier

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fake_classifier")]

LINE = [[10, 10, 0], [60, 12, 30], [120, 15, 60]]
SCRIBBLE = [[x, (x * 37) % 200, x] for x in range(0, 200, 8)]


def points(seq: int, stroke: int, pts: list) -> dict:
    return {"type": "points", "seq": seq, "stroke": stroke, "points": pts}


async def send(ws: WebsocketCommunicator, message: dict) -> dict:
    await ws.send_json_to(message)
    return await receive(ws)


async def test_hello_answers_ready_with_model_and_limits(draw_socket, settings) -> None:
    async with draw_socket() as ws:
        ready = await send(ws, {"type": "hello", "seq": 0, "canvas": [400, 300], "prompt": "sparse"})
    assert ready["type"] == "ready" and ready["seq"] == 0
    assert (ready["protocol"], ready["model_version"], ready["top_k"]) == (1, FAKE_VERSION, settings.RECOGNIZER_TOP_K)
    assert ready["limits"]["max_points"] == settings.RECOGNIZER_MAX_POINTS
    assert ready["limits"]["rate_burst"] == settings.RECOGNIZER_RATE_BURST


async def test_points_get_top_k_guesses_equal_to_direct_computation(draw_socket, settings, fake_classifier) -> None:
    settings.RECOGNIZER_TOP_K = 2
    async with draw_socket() as ws:
        reply = await send(ws, points(7, 0, LINE))
    assert reply["type"] == "guesses" and reply["seq"] == 7
    probs = fake_classifier.predict(render_raw([[[p[0] for p in LINE], [p[1] for p in LINE], [p[2] for p in LINE]]])[None])[0]
    order = np.argsort(-probs)[:2]
    assert reply["guesses"] == guesses_json([Guess(FAKE_LABELS[i], float(probs[i])) for i in order])
    scores = [g["score"] for g in reply["guesses"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


async def test_undo_and_clear(draw_socket) -> None:
    async with draw_socket() as ws:
        assert (await send(ws, points(0, 0, LINE)))["guesses"]
        assert (await send(ws, points(1, 1, SCRIBBLE)))["guesses"]
        after_undo = await send(ws, {"type": "undo", "seq": 2})
        assert after_undo["seq"] == 2 and after_undo["guesses"]
        assert await send(ws, {"type": "undo", "seq": 3}) == {"type": "guesses", "seq": 3, "guesses": []}
        assert await send(ws, {"type": "undo", "seq": 4}) == {"type": "guesses", "seq": 4, "guesses": []}
        assert (await send(ws, points(5, 0, LINE)))["guesses"]  # stroke 0 again after undoing all
        assert await send(ws, {"type": "clear", "seq": 6}) == {"type": "guesses", "seq": 6, "guesses": []}
        assert (await send(ws, points(7, 0, LINE)))["guesses"]  # clear starts at stroke 0


async def test_submit_saves_and_starts_a_fresh_drawing(draw_socket) -> None:
    async with draw_socket() as ws:
        await send(ws, {"type": "hello", "seq": 0, "canvas": [300, 200]})
        first = await send(ws, points(1, 0, LINE))
        saved = await send(ws, {"type": "submit", "seq": 2, "label": "sparse"})
        assert saved["type"] == "saved" and saved["seq"] == 2
        assert saved["guesses"] == first["guesses"]
        assert saved["recognized"] is (first["guesses"][0]["label"] == "sparse")
        # a fresh drawing: stroke 0 again, and submitting it saves a second row
        assert (await send(ws, points(3, 0, SCRIBBLE)))["seq"] == 3
        second = await send(ws, {"type": "submit", "seq": 4})
    drawing = await Drawing.objects.aget(pk=saved["drawing"])
    assert drawing.strokes == [[[10, 60, 120], [10, 12, 15], [0, 30, 60]]]
    assert (drawing.canvas_width, drawing.canvas_height) == (300, 200)
    assert (drawing.label, drawing.source, drawing.model_version) == ("sparse", "submit", FAKE_VERSION)
    assert (drawing.stroke_count, drawing.point_count) == (1, 3)
    assert drawing.guesses == first["guesses"]
    top = first["guesses"][0]
    assert drawing.timeline == [[60, top["label"], top["score"]]]
    assert drawing.recognized is (top["label"] == "sparse")
    assert drawing.first_correct_ms == (60 if top["label"] == "sparse" else None)
    unlabeled = await Drawing.objects.aget(pk=second["drawing"])
    assert (unlabeled.label, unlabeled.recognized, unlabeled.first_correct_ms) == ("", None, None)
    assert await Drawing.objects.acount() == 2  # no extra row at disconnect: the drawing was empty


async def test_time_to_first_correct_guess(draw_socket) -> None:
    """Top-1 goes sparse -> dense as ink grows; the saved timeline and first_correct_ms follow it."""
    blob = [[x, y, 500 + x] for x in range(0, 200, 10) for y in (0, 200)]
    async with draw_socket() as ws:
        await send(ws, {"type": "hello", "seq": 0, "prompt": "dense"})
        assert (await send(ws, points(1, 0, LINE)))["guesses"][0]["label"] == "sparse"
        seq = 2
        for stroke in range(1, 25):
            reply = await send(ws, points(seq, stroke, blob))
            seq += 1
            if reply["guesses"][0]["label"] == "dense":
                break
        saved = await send(ws, {"type": "submit", "seq": seq})
    drawing = await Drawing.objects.aget(pk=saved["drawing"])
    assert [entry[1] for entry in drawing.timeline] == ["sparse", "dense"]
    assert drawing.first_correct_ms == drawing.timeline[1][0] == 500 + 190
    assert drawing.recognized is True and saved["first_correct_ms"] == 690


async def test_disconnect_saves_a_drawing_with_strokes(draw_socket) -> None:
    async with draw_socket() as ws:
        await send(ws, {"type": "hello", "seq": 0, "prompt": "dense", "canvas": [64, 48]})
        await send(ws, points(1, 0, LINE))
    drawing = await Drawing.objects.aget()
    assert (drawing.source, drawing.label, drawing.stroke_count) == ("disconnect", "dense", 1)
    assert (drawing.canvas_width, drawing.canvas_height) == (64, 48)
    assert drawing.guesses and drawing.recognized is False


@pytest.mark.parametrize(
    "messages",
    [[], [{"type": "hello", "seq": 0}], [points(0, 0, LINE), {"type": "clear", "seq": 1}]],
)
async def test_disconnect_with_no_strokes_saves_nothing(draw_socket, messages: list) -> None:
    async with draw_socket() as ws:
        for message in messages:
            await send(ws, message)
    assert await Drawing.objects.acount() == 0


BAD_MESSAGES = [
    ("not json", None, "bad_json"),
    ("[1, 2]", None, "bad_json"),
    ("[" * 5000 + "]" * 5000, None, "bad_json"),  # valid JSON, deeper than the JSON parser's recursion limit
    ('{"type": "scribble", "seq": 9}', 9, "bad_type"),
    ('{"type": "undo"}', None, "bad_seq"),
    ('{"type": "undo", "seq": 1}', 1, "bad_seq"),  # not above the accepted seq 1
    (json.dumps(points(9, 3, LINE)), 9, "bad_stroke"),
    (json.dumps(points(9, 0, [[1, 2]])), 9, "bad_points"),
    ('{"type": "points", "seq": 9, "stroke": 0, "points": [[NaN, 1, 2]]}', 9, "bad_points"),
    (json.dumps(points(9, 0, [[1e9, 1, 2]])), 9, "bad_points"),
    (json.dumps(points(9, 0, [[1, 1, 2]] * 1001)), None, "too_large"),
    (json.dumps({"type": "submit", "seq": 9, "label": "zebra"}), 9, "bad_label"),
    (json.dumps({"type": "hello", "seq": 9, "canvas": [-5, 10]}), 9, "bad_canvas"),
]


@pytest.mark.parametrize(("text", "seq", "code"), BAD_MESSAGES)
async def test_errors_keep_the_connection_and_the_drawing(draw_socket, settings, text: str, seq, code: str) -> None:
    settings.RECOGNIZER_MAX_MESSAGE_BYTES = 10_000
    async with draw_socket() as ws:
        await send(ws, points(1, 0, LINE))
        await ws.send_to(text_data=text)
        error = await receive(ws)
        assert error["type"] == "error" and (error["code"], error["seq"]) == (code, seq)
        assert error["detail"]
        reply = await send(ws, points(10, 0, [[130, 20, 90]]))  # stroke 0 still current: the drawing was kept
        assert (reply["type"], reply["seq"]) == ("guesses", 10)
        saved = await send(ws, {"type": "submit", "seq": 11})
    drawing = await Drawing.objects.aget(pk=saved["drawing"])
    assert drawing.point_count == len(LINE) + 1


async def test_binary_frames_are_an_error(draw_socket) -> None:
    async with draw_socket() as ws:
        await ws.send_to(bytes_data=b"\x00\x01")
        assert (await receive(ws))["code"] == "bad_json"
        assert (await send(ws, points(0, 0, LINE)))["type"] == "guesses"


@pytest.mark.parametrize(
    ("setting", "value", "messages", "code"),
    [
        ("RECOGNIZER_MAX_POINTS_PER_MESSAGE", 2, [points(0, 0, LINE)], "too_many_points"),
        ("RECOGNIZER_MAX_POINTS", 4, [points(0, 0, LINE), points(1, 0, LINE)], "too_many_points"),
        ("RECOGNIZER_MAX_STROKES", 1, [points(0, 0, LINE), points(1, 1, LINE)], "too_many_strokes"),
        ("RECOGNIZER_MAX_COORD", 50.0, [points(0, 0, LINE)], "bad_points"),
        ("RECOGNIZER_MAX_TIME_MS", 59.0, [points(0, 0, LINE)], "bad_points"),
        ("RECOGNIZER_MAX_MESSAGE_BYTES", 50, [points(0, 0, LINE)], "too_large"),
    ],
)
async def test_limits_come_from_settings(draw_socket, settings, setting: str, value: float, messages: list, code: str) -> None:
    setattr(settings, setting, value)
    async with draw_socket() as ws:
        for message in messages:
            reply = await send(ws, message)
    assert reply["type"] == "error" and reply["code"] == code


async def test_nothing_to_submit(draw_socket) -> None:
    async with draw_socket() as ws:
        assert (await send(ws, {"type": "submit", "seq": 0, "label": "dense"}))["code"] == "nothing_to_submit"
        assert (await send(ws, points(1, 0, LINE)))["type"] == "guesses"


async def test_rate_limit(draw_socket, settings) -> None:
    settings.RECOGNIZER_RATE_PER_SECOND = 0.001  # no refill during the test
    settings.RECOGNIZER_RATE_BURST = 3
    async with draw_socket() as ws:
        replies = [await send(ws, points(seq, 0, [[seq, seq, seq]])) for seq in range(5)]
    assert [r["type"] for r in replies] == ["guesses", "guesses", "guesses", "error", "error"]
    assert [(r["code"], r["seq"]) for r in replies[3:]] == [("rate_limited", 3), ("rate_limited", 4)]


async def test_server_busy_when_the_inference_queue_is_full(draw_socket, settings) -> None:
    settings.RECOGNIZER_MAX_PENDING = 0
    async with draw_socket() as ws:
        reply = await send(ws, points(0, 0, LINE))
        assert (reply["type"], reply["code"], reply["seq"]) == ("error", "server_busy", 0)
        assert (await send(ws, {"type": "clear", "seq": 1}))["guesses"] == []  # no inference needed


async def test_updates_coalesce_and_the_last_seq_always_arrives(draw_socket, settings, fake_classifier: FakeClassifier) -> None:
    settings.RECOGNIZER_RATE_BURST = 1000
    fake_classifier.delay_s = 0.02
    sent = 40
    async with draw_socket() as ws:
        for seq in range(sent):
            await ws.send_json_to(points(seq, 0, [[seq * 3, math.sin(seq) * 50 + 60, seq * 16]]))
        seqs = []
        while not seqs or seqs[-1] != sent - 1:
            reply = await receive(ws)
            assert reply["type"] == "guesses"
            seqs.append(reply["seq"])
        assert await ws.receive_nothing(timeout=0.2)
    assert seqs == sorted(set(seqs))  # increasing, never a stale state after a newer one
    assert len(seqs) < sent
    assert sum(fake_classifier.batch_sizes) <= len(seqs) + 1  # superseded states were never computed


async def test_connections_share_batches(draw_socket, settings, fake_classifier: FakeClassifier) -> None:
    settings.RECOGNIZER_BATCH_WAIT_MS = 50.0
    connections = 4
    sockets = [draw_socket() for _ in range(connections)]
    opened = [await socket.__aenter__() for socket in sockets]
    try:
        for ws in opened:
            await ws.send_json_to(points(0, 0, LINE))
        replies = [await receive(ws) for ws in opened]
        sizes = list(fake_classifier.batch_sizes)
    finally:
        for socket in sockets:
            await socket.__aexit__(None, None, None)
    assert len({json.dumps(r["guesses"]) for r in replies}) == 1
    # the first request may run at once, alone so far; the others arrive close together and share a batch
    assert sum(sizes) == connections and max(sizes) >= connections - 1


async def test_foreign_origin_is_refused() -> None:
    from drawsite.asgi import application

    ws = WebsocketCommunicator(application, "/ws/draw/", headers=[(b"origin", b"http://evil.example")])
    connected, _ = await ws.connect()
    assert not connected
