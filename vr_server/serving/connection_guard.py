"""uvicorn's HTTP protocol with read timeouts and per-address socket caps.

uvicorn closes idle keep-alive connections, and nothing else: a client that sends its request
headers one byte a minute, or stops in the middle of a body, or opens sockets and sends
nothing, holds them open for ever, and a few hundred such sockets exhaust the server. This
protocol adds what nginx has:

- a **header timeout** (`VR_HEADER_TIMEOUT_S`, nginx's client_header_timeout): a request's
  headers must be complete this long after its first byte, or after the connection opened;
  otherwise 408 and the connection is closed;
- a **body timeout** (`VR_BODY_TIMEOUT_S`, nginx's client_body_timeout): while a request body
  is being read, a client that sends nothing for this long is disconnected. It counts only
  while the server is reading: a route that has not read its body yet (flow control paused
  reading) is not the client's fault. (Both timeouts are checked every half the shorter one,
  so a slow client is cut off between 1 and 1.5 times its timeout);
- **per-address caps**: at most `VR_MAX_SOCKETS_PER_ADDRESS` open sockets (HTTP connections
  and WebSockets together) and `VR_MAX_WEBSOCKETS_PER_ADDRESS` WebSockets from one peer
  address; an extra socket gets 429 and is closed. Addresses in `VR_UNCAPPED_ADDRESSES` (the
  machine itself by default: a reverse proxy there connects for all its clients, and caps
  them with its own limit_conn) are not capped;
- the **connection cap** (`VR_MAX_CONNECTIONS`, uvicorn's `limit_concurrency`, which answers
  HTTP requests over it with 503) applied to WebSocket upgrades too, which uvicorn lets pass.

`guarded_protocol(base, limits)` makes the protocol class for one server: its counts are its
own (no module state).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from vr_server.serving.pathsend import PathsendHttpProtocol
from vr_server.settings import Settings

log = logging.getLogger(__name__)

WARN_EVERY_S = 60.0
"""A refused or timed-out address is logged at most this often."""


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_s: float
    body_timeout_s: float
    max_sockets_per_address: int
    """0: no cap."""
    max_websockets_per_address: int
    """0: no cap."""
    uncapped: frozenset[str]


class AddressCounts:
    """Open sockets and WebSockets per peer address, and when each address was last warned
    about."""

    def __init__(self) -> None:
        self.sockets: Counter[str] = Counter()
        self.websockets: Counter[str] = Counter()
        self._warned: dict[str, float] = {}

    def release(self, address: str, *, websocket: bool = False) -> None:
        for counter in (self.sockets, self.websockets) if websocket else (self.sockets,):
            counter[address] -= 1
            if counter[address] <= 0:
                del counter[address]

    def warn(self, address: str, message: str) -> None:
        now = time.monotonic()
        if now - self._warned.get(address, -WARN_EVERY_S) >= WARN_EVERY_S:
            if len(self._warned) > 10_000:
                self._warned.clear()
            self._warned[address] = now
            log.warning("%s: %s", address, message)


def _response(status: str, text: str) -> bytes:
    body = text.encode()
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


TOO_MANY = _response(
    "429 Too Many Requests",
    "Too many connections from this address. / มีการเชื่อมต่อจากที่อยู่นี้มากเกินไป\n",
)
TIMED_OUT = _response("408 Request Timeout", "The request came too slowly. / คำขอส่งมาช้าเกินไป\n")
BUSY = _response(
    "503 Service Unavailable", "The server is full; try again. / เซิร์ฟเวอร์เต็ม กรุณาลองใหม่\n"
)


def peer_address(client: tuple[str, int] | None) -> str | None:
    if client is None:
        return None
    address = client[0]
    return address.removeprefix("::ffff:")  # an IPv4 client of a dual-stack socket


class GuardedHttpProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with the timeouts and caps of the module docstring. Use a subclass
    from `guarded_protocol`, which sets `limits` and `counts`."""

    limits: ClassVar[ConnectionLimits]
    counts: ClassVar[AddressCounts]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._address: str | None = None  # counted in `counts` while this protocol owns it
        self._watch: asyncio.TimerHandle | None = None
        self._headers_since: float | None = None  # reading a request's headers since then
        self._body_read_at: float | None = None  # reading a body; its last bytes came then

    # ---------------------------------------------------------------- connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = peer_address(self.client)
        limits = self.limits
        if address is not None and address not in limits.uncapped:
            cap = limits.max_sockets_per_address
            if cap and self.counts.sockets[address] >= cap:
                self.counts.warn(address, f"more than {cap} sockets open; refused")
                self._refuse(TOO_MANY)
                return
            self.counts.sockets[address] += 1
            self._address = address
        self._headers_since = self.loop.time()
        self._arm_watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_watch()
        if self._address is not None:
            self.counts.release(self._address)
            self._address = None
        super().connection_lost(exc)

    def _refuse(self, response: bytes) -> None:
        self._stop_watch()
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()

    # One timer per connection, not per request: it looks at the connection every half
    # timeout (so a timeout is noticed within 1.5 times its length), and requests only note
    # the time. Arming and cancelling two timers per request cost about 13 us a request.

    def _arm_watch(self) -> None:
        period = min(self.limits.header_timeout_s, self.limits.body_timeout_s) / 2
        self._watch = self.loop.call_later(period, self._look)

    def _stop_watch(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    def _look(self) -> None:
        self._watch = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        limits = self.limits
        if self._headers_since is not None and now - self._headers_since >= limits.header_timeout_s:
            self._give_up("request headers too slow")
            if self.cycle is None or self.cycle.response_complete:
                self.transport.write(TIMED_OUT)
            self.transport.close()
            return
        if self._body_read_at is not None:
            if self.flow.read_paused:  # the route is not reading yet: not the client's fault
                self._body_read_at = now
            elif now - self._body_read_at >= limits.body_timeout_s:
                self._give_up("request body stalled")
                self.transport.close()  # the route's receive() reports a disconnect
                return
        self._arm_watch()

    def _give_up(self, why: str) -> None:
        if self._address is not None:
            self.counts.warn(self._address, f"{why}; disconnected")

    # ---------------------------------------------------------------- requests

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._headers_since is None:  # the first byte of a later request
            self._headers_since = self.loop.time()

    def on_headers_complete(self) -> None:
        self._headers_since = None
        super().on_headers_complete()
        if not self.parser.should_upgrade():
            self._body_read_at = self.loop.time()

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._body_read_at = self.loop.time()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._body_read_at = None

    # ---------------------------------------------------------------- WebSockets

    def handle_websocket_upgrade(self) -> None:
        self._stop_watch()
        limit = self.limit_concurrency
        if limit is not None and len(self.connections) >= limit:
            log.warning("more than %d connections open; a WebSocket upgrade refused", limit)
            self._refuse(BUSY)
            return
        address = self._address
        if address is not None:
            cap = self.limits.max_websockets_per_address
            if cap and self.counts.websockets[address] >= cap:
                self.counts.warn(address, f"more than {cap} WebSockets open; refused")
                self._refuse(TOO_MANY)
                return
            self.counts.websockets[address] += 1
        super().handle_websocket_upgrade()
        if address is None:
            return
        # The WebSocket protocol owns the transport now: it releases the counts when it ends.
        self._address = None
        websocket = self.transport.get_protocol()
        lost = websocket.connection_lost
        counts = self.counts

        def connection_lost(exc: Exception | None) -> None:
            try:
                lost(exc)
            finally:
                counts.release(address, websocket=True)

        websocket.connection_lost = connection_lost  # type: ignore[method-assign]


def guarded_protocol(
    base: type[HttpToolsProtocol], limits: ConnectionLimits
) -> type[HttpToolsProtocol]:
    """A protocol class for one server: GuardedHttpProtocol over `base` (HttpToolsProtocol or
    a subclass, e.g. the sendfile one), with its own counts."""
    bases = (GuardedHttpProtocol,) if base is HttpToolsProtocol else (GuardedHttpProtocol, base)
    return type(f"Guarded{base.__name__}", bases, {"limits": limits, "counts": AddressCounts()})


def http_protocol(settings: Settings) -> type[HttpToolsProtocol]:
    """The protocol class `vr-server serve` gives uvicorn: guarded, and sending /assets by
    sendfile unless VR_SENDFILE=false."""
    limits = ConnectionLimits(
        header_timeout_s=settings.header_timeout_s,
        body_timeout_s=settings.body_timeout_s,
        max_sockets_per_address=settings.max_sockets_per_address,
        max_websockets_per_address=settings.max_websockets_per_address,
        uncapped=frozenset(settings.uncapped_addresses),
    )
    return guarded_protocol(
        PathsendHttpProtocol if settings.sendfile else HttpToolsProtocol, limits
    )
