"""The venue's outbox (docs/sync.md): every write of a session, an event or a ticket stamps the
rows it writes with the next position of one clock (`stamp`, in the writer's own transaction);
the outbox is every row whose position is above the mark central acknowledged.

A session updated fifty times is one row in the outbox (its newest version), so nothing grows
while a venue is offline but the rows themselves; nothing is deleted when central acknowledges.
Taking a position locks the clock's row until the transaction ends, so positions become
visible in the order they were given: a reader never sees position 12 before a transaction that
holds 11 commits (on PostgreSQL as on SQLite).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Table, func, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection

from vr_server.protocol.sync import SyncedEvent, SyncedSession, SyncedTicket
from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.sql_repo import SqlRepository

_NEXT = (
    update(t.sync_clock)
    .where(t.sync_clock.c.id == 1)
    .values(value=t.sync_clock.c.value + 1)
    .returning(t.sync_clock.c.value)
)


async def stamp(conn: AsyncConnection) -> int:
    """The next outbox position, taken in the transaction of `conn` (which then writes it as
    the `sync_seq` of the rows it changes)."""
    return int((await conn.execute(_NEXT)).scalar_one())


@dataclass
class Pending:
    """The rows of the outbox with positions in (after, upto], the newest version of each."""

    after: int
    upto: int
    sessions: list[SyncedSession] = field(default_factory=list)
    events: list[SyncedEvent] = field(default_factory=list)
    tickets: list[SyncedTicket] = field(default_factory=list)

    @property
    def records(self) -> int:
        return len(self.sessions) + len(self.events) + len(self.tickets)


class Outbox(Protocol):
    async def pending(self, after: int, limit: int) -> Pending:
        """About `limit` rows above `after`, lowest positions first (every row of the last
        position taken, so a transaction's rows travel together); empty when none wait."""
        ...

    async def waiting(self, after: int) -> int:
        """How many rows wait above `after`."""
        ...

    async def position(self) -> int:
        """The last position given out."""
        ...


_OUTBOX_TABLES = (t.sessions, t.session_events, t.tickets)
_SESSION_COLUMNS = [t.sessions.c[name] for name in SyncedSession.model_fields]
_EVENT_COLUMNS = [t.session_events.c[name] for name in SyncedEvent.model_fields]
_TICKET_COLUMNS = [t.tickets.c[name] for name in SyncedTicket.model_fields]
"""Only the columns that travel: never the contact table, result tokens or journey codes."""


def _positions(after: int) -> Any:
    return union_all(
        *(
            select(table.c.sync_seq.label("s")).where(table.c.sync_seq > after)
            for table in _OUTBOX_TABLES
        )
    ).subquery()


def _parsed(row: Any, json_column: str) -> dict[str, Any]:
    values = dict(row._mapping)
    text = values[json_column]
    values[json_column] = json.loads(text) if text else None
    return values


def _between(table: Table, columns: list[Any], after: int, upto: int) -> Any:
    s = table.c.sync_seq
    return select(*columns).where(s > after, s <= upto).order_by(s)


@retry_when_disconnected
class SqlOutbox(SqlRepository):
    async def pending(self, after: int, limit: int) -> Pending:
        positions = _positions(after)
        async with self.engine.connect() as conn:
            upto = (
                await conn.execute(
                    select(positions.c.s).order_by(positions.c.s).offset(max(limit, 1) - 1).limit(1)
                )
            ).scalar_one_or_none()
            if upto is None:
                upto = (await conn.execute(select(func.max(positions.c.s)))).scalar_one_or_none()
            if upto is None:
                return Pending(after, after)
            sessions = (
                await conn.execute(_between(t.sessions, _SESSION_COLUMNS, after, upto))
            ).all()
            events = (
                await conn.execute(_between(t.session_events, _EVENT_COLUMNS, after, upto))
            ).all()
            tickets = (await conn.execute(_between(t.tickets, _TICKET_COLUMNS, after, upto))).all()
        return Pending(
            after,
            int(upto),
            [SyncedSession.model_validate(_parsed(r, "result")) for r in sessions],
            [SyncedEvent.model_validate(_parsed(r, "body")) for r in events],
            [SyncedTicket.model_validate(_parsed(r, "interests")) for r in tickets],
        )

    async def waiting(self, after: int) -> int:
        positions = _positions(after)
        async with self.engine.connect() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(positions))).scalar_one()
            )

    async def position(self) -> int:
        async with self.engine.connect() as conn:
            value = (await conn.execute(select(t.sync_clock.c.value))).scalar_one_or_none()
        return int(value or 0)
