"""Hostile and careless socket clients (issue 15): the error path never fails, bad input is
logged briefly and rate-limited, a client that stops reading is closed with 4408 and named in
the log, and a command is answered "sent" only when the headset's open socket took it."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from content_tools.format import LocalizedText
from tests.harness import RawSocket, ServerProcess
from tests.server.helpers import hello_headset, ping_ok
from tests.server.test_bad_input import healthy
from tests.server.test_headset_direct import serving
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import HeadsetOffline
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.headset import Error
from vr_server.serving.direct_ws import DirectWebSocketProtocol
from vr_server.ws.badinput import InputLog, TokenBucket, clip
from vr_server.ws.frames import frame_json

OUTBOX_MAX_BYTES = 16 * 1024
"""The module's server's: a headset socket is closed past 16 KiB waiting, a staff one past
256 KiB (16 times as much)."""


SERVER_SETTINGS = {"outbox_max_bytes": OUTBOX_MAX_BYTES}
"""For this module's server (tests/conftest.py)."""


class StalledClient:
    """A WebSocket client that reads only when told to, with a small receive buffer (the
    kernel absorbs little): websockets' sans-I/O protocol over a plain socket."""

    def __init__(self, sock: socket.socket, protocol: ClientProtocol) -> None:
        self.sock = sock
        self.protocol = protocol

    @classmethod
    async def open(cls, url: str) -> StalledClient:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        uri = parse_uri(url)
        await asyncio.get_running_loop().sock_connect(sock, (uri.host, uri.port))
        client = cls(sock, ClientProtocol(uri, max_size=None))
        client.protocol.send_request(client.protocol.connect())
        await client._flush()
        while client.protocol.state is not State.OPEN:
            await client._read()
        return client

    async def send(self, frame: dict[str, Any]) -> None:
        self.protocol.send_text(json.dumps(frame).encode())
        await self._flush()

    async def recv(self) -> dict[str, Any]:
        while True:
            for event in self.protocol.events_received():
                if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    frame: dict[str, Any] = json.loads(bytes(event.data))
                    return frame
            await self._read()

    async def closed_with(self, timeout: float = 20) -> int | None:
        """Read everything sent (frames are discarded) until the server's close frame."""
        async with asyncio.timeout(timeout):
            while self.protocol.close_rcvd is None and await self._read():
                self.protocol.events_received()
        self.sock.close()
        return self.protocol.close_rcvd.code if self.protocol.close_rcvd else None

    async def _read(self) -> bool:
        data = await asyncio.get_running_loop().sock_recv(self.sock, 1 << 20)
        if data:
            self.protocol.receive_data(data)
        else:
            self.protocol.receive_eof()
        return bool(data)

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(self.sock, b"".join(self.protocol.data_to_send()))


async def staff_socket(ws_url: str, token: str, **kwargs: Any) -> RawSocket:
    sock = await RawSocket.open(ws_url + "/ws/staff", **kwargs)
    await sock.send({"type": "auth", "token": token})
    assert (await sock.recv())["type"] == "snapshot"
    return sock


def log_since(server: ServerProcess, start: int) -> str:
    return server.log_path.read_text(errors="replace")[start:]


def log_size(server: ServerProcess) -> int:
    return len(server.log_path.read_text(errors="replace"))


INVALID_UTF8_FRAME = bytes([0x81, 0x80 | 2]) + bytes(4) + b"\xff\xfe"
"""A masked (zero mask) text frame whose payload is not UTF-8."""


# ------------------------------------------------------------------ 11: the error path


@pytest.mark.parametrize(
    "frame",
    [
        # invalid as a whole (pydantic refuses the escape), the id echoed from json.loads
        '{"type":"set_status","request_id":"\\ud800","headset_id":"x","status":"charging"}',
        '{"type":"\\udfff","request_id":"\\ud800"}',
        '{"type":"message","request_id":"\\udc00\\ud800","headset_id":"h","text":{}}',
    ],
)
async def test_lone_surrogates_get_an_error_frame_not_a_1011(
    server: ServerProcess, token: str, frame: str
) -> None:
    sock = await staff_socket(server.ws_url, token)
    await sock.send(frame)
    error = await sock.recv_type("error")
    assert error["request_id"] is None  # only what can be encoded is echoed
    await sock.send({"type": "ping", "t": 2.5})
    assert (await sock.recv_type("pong"))["t"] == 2.5  # the socket lives
    await sock.close()


def test_a_frame_with_unencodable_text_is_still_sent() -> None:
    """The last line of defence: whatever the frame holds, it is serialised (a lone surrogate
    replaced) instead of raising in the error path."""
    frame = Error(code=ErrorCode.INVALID_MESSAGE, message="bad \ud800", request_id="\udfff")
    sent = json.loads(frame_json(frame).encode())
    assert (sent["message"], sent["request_id"]) == ("bad \ufffd", "\ufffd")


# ------------------------------------------------------------------ 12: logging bad input


async def test_invalid_utf8_is_logged_in_one_rate_limited_line(server: ServerProcess) -> None:
    start = log_size(server)
    for _ in range(60):  # before hello: anyone on the network can do this
        sock = await RawSocket.open(server.ws_url + "/ws/headset")
        sock.ws.transport.write(INVALID_UTF8_FRAME)
        assert await sock.closed_with() == 1007
    await asyncio.sleep(0.3)
    log = log_since(server, start)
    assert "Traceback" not in log
    lines = [line for line in log.splitlines() if "invalid UTF-8" in line]
    assert 1 <= len(lines) <= 25, log[-2000:]  # the process's bucket: a burst of 20
    assert healthy(server)


async def test_bad_frames_are_logged_clipped_and_per_connection_limited(
    server: ServerProcess, code: str
) -> None:
    sock, enrolled = await hello_headset(server, code)
    start = log_size(server)
    huge_type = "x" * 60_000
    for _ in range(10):
        await sock.send(json.dumps({"type": huge_type}))
        error = await sock.recv_type("error")
        assert error["code"] == "unknown_type"
        assert len(error["message"]) < 200  # echoed clipped too
    await ping_ok(sock)
    await sock.close()
    await asyncio.sleep(0.3)
    log = log_since(server, start)
    lines = [line for line in log.splitlines() if "bad frame from" in line]
    # the connection's bucket: 3, then one a minute (fewer if the process's is spent) ...
    assert 1 <= len(lines) <= 3, log[-2000:]
    # ... and what it kept out is counted when the connection closes (unless the process's
    # bucket is spent: then in its own count, test_input_log_counts_what_it_suppressed)
    summary = [line for line in log.splitlines() if "more bad frames not logged" in line]
    assert summary or "more suppressed" in log, log[-2000:]
    assert enrolled["headset_id"] in lines[0]
    assert all(len(line) < 400 for line in lines)


def test_clipped_values_are_safe_to_log() -> None:
    assert clip("Quest\x1b[2J\nforged line") == "Quest\\x1b[2J\\x0aforged line"
    assert clip("ก" * 100, 10) == "ก" * 10 + "... (100 characters)"
    assert clip("\ud800") == "\ufffd"


def test_input_log_counts_what_it_suppressed(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    bad_input = InputLog(rate=1.0, burst=2, clock=lambda: now[0])
    connection = TokenBucket(1 / 60, 3, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="vr_server.ws.badinput"):
        for i in range(5):
            bad_input.warning(connection, "bad %d", i)  # 2 pass the process's bucket
        assert [r.getMessage() for r in caplog.records] == ["bad 0", "bad 1"]
        assert (bad_input.process.suppressed, connection.suppressed) == (1, 2)
        now[0] = 1.0
        bad_input.warning(None, "another")
        now[0] = 60.0
        bad_input.warning(connection, "bad 5")
    assert [r.getMessage() for r in caplog.records][2:] == [
        "another (1 more suppressed)",  # the process's count
        "bad 5 (2 more suppressed)",  # the connection's
    ]


# ------------------------------------------------------------------ 13: a client that stops reading


async def test_staff_client_that_stops_reading_is_closed_with_4408_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # In process, so that the test can publish megabytes to the staff channel at once.
    async with serving(tmp_path, DirectWebSocketProtocol, outbox_max_bytes=OUTBOX_MAX_BYTES) as (
        url,
        services,
    ):
        account = await services.auth.create_account("alice", "long-enough", "staff")
        token = (await services.auth.issue_token(account)).token
        sock = await StalledClient.open(url + "/ws/staff")
        await sock.send({"type": "auth", "token": token})
        assert (await sock.recv())["type"] == "snapshot"
        noise = json.dumps({"type": "noise", "pad": "x" * 100_000})
        with caplog.at_level(logging.WARNING, logger="vr_server.ws.connection"):
            for _ in range(100):  # 10 MB: more than the kernel takes (about 3 MB)
                await services.bus.publish(STAFF_CHANNEL, noise)
                await asyncio.sleep(0.005)
                if "with 4408" in caplog.text:
                    break
        dropped = [r.getMessage() for r in caplog.records if "with 4408" in r.getMessage()]
        assert dropped, "the client was not dropped"
        assert "staff alice (127.0.0.1:" in dropped[0]  # who, from where
        # the close frame follows what the transport held: a client reading again gets it
        assert await sock.closed_with() == 4408
        assert await services.bus.publish(STAFF_CHANNEL, noise) == 0  # unsubscribed


# ------------------------------------------------------------------ 14: "sent" means taken


@pytest.mark.parametrize(
    "protocol", [DirectWebSocketProtocol, WebSocketsSansIOProtocol], ids=["direct", "plain"]
)
async def test_message_to_a_headset_being_dropped_is_never_answered_sent(
    tmp_path: Path, protocol: type[asyncio.Protocol]
) -> None:
    async with serving(tmp_path, protocol, outbox_max_bytes=OUTBOX_MAX_BYTES) as (url, services):
        code = await services.auth.create_enrollment_code(uses=1, hours=1)
        headset, token = await services.auth.enroll(code, "dev-stalled", None)
        sock = await StalledClient.open(url + "/ws/headset")
        await sock.send(
            {"type": "hello", "protocol": PROTOCOL_VERSION, "app_version": "test"}
            | {"device_id": "dev-stalled", "device_token": token}
        )
        assert (await sock.recv())["type"] == "welcome"
        text = LocalizedText(th="ก" * 2000, en="x" * 2000)  # 8 KB a command
        sent, refused = 0, False
        while sent < 3000 and not refused:  # 24 MB: the headset is dropped on the way
            try:
                await services.sessions.message(headset.id, text)
                sent += 1
            except HeadsetOffline:
                refused = True
            await asyncio.sleep(0)  # the socket's tasks run
        # Once the socket is closing, a command is refused at once (it was answered "sent"
        # until the socket's task noticed: under uvicorn's own protocol, not before the
        # heartbeat timeout), and the socket does close with 4408.
        assert refused
        assert sent > 0
        assert await sock.closed_with() == 4408
        with pytest.raises(HeadsetOffline):
            await services.sessions.message(headset.id, text)
