"""The stats page at central (`GET /api/stats?venue=<id>|all`, docs/sync.md): the same figures
as a venue's own page (services/stats.py `compute_figures`), computed from the sessions and
tickets the venues sent. Days are central's (`VR_TIMEZONE` of the central server).

What central does not hold, and how the figures say so: the venues' headset names (a headset
is named by its venue and the first 8 characters of its id), and scene titles of versions
central never had (the scene's id only). With every venue at once, the records are keyed by
(venue, id), so two venues' ids never mix; headset utilisation is then over the hours from the
first to the last session of any venue that day.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import cast

from vr_server.errors import NotFound
from vr_server.protocol.reports import DayFigures
from vr_server.protocol.sync import SyncedSession, SyncedTicket
from vr_server.services.days import day_bounds
from vr_server.services.stats import StatsService, compute_figures
from vr_server.storage.records import SessionRecord, TicketRecord, TicketStatus
from vr_server.storage.venues import HeldRows, Venues

ALL = "all"
"""`?venue=all`: every venue's records together."""


def _key(venue_id: str, own_id: str) -> str:
    return f"{venue_id}/{own_id}"


def _epoch(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def as_session(venue_id: str, s: SyncedSession) -> SessionRecord:
    """A venue's session as `compute_figures` reads one: its start and end where the machine
    snapshot keeps them, its ids keyed by its venue."""
    return SessionRecord(
        id=_key(venue_id, s.id),
        headset_id=_key(venue_id, s.headset_id),
        scene_id=s.scene_id,
        scene_version=s.scene_version,
        state=s.state,
        machine={"started_at": _epoch(s.started_at), "ended_at": _epoch(s.ended_at)},
        result=s.result,
        created_at=s.created_at,
        updated_at=s.updated_at,
        row_version=0,
        ticket_id=_key(venue_id, s.ticket_id) if s.ticket_id else None,
        rating=s.rating,
        rated_at=s.rated_at,
    )


def as_ticket(venue_id: str, k: SyncedTicket) -> TicketRecord:
    return TicketRecord(
        id=_key(venue_id, k.id),
        venue_day=k.venue_day,
        number=k.number,
        language=k.language,
        interests=list(k.interests),
        status=cast(TicketStatus, k.status),
        created_at=k.created_at,
        called_at=k.called_at,
        started_at=k.started_at,
        ended_at=k.ended_at,
    )


def held_data(
    held: HeldRows, venue_names: dict[str, str]
) -> tuple[list[SessionRecord], dict[str, TicketRecord], dict[str, str]]:
    """The venues' rows as the records of one server: sessions, tickets by id, headset names."""
    sessions = [as_session(v, s) for v, s in held.sessions]
    tickets = {_key(v, k.id): as_ticket(v, k) for v, k in held.tickets}
    names = {
        _key(v, s.headset_id): f"{venue_names.get(v, v)} · {s.headset_id[:8]}"
        for v, s in held.sessions
    }
    return sessions, tickets, names


async def venue_figures(
    stats: StatsService,
    venues: Venues,
    venue: str,
    first: date | None = None,
    last: date | None = None,
) -> DayFigures:
    """The figures of one venue (its id) or of every venue (`all`); NotFound for a venue that
    does not exist, or when this server has no venues at all."""
    known = {v.id: v.name for v in await venues.all()}
    if not known:
        raise NotFound("this server has no venues: `venue` is for a central server")
    if venue != ALL and venue not in known:
        raise NotFound(f"no venue with id {venue!r}")
    first, last = stats.days(first, last)
    start, end = day_bounds(first, last, stats.zone)
    held = await venues.held(start, end, None if venue == ALL else venue)
    sessions, tickets, names = held_data(held, known)
    data = await stats.day_data(first, last, sessions, tickets, [], names)
    return await asyncio.to_thread(compute_figures, data)
