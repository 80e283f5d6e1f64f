"""uvicorn's sans-I/O WebSocket protocol with a direct receive path for the headset socket.

Under ASGI every received frame is an event put on a queue and awaited by the application's
task: the task wakes up, reads are paused and resumed, and the frame is parsed by a
generator-based parser. For a headset sending telemetry twice a second that is most of what a
frame costs (bench/sessions.py: about 36 us of uvicorn per frame, before our code ran), and
10,000 headsets send 22,000 frames a second.

This protocol adds an ASGI scope extension, `vr.direct_receive` (`DirectReceive`). An
application that finds it may `attach` a handler; from then on each complete text (or binary)
message is first offered to the handler, synchronously, in the transport's read callback:

- the handler returns True: the message was dealt with, nothing is queued;
- it returns False: the message is queued as an ordinary `websocket.receive` event, exactly as
  without the extension.

A message is only offered while the ASGI queue is empty, so the order the application sees is
the order of the wire. Small unfragmented masked text frames, the whole of a headset's
traffic, are parsed here without the generic parser; anything else (control frames,
fragments, large or partial frames, compressed frames) goes through uvicorn and `websockets`
unchanged. An application that never attaches, and any other server (Starlette's test
client), sees plain ASGI.

`send_text` writes a message at once, where the ASGI `send` costs the application a task hop
per message (the caller keeps the order of its own writes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request
from websockets.protocol import State
from websockets.speedups import apply_mask

from vr_server.badinput import BAD_INPUT

log = logging.getLogger(__name__)

EXTENSION = "vr.direct_receive"
Handler = Callable[[str | bytes], bool]

_FIN_TEXT = 0x81  # FIN set, no RSV bits, opcode 1 (text)


class DirectReceive:
    """The scope extension's value: lets the application take messages as they arrive."""

    def __init__(self, protocol: DirectWebSocketProtocol) -> None:
        self._protocol = protocol

    def attach(self, handler: Handler) -> None:
        """Offer every later message to `handler`. Messages already queued stay queued and
        are received first (no message is offered while the queue is not empty)."""
        self._protocol.direct_handler = handler

    def detach(self) -> None:
        self._protocol.direct_handler = None

    def send_text(self, text: str) -> bool:
        """Write a text message to the transport now, without the ASGI `send` (a task hop
        per message). False when that cannot be done now: before the handshake completed,
        while closing, or while the transport asks us to stop writing (the caller then goes
        the ordinary way, which waits)."""
        p = self._protocol
        if not self._open() or not p.writable.is_set():
            return False
        p.conn.send_text(text.encode())
        p.transport.write(b"".join(p.conn.data_to_send()))
        return True

    def _open(self) -> bool:
        """Open, and not closing (the handshake complete, no close frame sent)."""
        p = self._protocol
        return (
            p.handshake_complete
            and not p.close_sent
            and not p.disconnected
            and p.initial_response is None
            and p.conn.state is State.OPEN
            and not p.transport.is_closing()
        )

    def buffered(self) -> int:
        """Bytes written and not yet taken by the kernel (the transport's write buffer)."""
        transport = self._protocol.transport
        return 0 if transport is None else transport.get_write_buffer_size()

    def close_now(self, code: int, reason: str, grace_s: float) -> bool:
        """Write a close frame behind what is buffered, without waiting for the transport to
        drain (a client that stopped reading never lets it), and drop the connection if the
        client has not answered within `grace_s`. The application receives a disconnect; a
        `send` waiting for the transport fails. False when the connection is closing already
        (or never opened)."""
        p = self._protocol
        if not self._open():
            return False
        p.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        p.conn.send_close(code, reason)
        p.transport.write(b"".join(p.conn.data_to_send()))
        p.close_sent = True
        p.writable.set()  # a waiting `send` goes on, and fails: the socket is closing
        if p.read_paused:  # the client's answering close frame must be read
            p.read_paused = False
            p.transport.resume_reading()
        if p.close_timer is not None:
            p.close_timer.cancel()
        p.close_timer = p.loop.call_later(grace_s, p.transport.abort)
        return True


class DirectWebSocketProtocol(WebSocketsSansIOProtocol):
    """`--ws vr_server.serving.direct_ws:DirectWebSocketProtocol` (VR_WS_IMPL=direct)."""

    direct_handler: Handler | None = None

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope: Any = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][EXTENSION] = DirectReceive(self)

    # ------------------------------------------------------------------ receiving

    def data_received(self, data: bytes) -> None:
        if not self._lean_ready():
            super().data_received(data)
            return
        handler = self.direct_handler
        max_size = self.config.ws_max_size
        n = len(data)
        i = 0
        while n - i >= 6 and handler is not None:
            # A masked text frame, FIN set, length under 64 KiB: 2 or 4 header bytes and
            # the masking key; anything else ends the lean run.
            if data[i] != _FIN_TEXT:
                break
            b1 = data[i + 1]
            if not b1 & 0x80:
                break  # unmasked: the generic parser fails the connection
            length = b1 & 0x7F
            start = i + 2
            if length == 126:
                if n - i < 8:
                    break
                length = (data[start] << 8) | data[start + 1]
                start += 2
            elif length == 127:
                break
            end = start + 4 + length
            if end > n or length > max_size:
                break
            try:
                text = apply_mask(data[start + 4 : end], data[start : start + 4]).decode()
            except UnicodeDecodeError:
                break  # uvicorn closes with 1007
            i = end
            self._offer(text)
            if self.close_sent or self.transport.is_closing():
                return
            handler = self.direct_handler
        if i < n:
            super().data_received(data[i:] if i else data)

    def _lean_ready(self) -> bool:
        conn = self.conn
        return (
            self.direct_handler is not None
            and not self.close_sent
            and conn.state is State.OPEN
            and not conn.expect_continuation_frame
            and conn.parser_exc is None
            and not conn.reader.buffer
            and not conn.events
        )

    def send_receive_event_to_app(self) -> None:
        if self.close_sent:
            super().send_receive_event_to_app()  # discards it
            return
        data = self.frames[0] if len(self.frames) == 1 else b"".join(self.frames)
        self.frames = []
        if self.curr_msg_data_type == "text":
            try:
                message: str | bytes = data.decode()
            except UnicodeDecodeError:
                self._invalid_utf8()
                return
        else:
            message = bytes(data)
        handler = self.direct_handler
        if handler is not None and self.queue.empty() and self._call(handler, message):
            return
        self._enqueue(message)

    def _invalid_utf8(self) -> None:
        """Close with 1007 as uvicorn does, with one rate-limited line instead of its
        traceback per frame (vr_server.badinput). Dropped when the connection is closing
        already."""
        if self.conn.state is not State.OPEN:
            return
        BAD_INPUT.warning(None, "%s: invalid UTF-8 in a text frame; closed with 1007", _peer(self))
        self.conn.send_close(1007, "invalid UTF-8")
        self.handle_parser_exception()

    def _enqueue(self, message: str | bytes) -> None:
        """Queued as uvicorn queues it, including its back-pressure."""
        if isinstance(message, str):
            self.queue.put_nowait({"type": "websocket.receive", "text": message})
        else:
            self.queue.put_nowait({"type": "websocket.receive", "bytes": message})
        if not self.read_paused:
            self.read_paused = True
            self.transport.pause_reading()

    def _offer(self, text: str) -> None:
        handler = self.direct_handler
        if handler is not None and self.queue.empty() and self._call(handler, text):
            return
        self._enqueue(text)

    def _call(self, handler: Handler, message: str | bytes) -> bool:
        try:
            return handler(message)
        except Exception:
            # a fault of ours: the message goes the ordinary way, where it is answered
            log.exception("direct receive handler failed; the message is queued instead")
            self.direct_handler = None
            return False


def _peer(protocol: WebSocketsSansIOProtocol) -> str:
    scope: Any = getattr(protocol, "scope", None)
    # the scope's, which the proxy headers middleware may have set to the address behind it
    client = (scope.get("client") if scope else None) or protocol.client
    return f"{client[0]}:{client[1]}" if client else "unknown client"


__all__ = ["EXTENSION", "DirectReceive", "DirectWebSocketProtocol", "Handler"]
