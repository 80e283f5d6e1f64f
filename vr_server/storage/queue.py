"""The walk-in queue's tickets and the visitors' contact data: the interface services depend on,
and its SQL implementation."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import NotRequired, Protocol, TypedDict, Unpack

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.outbox import stamp
from vr_server.storage.records import ContactRecord, TicketRecord, TicketStatus
from vr_server.storage.sql_repo import SqlRepository, row_values, to_record
from vr_server.storage.sqlite_files import checkpoint


class NewTicket(TypedDict):
    venue_day: str
    language: str
    interests: list[str]
    created_at: datetime
    contact: NotRequired[ContactRecord | None]
    """The visitor's personal data, given with consent (`contact.ticket_id` is ignored)."""
    journey_code: NotRequired[str | None]


class TicketFilter(TypedDict, total=False):
    venue_day: str | None
    statuses: list[str] | None
    created_from: datetime | None
    created_to: datetime | None
    """Created before this instant."""


class TicketChanges(TypedDict, total=False):
    status: TicketStatus
    called_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    headset_id: str | None
    scene_id: str | None
    session_id: str | None


class Queue(Protocol):
    async def create(self, **ticket: Unpack[NewTicket]) -> TicketRecord:
        """Store a ticket with the venue day's next number, and its contact data, at once."""
        ...

    async def get(self, ticket_id: str) -> TicketRecord | None: ...
    async def find(self, **match: Unpack[TicketFilter]) -> list[TicketRecord]:
        """Tickets in queue order (day, then number)."""
        ...

    async def update(
        self, ticket_id: str, expect: list[TicketStatus] | None, **values: Unpack[TicketChanges]
    ) -> bool:
        """Change a ticket in one statement, only while its status is one of `expect` (None:
        whatever it is); False when nothing matched."""
        ...

    async def contact(self, ticket_id: str) -> ContactRecord | None: ...
    async def purge_contacts(self, before: datetime) -> int:
        """Delete personal data given before `before` (the tickets stay, marked as having
        none); returns how many visitors' data."""
        ...


def waiting_ticket(ticket: NewTicket, ticket_id: str, number: int) -> TicketRecord:
    """The ticket `create` stores: waiting, the `number`-th of its venue day."""
    return TicketRecord(
        id=ticket_id,
        venue_day=ticket["venue_day"],
        number=number,
        language=ticket["language"],
        interests=list(ticket["interests"]),
        status="waiting",
        created_at=ticket["created_at"],
        has_personal_data=ticket.get("contact") is not None,
        journey_code=ticket.get("journey_code"),
    )


@retry_when_disconnected
class SqlQueue(SqlRepository):
    async def create(self, **ticket: Unpack[NewTicket]) -> TicketRecord:
        k, venue_day, contact = t.tickets.c, ticket["venue_day"], ticket.get("contact")
        for _attempt in range(10):
            ticket_id = str(uuid.uuid4())
            try:
                async with self._write() as conn:
                    last = (
                        await conn.execute(
                            select(func.max(k.number)).where(k.venue_day == venue_day)
                        )
                    ).scalar_one_or_none()
                    record = waiting_ticket(ticket, ticket_id, int(last or 0) + 1)
                    await conn.execute(
                        insert(t.tickets).values(**row_values(record), sync_seq=await stamp(conn))
                    )
                    if contact is not None:
                        visitor = replace(contact, ticket_id=ticket_id)
                        await conn.execute(insert(t.visitor_contacts).values(**row_values(visitor)))
                    row = (await conn.execute(select(t.tickets).where(k.id == ticket_id))).one()
                return to_record(TicketRecord, row)
            except IntegrityError:
                continue  # another instance took this number first (PostgreSQL): take the next
        raise RuntimeError("could not allocate a ticket number")

    async def get(self, ticket_id: str) -> TicketRecord | None:
        return await self._one_by(TicketRecord, t.tickets, "id", ticket_id)

    async def find(self, **match: Unpack[TicketFilter]) -> list[TicketRecord]:
        k = t.tickets.c
        query = select(t.tickets).order_by(k.venue_day, k.number)
        if (venue_day := match.get("venue_day")) is not None:
            query = query.where(k.venue_day == venue_day)
        if statuses := match.get("statuses"):
            query = query.where(k.status.in_(statuses))
        if (created_from := match.get("created_from")) is not None:
            query = query.where(k.created_at >= created_from)
        if (created_to := match.get("created_to")) is not None:
            query = query.where(k.created_at < created_to)
        return await self._all(TicketRecord, query)

    async def update(
        self, ticket_id: str, expect: list[TicketStatus] | None, **values: Unpack[TicketChanges]
    ) -> bool:
        k = t.tickets.c
        condition = k.id == ticket_id
        if expect is not None:
            condition = and_(condition, k.status.in_(expect))
        async with self._write() as conn:
            statement = update(t.tickets).where(condition)
            result = await conn.execute(statement.values(**values, sync_seq=await stamp(conn)))
        return bool(result.rowcount)

    async def contact(self, ticket_id: str) -> ContactRecord | None:
        return await self._one_by(ContactRecord, t.visitor_contacts, "ticket_id", ticket_id)

    async def purge_contacts(self, before: datetime) -> int:
        c = t.visitor_contacts.c
        async with self._write() as conn:
            old = select(c.ticket_id).where(c.consent_at < before)
            await conn.execute(
                update(t.tickets).where(t.tickets.c.id.in_(old)).values(has_personal_data=False)
            )
            result = await conn.execute(delete(t.visitor_contacts).where(c.consent_at < before))
        deleted = int(result.rowcount or 0)
        if deleted and self.db.dialect == "sqlite":
            # secure_delete zeroed the rows in the pages; the log still holds the pages as they
            # were written (with the rows) until it is copied back and truncated.
            async with self.engine.connect() as conn:
                await checkpoint(await conn.execution_options(isolation_level="AUTOCOMMIT"))
        return deleted
