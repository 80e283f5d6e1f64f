"""Persistence behind the `Store` interface (base.py): one repository per record family, each a
protocol with a SQL implementation (`SqlStore`: SQLite and PostgreSQL) and an in-memory one
(`MemoryStore`, for tests); beside them the presence (Redis or memory) and blob stores."""

from vr_server.storage.base import DuplicateEvent, StaleSession, Store
from vr_server.storage.sql import SqlStore, migrate, open_store

__all__ = ["DuplicateEvent", "SqlStore", "StaleSession", "Store", "migrate", "open_store"]
