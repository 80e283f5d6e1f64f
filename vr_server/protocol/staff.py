"""Messages between staff clients (dashboard, CLI) and the server on `/ws/staff`.

Flow: the client sends `auth` with a staff token within a few seconds, gets a `snapshot` of
every headset and active session, then live `headset_update` / `session_update` / `alert`
deltas. Requests carry a `request_id` and are answered by `reply` or `error`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from content_tools.format import Language, LocalizedText
from vr_server.protocol.common import HeadsetView, Id, SceneSummary, SessionView, Wire
from vr_server.protocol.headset import Error, Pong

RequestId = Annotated[str, Field(min_length=1, max_length=64)]

# ---------------------------------------------------------------- staff -> server


class Auth(Wire):
    type: Literal["auth"] = "auth"
    token: Annotated[str, Field(min_length=1, max_length=256)]


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
    type: Literal["ping"] = "ping"
    t: float | None = None


StaffMessage = Annotated[
    Auth | Assign | SessionCommand | HeadsetMessageRequest | StaffPing,
    Field(discriminator="type"),
]
staff_message_adapter: TypeAdapter[StaffMessage] = TypeAdapter(StaffMessage)

# ---------------------------------------------------------------- server -> staff


class Snapshot(Wire):
    type: Literal["snapshot"] = "snapshot"
    headsets: list[HeadsetView]
    sessions: list[SessionView]
    catalog: list[SceneSummary]


class HeadsetUpdate(Wire):
    type: Literal["headset_update"] = "headset_update"
    headset: HeadsetView


class SessionUpdate(Wire):
    type: Literal["session_update"] = "session_update"
    session: SessionView


class Alert(Wire):
    type: Literal["alert"] = "alert"
    kind: Literal["call_staff", "load_failed", "stuck"]
    headset_id: str
    session_id: str | None = None
    detail: str = ""


class Reply(Wire):
    type: Literal["reply"] = "reply"
    request_id: str
    session_id: str | None = None


ServerToStaff = Annotated[
    Snapshot | HeadsetUpdate | SessionUpdate | Alert | Reply | Pong | Error,
    Field(discriminator="type"),
]
server_to_staff_adapter: TypeAdapter[ServerToStaff] = TypeAdapter(ServerToStaff)
