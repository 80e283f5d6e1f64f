"""Persistence behind the `Store` interface; `SqlStore` serves SQLite and PostgreSQL."""

from vr_server.storage.base import DuplicateEvent, StaleSession, Store
from vr_server.storage.sql import SqlStore, migrate, open_store

__all__ = ["DuplicateEvent", "SqlStore", "StaleSession", "Store", "migrate", "open_store"]
