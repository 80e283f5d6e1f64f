"""The SQLite database on disk: the data directory is created 0700 and the database files 0600
(its -wal and -shm too); commits are durable against a power cut (synchronous=FULL) unless
VR_SQLITE_SYNCHRONOUS=normal; deleted rows are overwritten (secure_delete)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from vr_server.app import close_services, open_services
from vr_server.settings import Settings
from vr_server.storage.sqlite_files import set_pragmas


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def pragma(settings: Settings, name: str) -> int:
    services = await open_services(settings)
    try:
        async with services.store.engine.connect() as conn:  # type: ignore[attr-defined]
            return int((await conn.execute(text(f"PRAGMA {name}"))).scalar_one())
    finally:
        await close_services(services)


async def test_data_directory_and_database_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "venue" / "data"
    services = await open_services(Settings(data_dir=data_dir))
    try:
        await services.auth.create_account("staff1", "correct horse", "staff")  # a write: -wal
        assert mode(data_dir) == 0o700
        files = [data_dir / n for n in ("vr.sqlite3", "vr.sqlite3-wal", "vr.sqlite3-shm")]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        await close_services(services)


async def test_an_existing_database_file_is_made_private(tmp_path: Path) -> None:
    (tmp_path / "vr.sqlite3").touch(mode=0o644)
    (tmp_path / "vr.sqlite3").chmod(0o644)
    await pragma(Settings(data_dir=tmp_path), "user_version")
    assert mode(tmp_path / "vr.sqlite3") == 0o600


@pytest.mark.parametrize(("setting", "expected"), [("full", 2), ("normal", 1)])
async def test_synchronous_follows_the_setting(tmp_path: Path, setting: str, expected: int) -> None:
    settings = Settings(data_dir=tmp_path, sqlite_synchronous=setting)
    assert await pragma(settings, "synchronous") == expected


async def test_acks_are_durable_by_default(tmp_path: Path) -> None:
    assert Settings().sqlite_synchronous == "full"
    assert await pragma(Settings(data_dir=tmp_path), "synchronous") == 2  # FULL


def test_deleted_rows_are_overwritten_whatever_sqlite_was_built_with() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA secure_delete=OFF")
    set_pragmas(conn, "full")
    assert conn.execute("PRAGMA secure_delete").fetchone() == (1,)
