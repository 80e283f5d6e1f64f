"""What a `HeadsetClient` tells its subscribers: the server's frames that need a reaction
(assignments, commands, results, general errors) and the client's own news (connected,
disconnected, a session lost, an event refused, the client given up)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from headset_client.errors import HeadsetClientError
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.headset import Assignment, Command, Error, Event, Result, Welcome
from vr_server.protocol.poses import PoseRate


@dataclass(frozen=True)
class Connected:
    welcome: Welcome
    reconnect: bool
    """False for the first connection of this client, True afterwards."""


@dataclass(frozen=True)
class Disconnected:
    code: int | None
    reason: str
    will_retry: bool


@dataclass(frozen=True)
class SessionLost:
    """The server no longer runs a session this headset was in (it ended while we were away,
    or another session was assigned); `dropped` events were never acknowledged."""

    session_id: str
    dropped: int


@dataclass(frozen=True)
class EventRejected:
    """The server refused an event for good; it was taken out of the buffer."""

    event: Event
    code: ErrorCode
    message: str


@dataclass(frozen=True)
class ClientFailed:
    """The client stopped for good (e.g. its token was refused); `error` says why."""

    error: HeadsetClientError


Notice = (
    Assignment
    | Command
    | PoseRate
    | Result
    | Error
    | Connected
    | Disconnected
    | SessionLost
    | EventRejected
    | ClientFailed
)

N = TypeVar("N")


class Subscription:
    """A queue of every notice published after it was opened; use as a context manager.

    async with client.subscribe() as inbox:
        async with asyncio.timeout(10):
            assignment = await inbox.next(Assignment)
    """

    def __init__(self, unsubscribe: Callable[[Subscription], None]) -> None:
        self.queue: asyncio.Queue[Notice] = asyncio.Queue()
        self._unsubscribe = unsubscribe

    def put(self, notice: Notice) -> None:
        self.queue.put_nowait(notice)

    async def get(self) -> Notice:
        return await self.queue.get()

    async def next(self, kind: type[N], *, where: Callable[[N], bool] | None = None) -> N:
        """The next notice of type `kind` (matching `where`), skipping others; bound the wait
        with `asyncio.timeout`. Raises the client's error if it gives up meanwhile."""
        while True:
            notice = await self.queue.get()
            if isinstance(notice, ClientFailed) and kind is not ClientFailed:
                raise notice.error
            if isinstance(notice, kind) and (where is None or where(notice)):
                return notice

    def close(self) -> None:
        self._unsubscribe(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()
