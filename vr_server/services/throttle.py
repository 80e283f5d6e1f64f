"""Login throttling: growing delays per account and per client address.

Every sign-in attempt counts as a failure when it starts (so a burst of parallel guesses is
counted before any of them is checked); one that succeeds takes its count back and clears its
account's record. Once a key has `free` counted attempts inside the window, it is locked for
`base_s`, then twice that after the next counted attempt, and so on up to `max_s`. A locked key
gets 429 with Retry-After, before any password is hashed. Counts are forgotten `window_s`
after the last attempt.

Keys are `account:<username, lower case>` (unknown usernames too, so the answer does not tell
which exist) and `address:<client address>`. With `VR_REDIS_URL` the counts live in Redis and
every instance sees the same ones; otherwise in this process's memory. When Redis does not
answer, the attempt is let through (logged): a venue's staff must still be able to sign in.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    free: int
    """Counted attempts allowed before the first delay."""
    base_s: float
    max_s: float
    window_s: float = 3600.0

    def delay(self, count: int) -> float:
        """How long a key is locked after its `count`-th counted attempt (0: not locked)."""
        if count < self.free:
            return 0.0
        return min(self.max_s, self.base_s * 2.0 ** min(count - self.free, 60))


@dataclass(frozen=True)
class Key:
    name: str
    policy: Policy
    reset_on_success: bool
    """True: a success forgets the key's count (the account); False: takes back only its own
    attempt (the address, which other people may share)."""


class LoginThrottle(Protocol):
    async def attempt(self, keys: list[Key]) -> float:
        """0 and the attempt counted on every key; or the seconds until the longest lock
        ends, nothing counted."""
        ...

    async def succeeded(self, keys: list[Key]) -> None: ...


class MemoryThrottle:
    """One instance's counts. Bounded: past `max_keys`, expired and then oldest keys go."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self.clock = clock
        self.max_keys = max_keys
        # key -> [count, forget at, locked until]
        self._keys: dict[str, list[float]] = {}

    def __len__(self) -> int:
        """Keys kept."""
        return len(self._keys)

    def _entry(self, key: Key, now: float) -> list[float]:
        entry = self._keys.get(key.name)
        if entry is None or entry[1] <= now:
            entry = [0.0, 0.0, 0.0]
        return entry

    async def attempt(self, keys: list[Key]) -> float:
        now = self.clock()
        wait = max(self._entry(key, now)[2] - now for key in keys)
        if wait > 0:
            return wait
        for key in keys:
            entry = self._entry(key, now)
            entry[0] += 1
            entry[1] = now + key.policy.window_s
            entry[2] = now + key.policy.delay(int(entry[0]))
            self._keys.pop(key.name, None)
            self._keys[key.name] = entry  # the most recent last
        self._prune(now)
        return 0.0

    async def succeeded(self, keys: list[Key]) -> None:
        now = self.clock()
        for key in keys:
            entry = self._keys.get(key.name)
            if entry is None:
                continue
            entry[0] = 0 if key.reset_on_success else max(0, entry[0] - 1)
            if entry[0] < key.policy.free:
                entry[2] = now
            if entry[0] == 0:
                del self._keys[key.name]

    def _prune(self, now: float) -> None:
        """Past `max_keys`: the forgotten keys go, then the oldest down to 90 %, so the scan
        runs once per tenth of `max_keys` new keys, not on every attempt of a flood."""
        if len(self._keys) <= self.max_keys:
            return
        for name in [name for name, entry in self._keys.items() if entry[1] <= now]:
            del self._keys[name]
        while len(self._keys) > self.max_keys * 9 // 10:
            del self._keys[next(iter(self._keys))]


# KEYS: count and lock key of each throttle key. ARGV: per key free, base ms, max ms, window ms.
# Atomic, so parallel attempts on several instances are each counted once.
_ATTEMPT = """
local wait = 0
for i = 1, #KEYS, 2 do
  local ttl = redis.call('PTTL', KEYS[i + 1])
  if ttl > wait then wait = ttl end
end
if wait > 0 then return wait end
for i = 1, #KEYS, 2 do
  local a = (i - 1) * 2
  local free = tonumber(ARGV[a + 1])
  local n = redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ARGV[a + 4])
  if n >= free then
    local d = math.min(tonumber(ARGV[a + 3]), tonumber(ARGV[a + 2]) * 2 ^ math.min(n - free, 60))
    redis.call('SET', KEYS[i + 1], '1', 'PX', math.max(1, math.floor(d)))
  end
end
return 0
"""
# KEYS: count and lock key of each throttle key. ARGV: per key 1 to reset, 0 to take one back;
# its free count.
_SUCCEEDED = """
for i = 1, #KEYS, 2 do
  local a = i - 1
  local n = 0
  if ARGV[a + 1] == '0' then
    n = tonumber(redis.call('DECR', KEYS[i]))
  end
  if n <= 0 then redis.call('DEL', KEYS[i]) end
  if n < tonumber(ARGV[a + 2]) then redis.call('DEL', KEYS[i + 1]) end
end
return 0
"""


class RedisThrottle:
    """Counts shared by every instance on one Redis, under `<prefix>login:`."""

    def __init__(self, client: Redis, *, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix + "login:"
        self._attempt = client.register_script(_ATTEMPT)
        self._succeeded = client.register_script(_SUCCEEDED)

    def _names(self, keys: list[Key]) -> list[str]:
        return [f"{self.prefix}{part}:{key.name}" for key in keys for part in ("n", "lock")]

    async def attempt(self, keys: list[Key]) -> float:
        args: list[float] = []
        for key in keys:
            p = key.policy
            args += [p.free, p.base_s * 1000, p.max_s * 1000, math.ceil(p.window_s * 1000)]
        from redis.exceptions import RedisError

        try:
            wait_ms = await self._attempt(keys=self._names(keys), args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("login throttle: Redis did not answer (%s); attempt let through", exc)
            return 0.0
        return int(wait_ms) / 1000

    async def succeeded(self, keys: list[Key]) -> None:
        args: list[int] = []
        for key in keys:
            args += [1 if key.reset_on_success else 0, key.policy.free]
        from redis.exceptions import RedisError

        try:
            await self._succeeded(keys=self._names(keys), args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("login throttle: Redis did not answer (%s); counts kept", exc)
