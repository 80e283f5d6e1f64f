"""The day's figures (staff): JSON for the stats page and a CSV of the sessions for Excel.
Dates are venue days (`VR_TIMEZONE`), both ends included; without them, today."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from vr_server.api.audit import caller
from vr_server.api.deps import CredentialFirstRoute, ServicesDep, StaffDep
from vr_server.protocol.reports import DayFigures

router = APIRouter(tags=["stats"], route_class=CredentialFirstRoute)

FromDay = Annotated[date | None, Query(alias="from", description="First venue day, YYYY-MM-DD.")]
ToDay = Annotated[date | None, Query(description="Last venue day (included), YYYY-MM-DD.")]


@router.get("/api/stats")
async def stats(
    _staff: StaffDep, services: ServicesDep, from_: FromDay = None, to: ToDay = None
) -> DayFigures:
    return await services.stats.figures(from_, to)


@router.get(
    "/api/stats.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One row per session."}},
)
async def stats_csv(
    staff: StaffDep,
    services: ServicesDep,
    request: Request,
    from_: FromDay = None,
    to: ToDay = None,
) -> Response:
    first = from_ or to or services.stats.today()
    last = to or first
    body = await services.stats.csv(first, last)
    days = {"from": first.isoformat(), "to": last.isoformat()}
    await services.audit.record("csv_export", caller(staff, request), details=days)
    name = f"vr-sessions-{first.isoformat()}" + (f"-to-{last.isoformat()}" if last != first else "")
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
