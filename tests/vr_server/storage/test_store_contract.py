"""The in-memory store keeps the SQL store's rules: the same calls give the same answers on
MemoryStore and on SqlStore (SQLite in a temporary file; PostgreSQL is covered by the storage
tests of tests/server)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.records import session_record
from tests.vr_server.storage.test_journeys import check_journeys
from vr_server.storage.base import DuplicateEvent, StaleSession, Store
from vr_server.storage.memory import MemoryStore
from vr_server.storage.records import ContactRecord, EventRecord, SessionRecord, TransitionRecord
from vr_server.storage.sql import SqlStore, migrate

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    sql = SqlStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    await migrate(sql)
    yield sql
    await sql.close()


async def test_accounts_tokens_and_codes(store: Store) -> None:
    account = await store.accounts.create("staff", "hash", "staff")
    with pytest.raises(Exception):  # noqa: B017, PT011 - IntegrityError or Taken
        await store.accounts.create("staff", "other", "staff")
    assert await store.accounts.by_username("staff") == account
    assert await store.accounts.update(account.id, disabled=True, role="admin")
    assert not await store.accounts.update("nobody", disabled=True)
    await store.tokens.put("t" * 64, "admin", account.id, None)
    subject = await store.tokens.subject("t" * 64)
    assert subject is not None
    assert (subject.name, subject.disabled, subject.token.kind) == ("staff", True, "admin")
    assert await store.tokens.revoke_subject(account.id) == 1
    assert await store.tokens.revoke_subject(account.id) == 0
    await store.codes.create("c" * 64, "truck", 2, NOW + timedelta(hours=1), "headset")
    assert not await store.codes.use("c" * 64, NOW, "kiosk")
    used = [await store.codes.use("c" * 64, NOW) for _ in range(3)]
    assert [u and (u.label, u.uses_left) for u in used] == [("truck", 1), ("truck", 0), None]
    assert await store.codes.usable(NOW) == []


async def test_headsets_enroll_again_rename_and_removal(store: Store) -> None:
    first = await store.headsets.enroll("dev-1", None, "a" * 64, NOW)
    other = await store.headsets.enroll("dev-2", "Quest-01", "b" * 64, NOW)
    assert (first.name, other.name) == ("Quest-01", "Quest-01-2")
    again = await store.headsets.enroll("dev-1", "Front", "c" * 64, NOW)
    assert (again.id, again.name) == (first.id, "Front")
    old = await store.headsets.device_token("a" * 64)
    assert old is not None
    assert old[0].revoked  # by enrolling again
    found = await store.headsets.device_token("c" * 64)
    assert found is not None
    assert found[1] == again
    await store.headsets.touch([(first.id, "2.0", NOW), (other.id, None, NOW)])
    await store.headsets.touch([(first.id, None, NOW + timedelta(seconds=5))])
    touched = await store.headsets.get(first.id)
    assert touched is not None
    assert (touched.app_version, touched.last_seen_at) == ("2.0", NOW + timedelta(seconds=5))
    assert await store.headsets.remove(other.id, NOW)
    assert not await store.headsets.remove(other.id, NOW)
    assert [h.name for h in await store.headsets.all()] == ["Front"]
    kiosk = await store.kiosks.create("TV", "k" * 64, NOW + timedelta(days=1), NOW)
    subject = await store.tokens.subject("k" * 64)
    assert subject is not None
    assert subject.name == "TV"
    assert await store.kiosks.remove(kiosk.id)
    assert await store.kiosks.all() == []


async def test_scene_versions_activation_and_owner(store: Store) -> None:
    assert await store.content.put_version("cook", "1.0.0", "{}", "a" * 64, False)
    assert await store.content.put_version("cook", "1.0.0", "{}", "a" * 64, True)  # same again
    assert not await store.content.put_version("cook", "1.0.0", "{}", "b" * 64, True)
    assert await store.content.put_version("cook", "2.0.0", "{}", "c" * 64, False)
    active = await store.content.get_active("cook")
    assert active is not None
    assert active.version == "1.0.0"
    assert not await store.content.activate("cook", "9.9.9")
    assert await store.content.activate("cook", "2.0.0")
    versions = await store.content.list_versions("cook")
    assert [(v.version, v.active) for v in versions] == [("1.0.0", False), ("2.0.0", True)]
    assert await store.content.scene_owner("cook") == (True, None)
    await store.content.claim_scene("cook", "first")
    await store.content.claim_scene("cook", "second")
    assert await store.content.scene_owner("cook") == (True, "first")
    assert await store.content.scene_owner("bake") == (False, None)
    await store.content.put_blob("d" * 64, 3, "image/png")
    await store.content.put_blob("d" * 64, 3, "image/ktx2")  # recorded already: unchanged
    assert await store.content.blob_media_type("d" * 64) == "image/png"


async def test_session_writes_are_optimistic_and_events_unique(store: Store) -> None:
    headset = await store.headsets.enroll("dev-1", None, "a" * 64, NOW)
    record = session_record(
        headset.id, NOW, state="assigned", machine={"step_index": 0}, result_token="r" * 22
    )
    await store.sessions.create(record, TransitionRecord("s1", NOW, "lobby", "assigned", "staff"))
    running = SessionRecord(**{**record.__dict__, "state": "running", "row_version": 2})
    event = EventRecord("s1", 1, "step_started", "intro", {"kind": "step_started"}, None, NOW)
    await store.sessions.save(running, expected_version=1, event=event)
    with pytest.raises(StaleSession):
        await store.sessions.save(running, expected_version=1)
    later = SessionRecord(**{**running.__dict__, "row_version": 3})
    with pytest.raises(DuplicateEvent):
        await store.sessions.save(later, expected_version=2, event=event)
    stored = await store.sessions.get("s1")
    assert stored == running
    assert await store.sessions.live_for_headset(headset.id) == running
    assert await store.sessions.events("s1") == [event]
    assert [t.new_state for t in await store.sessions.transitions("s1")] == ["assigned"]
    await store.sessions.rate("s1", 5, NOW)
    rated = await store.sessions.by_result_token("r" * 22)
    assert rated is not None
    assert (rated.rating, rated.rated_at) == (5, NOW)
    assert [s.id for s in await store.sessions.created_between(NOW, NOW + timedelta(1))] == ["s1"]
    assert await store.sessions.find(states=["finished"]) == []


async def test_tickets_number_per_day_and_contacts_are_purged(store: Store) -> None:
    contact = ContactRecord("", "สมชาย", "0812345678", NOW)
    a = await store.queue.create(
        venue_day="2026-12-01", language="th", interests=["cook"], created_at=NOW, contact=contact
    )
    b = await store.queue.create(
        venue_day="2026-12-01", language="en", interests=[], created_at=NOW
    )
    c = await store.queue.create(
        venue_day="2026-12-02", language="th", interests=[], created_at=NOW
    )
    assert [t.number for t in (a, b, c)] == [1, 2, 1]
    assert (a.interests, a.has_personal_data, b.has_personal_data) == (["cook"], True, False)
    assert await store.queue.update(a.id, ["waiting"], status="called", called_at=NOW)
    assert not await store.queue.update(a.id, ["waiting"], status="called")
    waiting = await store.queue.find(venue_day="2026-12-01", statuses=["waiting"])
    assert [t.id for t in waiting] == [b.id]
    stored_contact = await store.queue.contact(a.id)
    assert stored_contact is not None
    assert (stored_contact.ticket_id, stored_contact.name) == (a.id, "สมชาย")
    assert await store.queue.purge_contacts(NOW) == 0
    assert await store.queue.purge_contacts(NOW + timedelta(seconds=1)) == 1
    purged = await store.queue.get(a.id)
    assert purged is not None
    assert (purged.has_personal_data, await store.queue.contact(a.id)) == (False, None)


async def test_journeys(store: Store) -> None:
    await check_journeys(store)
