"""The SQLite database as files on disk: who may read them, how durable a commit is, and what
is left of deleted rows.

- The database file is created 0600 (and an existing one is set to 0600); SQLite gives its
  `-wal` and `-shm` files the mode of the database file, so visitors' names and phone numbers
  are readable by the server's user only. A folder made for it is created 0700.
- The data directory is created 0700 (`make_data_dir`).
- `synchronous` is FULL by default: a commit (an acknowledged event) is on the disk before the
  acknowledgement goes out, and survives a power cut. NORMAL (VR_SQLITE_SYNCHRONOUS=normal) is
  faster, survives a crash of the process, but a power cut may lose the last commits.
- `secure_delete` overwrites deleted rows with zeros, and `checkpoint` (after a purge) moves
  the write-ahead log into the database file and truncates it, so purged personal data is not
  left readable in either file.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

Synchronous = Literal["full", "normal"]
log = logging.getLogger(__name__)


def make_data_dir(path: Path) -> None:
    """Create the data directory 0700 (the database, TLS keys); an existing one that others
    may enter is left as it is, with a warning saying how to close it."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning(
            "the data directory %s has mode %04o: other users of this machine may read what it "
            "holds; `chmod 700 %s` unless something else must read it",
            path,
            mode,
            path,
        )


def prepare_database_file(database: str) -> None:
    """Create the folder (0700) and the database file (0600) of `database` unless they exist;
    an existing database file is set to 0600."""
    path = Path(database)
    if not path.parent.is_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def set_pragmas(dbapi_conn: Any, synchronous: Synchronous) -> None:
    """The pragmas every connection of the server's SQLite database gets."""
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'full' else 'NORMAL'}")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


async def checkpoint(conn: AsyncConnection) -> None:
    """Copy the write-ahead log into the database file and truncate the log to nothing (waits
    for readers up to the busy timeout). Call it outside a transaction."""
    await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
