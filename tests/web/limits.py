"""Small protocol limits so every limit is reachable in a few messages."""

from recognizer.limits import LABEL_MAX_CHARS, ProtocolLimits

SMALL = ProtocolLimits(
    max_message_bytes=2_000,
    max_points_per_message=4,
    max_strokes=3,
    max_points=10,
    max_coord=100.0,
    max_time_ms=1_000.0,
    max_label_chars=LABEL_MAX_CHARS,
    rate_per_second=2.0,
    rate_burst=3,
)
