"""Spectator views: who watches which headset, the pose rate that follows, and the poses' relay.

Staff clients and the headset may sit on different instances, so the watchers are counted
where the headset is connected, from control words on its bus channel (`headset.<id>`):

- `watch:<watcher>` starts (or renews) a watcher's lease of `LEASE_S` seconds;
- `unwatch:<watcher>` ends it.

A watcher is one staff connection's interest in one headset (`<connection id>`): watching the
same headset twice from one connection counts once. `WatchService` (on the staff connection's
instance) sends the words, and renews every lease every `REFRESH_S` seconds, so a watcher whose
instance died (and could not say `unwatch`) expires. A headset that connects asks on the
`watchers` channel (`ask`), and every instance says its watchers' words again at once
(`answer_asks`), so a reconnected headset goes back to 20 Hz without waiting for a renewal.
`Watchers` (on the headset connection's instance) counts them and
says when the headset's pose rate must change: 20 Hz from the first watcher, 2 Hz after the
last is gone. A staff connection that closes unwatches everything it watched.

The headset's `pose` frames are published on `watch.<headset id>` as `watched_pose`, where
every watching staff connection (on any instance) is subscribed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from vr_server.bus import Bus
from vr_server.bus.base import RESET
from vr_server.bus.channels import (
    WATCHERS_CHANNEL,
    control_message,
    headset_channel,
    watch_channel,
)
from vr_server.groups import leave_group
from vr_server.protocol.poses import IDLE_HZ, WATCH_HZ, PoseFrame, WatchedPose
from vr_server.protocol.queue import NowPlaying
from vr_server.services.fleet import FleetService
from vr_server.services.sessions import SessionService

log = logging.getLogger(__name__)

LEASE_S = 30.0
"""A watcher not renewed for this long is gone (its instance died)."""
REFRESH_S = 10.0
"""How often an instance renews the leases of its watchers."""
_WATCH = "watch:"
_UNWATCH = "unwatch:"
MAX_WATCHERS = 64
"""Per headset: more are refused by the headset's side (ignored), so a client cannot grow it."""


class Watchers:
    """The watchers of one headset connection, each with the time its lease runs out.

    `control(word)` and `expire()` return the new pose rate when it changed (else None)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}
        self._hz = IDLE_HZ

    @property
    def hz(self) -> int:
        return self._hz

    def __len__(self) -> int:
        return len(self._until)

    @staticmethod
    def is_watch_word(word: str) -> bool:
        return word.startswith((_WATCH, _UNWATCH))

    def control(self, word: str) -> int | None:
        """Take a `watch:`/`unwatch:` control word."""
        now = self._clock()
        if word.startswith(_WATCH):
            watcher = word[len(_WATCH) :]
            if watcher in self._until or len(self._until) < MAX_WATCHERS:
                self._until[watcher] = now + LEASE_S
        elif word.startswith(_UNWATCH):
            self._until.pop(word[len(_UNWATCH) :], None)
        return self.expire()

    def expire(self) -> int | None:
        """Drop the watchers whose lease ran out."""
        now = self._clock()
        for watcher in [w for w, until in self._until.items() if until <= now]:
            del self._until[watcher]
        hz = WATCH_HZ if self._until else IDLE_HZ
        if hz == self._hz:
            return None
        self._hz = hz
        return hz


class WatchService:
    """This instance's watchers: staff connection id -> the headsets it watches."""

    def __init__(self, bus: Bus) -> None:
        self._bus = bus
        self._watching: dict[str, set[str]] = {}

    def watching(self, watcher: str) -> frozenset[str]:
        return frozenset(self._watching.get(watcher, ()))

    async def watch(self, watcher: str, headset_id: str) -> None:
        self._watching.setdefault(watcher, set()).add(headset_id)
        await self._bus.publish(headset_channel(headset_id), control_message(_WATCH + watcher))

    async def unwatch(self, watcher: str, headset_id: str) -> None:
        if not leave_group(self._watching, watcher, headset_id):
            return
        await self._bus.publish(headset_channel(headset_id), control_message(_UNWATCH + watcher))

    async def drop(self, watcher: str) -> None:
        """The staff connection closed: it watches nothing any more."""
        for headset_id in sorted(self._watching.get(watcher, ())):
            await self.unwatch(watcher, headset_id)

    async def refresh(self) -> None:
        """Renew every lease of this instance (every REFRESH_S by a background task)."""
        for watcher, headsets in list(self._watching.items()):
            for headset_id in sorted(headsets):
                word = control_message(_WATCH + watcher)
                await self._bus.publish(headset_channel(headset_id), word)

    async def ask(self, headset_id: str) -> None:
        """A headset connected (its new connection counts nobody yet): every instance's
        `answer_asks` re-sends the watch words of its watchers of it."""
        await self._bus.publish(WATCHERS_CHANNEL, headset_id)

    async def answer_asks(self) -> None:
        """Run by the lifespan's background tasks: answer `ask` for this instance's watchers.
        After a broker outage (RESET) every lease is renewed."""
        subscription = self._bus.subscribe(WATCHERS_CHANNEL, maxsize=4096)
        try:
            while True:
                headset_id = await subscription.get()
                if headset_id == RESET:
                    await self.refresh()
                    continue
                for watcher, headsets in list(self._watching.items()):
                    if headset_id in headsets:
                        word = control_message(_WATCH + watcher)
                        await self._bus.publish(headset_channel(headset_id), word)
        finally:
            self._bus.unsubscribe(subscription)

    async def relay(self, headset_id: str, frame: PoseFrame) -> int:
        """Publish a headset's pose frame to its watchers; returns how many took it."""
        fields = frame.model_dump(exclude={"type"}, exclude_none=True)
        relayed = WatchedPose(headset_id=headset_id, **fields)
        frame_json = relayed.model_dump_json(exclude_none=True)
        return await self._bus.publish(watch_channel(headset_id), frame_json)


_SHOWN = {"headset_id", "scene_id", "scene_version", "step_index", "step_count"}
"""What the board's tile shows of a session, besides its id and the headset's name."""


async def now_playing(sessions: SessionService, fleet: FleetService) -> NowPlaying | None:
    """The queue board's tile: of the running sessions on online headsets, the one that started
    last, so the tile stays on one visitor until another one starts."""
    running = await sessions.views(states=["running"], limit=200)
    running.sort(key=lambda s: (s.started_at or s.created_at, s.id), reverse=True)
    for session in running:
        headset = await fleet.view(session.headset_id)  # usually the first one is online
        if headset.online:
            shown = session.model_dump(include=_SHOWN)
            return NowPlaying(session_id=session.id, headset_name=headset.name, **shown)
    return None
