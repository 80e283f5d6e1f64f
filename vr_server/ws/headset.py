"""`/ws/headset`: the socket of one headset.

The first frame must be `hello` within `auth_timeout_s`; anything else is answered with an
`error` frame and close code 4401, as are wrong credentials. A protocol version other than ours
closes with 4426. After `welcome` (and the session to resume, if any), frames go through the
registry `HEADSET` (vr_server/ws/registry.py): one handler per message type; telemetry, pings
and command acks are fast, taken in the read callback on the direct receive path, the rest run
in the connection's task. Frames for this headset arriving on the bus (`headset.<id>`) are
forwarded. When the same headset connects again, the older connection is closed with 4409.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import WebSocket

from vr_server import __version__
from vr_server.badinput import clip
from vr_server.bus import Subscription
from vr_server.bus.channels import (
    control_message,
    headset_channel,
    is_frame_message,
    parse_channel_message,
)
from vr_server.errors import FrameError, Refused
from vr_server.protocol.distribution import CacheInventory, DownloadProgress, DownloadRequest
from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.protocol.headset import (
    Assignment,
    CallStaffRequest,
    CommandAck,
    Event,
    HeadsetIdentity,
    HeadsetMessage,
    Hello,
    LoadFailed,
    Loading,
    Ping,
    Rating,
    Ready,
    RequestScene,
    Telemetry,
    Welcome,
    headset_message_adapter,
)
from vr_server.protocol.poses import PoseFrame, PoseRate
from vr_server.protocol.version import PROTOCOL_VERSION
from vr_server.services import Services
from vr_server.services.results import with_result_address
from vr_server.services.watch import Watchers
from vr_server.storage.records import HeadsetRecord
from vr_server.tasks import cancel
from vr_server.ws.connection import Connection, FrameReader, first_frame, logging_in
from vr_server.ws.registry import Link, Registry, accepted, answer_ping
from vr_server.ws.relay import relay

log = logging.getLogger(__name__)


@dataclass(eq=False, slots=True)
class HeadsetLink(Link):
    """The connection of one authenticated headset."""

    headset: HeadsetRecord
    watchers: Watchers = field(default_factory=Watchers)
    """The staff connections watching this headset (services/watch.py)."""


HEADSET: Registry[HeadsetLink] = Registry(HeadsetMessage, "/ws/headset")
HEADSET.fast(Ping)(answer_ping)


@HEADSET.fast(Telemetry)
def _telemetry(link: HeadsetLink, msg: Telemetry) -> None:
    """Twice a second from every headset: kept as its live state (services/fleet.py)."""
    link.services.fleet.telemetry(link.headset.id, msg)


@HEADSET.on(PoseFrame)
async def _pose(link: HeadsetLink, msg: PoseFrame) -> None:
    """Up to 20 a second while watched: relayed to the watchers, never stored. Frames nobody
    asked for (no watcher left) are dropped; an expired lease lowers the rate here."""
    _rate_changed(link.conn, link.watchers.expire())
    if len(link.watchers):
        await link.services.watch.relay(link.headset.id, msg)


def _rate_changed(conn: Connection, hz: int | None) -> None:
    if hz is not None:
        conn.send(PoseRate(hz=hz))


@HEADSET.fast(CommandAck)
def _command_ack(link: HeadsetLink, msg: CommandAck) -> None:
    log.debug("headset %s acknowledged command %s", link.headset.name, msg.command_id)


@HEADSET.on(Event, budget="too many invalid events")
async def _event(link: HeadsetLink, msg: Event) -> None:
    link.conn.send(await link.services.sessions.headset_event(link.headset.id, msg))


@HEADSET.on(Loading, Ready, LoadFailed)
async def _report(link: HeadsetLink, msg: Loading | Ready | LoadFailed) -> None:
    await link.services.sessions.headset_report(link.headset.id, msg)
    # prefetching pauses while a session loads (services/download_slots.py)
    await link.services.distribution.session_loading(link.headset.id, isinstance(msg, Loading))


@HEADSET.on(CacheInventory, budget="too many cache reports")
async def _inventory(link: HeadsetLink, msg: CacheInventory) -> None:
    distribution = link.services.distribution
    link.conn.send(await distribution.inventory(link.headset.id, link.conn.id, msg))


@HEADSET.on(DownloadRequest, budget="too many download requests")
async def _download_request(link: HeadsetLink, msg: DownloadRequest) -> None:
    await link.services.distribution.request(link.headset.id, msg)


@HEADSET.on(DownloadProgress, budget="too many download reports")
async def _download_progress(link: HeadsetLink, msg: DownloadProgress) -> None:
    await link.services.distribution.progress(link.headset.id, msg)


@HEADSET.on(RequestScene)
async def _request_scene(link: HeadsetLink, msg: RequestScene) -> None:
    await link.services.sessions.request_scene(link.headset.id, msg.scene_id, msg.language)


@HEADSET.on(Rating)
async def _rating(link: HeadsetLink, msg: Rating) -> None:
    link.conn.send(await link.services.results.rate(link.headset.id, msg))


@HEADSET.on(CallStaffRequest)
async def _call_staff(link: HeadsetLink, msg: CallStaffRequest) -> None:
    await link.services.sessions.call_staff(link.headset.id, msg.reason)


@HEADSET.on(Hello)
async def _hello_again(link: HeadsetLink, msg: Hello) -> None:
    raise FrameError(ErrorCode.INVALID_STATE, "hello was already received")


HEADSET.check()


async def headset_socket(ws: WebSocket) -> None:
    async with accepted(ws) as link:
        conn, services = link.conn, link.services
        reader = HEADSET.reader(headset_message_adapter, services.settings.max_frame_bytes)
        headset, hello = await _handshake(conn, reader, services)
        services.revocations.track(conn, hello.device_token, headset.id)
        await _serve(HeadsetLink(conn, services, headset), reader, hello)


async def _handshake(
    conn: Connection, reader: FrameReader[HeadsetMessage], services: Services
) -> tuple[HeadsetRecord, Hello]:
    """Read and check `hello`; Refused when the connection is refused."""
    msg = await first_frame(conn, reader, Hello, services.settings.auth_timeout_s)
    if msg.protocol != PROTOCOL_VERSION:
        raise Refused(
            ErrorCode.PROTOCOL_VERSION,
            f"this server speaks protocol {PROTOCOL_VERSION}, not {msg.protocol}",
            CloseCode.PROTOCOL_MISMATCH,
            "protocol version mismatch",
        )
    with logging_in("device"):
        headset = await services.auth.authenticate_device(msg.device_id, msg.device_token)
    return headset, msg


async def _serve(link: HeadsetLink, reader: FrameReader[HeadsetMessage], hello: Hello) -> None:
    conn, services, headset = link.conn, link.services, link.headset
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
        await services.watch.ask(headset.id)  # staff watching it say so again
        assignment = await services.sessions.headset_connected(headset, conn.id, hello.app_version)
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
        pumping = asyncio.create_task(_forward(link, subscription))
        conn.take_directly(HEADSET.direct(link, reader))
        await HEADSET.serve(link, reader, services.settings.heartbeat_timeout_s)
    finally:
        await cancel(pumping)
        services.bus.unsubscribe(subscription)
        await services.fleet.disconnected(headset.id, conn.id)
        await services.distribution.disconnected(headset.id, conn.id)


async def _forward(link: HeadsetLink, subscription: Subscription) -> None:
    """Forward the headset's channel. After the bus got its broker back (RESET), commands
    published during the outage are lost: the active session's assignment is sent again, with
    its state (the client takes a repeated assignment of its session as a resynchronisation)."""
    conn, services, headset_id = link.conn, link.services, link.headset.id
    forward = _channel_handler(conn, link.watchers)

    def direct(message: str) -> bool:  # frames without waking this task; the rest: `forward`
        return is_frame_message(message) and forward(message)

    async def resync() -> Assignment | None:
        return await services.sessions.assignment_for(headset_id)

    await relay(conn, subscription, forward, direct, resync)


def _http_base(conn: Connection) -> str:
    url = conn.ws.base_url
    scheme = {"ws": "http", "wss": "https"}.get(url.scheme, url.scheme)
    return f"{scheme}://{url.netloc}"


def _channel_handler(conn: Connection, watchers: Watchers) -> Callable[[str], bool]:
    base = _http_base(conn)

    def handle(message: str) -> bool:
        kind, body = parse_channel_message(message)
        if kind == "frame":
            conn.send(with_result_address(body, base))
            return True
        if body.startswith("replaced:") and body != f"replaced:{conn.id}":
            conn.request_close(CloseCode.REPLACED, "the headset connected again")
            return False
        if watchers.is_watch_word(body):
            _rate_changed(conn, watchers.control(body))
        return True

    return handle
