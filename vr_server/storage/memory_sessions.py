"""The in-memory content, session and queue repositories of `MemoryStore` (storage/memory.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Unpack

from vr_server.storage.journeys import new_journey_code
from vr_server.storage.memory_tables import MemoryRepository, Taken
from vr_server.storage.queue import NewTicket, TicketChanges, TicketFilter, waiting_ticket
from vr_server.storage.records import (
    ContactRecord,
    EventRecord,
    JourneyRecord,
    SceneVersionRecord,
    SessionRecord,
    TicketRecord,
    TicketStatus,
    TransitionRecord,
)
from vr_server.storage.sessions import (
    LIVE_STATES,
    DuplicateEvent,
    SessionFilter,
    SessionWrite,
    StaleSession,
)
from vr_server.storage.sql_repo import now


class MemoryContent(MemoryRepository):
    def _marked(self, record: SceneVersionRecord) -> SceneVersionRecord:
        return replace(record, active=self.t.active.get(record.scene_id) == record.version)

    async def put_blob(self, sha256: str, size: int, media_type: str) -> None:
        self.t.blobs.setdefault(sha256, (size, media_type))

    async def blob_media_type(self, sha256: str) -> str | None:
        blob = self.t.blobs.get(sha256)
        return blob[1] if blob is not None else None

    async def put_version(
        self, scene_id: str, version: str, manifest: str, manifest_sha256: str, activate: bool
    ) -> bool:
        stored = self.t.versions.setdefault(
            (scene_id, version),
            SceneVersionRecord(scene_id, version, manifest, manifest_sha256, now(), False),
        )
        if stored.manifest_sha256 != manifest_sha256:
            return False
        if scene_id not in self.t.active or activate:
            self.t.active[scene_id] = version
        self.t.owners.setdefault(scene_id, None)
        return True

    async def activate(self, scene_id: str, version: str) -> bool:
        if scene_id not in self.t.active or (scene_id, version) not in self.t.versions:
            return False
        self.t.active[scene_id] = version
        return True

    async def get_version(self, scene_id: str, version: str) -> SceneVersionRecord | None:
        record = self.t.versions.get((scene_id, version))
        return self._marked(record) if record is not None else None

    async def get_active(self, scene_id: str) -> SceneVersionRecord | None:
        version = self.t.active.get(scene_id)
        return await self.get_version(scene_id, version) if version is not None else None

    async def list_active(self) -> list[SceneVersionRecord]:
        found = [await self.get_active(scene_id) for scene_id in sorted(self.t.active)]
        return [record for record in found if record is not None]

    async def list_versions(self, scene_id: str) -> list[SceneVersionRecord]:
        records = [self._marked(r) for r in self.t.versions.values() if r.scene_id == scene_id]
        return sorted(records, key=lambda r: (r.published_at, r.version))

    async def manifests(self) -> list[str]:
        return [record.manifest for record in self.t.versions.values()]

    async def scene_owner(self, scene_id: str) -> tuple[bool, str | None]:
        return (scene_id in self.t.owners, self.t.owners.get(scene_id))

    async def claim_scene(self, scene_id: str, owner_id: str) -> None:
        if scene_id in self.t.owners and self.t.owners[scene_id] is None:
            self.t.owners[scene_id] = owner_id


def _copy(record: SessionRecord) -> SessionRecord:
    """What a read from a database gives: JSON columns as new objects."""
    machine = json.loads(json.dumps(record.machine))
    result = json.loads(json.dumps(record.result)) if record.result is not None else None
    return replace(record, machine=machine, result=result)


class MemorySessions(MemoryRepository):
    async def create(self, record: SessionRecord, transition: TransitionRecord) -> None:
        if record.id in self.t.sessions:
            raise Taken(record.id)
        self.t.sessions[record.id] = _copy(record)
        self.t.transitions.append(transition)

    async def get(self, session_id: str) -> SessionRecord | None:
        record = self.t.sessions.get(session_id)
        return _copy(record) if record is not None else None

    async def by_result_token(self, token: str) -> SessionRecord | None:
        found = (s for s in self.t.sessions.values() if s.result_token == token)
        return next((_copy(s) for s in found), None)

    async def live_for_headset(self, headset_id: str) -> SessionRecord | None:
        found = await self.find(states=list(LIVE_STATES), headset_id=headset_id, limit=1)
        return found[0] if found else None

    async def find(self, **match: Unpack[SessionFilter]) -> list[SessionRecord]:
        states, headset_id = match.get("states"), match.get("headset_id")
        found = [
            s
            for s in self.t.sessions.values()
            if (not states or s.state in states) and (not headset_id or s.headset_id == headset_id)
        ]
        found.sort(key=lambda s: s.created_at, reverse=True)
        return [_copy(s) for s in found[: match.get("limit", 100)]]

    async def created_between(self, start: datetime, end: datetime) -> list[SessionRecord]:
        found = [s for s in self.t.sessions.values() if start <= s.created_at < end]
        return [_copy(s) for s in sorted(found, key=lambda s: s.created_at)]

    async def for_journeys(self, codes: list[str]) -> list[SessionRecord]:
        found = [s for s in self.t.sessions.values() if s.journey_code in codes]
        return [_copy(s) for s in sorted(found, key=lambda s: s.created_at)]

    async def save(self, record: SessionRecord, **write: Unpack[SessionWrite]) -> None:
        stored = self.t.sessions.get(record.id)
        if stored is None or stored.row_version != write["expected_version"]:
            raise StaleSession(record.id)
        event = write.get("event")
        if event is not None:
            if (event.session_id, event.seq) in self.t.events:
                raise DuplicateEvent(f"{record.id}#{event.seq}")
            self.t.events[event.session_id, event.seq] = event
        # Like the SQL store, a save writes the state, not the columns set at creation.
        self.t.sessions[record.id] = _copy(
            replace(record, journey_code=stored.journey_code, ticket_id=stored.ticket_id)
        )
        self.t.transitions.extend(write.get("transitions") or [])

    async def rate(self, session_id: str, rating: int, rated_at: datetime) -> None:
        record = self.t.sessions.get(session_id)
        if record is not None:
            self.t.sessions[session_id] = replace(record, rating=rating, rated_at=rated_at)

    async def get_event(self, session_id: str, seq: int) -> EventRecord | None:
        return self.t.events.get((session_id, seq))

    async def events(self, session_id: str) -> list[EventRecord]:
        found = [e for (sid, _), e in self.t.events.items() if sid == session_id]
        return sorted(found, key=lambda e: e.seq)

    async def transitions(self, session_id: str) -> list[TransitionRecord]:
        return [tr for tr in self.t.transitions if tr.session_id == session_id]


class MemoryJourneys(MemoryRepository):
    async def create(self, created_at: datetime) -> JourneyRecord:
        code = new_journey_code()
        while code in self.t.journeys:
            code = new_journey_code()
        record = self.t.journeys[code] = JourneyRecord(code, created_at)
        return record

    async def get(self, code: str) -> JourneyRecord | None:
        return self.t.journeys.get(code)


class MemoryQueue(MemoryRepository):
    async def create(self, **ticket: Unpack[NewTicket]) -> TicketRecord:
        day, contact = ticket["venue_day"], ticket.get("contact")
        last = max((k.number for k in self.t.tickets.values() if k.venue_day == day), default=0)
        record = waiting_ticket(ticket, str(uuid.uuid4()), last + 1)
        self.t.tickets[record.id] = record
        if contact is not None:
            self.t.contacts[record.id] = replace(contact, ticket_id=record.id)
        return record

    async def get(self, ticket_id: str) -> TicketRecord | None:
        return self.t.tickets.get(ticket_id)

    async def find(self, **match: Unpack[TicketFilter]) -> list[TicketRecord]:
        day, statuses = match.get("venue_day"), match.get("statuses")
        start, end = match.get("created_from"), match.get("created_to")
        found = [
            k
            for k in self.t.tickets.values()
            if (day is None or k.venue_day == day)
            and (not statuses or k.status in statuses)
            and (start is None or k.created_at >= start)
            and (end is None or k.created_at < end)
        ]
        return sorted(found, key=lambda k: (k.venue_day, k.number))

    async def update(
        self, ticket_id: str, expect: list[TicketStatus] | None, **values: Unpack[TicketChanges]
    ) -> bool:
        record = self.t.tickets.get(ticket_id)
        if record is None or (expect is not None and record.status not in expect):
            return False
        self.t.tickets[ticket_id] = replace(record, **values)
        return True

    async def contact(self, ticket_id: str) -> ContactRecord | None:
        return self.t.contacts.get(ticket_id)

    async def purge_contacts(self, before: datetime) -> int:
        old = [c.ticket_id for c in self.t.contacts.values() if c.consent_at < before]
        for ticket_id in old:
            del self.t.contacts[ticket_id]
            if ticket_id in self.t.tickets:
                ticket = self.t.tickets[ticket_id]
                self.t.tickets[ticket_id] = replace(ticket, has_personal_data=False)
        return len(old)
