"""Persistence behind the `Store` interface (base.py): one repository per record family, each a
protocol with a SQL implementation (`SqlStore`: SQLite and PostgreSQL) and an in-memory one
(`MemoryStore`, for tests); beside them the presence (Redis or memory) and blob stores.

The names below load on first use: importing a light module of this package (records.py, the
records the API and the CLI show) does not load SQLAlchemy."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vr_server.storage.base import DuplicateEvent, StaleSession, Store
    from vr_server.storage.sql import SqlStore, migrate, open_store

__all__ = ["DuplicateEvent", "SqlStore", "StaleSession", "Store", "migrate", "open_store"]

_MODULE_OF = {
    "DuplicateEvent": "base",
    "StaleSession": "base",
    "Store": "base",
    "SqlStore": "sql",
    "migrate": "sql",
    "open_store": "sql",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"vr_server.storage.{module}"), name)
