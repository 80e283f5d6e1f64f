"""`/ws/headset`: the socket of one headset.

The first frame must be `hello` within `auth_timeout_s`; anything else is answered with an
`error` frame and close code 4401, as are wrong credentials. A protocol version other than ours
closes with 4426. After `welcome` (and the session to resume, if any), frames are dispatched to
the services; frames for this headset arriving on the bus (`headset.<id>`) are forwarded. When
the same headset connects again, the older connection is closed with 4409.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import WebSocket

from vr_server import __version__
from vr_server.bus import Subscription
from vr_server.bus.base import RESET
from vr_server.bus.channels import (
    control_message,
    headset_channel,
    is_frame_message,
    parse_channel_message,
)
from vr_server.errors import ServerError, Unavailable
from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.protocol.headset import (
    CallStaffRequest,
    CommandAck,
    Error,
    Event,
    HeadsetIdentity,
    HeadsetMessage,
    Hello,
    LoadFailed,
    Loading,
    Ping,
    Pong,
    Rating,
    Ready,
    RequestScene,
    Telemetry,
    Welcome,
    headset_message_adapter,
)
from vr_server.protocol.version import PROTOCOL_VERSION
from vr_server.services import Services
from vr_server.storage.records import HeadsetRecord
from vr_server.ws.badinput import clip
from vr_server.ws.connection import (
    Closed,
    Connection,
    FrameError,
    FrameReader,
    first_frame,
    pump,
)

log = logging.getLogger(__name__)

HEADSET_TYPES = {
    "rating",
    "call_staff",
    "request_scene",
    "hello",
    "loading",
    "ready",
    "load_failed",
    "event",
    "telemetry",
    "ping",
    "command_ack",
}


async def headset_socket(ws: WebSocket) -> None:
    services: Services = ws.app.state.services
    settings = services.settings
    await ws.accept()
    conn = Connection(
        ws, settings.outbox_size, settings.max_errors_per_minute, settings.outbox_max_bytes
    )
    conn.start()
    reader: FrameReader[HeadsetMessage] = FrameReader(
        headset_message_adapter, HEADSET_TYPES, settings.max_frame_bytes
    )
    try:
        accepted = await _handshake(conn, reader, services)
        if accepted is not None:
            services.revocations.track(conn, accepted[1].device_token, accepted[0].id)
            await _serve(conn, reader, services, *accepted)
    except Closed:
        pass
    except Exception:
        log.exception("headset socket failed")
        conn.request_close(CloseCode.INTERNAL_ERROR, "internal error")
    finally:
        services.revocations.untrack(conn)
        await conn.finish()


async def _handshake(
    conn: Connection, reader: FrameReader[HeadsetMessage], services: Services
) -> tuple[HeadsetRecord, Hello] | None:
    """Read and check `hello`; None when the connection is being refused."""
    msg = await first_frame(conn, reader, Hello, services.settings.auth_timeout_s)
    if msg is None:
        return None
    if msg.protocol != PROTOCOL_VERSION:
        conn.send(
            Error(
                code=ErrorCode.PROTOCOL_VERSION,
                message=f"this server speaks protocol {PROTOCOL_VERSION}, not {msg.protocol}",
            )
        )
        conn.request_close(CloseCode.PROTOCOL_MISMATCH, "protocol version mismatch")
        return None
    try:
        headset = await services.auth.authenticate_device(msg.device_id, msg.device_token)
    except Unavailable as exc:  # not the headset's fault: it reconnects and tries again
        conn.send(Error(code=exc.code, message=exc.message))
        conn.request_close(CloseCode.INTERNAL_ERROR, "the database is unreachable")
        return None
    except ServerError as exc:
        conn.send(Error(code=ErrorCode.AUTH_FAILED, message=exc.message))
        conn.request_close(CloseCode.UNAUTHORIZED, "wrong device credentials")
        return None
    return headset, msg


async def _serve(
    conn: Connection,
    reader: FrameReader[HeadsetMessage],
    services: Services,
    headset: HeadsetRecord,
    hello: Hello,
) -> None:
    # Subscribe before anything can be sent to this headset: from here on no frame is lost.
    # Frames published meanwhile wait in the subscription until the pump starts below.
    channel = headset_channel(headset.id)
    subscription = services.bus.subscribe(channel, maxsize=services.settings.outbox_size)
    # A closing connection stops counting as a receiver at once: a command published then is
    # answered `headset_offline`, not "sent" (the bus counts who took it).
    conn.on_closing(lambda: services.bus.unsubscribe(subscription))
    conn.who = f"headset {clip(headset.name)} ({headset.id})"
    pumping: asyncio.Task[None] | None = None
    try:
        # On Redis the subscription delivers once Redis confirmed it (if Redis is down, the
        # RESET after its return resynchronises this connection).
        await subscription.ready(services.settings.redis_timeout_s)
        # Tell any older connection of this headset (on any instance) to step down.
        await services.bus.publish(channel, control_message(f"replaced:{conn.id}"))
        active = await services.store.sessions.live_for_headset(headset.id)
        await services.fleet.connected(headset, conn.id, hello.app_version, active)
        assignment = await services.sessions.assignment_frame(active) if active else None
        conn.send(
            Welcome(
                protocol=PROTOCOL_VERSION,
                server_version=__version__,
                headset=HeadsetIdentity(id=headset.id, name=headset.name),
                heartbeat_s=services.settings.heartbeat_s,
                self_service=services.settings.self_service,
                session_id=assignment.session_id if assignment else None,
                server_time=datetime.now(UTC),
            )
        )
        if assignment is not None:  # sent before the pump starts: it directly follows welcome
            conn.send(assignment)
        pumping = asyncio.create_task(_forward(conn, services, headset.id, subscription))
        conn.take_directly(_direct_handler(conn, reader, services, headset.id))
        timeout = services.settings.heartbeat_timeout_s
        while True:
            raw = await conn.receive(timeout)
            try:
                msg = reader.parse(raw)
            except FrameError as err:
                conn.report(err)
                continue
            try:
                await _dispatch(conn, services, headset, msg)
            except Unavailable as exc:  # the database is down: nothing was stored, go on
                conn.send(Error(code=exc.code, message=exc.message))
    finally:
        if pumping is not None:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping
        services.bus.unsubscribe(subscription)
        await services.fleet.disconnected(headset.id, conn.id)


async def _forward(
    conn: Connection, services: Services, headset_id: str, subscription: Subscription
) -> None:
    """Forward the headset's channel. After the bus got its broker back (RESET), commands
    published during the outage are lost: the active session's assignment is sent again, with
    its state (the client takes a repeated assignment of its session as a resynchronisation)."""
    reset = False
    forward = _channel_handler(conn)

    def handle(message: str) -> bool:
        nonlocal reset
        if message == RESET:
            reset = True
            subscription.direct = None  # until resynchronised: later frames wait behind it
            return False
        return forward(message)

    def direct(message: str) -> bool:  # frames without waking this task; the rest: `handle`
        return is_frame_message(message) and forward(message)

    while True:
        reset = False
        subscription.direct = direct
        await pump(conn, subscription, handle)
        if not reset:
            return
        try:
            assignment = await services.sessions.assignment_for(headset_id)
        except Exception:  # e.g. the database is down too: the client reconnects later
            log.warning("headset socket: no resync after a bus reconnect", exc_info=True)
            conn.request_close(CloseCode.INTERNAL_ERROR, "could not resynchronise")
            return
        if assignment is not None:
            conn.send(assignment)


_RESULT_PREFIX = '{"type":"result",'


def _absolute_result_url(frame: str, base: str) -> str:
    """A `result` frame whose `result_url` is a path (no VR_PUBLIC_URL) gets the address this
    headset reached the server at in front, so that its QR code works on a visitor's phone."""
    data = json.loads(frame)
    url = data.get("result_url")
    if isinstance(url, str) and url.startswith("/"):
        data["result_url"] = base + url
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return frame


def _http_base(conn: Connection) -> str:
    url = conn.ws.base_url
    scheme = {"ws": "http", "wss": "https"}.get(url.scheme, url.scheme)
    return f"{scheme}://{url.netloc}"


def _channel_handler(conn: Connection) -> Callable[[str], bool]:
    def handle(message: str) -> bool:
        kind, body = parse_channel_message(message)
        if kind == "frame":
            if body.startswith(_RESULT_PREFIX):
                body = _absolute_result_url(body, _http_base(conn))
            conn.send(body)
            return True
        if body.startswith("replaced:") and body != f"replaced:{conn.id}":
            conn.request_close(CloseCode.REPLACED, "the headset connected again")
            return False
        return True

    return handle


def _direct_handler(
    conn: Connection, reader: FrameReader[HeadsetMessage], services: Services, headset_id: str
) -> Callable[[str | bytes], bool]:
    """Telemetry (twice a second from every headset), pings and bad frames are dealt with in
    the socket's read callback, without waking the connection's task; anything else is
    received by `_serve`'s loop (see `Connection.take_directly`)."""

    def take(message: str | bytes) -> bool:
        try:
            msg = reader.parse_message(message)
        except FrameError as err:
            conn.report(err)
            return True
        if isinstance(msg, Telemetry):
            services.fleet.telemetry(headset_id, msg)
            return True
        if isinstance(msg, Ping):
            conn.send(Pong(t=msg.t, server_time=time.time()))
            return True
        return False

    return take


async def _dispatch(
    conn: Connection, services: Services, headset: HeadsetRecord, msg: HeadsetMessage
) -> None:
    if isinstance(msg, Event):
        reply = await services.sessions.headset_event(headset.id, msg)
        conn.send(reply)
        if isinstance(reply, Error) and not conn.errors.spend():
            conn.request_close(CloseCode.TOO_MANY_ERRORS, "too many invalid events")
    elif isinstance(msg, Telemetry):
        services.fleet.telemetry(headset.id, msg)
    elif isinstance(msg, Ping):
        conn.send(Pong(t=msg.t, server_time=time.time()))
    elif isinstance(msg, Loading | Ready | LoadFailed):
        error = await services.sessions.headset_report(headset.id, msg)
        if error is not None:
            conn.send(error)
    elif isinstance(msg, RequestScene):
        try:
            await services.sessions.request_scene(headset.id, msg.scene_id, msg.language)
        except ServerError as exc:
            conn.send(Error(code=exc.code, message=exc.message))
    elif isinstance(msg, CommandAck):
        log.debug("headset %s acknowledged command %s", headset.name, msg.command_id)
    elif isinstance(msg, Rating):
        try:
            conn.send(await services.results.rate(headset.id, msg))
        except ServerError as exc:
            conn.send(Error(code=exc.code, message=exc.message))
    elif isinstance(msg, CallStaffRequest):
        await services.sessions.call_staff(headset.id, msg.reason)
    elif isinstance(msg, Hello):
        conn.report(FrameError(ErrorCode.INVALID_STATE, "hello was already received"))
