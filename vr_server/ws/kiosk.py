"""What a kiosk (queue TV, check-in tablet) gets on `/ws/staff`: `queue_changed` instead of the
snapshot and of every `queue_update` (the board then reads `GET /api/queue/board`: labels,
headset names and waits), and the poses of a headset it `watch`es (the board's "now playing"
tile: poses are no personal data); every other request but `ping` is refused (`not_allowed`,
counted as an invalid frame), by the registry `KIOSK`."""

from __future__ import annotations

from collections.abc import Callable

from vr_server.errors import FrameError
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.staff import (
    Assign,
    Auth,
    CallTicket,
    HeadsetMessageRequest,
    QueueChanged,
    Reply,
    SessionCommand,
    SetStatus,
    StaffMessage,
    StaffPing,
    Unwatch,
    Watch,
)
from vr_server.storage.records import TokenKind
from vr_server.ws.registry import Link, Registry, answer_ping
from vr_server.ws.watching import StaffLink, unwatch, watch

SOCKET_KINDS: set[TokenKind] = {"staff", "admin", "kiosk"}
QUEUE_CHANGED = QueueChanged().model_dump_json()
KIOSK_ONLY = "a kiosk only shows the queue board"
_QUEUE_UPDATE = '{"type":"queue_update"'


def for_board(send: Callable[[str], object]) -> Callable[[str], None]:
    """A staff-channel forwarder that passes only queue changes, as `queue_changed`."""

    def forward(message: str) -> None:
        if message.startswith(_QUEUE_UPDATE):
            send(QUEUE_CHANGED)

    return forward


KIOSK: Registry[StaffLink] = Registry(StaffMessage, "/ws/staff (a kiosk)")
KIOSK.fast(StaffPing)(answer_ping)


@KIOSK.fast(Auth, Assign, SessionCommand, HeadsetMessageRequest, CallTicket, SetStatus)
def _refused(link: Link, msg: StaffMessage) -> None:
    raise FrameError(ErrorCode.NOT_ALLOWED, KIOSK_ONLY)


@KIOSK.on(Watch)
async def _watch(link: StaffLink, msg: Watch) -> None:
    await watch(link, msg.headset_id)
    link.conn.send(Reply(request_id=msg.request_id))


@KIOSK.on(Unwatch)
async def _unwatch(link: StaffLink, msg: Unwatch) -> None:
    await unwatch(link, msg.headset_id)
    link.conn.send(Reply(request_id=msg.request_id))


KIOSK.check()
