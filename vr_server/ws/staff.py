"""`/ws/staff`: live state for staff clients and their commands.

The first frame must be `auth` with a staff token within `auth_timeout_s` (close 4401
otherwise). The client then gets a `snapshot` and every later delta published on the `staff`
channel; requests are answered with `reply` or `error`, both carrying the `request_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from fastapi import WebSocket

from vr_server.bus import Subscription
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import ServerError
from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.protocol.headset import Error, Pong
from vr_server.protocol.staff import (
    Assign,
    Auth,
    HeadsetMessageRequest,
    Reply,
    SessionCommand,
    Snapshot,
    StaffMessage,
    StaffPing,
    staff_message_adapter,
)
from vr_server.services import Services
from vr_server.ws.connection import Closed, Connection, FrameError, FrameReader, first_frame
from vr_server.ws.connection import pump as pump_messages

log = logging.getLogger(__name__)
STAFF_TYPES = {"auth", "assign", "session_command", "message", "ping"}
ACTIVE = ["assigned", "loading", "ready", "running", "paused"]


async def staff_socket(ws: WebSocket) -> None:
    services: Services = ws.app.state.services
    settings = services.settings
    await ws.accept()
    conn = Connection(ws, settings.outbox_size * 4, settings.max_errors_per_minute)
    conn.start()
    reader: FrameReader[StaffMessage] = FrameReader(
        staff_message_adapter, STAFF_TYPES, settings.max_frame_bytes
    )
    subscription: Subscription | None = None
    pumping: asyncio.Task[None] | None = None
    try:
        msg = await first_frame(conn, reader, Auth, settings.auth_timeout_s)
        if msg is None:
            return
        try:
            await services.auth.authenticate(msg.token, {"staff"})
        except ServerError as exc:
            conn.send(Error(code=ErrorCode.AUTH_FAILED, message=exc.message))
            conn.request_close(CloseCode.UNAUTHORIZED, "wrong staff credentials")
            return
        # Subscribe before taking the snapshot so that no delta falls between the two.
        subscription = services.bus.subscribe(STAFF_CHANNEL, maxsize=settings.outbox_size * 4)
        conn.send(
            Snapshot(
                headsets=await services.fleet.views(),
                sessions=await services.sessions.views(states=ACTIVE, limit=10_000),
                catalog=await services.catalog.summaries(),
            )
        )
        pumping = asyncio.create_task(pump_messages(conn, subscription, _forward(conn)))
        while True:
            raw = await conn.receive(settings.heartbeat_timeout_s)
            try:
                request = reader.parse(raw)
            except FrameError as err:
                conn.report(err)
                continue
            await _handle(conn, services, request)
    except Closed:
        pass
    except Exception:
        log.exception("staff socket failed")
        conn.request_close(CloseCode.INTERNAL_ERROR, "internal error")
    finally:
        if pumping is not None:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping
        if subscription is not None:
            services.bus.unsubscribe(subscription)
        await conn.finish()


def _forward(conn: Connection) -> Callable[[str], bool]:
    def handle(message: str) -> bool:
        conn.send(message)
        return True

    return handle


async def _handle(conn: Connection, services: Services, request: StaffMessage) -> None:
    if isinstance(request, StaffPing):
        conn.send(Pong(t=request.t, server_time=time.time()))
        return
    if isinstance(request, Auth):
        conn.report(FrameError(ErrorCode.INVALID_STATE, "already authenticated"))
        return
    try:
        if isinstance(request, Assign):
            view = await services.sessions.assign(
                request.headset_id, request.scene_id, request.language, request.autostart
            )
            conn.send(Reply(request_id=request.request_id, session_id=view.id))
        elif isinstance(request, SessionCommand):
            view = await services.sessions.command(
                request.session_id, request.command, request.language
            )
            conn.send(Reply(request_id=request.request_id, session_id=view.id))
        elif isinstance(request, HeadsetMessageRequest):
            await services.sessions.message(request.headset_id, request.text)
            conn.send(Reply(request_id=request.request_id))
    except ServerError as exc:
        conn.send(Error(code=exc.code, message=exc.message, request_id=request.request_id))
