"""The venue's outbox: every write stamps its rows with the next position, a session's newest
version is one row, batches are cut by position, and nothing of a visitor's contact data is
read. On SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.records import session_record
from vr_server.storage import SqlStore
from vr_server.storage.records import ContactRecord, EventRecord, TransitionRecord

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def event(session_id: str, seq: int) -> EventRecord:
    return EventRecord(session_id, seq, "step_done", "intro", {"n": seq}, 1.5, NOW)


async def run_session(store: SqlStore, session_id: str, headset_id: str, events: int) -> None:
    """A session created, then `events` events each saved with the session's new version."""
    record = session_record(headset_id, NOW, id=session_id)
    await store.sessions.create(record, TransitionRecord(session_id, NOW, "lobby", "assigned", "x"))
    for seq in range(1, events + 1):
        version = record.row_version
        record = session_record(headset_id, NOW, id=session_id, row_version=version + 1)
        await store.sessions.save(record, expected_version=version, event=event(session_id, seq))


async def test_writes_stamp_positions_and_pending_cuts_batches(store: SqlStore) -> None:
    assert await store.outbox.position() == 0
    headset = await store.headsets.enroll("dev", None, "h" * 64, NOW)
    await run_session(store, "s1", headset.id, events=5)  # positions 1..6
    contact = ContactRecord("", "สมชาย ใจดี", "0812345678", NOW)
    ticket = await store.queue.create(
        venue_day="2026-12-01", language="th", interests=["cook"], created_at=NOW, contact=contact
    )  # 7
    await store.sessions.rate("s1", 5, NOW)  # 8
    assert await store.outbox.position() == 8
    assert await store.outbox.waiting(0) == 1 + 5 + 1  # the session once, its events, the ticket

    everything = await store.outbox.pending(0, 100)
    assert (everything.after, everything.upto, everything.records) == (0, 8, 7)
    assert [s.sync_seq for s in everything.sessions] == [8]  # its newest version only
    assert everything.sessions[0].rating == 5
    assert [e.seq for e in everything.events] == [1, 2, 3, 4, 5]
    assert everything.events[0].body == {"n": 1}
    assert everything.tickets[0].id == ticket.id
    assert everything.tickets[0].interests == ["cook"]
    dumped = everything.tickets[0].model_dump_json() + everything.sessions[0].model_dump_json()
    assert "สมชาย" not in dumped
    assert "0812345678" not in dumped
    assert "result_token" not in dumped
    assert "journey_code" not in dumped

    first = await store.outbox.pending(0, 3)
    assert (first.upto, [e.seq for e in first.events], first.sessions) == (4, [1, 2, 3], [])
    rest = await store.outbox.pending(first.upto, 3)
    assert (rest.upto, [e.seq for e in rest.events]) == (7, [4, 5])
    assert [k.sync_seq for k in rest.tickets] == [7]
    last = await store.outbox.pending(rest.upto, 3)
    assert (last.upto, last.records, last.sessions[0].id) == (8, 1, "s1")
    empty = await store.outbox.pending(8, 3)
    assert (empty.after, empty.upto, empty.records) == (8, 8, 0)
    assert await store.outbox.waiting(8) == 0


async def test_a_ticket_update_moves_it_up_the_outbox(store: SqlStore) -> None:
    ticket = await store.queue.create(
        venue_day="2026-12-01", language="en", interests=[], created_at=NOW
    )
    assert await store.outbox.waiting(1) == 0
    assert await store.queue.update(ticket.id, ["waiting"], status="called", called_at=NOW)
    pending = await store.outbox.pending(1, 10)
    assert [(k.status, k.sync_seq) for k in pending.tickets] == [("called", 2)]


async def test_the_pairing_is_one_row(store: SqlStore) -> None:
    from vr_server.storage.venue_link import VenueLinkRecord

    assert await store.venue_link.get() is None
    await store.venue_link.pair(VenueLinkRecord("http://c", "v1", "Hall A", "cred", NOW, 0))
    await store.venue_link.acknowledged(12, NOW, done=False)
    await store.venue_link.failed(NOW, "ConnectError: refused")
    link = await store.venue_link.get()
    assert link is not None
    assert (link.acked_seq, link.last_sync_at, link.last_error) == (
        12,
        None,
        "ConnectError: refused",
    )
    await store.venue_link.acknowledged(13, NOW, done=True)
    await store.venue_link.pair(VenueLinkRecord("http://d", "v2", "Hall B", "cred2", NOW, 0))
    link = await store.venue_link.get()
    assert link is not None
    assert (link.venue_id, link.acked_seq, link.last_sync_at, link.last_error) == (
        "v2",
        0,
        None,
        None,
    )


async def test_rows_stored_before_0006_get_positions(database_url: str) -> None:
    """Migration 0006 numbers the rows already stored (sessions, events, tickets), so a venue
    that pairs later sends its whole history; new writes continue after them."""
    from sqlalchemy import insert, select

    from vr_server.storage import tables as t
    from vr_server.storage.sql import run_sync_migrations

    store = SqlStore.from_url(database_url)
    try:
        async with store.engine.begin() as conn:
            await conn.run_sync(run_sync_migrations, "0005")
        headset = await store.headsets.enroll("dev", None, "h" * 64, NOW)
        async with store.engine.begin() as conn:
            for n in (1, 2):
                row = session_record(headset.id, NOW, id=f"s{n}")
                values = {k: v for k, v in vars(row).items() if k not in ("machine", "result")}
                await conn.execute(insert(t.sessions).values(**values, machine="{}"))
                await conn.execute(
                    insert(t.session_events).values(
                        session_id=f"s{n}", seq=1, kind="k", body="{}", received_at=NOW
                    )
                )
            await conn.run_sync(run_sync_migrations)
            positions = [
                (await conn.execute(select(table.c.sync_seq).order_by(table.c.sync_seq)))
                .scalars()
                .all()
                for table in (t.sessions, t.session_events)
            ]
        assert positions == [[1, 2], [3, 4]]
        assert await store.outbox.position() == 4
        assert await store.outbox.waiting(0) == 4
        await store.sessions.rate("s1", 3, NOW)
        assert await store.outbox.position() == 5
    finally:
        await store.close()
