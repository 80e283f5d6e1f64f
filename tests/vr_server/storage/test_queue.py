"""The store methods of the queue, results and retention, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.records import session_record
from vr_server.storage import SqlStore, migrate
from vr_server.storage.records import ContactRecord, TransitionRecord


async def test_tickets_contacts_tokens_and_ratings(database_url: str) -> None:
    store = SqlStore.from_url(database_url)
    await migrate(store)
    try:
        now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
        contact = ContactRecord(ticket_id="", name="สมชาย", phone="0812345678", consent_at=now)
        a = await store.queue.create(
            venue_day="2026-12-01",
            language="th",
            interests=["cook"],
            created_at=now,
            contact=contact,
        )
        b = await store.queue.create(
            venue_day="2026-12-01", language="en", interests=[], created_at=now
        )
        c = await store.queue.create(
            venue_day="2026-12-02", language="th", interests=[], created_at=now + timedelta(days=1)
        )
        assert [(t.number, t.has_personal_data) for t in (a, b, c)] == [
            (1, True),
            (2, False),
            (1, False),
        ]
        assert a.interests == ["cook"]

        # a conditional update happens once
        assert await store.queue.update(a.id, expect=["waiting"], status="called", called_at=now)
        assert not await store.queue.update(a.id, expect=["waiting"], status="called")
        waiting = await store.queue.find(venue_day="2026-12-01", statuses=["waiting"])
        assert [t.id for t in waiting] == [b.id]
        stored = await store.queue.get(a.id)
        assert stored is not None
        assert (stored.status, stored.called_at) == ("called", now)

        # purge: only data given before the cut, and the ticket stays
        assert await store.queue.purge_contacts(now) == 0
        assert await store.queue.purge_contacts(now + timedelta(seconds=1)) == 1
        assert await store.queue.contact(a.id) is None
        kept = await store.queue.get(a.id)
        assert kept is not None
        assert kept.has_personal_data is False

        headset = await store.headsets.enroll("dev", None, "h" * 64, now)
        record = session_record(
            headset.id,
            now,
            state="finished",
            result={"score": 1},
            ticket_id=a.id,
            result_token="t" * 22,
        )
        await store.sessions.create(record, TransitionRecord("s1", now, "lobby", "assigned", "x"))
        await store.sessions.rate("s1", 4, now)
        found = await store.sessions.by_result_token("t" * 22)
        assert found is not None
        assert (found.id, found.ticket_id, found.rating, found.rated_at) == ("s1", a.id, 4, now)
        assert await store.sessions.by_result_token("u" * 22) is None
        day = await store.sessions.created_between(now, now + timedelta(days=1))
        assert [s.id for s in day] == ["s1"]
        assert (
            await store.sessions.created_between(
                now + timedelta(seconds=1), now + timedelta(days=1)
            )
            == []
        )
    finally:
        await store.close()
