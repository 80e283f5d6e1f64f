"""The in-process bus: the default for a venue running one server."""

from __future__ import annotations

from collections import defaultdict

from vr_server.bus.base import Subscription
from vr_server.groups import leave_group


class InProcessBus:
    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)

    @property
    def connected(self) -> bool:
        return True

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        for subs in self._subscribers.values():
            for sub in subs:
                sub.closed = True
        self._subscribers.clear()

    async def publish(self, channel: str, message: str) -> int:
        """The number of subscriptions that took the message (see `Subscription.deliver`)."""
        return sum(sub.deliver(message) for sub in tuple(self._subscribers.get(channel, ())))

    def subscribe(self, channel: str, maxsize: int = 1024) -> Subscription:
        sub = Subscription(channel, maxsize)
        sub.active.set()
        self._subscribers[channel].add(sub)
        return sub

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.closed = True
        leave_group(self._subscribers, subscription.channel, subscription)
