"""Venue-to-central sync over HTTP (docs/sync.md): pairing a venue, the batches a venue sends
up and central's acknowledgements. Shared by the central routes (api/sync.py), the venue's
sender (services/sync.py) and the storage that writes and reads the rows.

Every record here is keyed by the venue it comes from (the credential's venue) and its own id at
that venue: a session by its id, an event by (session id, seq), a ticket by its id. `sync_seq`
is the venue's outbox position of the row's last change: central keeps the newest version of a
session or ticket (a lower `sync_seq` never overwrites a higher one) and an event once.

What never leaves a venue: visitors' names and phone numbers (they are not in these models),
result tokens (the secret names of result pages), journey codes, the session machine's
snapshot, and the state transitions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, model_validator

from vr_server.protocol.common import Id, Wire

MAX_BATCH_RECORDS = 2000
"""Most records (sessions + events + tickets) one batch may hold."""
MAX_BATCH_BYTES = 4 * 1024 * 1024
"""Largest body of `POST /api/sync/batch`."""

MAX_SEQ = 2**31 - 1
"""Outbox positions are 32-bit integers in both databases."""
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]
SyncSeq = Annotated[int, Field(ge=1, le=MAX_SEQ)]
Short = Annotated[str, Field(min_length=1, max_length=64)]
VenueName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$")]
PairingCode = Annotated[str, Field(min_length=4, max_length=32)]


class SyncedSession(Wire):
    """A session as central keeps it: its state, result and rating (no machine snapshot, no
    result token, no journey code)."""

    id: Id
    headset_id: Id
    scene_id: Id
    scene_version: Short
    state: Annotated[str, Field(min_length=1, max_length=16)]
    result: dict[str, Any] | None = None
    created_at: datetime
    updated_at: datetime
    ticket_id: Id | None = None
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    rated_at: datetime | None = None
    sync_seq: SyncSeq


class SyncedEvent(Wire):
    """One stored event of a session (they never change once stored)."""

    session_id: Id
    seq: Seq
    kind: Annotated[str, Field(min_length=1, max_length=32)]
    step_id: Short | None = None
    body: dict[str, Any]
    client_at: float | None = None
    received_at: datetime
    sync_seq: SyncSeq


class SyncedTicket(Wire):
    """A walk-in ticket's queue figures: when it was made, called, started and ended. The
    visitor's name and phone stay at the venue."""

    id: Id
    venue_day: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    number: Annotated[int, Field(ge=0, le=10**9)]
    language: Annotated[str, Field(min_length=1, max_length=8)]
    interests: Annotated[list[Id], Field(max_length=50)]
    status: Annotated[str, Field(min_length=1, max_length=16)]
    created_at: datetime
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    headset_id: Id | None = None
    scene_id: Id | None = None
    session_id: Id | None = None
    sync_seq: SyncSeq


class SyncBatch(Wire):
    """`POST /api/sync/batch` (venue credential): the rows whose outbox position is in
    (`after`, `upto`]. `after` is the mark central acknowledged last, as the venue knows it;
    central refuses a batch whose `after` is above its own mark (409: a gap), and applies one
    below it again harmlessly (a replay, or an acknowledgement that was lost)."""

    venue_id: Id
    after: Seq
    upto: Seq
    sessions: list[SyncedSession] = Field(default_factory=list, max_length=MAX_BATCH_RECORDS)
    events: list[SyncedEvent] = Field(default_factory=list, max_length=MAX_BATCH_RECORDS)
    tickets: list[SyncedTicket] = Field(default_factory=list, max_length=MAX_BATCH_RECORDS)

    @model_validator(mode="after")
    def _within_range(self) -> SyncBatch:
        if self.upto < self.after:
            raise ValueError("upto must not be below after")
        if self.records > MAX_BATCH_RECORDS:
            raise ValueError(f"a batch holds at most {MAX_BATCH_RECORDS} records")
        positions = [r.sync_seq for r in self.sessions] + [r.sync_seq for r in self.events]
        for seq in positions + [r.sync_seq for r in self.tickets]:
            if not self.after < seq <= self.upto:
                raise ValueError(f"a record's sync_seq {seq} is outside (after, upto]")
        return self

    @property
    def records(self) -> int:
        return len(self.sessions) + len(self.events) + len(self.tickets)


class SyncAck(Wire):
    """Central's answer to a batch: its mark now (the venue keeps it) and how many rows were
    new or newer (0 for a batch applied before)."""

    venue_id: str
    acked: int
    applied: int


class SyncState(Wire):
    """`GET /api/sync/state` (venue credential): the venue as central knows it."""

    venue_id: str
    name: str
    acked: int


class Presence(Wire):
    """`POST /api/sync/presence` (venue credential), every round: live figures that are not
    records (they are not in the outbox)."""

    headsets_online: Annotated[int, Field(ge=0, le=100_000)]


class PairRequest(Wire):
    """`POST /api/sync/pair`: a venue server exchanges a one-time code for its credential."""

    code: PairingCode


class PairResponse(Wire):
    venue_id: str
    name: str
    credential: str = Field(description="The venue credential: only the sync routes take it.")


class NewVenue(Wire):
    """`POST /api/admin/venues` (central admin)."""

    name: VenueName
    hours: Annotated[float, Field(gt=0, le=24 * 30)] = 24.0


class VenueView(Wire):
    id: str
    name: str
    created_at: datetime
    paired_at: datetime | None
    acked: int
    last_sync_at: datetime | None
    records: int
    """Rows received so far (new or newer ones)."""


class VenueCode(Wire):
    """A new venue and its one-time pairing code (shown once: only its hash is stored)."""

    venue: VenueView
    code: str
    expires_at: datetime


class PublishedVersion(Wire):
    """A scene version active at central, as a venue pulls it (`GET /api/sync/catalog`)."""

    scene_id: str
    version: str
    manifest_sha256: str
    manifest: dict[str, Any] = Field(description="The bundle manifest (BundleManifest).")


class SyncCatalog(Wire):
    scenes: list[PublishedVersion]


class VenueDay(Wire):
    """One venue's day as central holds it (`GET /api/central/venues`): what its batches
    brought so far. Headsets online now are not synced (live state stays at the venue)."""

    id: str
    name: str
    paired: bool
    last_sync_at: datetime | None
    headsets_online: int | None = Field(
        description="Headsets online at the venue's last round (None: never said, or the venue "
        "has not said for 5 minutes)."
    )
    sessions: int
    finished: int
    completion: float | None = Field(description="finished / sessions, 0-1 (None: no session).")
    headsets_used: int
    median_wait_s: float | None = Field(description="Check-in to session start, median.")
    rating_avg: float | None
    ratings: int


class VenuesOverview(Wire):
    day: str = Field(description="The day (YYYY-MM-DD) in central's time zone (VR_TIMEZONE).")
    venues: list[VenueDay]
