"""The audit trail's table: add an entry, list entries newest first. One transaction each,
re-run while the database is unreachable like every store method (storage/connections.py).
The interface services depend on, and its SQL implementation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select

from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.sql_repo import SqlRepository, row_values


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    action: str
    actor: str | None = None
    """The account's username; None for the server itself (a scheduled purge)."""
    actor_role: str | None = None
    target: str | None = None
    address: str | None = None
    """The client's address (VR_TRUSTED_PROXIES decides whether X-Forwarded-For counts)."""
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None
    action: str | None = None
    actor: str | None = None
    """The account's username."""
    limit: int = 200


class Audit(Protocol):
    async def add(self, record: AuditRecord) -> None: ...
    async def entries(self, match: AuditFilter) -> list[AuditRecord]:
        """Newest first, at most `match.limit`."""
        ...


@retry_when_disconnected
class SqlAudit(SqlRepository):
    async def add(self, record: AuditRecord) -> None:
        details = json.dumps(record.details, ensure_ascii=False, sort_keys=True, default=str)
        values = row_values(record, leave_out=("id", "details"))
        async with self._write() as conn:
            await conn.execute(insert(t.audit_log).values(details=details, **values))

    async def entries(self, match: AuditFilter) -> list[AuditRecord]:
        """Newest first, at most `match.limit`."""
        c = t.audit_log.c
        query = select(t.audit_log).order_by(c.at.desc(), c.id.desc()).limit(match.limit)
        if match.since is not None:
            query = query.where(c.at >= match.since)
        if match.action is not None:
            query = query.where(c.action == match.action)
        if match.actor is not None:
            query = query.where(c.actor == match.actor)
        return await self._all(AuditRecord, query)
