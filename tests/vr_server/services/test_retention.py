"""PDPA retention: personal data older than VR_RETENTION_DAYS is deleted (by `vr-server purge`
and by the hourly task of a running server); tickets, sessions and statistics stay."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.services import Clock, online_headset, play, services_at, start
from vr_server.app import close_services, create_app, open_services
from vr_server.errors import Invalid
from vr_server.protocol.queue import CheckIn
from vr_server.services import Services
from vr_server.settings import Settings
from vr_server.storage.records import ContactRecord


async def old_and_new_visitor(services: Services, clock: Clock) -> tuple[str, str]:
    body = CheckIn(interests=["test-kitchen"], consent=True, name="สมหญิง", phone="0899999999")
    old = await services.queue.check_in(body)
    clock.advance(timedelta(days=20).total_seconds())
    new = await services.queue.check_in(body.model_copy(update={"name": "มานี"}))
    clock.advance(timedelta(days=11).total_seconds())  # old: 31 days, new: 11 days
    return old.id, new.id


async def test_purge_deletes_only_old_personal_data(tmp_path: Path, test_bundles: Path) -> None:
    clock = Clock()
    async with services_at(tmp_path, test_bundles, clock) as services:
        old_id, new_id = await old_and_new_visitor(services, clock)
        # the old visitor's session, for the statistics that must survive
        headset = await online_headset(services)
        session_id = (await services.queue.call(old_id, headset.id)).session_id
        assert session_id is not None
        await start(services, headset.id, session_id)
        await play(services, headset.id, session_id)
        first_day = date.fromtimestamp(clock.now)
        before = await services.stats.figures(first_day, first_day)

        report = await services.retention.purge()
        assert (report.deleted, report.days) == (1, 30)
        assert await services.store.queue.contact(old_id) is None
        kept = await services.store.queue.contact(new_id)
        assert kept is not None
        assert kept.name == "มานี"
        old_ticket = await services.store.queue.get(old_id)
        assert old_ticket is not None
        assert (old_ticket.status, old_ticket.has_personal_data) == ("done", False)
        assert (await services.queue.ticket(new_id)).has_personal_data
        assert await services.stats.figures(first_day, first_day) == before
        assert (await services.sessions.view(session_id)).state == "finished"
        with pytest.raises(Exception, match="deleted after 30 days"):
            await services.queue.contact(old_id, staff="staff")

        assert (await services.retention.purge()).deleted == 0  # nothing left that old
        assert (await services.retention.purge(days=0)).deleted == 1
        assert await services.store.queue.contact(new_id) is None
        with pytest.raises(Invalid):
            await services.retention.purge(days=-1)


async def test_the_running_server_purges_on_start_and_stops_cleanly(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", retention_days=7)
    services = await open_services(settings)
    try:
        long_ago = datetime.now(UTC) - timedelta(days=8)
        ticket = await services.store.queue.create(
            venue_day="2026-01-01",
            language="th",
            interests=[],
            created_at=long_ago,
            contact=ContactRecord(ticket_id="", name="old", phone=None, consent_at=long_ago),
        )
    finally:
        await close_services(services)

    app = create_app(settings)
    names = {"stuck-check", "retention-purge", "queue-refresh"}
    async with app.router.lifespan_context(app):
        running = [t for t in asyncio.all_tasks() if t.get_name() in names]
        assert {t.get_name() for t in running} == names
        store = app.state.services.store
        for _ in range(200):  # the purge runs once at start, then every hour
            if await store.queue.contact(ticket.id) is None:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the purge did not run at start")
    assert all(t.done() for t in running)  # cancelled on shutdown
    services = await open_services(settings)
    try:
        assert await services.store.queue.contact(ticket.id) is None
        assert await services.store.queue.get(ticket.id) is not None
    finally:
        await close_services(services)
