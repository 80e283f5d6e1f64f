"""QueueService on the in-memory store: numbers per venue day, contact data only with consent,
calling a ticket to a headset (its session assigned, refusals leaving it waiting), the ticket
following its session, cancelling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.services import Clock
from tests.vr_server.services.support import SCENE, world
from vr_server.errors import HeadsetOffline, Invalid, InvalidState
from vr_server.protocol.queue import CheckIn


def check_in(**fields: Any) -> CheckIn:
    return CheckIn.model_validate({"interests": [SCENE], **fields})


async def test_numbers_restart_at_the_venue_s_midnight(tmp_path: Path) -> None:
    clock = Clock()
    w = await world(tmp_path, clock)
    first, second = await w.queue.check_in(check_in()), await w.queue.check_in(check_in())
    clock.advance(14 * 3600)  # 00:00 on 2 December in Bangkok, still 1 December in UTC
    next_day = await w.queue.check_in(check_in())
    assert [t.label for t in (first, second, next_day)] == ["A001", "A002", "A001"]
    days = [t.venue_day for t in await w.store.queue.find()]
    assert days == ["2026-12-01", "2026-12-01", "2026-12-02"]
    with pytest.raises(Invalid):
        await w.queue.check_in(check_in(interests=["no-such-scene"]))
    assert len(await w.store.queue.find()) == 3


async def test_contact_data_is_kept_apart_and_only_with_consent(tmp_path: Path) -> None:
    w = await world(tmp_path)
    given = await w.queue.check_in(check_in(consent=True, name="สมชาย", phone="081 234 5678"))
    consent_only = await w.queue.check_in(check_in(consent=True))
    contact = await w.store.queue.contact(given.id)
    assert contact is not None
    assert (contact.ticket_id, contact.name, contact.phone) == (given.id, "สมชาย", "081 234 5678")
    assert await w.store.queue.contact(consent_only.id) is None
    assert (given.has_personal_data, consent_only.has_personal_data) == (True, False)


async def test_a_called_ticket_gets_a_session_and_follows_it(tmp_path: Path) -> None:
    w = await world(tmp_path)
    headset = await w.headset("Quest-A")
    ticket = await w.queue.check_in(check_in(language="en"))
    called = await w.queue.call(ticket.id, headset.id)
    assert (called.status, called.headset_id, called.headset_name) == (
        "called",
        headset.id,
        "Quest-A",
    )
    session = await w.store.sessions.live_for_headset(headset.id)
    assert session is not None
    assert (session.ticket_id, called.session_id) == (ticket.id, session.id)
    await w.start(headset.id, session.id)
    assert (await w.queue.ticket(ticket.id)).status == "in_session"
    await w.play(headset.id, session.id)
    assert (await w.queue.ticket(ticket.id)).status == "done"


async def test_refused_calls_leave_the_ticket_waiting(tmp_path: Path) -> None:
    w = await world(tmp_path)
    offline = await w.headset(online=False)
    busy = await w.headset()
    await w.sessions.assign(busy.id, SCENE)
    ticket = await w.queue.check_in(check_in())
    with pytest.raises(HeadsetOffline):
        await w.queue.call(ticket.id, offline.id)
    with pytest.raises(Exception, match="active session"):
        await w.queue.call(ticket.id, busy.id)
    stored = await w.store.queue.get(ticket.id)
    assert stored is not None
    assert (stored.status, stored.headset_id, stored.session_id) == ("waiting", None, None)


async def test_cancelling_a_called_ticket_ends_its_unstarted_session(tmp_path: Path) -> None:
    w = await world(tmp_path)
    headset = await w.headset()
    ticket = await w.queue.check_in(check_in())
    called = await w.queue.call(ticket.id, headset.id)
    cancelled = await w.queue.cancel(ticket.id, no_show=True)
    assert cancelled.status == "no_show"
    assert await w.store.sessions.live_for_headset(headset.id) is None
    session = await w.store.sessions.get(called.session_id or "")
    assert session is not None
    assert session.state == "aborted"
    stored_headset = await w.store.headsets.get(headset.id)
    assert stored_headset is not None
    assert stored_headset.status == "available"  # nobody wore it
    with pytest.raises(InvalidState):
        await w.queue.cancel(ticket.id, no_show=False)
