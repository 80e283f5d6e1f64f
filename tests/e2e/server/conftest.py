"""Fixtures shared by the tests of one module's server (`server` is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.harness import ServerProcess
from vr_server.storage import SqlStore, migrate


@pytest.fixture(scope="module")
def token(server: ServerProcess) -> str:
    """A staff token for the module's server."""
    return server.staff_token()


@pytest.fixture(scope="module")
def code(server: ServerProcess) -> str:
    """An enrollment code with enough uses for every headset of a test module."""
    return server.enrollment_code(uses=200)


@pytest.fixture
async def store(database_url: str):
    """A migrated store on a fresh database (SQLite, then PostgreSQL: `database_url`)."""
    s = SqlStore.from_url(database_url)
    await migrate(s)
    yield s
    await s.close()
