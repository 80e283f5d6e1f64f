"""`/ws/staff`: live state for staff clients and their commands.

The first frame must be `auth` with a staff token within `auth_timeout_s` (close 4401
otherwise), unless the upgrade request carries a valid `vr_staff` cookie from this server's
own pages: then the connection is authenticated at once. The client then gets a `snapshot` and
every later delta published on the `staff` channel; requests are answered with `reply` or
`error`, both carrying the `request_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from urllib.parse import urlsplit

from fastapi import WebSocket

from vr_server.api.deps import STAFF_COOKIE
from vr_server.bus import Subscription
from vr_server.bus.base import RESET
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import ServerError, Unavailable
from vr_server.gc_pause import collector_paused
from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.protocol.headset import Error, Pong
from vr_server.protocol.staff import (
    Assign,
    Auth,
    CallTicket,
    HeadsetMessageRequest,
    Reply,
    SessionCommand,
    SetStatus,
    Snapshot,
    StaffMessage,
    StaffPing,
    snapshot_json_in_slices,
    staff_message_adapter,
)
from vr_server.services import Services
from vr_server.ws.badinput import clip
from vr_server.ws.connection import Closed, Connection, FrameError, FrameReader, first_frame
from vr_server.ws.connection import pump as pump_messages
from vr_server.ws.kiosk import KIOSK_ONLY, QUEUE_CHANGED, SOCKET_KINDS, for_board, request_id

log = logging.getLogger(__name__)
STAFF_TYPES = {"auth", "assign", "session_command", "message", "ping", "call_ticket", "set_status"}
ACTIVE = ["assigned", "loading", "ready", "running", "paused"]


async def staff_socket(ws: WebSocket) -> None:
    services: Services = ws.app.state.services
    settings = services.settings
    await ws.accept()
    conn = Connection(
        ws,
        settings.outbox_size * 4,
        settings.max_errors_per_minute,
        settings.outbox_max_bytes * 16,  # the snapshot: 3 MB at 10,000 headsets
    )
    conn.start()
    reader: FrameReader[StaffMessage] = FrameReader(
        staff_message_adapter, STAFF_TYPES, settings.max_frame_bytes
    )
    subscription: Subscription | None = None
    pumping: asyncio.Task[None] | None = None
    try:
        # A browser page signed in with the `vr_staff` cookie needs no `auth` frame.
        cookie = await _cookie_token(ws, services)
        msg = (
            Auth(token=cookie)
            if cookie
            else await first_frame(conn, reader, Auth, settings.auth_timeout_s)
        )
        if msg is None:
            return
        try:
            principal = await services.auth.authenticate(msg.token, SOCKET_KINDS)
        except Unavailable as exc:  # the token may be fine: the client reconnects later
            conn.send(Error(code=exc.code, message=exc.message))
            conn.request_close(CloseCode.INTERNAL_ERROR, "the database is unreachable")
            return
        except ServerError as exc:
            conn.send(Error(code=ErrorCode.AUTH_FAILED, message=exc.message))
            conn.request_close(CloseCode.UNAUTHORIZED, "wrong staff credentials")
            return
        services.revocations.track(conn, msg.token, principal.subject_id)
        board = principal.kind == "kiosk"  # a queue TV: `queue_changed` only, no requests
        conn.who = f"{principal.kind} {clip(principal.name)}"
        # Subscribe before taking the snapshot so that no delta falls between the two (on
        # Redis, once the subscription is confirmed; if Redis is down, a RESET follows later).
        subscription = services.bus.subscribe(STAFF_CHANNEL, maxsize=settings.outbox_size * 4)
        await subscription.ready(settings.redis_timeout_s)
        conn.send(QUEUE_CHANGED if board else await _snapshot(services))
        pumping = asyncio.create_task(_deliver(conn, services, subscription, board))
        while True:
            raw = await conn.receive(settings.heartbeat_timeout_s)
            try:
                request = reader.parse(raw)
            except FrameError as err:
                conn.report(err)
                continue
            if board and not isinstance(request, StaffPing):
                conn.report(FrameError(ErrorCode.NOT_ALLOWED, KIOSK_ONLY, request_id(request)))
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
        services.revocations.untrack(conn)
        await conn.finish()


async def _snapshot(services: Services) -> str:
    """The snapshot as JSON (megabytes for thousands of headsets: built and serialised in
    slices, the event loop free in between), with the cyclic collector paused so that it never
    walks the views (vr_server/gc_pause.py); they are dropped before the pause ends."""
    with collector_paused():
        headsets = await services.fleet.views()
        snapshot = Snapshot(
            headsets=headsets,
            sessions=await services.sessions.views(states=ACTIVE, limit=10_000),
            catalog=await services.catalog.summaries(),
            queue=await services.queue.view(headsets),
        )
        text = await snapshot_json_in_slices(snapshot)
        del snapshot, headsets
    return text


async def _cookie_token(ws: WebSocket, services: Services) -> str | None:
    """The `vr_staff` cookie's token when it is a valid staff token and the page that opened
    the socket is this server's own (Origin matches Host); None: use the `auth` frame."""
    token = ws.cookies.get(STAFF_COOKIE)
    if not token or len(token) > 256:
        return None
    origin = ws.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != ws.headers.get("host"):
        return None  # another site's page: its cookies prove nothing
    try:
        await services.auth.authenticate(token, SOCKET_KINDS)
    except Unavailable:
        return token  # the check after this one reports the outage
    except ServerError:
        return None  # an expired or revoked cookie: the `auth` frame may still come
    return token


async def _deliver(
    conn: Connection, services: Services, subscription: Subscription, board: bool
) -> None:
    """Forward the staff channel (to a kiosk: `queue_changed` for each queue update). After the
    bus got its broker back (RESET), what was published during the outage is lost: the client
    gets a fresh snapshot instead."""
    reset = False
    forward = for_board(conn.send) if board else conn.send

    def handle(message: str) -> bool:
        nonlocal reset
        if message == RESET:
            reset = True
            subscription.direct = None  # until the fresh snapshot: later frames wait behind it
            return False
        forward(message)
        return True

    def direct(message: str) -> bool:  # without waking this task; RESET goes to `handle`
        if message == RESET:
            return False
        forward(message)
        return True

    while True:
        reset = False
        subscription.direct = direct
        await pump_messages(conn, subscription, handle)
        if not reset:
            return
        try:
            conn.send(QUEUE_CHANGED if board else await _snapshot(services))
        except Exception:  # e.g. the database is down as well: the client reconnects later
            log.warning("staff socket: no fresh snapshot after a bus reconnect", exc_info=True)
            conn.request_close(CloseCode.INTERNAL_ERROR, "could not resynchronise")
            return


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
        elif isinstance(request, CallTicket):
            ticket = await services.queue.call(
                request.ticket_id, request.headset_id, request.scene_id
            )
            conn.send(Reply(request_id=request.request_id, session_id=ticket.session_id))
        elif isinstance(request, SetStatus):
            await services.fleet.set_status(request.headset_id, request.status)
            conn.send(Reply(request_id=request.request_id))
    except ServerError as exc:
        conn.send(Error(code=exc.code, message=exc.message, request_id=request.request_id))
