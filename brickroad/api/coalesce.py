"""Group commit in the event loop: concurrent calls with the same key run as one batch.

While a batch for a key is running, further calls with that key wait and go
together in the next one. An idle key runs a call at once, so a lone request
never waits. Under load a batch takes whatever arrived while the previous one
ran, and lingers briefly (LINGER seconds at most) until as many calls are
waiting as were outstanding at once (running and waiting) lately: otherwise
the callers of the last batch, whose next requests arrive a moment after its
end, would keep falling into a batch of their own, and a steady load would
split into groups that take turns.

Used for datapoint creates: one token check, one transaction, one goal lock
and one road recompute serve every create that arrived meanwhile.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_BATCH = 64  # bounds one transaction's length (and so the wait of calls for other goals)
LINGER = 0.002
PEAK_OF = 8  # batches over which the most calls outstanding at once is remembered


class _Key(Generic[T, R]):
    """One key's waiting calls, and what its drainer waits for."""

    def __init__(self) -> None:
        self.queue: list[tuple[T, asyncio.Future[R]]] = []
        self.wanted = 0  # the size the drainer is waiting for
        self.running = 0  # calls in the batch under way
        self.seen = 0  # most calls outstanding at once (running + waiting) since that batch began
        self.filled = asyncio.Event()


class Coalescer(Generic[T, R]):
    def __init__(self, run: Callable[[list[T]], Awaitable[list[R]]], max_batch: int = MAX_BATCH,
                 linger: float = LINGER) -> None:
        """`run` gets a batch of items and returns one outcome per item, in order."""
        self._run = run
        self._max = max_batch
        self._linger = linger
        self._keys: dict[Hashable, _Key[T, R]] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks

    async def submit(self, key: Hashable, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        state = self._keys.get(key)
        if state is None:  # idle key: start its drainer
            state = self._keys[key] = _Key()
            task = asyncio.ensure_future(self._drain(key, state))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        state.queue.append((item, future))
        state.seen = max(state.seen, state.running + len(state.queue))
        if len(state.queue) >= state.wanted:
            state.filled.set()
        return await future

    async def _drain(self, key: Hashable, state: _Key[T, R]) -> None:
        recent: deque[int] = deque(maxlen=PEAK_OF)
        try:
            await asyncio.sleep(0)  # let the submit that started us enqueue its call
            while True:
                peak = max(recent, default=0)
                if 1 < peak > len(state.queue):
                    # Under load (an empty queue included: the last batch's callers are on
                    # their way back), wait a moment for the usual number of calls.
                    state.wanted = min(peak, self._max)
                    state.filled.clear()
                    try:
                        await asyncio.wait_for(state.filled.wait(), self._linger)
                    except asyncio.TimeoutError:
                        pass
                    state.wanted = 0
                if not state.queue:
                    break
                batch, state.queue = state.queue[: self._max], state.queue[self._max:]
                recent.append(state.seen)
                state.running, state.seen = len(batch), len(batch) + len(state.queue)
                await self._settle(batch)
                state.running = 0
        finally:
            del self._keys[key]

    async def _settle(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            outcomes = await self._run([item for item, _f in batch])
        except BaseException as exc:  # the batch as a whole failed: every caller hears of it
            for _item, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_item, future), outcome in zip(batch, outcomes):
            if not future.done():  # a caller that went away (client disconnect) cancelled its future
                future.set_result(outcome)
