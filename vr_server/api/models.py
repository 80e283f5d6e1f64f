"""Request and response bodies of the HTTP API that are not protocol views."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from content_tools.format import Language, LocalizedText
from vr_server.protocol.staff import SessionCommandName


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


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    protocol: int
    database: Literal["ok", "unreachable"]
    bus: Literal["in-process", "ok", "reconnecting"] = "in-process"
    """Redis bus state; "reconnecting" does not make the instance unhealthy: sessions go on
    through the database, only live updates between instances wait."""
    blob_bucket: Literal["none", "ok", "unreachable"] = "none"
    """The S3 bucket of VR_BLOB_S3_URL ("none": not configured), by how the last call to it
    went. "unreachable" leaves the instance healthy: blobs it has cached are still served."""
    headsets_online: int
    """Headsets connected to any instance sharing the bus (with Redis) or to this one."""
    headsets_here: int = 0
    """Headsets connected to this instance."""
