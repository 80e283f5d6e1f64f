"""First start: the console's one-time setup links and the creation of the first admin.

A setup token is kept like an enrollment code, only hashed, in `enrollment_codes` with the
purpose `setup` (no table of its own: one use, no expiry that matters). Each `vr-server serve`
that starts without an admin account adds one, so every instance of a cluster prints a link
that works; the first admin created through any of them uses up all of them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import and_, delete, insert, select, update

from vr_server.storage import tables as t
from vr_server.storage.accounts import CodeRecord
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.records import AccountRecord
from vr_server.storage.sql_repo import SqlRepository, now, row_values

SETUP_PURPOSE = "setup"
NEVER = datetime(9999, 1, 1, tzinfo=UTC)
"""A setup token's expiry: it is valid until the first admin exists."""


class Setup(Protocol):
    async def admin_exists(self) -> bool: ...

    async def add_token(self, token_hash: str) -> None:
        """Keep one more setup token (hashed)."""
        ...

    async def token_usable(self, token_hash: str) -> bool: ...

    async def clear_tokens(self) -> int:
        """Forget every setup token (an admin exists); how many there were."""
        ...

    async def create_first_admin(
        self, token_hash: str, username: str, password_hash: str
    ) -> AccountRecord | None:
        """In one transaction: use up every setup token, provided `token_hash` is one of them
        and no admin exists yet, and create the admin account. None (nothing changed) when the
        token is not usable or an admin exists: two requests racing, with the same token or
        two instances' tokens, create one admin."""
        ...


@retry_when_disconnected
class SqlSetup(SqlRepository):
    async def admin_exists(self) -> bool:
        query = select(t.accounts.c.id).where(t.accounts.c.role == "admin").limit(1)
        return await self._first(query) is not None

    async def add_token(self, token_hash: str) -> None:
        record = CodeRecord(token_hash, "", SETUP_PURPOSE, 1, now(), NEVER)
        async with self._write() as conn:
            await conn.execute(insert(t.enrollment_codes).values(row_values(record)))

    async def token_usable(self, token_hash: str) -> bool:
        c = t.enrollment_codes.c
        query = select(c.code_hash).where(
            and_(c.code_hash == token_hash, c.purpose == SETUP_PURPOSE, c.uses_left > 0)
        )
        return await self._first(query) is not None

    async def clear_tokens(self) -> int:
        c = t.enrollment_codes.c
        return await self._count_written(
            delete(t.enrollment_codes).where(c.purpose == SETUP_PURPOSE)
        )

    async def create_first_admin(
        self, token_hash: str, username: str, password_hash: str
    ) -> AccountRecord | None:
        c = t.enrollment_codes.c
        # Every usable setup token at once: a second transaction waits for the rows this one
        # locks (PostgreSQL) or for the writer lock (SQLite), then finds none left.
        use_all = (
            update(t.enrollment_codes)
            .where(and_(c.purpose == SETUP_PURPOSE, c.uses_left > 0))
            .values(uses_left=0)
            .returning(c.code_hash)
        )
        admin = select(t.accounts.c.id).where(t.accounts.c.role == "admin").limit(1)
        record = AccountRecord(
            id=str(uuid.uuid4()),
            username=username,
            password_hash=password_hash,
            role="admin",
            created_at=now(),
            disabled=False,
        )
        try:
            async with self._write() as conn:
                used = set((await conn.execute(use_all)).scalars().all())
                if token_hash not in used or (await conn.execute(admin)).first() is not None:
                    raise _Refused  # rolls the tokens back
                await conn.execute(insert(t.accounts).values(row_values(record)))
        except _Refused:
            return None
        return record


class _Refused(Exception):
    """Ends create_first_admin's transaction without a change."""
