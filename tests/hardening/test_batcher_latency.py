"""Latency of a lone request through recognizer.batcher.MicroBatcher.

One drawer must not pay the batching wait: with an idle inference thread, waiting ``max_wait_s`` for
other connections to join only adds latency (the target is p50 <= 2 ms per guess with the default
4 ms wait). Batches form while requests arrive close together or the thread pool is busy.
"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from recognizer.batcher import MicroBatcher

LONG_WAIT_S = 0.2  # a batching window long enough that paying it is unmistakable
LONE_REQUEST_BUDGET_S = 0.05


async def test_a_lone_request_with_an_idle_pool_does_not_wait_for_a_batch() -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        batcher = MicroBatcher(
            run_batch=lambda jobs: [job * 2 for job in jobs],
            executor=executor,
            max_batch=32,
            max_wait_s=LONG_WAIT_S,
            max_pending=100,
            concurrency=1,
        )
        await batcher.infer("warm-up", lambda: 0)  # thread started
        await asyncio.sleep(2 * LONG_WAIT_S)  # nobody else has asked for a while: the next request is alone
        started = time.perf_counter()
        result = await batcher.infer("drawer", lambda: 21)
        elapsed_s = time.perf_counter() - started
    assert result == (21, 42)
    assert elapsed_s < LONE_REQUEST_BUDGET_S, f"a lone request waited {elapsed_s * 1000:.0f} ms for a batch"


async def test_requests_arriving_while_the_pool_is_busy_are_batched() -> None:
    """The other half of the contract: batching still happens under load."""
    sizes: list[int] = []

    def slow_batch(jobs: list[int]) -> list[int]:
        sizes.append(len(jobs))
        time.sleep(0.05)
        return jobs

    with ThreadPoolExecutor(max_workers=1) as executor:
        batcher = MicroBatcher(
            run_batch=slow_batch, executor=executor, max_batch=32, max_wait_s=0.0, max_pending=100, concurrency=1
        )
        first = asyncio.ensure_future(batcher.infer("a", lambda: 1))
        await asyncio.sleep(0.01)  # "a" is running; the next ones queue up behind it
        rest = [asyncio.ensure_future(batcher.infer(key, lambda: 1)) for key in "bcdef"]
        await asyncio.gather(first, *rest)
    assert sizes == [1, 5]
