"""The SQLite database as files on disk: how durable a commit is.

- `synchronous` is FULL by default: a commit (an acknowledged event) is on the disk before the
  acknowledgement goes out, and survives a power cut. NORMAL (VR_SQLITE_SYNCHRONOUS=normal) is
  faster, survives a crash of the process, but a power cut may lose the last commits.
"""

from __future__ import annotations

from typing import Any, Literal

Synchronous = Literal["full", "normal"]


def set_pragmas(dbapi_conn: Any, synchronous: Synchronous) -> None:
    """The pragmas every connection of the server's SQLite database gets."""
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'full' else 'NORMAL'}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
