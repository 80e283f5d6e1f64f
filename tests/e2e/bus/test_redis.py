"""The Redis bus and Redis presence against the machine's real Redis
(tests/support/redis_server.py):
fan-out between two bus instances in one process, what `publish` counts, prefix isolation,
reconnecting after the connection is killed, bounded waits when Redis does not answer, and
presence entries that expire when their instance dies."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.support.harness import free_port
from tests.support.redis_server import check_redis, delete_prefix, kill_clients, new_prefix
from vr_server.bus.base import RESET, Subscription
from vr_server.bus.redis import RedisBus, RedisUnreachable, open_redis, redis_client
from vr_server.storage import presence_redis as presence_module
from vr_server.storage.presence import PresenceEntry
from vr_server.storage.presence_redis import RedisPresence


@pytest.fixture
def prefix() -> Iterator[str]:
    check_redis()
    value = new_prefix()
    yield value
    delete_prefix(value)


@pytest.fixture
async def make_bus(prefix: str) -> AsyncIterator[Callable[..., asyncio.Future[RedisBus]]]:
    """Start a RedisBus on the test's prefix (or another one); all are closed afterwards."""
    async with AsyncExitStack() as made:

        async def make(bus_prefix: str | None = None, **kwargs: float) -> RedisBus:
            redis = await open_redis(check_redis(), 2.0)
            bus = RedisBus(redis, prefix=bus_prefix or prefix, **kwargs)
            await bus.start()
            made.push_async_callback(bus.close)
            return bus

        yield make  # type: ignore[misc]


async def next_message(sub: Subscription, timeout: float = 5) -> str:
    return await asyncio.wait_for(sub.get(), timeout)


async def no_message(sub: Subscription, wait: float = 0.3) -> None:
    await asyncio.sleep(wait)
    assert sub.queue.empty(), sub.queue.get_nowait()


# ---------------------------------------------------------------- the bus


async def test_fan_out_between_two_instances_and_what_publish_counts(make_bus) -> None:
    a, b = await make_bus(), await make_bus()
    assert await a.publish("staff", "nobody") == 0  # nobody listens anywhere
    on_a = a.subscribe("staff")
    on_b1, on_b2 = b.subscribe("staff"), b.subscribe("staff")
    for sub in (on_a, on_b1, on_b2):
        assert await sub.ready(5)
    # PUBLISH counts instances holding a subscriber (one pub/sub connection each), not sockets
    assert await a.publish("staff", '{"n":1}') == 2
    for sub in (on_a, on_b1, on_b2):
        assert await next_message(sub) == '{"n":1}'
    assert await b.publish("headset.h1", "Fx") == 0  # another channel: nobody

    b.unsubscribe(on_b1)
    assert await b.publish("staff", "still b2") == 2  # B keeps its channel for on_b2
    assert await next_message(on_b2) == "still b2"
    assert await next_message(on_a) == "still b2"
    b.unsubscribe(on_b2)
    await asyncio.sleep(0.2)  # the UNSUBSCRIBE reaches Redis
    assert await a.publish("staff", "only a") == 1
    assert await next_message(on_a) == "only a"
    assert on_b2.queue.empty()
    a.unsubscribe(on_a)
    await asyncio.sleep(0.2)
    assert await a.publish("staff", "gone") == 0  # "offline" holds: nobody anywhere


async def test_messages_arrive_in_publish_order(make_bus) -> None:
    a, b = await make_bus(), await make_bus()
    sub = b.subscribe("headset.h1")
    assert await sub.ready(5)
    for i in range(200):
        await a.publish("headset.h1", f"F{i}")
    assert [await next_message(sub) for _ in range(200)] == [f"F{i}" for i in range(200)]


async def test_a_subscriber_joining_a_subscribed_channel_is_active_at_once(make_bus) -> None:
    bus = await make_bus()
    first = bus.subscribe("staff")
    assert await first.ready(5)
    second = bus.subscribe("staff")
    assert second.active.is_set()
    assert await bus.publish("staff", "x") == 1
    assert await next_message(second) == "x"


async def test_resubscribing_quickly_after_the_last_subscriber_left(make_bus) -> None:
    """UNSUBSCRIBE then SUBSCRIBE of one channel in a row ends subscribed."""
    a, b = await make_bus(), await make_bus()
    for _ in range(20):
        sub = b.subscribe("headset.h2")
        b.unsubscribe(sub)
    sub = b.subscribe("headset.h2")
    assert await sub.ready(5)
    assert await a.publish("headset.h2", "after churn") == 1
    assert await next_message(sub) == "after churn"


async def test_prefixes_keep_deployments_apart(make_bus, prefix: str) -> None:
    other_prefix = new_prefix()
    try:
        ours, theirs = await make_bus(), await make_bus(other_prefix)
        our_sub, their_sub = ours.subscribe("staff"), theirs.subscribe("staff")
        assert await our_sub.ready(5)
        assert await their_sub.ready(5)
        assert await ours.publish("staff", "ours") == 1
        assert await next_message(our_sub) == "ours"
        await no_message(their_sub)
        assert await theirs.publish("staff", "theirs") == 1
        assert await next_message(their_sub) == "theirs"
        await no_message(our_sub)
    finally:
        delete_prefix(other_prefix)


async def test_reconnects_after_its_connection_is_killed_and_resets_subscribers(
    make_bus,
) -> None:
    a, b = await make_bus(), await make_bus(ping_s=1.0)
    hooks: list[float] = []

    async def hook() -> None:
        hooks.append(time.monotonic())

    b.add_reconnect_hook(hook)
    staff, headset = b.subscribe("staff"), b.subscribe("headset.h3")
    for sub in (staff, headset):
        assert await sub.ready(5)

    assert kill_clients(f"vr-bus-{b.instance_id}") == 1
    # every subscription is told that messages may have been lost, once
    assert await next_message(staff, 10) == RESET
    assert await next_message(headset, 10) == RESET
    assert b.reconnects == 1
    assert b.connected
    assert len(hooks) == 1  # the hooks ran before the RESETs were delivered
    # and the channels are subscribed again
    assert await a.publish("staff", "after") == 1
    assert await next_message(staff) == "after"
    assert await a.publish("headset.h3", "Fafter") == 1
    assert await next_message(headset) == "Fafter"
    await no_message(staff)


async def test_a_subscription_made_while_reconnecting_is_subscribed_after(make_bus) -> None:
    a, b = await make_bus(), await make_bus(ping_s=1.0)
    assert await b.subscribe("staff").ready(5)
    kill_clients(f"vr-bus-{b.instance_id}")
    late = b.subscribe("headset.late")  # whatever state the bus is in now
    assert await late.ready(10)
    assert await a.publish("headset.late", "Fhello") == 1
    message = await next_message(late)
    if message == RESET:  # subscribed before the reconnect finished: it is told too
        message = await next_message(late)
    assert message == "Fhello"


async def test_a_dropped_publish_makes_every_instance_resynchronise(make_bus) -> None:
    a, b = await make_bus(), await make_bus()
    on_a, on_b = a.subscribe("headset.h4"), b.subscribe("staff")
    assert await on_a.ready(5)
    assert await on_b.ready(5)
    b._down_until = time.monotonic() + 60  # as right after a failed publish
    assert await b.publish("headset.h4", "Flost") == 0  # dropped, never reaches A
    b._down_until = 0.0
    assert await b.publish("headset.h4", "Fnext") == 1  # Redis answers: B announces a reset
    assert await next_message(on_a) == "Fnext"
    assert await next_message(on_a) == RESET  # A's headset resynchronises from the database
    assert await next_message(on_b) == RESET
    await no_message(on_a)


async def test_unreachable_redis_is_a_clear_error_at_start() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(RedisUnreachable, match=r"VR_REDIS_URL: cannot reach Redis at redis://"):
        await open_redis(url, 0.5)


def test_the_server_refuses_to_start_without_its_redis(tmp_path: Path) -> None:
    port = free_port()
    done = subprocess.run(
        [sys.executable, "-m", "vr_server", "serve"],
        env={
            "PATH": "/usr/bin:/bin",
            "VR_DATA_DIR": str(tmp_path),
            "VR_PORT": str(free_port()),
            "VR_REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "VR_REDIS_TIMEOUT_S": "0.5",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"cannot reach Redis at redis://127.0.0.1:{port}/0" in done.stderr
    assert "Traceback" not in done.stderr


async def test_publish_does_not_hang_when_redis_does_not_answer(prefix: str) -> None:
    """A server that accepts connections and never answers: publish gives up within the
    bounded wait and reports 0 (nobody reached) instead of blocking its caller."""
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bus = RedisBus(redis_client(f"redis://127.0.0.1:{port}/0", 0.3), prefix=prefix, timeout_s=0.3)
    try:
        started = time.monotonic()
        assert await bus.publish("staff", "lost") == 0
        assert time.monotonic() - started < 1.0
        started = time.monotonic()
        assert await bus.publish("staff", "lost again") == 0  # no new wait right after
        assert time.monotonic() - started < 0.1
    finally:
        await bus.close()
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


# ---------------------------------------------------------------- presence


@pytest.fixture
async def make_presence(prefix: str) -> AsyncIterator[Callable[..., asyncio.Future[RedisPresence]]]:
    async with AsyncExitStack() as made:

        async def make(instance: str, *, start: bool = True, **timing: float) -> RedisPresence:
            presence = RedisPresence(
                await open_redis(check_redis(), 2.0),
                prefix=prefix,
                instance=instance,
                refresh_s=timing.get("refresh_s", 0.2),
                ttl_s=timing.get("ttl_s", 0.8),
                flush_s=timing.get("flush_s", 0.5),
            )
            made.push_async_callback(presence.redis.aclose)  # last: after the presence's close
            made.push_async_callback(presence.close)
            if start:
                await presence.start()
            return presence

        yield make  # type: ignore[misc]


async def test_presence_is_shared_and_carries_the_live_figures(make_presence) -> None:
    a, b = await make_presence("a"), await make_presence("b")
    await a.connected("h1", PresenceEntry("c1", "1.0"))
    await b.connected("h2", PresenceEntry("c2", "1.1"))
    a.update("h1", "c1", (0.5, None, 72.0, "wash"), 0.0)
    mine = await a.get("h1")
    assert mine is not None
    assert mine.battery == 0.5  # A knows at once
    await a.flush()  # the refresh loop does it every flush_s
    seen = await b.get_many(["h1", "h2", "h3"])
    assert set(seen) == {"h1", "h2"}
    assert (seen["h1"].battery, seen["h1"].fps, seen["h1"].step_id) == (0.5, 72.0, "wash")
    assert seen["h1"].instance == "a"
    assert await a.online_count() == await b.online_count() == 2
    await b.disconnected("h2", "c2")
    assert await a.get("h2") is None
    assert await a.online_count() == 1


async def test_an_older_connection_never_removes_or_overwrites_a_newer_one(make_presence) -> None:
    a, b = await make_presence("a"), await make_presence("b")
    await a.connected("h1", PresenceEntry("old", "1.0"))
    await b.connected("h1", PresenceEntry("new", "1.0"))  # the headset moved to instance B
    a.update("h1", "old", (0.1, None, None, None), 0.0)
    await a.restore()  # A's refresh finds it taken over and forgets it
    assert "h1" not in a.local
    await a.disconnected("h1", "old")
    entry = await b.get("h1")
    assert entry is not None
    assert (entry.connection_id, entry.instance, entry.battery) == ("new", "b", None)


async def test_presence_of_a_dead_instance_expires_and_is_reported(make_presence) -> None:
    dying, survivor = await make_presence("dying"), await make_presence("survivor")
    expired: list[str] = []

    async def on_expired(headset_id: str) -> None:
        expired.append(headset_id)

    survivor.set_expired_handler(on_expired)
    await dying.connected("h1", PresenceEntry("c1", "1.0"))
    await survivor.connected("h2", PresenceEntry("c2", "1.0"))
    await asyncio.sleep(1.0)  # longer than the TTL: refreshes keep both alive
    assert set(await survivor.get_many(["h1", "h2"])) == {"h1", "h2"}

    assert dying._task is not None
    dying._task.cancel()  # the instance dies: no more refreshes, no clean removal
    dying.local.clear()
    deadline = time.monotonic() + 5
    while not expired:  # the survivor's refresh loop sweeps the index
        assert time.monotonic() < deadline, "the dead instance's entry did not expire"
        await asyncio.sleep(0.1)
    assert expired == ["h1"]
    assert await survivor.get("h1") is None
    assert await survivor.sweep() == []  # reported once
    assert await survivor.online_count() == 1
    assert await survivor.get("h2") is not None  # its own are refreshed


async def test_restore_puts_entries_back_after_redis_lost_them(make_presence, prefix: str) -> None:
    a = await make_presence("a", start=False)
    await a.connected("h1", PresenceEntry("c1", "1.0"))
    delete_prefix(prefix)  # what a Redis restart does (it keeps nothing on disk)
    assert await a.get("h1") is None
    assert await a.online_count() == 0
    await a.restore()  # what the refresh loop and the bus's reconnect hook do
    assert await a.get("h1") == a.local["h1"]
    assert await a.online_count() == 1


async def test_a_burst_beyond_the_pool_waits_its_turn(prefix: str) -> None:
    """Many more concurrent calls than pool connections (thousands of headsets' telemetry at
    once): each waits for a free connection, none fails and nothing is dropped. redis-py's
    default pool raised "Too many connections" here, which the bus took for an outage."""
    client = redis_client(check_redis(), 2.0, max_connections=4)
    bus = RedisBus(client, prefix=prefix)
    await bus.start()
    try:
        sub = bus.subscribe("staff")
        assert await sub.ready(5)
        counts = await asyncio.gather(*(bus.publish("staff", str(i)) for i in range(400)))
        assert counts == [1] * 400
        got = {await next_message(sub) for _ in range(400)}
        assert got == {str(i) for i in range(400)}
        assert not bus._publish_failing
        await asyncio.gather(*(client.set(f"{prefix}k{i}", i) for i in range(400)))
        assert await client.get(f"{prefix}k399") == "399"
    finally:
        await bus.close()


async def test_live_figures_reach_other_instances_within_a_flush(make_presence) -> None:
    """Telemetry updates are written in batches: another instance sees them within flush_s
    (one pipeline for every changed headset), not on every frame."""
    # A refresh (which rewrites everything) only every 30 s: what arrives is the flush.
    a = await make_presence("a", refresh_s=30.0, ttl_s=90.0, flush_s=0.3)
    b = await make_presence("b")
    for n in range(50):
        await a.connected(f"h{n}", PresenceEntry(f"c{n}", "1.0"))
    for n in range(50):
        a.update(f"h{n}", f"c{n}", (n / 100, None, 72.0, None), 0.0)
    assert len(a._dirty) == 50
    deadline = time.monotonic() + 2
    while True:
        seen = await b.get_many([f"h{n}" for n in range(50)])
        if all(seen[f"h{n}"].battery == n / 100 for n in range(50)):
            break
        assert time.monotonic() < deadline, "the figures were never flushed"
        await asyncio.sleep(0.05)
    assert not a._dirty


async def test_presence_writes_and_reads_in_pipelines_of_a_slice(
    make_presence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of headsets: one pipeline per SLICE entries, so that no turn of the event
    loop builds, packs or reads back all of them at once; nothing is left out."""
    monkeypatch.setattr(presence_module, "SLICE", 3)
    a, b = await make_presence("a", start=False), await make_presence("b", start=False)
    for n in range(8):
        await a.connected(f"h{n}", PresenceEntry(f"c{n}", "1.0"))
        a.update(f"h{n}", f"c{n}", (n / 10, None, None, None), 0.0)
    sizes: list[int] = []
    real = a.redis.pipeline

    def pipeline(**kwargs: Any) -> Any:
        pipe = real(**kwargs)
        execute = pipe.execute

        async def counted() -> Any:
            sizes.append(len(pipe.command_stack))
            return await execute()

        pipe.execute = counted
        return pipe

    monkeypatch.setattr(a.redis, "pipeline", pipeline)
    await a.flush()
    assert sizes == [3, 3, 2]
    seen = await b.get_many([f"h{n}" for n in range(9)])
    assert {h: e.battery for h, e in seen.items()} == {f"h{n}": n / 10 for n in range(8)}
    sizes.clear()
    await a.restore()
    assert await a.sweep() == []
    assert await a.get_many([f"h{n}" for n in range(8)])
    assert sizes == [3, 3, 2] * 3  # restore, sweep, get_many


async def test_close_ends_the_refresh_loop_even_when_a_cancel_is_lost(
    make_presence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """redis-py can turn a cancel that lands mid-command into a ConnectionError, which the
    loop takes for an outage and logs: close() must still end the loop, not wait forever."""
    presence = await make_presence("a", refresh_s=10.0, ttl_s=30.0, flush_s=0.01)
    in_flush = asyncio.Event()

    async def flush_that_swallows_the_cancel() -> None:
        in_flush.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ConnectionError("Connection closed by server.") from None

    monkeypatch.setattr(presence, "flush", flush_that_swallows_the_cancel)
    await asyncio.wait_for(in_flush.wait(), 5)
    await asyncio.wait_for(presence.close(), 5)
    assert presence._task is None
