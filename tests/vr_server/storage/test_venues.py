"""Central's side: venues and applying their batches once, whatever is sent again. On SQLite
and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vr_server.errors import Conflict, NotFound
from vr_server.protocol.sync import SyncBatch, SyncedEvent, SyncedSession, SyncedTicket
from vr_server.storage import SqlStore
from vr_server.storage.venues import SyncGap

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def session(seq: int, state: str = "running", **fields: Any) -> SyncedSession:
    return SyncedSession(
        id="s1",
        headset_id="h1",
        scene_id="cook",
        scene_version="1.0.0",
        state=state,
        created_at=NOW,
        updated_at=NOW + timedelta(seconds=seq),
        sync_seq=seq,
        **fields,
    )


def event(seq: int, position: int) -> SyncedEvent:
    return SyncedEvent(
        session_id="s1",
        seq=seq,
        kind="step_done",
        body={"n": seq},
        received_at=NOW,
        sync_seq=position,
    )


def ticket(position: int, status: str) -> SyncedTicket:
    return SyncedTicket(
        id="t1",
        venue_day="2026-12-01",
        number=1,
        language="th",
        interests=["cook"],
        status=status,
        created_at=NOW,
        sync_seq=position,
    )


def batch(venue_id: str, after: int, upto: int, **rows: Any) -> SyncBatch:
    return SyncBatch(venue_id=venue_id, after=after, upto=upto, **rows)


async def test_a_batch_applies_once_and_the_newest_version_wins(store: SqlStore) -> None:
    venue = await store.venues.create("Hall A")
    with pytest.raises(Conflict):
        await store.venues.create("Hall A")
    first = batch(
        venue.id,
        0,
        4,
        sessions=[session(1)],
        events=[event(1, 2), event(2, 3)],
        tickets=[ticket(4, "called")],
    )
    assert tuple(await store.venues.apply(venue.id, first)) == (4, 4)
    assert tuple(await store.venues.apply(venue.id, first)) == (4, 0)  # replayed: nothing
    assert await store.venues.counts(venue.id) == {"sessions": 1, "events": 2, "tickets": 1}

    second = batch(
        venue.id,
        4,
        7,
        sessions=[session(7, "finished", result={"score": 3}, rating=5)],
        events=[event(3, 5)],
        tickets=[ticket(6, "done")],
    )
    assert tuple(await store.venues.apply(venue.id, second)) == (7, 3)
    # the first batch again (its acknowledgement lost): older versions do not overwrite
    assert tuple(await store.venues.apply(venue.id, first)) == (7, 0)
    stored = await store.venues.get(venue.id)
    assert stored is not None
    assert (stored.acked_seq, stored.records) == (7, 7)
    assert await store.venues.counts(venue.id) == {"sessions": 1, "events": 3, "tickets": 1}
    async with store.engine.connect() as conn:
        from sqlalchemy import select

        from vr_server.storage import tables as t

        row = (await conn.execute(select(t.venue_sessions))).one()
        assert (row.state, row.rating, row.sync_seq) == ("finished", 5, 7)
        assert (await conn.execute(select(t.venue_tickets.c.status))).scalar_one() == "done"


async def test_a_gap_and_an_unknown_venue_are_refused(store: SqlStore) -> None:
    venue = await store.venues.create("Hall B")
    with pytest.raises(SyncGap) as gap:
        await store.venues.apply(venue.id, batch(venue.id, 5, 9, events=[event(1, 9)]))
    assert gap.value.acked == 0
    assert await store.venues.counts(venue.id) == {"sessions": 0, "events": 0, "tickets": 0}
    with pytest.raises(NotFound):
        await store.venues.apply("nope", batch("nope", 0, 1, events=[event(1, 1)]))


async def test_two_venues_never_meet(store: SqlStore) -> None:
    """The same ids at two venues are two rows each: keys are (venue, id)."""
    a = await store.venues.create("A")
    b = await store.venues.create("B")
    for venue in (a, b):
        rows = batch(venue.id, 0, 2, sessions=[session(1)], events=[event(1, 2)])
        assert tuple(await store.venues.apply(venue.id, rows)) == (2, 2)
    assert await store.venues.counts(a.id) == {"sessions": 1, "events": 1, "tickets": 0}
    assert await store.venues.counts(b.id) == {"sessions": 1, "events": 1, "tickets": 0}
    await store.venues.paired(a.id, NOW)  # paired again: its outbox is sent from the start
    again = await store.venues.get(a.id)
    assert again is not None
    assert (again.acked_seq, again.paired_at) == (0, NOW)


async def test_a_days_figures_per_venue(store: SqlStore) -> None:
    a = await store.venues.create("A")
    later = NOW + timedelta(minutes=12)
    rated = session(2, "finished", rating=5)
    other = SyncedSession(**{**session(3).model_dump(), "id": "s2", "headset_id": "h2"})
    waited = SyncedTicket(**{**ticket(4, "done").model_dump(), "started_at": later})
    rows = batch(a.id, 0, 4, sessions=[rated, other], tickets=[waited])
    await store.venues.apply(a.id, rows)
    day = await store.venues.figures(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    assert len(day) == 1
    figures = day[0]
    assert (figures.venue_id, figures.sessions, figures.finished) == (a.id, 2, 1)
    assert (figures.ratings, figures.headsets, figures.waits_s) == ([5], 2, [720.0])
    assert await store.venues.figures(NOW + timedelta(hours=1), NOW + timedelta(hours=2)) == []
