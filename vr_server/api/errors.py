"""The one place where service exceptions become HTTP responses."""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from vr_server.errors import ServerError, TooManyRequests


def error_response(exc: ServerError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
    if isinstance(exc, TooManyRequests):  # whole seconds, at least 1
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after_s)))}
    body: dict[str, object] = {"detail": exc.message, "code": exc.code.value}
    if exc.reason is not None:  # what a headset app words for the visitor (protocol/errors.py)
        body["reason"] = exc.reason.value
        body["params"] = exc.params
    return JSONResponse(
        body,
        status_code=exc.http_status,
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServerError)
    async def _server_error(_request: Request, exc: ServerError) -> JSONResponse:
        return error_response(exc)
