"""`Connection` over an in-memory transport: handshake, frames, reconnects, heartbeat, and the
close codes that end the client (no server process)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from headset_client.connection import Backoff, Connection, fatal_close
from headset_client.errors import AuthRejected, ConnectionRejected, ProtocolMismatch, Replaced
from headset_client.notices import ClientFailed, Disconnected, Notice
from headset_client.transport import ConnectFailed, TransportClosed
from tests.headset_client.memory_transport import MemoryConnector, MemoryTransport, welcome
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.protocol.headset import (
    Ack,
    Error,
    Hello,
    Ping,
    Pong,
    ServerToHeadset,
    Welcome,
)

LIMIT = 5.0


@dataclass
class Owner:
    """What the client would do with the connection's callbacks: record everything."""

    opened: list[tuple[Welcome, ServerToHeadset | None]] = field(default_factory=list)
    frames: list[ServerToHeadset] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    lost: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def hello(self) -> Hello:
        return Hello(protocol=PROTOCOL_VERSION, device_id="quest-1", device_token="secret")

    async def on_open(self, welcome: Welcome, first: ServerToHeadset | None) -> None:
        self.opened.append((welcome, first))
        self.changed.set()

    async def on_frame(self, frame: ServerToHeadset) -> None:
        self.frames.append(frame)
        self.changed.set()

    def on_lost(self) -> None:
        self.lost += 1
        self.changed.set()

    def publish(self, notice: Notice) -> None:
        self.notices.append(notice)
        self.changed.set()

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(LIMIT):
            while not condition():
                self.changed.clear()
                await self.changed.wait()


@pytest.fixture
def owner() -> Owner:
    return Owner()


@pytest.fixture
def connector() -> MemoryConnector:
    return MemoryConnector()


@pytest.fixture
async def connection(owner: Owner, connector: MemoryConnector) -> AsyncIterator[Connection]:
    conn = Connection(
        "ws://venue/ws/headset",
        connector,
        hello=owner.hello,
        on_open=owner.on_open,
        on_frame=owner.on_frame,
        on_lost=owner.on_lost,
        publish=owner.publish,
        label=lambda: "quest-1",
        unreachable="cannot reach server at http://venue",
        backoff=Backoff(0.001, 0.002, random.Random(1)),
        handshake_timeout=1.0,
        clock=lambda: 100.0,
    )
    yield conn
    await conn.close()


async def opened(
    connection: Connection, connector: MemoryConnector, *, heartbeat_s: float = 30.0
) -> MemoryTransport:
    """Start `connection` on a transport that welcomes it; that transport, once open."""
    transport = connector.accept()
    transport.push(welcome(heartbeat_s=heartbeat_s))
    connection.start()
    async with asyncio.timeout(LIMIT):
        await connection.wait_connected()
    return transport


async def test_hello_welcome_then_frames_go_to_the_owner(
    connection: Connection, connector: MemoryConnector, owner: Owner
) -> None:
    transport = connector.accept()
    connection.start()
    async with asyncio.timeout(LIMIT):
        hello = await transport.next_sent()
    assert isinstance(hello, Hello)
    assert hello.device_token == "secret"
    assert connection.transport is None  # not open before welcome
    transport.push(welcome())
    async with asyncio.timeout(LIMIT):
        got = await connection.wait_connected()
    assert got.headset.name == "Quest 1"
    assert connection.connections == 1
    transport.push(Ack(session_id="s1", seq=1))
    transport.push('{"type": "no-such-frame"}')  # ignored, the connection stays
    transport.push(Pong(t=1.0, server_time=2.0))
    await owner.until(lambda: len(owner.frames) == 2)
    assert [type(f) for f in owner.frames] == [Ack, Pong]
    assert [first for _, first in owner.opened] == [None]
    assert connector.urls == ["ws://venue/ws/headset"]


async def test_a_dropped_connection_is_reopened(
    connection: Connection, connector: MemoryConnector, owner: Owner
) -> None:
    first = await opened(connection, connector)
    second = connector.accept()
    second.push(welcome())
    first.close_with(1011, "server restarting")
    await owner.until(lambda: len(owner.opened) == 2)
    assert connection.connections == 2
    assert owner.lost == 1
    assert owner.notices == [Disconnected(1011, "server restarting", will_retry=True)]
    assert connection.failure is None


async def test_an_unreachable_server_is_retried(
    connection: Connection, connector: MemoryConnector, owner: Owner
) -> None:
    connector.refuse(ConnectFailed("connection refused"))
    transport = connector.accept()
    transport.push(welcome())
    connection.start()
    await owner.until(lambda: len(owner.opened) == 1)
    assert connection.last_error == "cannot reach server at http://venue: connection refused"
    assert len(connector.urls) == 2


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (CloseCode.UNAUTHORIZED, AuthRejected),
        (CloseCode.PROTOCOL_MISMATCH, ProtocolMismatch),
        (CloseCode.REPLACED, Replaced),
    ],
)
async def test_a_refusing_close_code_ends_the_client(
    connection: Connection,
    connector: MemoryConnector,
    owner: Owner,
    code: int,
    error: type[ConnectionRejected],
) -> None:
    transport = connector.accept()
    connection.start()
    # the server explains, then closes: the explanation reaches subscribers and the error
    transport.push(Error(code=ErrorCode.AUTH_FAILED, message="unknown device"))
    transport.close_with(code)
    with pytest.raises(error):
        async with asyncio.timeout(LIMIT):
            await connection.wait_connected()
    assert isinstance(connection.failure, error)
    assert connection.failure.code == code
    assert isinstance(owner.notices[0], Error)
    assert owner.notices[-1] == ClientFailed(connection.failure)
    assert owner.opened == []
    assert len(connector.urls) == 1  # no retry


async def test_a_refused_upgrade_ends_the_client(
    connection: Connection, connector: MemoryConnector, owner: Owner
) -> None:
    fatal = AuthRejected("device token refused (HTTP 403)", CloseCode.UNAUTHORIZED)
    connector.refuse(ConnectFailed("refused", fatal))
    connection.start()
    with pytest.raises(AuthRejected):
        async with asyncio.timeout(LIMIT):
            await connection.wait_connected()
    assert owner.notices == [ClientFailed(fatal)]


async def test_welcome_must_be_followed_by_the_named_sessions_assignment(
    connection: Connection, connector: MemoryConnector, owner: Owner
) -> None:
    wrong = connector.accept()
    wrong.push(welcome(session_id="s1"))
    wrong.push(Ack(session_id="s1", seq=1))  # not the assignment: reconnect
    right = connector.accept()
    right.push(welcome())
    connection.start()
    await owner.until(lambda: len(owner.opened) == 1)
    assert wrong.aborted
    assert connection.last_error == "protocol error after welcome: expected the assignment of s1"
    assert owner.notices == []  # that connection never counted as open


async def test_heartbeat_pings_and_gives_up_on_a_silent_server(
    connection: Connection,
    connector: MemoryConnector,
    owner: Owner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transport = await opened(connection, connector, heartbeat_s=0.1)
    async with asyncio.timeout(LIMIT):
        assert isinstance(await transport.next_sent(), Hello)
        ping = await transport.next_sent()
    assert ping == Ping(t=100.0)
    # silence for longer than max(3 heartbeats, 5 s): the heartbeat aborts the socket
    loop = asyncio.get_running_loop()
    later = loop.time() + 6.0
    monkeypatch.setattr(loop, "time", lambda: later)
    await owner.until(lambda: owner.lost == 1)
    assert transport.aborted
    assert connection.last_error is not None


async def test_close_sends_a_normal_close_and_stops(
    connection: Connection, connector: MemoryConnector, owner: Owner
) -> None:
    transport = await opened(connection, connector)
    await connection.close()
    assert transport.closed_with == CloseCode.NORMAL
    with pytest.raises(RuntimeError, match="closed"):
        await connection.wait_connected()


def test_fatal_close_names_the_reason() -> None:
    auth = fatal_close(TransportClosed(CloseCode.UNAUTHORIZED, "bad token"))
    assert isinstance(auth, AuthRejected)
    assert "(close 4401): bad token" in str(auth)
    mismatch = fatal_close(TransportClosed(CloseCode.PROTOCOL_MISMATCH), "said so before")
    assert isinstance(mismatch, ProtocolMismatch)
    assert str(mismatch).endswith(": said so before")
    assert fatal_close(TransportClosed(1011, "restart")) is None
    assert fatal_close(TransportClosed(None)) is None


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    backoff = Backoff(0.25, 2.0, random.Random(3))
    for attempt, cap in [(1, 0.25), (2, 0.5), (3, 1.0), (4, 2.0), (9, 2.0)]:
        delays = [backoff.delay(attempt) for _ in range(50)]
        assert all(cap / 2 <= d <= cap for d in delays)
        assert max(delays) - min(delays) > cap / 10  # jittered, not fixed
