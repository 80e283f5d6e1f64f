"""Venues and central (docs/sync.md).

    POST /api/sync/pair       public: a one-time pairing code -> the venue credential
    POST /api/sync/batch      venue credential only: a batch of the venue's outbox -> the mark
    GET  /api/sync/state      venue credential only: the venue's mark as central holds it
    POST /api/sync/presence   venue credential only: headsets online now (every round)
    GET  /api/sync/catalog    venue credential only: the active scene versions (manifests)
    GET  /api/sync/blobs/{sha256}   venue credential only: a content file (ranges, ETag)
    GET  /api/admin/venues    admin (central): the venues and how far each has synced
    POST /api/admin/venues    admin (central): register a venue -> its one-time pairing code
    GET  /api/central/venues  staff, admin (central): every venue's day (the /venues/ page)
    GET  /api/central/venues.csv   staff, admin (central): the venues' sessions, one venue or all

The venue credential (token kind "venue") opens the sync routes and nothing else; the sync
routes take nothing else (bearer header only, no cookie).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from vr_server.api.assets import blob_response
from vr_server.api.audit import caller, client_address
from vr_server.api.deps import AdminDep, CredentialFirstRoute, ServicesDep, StaffDep, requires
from vr_server.api.stats import CSV_ANSWER, AskedDays, exported_csv
from vr_server.errors import NotFound
from vr_server.protocol.sync import (
    MAX_BATCH_BYTES,
    NewVenue,
    PairRequest,
    PairResponse,
    Presence,
    PublishedVersion,
    SyncAck,
    SyncBatch,
    SyncCatalog,
    SyncState,
    VenueCode,
    VenuesOverview,
    VenueView,
)
from vr_server.services import Services
from vr_server.services.audit import Actor
from vr_server.services.auth import Principal
from vr_server.services.venue_reports import venues_csv as venues_csv_text
from vr_server.services.venues import VenueService, venue_view

router = APIRouter(tags=["sync"], route_class=CredentialFirstRoute)
VenueDep = Annotated[Principal, requires("venue", cookie=False)]
"""A venue server syncing with central: the sync routes, nothing else."""


def _venues(services: Services) -> VenueService:
    if services.venues is None:
        raise NotFound("this server does not keep venues (it has no SQL database)")
    return services.venues


@router.post("/api/sync/pair", status_code=201)
async def pair(body: PairRequest, services: ServicesDep, request: Request) -> PairResponse:
    """Public: the code is the credential (one use, made by a central admin)."""
    paired = await _venues(services).pair(body.code)
    await services.audit.record(
        "venue_paired",
        Actor(paired.venue.name, "venue", client_address(request)),
        target=paired.venue.id,
    )
    return PairResponse(
        venue_id=paired.venue.id, name=paired.venue.name, credential=paired.credential
    )


@router.post("/api/sync/batch", max_body_size=MAX_BATCH_BYTES)
async def batch(body: SyncBatch, venue: VenueDep, services: ServicesDep) -> SyncAck:
    return await _venues(services).apply(venue, body)


@router.get("/api/sync/state")
async def state(venue: VenueDep, services: ServicesDep) -> SyncState:
    return await _venues(services).state(venue)


@router.post("/api/sync/presence", status_code=204)
async def presence(body: Presence, venue: VenueDep, services: ServicesDep) -> None:
    await _venues(services).presence(venue, body)


@router.get("/api/sync/catalog")
async def catalog(_venue: VenueDep, services: ServicesDep) -> SyncCatalog:
    """What a venue pulls: every scene's active version with its manifest."""
    active = await services.store.content.list_active()
    return SyncCatalog(
        scenes=[
            PublishedVersion(
                scene_id=r.scene_id,
                version=r.version,
                manifest_sha256=r.manifest_sha256,
                manifest=json.loads(r.manifest),
            )
            for r in active
        ]
    )


@router.get("/api/sync/blobs/{sha256}")
async def blob(sha256: str, request: Request, _venue: VenueDep, services: ServicesDep) -> Response:
    """A content file for a venue (the venue checks its sha256 as it stores it)."""
    return await blob_response(sha256, request, services)


@router.get("/api/admin/venues")
async def venues(_admin: AdminDep, services: ServicesDep) -> list[VenueView]:
    return [venue_view(v) for v in await _venues(services).venues.all()]


@router.post("/api/admin/venues", status_code=201)
async def add_venue(
    body: NewVenue, admin: AdminDep, services: ServicesDep, request: Request
) -> VenueCode:
    made = await _venues(services).add(body.name, hours=body.hours)
    await services.audit.record(
        "venue_added", caller(admin, request), target=made.venue.name, details={"id": made.venue.id}
    )
    return VenueCode(venue=venue_view(made.venue), code=made.code, expires_at=made.expires_at)


@router.get("/api/central/venues")
async def venues_day(
    _staff: StaffDep,
    services: ServicesDep,
    day: Annotated[date | None, Query(description="YYYY-MM-DD; today by default")] = None,
) -> VenuesOverview:
    """The central dashboard: every venue's sessions, completion, waiting time and rating of one
    day, from what the venues' batches brought."""
    return await _venues(services).overview(day)


@router.get("/api/central/venues.csv", **CSV_ANSWER)
async def venues_csv(
    staff: StaffDep,
    services: ServicesDep,
    request: Request,
    days: AskedDays,
    venue: Annotated[str | None, Query(max_length=64, description="A venue's name.")] = None,
) -> Response:
    """The sessions the venues sent (one venue's, or every venue's), for Excel."""
    venues = _venues(services)
    first, last = days
    venue_id = (await venues.by_name(venue)).id if venue else None
    body = await venues_csv_text(venues.venues, first, last, venues.zone, venue_id)
    name = f"vr-venue-sessions-{first.isoformat()}-to-{last.isoformat()}"
    who = caller(staff, request)
    return await exported_csv(services, who, days, body, name, venue=venue or "all")
