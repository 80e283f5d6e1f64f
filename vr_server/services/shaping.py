"""A token bucket for the bytes of asset downloads: a granted download's rate, and the
simulated access point of the venue benchmark (`VR_LINK_SIM_MBPS`).

Debt-based: `take(n)` takes the bytes at once and, when the bucket is in debt, sleeps until
the debt is paid. Several downloads sharing one bucket are served in the order they asked, so
together they never exceed its rate (beyond `burst` bytes saved up while it was idle), and
each gets a fair part. A new bucket starts empty: many small granted downloads one after the
other, each with a bucket of its own, do not add up to more than the rate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

Shaper = tuple[list["TokenBucket"], Callable[[int], None]]
"""The buckets a download passes, and what counts the bytes sent."""
PIECE = 64 * 1024
"""Bytes taken from the buckets at a time (a 1 MiB read is sent in 16 pieces)."""


class TokenBucket:
    def __init__(
        self, rate_bps: float, burst: int = PIECE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate_bps <= 0:
            raise ValueError("a token bucket needs a positive rate")
        self.rate = float(rate_bps)
        self.burst = float(burst)
        self._clock = clock
        self._tokens = 0.0  # a new bucket lends nothing: a grant's first bytes wait too
        self._at = clock()

    def debit(self, n: int) -> float:
        """Take `n` bytes; the seconds to wait before sending them (0 when there were tokens)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        self._tokens -= n
        return max(0.0, -self._tokens / self.rate)

    async def take(self, n: int) -> None:
        wait = self.debit(n)
        if wait > 0:
            await asyncio.sleep(wait)


async def shaped(
    chunks: AsyncIterator[bytes], buckets: list[TokenBucket], on_sent: Callable[[int], None]
) -> AsyncIterator[bytes]:
    """`chunks` in pieces of at most PIECE bytes, each sent once every bucket allowed it."""
    async for chunk in chunks:
        for start in range(0, len(chunk), PIECE):
            piece = chunk[start : start + PIECE]
            for bucket in buckets:
                await bucket.take(len(piece))
            yield piece
            on_sent(len(piece))
