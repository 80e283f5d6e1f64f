"""The SQL store, on SQLite and on PostgreSQL (a fresh database each; `database_url` in
tests/conftest.py): migrations build exactly the declared tables, WAL mode is on (SQLite), and
each (session, seq) is stored once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.support.records import session_record
from vr_server.storage import DuplicateEvent, SqlStore, StaleSession, migrate, sql
from vr_server.storage.records import EventRecord, SessionRecord, TransitionRecord
from vr_server.storage.tables import metadata


async def test_migrations_create_the_declared_schema(store: SqlStore) -> None:
    def describe(conn):
        insp = inspect(conn)
        return {
            name: sorted(c["name"] for c in insp.get_columns(name))
            for name in insp.get_table_names()
            if name != "alembic_version"
        }

    async with store.engine.connect() as conn:
        found = await conn.run_sync(describe)
    declared = {t.name: sorted(c.name for c in t.columns) for t in metadata.sorted_tables}
    assert found == declared


def newest_migration() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(sql.__file__).parent / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


async def test_migrating_twice_is_harmless_and_wal_is_on(store: SqlStore) -> None:
    await migrate(store)
    async with store.engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        if store.dialect == "sqlite":
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
    assert version == newest_migration()


async def test_event_stored_once_and_stale_writes_refused(store: SqlStore) -> None:
    now = datetime.now(UTC)
    headset = await store.headsets.enroll("dev", None, "h" * 64, now)
    record = session_record(headset.id, now, scene_id="x", machine={"n": 1})
    await store.sessions.create(record, TransitionRecord("s1", now, "lobby", "assigned", "assign"))
    event = EventRecord("s1", 1, "step_started", "intro", {"kind": "step_started"}, None, now)
    v2 = SessionRecord(**{**record.__dict__, "row_version": 2, "machine": {"n": 2}})
    await store.sessions.save(v2, expected_version=1, event=event)
    # a writer that read version 1 loses: nothing of its write lands
    with pytest.raises(StaleSession):
        await store.sessions.save(v2, expected_version=1, event=event)
    # the same seq again, even on the current version, is refused and rolled back whole
    v3 = SessionRecord(**{**record.__dict__, "row_version": 3, "machine": {"n": 3}})
    with pytest.raises(DuplicateEvent):
        await store.sessions.save(v3, expected_version=2, event=event)
    assert [e.seq for e in await store.sessions.events("s1")] == [1]
    current = await store.sessions.get("s1")
    assert current is not None
    assert (current.row_version, current.machine) == (2, {"n": 2})
    assert [t.new_state for t in await store.sessions.transitions("s1")] == ["assigned"]


async def test_enrollment_code_uses_are_counted(store: SqlStore) -> None:
    now = datetime.now(UTC)
    await store.codes.create("c" * 64, "", 2, now.replace(year=now.year + 1), "headset")
    assert await store.codes.use("c" * 64, now)
    assert await store.codes.use("c" * 64, now)
    assert not await store.codes.use("c" * 64, now)
