"""The Redis bus: the fan-out of `InProcessBus` between every instance sharing one Redis.

- **Channels.** A bus channel `staff` is the Redis channel `<prefix>bus:staff`; the prefix
  (`VR_REDIS_PREFIX`) lets several deployments share one Redis.
- **One pub/sub connection per instance.** A Redis channel is subscribed when the first local
  subscriber of it appears and unsubscribed when the last one goes, so PUBLISH reaches exactly
  the instances that have a subscriber; the instance fans a message out to its local
  subscriptions. Subscribing is asynchronous: a subscription is `active` once Redis confirmed.
- **What `publish` returns.** PUBLISH's receiver count: with one pub/sub connection per
  instance, that is the number of *instances* holding at least one subscriber of the channel,
  not the number of sockets. The property the services rely on holds: 0 means that nobody
  listens on any instance. It is also 0 when Redis could not be reached within `timeout_s`
  (logged); publishing never hangs the event loop. (Right after the last local subscriber
  left, an instance may still count for the few milliseconds until its UNSUBSCRIBE is done.)
- **Reconnecting.** When the pub/sub connection fails (Redis restarted, the connection was
  killed, or no answer to the keep-alive PING for three periods), it is reopened with
  exponential backoff (0.1 s doubling to `backoff_max_s`), every channel with a local
  subscriber is subscribed again, the reconnect hooks run (presence registers this instance's
  headsets again: a restarted Redis holds nothing), and every local subscription receives
  `RESET`, because what was published meanwhile is lost. Session data is not: it lives in the
  database, and the owners of the subscriptions resynchronise from it.
- **Dropped publishes.** A message this instance could not publish was meant for subscribers
  on any instance, which cannot know they missed it: once Redis answers again, the instance
  publishes on `<prefix>bus:!reset`, and every instance (itself too) gives each of its
  subscriptions `RESET`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from vr_server.bus.base import RESET, Subscription
from vr_server.errors import Unavailable
from vr_server.groups import leave_group
from vr_server.tasks import cancel

log = logging.getLogger(__name__)
_FAILURES = (RedisError, OSError, TimeoutError)
SUBSCRIBE_CHUNK = 500
MAX_CONNECTIONS = 64
"""Connections one instance opens to Redis at most. Calls beyond that wait for a free one (up
to the timeout): redis-py's default pool raises "Too many connections" past 100 instead, which
a few thousand headsets' telemetry reached (bench/sessions.py --instances 2)."""


class RedisUnreachable(Unavailable):
    """Redis did not answer at start: the server refuses to run without it."""


def redis_client(url: str, timeout_s: float, max_connections: int = MAX_CONNECTIONS) -> Redis:
    """A client whose calls fail after `timeout_s` instead of hanging, that retries a failed
    command once, and whose pool of `max_connections` makes further calls wait their turn."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout_s,
        decode_responses=True,
        socket_connect_timeout=timeout_s,
        socket_timeout=timeout_s,
        retry=Retry(NoBackoff(), 1),
        health_check_interval=30,
        client_name=f"vr-server-{socket.gethostname()}-{os.getpid()}",
    )
    client: Redis = Redis.from_pool(pool)
    return client


async def open_redis(url: str, timeout_s: float) -> Redis:
    """A client that has answered PING; RedisUnreachable with the reason otherwise."""
    client = redis_client(url, timeout_s)
    try:
        async with asyncio.timeout(timeout_s * 2):
            await client.ping()
    except (*_FAILURES, ValueError) as exc:
        await client.aclose()
        raise RedisUnreachable(
            f"VR_REDIS_URL: cannot reach Redis at {_safe_url(url)}: {exc or type(exc).__name__}"
        ) from None
    return client


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


Hook = Callable[[], Awaitable[None]]


class RedisBus:
    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "vr:",
        timeout_s: float = 2.0,
        ping_s: float = 5.0,
        backoff_max_s: float = 5.0,
    ) -> None:
        self.redis = client
        self.prefix = prefix + "bus:"
        self.timeout_s = timeout_s
        self.ping_s = ping_s
        self.backoff_max_s = backoff_max_s
        self.instance_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.reconnects = 0
        """How many times the pub/sub connection was opened again (for tests and logs)."""
        # The pub/sub connection is a bare connection that this class reads and writes itself:
        # it never reconnects behind our back (redis-py's PubSub would, re-subscribing
        # silently, and nobody would know that messages were lost meanwhile).
        kwargs = {
            k: v
            for k, v in client.connection_pool.connection_kwargs.items()
            if not k.startswith("maint_")  # redis-py 6+: RESP3 only
        }
        kwargs["protocol"] = 2  # RESP2: subscribe confirmations and messages are plain replies
        kwargs["retry"] = Retry(NoBackoff(), 0)
        kwargs["socket_timeout"] = None  # reads wait for messages; the PING watches the link
        kwargs["health_check_interval"] = 0  # a health check would read our replies
        kwargs["client_name"] = f"vr-bus-{self.instance_id}"  # CLIENT LIST shows whose it is
        self._reset_channel = self.prefix + "!reset"
        self._connection_class = client.connection_pool.connection_class
        self._connection_kwargs = kwargs
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)
        self._confirmed: set[str] = set()  # bus channels Redis confirmed on this connection
        self._inflight: Counter[str] = Counter()  # SUBSCRIBEs sent and not yet confirmed
        self._ops: deque[tuple[Literal["subscribe", "unsubscribe"], str]] = deque()
        self._wake = asyncio.Event()
        self._connected = False
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._hooks: list[Hook] = []
        self._down_until = 0.0
        self._dropped = False  # a publish was dropped: every instance must resynchronise
        self._publish_failing = False

    # ------------------------------------------------------------ Bus

    @property
    def connected(self) -> bool:
        return self._connected

    def add_reconnect_hook(self, hook: Hook) -> None:
        """`hook` runs after a reconnection, before the subscriptions receive RESET."""
        self._hooks.append(hook)

    async def start(self) -> None:
        """Open the pub/sub connection; raises RedisUnreachable if Redis does not answer."""
        first_connect: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._run(first_connect), name="redis-bus")
        try:
            async with asyncio.timeout(self.timeout_s * 2):
                await first_connect
        except Exception as exc:
            await self.close()
            raise RedisUnreachable(f"the Redis bus could not subscribe: {exc}") from None

    async def close(self) -> None:
        self._closing = True
        await cancel(self._task)
        self._task = None
        for subs in self._subscribers.values():
            for sub in subs:
                sub.closed = True
        self._subscribers.clear()
        self._connected = False
        await self.redis.aclose()  # the bus owns the client it was given

    async def publish(self, channel: str, message: str) -> int:
        """PUBLISH; the number of instances holding a subscriber, 0 when there is none or when
        Redis cannot be reached (then without waiting more than `timeout_s`)."""
        now = time.monotonic()
        if now < self._down_until:
            self._dropped = True
            return 0  # failed a moment ago: do not pile up connection attempts
        try:
            async with asyncio.timeout(self.timeout_s):
                count = int(await self.redis.publish(self.prefix + channel, message))
        except _FAILURES as exc:
            self._publish_failed(exc)
            return 0
        await self._publish_worked()
        return count

    def _publish_failed(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + min(0.5, self.timeout_s)
        self._dropped = True
        if not self._publish_failing:
            log.warning(
                "Redis bus: cannot publish (%s); messages are dropped until it is back",
                exc or type(exc).__name__,
            )
        self._publish_failing = True

    async def _publish_worked(self) -> None:
        if self._publish_failing:
            log.warning("Redis bus: publishing works again")
            self._publish_failing = False
        if self._dropped:
            await self._announce_reset()

    async def _announce_reset(self) -> None:
        """Messages this instance dropped were meant for subscribers anywhere: tell every
        instance (this one too) to give its subscriptions RESET."""
        try:
            async with asyncio.timeout(self.timeout_s):
                await self.redis.publish(self._reset_channel, self.instance_id)
        except _FAILURES:
            return  # still down: the next publish or reconnect tries again
        self._dropped = False

    def subscribe(self, channel: str, maxsize: int = 1024) -> Subscription:
        sub = Subscription(channel, maxsize)
        subs = self._subscribers[channel]
        first = not subs
        subs.add(sub)
        if channel in self._confirmed:
            sub.active.set()
        elif first:
            self._ops.append(("subscribe", channel))
            self._wake.set()
        return sub

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.closed = True
        channel = subscription.channel
        if not leave_group(self._subscribers, channel, subscription):
            return
        if channel not in self._subscribers:  # its last subscriber left
            self._confirmed.discard(channel)
            self._ops.append(("unsubscribe", channel))
            self._wake.set()

    # ------------------------------------------------------------ the pub/sub connection

    async def _run(self, first_connect: asyncio.Future[None]) -> None:
        backoff = 0.1
        attempt = 0
        while not self._closing:
            conn: AbstractConnection = self._connection_class(**self._connection_kwargs)
            try:
                await self._serve(conn, attempt, first_connect)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not first_connect.done():
                    first_connect.set_exception(exc)
                    return
                if self._connected:
                    log.warning("Redis bus: connection lost (%s); reconnecting", exc)
                else:
                    log.info("Redis bus: reconnect failed (%s); next try in %.1f s", exc, backoff)
            finally:
                if self._connected:
                    backoff = 0.1
                self._connected = False
                self._confirmed.clear()
                self._inflight.clear()
                with contextlib.suppress(Exception):
                    await conn.disconnect(nowait=True)
            attempt += 1
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.backoff_max_s)

    async def _serve(
        self, conn: AbstractConnection, attempt: int, first_connect: asyncio.Future[None]
    ) -> None:
        # Rebuild from the local subscribers; queued operations are covered by that.
        self._ops.clear()
        self._confirmed.clear()
        self._inflight.clear()
        channels = list(self._subscribers)
        async with asyncio.timeout(self.timeout_s):
            await conn.connect()  # type: ignore[no-untyped-call]
            # A channel of this instance's own keeps the connection in pub/sub mode; on the
            # reset channel, an instance that dropped messages asks everyone to resynchronise.
            await conn.send_command(
                "SUBSCRIBE", self.prefix + "instance:" + self.instance_id, self._reset_channel
            )
            for i in range(0, len(channels), SUBSCRIBE_CHUNK):
                chunk = channels[i : i + SUBSCRIBE_CHUNK]
                self._inflight.update(chunk)
                await conn.send_command("SUBSCRIBE", *[self.prefix + c for c in chunk])
        reset_pending = attempt > 0
        last_heard = time.monotonic()
        self._wake.set()
        reader: asyncio.Task[Any] | None = None
        wake: asyncio.Task[Literal[True]] | None = None
        try:
            while True:
                if reader is None:
                    reader = asyncio.create_task(conn.read_response())
                if wake is None:
                    wake = asyncio.create_task(self._wake.wait())
                done, _ = await asyncio.wait(
                    {reader, wake}, timeout=self.ping_s, return_when=asyncio.FIRST_COMPLETED
                )
                if reader in done:
                    reply = reader.result()  # raises when the connection failed
                    reader = None
                    last_heard = time.monotonic()
                    kind = reply[0] if isinstance(reply, list) and reply else None
                    if kind == "message" and reply[1] == self._reset_channel:
                        await self._after_reconnect()
                    elif kind == "message":
                        self._deliver(reply[1], reply[2])
                    elif kind == "subscribe":
                        self._on_subscribed(reply[1])
                        if not self._connected:
                            self._connected = True
                            self._down_until = 0.0  # publish again at once
                            if attempt:
                                self.reconnects += 1
                                log.warning("Redis bus: reconnected")
                            if not first_connect.done():
                                first_connect.set_result(None)
                        if reset_pending and not self._inflight:
                            reset_pending = False
                            await self._after_reconnect()
                        if self._dropped and not self._inflight:
                            await self._announce_reset()
                if wake in done:
                    wake = None
                    self._wake.clear()
                    await self._send_ops(conn)
                silent = time.monotonic() - last_heard
                if silent > 3 * self.ping_s:
                    raise ConnectionError(f"no answer from Redis for {silent:.0f} s")
                if silent > self.ping_s:
                    async with asyncio.timeout(self.timeout_s):
                        await conn.send_command("PING")
        finally:
            for task in (reader, wake):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task

    async def _send_ops(self, conn: AbstractConnection) -> None:
        while self._ops:
            op, channel = self._ops.popleft()
            async with asyncio.timeout(self.timeout_s):
                if op == "subscribe":
                    self._inflight[channel] += 1
                    await conn.send_command("SUBSCRIBE", self.prefix + channel)
                else:
                    await conn.send_command("UNSUBSCRIBE", self.prefix + channel)

    def _on_subscribed(self, redis_channel: str) -> None:
        """Redis confirmed a SUBSCRIBE: the channel's subscriptions are active once the last
        SUBSCRIBE sent for it is confirmed (an UNSUBSCRIBE may sit between two of them)."""
        channel = redis_channel[len(self.prefix) :]
        if self._inflight[channel] > 1:
            self._inflight[channel] -= 1
            return
        self._inflight.pop(channel, None)
        subs = self._subscribers.get(channel)
        if not subs:
            return  # unsubscribed meanwhile; its UNSUBSCRIBE is queued
        self._confirmed.add(channel)
        for sub in subs:
            sub.active.set()

    def _deliver(self, redis_channel: str, message: str) -> None:
        channel = redis_channel[len(self.prefix) :]
        for sub in tuple(self._subscribers.get(channel, ())):
            sub.deliver(message)

    async def _after_reconnect(self) -> None:
        for hook in self._hooks:
            try:
                await hook()
            except Exception:
                log.exception("Redis bus: a reconnect hook failed")
        for subs in list(self._subscribers.values()):
            for sub in tuple(subs):
                sub.deliver(RESET)
