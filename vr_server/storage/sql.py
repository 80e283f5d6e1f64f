"""`SqlStore`: the repositories on SQLAlchemy 2 (async), for SQLite (aiosqlite, WAL) and
PostgreSQL; creating the engine, migrating, opening a store.

The queries live in one module per record family (accounts.py, headsets.py, content.py,
sessions.py, queue.py, audit.py), their shared helpers in sql_repo.py.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, TypedDict, Unpack, cast

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from vr_server.errors import Unavailable
from vr_server.storage.accounts import Accounts, Codes, SqlAccounts, SqlCodes, SqlTokens, Tokens
from vr_server.storage.audit import Audit, SqlAudit
from vr_server.storage.connections import (
    describe_error,
    describe_url,
    is_disconnect,
    normalize_database_url,
)
from vr_server.storage.content import Content, SqlContent
from vr_server.storage.headsets import Headsets, Kiosks, SqlHeadsets, SqlKiosks
from vr_server.storage.journeys import Journeys, SqlJourneys
from vr_server.storage.outbox import Outbox, SqlOutbox
from vr_server.storage.queue import Queue, SqlQueue
from vr_server.storage.sessions import Sessions, SqlSessions
from vr_server.storage.setup import Setup, SqlSetup
from vr_server.storage.sql_repo import Database
from vr_server.storage.sqlite_files import Synchronous, prepare_database_file, set_pragmas
from vr_server.storage.venue_link import SqlVenueLinks, VenueLinks
from vr_server.storage.venues import SqlVenues, Venues


class EngineOptions(TypedDict, total=False):
    pool_size: int
    """PostgreSQL connections kept open (default 10)."""
    max_overflow: int
    """More PostgreSQL connections under load (default 20)."""
    connect_timeout_s: float
    """Giving up on reaching PostgreSQL (default 5 s)."""
    sqlite_synchronous: Synchronous
    """SQLite's `synchronous` pragma (default "full", storage/sqlite_files.py)."""


class StoreOptions(EngineOptions, total=False):
    retry_s: float
    """How long a method re-runs while the database is unreachable (default 5 s)."""


def create_engine_for(url: str, **options: Unpack[EngineOptions]) -> AsyncEngine:
    """An engine for `url` (normalised: `postgres://...` means asyncpg). PostgreSQL gets a
    pool of `pool_size` connections (+ `max_overflow` under load), each checked with a ping
    when taken from the pool, so connections a database restart cut are replaced unseen.
    SQLite: see storage/sqlite_files.py (file modes, `sqlite_synchronous`, secure_delete)."""
    url = normalize_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            prepare_database_file(database)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            set_pragmas(dbapi_conn, options.get("sqlite_synchronous", "full"))

        return engine
    return create_async_engine(
        url,
        pool_size=options.get("pool_size", 10),
        max_overflow=options.get("max_overflow", 20),
        pool_pre_ping=True,
        connect_args={"timeout": options.get("connect_timeout_s", 5.0)},
    )


class SqlStore:
    """The repositories on one engine. Each repository method is one transaction; while the
    database is unreachable it is re-run for up to `retry_s` seconds, then Unavailable is
    raised (see storage/connections.py)."""

    def __init__(self, engine: AsyncEngine, *, retry_s: float = 5.0) -> None:
        self.engine = engine
        self.retry_s = retry_s
        self.dialect = engine.dialect.name
        db = Database(engine, retry_s)
        self.accounts: Accounts = SqlAccounts(db)
        self.tokens: Tokens = SqlTokens(db)
        self.codes: Codes = SqlCodes(db)
        self.headsets: Headsets = SqlHeadsets(db)
        self.kiosks: Kiosks = SqlKiosks(db)
        self.content: Content = SqlContent(db)
        self.sessions: Sessions = SqlSessions(db)
        self.queue: Queue = SqlQueue(db)
        self.journeys: Journeys = SqlJourneys(db)
        self.audit: Audit = SqlAudit(db)
        self.setup: Setup = SqlSetup(db)
        # venues and central (docs/sync.md): SQL only, outside the Store interface
        self.outbox: Outbox = SqlOutbox(db)
        self.venue_link: VenueLinks = SqlVenueLinks(db)
        self.venues: Venues = SqlVenues(db)

    @classmethod
    def from_url(cls, url: str, **options: Unpack[StoreOptions]) -> SqlStore:
        retry_s = options.pop("retry_s", 5.0)
        engine = create_engine_for(url, **cast(EngineOptions, options))  # retry_s is out
        return cls(engine, retry_s=retry_s)

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(select(1))


def run_sync_migrations(conn: Connection, revision: str = "head") -> None:
    """Upgrade the database behind `conn` to the newest migration (Alembic), or to
    `revision` (tests of a migration's data changes)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


MIGRATION_LOCK = 7_031_001
"""PostgreSQL advisory lock key held while migrating (any constant works)."""


async def migrate(store: SqlStore) -> None:
    async with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Instances starting together: one migrates, the others wait, then find it done.
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(run_sync_migrations)


async def open_store(url: str, **options: Unpack[StoreOptions]) -> SqlStore:
    """A store on `url`, migrated to the newest schema (the same Alembic scripts for SQLite
    and PostgreSQL). Waits up to `retry_s` seconds for a database that is starting; then
    raises Unavailable naming the URL (password hidden) and the reason."""
    store = SqlStore.from_url(url, **options)
    deadline = time.monotonic() + store.retry_s
    while True:
        try:
            await store.ping()
            break
        except Exception as exc:
            if is_disconnect(exc) and time.monotonic() < deadline:
                await asyncio.sleep(0.25)
                continue
            await store.close()
            hint = "is it running, and is VR_DATABASE_URL right?"
            raise Unavailable(
                f"cannot open the database at {describe_url(normalize_database_url(url))}: "
                f"{describe_error(exc)} ({hint})"
            ) from exc
    try:
        await migrate(store)
    except BaseException:
        await store.close()
        raise
    return store
