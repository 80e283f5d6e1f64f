"""The audit trail's table: add an entry, list entries newest first. One transaction each,
re-run while the database is unreachable like every store method (storage/connections.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected

Writer = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


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


@retry_when_disconnected
class AuditStore:
    """`write` is the store's writing transaction (SQLite's writers queue on one lock)."""

    def __init__(self, engine: AsyncEngine, write: Writer, *, retry_s: float) -> None:
        self._engine = engine
        self._write = write
        self.retry_s = retry_s

    async def add(self, record: AuditRecord) -> None:
        details = json.dumps(record.details, ensure_ascii=False, sort_keys=True, default=str)
        async with self._write() as conn:
            await conn.execute(
                insert(t.audit_log).values(
                    at=record.at,
                    actor=record.actor,
                    actor_role=record.actor_role,
                    action=record.action,
                    target=record.target,
                    address=record.address,
                    details=details,
                )
            )

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
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            AuditRecord(
                id=row.id,
                at=row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC),
                action=row.action,
                actor=row.actor,
                actor_role=row.actor_role,
                target=row.target,
                address=row.address,
                details=json.loads(row.details),
            )
            for row in rows
        ]
