"""Spectating on the staff socket: `watch` / `unwatch` a headset, and relaying its poses.

A watching staff connection subscribes to the headset's `watch.<id>` channel and forwards every
`watched_pose` from the bus's delivery callback (no task wakes; a client that cannot keep up
fills its outbox and is closed like any slow staff client). The counting, the leases and the
pose rate are in services/watch.py; the connection's id is its watcher id. When the connection
closes, everything it watched is unwatched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vr_server.bus import Subscription
from vr_server.bus.base import RESET
from vr_server.bus.channels import watch_channel
from vr_server.errors import FrameError
from vr_server.protocol.errors import ErrorCode
from vr_server.ws.registry import Link

MAX_WATCHING = 4
"""Headsets one connection may watch at a time: each one watched sends 20 frames a second, so
a client must not raise a whole fleet's rate."""


@dataclass(eq=False, slots=True)
class StaffLink(Link):
    """A staff connection, with the pose subscriptions of the headsets it watches."""

    watching: dict[str, Subscription] = field(default_factory=dict)


async def watch(link: StaffLink, headset_id: str) -> None:
    services = link.services
    if headset_id not in link.watching:
        if len(link.watching) >= MAX_WATCHING:
            raise FrameError(
                ErrorCode.RATE_LIMITED, f"a connection watches at most {MAX_WATCHING} headsets"
            )
        await services.fleet.view(headset_id)  # NotFound for a headset that does not exist
        settings = services.settings
        subscription = services.bus.subscribe(
            watch_channel(headset_id), maxsize=settings.outbox_size
        )
        send = link.conn.send

        def forward(message: str) -> bool:
            if message != RESET:  # poses lost in a broker outage are simply skipped
                send(message)
            return True

        subscription.direct = forward
        link.watching[headset_id] = subscription
        await subscription.ready(settings.redis_timeout_s)
    await services.watch.watch(link.conn.id, headset_id)


async def unwatch(link: StaffLink, headset_id: str) -> None:
    subscription = link.watching.pop(headset_id, None)
    if subscription is not None:
        link.services.bus.unsubscribe(subscription)
    await link.services.watch.unwatch(link.conn.id, headset_id)


async def unwatch_all(link: StaffLink) -> None:
    for subscription in link.watching.values():
        link.services.bus.unsubscribe(subscription)
    link.watching.clear()
    await link.services.watch.drop(link.conn.id)
