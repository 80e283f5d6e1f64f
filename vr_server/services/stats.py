"""The day's figures for staff (`GET /api/stats`) and one CSV row per session
(`GET /api/stats.csv`), over venue days in `VR_TIMEZONE`. Definitions: docs/dashboard.md.

The records are read from the store; the counting runs in a worker thread (pure functions
below), so a long range never blocks the event loop. Nothing personal is read: tickets carry
none, and the contact table is not touched.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from content_tools.format import LocalizedText
from vr_server.errors import Invalid, NotFound
from vr_server.protocol.queue import ticket_label
from vr_server.protocol.reports import (
    DayFigures,
    HeadsetUse,
    HourCount,
    RatingKey,
    Satisfaction,
    SceneFigures,
)
from vr_server.services.days import day_bounds, local_iso, venue_date
from vr_server.services.venue_clock import VenueClockService
from vr_server.storage.records import HeadsetRecord, SessionRecord, TicketRecord

MAX_DAYS = 366
CSV_COLUMNS = [
    "session_id",
    "date",
    "started_at",
    "ended_at",
    "headset",
    "scene_id",
    "language",
    "state",
    "score",
    "percent",
    "duration_s",
    "wait_s",
    "rating",
    "ticket",
]
RATING_KEYS: tuple[RatingKey, ...] = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class DayData:
    """Everything the figures are computed from (read from the store, then handed to a thread)."""

    first: date
    last: date
    zone: ZoneInfo
    now: datetime
    sessions: list[SessionRecord]
    tickets: dict[str, TicketRecord]
    headsets: list[HeadsetRecord]
    titles: dict[str, LocalizedText]
    headset_names: dict[str, str] = field(default_factory=dict)
    """Names of headsets not in `headsets` (central names a venue's headsets itself)."""


def _at(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _started(s: SessionRecord) -> datetime | None:
    return _at(s.machine.get("started_at"))


def _ended(s: SessionRecord) -> datetime | None:
    return _at(s.machine.get("ended_at"))


def _wait_s(s: SessionRecord, tickets: dict[str, TicketRecord]) -> float | None:
    ticket = tickets.get(s.ticket_id) if s.ticket_id else None
    if ticket is None or ticket.called_at is None:
        return None
    return max(0.0, (ticket.called_at - ticket.created_at).total_seconds())


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return round(sum(items) / len(items), 1) if items else None


def compute_figures(data: DayData) -> DayFigures:
    zone = data.zone
    started = [s for s in data.sessions if _started(s) is not None]
    finished = [s for s in started if s.state == "finished"]

    # visitors per hour: every hour from a day's first to its last visitor, zeros included
    per_hour = Counter(
        (_started(s) or data.now).astimezone(zone).strftime("%Y-%m-%dT%H") for s in started
    )
    hours: list[HourCount] = []
    by_day: defaultdict[str, list[int]] = defaultdict(list)
    for key in per_hour:
        by_day[key[:10]].append(int(key[11:]))
    for day in sorted(by_day):
        for hour in range(min(by_day[day]), max(by_day[day]) + 1):
            key = f"{day}T{hour:02d}"
            hours.append(HourCount(hour=key, visitors=per_hour.get(key, 0)))

    scenes: dict[str, list[int]] = {}
    for s in started:
        counts = scenes.setdefault(s.scene_id, [0, 0])
        counts[0] += 1
        counts[1] += s.state == "finished"
    per_scene = [
        SceneFigures(scene_id=scene_id, title=data.titles.get(scene_id), sessions=n, completed=done)
        for scene_id, (n, done) in sorted(scenes.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ]

    waits = [
        max(0.0, (t.called_at - t.created_at).total_seconds())
        for t in data.tickets.values()
        if t.called_at is not None and data.first <= venue_date(t.created_at, zone) <= data.last
    ]

    # headset use: a session occupies its headset from assignment to its end (or now)
    range_start, range_end = day_bounds(data.first, data.last, zone)
    cap = min(data.now, range_end)
    busy: defaultdict[str, float] = defaultdict(float)
    open_spans: dict[date, tuple[datetime, datetime]] = {}
    for s in data.sessions:
        begin = max(s.created_at, range_start)
        end = min(_ended(s) or cap, range_end)
        if end <= begin:
            continue
        busy[s.headset_id] += (end - begin).total_seconds()
        local_day = venue_date(begin, zone)
        first, last = open_spans.get(local_day, (begin, end))
        open_spans[local_day] = (min(first, begin), max(last, end))
    open_s = sum((last - first).total_seconds() for first, last in open_spans.values())
    names = {h.id: h.name for h in data.headsets} | data.headset_names
    for headset_id in busy:
        names.setdefault(headset_id, headset_id)
    utilisation = [
        HeadsetUse(
            headset_id=headset_id,
            name=name,
            busy_s=round(busy.get(headset_id, 0.0), 1),
            percent=round(min(100.0, 100.0 * busy.get(headset_id, 0.0) / open_s), 1)
            if open_s > 0
            else 0.0,
        )
        for headset_id, name in sorted(names.items(), key=lambda kv: kv[1])
    ]

    ratings = [s.rating for s in data.sessions if s.rating is not None]
    counted = Counter(str(r) for r in ratings)
    satisfaction = Satisfaction(
        ratings=len(ratings),
        average=round(sum(ratings) / len(ratings), 2) if ratings else None,
        counts={key: counted.get(key, 0) for key in RATING_KEYS},
    )
    return DayFigures(
        from_=data.first,
        to=data.last,
        visitors_per_hour=hours,
        sessions_per_scene=per_scene,
        sessions=len(started),
        completed=len(finished),
        completion_rate=round(len(finished) / len(started), 3) if started else None,
        average_duration_s=_mean(
            float(s.result["duration_s"])
            for s in finished
            if s.result and s.result.get("duration_s") is not None
        ),
        average_wait_s=_mean(waits),
        headset_utilisation=utilisation,
        satisfaction=satisfaction,
    )


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def render_csv(data: DayData) -> bytes:
    """One row per session, header first; UTF-8 with a BOM so that Excel reads Thai."""
    names = {h.id: h.name for h in data.headsets}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in data.sessions:
        result = s.result or {}
        ticket = data.tickets.get(s.ticket_id) if s.ticket_id else None
        wait = _wait_s(s, data.tickets)
        row = [
            s.id,
            venue_date(s.created_at, data.zone).isoformat(),
            local_iso(_started(s), data.zone),
            local_iso(_ended(s), data.zone),
            names.get(s.headset_id, s.headset_id),
            s.scene_id,
            s.machine.get("language", ""),
            s.state,
            result.get("score"),
            result.get("percent"),
            result.get("duration_s"),
            round(wait, 1) if wait is not None else None,
            s.rating,
            ticket_label(ticket.number) if ticket else None,
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


class StatsService(VenueClockService):
    def days(self, first: date | None, last: date | None) -> tuple[date, date]:
        """The asked range (today by default); Invalid when reversed or too long."""
        first = first or last or self.today()
        last = last or first
        if last < first:
            raise Invalid("`to` is before `from`")
        if (last - first).days >= MAX_DAYS:
            raise Invalid(f"ask for at most {MAX_DAYS} days at a time")
        return first, last

    async def titles(self, scenes: Iterable[tuple[str, str]]) -> dict[str, LocalizedText]:
        """Each scene's title from the first of its (scene id, version) this server holds."""
        titles: dict[str, LocalizedText] = {}
        for scene_id, version in scenes:
            if scene_id not in titles:
                try:
                    manifest = await self.catalog.manifest(scene_id, version)
                except NotFound:
                    continue  # a venue's scene this server never had (central)
                titles[scene_id] = manifest.scene.title
        return titles

    async def _data(self, first: date | None, last: date | None) -> DayData:
        first, last = self.days(first, last)
        start, end = day_bounds(first, last, self.zone)
        sessions = await self.store.sessions.created_between(start, end)
        # a session's ticket may be from the evening before (a queue left open overnight)
        tickets = {
            t.id: t
            for t in await self.store.queue.find(
                created_from=start - timedelta(days=1), created_to=end
            )
        }
        return await self.day_data(first, last, sessions, tickets, await self.store.headsets.all())

    async def day_data(
        self,
        first: date,
        last: date,
        sessions: list[SessionRecord],
        tickets: dict[str, TicketRecord],
        headsets: list[HeadsetRecord],
        headset_names: dict[str, str] | None = None,
    ) -> DayData:
        """What the figures are computed from, these records with their scenes' titles."""
        return DayData(
            first=first,
            last=last,
            zone=self.zone,
            now=self.now(),
            sessions=sessions,
            tickets=tickets,
            headsets=headsets,
            titles=await self.titles((s.scene_id, s.scene_version) for s in sessions),
            headset_names=headset_names or {},
        )

    async def figures(self, first: date | None = None, last: date | None = None) -> DayFigures:
        return await asyncio.to_thread(compute_figures, await self._data(first, last))

    async def csv(self, first: date | None = None, last: date | None = None) -> bytes:
        return await asyncio.to_thread(render_csv, await self._data(first, last))
