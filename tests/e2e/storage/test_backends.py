"""What differs between the two back ends, run on both (SQLite and a fresh PostgreSQL database):
concurrent writers of one key end in a clear answer instead of an integrity error, timestamps
come back as the same instant in UTC, connections the database server cut are replaced, an
unreachable database gives a clear error, and database URLs are normalised."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.support import records
from tests.support.postgres import Postgres
from vr_server.errors import Invalid, Unavailable
from vr_server.storage import DuplicateEvent, SqlStore, StaleSession, migrate, open_store
from vr_server.storage import headsets as sql_module
from vr_server.storage.records import (
    EventRecord,
    SessionRecord,
    TokenSubject,
    TransitionRecord,
)


def session_record(headset_id: str, now: datetime, session_id: str = "s1") -> SessionRecord:
    machine = {"step_index": 0, "text": "ข้าวผัด"}
    return records.session_record(headset_id, now, id=session_id, machine=machine)


async def test_core_methods_round_trip_with_zone_aware_timestamps(store: SqlStore) -> None:
    bangkok = timezone(timedelta(hours=7))
    when = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=bangkok)
    account = await store.accounts.create("ครู", "hash", "staff")
    assert await store.accounts.by_username("ครู") == await store.accounts.get(account.id)
    await store.tokens.put("t" * 64, "staff", account.id, when)
    token = await store.tokens.get("t" * 64)
    assert token is not None
    assert token.expires_at == when  # the same instant ...
    assert token.expires_at.utcoffset() == timedelta(0)  # ... handed back in UTC
    assert await store.tokens.subject("t" * 64) == TokenSubject(token, "ครู", False)
    await store.tokens.revoke("t" * 64)
    assert (await store.tokens.get("t" * 64)).revoked  # type: ignore[union-attr]
    assert await store.tokens.subject("x" * 64) is None
    await store.tokens.put("o" * 64, "staff", "no-such-account", None)
    assert (await store.tokens.subject("o" * 64)).name is None  # type: ignore[union-attr]

    headset = await store.headsets.enroll("dev-1", "Quest-A", "d" * 64, when)
    assert headset.enrolled_at == when
    device = await store.tokens.subject("d" * 64)
    assert device is not None
    assert (device.token.kind, device.name) == ("device", "Quest-A")
    await store.tokens.put("h" * 64, "staff", headset.id, None)  # staff: not the headset
    assert (await store.tokens.subject("h" * 64)).name is None  # type: ignore[union-attr]
    await store.headsets.update(headset.id, status="charging", app_version="1.2", last_seen_at=when)
    stored = await store.headsets.by_device("dev-1")
    assert stored is not None
    assert (stored.status, stored.app_version, stored.last_seen_at) == ("charging", "1.2", when)

    await store.content.put_blob("a" * 64, 10, "model/gltf-binary")
    await store.content.put_blob("a" * 64, 10, "model/gltf-binary")  # again: harmless
    assert await store.content.blob_media_type("a" * 64) == "model/gltf-binary"
    assert await store.content.put_version("cook", "1.0.0", "{}", "m" * 64, activate=True)
    assert await store.content.put_version("cook", "1.1.0", "{}", "n" * 64, activate=False)
    assert (await store.content.get_active("cook")).version == "1.0.0"  # type: ignore[union-attr]
    assert await store.content.activate("cook", "1.1.0")
    assert not await store.content.activate("cook", "9.9.9")
    assert [v.version for v in await store.content.list_active()] == ["1.1.0"]
    assert [(v.version, v.active) for v in await store.content.list_versions("cook")] == [
        ("1.0.0", False),
        ("1.1.0", True),
    ]

    record = session_record(headset.id, when)
    await store.sessions.create(record, TransitionRecord("s1", when, "lobby", "assigned", "assign"))
    assert await store.sessions.live_for_headset(headset.id) == record
    event = EventRecord("s1", 1, "answer", "quiz", {"choice": "ก"}, 1.5, when)
    later = replace_record(record, row_version=2, state="finished", result={"score": 3})
    await store.sessions.save(later, expected_version=1, event=event)
    assert await store.sessions.get_event("s1", 1) == event
    assert await store.sessions.find(states=["finished"]) == [later]
    assert await store.sessions.live_for_headset(headset.id) is None


def replace_record(record: SessionRecord, **changes: object) -> SessionRecord:
    return SessionRecord(**{**record.__dict__, **changes})


async def test_concurrent_first_publishes_of_one_version_agree(store: SqlStore) -> None:
    # the same content from several publishers at once: every one succeeds, one row is stored
    same = await asyncio.gather(
        *(
            store.content.put_version("cook", "1.0.0", "{}", "m" * 64, activate=True)
            for _ in range(6)
        )
    )
    assert same == [True] * 6
    # other content under one new version: one wins, the others are told it exists (Conflict)
    other = await asyncio.gather(
        *(
            store.content.put_version("cook", "2.0.0", "{}", f"{i}" * 64, activate=True)
            for i in range(6)
        )
    )
    assert sorted(other) == [False] * 5 + [True]
    assert [r.version for r in await store.content.list_versions("cook")] == ["1.0.0", "2.0.0"]
    # two new scenes' first versions at once each create their scene row once
    both = await asyncio.gather(
        store.content.put_version("mechanic", "1.0.0", "{}", "a" * 64, activate=True),
        store.content.put_version("mechanic", "1.1.0", "{}", "b" * 64, activate=True),
    )
    assert both == [True, True]
    assert (await store.content.get_active("mechanic")) is not None


async def test_concurrent_enrollments_get_distinct_names(store: SqlStore) -> None:
    now = datetime.now(UTC)
    headsets = await asyncio.gather(
        *(store.headsets.enroll(f"dev-{i}", None, f"{i:064d}", now) for i in range(8))
    )
    assert len({h.name for h in headsets}) == 8
    assert len(await store.headsets.all()) == 8
    await asyncio.gather(*(store.content.put_blob("c" * 64, 1, "image/png") for _ in range(6)))


async def test_concurrent_re_enrollments_leave_one_valid_token(store: SqlStore) -> None:
    now = datetime.now(UTC)
    first = await store.headsets.enroll("dev", None, "0" * 64, now)
    again = await asyncio.gather(
        *(store.headsets.enroll("dev", None, f"{i}" * 64, now) for i in range(1, 6))
    )
    assert {h.id for h in again} == {first.id}
    tokens = [await store.tokens.get(f"{i}" * 64) for i in range(6)]
    assert [t is not None and not t.revoked for t in tokens].count(True) == 1


async def test_concurrent_writers_of_one_session(store: SqlStore) -> None:
    now = datetime.now(UTC)
    headset = await store.headsets.enroll("dev", None, "h" * 64, now)
    record = session_record(headset.id, now)
    await store.sessions.create(record, TransitionRecord("s1", now, "lobby", "assigned", "assign"))

    async def write(n: int) -> str:
        event = EventRecord("s1", 1, "step_started", "intro", {"n": n}, None, now)
        try:
            await store.sessions.save(
                replace_record(record, row_version=2, machine={"n": n}),
                expected_version=1,
                event=event,
            )
        except (StaleSession, DuplicateEvent) as exc:
            return type(exc).__name__
        return "stored"

    outcomes = await asyncio.gather(*(write(n) for n in range(5)))
    assert outcomes.count("stored") == 1
    assert set(outcomes) <= {"stored", "StaleSession", "DuplicateEvent"}
    stored = await store.sessions.get("s1")
    events = await store.sessions.events("s1")
    assert stored is not None
    assert [e.body for e in events] == [stored.machine]  # the winner's event and row together


async def test_concurrent_tickets_get_consecutive_numbers(store: SqlStore) -> None:
    now = datetime.now(UTC)
    tickets = await asyncio.gather(
        *(
            store.queue.create(venue_day="2026-11-23", language="th", interests=[], created_at=now)
            for _ in range(8)
        )
    )
    assert sorted(t.number for t in tickets) == list(range(1, 9))


async def test_connections_the_server_cut_are_replaced(postgres: Postgres) -> None:
    """The pool's connections die (as in a PostgreSQL restart); the next calls still work."""
    url = await postgres.acreate()
    store = SqlStore.from_url(url)
    try:
        await migrate(store)
        now = datetime.now(UTC)
        headset = await store.headsets.enroll("dev", None, "h" * 64, now)
        killed = await terminate_backends(postgres, url)
        assert killed >= 1
        assert await store.headsets.get(headset.id) == headset  # a read ...
        await store.headsets.update(headset.id, status="charging")  # ... and a write
        assert (await store.headsets.get(headset.id)).status == "charging"  # type: ignore[union-attr]
    finally:
        await store.close()
        await postgres.adrop(url)


async def terminate_backends(postgres: Postgres, url: str) -> int:
    import asyncpg
    from sqlalchemy.engine import make_url

    conn = await asyncpg.connect(postgres.admin_url)
    try:
        killed: int = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            make_url(url).database,
        )
    finally:
        await conn.close()
    return killed


async def test_values_postgresql_refuses_are_invalid_not_a_crash(store: SqlStore) -> None:
    """PostgreSQL refuses NUL in text and strings longer than their column, which SQLite
    stores; the store says Invalid (HTTP 422 / an `invalid_message` frame) and stores nothing."""
    now = datetime.now(UTC)
    for n, name in enumerate(["Quest\x00A", "Q" * 80]):
        if store.dialect == "postgresql":
            with pytest.raises(Invalid, match="the database cannot store this value"):
                await store.headsets.enroll(f"dev-{n}", name, f"{n:064d}", now)
        else:
            await store.headsets.enroll(f"dev-{n}", name, f"{n:064d}", now)
    if store.dialect == "postgresql":
        assert await store.headsets.all() == []


DEAD_URL = "postgresql://vr:s3cret@127.0.0.1:9/vr"  # port 9 (discard): nothing listens


async def test_an_unreachable_database_gives_a_clear_error_without_the_password() -> None:
    started = time.monotonic()
    with pytest.raises(Unavailable) as info:
        await open_store(DEAD_URL, retry_s=0.5)
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert "cannot open the database at postgresql+asyncpg://vr:***@127.0.0.1:9/vr" in message
    assert "s3cret" not in message
    assert "refused" in message.lower()


async def test_calls_wait_for_the_database_then_fail_with_unavailable() -> None:
    store = SqlStore.from_url(DEAD_URL, retry_s=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable) as info:
            await store.headsets.get("x")
        assert 0.4 < time.monotonic() - started < 5
        assert info.value.http_status == 503
    finally:
        await store.close()


async def test_headsets_are_touched_and_listed_across_slices(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`headsets.touch` writes and `headsets.all` reads SLICE rows per call (the event loop
    runs in between); nothing is lost at the slice boundaries."""
    monkeypatch.setattr(sql_module, "SLICE", 3)
    when = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    headsets = [
        await store.headsets.enroll(f"dev-{n}", f"Quest-{n}", f"{n}" * 64, when) for n in range(7)
    ]
    await store.headsets.update(headsets[6].id, app_version="0.9")
    await store.headsets.touch(
        [
            (h.id, None if n == 6 else f"1.{n}", when + timedelta(seconds=n))
            for n, h in enumerate(headsets)
        ]
    )
    listed = await store.headsets.all()
    assert [(h.name, h.app_version, h.last_seen_at) for h in listed] == [
        (f"Quest-{n}", "0.9" if n == 6 else f"1.{n}", when + timedelta(seconds=n)) for n in range(7)
    ]
