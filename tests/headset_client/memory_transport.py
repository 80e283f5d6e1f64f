"""An in-memory `Transport` and `Connector` for the headset client's unit tests: the test
plays the server by pushing frames and reading what the client sent, with no socket."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from pydantic import BaseModel

from headset_client.transport import ConnectFailed, Transport, TransportClosed
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.headset import (
    HeadsetIdentity,
    HeadsetMessage,
    Welcome,
    headset_message_adapter,
)


def welcome(*, heartbeat_s: float = 30.0, session_id: str | None = None) -> Welcome:
    return Welcome(
        protocol=PROTOCOL_VERSION,
        server_version="memory",
        headset=HeadsetIdentity(id="h1", name="Quest 1"),
        heartbeat_s=heartbeat_s,
        server_time=datetime.now(UTC),
        session_id=session_id,
    )


class MemoryTransport:
    """One connection: `push` a frame or `close_with` a code as the server would."""

    def __init__(self) -> None:
        self.sent: list[HeadsetMessage] = []
        self.aborted = False
        self.closed_with: int | None = None
        self._inbox: asyncio.Queue[str | TransportClosed] = asyncio.Queue()
        self._sent_event = asyncio.Event()
        self._read = 0

    def push(self, frame: BaseModel | str) -> None:
        self._inbox.put_nowait(frame if isinstance(frame, str) else frame.model_dump_json())

    def close_with(self, code: int | None, reason: str = "") -> None:
        self._inbox.put_nowait(TransportClosed(code, reason))

    async def next_sent(self) -> HeadsetMessage:
        """Wait for the next frame the client sends (in order)."""
        while len(self.sent) <= self._read:
            self._sent_event.clear()
            await self._sent_event.wait()
        self._read += 1
        return self.sent[self._read - 1]

    async def send(self, text: str) -> None:
        if self.aborted or self.closed_with is not None:
            raise TransportClosed(self.closed_with, "closed")
        self.sent.append(headset_message_adapter.validate_json(text))
        self._sent_event.set()

    async def recv(self) -> str:
        if self.aborted:
            raise TransportClosed(None, "aborted")
        item = await self._inbox.get()
        if isinstance(item, TransportClosed):
            self.closed_with = item.code
            raise item
        return item

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed_with = code
        self._inbox.put_nowait(TransportClosed(code, reason))

    def abort(self) -> None:
        if not self.aborted:
            self.aborted = True
            self._inbox.put_nowait(TransportClosed(None, "aborted"))


class MemoryConnector:
    """Hands out the transports (or connection failures) queued with `accept`/`refuse`;
    waits when none is queued."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self._queue: asyncio.Queue[MemoryTransport | ConnectFailed] = asyncio.Queue()

    def accept(self) -> MemoryTransport:
        transport = MemoryTransport()
        self._queue.put_nowait(transport)
        return transport

    def refuse(self, failure: ConnectFailed) -> None:
        self._queue.put_nowait(failure)

    async def __call__(self, url: str) -> Transport:
        self.urls.append(url)
        item = await self._queue.get()
        if isinstance(item, ConnectFailed):
            raise item
        return item
