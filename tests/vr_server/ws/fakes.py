"""A Connection without a server: what it would write is read from its outbox."""

from __future__ import annotations

import json
from typing import Any, ClassVar, cast

from fastapi import WebSocket

from vr_server.ws.connection import Connection


class FakeClient:
    host = "192.0.2.7"
    port = 50123


class FakeWebSocket:
    """What Connection reads of a WebSocket before anything is written (no direct path)."""

    scope: ClassVar[dict[str, Any]] = {"extensions": {}}
    client = FakeClient()


def connection(error_budget: int = 10, outbox_size: int = 100) -> Connection:
    return Connection(cast(WebSocket, FakeWebSocket()), outbox_size, error_budget)


def sent(conn: Connection) -> list[str]:
    """The frames queued so far (the writer task never started), in order; the close
    sentinel is left out."""
    frames: list[str | None] = []
    while not conn.outbox.empty():
        frames.append(conn.outbox.get_nowait())
    return [text for text in frames if text is not None]


def sent_json(conn: Connection) -> list[dict[str, Any]]:
    return [json.loads(text) for text in sent(conn)]
