"""Central's side of the venues (docs/sync.md): registering a venue with a one-time pairing
code, pairing (the code for a venue credential), and applying the batches a venue sends.

The venue credential is a token of kind "venue" (stored as its sha256 like every token,
services/auth.py): only the sync routes name that kind, and they name no other, so the
credential opens nothing else and nothing else opens them. Pairing again (a new code) revokes
the venue's earlier credential.
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from vr_server.errors import Forbidden, NotFound, Unauthorized
from vr_server.protocol.sync import (
    Presence,
    SyncAck,
    SyncBatch,
    SyncState,
    VenueDay,
    VenuesOverview,
    VenueView,
)
from vr_server.services.auth import AuthService, Principal, new_token, normalize_code, token_hash
from vr_server.services.days import day_bounds, venue_date
from vr_server.storage.base import Store
from vr_server.storage.venues import VenueDayRows, VenueRecord, Venues


class NewVenueCode(NamedTuple):
    venue: VenueRecord
    code: str
    expires_at: datetime


class Paired(NamedTuple):
    venue: VenueRecord
    credential: str


def venue_view(record: VenueRecord) -> VenueView:
    return VenueView(
        id=record.id,
        name=record.name,
        created_at=record.created_at,
        paired_at=record.paired_at,
        acked=record.acked_seq,
        last_sync_at=record.last_sync_at,
        records=record.records,
    )


PRESENCE_FRESH = timedelta(minutes=5)
"""A venue's word on its headsets online counts this long (rounds come every 10 s)."""


def _venue_day(venue: VenueRecord, rows: VenueDayRows | None, now: datetime) -> VenueDay:
    rows = rows or VenueDayRows(venue.id, 0, 0, [], 0, [])
    fresh = venue.presence_at is not None and now - venue.presence_at < PRESENCE_FRESH
    return VenueDay(
        id=venue.id,
        name=venue.name,
        paired=venue.paired_at is not None,
        last_sync_at=venue.last_sync_at,
        headsets_online=venue.headsets_online if fresh else None,
        sessions=rows.sessions,
        finished=rows.finished,
        completion=rows.finished / rows.sessions if rows.sessions else None,
        headsets_used=rows.headsets,
        median_wait_s=statistics.median(rows.waits_s) if rows.waits_s else None,
        rating_avg=statistics.fmean(rows.ratings) if rows.ratings else None,
        ratings=len(rows.ratings),
    )


class VenueService:
    def __init__(
        self, store: Store, venues: Venues, auth: AuthService, *, zone: ZoneInfo | None = None
    ) -> None:
        self.store = store
        self.venues = venues
        self.auth = auth
        self.zone = zone or ZoneInfo("UTC")
        """Central's time zone: the days of the overview."""

    async def overview(self, day: date | None = None) -> VenuesOverview:
        """Every venue's figures for one day (today by default), by name."""
        now = datetime.now(UTC)
        day = day or venue_date(now, self.zone)
        start, end = day_bounds(day, day, self.zone)
        rows = {r.venue_id: r for r in await self.venues.figures(start, end)}
        return VenuesOverview(
            day=day.isoformat(),
            venues=[_venue_day(v, rows.get(v.id), now) for v in await self.venues.all()],
        )

    async def add(self, name: str, *, hours: float = 24.0) -> NewVenueCode:
        """Register a venue and make its one-time pairing code (Conflict for a name taken)."""
        venue = await self.venues.create(name.strip())
        code = await self.new_code(venue, hours=hours)
        return NewVenueCode(venue, code, datetime.now(UTC) + timedelta(hours=hours))

    async def new_code(self, venue: VenueRecord, *, hours: float = 24.0) -> str:
        """Another pairing code for a venue (a venue server replaced, or a code that expired)."""
        return await self.auth.create_enrollment_code(
            uses=1, hours=hours, label=venue.id, purpose="venue", length=12
        )

    async def by_name(self, name: str) -> VenueRecord:
        found = next((v for v in await self.venues.all() if v.name == name), None)
        if found is None:
            raise NotFound(f"no venue named {name!r}")
        return found

    async def revoke(self, venue: VenueRecord) -> int:
        """Stop a venue's credential at once (a stolen laptop): its sync routes answer 401
        until it pairs again with a new code. What it sent stays. Returns how many were live."""
        revoked = await self.store.tokens.revoke_subject(venue.id)
        self.auth.forget(subject_id=venue.id)
        return revoked

    async def pair(self, code: str) -> Paired:
        now = datetime.now(UTC)
        used = await self.store.codes.use(token_hash(normalize_code(code)), now, "venue")
        venue = None if used is None else await self.venues.get(used.label)
        if venue is None:
            raise Unauthorized("the pairing code is wrong, used or expired")
        revoked = await self.store.tokens.revoke_subject(venue.id)
        if revoked:
            self.auth.forget(subject_id=venue.id)
        credential = new_token()
        await self.store.tokens.put(token_hash(credential), "venue", venue.id, None)
        await self.venues.paired(venue.id, now)
        return Paired(venue, credential)

    async def state(self, principal: Principal) -> SyncState:
        venue = await self._venue(principal)
        return SyncState(venue_id=venue.id, name=venue.name, acked=venue.acked_seq)

    async def presence(self, principal: Principal, presence: Presence) -> None:
        venue = await self._venue(principal)
        await self.venues.presence(venue.id, presence.headsets_online, datetime.now(UTC))

    async def apply(self, principal: Principal, batch: SyncBatch) -> SyncAck:
        """Apply a venue's batch (storage/venues.py: once, whatever is sent again). A batch
        naming another venue is refused: a credential writes its own venue's rows only."""
        if batch.venue_id != principal.subject_id:
            raise Forbidden("this credential belongs to another venue than the batch names")
        applied = await self.venues.apply(principal.subject_id, batch)
        return SyncAck(venue_id=principal.subject_id, acked=applied.acked, applied=applied.applied)

    async def _venue(self, principal: Principal) -> VenueRecord:
        venue = await self.venues.get(principal.subject_id)
        if venue is None:
            raise Unauthorized("the venue of this credential no longer exists")
        return venue
