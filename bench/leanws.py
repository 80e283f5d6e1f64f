"""A lean WebSocket client for load generation: raw asyncio transports, pre-serialised frames.

The load generator must cost much less than the server it measures, so each simulated
headset is one `asyncio.Protocol` and nothing more: no task, no queue, no per-frame JSON.

- Client frames must be masked (RFC 6455 5.3); we use an all-zero masking key, so a frame's
  bytes can be built once and written again and again (`text_frame`). The server unmasks
  every frame whatever the key, so its cost is the same as with a random key.
- Server frames are unmasked and never fragmented by uvicorn; continuation frames are
  handled anyway. No extension (permessage-deflate) is offered, so none is negotiated.
- Text payloads are handed to `on_text` as bytes; the caller decides what, if anything, to
  decode. Pings are answered; a close frame is echoed and the transport closed.

Not a general client: it does no TLS, no redirects, no subprotocols, and trusts the server.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

_ZERO_MASK = b"\x00\x00\x00\x00"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def frame(opcode: int, payload: bytes) -> bytes:
    """A complete, masked (all-zero key), final client frame."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return head + _ZERO_MASK + payload


def text_frame(text: str | bytes) -> bytes:
    return frame(OP_TEXT, text.encode() if isinstance(text, str) else text)


class HandshakeError(Exception):
    pass


class LeanWebSocket(asyncio.Protocol):
    """One client connection. `opened` resolves after the 101 response; `closed` when the
    transport is gone (its result is the close code the server sent, or None)."""

    def __init__(
        self, host: str, path: str, on_text: Callable[[LeanWebSocket, bytes], None]
    ) -> None:
        self.host = host
        self.path = path
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.handshaken = False
        self.fragments: list[bytes] = []
        self.close_code: int | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[int | None] = loop.create_future()
        self.key = base64.b64encode(os.urandom(16)).decode()

    # ------------------------------------------------------------ asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {self.key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        if not self.handshaken:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buf[: buf.find(b"\r\n")])
            del buf[: end + 4]
            if b" 101 " not in status:
                if not self.opened.done():
                    self.opened.set_exception(HandshakeError(status.decode(errors="replace")))
                self.abort()
                return
            self.handshaken = True
            if not self.opened.done():
                self.opened.set_result(None)
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            length = b1 & 0x7F
            start = 2
            if length == 126:
                if len(buf) < 4:
                    return
                length = (buf[2] << 8) | buf[3]
                start = 4
            elif length == 127:
                if len(buf) < 10:
                    return
                (length,) = struct.unpack_from("!Q", buf, 2)
                start = 10
            if b1 & 0x80:  # a masked server frame is a protocol error; not expected
                self.abort()
                return
            end = start + length
            if len(buf) < end:
                return
            payload = bytes(buf[start:end])
            del buf[:end]
            self._frame(b0 & 0x0F, bool(b0 & 0x80), payload)

    def _frame(self, opcode: int, fin: bool, payload: bytes) -> None:
        if opcode in (OP_TEXT, OP_BINARY, OP_CONT):
            if not fin:
                self.fragments.append(payload)
                return
            if self.fragments:
                payload = b"".join([*self.fragments, payload])
                self.fragments = []
            self.on_text(self, payload)
        elif opcode == OP_PING:
            self.write(frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            self.write(frame(OP_CLOSE, payload[:2]))
            if self.transport is not None:
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed before the handshake"))
        if not self.closed.done():
            self.closed.set_result(self.close_code)

    # ------------------------------------------------------------ sending

    def write(self, data: bytes) -> bool:
        """Write pre-built frame bytes; False when the connection is gone."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return False
        transport.write(data)
        return True

    def send_text(self, text: str | bytes) -> bool:
        return self.write(text_frame(text))

    def close(self, code: int = 1000) -> None:
        if self.write(frame(OP_CLOSE, struct.pack("!H", code))) and self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def open_lean(
    url: str, on_text: Callable[[LeanWebSocket, bytes], None], within_s: float = 30.0
) -> LeanWebSocket:
    """Connect to `ws://host:port/path` and complete the opening handshake."""
    parts = urlsplit(url)
    if parts.scheme != "ws" or parts.hostname is None:
        raise ValueError(f"only ws:// URLs: {url}")
    host, port = parts.hostname, parts.port or 80
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(within_s):
        _, protocol = await loop.create_connection(
            lambda: LeanWebSocket(f"{host}:{port}", parts.path or "/", on_text), host, port
        )
        await protocol.opened
    return protocol
