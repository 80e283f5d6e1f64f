"""The token bucket of granted and simulated-link downloads (services/shaping.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.support.services import Clock
from vr_server.services.shaping import PIECE, TokenBucket, shaped


def test_the_bucket_saves_up_a_burst_while_idle_then_charges_the_rate() -> None:
    clock = Clock(0.0)
    bucket = TokenBucket(1000, burst=500, clock=clock)
    assert bucket.debit(500) == pytest.approx(0.5)  # a new bucket lends nothing
    clock.now = 1.5  # paid, and idle long enough to save up its burst (not more)
    assert bucket.debit(500) == 0.0
    assert bucket.debit(1000) == pytest.approx(1.0)  # 1000 bytes of debt at 1000 B/s
    assert bucket.debit(1000) == pytest.approx(2.0)  # queued behind the first: fair order
    clock.now = 4.5  # the debt is paid
    assert bucket.debit(100) == 0.0
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0)


def test_shaped_cuts_chunks_into_pieces_and_counts_what_was_sent() -> None:
    counted: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield b"x" * (PIECE * 2 + 10)

    async def collect() -> list[bytes]:
        bucket = TokenBucket(10**12)  # fast enough never to sleep long
        return [p async for p in shaped(chunks(), [bucket], counted.append)]

    pieces = asyncio.run(collect())
    assert [len(p) for p in pieces] == [PIECE, PIECE, 10]
    assert counted == [PIECE, PIECE, 10]
