"""The event bus: fan-out of text messages on named channels, between the services and the
sockets of one instance (`InProcessBus`) or of several sharing a Redis (`RedisBus`).

Channels in use:
- `staff`: frames for every staff connection (headset and session updates, alerts);
- `headset.<id>`: frames and control messages for the connection of one headset.

`publish` returns the number of subscribers reached, so a sender can tell "nobody is
listening" (e.g. a headset that is not connected anywhere) from "delivered". What a count
above 0 means depends on the bus (local subscriptions, or instances that have one); 0 always
means that nobody listens anywhere (or, on Redis, that the broker could not be reached).

A subscription is `active` once the broker delivers its channel's messages: at once in-process,
after Redis confirmed the SUBSCRIBE otherwise. Code that must not miss a message published
after it subscribed awaits `ready()` first.

When a bus lost its broker and got it back, messages published meanwhile are gone: every
subscription then receives `RESET` (once), so its owner can resynchronise from the database
(a staff socket sends a fresh snapshot, a headset socket re-sends the session's state).

A subscription has a bounded queue. Publishing never waits for a slow subscriber: when its
queue is full the subscription is marked `overflowed` and its owner closes the connection.
Its owner may also set `direct`: a message is then first handed to it synchronously, while
nothing is queued (so the order stays), and only queued when it returns False; a socket
forwards a frame that way without waking its task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

RESET = "\x00reset"
"""Delivered to every subscription after the bus reconnected to its broker (never published)."""


class Subscription:
    def __init__(self, channel: str, maxsize: int) -> None:
        self.channel = channel
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize)
        self.overflowed = asyncio.Event()
        self.active = asyncio.Event()
        self.closed = False
        self.direct: Callable[[str], bool] | None = None
        """Takes a message at once (True), or leaves it to the queue (False)."""

    async def ready(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until the broker delivers this channel; False when it did not within timeout."""
        try:
            async with asyncio.timeout(timeout):
                await self.active.wait()
        except TimeoutError:
            return False
        return True

    def deliver(self, message: str) -> bool:
        """False when the message was not taken: the subscription is closed (its owner may
        close it as its taking fails) or overflowed."""
        if self.closed:
            return False
        direct = self.direct
        if direct is not None and self.queue.empty():
            try:
                if direct(message):
                    return not self.closed
            except Exception:
                log.exception("direct delivery failed on %s; queued instead", self.channel)
                self.direct = None
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed.set()
            return False
        return True

    async def get(self) -> str:
        return await self.queue.get()


class Bus(Protocol):
    @property
    def connected(self) -> bool:
        """False while the bus has lost its broker (always True in-process)."""
        ...

    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, channel: str, message: str) -> int:
        """Deliver to every subscriber of `channel`; returns how many there were."""
        ...

    def subscribe(self, channel: str, maxsize: int = 1024) -> Subscription: ...
    def unsubscribe(self, subscription: Subscription) -> None: ...
