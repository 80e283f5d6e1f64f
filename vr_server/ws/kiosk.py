"""What a kiosk (queue TV, check-in tablet) gets on `/ws/staff`: `queue_changed` instead of the
snapshot and of every `queue_update` (the board then reads `GET /api/queue/board`: labels,
headset names and waits), nothing else; every request but `ping` is refused."""

from __future__ import annotations

from collections.abc import Callable

from vr_server.protocol.staff import QueueChanged, StaffMessage
from vr_server.storage.records import TokenKind

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


def request_id(request: StaffMessage) -> str | None:
    return getattr(request, "request_id", None)
