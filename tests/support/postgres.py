"""Fresh PostgreSQL databases for tests, on the real server the machine runs (CI too).

Each database is created through asyncpg on the server's `postgres` database and dropped
afterwards (`WITH (FORCE)`, so a killed server's connections do not keep it). Names are
`vr_test_<unix time>_<random>`: parallel runs never meet, and databases that a killed run left
behind are recognised by their age and dropped by a later run.

The server is `VR_TEST_POSTGRES_URL` (default postgresql://postgres@127.0.0.1:5432/postgres).
When it cannot be reached the tests that need it fail with a message saying so; they are never
skipped, because every machine this project is tested on runs PostgreSQL
(`scripts/services.sh` starts it; `scripts/setup.sh` calls that).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
import time
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.support.e2e import require_e2e

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PREFIX = "vr_test_"
LEFTOVER_AGE_S = 24 * 3600
T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion on a fresh event loop in another thread, so sync fixtures can
    use asyncpg whether or not an event loop runs in this thread."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


class Postgres:
    def __init__(self, admin_url: str | None = None) -> None:
        self.admin_url = admin_url or os.environ.get("VR_TEST_POSTGRES_URL") or DEFAULT_ADMIN_URL
        self.created: set[str] = set()

    def url_for(self, name: str) -> str:
        """The SQLAlchemy URL of database `name` (what VR_DATABASE_URL would be)."""
        url = make_url(self.admin_url).set(drivername="postgresql+asyncpg", database=name)
        return url.render_as_string(hide_password=False)

    @asynccontextmanager
    async def _admin(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection to the server's `postgres` database, closed on leaving."""
        conn = await self._connect()
        try:
            yield conn
        finally:
            await conn.close()

    async def _connect(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(self.admin_url, timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        shown = make_url(self.admin_url).render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL is not reachable at {shown} ({problem}). These tests need a real "
            "PostgreSQL server: start it with `bash scripts/services.sh` (scripts/setup.sh and "
            "CI do), or point VR_TEST_POSTGRES_URL at one.",
            pytrace=False,
        )

    async def acheck(self) -> str:
        require_e2e("PostgreSQL")
        async with self._admin() as conn:
            version: str = await conn.fetchval("SHOW server_version")
        return version

    async def acreate(self) -> str:
        require_e2e("PostgreSQL")
        name = f"{PREFIX}{int(time.time())}_{secrets.token_hex(4)}"
        async with self._admin() as conn:
            await conn.execute(f'CREATE DATABASE "{name}"')
        self.created.add(name)
        return self.url_for(name)

    async def adrop(self, url_or_name: str) -> None:
        name = make_url(url_or_name).database if "://" in url_or_name else url_or_name
        if not (name or "").startswith(PREFIX):
            raise ValueError(f"{url_or_name!r} is not a test database")
        async with self._admin() as conn:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.discard(name)

    async def asweep(self, older_than_s: float = LEFTOVER_AGE_S) -> list[str]:
        """Drop test databases that killed runs left behind (older than a day by their name)."""
        async with self._admin() as conn:
            names = [
                r["datname"]
                for r in await conn.fetch(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'vr\\_test\\_%'"
                )
            ]
            dropped = []
            for name in names:
                stamp = name[len(PREFIX) :].split("_", 1)[0]
                if stamp.isdigit() and time.time() - int(stamp) > older_than_s:
                    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    dropped.append(name)
        return dropped

    # sync versions, for sync fixtures
    def check(self) -> str:
        return run_async(self.acheck())

    def create(self) -> str:
        return run_async(self.acreate())

    def drop(self, url_or_name: str) -> None:
        run_async(self.adrop(url_or_name))

    def sweep(self) -> list[str]:
        return run_async(self.asweep())

    def drop_created(self) -> None:
        for name in list(self.created):
            self.drop(name)
