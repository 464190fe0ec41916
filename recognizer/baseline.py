"""The original tutorial's recognition flow, kept only as the load benchmark's baseline (off by default).

Flow, as in the classic "Quick, Draw! with Django and Keras" tutorials: the page POSTs the whole
canvas as a base64 PNG data URL; the view decodes it with Pillow, turns it into a 28x28 grayscale
image, runs Keras ``model.predict`` on ``models/quickdraw28/model.keras`` and answers the top-1
category. Nothing is batched, streamed or cached besides the loaded model. Enabled only with the
setting or environment variable ``RECOGNIZER_ENABLE_BASELINE=1`` (404 otherwise), so production
never loads TensorFlow. ``python -m loadtest`` times it next to the websocket recognizer.
"""

import base64
import binascii
import io
import json
import threading
import time
from typing import Any

import numpy as np
from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods
from PIL import Image, ImageOps, UnidentifiedImageError

from drawsite.env import env_bool
from recognizer import classifier as served

ENABLE_SETTING = "RECOGNIZER_ENABLE_BASELINE"
KERAS_MODEL_FILE = "model.keras"
LABELS_FILE = "labels.json"
IMAGE_SIDE = 28
DATA_URL_PREFIX = "data:image/png;base64,"
MAX_CANVAS_SIDE = 4096  # refuse decompression bombs before decoding pixels
HTTP_BAD_REQUEST = 400
MS_PER_S = 1000.0

_model_lock = threading.Lock()
_loaded: tuple[Any, list[str]] | None = None


def enabled() -> bool:
    """The Django setting when defined, else the environment variable of the same name."""
    value = getattr(settings, ENABLE_SETTING, None)
    return env_bool(ENABLE_SETTING, False) if value is None else bool(value)


def _keras_model() -> tuple[Any, list[str]]:
    """The Keras model and its labels, loaded on first use."""
    global _loaded
    with _model_lock:
        if _loaded is None:
            import keras  # only here: TensorFlow is not a serving dependency

            folder = served.model_dir()
            model = keras.models.load_model(folder / KERAS_MODEL_FILE, compile=False)
            _loaded = model, json.loads((folder / LABELS_FILE).read_text(encoding="utf-8"))
        return _loaded


def canvas_to_input(png: bytes) -> np.ndarray:
    """The tutorial's preprocessing: black-on-white canvas PNG -> white-on-black uint8 (1, 28, 28)."""
    image = Image.open(io.BytesIO(png))
    if max(image.size) > MAX_CANVAS_SIDE:
        raise ValueError(f"canvas larger than {MAX_CANVAS_SIDE} px")
    if image.mode in ("RGBA", "LA"):  # a transparent canvas background counts as white paper
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    gray = ImageOps.invert(image.convert("L")).resize((IMAGE_SIDE, IMAGE_SIDE), Image.Resampling.LANCZOS)
    return np.asarray(gray, dtype=np.uint8)[None]


@require_http_methods(["GET", "POST"])
@ensure_csrf_cookie
def predict(request: HttpRequest) -> JsonResponse:
    """GET: a CSRF token for the page. POST ``{"image": "data:image/png;base64,..."}``: the top-1 guess."""
    if not enabled():
        raise Http404("the baseline recognizer is off (RECOGNIZER_ENABLE_BASELINE)")
    if request.method == "GET":
        return JsonResponse({"csrf_token": get_token(request)})
    started = time.perf_counter()
    try:
        data_url = json.loads(request.body)["image"]
        if not isinstance(data_url, str) or not data_url.startswith(DATA_URL_PREFIX):
            raise ValueError(f"image must be a PNG data URL ({DATA_URL_PREFIX}...)")
        pixels = canvas_to_input(base64.b64decode(data_url[len(DATA_URL_PREFIX) :], validate=True))
    except (
        ValueError,
        KeyError,
        TypeError,
        binascii.Error,
        UnidentifiedImageError,
        Image.DecompressionBombError,
    ) as error:
        return JsonResponse({"error": str(error)}, status=HTTP_BAD_REQUEST)
    model, labels = _keras_model()
    probs = model.predict(pixels.astype(np.float32), verbose=0)[0]
    best = int(np.argmax(probs))
    return JsonResponse(
        {"label": labels[best], "score": float(probs[best]), "server_ms": (time.perf_counter() - started) * MS_PER_S}
    )
