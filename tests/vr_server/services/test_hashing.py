"""Password hashing has its own threads: a burst of logins never holds up the default thread
pool that file reads use, and the wait for a hashing thread is bounded."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from vr_server.errors import TooManyRequests
from vr_server.services.hashing import PasswordHasher


@asynccontextmanager
async def one_thread_taken(
    max_waiting: int, jobs: int
) -> AsyncIterator[tuple[PasswordHasher, threading.Event, list[asyncio.Task[bool]]]]:
    """A one-thread hasher given `jobs` jobs that wait for `release`: one runs, the rest
    wait. The jobs are released and the hasher closed on leaving."""
    hasher = PasswordHasher(threads=1, max_waiting=max_waiting)
    release = threading.Event()
    try:
        busy = [asyncio.ensure_future(hasher.run(release.wait, 10)) for _ in range(jobs)]
        await asyncio.sleep(0.05)
        yield hasher, release, busy
    finally:
        release.set()
        hasher.close()


async def test_hashing_runs_apart_from_the_default_pool() -> None:
    async with one_thread_taken(max_waiting=8, jobs=4) as (hasher, release, busy):
        # The hashing thread is taken and three wait for it; a file read still runs at once.
        name = await asyncio.wait_for(asyncio.to_thread(lambda: threading.current_thread().name), 2)
        assert not name.startswith("vr-password")
        assert not any(task.done() for task in busy)
        release.set()
        assert await asyncio.gather(*busy) == [True] * 4
        name = await hasher.run(lambda: threading.current_thread().name)
        assert name.startswith("vr-password")


async def test_too_many_waiting_are_refused_with_429() -> None:
    async with one_thread_taken(max_waiting=2, jobs=3) as (hasher, release, busy):
        with pytest.raises(TooManyRequests) as refused:
            await hasher.run(release.wait, 10)
        assert refused.value.retry_after_s == 1.0
        release.set()
        await asyncio.gather(*busy)
        assert await hasher.run(len, "ok") == 2  # room again
