"""The storage interface: one repository per record family, each with its own protocol class, so
services can run on the SQL store (storage/sql.py: SQLite and PostgreSQL) or on the in-memory
one (storage/memory.py) alike."""

from __future__ import annotations

from typing import Protocol

from vr_server.storage.accounts import Accounts, Codes, Tokens
from vr_server.storage.audit import Audit
from vr_server.storage.content import Content
from vr_server.storage.headsets import Headsets, Kiosks
from vr_server.storage.journeys import Journeys
from vr_server.storage.queue import Queue
from vr_server.storage.sessions import DuplicateEvent, Sessions, StaleSession
from vr_server.storage.setup import Setup

__all__ = ["DuplicateEvent", "StaleSession", "Store"]


class Store(Protocol):
    accounts: Accounts
    tokens: Tokens
    codes: Codes
    """Enrollment (headset) and pairing (kiosk) codes."""
    headsets: Headsets
    kiosks: Kiosks
    content: Content
    """Blob rows, scenes and their stored versions."""
    sessions: Sessions
    """Sessions, their events, transitions and ratings."""
    queue: Queue
    """The walk-in queue's tickets and visitors' contact data."""
    journeys: Journeys
    """Codes that link a visitor's sessions of a day (services/journeys.py)."""
    audit: Audit
    setup: Setup
    """First start: the console's setup tokens and the first admin (storage/setup.py)."""

    async def close(self) -> None: ...
    async def ping(self) -> None: ...
