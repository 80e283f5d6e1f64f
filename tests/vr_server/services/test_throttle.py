"""The login throttle's own logic: delays that double up to a cap, and sign-ins while Redis
is away."""

from __future__ import annotations

import pytest

from tests.support.harness import free_port
from tests.support.redis_server import new_prefix
from vr_server.bus.redis import redis_client
from vr_server.services.throttle import Key, MemoryThrottle, Policy, RedisThrottle


async def test_delays_double_up_to_the_cap_and_are_forgotten_after_the_window() -> None:
    now = [0.0]
    throttle = MemoryThrottle(clock=lambda: now[0], max_keys=3)
    key = Key("account:x", Policy(free=2, base_s=1, max_s=4, window_s=60), True)
    waits = []
    for _ in range(8):
        wait = await throttle.attempt([key])
        waits.append(wait)
        now[0] += wait  # an attacker waiting each lock out exactly
    assert waits == [0, 0, 1, 0, 2, 0, 4, 0]  # 0: counted; else refused, seconds to wait
    assert await throttle.attempt([key]) == 4  # locked, not counted
    now[0] += 4 + 60
    assert await throttle.attempt([key]) == 0  # forgotten: counted as the first again
    assert await throttle.attempt([key]) == 0
    for i in range(5):  # past max_keys, the oldest keys go
        await throttle.attempt([Key(f"address:{i}", key.policy, False)])
        assert len(throttle) <= 3
    assert len(throttle) >= 2  # the newest are kept


async def test_sign_ins_go_through_while_redis_does_not_answer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = redis_client(f"redis://127.0.0.1:{free_port()}/0", 0.3)
    throttle = RedisThrottle(client, prefix=new_prefix())
    key = Key("account:x", Policy(free=1, base_s=60, max_s=60), True)
    try:
        assert await throttle.attempt([key]) == 0
        assert await throttle.attempt([key]) == 0  # would be locked, had it been counted
        await throttle.succeeded([key])
    finally:
        await client.aclose()
    assert "login throttle: Redis did not answer" in caplog.text
