"""The SQLite database on disk: commits are durable against a power cut (synchronous=FULL)
unless VR_SQLITE_SYNCHRONOUS=normal."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from vr_server.app import close_services, open_services
from vr_server.settings import Settings


async def pragma(settings: Settings, name: str) -> int:
    services = await open_services(settings)
    try:
        async with services.store.engine.connect() as conn:  # type: ignore[attr-defined]
            return int((await conn.execute(text(f"PRAGMA {name}"))).scalar_one())
    finally:
        await close_services(services)


@pytest.mark.parametrize(("setting", "expected"), [("full", 2), ("normal", 1)])
async def test_synchronous_follows_the_setting(tmp_path: Path, setting: str, expected: int) -> None:
    settings = Settings(data_dir=tmp_path, sqlite_synchronous=setting)
    assert await pragma(settings, "synchronous") == expected


async def test_acks_are_durable_by_default(tmp_path: Path) -> None:
    assert Settings().sqlite_synchronous == "full"
    assert await pragma(Settings(data_dir=tmp_path), "synchronous") == 2  # FULL
