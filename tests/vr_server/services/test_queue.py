"""The walk-in queue: numbering per venue day, personal data only with consent, calling a
ticket to a headset, the ticket following its session, estimated waits, and the HTTP routes
and staff socket requests that reach it (refusals leave the queue as it was)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tests.support.services import Clock, StaffFeed, online_headset, play, services_at, start
from vr_server.errors import Conflict, HeadsetOffline, Invalid, InvalidState
from vr_server.protocol.headset import LoadFailed
from vr_server.protocol.queue import CheckIn, Ticket
from vr_server.services import Services
from vr_server.storage.records import HeadsetRecord

T_ENROLL = datetime(2026, 12, 1, tzinfo=UTC)


def check_in(**fields: Any) -> CheckIn:
    return CheckIn.model_validate({"interests": ["test-kitchen"], **fields})


# (status, headset, session, position) of a ticket first in line and called to nobody
FIRST_IN_LINE = ("waiting", None, None, 1)


def place_in_line(ticket: Ticket) -> tuple[str, str | None, str | None, int | None]:
    return (ticket.status, ticket.headset_id, ticket.session_id, ticket.position)


async def headset_and_two_tickets(services: Services) -> tuple[HeadsetRecord, Ticket, Ticket]:
    """An online headset and two waiting tickets, in the order they came."""
    headset = await online_headset(services)
    first = await services.queue.check_in(check_in())
    second = await services.queue.check_in(check_in())
    return headset, first, second


async def called_ticket(services: Services) -> tuple[str, str, str]:
    """A ticket called to an online headset: (headset id, ticket id, session id)."""
    headset = await online_headset(services)
    ticket = await services.queue.check_in(check_in())
    called = await services.queue.call(ticket.id, headset.id)
    assert called.session_id is not None
    return headset.id, ticket.id, called.session_id


# ---------------------------------------------------------------- the service


async def test_numbers_restart_at_local_midnight_not_utc(
    tmp_path: Path, test_bundles: Path
) -> None:
    # 23:58 in Bangkok is 16:58 UTC: the new day starts at 17:00 UTC
    clock = Clock(datetime(2026, 12, 1, 16, 58, tzinfo=UTC).timestamp())
    async with services_at(tmp_path, test_bundles, clock) as services:
        first = await services.queue.check_in(check_in())
        second = await services.queue.check_in(check_in(language="en"))
        clock.advance(240)  # 00:02 on 2 December in Bangkok, still 1 December in UTC
        next_day = await services.queue.check_in(check_in())
        records = [await services.store.queue.get(t.id) for t in (first, second, next_day)]
    assert [(t.number, t.label) for t in (first, second, next_day)] == [
        (1, "A001"),
        (2, "A002"),
        (1, "A001"),
    ]
    assert [r.venue_day for r in records if r] == ["2026-12-01", "2026-12-01", "2026-12-02"]
    assert second.language == "en"


async def test_anyone_waiting_counts_only_today_s_waiting_tickets(
    tmp_path: Path, test_bundles: Path
) -> None:
    """The minute's queue refresh asks this instead of building the whole view."""
    clock = Clock(datetime(2026, 12, 1, 3, 0, tzinfo=UTC).timestamp())
    async with services_at(tmp_path, test_bundles, clock) as services:
        assert not await services.queue.anyone_waiting()
        await services.queue.check_in(check_in())
        assert await services.queue.anyone_waiting()
        clock.advance(24 * 3600)  # yesterday's ticket is not waiting today
        assert not await services.queue.anyone_waiting()


def test_name_or_phone_without_consent_is_refused() -> None:
    for fields in ({"name": "สมชาย"}, {"phone": "081 234 5678"}):
        with pytest.raises(ValidationError, match="consent"):
            check_in(**fields)
    with pytest.raises(ValidationError):
        check_in(consent=True, phone="call me")  # not a phone number
    assert check_in(consent=False, name="  ", phone="").name is None  # blanks are not data
    assert check_in(consent=True, name="สมชาย ใจดี").name == "สมชาย ใจดี"


async def test_personal_data_is_stored_apart_and_shown_only_by_the_contact_route(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        with_data = await services.queue.check_in(
            check_in(consent=True, name="สมชาย ใจดี", phone="+66 81 234 5678")
        )
        consent_only = await services.queue.check_in(check_in(consent=True))
        contact = await services.queue.contact(with_data.id, staff="staff")
        view = await services.queue.view()
        with pytest.raises(Exception, match="no personal data"):
            await services.queue.contact(consent_only.id, staff="staff")
    assert (with_data.has_personal_data, consent_only.has_personal_data) == (True, False)
    assert (contact.name, contact.phone, contact.label) == ("สมชาย ใจดี", "+66 81 234 5678", "A001")
    assert (contact.delete_after - contact.consent_at).days == 30
    assert "สมชาย" not in view.model_dump_json()
    # The phone number, as given or as digits (random ids and visitor codes may hold "234").
    dump = view.model_dump_json()
    assert "81 234 5678" not in dump
    assert "812345678" not in dump


async def test_unknown_interest_is_refused_and_nothing_is_stored(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        with pytest.raises(Invalid, match="no-such-scene"):
            await services.queue.check_in(check_in(interests=["no-such-scene"]))
        assert await services.store.queue.find() == []


async def test_the_ticket_follows_its_session_to_done(tmp_path: Path, test_bundles: Path) -> None:
    clock = Clock()
    async with services_at(tmp_path, test_bundles, clock) as services:
        feed = StaffFeed(services)
        headset = await online_headset(services, "Quest-01")
        ticket = await services.queue.check_in(check_in(language="en"))
        assert (ticket.status, ticket.position) == ("waiting", 1)
        called = await services.queue.call(ticket.id, headset.id)
        assert (called.status, called.headset_name, called.position) == ("called", "Quest-01", None)
        assert called.session_id is not None
        session = await services.sessions.view(called.session_id)
        assert (session.scene_id, session.language, session.ticket_label) == (
            "test-kitchen",
            "en",
            "A001",
        )
        clock.advance(5)
        await start(services, headset.id, called.session_id)
        assert (await services.queue.ticket(ticket.id)).status == "in_session"
        clock.advance(200)
        await play(services, headset.id, called.session_id)
        done = await services.queue.ticket(ticket.id)
        queue = await services.queue.view()
    assert done.status == "done"
    assert queue.now_serving == []
    assert queue.waiting == []
    assert queue.average_session_s == pytest.approx(200, abs=1)  # today's finished session
    updates = feed.frames("queue_update")
    statuses = [
        [t["status"] for t in u["queue"]["waiting"] + u["queue"]["now_serving"]] for u in updates
    ]
    assert ["waiting"] in statuses
    assert ["called"] in statuses
    assert ["in_session"] in statuses
    assert statuses[-1] == []


async def test_calling_to_a_busy_headset_leaves_the_ticket_waiting(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        headset, first, second = await headset_and_two_tickets(services)
        await services.queue.call(first.id, headset.id)
        with pytest.raises(Conflict):
            await services.queue.call(second.id, headset.id)
        with pytest.raises(InvalidState, match="only a waiting ticket"):
            await services.queue.call(first.id, headset.id)  # called already
        bare = await services.queue.check_in(CheckIn())
        with pytest.raises(Invalid, match="no interest"):
            await services.queue.call(bare.id, headset.id)
        assert place_in_line(await services.queue.ticket(second.id)) == FIRST_IN_LINE


async def test_two_tickets_called_to_one_headset_at_once_give_it_one_session(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        headset, first, second = await headset_and_two_tickets(services)
        outcomes = await asyncio.gather(
            services.queue.call(first.id, headset.id),
            services.queue.call(second.id, headset.id),
            return_exceptions=True,
        )
        active = await services.store.sessions.find(
            states=["assigned", "loading", "ready", "running", "paused"]
        )
        tickets = [await services.queue.ticket(t.id) for t in (first, second)]
    assert len(active) == 1
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Ticket"]
    assert sorted(t.status for t in tickets) == ["called", "waiting"]
    assert [place_in_line(t) for t in tickets if t.status == "waiting"] == [FIRST_IN_LINE]


async def test_a_ticket_is_not_called_to_an_offline_headset(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        offline = await services.store.headsets.enroll("dev-off", "Quest-09", "x" * 64, T_ENROLL)
        ticket = await services.queue.check_in(check_in())
        with pytest.raises(HeadsetOffline, match="Quest-09 is offline"):
            await services.queue.call(ticket.id, offline.id)
        after = await services.queue.ticket(ticket.id)
        sessions = await services.store.sessions.find()
    assert place_in_line(after) == FIRST_IN_LINE
    assert sessions == []


async def test_a_ticket_cancelled_while_being_called_leaves_no_session_behind(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        headset = await online_headset(services)
        ticket = await services.queue.check_in(check_in())
        assign = services.sessions.assign

        async def assign_while_staff_cancels(*args: Any, **kwargs: Any) -> Any:
            view = await assign(*args, **kwargs)
            # another staff member cancels the ticket before its session id is stored
            await services.queue.cancel(ticket.id, no_show=True)
            return view

        services.sessions.assign = assign_while_staff_cancels  # type: ignore[method-assign]
        result = await services.queue.call(ticket.id, headset.id)
        active = await services.store.sessions.find(
            states=["assigned", "loading", "ready", "running", "paused"]
        )
        headset_view = await services.fleet.view(headset.id)
    assert result.status == "no_show"
    assert active == []
    assert (headset_view.status, headset_view.session_id) == ("available", None)


async def test_a_session_that_never_started_puts_the_ticket_back_in_the_queue(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        headset_id, ticket_id, session_id = await called_ticket(services)
        await services.sessions.headset_report(
            headset_id, LoadFailed(session_id=session_id, reason="GLB download failed")
        )
        back = await services.queue.ticket(ticket_id)
    assert (back.status, back.number, back.position, back.session_id) == ("waiting", 1, 1, None)


async def test_no_show_ends_the_unstarted_session_and_frees_the_headset(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        headset_id, ticket_id, session_id = await called_ticket(services)
        gone = await services.queue.cancel(ticket_id, no_show=True)
        session = await services.sessions.view(session_id)
        headset_view = await services.fleet.view(headset_id)
        with pytest.raises(InvalidState, match="no_show already"):
            await services.queue.cancel(ticket_id, no_show=False)
    assert gone.status == "no_show"
    assert session.state == "aborted"
    assert headset_view.status == "available"  # nobody wore it: no cleaning needed


async def test_a_ticket_in_session_cannot_be_cancelled(tmp_path: Path, test_bundles: Path) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        headset_id, ticket_id, session_id = await called_ticket(services)
        await start(services, headset_id, session_id)
        with pytest.raises(InvalidState, match="end the session"):
            await services.queue.cancel(ticket_id, no_show=False)
        assert (await services.queue.ticket(ticket_id)).status == "in_session"


async def test_estimated_waits_follow_the_documented_formula(
    tmp_path: Path, test_bundles: Path
) -> None:
    clock = Clock()
    async with services_at(tmp_path, test_bundles, clock) as services:
        busy = await online_headset(services, "Quest-01")
        await online_headset(services, "Quest-02")  # free
        offline = await services.store.headsets.enroll("dev-off", None, "x" * 64, datetime.now(UTC))
        assert offline is not None
        first = await services.queue.check_in(check_in())
        called = await services.queue.call(first.id, busy.id)
        assert called.session_id is not None
        await start(services, busy.id, called.session_id)
        clock.advance(100)  # the running session has used 100 s of the scene's 300 s
        for _ in range(3):
            await services.queue.check_in(check_in())
        view = await services.queue.view()
    # A = 300 s (duration_min 5, no finished session today); Quest-02 is free now, Quest-01
    # in 200 s. Ticket 1 takes Quest-02 now (busy until 300), ticket 2 Quest-01 at 200 (busy
    # until 500), ticket 3 Quest-02 at 300.
    assert [t.estimated_wait_s for t in view.waiting] == [0, 200, 300]
    assert [t.position for t in view.waiting] == [1, 2, 3]
    assert view.average_session_s == 300
    assert view.free_headsets == 1


async def test_no_wait_is_estimated_without_an_online_headset(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with services_at(tmp_path, test_bundles, Clock()) as services:
        await services.queue.check_in(check_in())
        view = await services.queue.view()
    assert view.waiting[0].estimated_wait_s is None


# ---------------------------------------------------------------- over HTTP and the socket
