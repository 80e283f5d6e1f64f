"""The one seam between the client and the network for WebSocket frames.

`HeadsetClient` only sees a `Transport` (send text, receive text, close, abort) made by a
`Connector`; `websocket_connect` is the real one, built on `websockets`. Tests can inject their
own. Failures come out as two exceptions: `TransportClosed` (with the close code) once a
connection is open, `ConnectFailed` while opening one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)

from headset_client.errors import (
    AuthRejected,
    ConnectionRejected,
    HeadsetClientError,
    ProtocolMismatch,
)
from vr_server.protocol.errors import CloseCode

ABNORMAL_CLOSURE = 1006
"""The close code reported when a connection ended without a close frame."""


class TransportClosed(Exception):
    def __init__(self, code: int | None, reason: str = "") -> None:
        super().__init__(f"connection closed ({code or ABNORMAL_CLOSURE}) {reason}".strip())
        self.code = code if code is not None else ABNORMAL_CLOSURE
        self.reason = reason


class ConnectFailed(Exception):
    """Opening a connection failed. `fatal` is set when retrying cannot help."""

    def __init__(self, message: str, fatal: HeadsetClientError | None = None) -> None:
        super().__init__(message)
        self.fatal = fatal


class Transport(Protocol):
    async def send(self, text: str) -> None: ...

    async def recv(self) -> str: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    def abort(self) -> None:
        """Drop the connection at once, without a close frame."""
        ...


Connector = Callable[[str], Awaitable[Transport]]


class WebSocketTransport:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, text: str) -> None:
        try:
            await self.ws.send(text)
        except ConnectionClosed as exc:
            raise _closed(exc) from exc

    async def recv(self) -> str:
        try:
            data = await self.ws.recv(decode=True)
        except ConnectionClosed as exc:
            raise _closed(exc) from exc
        return data

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self.ws.close(code, reason)

    def abort(self) -> None:
        self.ws.transport.abort()


def _closed(exc: ConnectionClosed) -> TransportClosed:
    if exc.rcvd is not None:
        return TransportClosed(exc.rcvd.code, exc.rcvd.reason)
    return TransportClosed(None, "without a close frame")


def make_websocket_connector(
    *, open_timeout: float = 10.0, max_size: int = 4 << 20, user_agent: str | None = None
) -> Connector:
    """A connector that opens real WebSocket connections (no proxy: venues use a LAN)."""

    async def connect_ws(url: str) -> Transport:
        try:
            ws = await connect(
                url,
                open_timeout=open_timeout,
                ping_interval=None,  # the client sends protocol-level pings itself
                max_size=max_size,
                proxy=None,
                user_agent_header=user_agent,
            )
        except InvalidURI as exc:
            raise ConnectFailed(str(exc), ConnectionRejected(f"invalid server URL: {exc}")) from exc
        except InvalidStatus as exc:
            status = exc.response.status_code
            message = f"the server refused the WebSocket upgrade (HTTP {status})"
            fatal: HeadsetClientError | None = None
            if status in (401, 403):
                fatal = AuthRejected(
                    f"device token refused (HTTP {status})", CloseCode.UNAUTHORIZED
                )
            elif status == 426:
                fatal = ProtocolMismatch(message, CloseCode.PROTOCOL_MISMATCH)
            elif status == 404:
                fatal = ConnectionRejected(f"no headset endpoint at {url} (HTTP 404)")
            raise ConnectFailed(message, fatal) from exc
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            raise ConnectFailed(f"{type(exc).__name__}: {exc}" if str(exc) else repr(exc)) from exc
        return WebSocketTransport(ws)

    return connect_ws
