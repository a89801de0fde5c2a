"""catalogue.periodic.repeating: the service's repeated work (upload sweep, audit batches)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from catalogue.periodic import repeating


def test_work_repeats_survives_a_failed_round_and_stops_with_the_block(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rounds: list[int] = []

    def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 2:
            raise RuntimeError("the disk is full")

    async def main() -> int:
        async with repeating(work, 0.01, what="sweeping", at_start=True):
            while len(rounds) < 4:
                await asyncio.sleep(0.005)
        stopped_at = len(rounds)
        await asyncio.sleep(0.05)
        return stopped_at

    with caplog.at_level(logging.ERROR, logger="catalogue.periodic"):
        stopped_at = asyncio.run(main())
    assert len(rounds) == stopped_at >= 4  # nothing runs after the block
    assert [r.getMessage() for r in caplog.records] == ["sweeping failed"]


def test_without_at_start_the_first_round_waits_one_interval() -> None:
    rounds: list[float] = []

    async def main() -> None:
        async with repeating(lambda: rounds.append(1.0), 0.2, what="flushing"):
            await asyncio.sleep(0.05)

    asyncio.run(main())
    assert rounds == []
