"""A venue's pairing with its central server (docs/sync.md): one row, written by
`vr-server central pair`, read by the sender each round (so a running server picks a new
pairing up without a restart)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, insert, select, update

from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.sql_repo import SqlRepository, row_values, to_record

LINK_ID = 1


@dataclass(frozen=True)
class VenueLinkRecord:
    central_url: str
    venue_id: str
    venue_name: str
    credential: str
    """The venue credential in clear: the venue presents it (central keeps only its hash)."""
    paired_at: datetime
    acked_seq: int
    """The outbox position central acknowledged last."""
    last_sync_at: datetime | None = None
    """When a round last reached central and found nothing left to send."""
    last_attempt_at: datetime | None = None
    last_error: str | None = None


class VenueLinks(Protocol):
    async def get(self) -> VenueLinkRecord | None: ...
    async def pair(self, record: VenueLinkRecord) -> None:
        """Replace the pairing (a venue paired again starts from `record.acked_seq`)."""
        ...

    async def acknowledged(self, acked: int, at: datetime, *, done: bool) -> None:
        """Central's mark after a batch; `done`: nothing waits any more (a whole sync)."""
        ...

    async def failed(self, at: datetime, error: str | None) -> None:
        """A round that could not reach central (`error`), or None to clear it."""
        ...


@retry_when_disconnected
class SqlVenueLinks(SqlRepository):
    async def get(self) -> VenueLinkRecord | None:
        row = await self._first(
            select(*(t.venue_link.c[n] for n in VenueLinkRecord.__dataclass_fields__))
        )
        return None if row is None else to_record(VenueLinkRecord, row)

    async def pair(self, record: VenueLinkRecord) -> None:
        async with self._write() as conn:
            await conn.execute(delete(t.venue_link))
            await conn.execute(insert(t.venue_link).values({**row_values(record), "id": LINK_ID}))

    async def acknowledged(self, acked: int, at: datetime, *, done: bool) -> None:
        values: dict[str, object] = {"acked_seq": acked, "last_attempt_at": at, "last_error": None}
        if done:
            values["last_sync_at"] = at
        await self._count_written(update(t.venue_link).values(**values))

    async def failed(self, at: datetime, error: str | None) -> None:
        await self._count_written(
            update(t.venue_link).values(
                last_attempt_at=at, last_error=(error or None) and error[:300]
            )
        )
