"""`RedisPresence`: presence shared by every instance through Redis (`VR_REDIS_URL` set).

See storage/presence.py for the interface, the hash per headset, its expiry and the index.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from vr_server.slices import SLICE
from vr_server.storage.presence import ExpiredHandler, Figures, PresenceEntry
from vr_server.tasks import cancel

log = logging.getLogger(__name__)
_FAILURES = (RedisError, OSError, TimeoutError)
T = TypeVar("T")


# KEYS: entry hash, index. ARGV: connection id, entry json, ttl ms, headset id, now, force.
_WRITE = """
local current = redis.call('HGET', KEYS[1], 'connection_id')
if ARGV[6] ~= '1' and current and current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'connection_id', ARGV[1], 'entry', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
return 1
"""
# KEYS: entry hash, index. ARGV: connection id, headset id.
_REMOVE = """
if redis.call('HGET', KEYS[1], 'connection_id') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
return 0
"""
# KEYS: entry hash, index. ARGV: headset id. 1 when this call found the entry expired.
_SWEEP = """
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('ZREM', KEYS[2], ARGV[1]) end
return 0
"""


class RedisPresence:
    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "vr:",
        instance: str = "",
        refresh_s: float = 10.0,
        ttl_s: float = 30.0,
        flush_s: float = 0.5,
        timeout_s: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if ttl_s <= refresh_s:
            raise ValueError("the presence TTL must be longer than the refresh period")
        self.redis = client
        self.prefix = prefix
        self.instance = instance
        self.refresh_s = refresh_s
        self.ttl_s = ttl_s
        self.flush_s = min(flush_s, refresh_s)
        self.timeout_s = timeout_s
        self.clock = clock
        self.local: dict[str, PresenceEntry] = {}
        """The entries of the headsets connected to this instance."""
        self._dirty: set[str] = set()
        """Headsets whose live figures changed since the last flush."""
        self._index = f"{prefix}presence-index"
        self._write = client.register_script(_WRITE)
        self._remove = client.register_script(_REMOVE)
        self._sweep = client.register_script(_SWEEP)
        self._on_expired: ExpiredHandler | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._failing = False

    def _key(self, headset_id: str) -> str:
        return f"{self.prefix}presence:{headset_id}"

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="presence-refresh")

    async def close(self) -> None:
        # The flag ends the loop even when a cancel is lost: redis-py can turn a cancel that
        # lands mid-command into a ConnectionError, which `_guard` takes as an outage.
        self._closing = True
        await cancel(self._task)
        self._task = None
        # A clean shutdown removes its headsets at once instead of letting them expire.
        for headset_id, entry in list(self.local.items()):
            await self.disconnected(headset_id, entry.connection_id)

    def set_expired_handler(self, handler: ExpiredHandler) -> None:
        self._on_expired = handler

    async def _loop(self) -> None:
        next_refresh = time.monotonic() + self.refresh_s
        while not self._closing:
            await asyncio.sleep(self.flush_s)
            try:
                if time.monotonic() >= next_refresh:
                    next_refresh = time.monotonic() + self.refresh_s
                    await self.restore()
                    await self.sweep()
                else:
                    await self.flush()
            except Exception:
                log.exception("presence refresh failed")

    # ------------------------------------------------------------ writes

    async def connected(self, headset_id: str, entry: PresenceEntry) -> None:
        entry = replace(entry, instance=self.instance, updated_at=self.clock())
        self.local[headset_id] = entry
        await self._guard(self._store(headset_id, entry, force=True), None)

    async def disconnected(self, headset_id: str, connection_id: str) -> None:
        entry = self.local.get(headset_id)
        if entry is not None and entry.connection_id == connection_id:
            del self.local[headset_id]
        await self._guard(
            self._remove(
                keys=[self._key(headset_id), self._index], args=[connection_id, headset_id]
            ),
            None,
        )

    def update(self, headset_id: str, connection_id: str, figures: Figures, now: float) -> None:
        """Live figures change every second per headset (`updated_at` is this instance's
        clock, not `now`): they are kept here at once and
        written to Redis by the next flush (every `flush_s`), all in one pipeline, since one
        Redis call per headset and second is what limited an instance (bench/sessions.py)."""
        current = self.local.get(headset_id)
        if current is None or current.connection_id != connection_id:
            return
        current.set_figures(figures, self.clock())
        self._dirty.add(headset_id)

    async def flush(self) -> None:
        """Write the entries whose figures changed since the last flush."""
        dirty, self._dirty = self._dirty, set()
        await self._write_many([(i, self.local[i]) for i in dirty if i in self.local])

    async def restore(self) -> None:
        """Write every local entry again: refreshes the TTLs, and after a Redis restart puts
        them back. An entry another connection has taken over is dropped here."""
        self._dirty.clear()
        await self._write_many(list(self.local.items()))

    async def _write_many(self, items: list[tuple[str, PresenceEntry]]) -> None:
        if not items:
            return
        now = self.clock()

        async def write_all() -> list[Any]:
            # One pipeline per SLICE entries: building, packing and reading back 10,000
            # calls at once held the event loop for as long as they took.
            result: list[Any] = []
            for i in range(0, len(items), SLICE):
                pipe = self.redis.pipeline(transaction=False)
                for headset_id, entry in items[i : i + SLICE]:
                    await self._write(
                        keys=[self._key(headset_id), self._index],
                        args=[*self._args(headset_id, entry, now), "0"],
                        client=pipe,
                    )
                result.extend(await pipe.execute())
            return result

        results = await self._guard(write_all(), None)
        for (headset_id, entry), written in zip(items, results or [], strict=False):
            if written == 0 and self.local.get(headset_id) == entry:
                del self.local[headset_id]  # the headset connected elsewhere since

    async def sweep(self) -> list[str]:
        """Drop the index members whose entry expired; tell the handler about each one."""

        async def run() -> list[str]:
            members = cast(list[str], await self.redis.zrange(self._index, 0, -1))
            removed: list[Any] = []
            for i in range(0, len(members), SLICE):  # as in _write_many
                pipe = self.redis.pipeline(transaction=False)
                for headset_id in members[i : i + SLICE]:
                    await self._sweep(
                        keys=[self._key(headset_id), self._index], args=[headset_id], client=pipe
                    )
                removed.extend(await pipe.execute())
            return [m for m, r in zip(members, removed, strict=True) if r]

        expired = await self._guard(run(), [])
        for headset_id in expired:
            if self._on_expired is not None:
                try:
                    await self._on_expired(headset_id)
                except Exception:
                    log.exception("presence: expiry handler failed for %s", headset_id)
        return expired

    def _args(self, headset_id: str, entry: PresenceEntry, now: float) -> list[str | int | float]:
        return [
            entry.connection_id,
            entry.to_json(),
            int(self.ttl_s * 1000),
            headset_id,
            now,
        ]

    async def _store(self, headset_id: str, entry: PresenceEntry, *, force: bool) -> Any:
        return await self._write(
            keys=[self._key(headset_id), self._index],
            args=[*self._args(headset_id, entry, self.clock()), "1" if force else "0"],
        )

    # ------------------------------------------------------------ reads

    async def get(self, headset_id: str) -> PresenceEntry | None:
        return (await self.get_many([headset_id])).get(headset_id)

    async def get_many(self, headset_ids: Iterable[str]) -> dict[str, PresenceEntry]:
        ids = list(headset_ids)
        if not ids:
            return {}

        async def read() -> dict[str, PresenceEntry]:
            raws: list[Any] = []
            for i in range(0, len(ids), SLICE):  # as in _write_many
                pipe = self.redis.pipeline(transaction=False)
                for headset_id in ids[i : i + SLICE]:
                    pipe.hget(self._key(headset_id), "entry")
                raws.extend(await pipe.execute())
            found: dict[str, PresenceEntry] = {}
            for headset_id, raw in zip(ids, raws, strict=True):
                if raw:
                    entry = PresenceEntry.from_json(raw)
                    mine = self.local.get(headset_id)
                    # This instance's own figures are newer than its last flush.
                    same = mine is not None and mine.connection_id == entry.connection_id
                    found[headset_id] = mine if same and mine is not None else entry
            return found

        local = {i: self.local[i] for i in ids if i in self.local}
        return await self._guard(read(), local)

    async def online_count(self) -> int:
        async def count() -> int:
            members = cast(list[str], await self.redis.zrange(self._index, 0, -1))
            if not members:
                return 0
            existing: int = await self.redis.exists(*[self._key(m) for m in members])
            return existing

        return await self._guard(count(), len(self.local))

    # ------------------------------------------------------------ failures

    async def _guard(self, call: Awaitable[T], fallback: T) -> T:
        """Run a Redis call within `timeout_s`; on failure log (once per outage) and return
        `fallback`."""
        try:
            async with asyncio.timeout(self.timeout_s):
                result = await call
        except _FAILURES as exc:
            if not self._failing:
                log.warning("presence: Redis unavailable (%s)", exc or type(exc).__name__)
            self._failing = True
            return fallback
        if self._failing:
            log.warning("presence: Redis available again")
            self._failing = False
        return result
