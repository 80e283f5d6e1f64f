"""Central's venues and what they sent (docs/sync.md): registering a venue, and applying a
venue's batch idempotently.

A batch is applied in one transaction that first locks the venue's row (two batches of one
venue never interleave), then writes every row keyed by (venue, the venue's own id): events
with INSERT ... ON CONFLICT DO NOTHING (an event never changes), sessions and tickets with an
upsert that only replaces an older version (`sync_seq` below the incoming one). So a batch
applied twice, or cut halfway (the transaction rolled back) and sent again, changes nothing the
second time; the venue's mark moves to the batch's `upto` in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from vr_server.errors import Conflict, NotFound
from vr_server.protocol.sync import SyncBatch
from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.sql_repo import SqlRepository, dumps, now, row_values


@dataclass(frozen=True)
class VenueRecord:
    id: str
    name: str
    created_at: datetime
    paired_at: datetime | None
    acked_seq: int
    last_sync_at: datetime | None
    records: int
    headsets_online: int | None = None
    """What the venue said at its last round (live presence is not in the outbox)."""
    presence_at: datetime | None = None


class Applied(NamedTuple):
    acked: int
    """The venue's mark after the batch."""
    applied: int
    """Rows that were new or newer."""


@dataclass(frozen=True)
class VenueDayRows:
    """What central holds of one venue for a time window (the central dashboard)."""

    venue_id: str
    sessions: int
    finished: int
    ratings: list[int]
    headsets: int
    """Distinct headsets with a session in the window."""
    waits_s: list[float]
    """Seconds from check-in to the start of a session, for tickets started in the window."""


@dataclass(frozen=True)
class VenueSessionRow:
    """One session as central holds it, with its venue's name and its ticket's times (the
    central CSV)."""

    venue: str
    id: str
    headset_id: str
    scene_id: str
    state: str
    result: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    rating: int | None
    ticket_number: int | None
    checked_in_at: datetime | None
    started_at: datetime | None


class SyncGap(Conflict):
    """A batch starts above central's mark for the venue (central lost what it acknowledged,
    e.g. restored from a backup): the venue must send again from `acked`."""

    def __init__(self, acked: int) -> None:
        super().__init__(f"sync gap: central holds this venue's records up to {acked}")
        self.acked = acked


class Venues(Protocol):
    async def create(self, name: str) -> VenueRecord:
        """Conflict when a venue has this name."""
        ...

    async def get(self, venue_id: str) -> VenueRecord | None: ...
    async def all(self) -> list[VenueRecord]:
        """By name."""
        ...

    async def presence(self, venue_id: str, headsets_online: int, at: datetime) -> None: ...
    async def paired(self, venue_id: str, at: datetime) -> None:
        """A venue server paired: its outbox is sent from the start (mark 0)."""
        ...

    async def counts(self, venue_id: str) -> dict[str, int]:
        """How many sessions, events and tickets central holds for the venue."""
        ...

    async def figures(self, start: datetime, end: datetime) -> list[VenueDayRows]:
        """Per venue with anything in [start, end): its sessions created then and its tickets
        started then."""
        ...

    async def sessions(
        self, start: datetime, end: datetime, venue_id: str | None = None
    ) -> list[VenueSessionRow]:
        """Sessions created in [start, end), of one venue or all, by venue then time."""
        ...

    async def apply(self, venue_id: str, batch: SyncBatch) -> Applied:
        """Apply `batch` once (see the module's docstring); SyncGap, NotFound."""
        ...


def _session_values(venue_id: str, batch: SyncBatch) -> list[dict[str, Any]]:
    return [
        {
            **s.model_dump(),
            "venue_id": venue_id,
            "result": None if s.result is None else dumps(s.result),
        }
        for s in batch.sessions
    ]


def _event_values(venue_id: str, batch: SyncBatch) -> list[dict[str, Any]]:
    return [{**e.model_dump(), "venue_id": venue_id, "body": dumps(e.body)} for e in batch.events]


def _ticket_values(venue_id: str, batch: SyncBatch) -> list[dict[str, Any]]:
    return [
        {**k.model_dump(), "venue_id": venue_id, "interests": dumps(k.interests)}
        for k in batch.tickets
    ]


def _newest(
    rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> list[dict[str, Any]]:
    """One row per key, the highest sync_seq (one statement may not touch a row twice)."""
    kept: dict[Any, dict[str, Any]] = {}
    for row in rows:
        k = key(row)
        if k not in kept or kept[k]["sync_seq"] < row["sync_seq"]:
            kept[k] = row
    return list(kept.values())


_HELD = {"sessions": t.venue_sessions, "events": t.venue_events, "tickets": t.venue_tickets}


@retry_when_disconnected
class SqlVenues(SqlRepository):
    async def create(self, name: str) -> VenueRecord:
        record = VenueRecord(str(uuid.uuid4()), name, now(), None, 0, None, 0)
        try:
            async with self._write() as conn:
                await conn.execute(insert(t.venues).values(row_values(record)))
        except IntegrityError as exc:
            raise Conflict(f"a venue named {name!r} exists already") from exc
        return record

    async def get(self, venue_id: str) -> VenueRecord | None:
        return await self._one_by(VenueRecord, t.venues, "id", venue_id)

    async def all(self) -> list[VenueRecord]:
        return await self._all(VenueRecord, select(t.venues).order_by(t.venues.c.name))

    async def presence(self, venue_id: str, headsets_online: int, at: datetime) -> None:
        await self._count_written(
            update(t.venues)
            .where(t.venues.c.id == venue_id)
            .values(headsets_online=headsets_online, presence_at=at)
        )

    async def paired(self, venue_id: str, at: datetime) -> None:
        await self._count_written(
            update(t.venues).where(t.venues.c.id == venue_id).values(paired_at=at, acked_seq=0)
        )

    async def apply(self, venue_id: str, batch: SyncBatch) -> Applied:
        v = t.venues.c
        async with self._write() as conn:
            row = (
                await conn.execute(select(v.acked_seq).where(v.id == venue_id).with_for_update())
            ).first()
            if row is None:
                raise NotFound("no such venue")
            acked = int(row.acked_seq)
            if batch.after > acked:
                raise SyncGap(acked)
            applied = await self._upsert(
                conn,
                t.venue_sessions,
                _newest(_session_values(venue_id, batch), lambda r: r["id"]),
                ["venue_id", "id"],
            )
            applied += await self._upsert(
                conn,
                t.venue_tickets,
                _newest(_ticket_values(venue_id, batch), lambda r: r["id"]),
                ["venue_id", "id"],
            )
            applied += await self._upsert(
                conn, t.venue_events, _event_values(venue_id, batch), None
            )
            mark = max(acked, batch.upto)
            await conn.execute(
                update(t.venues)
                .where(v.id == venue_id)
                .values(acked_seq=mark, last_sync_at=now(), records=v.records + applied)
            )
        return Applied(mark, applied)

    async def figures(self, start: datetime, end: datetime) -> list[VenueDayRows]:
        s, k = t.venue_sessions.c, t.venue_tickets.c
        sessions = select(s.venue_id, s.headset_id, s.state, s.rating).where(
            s.created_at >= start, s.created_at < end
        )
        tickets = select(k.venue_id, k.created_at, k.started_at).where(
            k.started_at >= start, k.started_at < end
        )
        found: dict[str, dict[str, Any]] = {}

        def of(venue_id: str) -> dict[str, Any]:
            empty = {"sessions": 0, "finished": 0, "ratings": [], "headsets": set(), "waits": []}
            return found.setdefault(venue_id, empty)

        async with self.engine.connect() as conn:
            for row in (await conn.execute(sessions)).all():
                venue = of(row.venue_id)
                venue["sessions"] += 1
                venue["finished"] += row.state == "finished"
                venue["headsets"].add(row.headset_id)
                if row.rating is not None:
                    venue["ratings"].append(int(row.rating))
            for ticket in (await conn.execute(tickets)).all():
                waited = (ticket.started_at - ticket.created_at).total_seconds()
                of(ticket.venue_id)["waits"].append(max(0.0, waited))
        return [
            VenueDayRows(
                v, f["sessions"], f["finished"], f["ratings"], len(f["headsets"]), f["waits"]
            )
            for v, f in found.items()
        ]

    async def sessions(
        self, start: datetime, end: datetime, venue_id: str | None = None
    ) -> list[VenueSessionRow]:
        s, k, v = t.venue_sessions.c, t.venue_tickets.c, t.venues.c
        joined = t.venue_sessions.join(t.venues, v.id == s.venue_id).outerjoin(
            t.venue_tickets, (k.venue_id == s.venue_id) & (k.id == s.ticket_id)
        )
        query = (
            select(
                v.name.label("venue"), s.id, s.headset_id, s.scene_id, s.state, s.result,
                s.created_at, s.updated_at, s.rating, k.number.label("ticket_number"),
                k.created_at.label("checked_in_at"), k.started_at,
            )
            .select_from(joined)
            .where(s.created_at >= start, s.created_at < end)
            .order_by(v.name, s.created_at)
        )  # fmt: skip
        if venue_id is not None:
            query = query.where(s.venue_id == venue_id)
        return await self._all(VenueSessionRow, query)

    async def counts(self, venue_id: str) -> dict[str, int]:
        async with self.engine.connect() as conn:
            counts = {}
            for name, table in _HELD.items():
                query = select(func.count()).select_from(table).where(table.c.venue_id == venue_id)
                counts[name] = int((await conn.execute(query)).scalar_one())
        return counts

    async def _upsert(
        self,
        conn: AsyncConnection,
        table: Table,
        rows: list[dict[str, Any]],
        key: list[str] | None,
    ) -> int:
        """Insert `rows`; on a key already stored: nothing (`key` None: rows that never
        change), or replace the stored row when the incoming one is newer. One cached statement
        run for all rows (SQLAlchemy sends them as multi-row VALUES); RETURNING counts the rows
        written."""
        if not rows:
            return 0
        dialect_insert = postgresql.insert if self.db.dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(table)
        if key is None:
            statement = statement.on_conflict_do_nothing()
        else:
            statement = statement.on_conflict_do_update(
                index_elements=key,
                set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in key},
                where=table.c.sync_seq < statement.excluded.sync_seq,
            )
        result = await conn.execute(statement.returning(table.c.venue_id), rows)
        return len(result.all())
