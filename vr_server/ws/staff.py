"""`/ws/staff`: live state for staff clients and their commands.

The first frame must be `auth` with a staff token within `auth_timeout_s` (close 4401
otherwise), unless the upgrade request carries a valid `vr_staff` cookie from this server's
own pages: then the connection is authenticated at once. The client then gets a `snapshot` and
every later delta published on the `staff` channel; requests, one handler each in the registry
`STAFF` (vr_server/ws/registry.py), are answered with `reply` or `error`, both carrying the
`request_id`. A kiosk's requests go through `KIOSK` (vr_server/ws/kiosk.py) instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import WebSocket
from pydantic import BaseModel

from vr_server.badinput import clip
from vr_server.bus import Subscription
from vr_server.bus.base import RESET
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import FrameError, ServerError, Unavailable
from vr_server.gc_pause import collector_paused
from vr_server.protocol.errors import ErrorCode
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
    Unwatch,
    Watch,
    snapshot_json_in_slices,
    staff_message_adapter,
)
from vr_server.services import Services
from vr_server.services.auth import STAFF_COOKIE
from vr_server.tasks import cancel
from vr_server.ws.connection import Connection, FrameReader, first_frame, logging_in
from vr_server.ws.kiosk import KIOSK, QUEUE_CHANGED, SOCKET_KINDS, for_board
from vr_server.ws.registry import Link, Registry, accepted, answer_ping
from vr_server.ws.relay import relay
from vr_server.ws.watching import StaffLink, unwatch, unwatch_all, watch

log = logging.getLogger(__name__)
ACTIVE = ["assigned", "loading", "ready", "running", "paused"]

STAFF: Registry[StaffLink] = Registry(StaffMessage, "/ws/staff")
STAFF.fast(StaffPing)(answer_ping)


@STAFF.on(Auth)
async def _auth_again(link: Link, msg: Auth) -> None:
    raise FrameError(ErrorCode.INVALID_STATE, "already authenticated")


StaffRequest = TypeVar("StaffRequest", bound=Callable[[StaffLink, Any], Awaitable[str | None]])


def _request(model: type[BaseModel]) -> Callable[[StaffRequest], StaffRequest]:
    """Register the handler of a request: it is answered by `reply` with the session id the
    handler returns (if any)."""

    def register(request: StaffRequest) -> StaffRequest:
        async def run(link: StaffLink, msg: Any) -> None:
            session_id = await request(link, msg)
            link.conn.send(Reply(request_id=msg.request_id, session_id=session_id))

        STAFF.on(model)(run)
        return request

    return register


@_request(Assign)
async def _assign(link: Link, msg: Assign) -> str:
    sessions = link.services.sessions
    return (await sessions.assign(msg.headset_id, msg.scene_id, msg.language, msg.autostart)).id


@_request(SessionCommand)
async def _session_command(link: Link, msg: SessionCommand) -> str:
    return (await link.services.sessions.command(msg.session_id, msg.command, msg.language)).id


@_request(HeadsetMessageRequest)
async def _message(link: Link, msg: HeadsetMessageRequest) -> None:
    await link.services.sessions.message(msg.headset_id, msg.text)


@_request(CallTicket)
async def _call_ticket(link: Link, msg: CallTicket) -> str | None:
    return (await link.services.queue.call(msg.ticket_id, msg.headset_id, msg.scene_id)).session_id


@_request(SetStatus)
async def _set_status(link: Link, msg: SetStatus) -> None:
    await link.services.fleet.set_status(msg.headset_id, msg.status)


@_request(Watch)
async def _watch(link: StaffLink, msg: Watch) -> None:
    await watch(link, msg.headset_id)


@_request(Unwatch)
async def _unwatch(link: StaffLink, msg: Unwatch) -> None:
    await unwatch(link, msg.headset_id)


STAFF.check()


async def staff_socket(ws: WebSocket) -> None:
    # a larger outbox, and room for the snapshot: 3 MB at 10,000 headsets
    async with accepted(ws, outbox_scale=4, pending_scale=16) as link:
        conn, services = link.conn, link.services
        settings = services.settings
        reader = STAFF.reader(staff_message_adapter, settings.max_frame_bytes)
        # A browser page signed in with the `vr_staff` cookie needs no `auth` frame.
        cookie = await _cookie_token(ws, services)
        msg = (
            Auth(token=cookie)
            if cookie
            else await first_frame(conn, reader, Auth, settings.auth_timeout_s)
        )
        with logging_in("staff"):
            principal = await services.auth.authenticate(msg.token, SOCKET_KINDS)
        services.revocations.track(conn, msg.token, principal.subject_id)
        board = principal.kind == "kiosk"  # a queue TV: `queue_changed` only, no requests
        conn.who = f"{principal.kind} {clip(principal.name)}"
        await _serve(StaffLink(conn, services), reader, board)


async def _serve(link: StaffLink, reader: FrameReader[StaffMessage], board: bool) -> None:
    conn, services = link.conn, link.services
    settings = services.settings
    # Subscribe before taking the snapshot so that no delta falls between the two (on Redis,
    # once the subscription is confirmed; if Redis is down, a RESET follows later).
    subscription = services.bus.subscribe(STAFF_CHANNEL, maxsize=settings.outbox_size * 4)
    pumping: asyncio.Task[None] | None = None
    try:
        await subscription.ready(settings.redis_timeout_s)
        conn.send(QUEUE_CHANGED if board else await _snapshot(services))
        pumping = asyncio.create_task(_deliver(conn, services, subscription, board))
        await (KIOSK if board else STAFF).serve(link, reader, settings.heartbeat_timeout_s)
    finally:
        await cancel(pumping)
        services.bus.unsubscribe(subscription)
        await unwatch_all(link)


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
    send = for_board(conn.send) if board else conn.send

    def forward(message: str) -> bool:
        send(message)
        return True

    def direct(message: str) -> bool:  # without waking this task; RESET goes to `forward`
        return message != RESET and forward(message)

    async def resync() -> str:
        return QUEUE_CHANGED if board else await _snapshot(services)

    await relay(conn, subscription, forward, direct, resync)
