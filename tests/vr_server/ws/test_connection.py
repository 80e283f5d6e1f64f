"""A connection's outbox: a staff client that stops reading, a headset being dropped (the app
under uvicorn in process)."""

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
from tests.vr_server.ws.test_headset import serving
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import HeadsetOffline
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.serving.direct_ws import DirectWebSocketProtocol

OUTBOX_MAX_BYTES = 16 * 1024


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


@pytest.mark.parametrize(
    "protocol", [DirectWebSocketProtocol, WebSocketsSansIOProtocol], ids=["direct", "plain"]
)
async def test_message_to_a_headset_being_dropped_is_never_answered_sent(
    tmp_path: Path, protocol: type[asyncio.Protocol]
) -> None:
    async with serving(tmp_path, protocol, outbox_max_bytes=OUTBOX_MAX_BYTES) as (url, services):
        code = await services.auth.create_enrollment_code(uses=1, hours=1)
        headset, token, _ = await services.auth.enroll(code, "dev-stalled", None)
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
