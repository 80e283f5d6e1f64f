"""Password hashing on its own small thread pool.

scrypt takes about 50 ms of CPU and 16 MiB per call. On the default thread pool a burst of
logins queued ahead of file reads: 600 logins from 24 clients raised the median /assets range
read from 5.5 ms to 2.5 s. Here hashing has `threads` threads of its own, so downloads never
wait behind it, and at most `max_waiting` calls may wait for one; more are refused at once
(429), so a flood of logins cannot build an unbounded queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from vr_server.errors import TooManyRequests

T = TypeVar("T")


class PasswordHasher:
    def __init__(self, *, threads: int = 1, max_waiting: int = 64) -> None:
        self.threads = threads
        self.max_waiting = max_waiting
        self._pool: ThreadPoolExecutor | None = None
        self._waiting = 0

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` on the hashing threads; TooManyRequests when too many wait already."""
        if self._waiting >= self.threads + self.max_waiting:
            raise TooManyRequests(
                "the server is busy with sign-ins: try again in a moment / "
                "เซิร์ฟเวอร์กำลังตรวจสอบการเข้าสู่ระบบจำนวนมาก กรุณาลองใหม่อีกครั้ง",
                retry_after_s=1.0,
            )
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="vr-password")
        self._waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        finally:
            self._waiting -= 1

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
