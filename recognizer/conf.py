"""Recognizer settings read from Django settings (the defaults live once, in drawsite/settings.py)."""

from django.conf import settings

from recognizer.limits import LABEL_MAX_CHARS, ProtocolLimits


def protocol_limits() -> ProtocolLimits:
    return ProtocolLimits(
        max_message_bytes=settings.RECOGNIZER_MAX_MESSAGE_BYTES,
        max_points_per_message=settings.RECOGNIZER_MAX_POINTS_PER_MESSAGE,
        max_strokes=settings.RECOGNIZER_MAX_STROKES,
        max_points=settings.RECOGNIZER_MAX_POINTS,
        max_coord=settings.RECOGNIZER_MAX_COORD,
        max_time_ms=settings.RECOGNIZER_MAX_TIME_MS,
        max_label_chars=LABEL_MAX_CHARS,
        rate_per_second=settings.RECOGNIZER_RATE_PER_SECOND,
        rate_burst=settings.RECOGNIZER_RATE_BURST,
    )
