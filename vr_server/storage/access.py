"""Queries for taking access back and for kiosks (issue 15): account disable and contact
access, revoking every token of a subject, removing a headset, paired kiosks, enrollment and
pairing codes, scene owners. `SqlStore.access` is one of these; it shares the store's engine
and SQLite writer lock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.records import KioskRecord, Role


@dataclass(frozen=True)
class CodeRecord:
    """An enrollment (headset) or pairing (kiosk) code; the code itself is only hashed."""

    code_hash: str
    label: str
    purpose: str
    uses_left: int
    created_at: datetime
    expires_at: datetime


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@retry_when_disconnected
class AccessStore:
    def __init__(
        self,
        engine: AsyncEngine,
        write: Callable[[], AbstractAsyncContextManager[AsyncConnection]],
        retry_s: float,
    ) -> None:
        self.engine = engine
        self._write = write
        self.retry_s = retry_s

    # ------------------------------------------------------------ accounts and tokens

    async def update_account(
        self,
        account_id: str,
        *,
        disabled: bool | None = None,
        contact_access: bool | None = None,
        role: Role | None = None,
    ) -> bool:
        values = {
            k: v
            for k, v in (("disabled", disabled), ("contact_access", contact_access), ("role", role))
            if v is not None
        }
        async with self._write() as conn:
            result = await conn.execute(
                update(t.accounts).where(t.accounts.c.id == account_id).values(**values)
            )
        return bool(result.rowcount)

    async def revoke_subject_tokens(self, subject_id: str) -> int:
        """Revoke every token of an account, headset or kiosk; returns how many were live."""
        tok = t.tokens.c
        async with self._write() as conn:
            result = await conn.execute(
                update(t.tokens)
                .where(and_(tok.subject_id == subject_id, tok.revoked.is_(False)))
                .values(revoked=True)
            )
        return int(result.rowcount)

    # ------------------------------------------------------------ headsets

    async def remove_headset(self, headset_id: str, now: datetime) -> bool:
        """Mark the headset removed and revoke its tokens (its sessions and events stay)."""
        hs = t.headsets.c
        async with self._write() as conn:
            result = await conn.execute(
                update(t.headsets)
                .where(and_(hs.id == headset_id, hs.removed_at.is_(None)))
                .values(removed_at=now)
            )
            await conn.execute(
                update(t.tokens).where(t.tokens.c.subject_id == headset_id).values(revoked=True)
            )
        return bool(result.rowcount)

    # ------------------------------------------------------------ kiosks

    async def create_kiosk(
        self, name: str, token_hash: str, expires_at: datetime, now: datetime
    ) -> KioskRecord:
        record = KioskRecord(id=str(uuid.uuid4()), name=name, paired_at=now)
        async with self._write() as conn:
            await conn.execute(t.kiosks.insert().values(id=record.id, name=name, paired_at=now))
            await conn.execute(
                t.tokens.insert().values(
                    token_hash=token_hash,
                    kind="kiosk",
                    subject_id=record.id,
                    created_at=now,
                    expires_at=expires_at,
                    revoked=False,
                )
            )
        return record

    async def list_kiosks(self) -> list[KioskRecord]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t.kiosks).order_by(t.kiosks.c.paired_at))).all()
        return [KioskRecord(r.id, r.name, _utc(r.paired_at)) for r in rows]

    async def remove_kiosk(self, kiosk_id: str) -> bool:
        async with self._write() as conn:
            result = await conn.execute(delete(t.kiosks).where(t.kiosks.c.id == kiosk_id))
            await conn.execute(
                update(t.tokens).where(t.tokens.c.subject_id == kiosk_id).values(revoked=True)
            )
        return bool(result.rowcount)

    # ------------------------------------------------------------ codes

    async def list_codes(self, now: datetime) -> list[CodeRecord]:
        """Codes that can still be used."""
        c = t.enrollment_codes.c
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.enrollment_codes)
                    .where(and_(c.uses_left > 0, c.expires_at > now))
                    .order_by(c.created_at)
                )
            ).all()
        return [
            CodeRecord(
                r.code_hash,
                r.label,
                r.purpose,
                r.uses_left,
                _utc(r.created_at),
                _utc(r.expires_at),
            )
            for r in rows
        ]

    async def revoke_code(self, code_hash: str) -> bool:
        """Use up a code at once; False when no usable code has this hash."""
        c = t.enrollment_codes.c
        async with self._write() as conn:
            result = await conn.execute(
                update(t.enrollment_codes)
                .where(and_(c.code_hash == code_hash, c.uses_left > 0))
                .values(uses_left=0)
            )
        return bool(result.rowcount)

    # ------------------------------------------------------------ scene owners

    async def scene_owner(self, scene_id: str) -> tuple[bool, str | None]:
        """(the scene exists, its owner's account id)."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.scenes.c.owner_id).where(t.scenes.c.id == scene_id))
            ).first()
        return (False, None) if row is None else (True, row.owner_id)

    async def claim_scene(self, scene_id: str, owner_id: str) -> None:
        """Make `owner_id` the owner of a scene that has none."""
        s = t.scenes.c
        async with self._write() as conn:
            await conn.execute(
                update(t.scenes)
                .where(and_(s.id == scene_id, s.owner_id.is_(None)))
                .values(owner_id=owner_id)
            )
