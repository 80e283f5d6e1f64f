"""relay: a bus subscription forwarded to a connection, resynchronised after a RESET."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from vr_server.bus.base import RESET, Subscription
from vr_server.ws.relay import relay

from .fakes import connection, sent


def _forwarding(
    into: list[str], stop: str = "stop"
) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    def forward(message: str) -> bool:
        into.append(message)
        return message != stop

    def direct(message: str) -> bool:
        return message.startswith("fast") and forward(message)

    return forward, direct


async def test_messages_flow_until_forward_says_stop() -> None:
    conn, sub = connection(), Subscription("ch", maxsize=10)
    got: list[str] = []
    forward, direct = _forwarding(got)

    async def resync() -> str:
        raise AssertionError("no RESET was sent")

    task = asyncio.create_task(relay(conn, sub, forward, direct, resync))
    await asyncio.sleep(0)
    assert sub.deliver("fast-1")  # taken in the bus's callback
    assert got == ["fast-1"]
    sub.deliver("slow-2")
    sub.deliver("stop")
    await asyncio.wait_for(task, 1)
    assert got == ["fast-1", "slow-2", "stop"]


async def test_after_a_reset_the_resync_frame_comes_before_later_messages() -> None:
    conn, sub = connection(), Subscription("ch", maxsize=10)

    def forward(message: str) -> bool:
        conn.send(message)
        return message != "stop"

    def direct(message: str) -> bool:
        return message.startswith("fast") and forward(message)

    resyncing, release = asyncio.Event(), asyncio.Event()

    async def resync() -> str:
        resyncing.set()
        await release.wait()
        return '{"type":"queue_changed"}'

    task = asyncio.create_task(relay(conn, sub, forward, direct, resync))
    await asyncio.sleep(0)
    sub.deliver("fast-before")
    sub.deliver(RESET)
    await asyncio.wait_for(resyncing.wait(), 1)
    assert sub.direct is None  # later frames wait behind the resync
    sub.deliver("fast-after")
    release.set()
    sub.deliver("stop")
    await asyncio.wait_for(task, 1)
    assert sent(conn) == ["fast-before", '{"type":"queue_changed"}', "fast-after", "stop"]


async def test_a_failed_resync_closes_with_1011() -> None:
    conn, sub = connection(), Subscription("ch", maxsize=10)
    forward, direct = _forwarding([])

    async def resync() -> str:
        raise OSError("the database is down as well")

    task = asyncio.create_task(relay(conn, sub, forward, direct, resync))
    await asyncio.sleep(0)
    sub.deliver(RESET)
    await asyncio.wait_for(task, 1)
    assert (conn.close_code, conn.close_reason) == (1011, "could not resynchronise")


async def test_an_overflowed_subscription_drops_the_slow_client() -> None:
    conn, sub = connection(), Subscription("ch", maxsize=1)
    forward, direct = _forwarding([])

    async def resync() -> None:
        return None

    sub.deliver("slow-1")
    sub.deliver("slow-2")  # the queue is full: overflowed
    await asyncio.wait_for(relay(conn, sub, forward, direct, resync), 1)
    assert conn.close_code == 4408
