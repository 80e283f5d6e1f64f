"""The event bus: fan-out of text messages on named channels, between the services and the
sockets of one instance (in-process) or of several (Redis, later).

Channels in use:
- `staff`: frames for every staff connection (headset and session updates, alerts);
- `headset.<id>`: frames and control messages for the connection of one headset.

`publish` returns the number of subscribers reached, so a sender can tell "nobody is
listening" (e.g. a headset that is not connected anywhere) from "delivered".

A subscription has a bounded queue. Publishing never waits for a slow subscriber: when its
queue is full the subscription is marked `overflowed` and its owner closes the connection.
"""

from __future__ import annotations

import asyncio
from typing import Protocol


class Subscription:
    def __init__(self, channel: str, maxsize: int) -> None:
        self.channel = channel
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize)
        self.overflowed = asyncio.Event()
        self.closed = False

    def deliver(self, message: str) -> None:
        if self.closed:
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed.set()

    async def get(self) -> str:
        return await self.queue.get()


class Bus(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, channel: str, message: str) -> int:
        """Deliver to every subscriber of `channel`; returns how many there were."""
        ...

    def subscribe(self, channel: str, maxsize: int = 1024) -> Subscription: ...
    def unsubscribe(self, subscription: Subscription) -> None: ...
