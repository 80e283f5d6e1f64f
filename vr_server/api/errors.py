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
    return JSONResponse(
        {"detail": exc.message, "code": exc.code.value},
        status_code=exc.http_status,
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServerError)
    async def _server_error(_request: Request, exc: ServerError) -> JSONResponse:
        return error_response(exc)
