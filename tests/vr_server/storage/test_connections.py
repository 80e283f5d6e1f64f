"""Database URLs are normalised for the async drivers."""

from __future__ import annotations

import pytest

from vr_server.storage.connections import normalize_database_url


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db/vr", "postgresql+asyncpg://u:p@db/vr"),
        ("postgresql://u@db:5433/vr", "postgresql+asyncpg://u@db:5433/vr"),
        ("postgresql+asyncpg://u@db/vr", "postgresql+asyncpg://u@db/vr"),
        ("postgres://u@db/vr?sslmode=require", "postgresql+asyncpg://u@db/vr?ssl=require"),
        ("sqlite:////var/vr.sqlite3", "sqlite+aiosqlite:////var/vr.sqlite3"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised(given: str, used: str) -> None:
    assert normalize_database_url(given) == used
