"""Progress display for ``ml.download``: tqdm when installed, else plain lines on stderr."""

import sys
from typing import Protocol, TextIO

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional
    tqdm = None

STYLES = ("auto", "plain", "none")
PLAIN_STEP_PERCENT = 10  # plain display: one line per this much of a known size
PLAIN_STEP_BYTES = 8 << 20  # ... or per this many bytes when the size is unknown
PERCENT = 100
MEGABYTE = 1 << 20


class Progress(Protocol):
    def update(self, count: int) -> object: ...
    def __enter__(self) -> "Progress": ...
    def __exit__(self, *exc: object) -> object: ...


class NoProgress:
    def update(self, count: int) -> None:
        pass

    def __enter__(self) -> "NoProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class PlainProgress(NoProgress):
    """``label: 40% (12.0 of 30.0 MB)`` lines, one per step, and a last one when the transfer ends."""

    def __init__(self, label: str, total: int | None, initial: int = 0, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, total, initial
        self.stream = stream or sys.stderr
        self.shown = self._step()

    def _step(self) -> int:
        if self.total:
            return self.done * PERCENT // self.total // PLAIN_STEP_PERCENT
        return self.done // PLAIN_STEP_BYTES

    def line(self) -> str:
        done = f"{self.done / MEGABYTE:.1f}"
        if not self.total:
            return f"{self.label}: {done} MB"
        return f"{self.label}: {self.done * PERCENT // self.total}% ({done} of {self.total / MEGABYTE:.1f} MB)"

    def update(self, count: int) -> None:
        self.done += count
        if self._step() > self.shown:
            self.shown = self._step()
            print(self.line(), file=self.stream, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self.total is None or self.done < self.total:
            print(self.line(), file=self.stream, flush=True)


def open_progress(style: str, label: str, total: int | None, initial: int = 0) -> Progress:
    """A progress context for a transfer of ``total`` bytes (None: unknown) starting at ``initial``."""
    if style == "none":
        return NoProgress()
    if style == "auto" and tqdm is not None:
        return tqdm(total=total, initial=initial, desc=label, unit="B", unit_scale=True, unit_divisor=1024,
                    file=sys.stderr)
    return PlainProgress(label, total, initial)
