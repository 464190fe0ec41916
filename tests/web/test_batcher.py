"""The asyncio micro-batcher (recognizer.batcher.MicroBatcher) with a recording run_batch."""

import asyncio
import math
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from recognizer.batcher import ARRIVAL_GAP_WEIGHT, EXPECTED_COMPANY, MicroBatcher, mean_gap, worth_waiting
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


async def test_a_request_waits_at_most_max_wait(executor: ThreadPoolExecutor) -> None:
    batcher = make(Recorder(), executor, max_wait_s=0.005)
    assert await asyncio.wait_for(batcher.infer("a", lambda: 1), timeout=1.0) == (1, 2)


async def test_newer_request_of_a_key_supersedes_the_queued_one(executor: ThreadPoolExecutor) -> None:
    """While the pool is busy a connection's requests queue; each newer one replaces the queued one."""
    recorder = Recorder(delay_s=0.05)
    batcher = make(recorder, executor)  # one inference slot
    busy = asyncio.ensure_future(batcher.infer("other", lambda: 0))
    await asyncio.sleep(0.01)  # "other" is running: what follows has to queue
    state = {"value": 1}
    snapshots = []

    def snapshot() -> int:
        snapshots.append(state["value"])
        return state["value"]

    first = asyncio.ensure_future(batcher.infer("conn", snapshot))
    await asyncio.sleep(0)
    state["value"] = 2
    second = asyncio.ensure_future(batcher.infer("conn", snapshot))
    await asyncio.sleep(0)
    state["value"] = 3
    third = asyncio.ensure_future(batcher.infer("conn", snapshot))
    assert await first is None
    assert await second is None
    assert await third == (3, 6)
    assert await busy == (0, 0)
    assert snapshots == [3]  # only the newest state was taken and computed
    assert recorder.batches == [[0], [3]]


async def test_requests_arriving_close_together_share_a_batch(executor: ThreadPoolExecutor) -> None:
    """With an idle pool, a request waits for company only when others are arriving close together."""
    recorder = Recorder()
    # A long window, so the gap since "first" (its inference included) counts as close even on a loaded machine.
    batcher = make(recorder, executor, max_wait_s=1.0)
    assert await batcher.infer("first", lambda: 1) == (1, 2)  # alone: ran at once, in a batch of its own
    queued = []
    for key in (2, 3, 4):
        queued.append(asyncio.ensure_future(batcher.infer(key, lambda key=key: key)))
        await asyncio.sleep(0.005)
    assert await asyncio.gather(*queued) == [(2, 4), (3, 6), (4, 8)]
    assert recorder.batches == [[1], [2, 3, 4]]


@pytest.mark.parametrize(
    ("previous_s", "gap_s", "expected_s"),
    [
        pytest.param(math.inf, math.inf, math.inf, id="first request: no gap yet"),
        pytest.param(math.inf, 0.5, 0.5, id="first gap replaces 'none yet'"),
        pytest.param(0.002, 0.002, 0.002, id="steady arrivals"),
        pytest.param(0.002, 0.4, 0.002 * (1 - ARRIVAL_GAP_WEIGHT) + 0.4 * ARRIVAL_GAP_WEIGHT, id="a long pause"),
        pytest.param(0.1, 0.0, 0.1 * (1 - ARRIVAL_GAP_WEIGHT), id="a burst"),
    ],
)
def test_mean_gap(previous_s: float, gap_s: float, expected_s: float) -> None:
    assert mean_gap(previous_s, gap_s) == pytest.approx(expected_s)


@pytest.mark.parametrize(
    ("mean_gap_s", "max_wait_s", "expected"),
    [
        pytest.param(math.inf, 0.004, False, id="a lone request runs at once"),
        pytest.param(0.0167, 0.004, False, id="one drawer at 60 Hz does not wait"),
        pytest.param(0.003, 0.004, False, id="a few drawers: one more request per window is not worth it"),
        pytest.param(0.0005, 0.004, True, id="many drawers wait for company"),
        pytest.param(0.004 / EXPECTED_COMPANY, 0.004, False, id="just too few expected"),
        pytest.param(0.0, 0.0, False, id="waiting disabled"),
    ],
)
def test_worth_waiting(mean_gap_s: float, max_wait_s: float, expected: bool) -> None:
    assert worth_waiting(mean_gap_s, max_wait_s) is expected


async def test_a_key_in_flight_can_queue_its_next_state(executor: ThreadPoolExecutor) -> None:
    recorder = Recorder(delay_s=0.05)
    batcher = make(recorder, executor, max_wait_s=0.0)
    first = asyncio.ensure_future(batcher.infer("conn", lambda: 1))
    await asyncio.sleep(0.02)  # the first batch is now running
    second = await batcher.infer("conn", lambda: 2)
    assert await first == (1, 2)
    assert second == (2, 4)


async def test_a_key_is_never_computed_twice_at_once(executor: ThreadPoolExecutor) -> None:
    """A key whose batch is running waits for it even with a free slot; its newer requests replace each other."""
    recorder = Recorder(delay_s=0.05)
    batcher = make(recorder, executor, max_wait_s=0.0, concurrency=2)
    first = asyncio.ensure_future(batcher.infer("conn", lambda: 1))
    await asyncio.sleep(0.01)  # the first batch is running
    second = asyncio.ensure_future(batcher.infer("conn", lambda: 2))
    await asyncio.sleep(0)
    third = asyncio.ensure_future(batcher.infer("conn", lambda: 3))
    other = asyncio.ensure_future(batcher.infer("other", lambda: 10))
    await asyncio.sleep(0.01)
    assert recorder.batches == [[1], [10]]  # "other" took the free slot; "conn" waits for its own batch
    assert await asyncio.gather(first, second, third, other) == [(1, 2), None, (3, 6), (10, 20)]
    assert recorder.batches == [[1], [10], [3]]


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
