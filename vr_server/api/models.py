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
    headsets_online: int
