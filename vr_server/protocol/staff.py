"""Messages between staff clients (dashboard, CLI) and the server on `/ws/staff`.

Flow: the client sends `auth` with a staff token within a few seconds (a browser whose upgrade
request carries a valid `vr_staff` cookie skips it), gets a `snapshot` of every headset,
active session and the walk-in queue, then live `headset_update` / `session_update` /
`queue_update` / `alert` deltas. Requests carry a `request_id` and are answered by `reply` or
`error`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Literal, TypeVar

from pydantic import Field, TypeAdapter

from content_tools.format import Language, LocalizedText
from vr_server.protocol.common import HeadsetView, Id, SceneSummary, SessionView, Wire
from vr_server.protocol.headset import Error, Pong
from vr_server.protocol.poses import WatchedPose
from vr_server.protocol.queue import QueueView

RequestId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="Chosen by the client; the `reply` or `error` echoes it.",
    ),
]

# ---------------------------------------------------------------- staff -> server


class Auth(Wire):
    type: Literal["auth"] = "auth"
    token: Annotated[str, Field(min_length=1, max_length=256)] = Field(
        description="An admin, staff or kiosk token."
    )


class Assign(Wire):
    type: Literal["assign"] = "assign"
    request_id: RequestId
    headset_id: Id
    scene_id: Id
    language: Language = "th"
    autostart: bool = Field(default=True, description="Start as soon as the headset is ready.")


SessionCommandName = Literal["start", "pause", "resume", "end", "recenter", "language"]


class SessionCommand(Wire):
    type: Literal["session_command"] = "session_command"
    request_id: RequestId
    session_id: Id
    command: SessionCommandName
    language: Language | None = None


class HeadsetMessageRequest(Wire):
    """A short message shown to the visitor wearing the headset."""

    type: Literal["message"] = "message"
    request_id: RequestId
    headset_id: Id
    text: LocalizedText


class StaffPing(Wire):
    """The staff socket closes after `VR_HEARTBEAT_TIMEOUT_S` (30 s) without a frame: a client
    that has nothing to send pings every `VR_HEARTBEAT_S` (10 s)."""

    type: Literal["ping"] = "ping"
    t: float | None = Field(default=None, description="Any number; the `pong` echoes it.")


class CallTicket(Wire):
    """Call a waiting ticket to a headset: a session for the ticket's first interest (or
    `scene_id`) in the ticket's language. The reply carries the new session id."""

    type: Literal["call_ticket"] = "call_ticket"
    request_id: RequestId
    ticket_id: Id
    headset_id: Id
    scene_id: Id | None = None


class SetStatus(Wire):
    """Mark a headset that is not in a session available, needing cleaning or charging."""

    type: Literal["set_status"] = "set_status"
    request_id: RequestId
    headset_id: Id
    status: Literal["available", "needs_cleaning", "charging"]


class Watch(Wire):
    """Start receiving a headset's poses (`watched_pose`, up to 20 a second) for a spectator
    view. While at least one staff client watches a headset it sends them at 20 Hz; a client
    that disconnects stops watching. A connection watches at most 4 headsets at a time
    (`rate_limited` beyond). Answered by `reply`."""

    type: Literal["watch"] = "watch"
    request_id: RequestId
    headset_id: Id


class Unwatch(Wire):
    """Stop receiving a headset's poses. Answered by `reply` (also when it was not watched)."""

    type: Literal["unwatch"] = "unwatch"
    request_id: RequestId
    headset_id: Id


StaffMessage = Annotated[
    Auth
    | Assign
    | SessionCommand
    | HeadsetMessageRequest
    | StaffPing
    | CallTicket
    | SetStatus
    | Watch
    | Unwatch,
    Field(discriminator="type"),
]
staff_message_adapter: TypeAdapter[StaffMessage] = TypeAdapter(StaffMessage)

# ---------------------------------------------------------------- server -> staff


class Snapshot(Wire):
    """About 300 B per headset and 500 B per active session: 3 MB at 10,000 headsets, past the
    1 MiB message limit of many WebSocket clients (raise it; browsers have none)."""

    type: Literal["snapshot"] = "snapshot"
    headsets: list[HeadsetView]
    sessions: list[SessionView]
    catalog: list[SceneSummary]
    queue: QueueView


T = TypeVar("T")
PIECE = 500
"""List items serialised per pydantic call in `snapshot_json`."""
_HEADSET_LIST: TypeAdapter[list[HeadsetView]] = TypeAdapter(list[HeadsetView])
_SESSION_LIST: TypeAdapter[list[SessionView]] = TypeAdapter(list[SessionView])
_SNAPSHOT_START = '{"type":"snapshot",'
_EMPTY_LISTS = '"headsets":[],"sessions":[],'


def snapshot_json(snapshot: Snapshot) -> str:
    """`snapshot.model_dump_json()`, its two long lists serialised PIECE items per call.

    pydantic keeps the interpreter lock for the whole of one call: 3 MB for 10,000 headsets in
    one call held the event loop 20-26 ms even from a worker thread (bench/snapshot.py).
    tests/vr_server/ws/test_staff.py checks that the bytes are the same as one call's."""
    return "".join(_snapshot_parts(snapshot))


async def snapshot_json_in_slices(snapshot: Snapshot) -> str:
    """`snapshot_json` on the event loop, which runs other work between the pieces (in a
    thread, the pieces held the interpreter lock the loop waited for: vr_server.slices)."""
    parts = []
    for part in _snapshot_parts(snapshot):
        parts.append(part)
        await asyncio.sleep(0)
    return "".join(parts)


def _snapshot_parts(snapshot: Snapshot) -> Iterator[str]:
    rest = snapshot.model_copy(update={"headsets": [], "sessions": []}).model_dump_json()
    if not rest.startswith(_SNAPSHOT_START + _EMPTY_LISTS):  # the fields were reordered
        yield snapshot.model_dump_json()
        return
    yield _SNAPSHOT_START + '"headsets":'
    yield from _in_pieces(_HEADSET_LIST, snapshot.headsets)
    yield ',"sessions":'
    yield from _in_pieces(_SESSION_LIST, snapshot.sessions)
    yield "," + rest[len(_SNAPSHOT_START + _EMPTY_LISTS) :]


def _in_pieces(adapter: TypeAdapter[list[T]], items: list[T]) -> Iterator[str]:
    """The JSON list of `items`, PIECE items per pydantic call."""
    yield "["
    for i in range(0, len(items), PIECE):
        yield ("," if i else "") + adapter.dump_json(items[i : i + PIECE])[1:-1].decode()
    yield "]"


class HeadsetUpdate(Wire):
    type: Literal["headset_update"] = "headset_update"
    headset: HeadsetView


class HeadsetEnrolled(Wire):
    """A headset enrolled (or enrolled again) with a code, before it connects: the dashboard's
    "Add headsets" lists the headsets of its own code by `code_label`."""

    type: Literal["headset_enrolled"] = "headset_enrolled"
    headset: HeadsetView
    code_label: str = Field(description="The label of the code it used (may be empty).")


class HeadsetLive(Wire):
    """A headset's live figures from its telemetry (the rest of its view is unchanged)."""

    id: str
    battery: float | None = Field(default=None, ge=0, le=1)
    charging: bool | None = None
    fps: float | None = None
    step_id: str | None = Field(
        default=None, description="The step the visitor is on, while the headset is in a session."
    )
    last_seen: datetime


class HeadsetsLive(Wire):
    """The live figures that changed, for every headset of one instance, at most once a
    second: one frame instead of one `headset_update` per headset (10,000 headsets would be
    10,000 frames a second to every dashboard). State changes still come as
    `headset_update`."""

    type: Literal["headsets_live"] = "headsets_live"
    headsets: list[HeadsetLive]


class SessionUpdate(Wire):
    type: Literal["session_update"] = "session_update"
    session: SessionView


class Alert(Wire):
    type: Literal["alert"] = "alert"
    kind: Literal["call_staff", "load_failed", "stuck"]
    headset_id: str
    session_id: str | None = None
    detail: str = Field(
        default="",
        description="call_staff, load_failed: the headset's reason; stuck: the step id.",
    )


class QueueUpdate(Wire):
    """The whole queue, after every change of a ticket (check-in, call, start, end, cancel)."""

    type: Literal["queue_update"] = "queue_update"
    queue: QueueView


class QueueChanged(Wire):
    """To a kiosk (queue TV, check-in tablet) instead of the snapshot and every queue update:
    the queue changed, fetch `GET /api/queue/board`. A kiosk gets nothing else."""

    type: Literal["queue_changed"] = "queue_changed"


class Reply(Wire):
    type: Literal["reply"] = "reply"
    request_id: str
    session_id: str | None = Field(
        default=None,
        description="The session the request created or changed; null for `message` and "
        "`set_status`.",
    )


ServerToStaff = Annotated[
    Snapshot
    | HeadsetUpdate
    | HeadsetEnrolled
    | HeadsetsLive
    | SessionUpdate
    | QueueUpdate
    | QueueChanged
    | Alert
    | WatchedPose
    | Reply
    | Pong
    | Error,
    Field(discriminator="type"),
]
server_to_staff_adapter: TypeAdapter[ServerToStaff] = TypeAdapter(ServerToStaff)
