"""The walk-in queue: visitors check in at the desk and get a numbered ticket (A001, A002, ...
restarting each venue day); staff call a ticket to a free headset, which assigns a session for
the visitor's first interest in the visitor's language; the ticket then follows its session
(`called` -> `in_session` when it starts -> `done` when it ends).

A session that ends without ever starting (the scene failed to load, or staff ended it before
the start) puts its ticket back to `waiting` with the same number, so the visitor keeps their
place. Every change of a ticket is published to staff as a `queue_update`.

Estimated waits (docs/dashboard.md): the queue is played forward over the headsets online and
not charging. Each headset is free at some time from now: a free (or being cleaned) headset
now, a running session when what is left of its expected length has passed, a session not
started yet after a whole expected length. Tickets, in order, take the headset that is free
first; a ticket's wait is when that headset is free, and the headset is then busy for the
ticket's expected session length (A: today's mean finished-session length, else the scene's
`duration_min`). Unknown (null) when no headset is online.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from content_tools.format import Language
from vr_server.bus import Bus
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.errors import Conflict, HeadsetOffline, Invalid, InvalidState, NotFound, found
from vr_server.protocol import session_machine as sm
from vr_server.protocol.common import ACTIVE_STATES, HeadsetView, SceneSummary
from vr_server.protocol.queue import (
    BoardTicket,
    CheckIn,
    QueueBoard,
    QueueView,
    Ticket,
    TicketContact,
    TriedOccupation,
    ticket_label,
    visitor_code_label,
)
from vr_server.protocol.staff import QueueUpdate
from vr_server.services.catalog import CatalogService
from vr_server.services.days import day_bounds, venue_day
from vr_server.services.fleet import FleetService
from vr_server.services.journeys import JourneyService
from vr_server.services.sessions import SessionService
from vr_server.services.venue_clock import VenueClockService
from vr_server.storage.base import Store
from vr_server.storage.records import ContactRecord, SessionRecord, TicketRecord, TicketStatus

log = logging.getLogger(__name__)

DEFAULT_SESSION_S = 600.0
"""The expected session length when neither finished sessions nor the catalog tell."""


def _ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _active_seconds(machine: dict[str, Any], now: float) -> float | None:
    """Running time of a started session so far, pauses excluded; None before the start."""
    started = machine.get("started_at")
    if started is None:
        return None
    until = float(machine.get("paused_at") or now)
    return max(0.0, until - float(started) - float(machine.get("paused_total") or 0.0))


def estimated_waits(free_at: list[float], lengths: list[float]) -> list[float | None]:
    """Each ticket in order takes the headset free first (`free_at`: seconds from now, one per
    usable headset) and keeps it for its own expected length; its wait is when it gets it."""
    if not free_at:
        return [None] * len(lengths)
    heap = list(free_at)
    heapq.heapify(heap)
    waits: list[float | None] = []
    for length in lengths:
        start = heapq.heappop(heap)
        waits.append(float(round(max(0.0, start))))
        heapq.heappush(heap, max(0.0, start) + length)
    return waits


class QueueService(VenueClockService):
    def __init__(
        self,
        store: Store,
        catalog: CatalogService,
        fleet: FleetService,
        sessions: SessionService,
        bus: Bus,
        *,
        zone: ZoneInfo,
        retention_days: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(store, catalog, zone=zone, clock=clock)
        self.fleet = fleet
        self.sessions = sessions
        self.bus = bus
        self.retention_days = retention_days
        self.journeys = JourneyService(store, catalog, zone=zone)
        sessions.listeners.append(self._session_changed)

    # ------------------------------------------------------------ desk and staff actions

    async def check_in(self, body: CheckIn) -> Ticket:
        known = {s.id for s in await self.catalog.summaries()}
        unknown = [scene for scene in body.interests if scene not in known]
        if unknown:
            raise Invalid(f"no scene {unknown[0]!r} in the catalog")
        now = self.now()
        journey = await self.journeys.for_check_in(body.visitor_code, now)
        contact = None
        if body.consent and (body.name is not None or body.phone is not None):
            contact = ContactRecord(ticket_id="", name=body.name, phone=body.phone, consent_at=now)
        record = await self.store.queue.create(
            venue_day=venue_day(now, self.zone),
            language=body.language,
            interests=list(body.interests),
            created_at=now,
            contact=contact,
            journey_code=journey,
        )
        log.info("queue: %s checked in", ticket_label(record.number))
        return await self._publish_and_find(record.id)

    async def call(self, ticket_id: str, headset_id: str, scene_id: str | None = None) -> Ticket:
        """Assign a session for the ticket to the headset. Refusals (unknown headset or scene,
        a headset offline, busy or not available) leave the ticket waiting."""
        ticket = await self._get(ticket_id)
        if ticket.status != "waiting":
            raise InvalidState(
                f"ticket {ticket_label(ticket.number)} is {ticket.status}; "
                "only a waiting ticket can be called"
            )
        scene = scene_id or (ticket.interests[0] if ticket.interests else None)
        if scene is None:
            raise Invalid("the ticket names no interest: choose a scene_id")
        headset = await self.fleet.view(headset_id)  # NotFound for an unknown headset
        if not headset.online:
            # Nobody should be sent to a headset that is off. (If it drops after this check,
            # the session waits for it to reconnect; ending that session, not started yet,
            # puts the ticket back in the queue.)
            raise HeadsetOffline(
                f"headset {headset.name} is offline; call {ticket_label(ticket.number)} "
                "to a headset that is online"
            )
        # Claim the ticket first, so that two staff calling it at once cannot both succeed.
        claimed = await self.store.queue.update(
            ticket_id,
            expect=["waiting"],
            status="called",
            called_at=self.now(),
            headset_id=headset_id,
            scene_id=scene,
        )
        if not claimed:
            raise Conflict(f"ticket {ticket_label(ticket.number)} was called meanwhile")
        try:
            view = await self.sessions.assign(
                headset_id,
                scene,
                _language(ticket.language),
                autostart=True,
                ticket_id=ticket_id,
                journey_code=ticket.journey_code,
            )
        except BaseException:
            await self._back_to_waiting(ticket_id)
            raise
        if not await self.store.queue.update(
            ticket_id, expect=["called", "in_session"], session_id=view.id
        ):
            # Cancelled while its session was being assigned (a cancel of a called ticket
            # without a session yet cannot end it), or already back in the queue because the
            # session ended unstarted: a cancelled visitor's session must not stay on the headset.
            current = await self._get(ticket_id)
            if current.status in ("cancelled", "no_show"):
                await self._end_unstarted(view.id)
            return await self._publish_and_find(ticket_id)
        log.info("queue: %s called to headset %s", ticket_label(ticket.number), headset_id)
        return await self._publish_and_find(ticket_id)

    async def cancel(self, ticket_id: str, *, no_show: bool) -> Ticket:
        """Take a waiting or called ticket out of the queue. A called ticket's session, not
        started yet, is ended and its headset marked available again (nobody wore it)."""
        ticket = await self._get(ticket_id)
        label = ticket_label(ticket.number)
        if ticket.status == "in_session":
            raise InvalidState(f"{label} is in a session; end the session instead")
        if ticket.status not in ("waiting", "called"):
            raise InvalidState(f"{label} is {ticket.status} already")
        status: TicketStatus = "no_show" if no_show else "cancelled"
        if not await self.store.queue.update(
            ticket_id, expect=[ticket.status], status=status, ended_at=self.now()
        ):
            raise Conflict(f"{label} changed meanwhile; reload the queue")
        if ticket.status == "called" and ticket.session_id is not None:
            await self._end_unstarted(ticket.session_id)
        log.info("queue: %s %s", label, status)
        return await self._publish_and_find(ticket_id)

    async def _back_to_waiting(self, ticket_id: str) -> bool:
        """A called ticket waits again, with its number; False when it is no longer called."""
        return await self.store.queue.update(
            ticket_id,
            ["called"],
            status="waiting",
            called_at=None,
            headset_id=None,
            scene_id=None,
            session_id=None,
        )

    async def _end_unstarted(self, session_id: str) -> None:
        record = await self.store.sessions.get(session_id)
        if record is None or record.state not in ACTIVE_STATES:
            return
        started = record.machine.get("started_at") is not None
        try:
            await self.sessions.command(session_id, "end")
        except InvalidState:
            return  # it ended meanwhile
        if not started:
            await self.fleet.set_status(record.headset_id, "available")

    async def contact(self, ticket_id: str, *, staff: str) -> TicketContact:
        ticket = await self._get(ticket_id)
        label = ticket_label(ticket.number)
        contact = await self.store.queue.contact(ticket_id)
        if contact is None:
            raise NotFound(
                f"no personal data is stored for {label} (none was given, or it was deleted "
                f"after {self.retention_days} days)"
            )
        log.info("queue: staff %s read the contact data of %s", staff, label)
        return TicketContact(
            ticket_id=ticket_id,
            label=label,
            name=contact.name,
            phone=contact.phone,
            consent_at=contact.consent_at,
            delete_after=contact.consent_at + timedelta(days=self.retention_days),
        )

    # ------------------------------------------------------------ the ticket follows its session

    async def _session_changed(
        self, record: SessionRecord, machine: sm.SessionMachine, outputs: list[sm.Output]
    ) -> None:
        if record.ticket_id is None or not any(isinstance(o, sm.Transition) for o in outputs):
            return
        ticket = await self.store.queue.get(record.ticket_id)
        if ticket is None or ticket.session_id not in (None, record.id):
            return  # the ticket has moved on to another session
        now = self.now()
        changed = False
        if machine.state in ("running", "paused") and ticket.status == "called":
            changed = await self.store.queue.update(
                ticket.id,
                expect=["called"],
                status="in_session",
                started_at=now,
                session_id=record.id,
            )
        elif machine.is_final and ticket.status in ("called", "in_session"):
            if machine.started_at is None:
                # The visitor never started: back to the queue with the same number.
                changed = await self._back_to_waiting(ticket.id)
            else:
                changed = await self.store.queue.update(
                    ticket.id, expect=[ticket.status], status="done", ended_at=now
                )
        if changed or machine.is_final:
            await self.publish()

    # ------------------------------------------------------------ views

    async def publish(self) -> QueueView:
        view = await self.view()
        await self.bus.publish(STAFF_CHANNEL, QueueUpdate(queue=view).model_dump_json())
        return view

    async def _publish_and_find(self, ticket_id: str) -> Ticket:
        view = await self.publish()
        for ticket in (*view.waiting, *view.now_serving):
            if ticket.id == ticket_id:
                return ticket
        return await self.ticket(ticket_id)

    async def _get(self, ticket_id: str) -> TicketRecord:
        return found(await self.store.queue.get(ticket_id), f"no ticket {ticket_id}")

    async def ticket(self, ticket_id: str) -> Ticket:
        record = await self._get(ticket_id)
        if record.status == "waiting":
            for ticket in (await self.view()).waiting:
                if ticket.id == ticket_id:
                    return ticket
        names = {h.id: h.name for h in await self.fleet.views()}
        tried = await self.journeys.tried([record.journey_code] if record.journey_code else [])
        return self._view(record, names, None, None, tried)

    async def average_session_s(self) -> float | None:
        """The mean active length of today's finished sessions; None when there are none."""
        today = self.today()
        start, end = day_bounds(today, today, self.zone)
        lengths = [
            float(r.result["duration_s"])
            for r in await self.store.sessions.created_between(start, end)
            if r.state == "finished" and r.result and r.result.get("duration_s") is not None
        ]
        return round(sum(lengths) / len(lengths), 1) if lengths else None

    async def anyone_waiting(self) -> bool:
        """Whether a visitor waits today: one query, where `view` builds every headset's view
        (10,000 of them at a large venue)."""
        today = venue_day(self.clock(), self.zone)
        return bool(await self.store.queue.find(venue_day=today, statuses=["waiting"]))

    async def view(self, headsets: list[HeadsetView] | None = None) -> QueueView:
        """The queue with estimated waits; `headsets` are the fleet's views if the caller
        has them already (a staff snapshot)."""
        now = self.clock()
        today = venue_day(now, self.zone)
        waiting = await self.store.queue.find(venue_day=today, statuses=["waiting"])
        serving = await self.store.queue.find(statuses=["called", "in_session"])
        if headsets is None:
            headsets = await self.fleet.views()
        names = {h.id: h.name for h in headsets}
        catalog = {s.id: s for s in await self.catalog.summaries()}
        day_average = await self.average_session_s()
        fallback = _catalog_average(catalog)
        average = day_average or fallback
        usable = [h for h in headsets if h.online and h.status != "charging"]
        running = {
            r.id: r
            for r in await self.store.sessions.find(states=sorted(ACTIVE_STATES), limit=100_000)
        }

        def length_of(scene_ids: list[str]) -> float:
            return day_average or _scene_length(scene_ids, catalog) or fallback

        free_at = [_free_in(h, running, length_of, now) for h in usable]
        waits = estimated_waits(free_at, [length_of(r.interests) for r in waiting])
        tried = await self.journeys.tried(
            [r.journey_code for r in (*waiting, *serving) if r.journey_code]
        )
        waiting_views = [
            self._view(record, names, position, wait, tried)
            for position, (record, wait) in enumerate(zip(waiting, waits, strict=True), start=1)
        ]
        return QueueView(
            now_serving=[self._view(r, names, None, None, tried) for r in serving],
            waiting=waiting_views,
            average_session_s=average,
            free_headsets=sum(
                1 for h in headsets if h.online and h.status == "available" and not h.session_id
            ),
            retention_days=self.retention_days,
            updated_at=_ts(now),
        )

    async def board(self) -> QueueBoard:
        view = await self.view()

        def strip(t: Ticket) -> BoardTicket:
            """The public part of a ticket: BoardTicket's fields, read from it."""
            return BoardTicket.model_validate(t, from_attributes=True)

        return QueueBoard(
            now_serving=[strip(t) for t in view.now_serving],
            waiting=[strip(t) for t in view.waiting],
            average_session_s=view.average_session_s,
            free_headsets=view.free_headsets,
            retention_days=view.retention_days,
            updated_at=view.updated_at,
        )

    @staticmethod
    def _view(
        record: TicketRecord,
        names: dict[str, str],
        position: int | None,
        wait: float | None,
        tried: dict[str, list[TriedOccupation]],
    ) -> Ticket:
        return Ticket(
            id=record.id,
            number=record.number,
            label=ticket_label(record.number),
            language=_language(record.language),
            interests=list(record.interests),
            status=record.status,
            created_at=record.created_at,
            called_at=record.called_at,
            headset_id=record.headset_id,
            headset_name=names.get(record.headset_id) if record.headset_id else None,
            session_id=record.session_id,
            position=position,
            estimated_wait_s=wait,
            has_personal_data=record.has_personal_data,
            visitor_code=visitor_code_label(record.journey_code) if record.journey_code else None,
            tried=tried.get(record.journey_code, []) if record.journey_code else [],
        )


def _language(value: str) -> Language:
    return "en" if value == "en" else "th"


def _catalog_average(catalog: dict[str, SceneSummary]) -> float:
    if not catalog:
        return DEFAULT_SESSION_S
    return round(sum(s.duration_min for s in catalog.values()) * 60.0 / len(catalog), 1)


def _scene_length(interests: list[str], catalog: dict[str, SceneSummary]) -> float | None:
    for scene_id in interests[:1]:
        scene = catalog.get(scene_id)
        if scene is not None:
            return scene.duration_min * 60.0
    return None


def _free_in(
    headset: HeadsetView,
    active: dict[str, SessionRecord],
    length_of: Callable[[list[str]], float],
    now: float,
) -> float:
    """Seconds from now until this headset can take the next visitor (an estimate)."""
    if headset.session_id is None:
        return 0.0  # free (or being cleaned): its next visitor can start now
    record = active.get(headset.session_id)
    if record is None:
        return 0.0
    length = length_of([record.scene_id])
    elapsed = _active_seconds(record.machine, now)
    return length if elapsed is None else max(0.0, length - elapsed)
