"""Work the service repeats while it runs (the upload sweep, the segment audit's batches)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from starlette.concurrency import run_in_threadpool

log = logging.getLogger("catalogue.periodic")


@contextlib.asynccontextmanager
async def repeating(
    work: Callable[[], object], interval_s: float, *, what: str, at_start: bool = False
) -> AsyncIterator[None]:
    """Run the blocking `work` on a worker thread every `interval_s` (first at once with
    `at_start`) for the block. A failed round is logged as "`what` failed" and the next round
    runs as planned: one error never stops the repetition."""

    async def forever() -> None:
        if not at_start:
            await asyncio.sleep(interval_s)
        while True:
            try:
                await run_in_threadpool(work)
            except Exception:
                log.exception("%s failed", what)
            await asyncio.sleep(interval_s)

    task = asyncio.create_task(forever())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
