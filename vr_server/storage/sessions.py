"""Sessions with their events and state transitions, results and ratings: the interface services
depend on, and its SQL implementation."""

from __future__ import annotations

from datetime import datetime
from typing import NotRequired, Protocol, TypedDict, Unpack

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from vr_server.errors import Conflict
from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.outbox import stamp
from vr_server.storage.records import EventRecord, SessionRecord, TransitionRecord
from vr_server.storage.sql_repo import SqlRepository, dumps, row_values, to_record

LIVE_STATES = ("assigned", "loading", "ready", "running", "paused")
"""A headset has at most one session in these states."""


class StaleSession(Conflict):
    """The session row changed since it was read (another writer got there first)."""


class DuplicateEvent(Conflict):
    """An event with this (session, seq) is stored already."""


class SessionFilter(TypedDict, total=False):
    states: list[str] | None
    headset_id: str | None
    limit: int
    """At most this many (100 when not given)."""


class SessionWrite(TypedDict):
    expected_version: int
    """The row version the record was read at (it holds the next one)."""
    event: NotRequired[EventRecord | None]
    transitions: NotRequired[list[TransitionRecord] | None]


class Sessions(Protocol):
    async def create(self, record: SessionRecord, transition: TransitionRecord) -> None: ...
    async def get(self, session_id: str) -> SessionRecord | None: ...
    async def by_result_token(self, token: str) -> SessionRecord | None: ...
    async def live_for_headset(self, headset_id: str) -> SessionRecord | None:
        """The headset's newest session in one of LIVE_STATES."""
        ...

    async def find(self, **match: Unpack[SessionFilter]) -> list[SessionRecord]:
        """Newest first."""
        ...

    async def created_between(self, start: datetime, end: datetime) -> list[SessionRecord]:
        """Sessions created in [start, end), oldest first."""
        ...

    async def for_journeys(self, codes: list[str]) -> list[SessionRecord]:
        """The sessions of these journeys, oldest first."""
        ...

    async def save(self, record: SessionRecord, **write: Unpack[SessionWrite]) -> None:
        """Write the session, its new event and transitions in one transaction.

        Raises StaleSession if the row version moved, DuplicateEvent if the seq is taken.
        """
        ...

    async def rate(self, session_id: str, rating: int, rated_at: datetime) -> None: ...
    async def get_event(self, session_id: str, seq: int) -> EventRecord | None: ...
    async def events(self, session_id: str) -> list[EventRecord]:
        """In seq order."""
        ...

    async def transitions(self, session_id: str) -> list[TransitionRecord]:
        """In the order they were stored."""
        ...


@retry_when_disconnected
class SqlSessions(SqlRepository):
    async def create(self, record: SessionRecord, transition: TransitionRecord) -> None:
        async with self._write() as conn:
            position = await stamp(conn)
            await conn.execute(
                insert(t.sessions).values({**row_values(record), "sync_seq": position})
            )
            await conn.execute(insert(t.session_transitions).values(row_values(transition)))

    async def get(self, session_id: str) -> SessionRecord | None:
        return await self._one_by(SessionRecord, t.sessions, "id", session_id)

    async def by_result_token(self, token: str) -> SessionRecord | None:
        return await self._one_by(SessionRecord, t.sessions, "result_token", token)

    async def live_for_headset(self, headset_id: str) -> SessionRecord | None:
        found = await self._find(list(LIVE_STATES), headset_id, 1)
        return found[0] if found else None

    async def find(self, **match: Unpack[SessionFilter]) -> list[SessionRecord]:
        return await self._find(
            match.get("states"), match.get("headset_id"), match.get("limit", 100)
        )

    async def _find(
        self, states: list[str] | None, headset_id: str | None, limit: int
    ) -> list[SessionRecord]:
        s = t.sessions.c
        query = select(t.sessions).order_by(s.created_at.desc()).limit(limit)
        if states:
            query = query.where(s.state.in_(states))
        if headset_id:
            query = query.where(s.headset_id == headset_id)
        return await self._all(SessionRecord, query)

    async def created_between(self, start: datetime, end: datetime) -> list[SessionRecord]:
        s = t.sessions.c
        query = select(t.sessions).where(and_(s.created_at >= start, s.created_at < end))
        return await self._all(SessionRecord, query.order_by(s.created_at))

    async def for_journeys(self, codes: list[str]) -> list[SessionRecord]:
        if not codes:
            return []
        s = t.sessions.c
        query = select(t.sessions).where(s.journey_code.in_(sorted(set(codes))))
        return await self._all(SessionRecord, query.order_by(s.created_at))

    async def save(self, record: SessionRecord, **write: Unpack[SessionWrite]) -> None:
        s, event = t.sessions.c, write.get("event")
        try:
            async with self._write() as conn:
                position = await stamp(conn)
                result = await conn.execute(
                    update(t.sessions)
                    .where(and_(s.id == record.id, s.row_version == write["expected_version"]))
                    .values(
                        state=record.state,
                        machine=dumps(record.machine),
                        result=dumps(record.result) if record.result is not None else None,
                        updated_at=record.updated_at,
                        row_version=record.row_version,
                        sync_seq=position,
                    )
                )
                if not result.rowcount:
                    raise StaleSession(record.id)
                if event is not None:
                    await conn.execute(
                        insert(t.session_events).values({**row_values(event), "sync_seq": position})
                    )
                for tr in write.get("transitions") or []:
                    await conn.execute(insert(t.session_transitions).values(row_values(tr)))
        except IntegrityError as exc:
            raise DuplicateEvent(f"{record.id}#{event.seq if event else '?'}") from exc

    async def rate(self, session_id: str, rating: int, rated_at: datetime) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(t.sessions)
                .where(t.sessions.c.id == session_id)
                .values(rating=rating, rated_at=rated_at, sync_seq=await stamp(conn))
            )

    async def get_event(self, session_id: str, seq: int) -> EventRecord | None:
        e = t.session_events.c
        row = await self._first(
            select(t.session_events).where(and_(e.session_id == session_id, e.seq == seq))
        )
        return to_record(EventRecord, row) if row else None

    async def events(self, session_id: str) -> list[EventRecord]:
        e = t.session_events.c
        query = select(t.session_events).where(e.session_id == session_id).order_by(e.seq)
        return await self._all(EventRecord, query)

    async def transitions(self, session_id: str) -> list[TransitionRecord]:
        tr = t.session_transitions.c
        query = select(t.session_transitions).where(tr.session_id == session_id)
        return await self._all(TransitionRecord, query.order_by(tr.id))
