"""The day's figures (staff): JSON for the stats page and a CSV of the sessions for Excel.
Dates are venue days (`VR_TIMEZONE`), both ends included; without them, today. At central,
`?venue=<id>|all` gives the same figures from what the venues sent (services/venue_stats.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Depends, Query, Request, Response

from vr_server.api.audit import caller
from vr_server.api.deps import CredentialFirstRoute, ServicesDep, StaffDep
from vr_server.errors import NotFound
from vr_server.protocol.reports import DayFigures
from vr_server.services import Services
from vr_server.services.audit import Actor
from vr_server.services.venue_stats import venue_figures

router = APIRouter(tags=["stats"], route_class=CredentialFirstRoute)

FromDay = Annotated[date | None, Query(alias="from", description="First venue day, YYYY-MM-DD.")]
ToDay = Annotated[date | None, Query(description="Last venue day (included), YYYY-MM-DD.")]


VenueParam = Annotated[
    str | None,
    Query(
        max_length=64,
        description="At central: a venue's id, or `all`, for the figures of what the venues sent "
        "(docs/sync.md); refused (404) on a server without venues.",
    ),
]


@router.get("/api/stats")
async def stats(
    _staff: StaffDep,
    services: ServicesDep,
    from_: FromDay = None,
    to: ToDay = None,
    venue: VenueParam = None,
) -> DayFigures:
    if venue is None:
        return await services.stats.figures(from_, to)
    if services.venues is None:
        raise NotFound("this server has no venues: `venue` is for a central server")
    return await venue_figures(services.stats, services.venues.venues, venue, from_, to)


class DayRange(NamedTuple):
    """The venue days asked for, both ends included."""

    first: date
    last: date


async def asked_days(services: ServicesDep, from_: FromDay = None, to: ToDay = None) -> DayRange:
    """`from` and `to`; either alone is a single day, neither is today."""
    first = from_ or to or services.stats.today()
    return DayRange(first, to or first)


AskedDays = Annotated[DayRange, Depends(asked_days)]

CSV_ANSWER: dict[str, Any] = {
    "response_class": Response,
    "responses": {200: {"content": {"text/csv": {}}, "description": "One row per session."}},
}
"""What a CSV route answers, for the OpenAPI document."""


@router.get("/api/stats.csv", **CSV_ANSWER)
async def stats_csv(
    staff: StaffDep, services: ServicesDep, request: Request, days: AskedDays
) -> Response:
    first, last = days
    body = await services.stats.csv(first, last)
    name = f"vr-sessions-{first.isoformat()}" + (f"-to-{last.isoformat()}" if last != first else "")
    return await exported_csv(services, caller(staff, request), days, body, name)


async def exported_csv(
    services: Services, who: Actor, days: DayRange, body: str | bytes, name: str, **details: str
) -> Response:
    """`body` downloaded as `name`.csv, once the export of `days` is in the audit trail."""
    asked = {"from": days.first.isoformat(), "to": days.last.isoformat(), **details}
    await services.audit.record("csv_export", who, details=asked)
    return csv_download(body, name)


def csv_download(body: str | bytes, name: str) -> Response:
    """A CSV for Excel, downloaded as `name`.csv and never cached (the central CSV too)."""
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Cache-Control": "no-store",
        },
    )
