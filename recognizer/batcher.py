"""Micro-batching of inference across connections, off the event loop.

Connections call ``await batcher.infer(key, snapshot)``. A worker task takes the queued requests,
takes their snapshots and runs ONE ``run_batch`` call for them in a thread pool, so CPU work never
blocks the event loop.

Adaptive wait: a request that is alone runs at once. Only while requests arrive close together (their
mean gap, weighted towards the latest, lets ``EXPECTED_COMPANY`` more arrive within ``max_wait_s``)
does the worker give others up to ``max_wait_s`` to join (or until ``max_batch`` are queued); and while
every inference slot is busy, requests queue and form the next batch anyway. One drawer, or a few,
pay no batching delay; many share batches.

Coalescing: a connection (``key``) has at most one queued request. A newer request replaces it and
the replaced caller gets ``None`` ("superseded"); the snapshot is taken only when the batch forms,
so only the newest state of each connection is ever computed. A key whose batch is still running
stays queued until that batch ends: no connection is computed twice at once, and under load its
newer states keep replacing each other meanwhile.
"""

import asyncio
import logging
import math
import threading
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings

from recognizer import classifier as served
from recognizer.protocol import ErrorCode, ProtocolError
from recognizer.recognition import Outcome, recognize_batch
from recognizer.session import DrawingSnapshot

logger = logging.getLogger(__name__)
MS_PER_S = 1000.0
# Weight of the newest gap in the mean gap between requests: a few close arrivals make the worker wait
# for company, and one long pause (a drawer alone again) is enough to stop it.
ARRIVAL_GAP_WEIGHT = 0.25
# Requests that must be expected within the window before waiting for them is worth it: at light load
# (25 drawers, ~300 requests/s) one more per batch saved nothing and cost the whole wait (p50 6.7 ms
# instead of 1.9); from ~1,000 requests/s on, batches amortise the per-batch work.
EXPECTED_COMPANY = 4

Job = TypeVar("Job")


def mean_gap(previous_s: float, gap_s: float, *, weight: float = ARRIVAL_GAP_WEIGHT) -> float:
    """The mean gap between requests after one more ``gap_s`` (exponentially weighted).

    ``inf`` stands for "no gap seen yet": the first real gap replaces it.
    """
    if math.isinf(previous_s):
        return gap_s
    return previous_s * (1 - weight) + gap_s * weight


def worth_waiting(mean_gap_s: float, max_wait_s: float, *, company: int = EXPECTED_COMPANY) -> bool:
    """Whether at least ``company`` more requests are expected within the batching window."""
    return mean_gap_s * company < max_wait_s


@dataclass
class _Request(Generic[Job]):
    key: Hashable
    snapshot: Callable[[], Job]
    future: asyncio.Future


class MicroBatcher(Generic[Job]):
    """Batches ``run_batch(jobs) -> outcomes`` calls; one instance per event loop."""

    def __init__(
        self,
        *,
        run_batch: Callable[[list[Job]], list[Any]],
        executor: ThreadPoolExecutor,
        max_batch: int,
        max_wait_s: float,
        max_pending: int,
        concurrency: int,
    ) -> None:
        self._run_batch = run_batch
        self._executor = executor
        self._max_batch = max_batch
        self._max_wait_s = max_wait_s
        self._max_pending = max_pending
        self._pending: dict[Hashable, _Request[Job]] = {}  # insertion order = queue order
        self._in_flight: set[Hashable] = set()  # keys of the batches running now
        self._has_work = asyncio.Event()
        self._full = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._worker: asyncio.Task | None = None
        self._running: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones
        self._last_arrival_s = -math.inf  # loop time of the latest request
        self._mean_gap_s = math.inf  # between requests, see mean_gap
        self.batches_run = 0  # for tests and logs: how many run_batch calls were made
        self.jobs_run = 0

    async def infer(self, key: Hashable, snapshot: Callable[[], Job]) -> tuple[Job, Any] | None:
        """``(job, outcome)`` for the newest state of ``key``, or None if a newer request replaced this one.

        Raises ``ProtocolError(server_busy)`` when ``max_pending`` connections are already queued.
        """
        loop = asyncio.get_running_loop()
        previous = self._pending.get(key)
        if previous is None and len(self._pending) >= self._max_pending:
            raise ProtocolError("the server is busy; try again shortly", code=ErrorCode.SERVER_BUSY)
        request = _Request(key=key, snapshot=snapshot, future=loop.create_future())
        now = loop.time()
        self._mean_gap_s = mean_gap(self._mean_gap_s, now - self._last_arrival_s)
        self._last_arrival_s = now
        if previous is not None and not previous.future.done():
            previous.future.set_result(None)
        self._pending[key] = request  # a replaced key keeps its place in the queue
        self._has_work.set()
        if len(self._pending) >= self._max_batch:
            self._full.set()
        self._ensure_worker()
        return await request.future

    def _ensure_worker(self) -> None:
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work(), name="inference-batcher")

    async def _work(self) -> None:
        while True:
            await self._has_work.wait()
            if len(self._pending) < self._max_batch and worth_waiting(self._mean_gap_s, self._max_wait_s):
                try:
                    await asyncio.wait_for(self._full.wait(), self._max_wait_s)
                except TimeoutError:
                    pass
            await self._slots.acquire()
            requests = self._take_batch()
            if not requests:  # only keys still in flight are queued: the end of their batch wakes us
                self._slots.release()
                self._has_work.clear()
                continue
            # Snapshots are taken here, on the loop, so each is the connection's newest state.
            jobs = [request.snapshot() for request in requests]
            task = asyncio.get_running_loop().create_task(self._execute(requests, jobs))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    def _take_batch(self) -> list[_Request[Job]]:
        requests: list[_Request[Job]] = []
        for key in [key for key in self._pending if key not in self._in_flight][: self._max_batch]:
            request = self._pending.pop(key)
            if not request.future.done():  # a caller that went away (cancelled) is skipped
                requests.append(request)
                self._in_flight.add(key)
        if not self._pending:
            self._has_work.clear()
        if len(self._pending) < self._max_batch:
            self._full.clear()
        return requests

    async def _execute(self, requests: list[_Request[Job]], jobs: list[Job]) -> None:
        try:
            outcomes = await asyncio.get_running_loop().run_in_executor(self._executor, self._run_batch, jobs)
        except Exception as error:  # a bug in run_batch must reach every caller, not kill the worker
            logger.exception("inference batch of %d failed", len(jobs))
            for request in requests:
                if not request.future.done():
                    request.future.set_exception(error)
            return
        finally:
            self._slots.release()
            self._in_flight.difference_update(request.key for request in requests)
            if self._pending:
                self._has_work.set()
        self.batches_run += 1
        self.jobs_run += len(jobs)
        for request, job, outcome in zip(requests, jobs, outcomes, strict=True):
            if not request.future.done():
                request.future.set_result((job, outcome))


# --- the process's recognizer batcher ---

_executor_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_batchers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MicroBatcher[DrawingSnapshot]]" = (
    weakref.WeakKeyDictionary()
)


def _shared_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.RECOGNIZER_INFERENCE_THREADS, thread_name_prefix="inference"
            )
        return _executor


def _recognize_snapshots(snapshots: list[DrawingSnapshot]) -> list[Outcome]:
    """Runs in the thread pool: loads the model on first use, then renders and predicts the batch."""
    return recognize_batch(
        [snapshot.strokes for snapshot in snapshots],
        classifier=served.get_classifier(),
        k=settings.RECOGNIZER_TOP_K,
        rasters=[snapshot.raster for snapshot in snapshots],
    )


def get_batcher() -> MicroBatcher[DrawingSnapshot]:
    """The batcher of the running event loop (one per process in Daphne), created on first use."""
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = MicroBatcher(
            run_batch=_recognize_snapshots,
            executor=_shared_executor(),
            max_batch=settings.RECOGNIZER_BATCH_SIZE,
            max_wait_s=settings.RECOGNIZER_BATCH_WAIT_MS / MS_PER_S,
            max_pending=settings.RECOGNIZER_MAX_PENDING,
            concurrency=settings.RECOGNIZER_INFERENCE_THREADS,
        )
        _batchers[loop] = batcher
    return batcher


async def get_classifier_async() -> "served.Classifier":
    """The served classifier without blocking the loop on its first (loading) call."""
    return await asyncio.get_running_loop().run_in_executor(_shared_executor(), served.get_classifier)
