"""The asyncio micro-batcher (recognizer.batcher.MicroBatcher) with a recording run_batch."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from recognizer.batcher import MicroBatcher
from recognizer.protocol import ErrorCode, ProtocolError


class Recorder:
    """run_batch double: returns each job doubled, records batch sizes and the thread it ran in."""

    def __init__(self, *, delay_s: float = 0.0, fail: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.threads: set[int] = set()
        self.delay_s = delay_s
        self.fail = fail

    def __call__(self, jobs: list[int]) -> list[int]:
        self.threads.add(threading.get_ident())
        self.batches.append(list(jobs))
        if self.delay_s:
            threading.Event().wait(self.delay_s)
        if self.fail:
            raise RuntimeError("model exploded")
        return [job * 2 for job in jobs]


@pytest.fixture
def executor() -> ThreadPoolExecutor:
    pool = ThreadPoolExecutor(max_workers=2)
    yield pool
    pool.shutdown(wait=True)


def make(recorder: Recorder, executor: ThreadPoolExecutor, **overrides: float) -> MicroBatcher[int]:
    options = {"max_batch": 4, "max_wait_s": 0.01, "max_pending": 100, "concurrency": 1} | overrides
    return MicroBatcher(run_batch=recorder, executor=executor, **options)


async def test_requests_from_many_keys_share_batches(executor: ThreadPoolExecutor) -> None:
    recorder = Recorder()
    batcher = make(recorder, executor)
    results = await asyncio.gather(*(batcher.infer(key, lambda key=key: key) for key in range(10)))
    assert results == [(key, key * 2) for key in range(10)]
    assert all(len(batch) <= 4 for batch in recorder.batches)
    assert len(recorder.batches) == 3  # 4 + 4 + 2
    assert threading.get_ident() not in recorder.threads  # never on the event loop's thread
    assert (batcher.batches_run, batcher.jobs_run) == (3, 10)


async def test_a_lone_request_waits_at_most_max_wait(executor: ThreadPoolExecutor) -> None:
    batcher = make(Recorder(), executor, max_wait_s=0.005)
    assert await asyncio.wait_for(batcher.infer("a", lambda: 1), timeout=1.0) == (1, 2)


async def test_newer_request_of_a_key_supersedes_the_queued_one(executor: ThreadPoolExecutor) -> None:
    recorder = Recorder()
    batcher = make(recorder, executor)
    state = {"value": 1}
    snapshots = []

    def snapshot() -> int:
        snapshots.append(state["value"])
        return state["value"]

    first = asyncio.ensure_future(batcher.infer("conn", snapshot))
    await asyncio.sleep(0)
    state["value"] = 2
    second = asyncio.ensure_future(batcher.infer("conn", snapshot))
    state["value"] = 3
    third = asyncio.ensure_future(batcher.infer("conn", snapshot))
    assert await first is None
    assert await second is None
    assert await third == (3, 6)
    assert snapshots == [3]  # only the newest state was taken and computed
    assert recorder.batches == [[3]]


async def test_a_key_in_flight_can_queue_its_next_state(executor: ThreadPoolExecutor) -> None:
    recorder = Recorder(delay_s=0.05)
    batcher = make(recorder, executor, max_wait_s=0.0)
    first = asyncio.ensure_future(batcher.infer("conn", lambda: 1))
    await asyncio.sleep(0.02)  # the first batch is now running
    second = await batcher.infer("conn", lambda: 2)
    assert await first == (1, 2)
    assert second == (2, 4)


async def test_full_queue_answers_server_busy(executor: ThreadPoolExecutor) -> None:
    batcher = make(Recorder(), executor, max_pending=2)
    queued = [asyncio.ensure_future(batcher.infer(key, lambda key=key: key)) for key in ("a", "b")]
    await asyncio.sleep(0)
    with pytest.raises(ProtocolError) as raised:
        await batcher.infer("c", lambda: 0)
    assert raised.value.code == ErrorCode.SERVER_BUSY
    # a key already queued may still replace its own request
    replacement = asyncio.ensure_future(batcher.infer("a", lambda: 5))
    assert await asyncio.gather(*queued, replacement) == [None, ("b", "bb"), (5, 10)]


async def test_run_batch_failure_reaches_callers_and_the_worker_survives(executor: ThreadPoolExecutor) -> None:
    recorder = Recorder(fail=True)
    batcher = make(recorder, executor)
    with pytest.raises(RuntimeError, match="exploded"):
        await batcher.infer("a", lambda: 1)
    recorder.fail = False
    assert await batcher.infer("a", lambda: 4) == (4, 8)


async def test_cancelled_callers_are_skipped(executor: ThreadPoolExecutor) -> None:
    recorder = Recorder()
    batcher = make(recorder, executor, max_wait_s=0.02)
    gone = asyncio.ensure_future(batcher.infer("gone", lambda: 1))
    await asyncio.sleep(0)
    gone.cancel()
    assert await batcher.infer("here", lambda: 2) == (2, 4)
    assert recorder.batches == [[2]]
