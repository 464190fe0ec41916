"""Pure tables: the token bucket (recognizer.ratelimit) under a controlled clock."""

import pytest

from recognizer.ratelimit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("rate", "burst", "times", "expected"),
    [
        # a full bucket allows `burst` events at once, then refuses
        (1.0, 3, [0, 0, 0, 0], [True, True, True, False]),
        # refill at `rate` per second
        (2.0, 1, [0, 0, 0.5, 0.5, 1.0], [True, False, True, False, True]),
        # tokens never exceed `burst`, however long the pause
        (10.0, 2, [0, 100, 100, 100], [True, True, True, False]),
        # a partial token is not enough
        (1.0, 1, [0, 0.9, 1.0], [True, False, True]),
        # a clock stepping back neither refills nor fails
        (1.0, 1, [0, -5, 0.5, 1.5], [True, False, False, True]),
    ],
)
def test_token_bucket(rate: float, burst: int, times: list[float], expected: list[bool]) -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=rate, burst=burst, clock=clock)
    start = clock.now
    outcomes = []
    for offset in times:
        clock.now = start + offset
        outcomes.append(bucket.take())
    assert outcomes == expected


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 1), (-1.0, 1), (1.0, 0)])
def test_token_bucket_rejects_bad_parameters(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=rate, burst=burst)
