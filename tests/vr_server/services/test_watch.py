"""Watching a headset (vr_server/services/watch.py): the watchers are counted per headset from
the control words on its channel; the pose rate goes to 20 Hz with the first and back to 2 Hz
after the last (unwatched, disconnected, or its lease run out)."""

from __future__ import annotations

import asyncio
import contextlib

from tests.support.services import Clock
from vr_server.bus.channels import headset_channel, parse_channel_message, watch_channel
from vr_server.bus.memory import InProcessBus
from vr_server.protocol.poses import PoseFrame, WatchedPose
from vr_server.services.watch import LEASE_S, MAX_WATCHERS, REFRESH_S, Watchers, WatchService


def test_rate_follows_the_count_of_distinct_watchers() -> None:
    watchers = Watchers(Clock())
    assert watchers.hz == 2
    assert watchers.control("watch:a") == 20
    assert watchers.control("watch:a") is None  # the same watcher again: still one
    assert watchers.control("watch:b") is None
    assert len(watchers) == 2
    assert watchers.control("unwatch:a") is None  # b still watches
    assert watchers.control("unwatch:nobody") is None
    assert watchers.control("unwatch:b") == 2
    assert (len(watchers), watchers.hz) == (0, 2)
    assert watchers.control("unwatch:b") is None


def test_a_lease_not_renewed_runs_out_and_a_renewed_one_does_not() -> None:
    clock = Clock()
    watchers = Watchers(clock)
    watchers.control("watch:a")
    watchers.control("watch:b")
    for _ in range(5):  # b is renewed every REFRESH_S, a not (its instance died)
        clock.now += REFRESH_S
        assert watchers.control("watch:b") is None
    assert len(watchers) == 1
    clock.now += LEASE_S
    assert watchers.expire() == 2
    assert not Watchers.is_watch_word("replaced:x")
    assert Watchers.is_watch_word("unwatch:x")


def test_watchers_per_headset_are_bounded() -> None:
    watchers = Watchers(Clock())
    for i in range(MAX_WATCHERS + 10):
        watchers.control(f"watch:w{i}")
    assert len(watchers) == MAX_WATCHERS
    watchers.control("watch:w0")  # one already counted is still renewed
    assert len(watchers) == MAX_WATCHERS


async def test_service_sends_the_words_and_a_closed_connection_unwatches_all() -> None:
    bus = InProcessBus()
    service = WatchService(bus)
    one, two = bus.subscribe(headset_channel("h1")), bus.subscribe(headset_channel("h2"))
    heard = Watchers(Clock())

    def words() -> list[str]:
        out = []
        while not one.queue.empty():
            kind, word = parse_channel_message(one.queue.get_nowait())
            assert kind == "control"
            heard.control(word)
            out.append(word)
        return out

    await service.watch("c1", "h1")
    await service.watch("c1", "h2")
    await service.watch("c2", "h1")
    assert words() == ["watch:c1", "watch:c2"]
    assert heard.hz == 20
    await service.refresh()
    assert sorted(words()) == ["watch:c1", "watch:c2"]
    await service.unwatch("c2", "h2")  # never watched: nothing said
    await service.unwatch("c2", "h1")
    assert words() == ["unwatch:c2"]
    assert heard.hz == 20
    await service.drop("c1")
    assert words() == ["unwatch:c1"]
    assert heard.hz == 2
    assert two.queue.qsize() == 1 + 1 + 1  # watch, refresh, unwatch on drop
    assert service.watching("c1") == frozenset()
    await service.refresh()
    assert words() == []


async def test_relay_publishes_the_frame_with_the_headset_id() -> None:
    bus = InProcessBus()
    service = WatchService(bus)
    watcher = bus.subscribe(watch_channel("h1"))
    frame = PoseFrame(t=5, h=(1, 1600, 2, 0, 383, 0, 924))
    assert await service.relay("h1", frame) == 1
    text = watcher.queue.get_nowait()
    assert text == '{"t":5,"h":[1,1600,2,0,383,0,924],"type":"watched_pose","headset_id":"h1"}'
    assert WatchedPose.model_validate_json(text).h == frame.h
    assert await service.relay("h2", frame) == 0  # nobody watches h2


async def test_a_connecting_headset_hears_of_its_watchers_at_once() -> None:
    bus = InProcessBus()
    service = WatchService(bus)
    await service.watch("c1", "h1")
    await service.watch("c1", "h2")
    answering = asyncio.create_task(service.answer_asks())
    await asyncio.sleep(0)  # subscribed
    channel = bus.subscribe(headset_channel("h1"))  # the new connection of h1
    await service.ask("h1")
    async with asyncio.timeout(5):
        message = await channel.get()
    assert parse_channel_message(message) == ("control", "watch:c1")
    await service.ask("h3")  # nobody watches h3: nothing said
    await service.ask("h1")
    async with asyncio.timeout(5):
        assert parse_channel_message(await channel.get()) == ("control", "watch:c1")
    assert channel.queue.empty()
    answering.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await answering
