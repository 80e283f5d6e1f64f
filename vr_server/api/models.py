"""Request and response bodies of the HTTP API that are not protocol views."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from content_tools.format import Language, LocalizedText
from vr_server.protocol.staff import SessionCommandName
from vr_server.storage.records import Role


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(_Body):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class LoginResponse(BaseModel):
    token: str
    expires_at: datetime | None
    username: str
    role: str


class Me(BaseModel):
    """`GET /api/auth/me`: who the presented staff credential belongs to."""

    username: str
    role: str
    expires_at: datetime | None
    contact_access: bool = Field(
        default=False, description="May read visitors' contact data (admins, or staff allowed)."
    )


class AssignRequest(_Body):
    headset_id: str
    scene_id: str
    language: Language = "th"
    autostart: bool = True


class CommandRequest(_Body):
    command: SessionCommandName
    language: Language | None = None


class MessageRequest(_Body):
    text: LocalizedText


class StatusRequest(_Body):
    status: Literal["available", "needs_cleaning", "charging"]


class StoredEvent(BaseModel):
    seq: int
    kind: str
    step_id: str | None
    event: dict[str, Any]
    client_at: float | None
    received_at: datetime


class GcPauses(BaseModel):
    count: int
    longest_ms: float
    total_ms: float


class LoopHealth(BaseModel):
    """Event-loop stalls, measured by a wake-up every `interval_ms` (vr_server.services.looplag):
    how late it came. Everything that waits for the loop waited that long."""

    interval_ms: float
    samples: int
    longest_ms: float = Field(description="The longest stall since the server started.")
    longest_at: float | None = Field(description="When it ended, Unix seconds.")
    recent_max_ms: float = Field(description="The longest stall of the last 60 s.")
    histogram: dict[str, int] = Field(
        description="Wake-ups by lateness: '<=5' counts those late by 1-5 ms, and so on."
    )
    recent_stalls: list[tuple[float, float, float, float]] = Field(
        description="The last 64 stalls of 10 ms or more: (when it ended, Unix seconds; ms; CPU "
        "ms the loop's thread used meanwhile; CPU ms of the whole process). Loop CPU near the "
        "stall: our code held it; process CPU well above: another thread held the interpreter "
        "lock; both low: the machine did not run the server."
    )
    gc: dict[str, GcPauses] = Field(
        description="The garbage collector's pauses since start, by generation ('0'-'2')."
    )


class SyncHealth(BaseModel):
    """A venue's sync with its central server (docs/sync.md)."""

    paired: bool = Field(description="`vr-server central pair` was run on this venue.")
    venue_name: str | None = None
    central_url: str | None = None
    waiting: int = Field(
        default=0, description="Records stored here that central has not acknowledged yet."
    )
    last_sync_at: datetime | None = Field(
        default=None, description="When central last held everything this venue had stored."
    )
    last_attempt_at: datetime | None = None
    last_error: str | None = Field(
        default=None, description="Why the last round failed (central down, refused...)."
    )
    content_refused: list[str] = Field(
        default_factory=list,
        description="Scene versions from central the last round could not take, and why "
        "(a file altered on the way, an invalid model...).",
    )


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    protocol: int
    database: Literal["ok", "unreachable"]
    bus: Literal["in-process", "ok", "reconnecting"] = Field(
        default="in-process",
        description="The Redis bus (VR_REDIS_URL); without Redis: in-process. reconnecting "
        "leaves the instance healthy: sessions go on through the database, only live updates "
        "between instances wait.",
    )
    blob_bucket: Literal["none", "ok", "unreachable"] = Field(
        default="none",
        description="The S3 bucket of VR_BLOB_S3_URL (none: not configured), by how the last "
        "call to it went. unreachable leaves the instance healthy: blobs it has cached are "
        "still served.",
    )
    headsets_online: int = Field(
        description="Headsets connected to any instance sharing the bus (with Redis), or to "
        "this one."
    )
    headsets_here: int = Field(default=0, description="Headsets connected to this instance.")
    loop: LoopHealth | None = Field(
        default=None,
        description="How long the event loop was held (null before the server's tasks started).",
    )
    sync: SyncHealth | None = Field(
        default=None, description="The sync with central (null when it cannot be read)."
    )


# ---------------------------------------------------------------- admin (vr_server/api/admin.py)


class AccountView(BaseModel):
    id: str
    username: str
    role: Role
    disabled: bool
    contact_access: bool
    created_at: datetime


class ContactAccessRequest(_Body):
    allowed: bool


class RoleRequest(_Body):
    role: Role


class SignedOut(BaseModel):
    tokens_revoked: int


class CodeRequest(_Body):
    uses: Annotated[int, Field(ge=1, le=100_000)] = 1
    hours: Annotated[float, Field(gt=0, le=24 * 365)] = 24.0
    label: Annotated[str, Field(max_length=100)] = ""


class PairingCodeRequest(_Body):
    hours: Annotated[float, Field(gt=0, le=24 * 7)] = 1.0
    label: Annotated[str, Field(max_length=100)] = ""


class CodeView(BaseModel):
    code: str = Field(description="Shown once: only its hash is stored.")
    expires_in_hours: float


class StoredCode(BaseModel):
    label: str
    purpose: str
    uses_left: int
    created_at: datetime
    expires_at: datetime


class RevokeCodeRequest(_Body):
    code: Annotated[str, Field(min_length=1, max_length=100, description="The code or its label.")]


class KioskView(BaseModel):
    id: str
    name: str
    paired_at: datetime


class PairRequest(_Body):
    code: Annotated[str, Field(min_length=1, max_length=32)]
    name: Annotated[str, Field(min_length=1, max_length=64)]


class PairResponse(BaseModel):
    kiosk_id: str
    name: str
    token: str
    expires_at: datetime


class SetupStatus(BaseModel):
    """`GET /api/setup`: whether the server still waits for its first admin account."""

    required: bool


class SetupCheck(_Body):
    token: Annotated[str, Field(min_length=1, max_length=128)]


class SetupRequest(SetupCheck):
    """The first admin account. Lengths are checked by the service, for a clear message."""

    username: Annotated[str, Field(max_length=4096)]
    password: Annotated[str, Field(max_length=4096)]
