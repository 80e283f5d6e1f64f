"""The store methods of visitors' journeys (migration 0005), on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tests.support.records import session_record
from vr_server.protocol.queue import VISITOR_CODE_ALPHABET, VISITOR_CODE_LENGTH
from vr_server.storage import SqlStore
from vr_server.storage.base import Store
from vr_server.storage.records import TransitionRecord


async def test_a_journey_links_tickets_and_sessions(store: SqlStore) -> None:
    await check_journeys(store)


async def check_journeys(store: Store) -> None:
    """Also run on the in-memory store (test_store_contract.py)."""
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    first = await store.journeys.create(now)
    other = await store.journeys.create(now)
    assert first.code != other.code
    for code in (first.code, other.code):
        assert len(code) == VISITOR_CODE_LENGTH
        assert set(code) <= set(VISITOR_CODE_ALPHABET)
    assert await store.journeys.get(first.code) == first
    assert await store.journeys.get("ZZZZZZZZ") is None

    ticket = await store.queue.create(
        venue_day="2026-12-07", language="th", interests=[], created_at=now, journey_code=first.code
    )
    plain = await store.queue.create(
        venue_day="2026-12-07", language="th", interests=[], created_at=now
    )
    stored = await store.queue.get(ticket.id)
    assert stored is not None
    assert stored.journey_code == first.code
    assert plain.journey_code is None

    headset = await store.headsets.enroll("dev", None, "h" * 64, now)
    for i, (sid, code) in enumerate([("s1", first.code), ("s2", other.code), ("s3", first.code)]):
        at = now + timedelta(minutes=10 * i)
        record = session_record(
            headset.id, at, id=sid, journey_code=code, result_token=f"{sid:x<22}"
        )
        await store.sessions.create(record, TransitionRecord(sid, at, "lobby", "assigned", "x"))
    # a later save (state, machine, result) keeps the journey
    s1 = await store.sessions.get("s1")
    assert s1 is not None
    await store.sessions.save(
        replace(s1, state="finished", result={"percent": 80.0}, row_version=2),
        expected_version=1,
    )

    mine = await store.sessions.for_journeys([first.code])
    assert [(s.id, s.journey_code, s.state) for s in mine] == [
        ("s1", first.code, "finished"),
        ("s3", first.code, "running"),
    ]
    both = await store.sessions.for_journeys([other.code, first.code, first.code])
    assert [s.id for s in both] == ["s1", "s2", "s3"]  # oldest first
    assert await store.sessions.for_journeys([]) == []
    assert await store.sessions.for_journeys(["ZZZZZZZZ"]) == []
