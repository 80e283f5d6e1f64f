"""Central's CSV of the venues' sessions (`GET /api/central/venues.csv`): one row per session a
venue sent, over days in central's time zone, for one venue or all. Nothing personal: central
holds none (docs/sync.md)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from zoneinfo import ZoneInfo

from vr_server.errors import Invalid
from vr_server.services.days import day_bounds, local_iso
from vr_server.storage.venues import Venues, VenueSessionRow

MAX_DAYS = 366
COLUMNS = [
    "venue",
    "session_id",
    "date",
    "created_at",
    "updated_at",
    "headset",
    "scene_id",
    "state",
    "score",
    "percent",
    "rating",
    "ticket",
    "wait_s",
]


def _row(s: VenueSessionRow, zone: ZoneInfo) -> list[object]:
    result = s.result or {}
    wait = None
    if s.checked_in_at is not None and s.started_at is not None:
        wait = round(max(0.0, (s.started_at - s.checked_in_at).total_seconds()))
    return [
        s.venue,
        s.id,
        s.created_at.astimezone(zone).date().isoformat(),
        local_iso(s.created_at, zone),
        local_iso(s.updated_at, zone),
        s.headset_id,
        s.scene_id,
        s.state,
        result.get("score", ""),
        result.get("percent", ""),
        s.rating if s.rating is not None else "",
        s.ticket_number if s.ticket_number is not None else "",
        wait if wait is not None else "",
    ]


def _text(rows: list[VenueSessionRow], zone: ZoneInfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(s, zone) for s in rows)
    return "\ufeff" + out.getvalue()  # Excel reads UTF-8 with the mark


async def venues_csv(
    venues: Venues, first: date, last: date, zone: ZoneInfo, venue_id: str | None = None
) -> str:
    if last < first or (last - first).days >= MAX_DAYS:
        raise Invalid(f"give 1 to {MAX_DAYS} days, the first not after the last")
    start, end = day_bounds(first, last, zone)
    rows = await venues.sessions(start, end, venue_id)
    return await asyncio.to_thread(_text, rows, zone)
