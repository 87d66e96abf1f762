"""The group-commit helper: what arrives while a batch runs goes in the next one, and outcomes go back in order."""

from __future__ import annotations

import asyncio

import pytest

from brickroad.api.coalesce import Coalescer


def test_calls_arriving_during_a_batch_share_the_next_one() -> None:
    batches: list[list[int]] = []

    async def run(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0.02)
        return [x * 10 for x in items]

    async def main() -> list[int]:
        c: Coalescer[int, int] = Coalescer(run, max_batch=4)
        first = asyncio.ensure_future(c.submit("k", 0))
        await asyncio.sleep(0.005)  # batch [0] is running now
        rest = [asyncio.ensure_future(c.submit("k", i)) for i in range(1, 7)]
        other = asyncio.ensure_future(c.submit("other", 99))
        return list(await asyncio.gather(first, *rest, other))

    assert asyncio.run(main()) == [0, 10, 20, 30, 40, 50, 60, 990]
    assert [0] in batches and [99] in batches
    assert [1, 2, 3, 4] in batches and [5, 6] in batches  # max_batch caps one batch


def test_a_failed_batch_fails_its_callers_and_the_key_recovers() -> None:
    async def run(items: list[str]) -> list[str]:
        if "boom" in items:
            raise RuntimeError("database gone")
        return [s.upper() for s in items]

    async def main() -> None:
        c: Coalescer[str, str] = Coalescer(run)
        with pytest.raises(RuntimeError, match="database gone"):
            await c.submit("k", "boom")
        assert await c.submit("k", "fine") == "FINE"

    asyncio.run(main())


def test_a_lone_call_does_not_linger() -> None:
    async def run(items: list[int]) -> list[int]:
        return items

    async def main() -> float:
        c: Coalescer[int, int] = Coalescer(run, linger=5.0)
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i in range(3):
            assert await c.submit("k", i) == i
        return loop.time() - start

    assert asyncio.run(main()) < 1.0


def test_callers_coming_back_at_different_moments_still_share_a_batch() -> None:
    """After a batch of four, the drainer waits (briefly) for all four rather than running the first alone."""
    sizes: list[int] = []

    async def run(items: list[int]) -> list[int]:
        sizes.append(len(items))
        await asyncio.sleep(0.002)
        return items

    async def main() -> None:
        c: Coalescer[int, int] = Coalescer(run, linger=0.5)

        async def client(i: int) -> None:
            for _ in range(3):
                await c.submit("k", i)
                await asyncio.sleep(0.003 * i)  # each comes back at its own pace

        await asyncio.gather(*(client(i) for i in range(4)))

    asyncio.run(main())
    assert sizes == [4, 4, 4]
