"""How large a request body may be, and what happens to one that is larger.

Every request body is limited while it is read, chunked bodies too: 64 KiB (`MAX_BODY_BYTES`)
unless the route names its own limit with FastAPI's `max_body_size=`. The limit is checked
when the route first reads the body (after routing, before any parsing or validation): a
`Content-Length` over the limit is refused before a byte of the body is read; a body without
one is counted as it arrives and refused once it passes the limit. Either way the answer is 413
in the server's error shape, and the connection is closed after it, so the rest of a large
body is not read and thrown away.

Routes with their own limits:
- `PUT /api/content/blobs/{sha256}` streams its body to disk and stops at VR_MAX_UPLOAD_MB
  itself (`STREAMED`: no limit here);
- `POST /api/content/scenes` reads a manifest of up to `MAX_MANIFEST_BYTES`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from vr_server.protocol.errors import ErrorCode

MAX_BODY_BYTES = 64 * 1024
"""Largest request body of a route that names no limit of its own."""
STREAMED = 2**62
"""`max_body_size` of a route that streams its body and enforces its own limit."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(HTTPException):
    """Raised from `receive`: an HTTPException, so FastAPI passes it on while it reads a body
    (any other exception there becomes a 400)."""

    def __init__(self) -> None:
        super().__init__(
            status_code=413, detail="the request body is larger than this route accepts"
        )


def too_large() -> JSONResponse:
    """The 413 answer, in the server's error shape; the connection closes after it."""
    return JSONResponse(
        {
            "detail": "the request body is larger than this route accepts",
            "code": ErrorCode.FRAME_TOO_LARGE.value,
        },
        status_code=413,
        headers={"Connection": "close"},
    )


def _body_framing(scope: Scope) -> tuple[bool, int | None]:
    """(whether the request has a body, its Content-Length when it says one)."""
    has_body = False
    length: int | None = None
    for name, value in scope["headers"]:
        if name == b"content-length":
            has_body = True
            try:
                length = int(value)
            except ValueError:
                length = None  # uvicorn's parser refuses these before the app runs
        elif name == b"transfer-encoding":
            has_body = True
    return has_body, length


class BodyLimit:
    """Pure ASGI middleware: `receive` limited to the route's body size (see the module)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_body, length = _body_framing(scope)
        if not has_body:  # most requests (GET /assets): nothing to count
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        def limit() -> int:
            own = getattr(scope.get("route"), "max_body_size", None)  # set by routing
            return own if isinstance(own, int) else MAX_BODY_BYTES

        async def limited_receive() -> Message:
            nonlocal received
            if length is not None and length > limit():
                raise BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit():
                    raise BodyTooLarge()
            return message

        async def send_closing(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if message["status"] == 413:
                    headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                    message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_closing)
        except BodyTooLarge:
            if started:
                raise
            await too_large()(scope, receive, send)


def install_body_limits(app: FastAPI) -> None:
    async def _too_large(_request: Request, _exc: Exception) -> JSONResponse:
        return too_large()

    app.add_exception_handler(413, _too_large)
    app.add_middleware(BodyLimit)
