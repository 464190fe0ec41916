"""Points for one round (pure, no Django): faster is better, and the first few places get a bonus."""

# Recognized the instant the round started: the whole speed share.
SPEED_POINTS = 1000
# Recognized at the last instant still earns this much: being recognized at all beats not drawing.
MIN_RECOGNIZED_POINTS = 100
# Bonus by place: first, second, third; later places get none.
PLACE_BONUS = (300, 200, 100)


def round_points(*, elapsed_ms: int | None, round_ms: int, place: int | None) -> int:
    """Points for a player recognized ``elapsed_ms`` into a ``round_ms`` round, in ``place`` (1 = first).

    A player never recognized (``elapsed_ms``/``place`` None) scores 0.
    """
    if round_ms <= 0:
        raise ValueError(f"round_ms must be positive, got {round_ms}")
    if elapsed_ms is None or place is None:
        return 0
    if place < 1 or elapsed_ms < 0:
        raise ValueError(f"place must be >= 1 and elapsed_ms >= 0, got place={place}, elapsed_ms={elapsed_ms}")
    remaining = max(0.0, 1.0 - elapsed_ms / round_ms)
    speed = MIN_RECOGNIZED_POINTS + round((SPEED_POINTS - MIN_RECOGNIZED_POINTS) * remaining)
    bonus = PLACE_BONUS[place - 1] if place <= len(PLACE_BONUS) else 0
    return speed + bonus
