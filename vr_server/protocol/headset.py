"""Messages between a headset and the server on `/ws/headset`.

Flow: the headset sends `hello`; the server answers `welcome` (with the session to resume, if
any) or closes with 4401 (credentials) / 4426 (protocol version). An `assignment` carries the
bundle manifest with the session script; the headset reports `loading`, downloads the GLB from
`/assets/<sha256>`, reports `ready`, receives a `start` command, then sends numbered `event`
frames that the server `ack`s. Commands (pause, resume, end, recenter, language, message)
arrive as `command` frames; the session ends with a `result`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from content_tools.format import BundleManifest, Language, LocalizedText
from vr_server.protocol.common import Id, Pose, SessionResult, SessionState, Sha256, Wire
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.events import SessionEvent

# ---------------------------------------------------------------- headset -> server


class Hello(Wire):
    type: Literal["hello"] = "hello"
    protocol: int = Field(description="The protocol version the headset speaks.")
    device_id: Id
    device_token: Annotated[str, Field(min_length=1, max_length=256)]
    app_version: Annotated[str, Field(max_length=64)] = ""
    cached: list[Sha256] = Field(default_factory=list, max_length=2000)


class Loading(Wire):
    type: Literal["loading"] = "loading"
    session_id: Id
    progress: float = Field(ge=0, le=1)


class Ready(Wire):
    type: Literal["ready"] = "ready"
    session_id: Id


class LoadFailed(Wire):
    type: Literal["load_failed"] = "load_failed"
    session_id: Id
    reason: Annotated[str, Field(max_length=500)]


class Event(Wire):
    type: Literal["event"] = "event"
    session_id: Id
    seq: int = Field(ge=1, le=1_000_000, description="1, 2, 3, ... per session, no gaps.")
    at: float | None = Field(default=None, description="Headset clock, Unix seconds.")
    event: SessionEvent


class Telemetry(Wire):
    """Sent at most twice a second; kept as the headset's live state, not stored per frame."""

    type: Literal["telemetry"] = "telemetry"
    fps: float | None = Field(default=None, ge=0, le=1000)
    battery: float | None = Field(default=None, ge=0, le=1)
    charging: bool | None = None
    step_id: Annotated[str, Field(max_length=64)] | None = None
    head: Pose | None = None
    left: Pose | None = None
    right: Pose | None = None


class RequestScene(Wire):
    """Kiosk mode: the visitor picked an occupation on the headset itself.

    Allowed only when the server runs with self-service on (`welcome.self_service`). If the
    headset already has an active session, the server re-sends that session's assignment.
    """

    type: Literal["request_scene"] = "request_scene"
    scene_id: Id
    language: Language = "th"


class Ping(Wire):
    type: Literal["ping"] = "ping"
    t: float | None = None


class CommandAck(Wire):
    type: Literal["command_ack"] = "command_ack"
    command_id: Id


class Rating(Wire):
    """The visitor's 1-5 rating of the headset's own session, once it has ended. A second
    rating within 10 minutes of the first replaces it. Answered by `rated`."""

    type: Literal["rating"] = "rating"
    session_id: Id
    rating: int = Field(ge=1, le=5)


class CallStaffRequest(Wire):
    """The visitor pressed "call staff" outside a session (lobby, results screen): staff get an
    `alert`. During a session the call travels as the `call_staff` event instead."""

    type: Literal["call_staff"] = "call_staff"
    reason: Annotated[str, Field(max_length=200)] = ""


HeadsetMessage = Annotated[
    Hello
    | Loading
    | Ready
    | LoadFailed
    | Event
    | Telemetry
    | RequestScene
    | Ping
    | CommandAck
    | Rating
    | CallStaffRequest,
    Field(discriminator="type"),
]
headset_message_adapter: TypeAdapter[HeadsetMessage] = TypeAdapter(HeadsetMessage)

# ---------------------------------------------------------------- server -> headset


class Resume(Wire):
    """Where a session stands, so that a reconnecting headset continues at the same step."""

    state: SessionState
    step_index: int
    next_seq: int = Field(description="The seq the server expects next.")
    language: Language


class Assignment(Wire):
    type: Literal["assignment"] = "assignment"
    session_id: str
    manifest: BundleManifest
    resume: Resume


class HeadsetIdentity(Wire):
    id: str
    name: str


class Welcome(Wire):
    type: Literal["welcome"] = "welcome"
    protocol: int
    server_version: str
    headset: HeadsetIdentity
    heartbeat_s: float = Field(description="Send a ping at least this often.")
    self_service: bool = Field(
        default=False, description="The headset may start a scene itself (`request_scene`)."
    )
    session_id: str | None = Field(
        default=None,
        description="The headset's active session: its `assignment` is the next frame. None: "
        "no session (one the headset was in has ended).",
    )
    server_time: datetime


class Ack(Wire):
    type: Literal["ack"] = "ack"
    session_id: str
    seq: int
    duplicate: bool = Field(default=False, description="Already stored; nothing was changed.")


CommandName = Literal["start", "pause", "resume", "end", "recenter", "language", "message"]


class Command(Wire):
    type: Literal["command"] = "command"
    command_id: str
    command: CommandName
    session_id: str | None = None
    language: Language | None = None
    text: LocalizedText | None = None
    issued_at: float = Field(description="Server clock, Unix seconds, when staff issued it.")


class Result(Wire):
    type: Literal["result"] = "result"
    session_id: str
    state: SessionState
    result: SessionResult | None
    result_url: str | None = Field(
        default=None,
        description="The visitor's result page (`<VR_PUBLIC_URL or the server's address>"
        "/results/<token>`), for the QR code; null without a result.",
    )


class Rated(Wire):
    """The rating was stored."""

    type: Literal["rated"] = "rated"
    session_id: str
    rating: int


class Pong(Wire):
    type: Literal["pong"] = "pong"
    t: float | None = None
    server_time: float


class Error(Wire):
    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    seq: int | None = None
    request_id: str | None = None
    expected_seq: int | None = None


ServerToHeadset = Annotated[
    Welcome | Assignment | Ack | Command | Result | Rated | Pong | Error,
    Field(discriminator="type"),
]
server_to_headset_adapter: TypeAdapter[ServerToHeadset] = TypeAdapter(ServerToHeadset)
