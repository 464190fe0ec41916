"""Protocol limits of one connection, as a plain value (no Django; built from settings in recognizer.conf)."""

from dataclasses import dataclass

# Longest category name / intended label accepted (also the database column's length).
LABEL_MAX_CHARS = 64


@dataclass(frozen=True)
class ProtocolLimits:
    """Every bound the server enforces on client messages; names match the RECOGNIZER_* settings."""

    max_message_bytes: int
    max_points_per_message: int
    max_strokes: int
    max_points: int
    max_coord: float
    max_time_ms: float
    max_label_chars: int
    rate_per_second: float
    rate_burst: int

    def as_dict(self) -> dict[str, float]:
        """The limits as sent to the client in the ``ready`` message."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}
