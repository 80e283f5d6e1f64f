"""The audit trail over HTTP (admin accounts only): `GET /api/audit`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from vr_server.protocol.common import Wire


class AuditEntry(Wire):
    id: int
    at: datetime
    action: str = Field(description="login, login_failed, contact_read, csv_export, publish, ...")
    actor: str | None = Field(description="The account's username; null: the server itself.")
    actor_role: str | None
    target: str | None = Field(description="What was acted on: a ticket, a scene, a username.")
    address: str | None = Field(description="The client's address.")
    details: dict[str, Any]


class AuditView(Wire):
    entries: list[AuditEntry] = Field(description="Newest first.")
    actions: dict[str, str] = Field(description="The actions the server records, described.")
