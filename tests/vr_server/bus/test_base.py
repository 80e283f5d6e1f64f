"""Direct delivery on a bus subscription (`Subscription.direct`): a message is handed to the
owner synchronously while nothing is queued, and queued otherwise, so the order stays."""

from __future__ import annotations

import pytest

from vr_server.bus import InProcessBus
from vr_server.bus.base import RESET, Subscription


async def test_direct_takes_messages_and_the_queue_keeps_the_order() -> None:
    bus = InProcessBus()
    await bus.start()
    sub = bus.subscribe("ch", maxsize=10)
    taken: list[str] = []

    def take_fast(message: str) -> bool:
        if message.startswith("fast"):
            taken.append(message)
            return True
        return False

    sub.direct = take_fast
    await bus.publish("ch", "fast-1")
    await bus.publish("ch", "slow-2")  # declined: queued
    await bus.publish("ch", "fast-3")  # behind a queued one: queued too
    assert taken == ["fast-1"]
    assert [sub.queue.get_nowait() for _ in range(2)] == ["slow-2", "fast-3"]
    await bus.publish("ch", "fast-4")  # queue empty again
    assert taken == ["fast-1", "fast-4"]
    await bus.close()


def test_a_failing_direct_is_dropped_and_the_message_queued(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sub = Subscription("ch", maxsize=10)

    def boom(message: str) -> bool:
        raise RuntimeError("fault")

    sub.direct = boom
    sub.deliver("a")
    sub.deliver(RESET)
    assert sub.direct is None
    assert [sub.queue.get_nowait() for _ in range(2)] == ["a", RESET]
    assert "direct delivery failed" in caplog.text


def test_a_closed_subscription_takes_nothing() -> None:
    sub = Subscription("ch", maxsize=10)
    taken: list[str] = []

    def take(message: str) -> bool:
        taken.append(message)
        return True

    sub.direct = take
    sub.closed = True
    sub.deliver("a")
    assert taken == []
    assert sub.queue.empty()
