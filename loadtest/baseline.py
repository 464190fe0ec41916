"""Client of the tutorial baseline (recognizer.baseline): the canvas as a PNG after every stroke, one POST each.

The canvas is drawn here the way the tutorial's page draws it (black ink on white, round caps), then
sent as a base64 data URL over one keep-alive HTTP connection, CSRF token included like a browser
form. Only the request is timed (browser-side PNG encoding is not), so the baseline is not penalised
for work the websocket client does not do either.
"""

import base64
import http.client
import io
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlparse

from PIL import Image, ImageDraw

from loadtest.replay import Replay

CANVAS_SIDE = 400  # pixels of the tutorial page's square canvas
CANVAS_MARGIN = 20
LINE_WIDTH = 12
PREDICT_PATH = "/baseline/predict"
HTTP_OK = 200
REQUEST_TIMEOUT_S = 60.0
MS_PER_S = 1000.0
DATA_URL_PREFIX = "data:image/png;base64,"


@dataclass
class BaselineStats:
    latencies_ms: list[float] = field(default_factory=list)  # client round trip per prediction
    server_ms: list[float] = field(default_factory=list)  # decode + resize + predict, as the view timed it
    errors: int = 0


def canvas_png(strokes: Sequence[Sequence[Sequence[float]]]) -> bytes:
    """The drawing so far on a white ``CANVAS_SIDE`` canvas, scaled to fit, as PNG bytes."""
    xs = [x for stroke in strokes for x in stroke[0]]
    ys = [y for stroke in strokes for y in stroke[1]]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    scale = (CANVAS_SIDE - 2 * CANVAS_MARGIN) / span
    image = Image.new("L", (CANVAS_SIDE, CANVAS_SIDE), "white")
    pen = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [
            (CANVAS_MARGIN + (x - min(xs)) * scale, CANVAS_MARGIN + (y - min(ys)) * scale)
            for x, y in zip(stroke[0], stroke[1])
        ]
        if len(points) == 1:
            points = points * 2
        pen.line(points, fill="black", width=LINE_WIDTH, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def stroke_states(replay: Replay) -> list[list[list[list[float]]]]:
    """The raw drawing after each finished stroke (what the tutorial page sends on every pen-up)."""
    strokes: list[list[list[float]]] = []
    states = []
    for chunk in replay.messages:
        if chunk.stroke == len(strokes):
            if strokes:
                states.append([list(map(list, s)) for s in strokes])
            strokes.append([[], [], []])
        for x, y, t in chunk.points:
            strokes[-1][0].append(x)
            strokes[-1][1].append(y)
            strokes[-1][2].append(t)
    if strokes:
        states.append(strokes)
    return states


def run_baseline(http_base: str, replays: Sequence[Replay], deadline: float) -> BaselineStats:
    """One person using the tutorial page: a prediction request after every stroke of every drawing."""
    stats = BaselineStats()
    url = urlparse(http_base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=REQUEST_TIMEOUT_S)
    connection.request("GET", PREDICT_PATH)
    response = connection.getresponse()
    token = json.loads(response.read())["csrf_token"]
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": token,
        "Cookie": f"csrftoken={token}",
        "Origin": http_base,
        "Referer": http_base + "/",
    }
    try:
        for replay in replays:
            for state in stroke_states(replay):
                if time.perf_counter() >= deadline:
                    return stats
                body = json.dumps({"image": DATA_URL_PREFIX + base64.b64encode(canvas_png(state)).decode()})
                started = time.perf_counter()
                connection.request("POST", PREDICT_PATH, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                elapsed_ms = (time.perf_counter() - started) * MS_PER_S
                if response.status != HTTP_OK:
                    stats.errors += 1
                    continue
                stats.latencies_ms.append(elapsed_ms)
                stats.server_ms.append(json.loads(payload)["server_ms"])
    finally:
        connection.close()
    return stats
