"""Result rows of a load run and the figures they hold (pure)."""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PERCENTILES = (50, 95, 99)
MS_PER_S = 1000.0
BYTES_PER_MIB = 1024 * 1024


def percentiles(values: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95, p99 of ``values`` (NaN for none)."""
    if not values:
        return (math.nan, math.nan, math.nan)
    p50, p95, p99 = np.percentile(np.asarray(values, dtype=float), PERCENTILES)
    return float(p50), float(p95), float(p99)


@dataclass(frozen=True)
class Row:
    """One scenario's measurements."""

    scenario: str
    servers: str  # e.g. "1 daphne" or "2 daphne + pg + redis"
    drawers: int
    mode: str  # "real speed", "as fast as possible", "tutorial POST"
    wall_s: float
    messages: int
    guesses: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    drawings: int
    finals_lost: int
    saves_lost: int
    errors: Counter
    server_cpu_s: float
    server_rss_bytes: int  # the largest sample, summed over the server processes
    client_cpu_s: float

    @property
    def guesses_per_s(self) -> float:
        return self.guesses / self.wall_s if self.wall_s > 0 else math.nan

    @property
    def cpu_ms_per_guess(self) -> float:
        return self.server_cpu_s * MS_PER_S / self.guesses if self.guesses else math.nan

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def meets(self, *, p99_ms: float) -> bool:
        """The bar for a healthy load level: p99 within ``p99_ms``, nothing lost, no errors."""
        return self.p99_ms <= p99_ms and self.finals_lost == 0 and self.saves_lost == 0 and self.error_count == 0


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan
