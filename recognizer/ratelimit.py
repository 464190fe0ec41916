"""A token-bucket rate limiter (pure; the clock is injected so tests control time)."""

import time
from collections.abc import Callable


class TokenBucket:
    """Allows ``rate`` events per second on average and bursts of up to ``burst`` events.

    The bucket starts full; each allowed event takes one token; tokens refill continuously.
    """

    def __init__(self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1 (got rate={rate}, burst={burst})")
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._tokens = self._burst
        self._updated = clock()

    def take(self) -> bool:
        """Take one token if there is one; False means the event is over the limit."""
        now = self._clock()
        # A clock that steps back neither refills nor drains: time only counts once it passes _updated.
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
        self._updated = max(self._updated, now)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False
