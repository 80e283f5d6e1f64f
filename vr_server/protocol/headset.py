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
from typing import Annotated, Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, TypeAdapter, model_serializer

from content_tools.format import BundleManifest, Language, LocalizedText
from vr_server.protocol.common import Id, Pose, SessionResult, SessionState, Sha256, Wire
from vr_server.protocol.distribution import (
    CacheInventory,
    DistributionStatus,
    DownloadGrant,
    DownloadProgress,
    DownloadRequest,
    DownloadStop,
)
from vr_server.protocol.errors import ErrorCode, Reason
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.poses import PoseFrame, PoseRate

# ---------------------------------------------------------------- headset -> server


class Hello(Wire):
    type: Literal["hello"] = "hello"
    protocol: int = Field(description="The protocol version the headset speaks.")
    device_id: Id = Field(
        description="The headset's own stable id, the one it enrolled with: 1 to 64 of "
        "A-Z a-z 0-9 _ - . :"
    )
    device_token: Annotated[str, Field(min_length=1, max_length=256)] = Field(
        description="From `POST /api/devices/enroll`."
    )
    app_version: Annotated[str, Field(max_length=64)] = Field(
        default="", description="Shown to staff."
    )
    cached: list[Sha256] = Field(
        default_factory=list,
        max_length=2000,
        description="sha256 of the assets the headset holds (the server ignores it: "
        "`cache_inventory` reports them to the distribution scheduler).",
    )


class Loading(Wire):
    type: Literal["loading"] = "loading"
    session_id: Id
    progress: float = Field(ge=0, le=1, description="Not stored or forwarded.")


class Ready(Wire):
    type: Literal["ready"] = "ready"
    session_id: Id


class LoadFailed(Wire):
    type: Literal["load_failed"] = "load_failed"
    session_id: Id
    reason: Annotated[str, Field(max_length=500)] = Field(
        description="Shown to staff in the `load_failed` alert."
    )


class Event(Wire):
    type: Literal["event"] = "event"
    session_id: Id
    seq: int = Field(ge=1, le=1_000_000, description="1, 2, 3, ... per session, no gaps.")
    at: float | None = Field(default=None, description="Headset clock, Unix seconds.")
    event: SessionEvent = Field(description="What happened, by its `kind`.")


class Telemetry(Wire):
    """Sent at most twice a second; kept as the headset's live state, not stored per frame.
    Every field is optional: send what the headset knows. A value out of range refuses the
    whole frame (`invalid_message`), which counts towards the error budget (close 4429)."""

    type: Literal["telemetry"] = "telemetry"
    fps: float | None = Field(default=None, ge=0, le=1000, description="Frames per second.")
    battery: float | None = Field(default=None, ge=0, le=1, description="Charge: 0 empty, 1 full.")
    charging: bool | None = Field(default=None, description="On a charger.")
    step_id: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description="The script step the visitor is on; null outside a session."
    )
    head: Pose | None = Field(default=None, description="Validated, not stored.")
    left: Pose | None = Field(default=None, description="Left controller; validated, not stored.")
    right: Pose | None = Field(default=None, description="Right controller; validated, not stored.")


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
    t: float | None = Field(default=None, description="Any number; the `pong` echoes it.")


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
    | PoseFrame
    | RequestScene
    | Ping
    | CommandAck
    | Rating
    | CallStaffRequest
    | CacheInventory
    | DownloadRequest
    | DownloadProgress,
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
    protocol: int = Field(description="The server's protocol version.")
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
    server_time: datetime = Field(description="The server's clock.")


class Ack(Wire):
    type: Literal["ack"] = "ack"
    session_id: str
    seq: int = Field(description="The acknowledged event's seq.")
    duplicate: bool = Field(default=False, description="Already stored; nothing was changed.")


CommandName = Literal["start", "pause", "resume", "end", "recenter", "language", "message"]


class Command(Wire):
    type: Literal["command"] = "command"
    command_id: str = Field(description="New for each command; `command_ack` echoes it.")
    command: CommandName
    session_id: str | None = Field(
        default=None, description="The session it applies to; null for `message`."
    )
    language: Language | None = Field(default=None, description="`language`: the new language.")
    text: LocalizedText | None = Field(default=None, description="`message`: what to show.")
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
    t: float | None = Field(default=None, description="The `t` of the `ping`.")
    server_time: float = Field(description="The server's clock, Unix seconds.")


class Error(Wire):
    type: Literal["error"] = "error"
    code: ErrorCode
    message: str = Field(
        description="English for developers and logs; its wording may change. Never shown to "
        "a visitor: the app words `reason` (or, without one, a generic text)."
    )
    reason: Reason | None = Field(
        default=None,
        description="Set where a visitor can meet the error: what the headset app words, in "
        "Thai and English, with `params`.",
    )
    params: dict[str, str] = Field(
        default_factory=dict, description="The values `reason` is worded with, e.g. `headset`."
    )

    @model_serializer(mode="wrap")
    def _reason_only_when_set(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Without a reason, the frame is sent as before `reason` and `params` existed: a
        client of an older release (which refuses unknown fields) still reads it."""
        data = handler(self)
        if self.reason is None and isinstance(data, dict):
            data.pop("reason", None)
            data.pop("params", None)
        return data

    seq: int | None = Field(default=None, description="The `seq` of the `event` it answers.")
    request_id: str | None = Field(
        default=None, description="Staff socket: the `request_id` of the request it answers."
    )
    expected_seq: int | None = Field(
        default=None, description="`seq_gap`: the seq to send (again) next."
    )


ServerToHeadset = Annotated[
    Welcome
    | Assignment
    | Ack
    | Command
    | PoseRate
    | Result
    | Rated
    | Pong
    | Error
    | DistributionStatus
    | DownloadGrant
    | DownloadStop,
    Field(discriminator="type"),
]
server_to_headset_adapter: TypeAdapter[ServerToHeadset] = TypeAdapter(ServerToHeadset)
