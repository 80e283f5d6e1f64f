"""Presence: which headsets are connected, to which connection, and their live figures
(battery, frame rate, step), for every instance of the server.

Two implementations behind one small interface:
- `MemoryPresence` (default): a dict in this process; one instance sees everything.
- `RedisPresence` (`VR_REDIS_URL` set, storage/presence_redis.py): a hash per headset,
  `<prefix>presence:<headset id>`, written by the instance that holds the headset's connection
  and expiring `ttl_s` after its last refresh. Each instance refreshes its own headsets every
  `refresh_s` (and again right after a Redis reconnect, since a restarted Redis holds nothing),
  so the hashes of a crashed instance expire within `ttl_s` and its headsets show offline; the
  index
  `<prefix>presence-index` (a sorted set of headset ids) lets every instance find the expired
  ones and tell staff. Writes and removals compare the connection id, so an older connection
  of a headset that moved to another instance never overwrites or removes the newer one.

Redis failures never reach the sockets: writes are retried by the next refresh, and reads fall
back to this instance's own headsets.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

ExpiredHandler = Callable[[str], Awaitable[None]]
Figures = tuple[float | None, bool | None, float | None, str | None]
"""Live figures from telemetry: battery, charging, fps, step id."""


@dataclass(slots=True)
class PresenceEntry:
    """Mutable: live figures are written into the entry in place (`update`), since a new
    object per headset per second is what made the garbage collector's pauses long."""

    connection_id: str
    app_version: str
    instance: str = ""
    battery: float | None = None
    charging: bool | None = None
    fps: float | None = None
    step_id: str | None = None
    updated_at: float = 0.0
    """When the holding instance last wrote the entry (its clock, epoch seconds)."""

    def set_figures(self, figures: Figures, updated_at: float) -> None:
        self.battery, self.charging, self.fps, self.step_id = figures
        self.updated_at = updated_at

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> PresenceEntry:
        data: dict[str, Any] = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class Presence(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    def set_expired_handler(self, handler: ExpiredHandler) -> None:
        """`handler(headset_id)` runs when a headset's entry expired (its instance died)."""
        ...

    async def connected(self, headset_id: str, entry: PresenceEntry) -> None:
        """The headset is connected here now (replacing any entry, wherever it was)."""
        ...

    async def disconnected(self, headset_id: str, connection_id: str) -> None:
        """Remove the entry if it still belongs to `connection_id`."""
        ...

    def update(self, headset_id: str, connection_id: str, figures: Figures, now: float) -> None:
        """New figures from that connection, taken at `now` (ignored if another one took
        over). Synchronous and cheap: it runs in the socket's read callback, once a second
        per headset (`vr_server.serving.direct_ws`)."""
        ...

    async def get(self, headset_id: str) -> PresenceEntry | None: ...
    async def get_many(self, headset_ids: Iterable[str]) -> dict[str, PresenceEntry]: ...
    async def online_count(self) -> int:
        """Headsets connected to any instance."""
        ...

    async def restore(self) -> None:
        """Write this instance's entries again (after the store lost them)."""
        ...


class MemoryPresence:
    """Presence for one instance: a dict."""

    def __init__(self) -> None:
        self.entries: dict[str, PresenceEntry] = {}

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def set_expired_handler(self, handler: ExpiredHandler) -> None:
        return None  # entries die with the process

    async def connected(self, headset_id: str, entry: PresenceEntry) -> None:
        self.entries[headset_id] = entry

    async def disconnected(self, headset_id: str, connection_id: str) -> None:
        entry = self.entries.get(headset_id)
        if entry is not None and entry.connection_id == connection_id:
            del self.entries[headset_id]

    def update(self, headset_id: str, connection_id: str, figures: Figures, now: float) -> None:
        current = self.entries.get(headset_id)
        if current is not None and current.connection_id == connection_id:
            current.set_figures(figures, now)

    async def get(self, headset_id: str) -> PresenceEntry | None:
        return self.entries.get(headset_id)

    async def get_many(self, headset_ids: Iterable[str]) -> dict[str, PresenceEntry]:
        return {i: self.entries[i] for i in headset_ids if i in self.entries}

    async def online_count(self) -> int:
        return len(self.entries)

    async def restore(self) -> None:
        return None
