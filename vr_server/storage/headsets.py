"""Headsets and kiosks (paired check-in tablets and queue TVs): each an interface services depend
on, and its SQL implementation."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import datetime
from typing import Any, Protocol, TypedDict, Unpack

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from vr_server.slices import SLICE
from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.records import HeadsetRecord, KioskRecord, TokenRecord
from vr_server.storage.sql_repo import SqlRepository, row_values, to_record


class HeadsetChanges(TypedDict, total=False):
    status: str
    app_version: str
    last_seen_at: datetime


class Headsets(Protocol):
    async def enroll(
        self,
        device_id: str,
        name: str | None,
        token_hash: str,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> HeadsetRecord:
        """Create the headset, or re-enroll it (a new token; old device tokens revoked)."""
        ...

    async def get(self, headset_id: str) -> HeadsetRecord | None: ...
    async def by_device(self, device_id: str) -> HeadsetRecord | None: ...
    async def device_token(self, token_hash: str) -> tuple[TokenRecord, HeadsetRecord] | None:
        """A device token with its headset, in one query (a headset's every connect)."""
        ...

    async def touch(self, seen: list[tuple[str, str | None, datetime]]) -> None:
        """Record (headset id, app version or None to keep it, last seen) for many headsets
        in one transaction."""
        ...

    async def all(self) -> list[HeadsetRecord]:
        """Every headset not removed, by name."""
        ...

    async def update(self, headset_id: str, **changes: Unpack[HeadsetChanges]) -> None: ...
    async def remove(self, headset_id: str, now: datetime) -> bool:
        """Mark the headset removed and revoke its tokens (its sessions and events stay)."""
        ...


class Kiosks(Protocol):
    async def create(
        self, name: str, token_hash: str, expires_at: datetime, now: datetime
    ) -> KioskRecord:
        """Pair a kiosk: the kiosk and its token at once."""
        ...

    async def all(self) -> list[KioskRecord]: ...
    async def remove(self, kiosk_id: str) -> bool:
        """Unpair a kiosk and revoke its tokens; False when there is no such kiosk."""
        ...


def _device_token(subject_id: str, token_hash: str, now: datetime, expires: datetime | None) -> Any:
    record = TokenRecord(token_hash, "device", subject_id, now, expires, revoked=False)
    return insert(t.tokens).values(row_values(record))


def _revoke_tokens_of(subject_id: str, kind: str | None = None) -> Any:
    tok = t.tokens.c
    condition = tok.subject_id == subject_id
    if kind is not None:
        condition = and_(tok.kind == kind, condition)
    return update(t.tokens).where(condition).values(revoked=True)


@retry_when_disconnected
class SqlHeadsets(SqlRepository):
    async def enroll(
        self,
        device_id: str,
        name: str | None,
        token_hash: str,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> HeadsetRecord:
        # On PostgreSQL enrollments at once can pick the same new name ("Quest-03") or both
        # create the same device: the losers' transactions are refused whole; run them again
        # (each round one of them wins; the pause keeps them from meeting in lockstep).
        attempts = 30
        for attempt in range(attempts):
            try:
                return await self._enroll_once(device_id, name, token_hash, now, expires_at)
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(random.uniform(0, 0.02))  # noqa: S311 - retry jitter
        raise AssertionError("unreachable")  # pragma: no cover

    async def _enroll_once(
        self,
        device_id: str,
        name: str | None,
        token_hash: str,
        now: datetime,
        expires_at: datetime | None,
    ) -> HeadsetRecord:
        h = t.headsets.c
        async with self._write() as conn:
            # FOR UPDATE (PostgreSQL; SQLite's writer lock does the same): two re-enrollments of
            # one device run one after the other, so the second revokes the first's token too.
            row = (
                await conn.execute(
                    select(t.headsets).where(h.device_id == device_id).with_for_update()
                )
            ).first()
            if row is None:
                headset_id = str(uuid.uuid4())
                if not name:
                    count = (
                        await conn.execute(select(func.count()).select_from(t.headsets))
                    ).scalar_one()
                    name = f"Quest-{count + 1:02d}"
                name = await self._unique_name(conn, name)
                await conn.execute(
                    insert(t.headsets).values(
                        id=headset_id,
                        device_id=device_id,
                        name=name,
                        status="available",
                        enrolled_at=now,
                    )
                )
            else:
                headset_id = row.id
                # Re-enrollment: the previous device tokens stop working.
                await conn.execute(_revoke_tokens_of(headset_id, "device"))
                if name and name != row.name:
                    name = await self._unique_name(conn, name)
                    await conn.execute(
                        update(t.headsets).where(h.id == headset_id).values(name=name)
                    )
                if row.removed_at is not None:  # enrolled again after its removal
                    await conn.execute(
                        update(t.headsets).where(h.id == headset_id).values(removed_at=None)
                    )
            await conn.execute(_device_token(headset_id, token_hash, now, expires_at))
            row = (await conn.execute(select(t.headsets).where(h.id == headset_id))).one()
        return to_record(HeadsetRecord, row)

    @staticmethod
    async def _unique_name(conn: AsyncConnection, name: str) -> str:
        candidate, n = name, 1
        while (
            await conn.execute(select(t.headsets.c.id).where(t.headsets.c.name == candidate))
        ).first() is not None:
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    async def get(self, headset_id: str) -> HeadsetRecord | None:
        return await self._one_by(HeadsetRecord, t.headsets, "id", headset_id)

    async def by_device(self, device_id: str) -> HeadsetRecord | None:
        return await self._one_by(HeadsetRecord, t.headsets, "device_id", device_id)

    async def device_token(self, token_hash: str) -> tuple[TokenRecord, HeadsetRecord] | None:
        tok, hs = t.tokens.c, t.headsets.c
        row = await self._first(
            select(
                tok.token_hash,
                tok.kind,
                tok.subject_id,
                tok.created_at.label("token_created_at"),
                tok.expires_at,
                tok.revoked,
                *t.headsets.c,
            )
            .select_from(t.tokens.join(t.headsets, hs.id == tok.subject_id))
            .where(
                and_(tok.token_hash == token_hash, tok.kind == "device", hs.removed_at.is_(None))
            )
        )
        if row is None:
            return None
        token = to_record(TokenRecord, row, created_at=row.token_created_at)
        return token, to_record(HeadsetRecord, row)

    async def touch(self, seen: list[tuple[str, str | None, datetime]]) -> None:
        if not seen:
            return
        hs = t.headsets.c
        statement = (
            update(t.headsets)
            .where(hs.id == bindparam("b_id"))
            .values(
                app_version=func.coalesce(bindparam("b_version"), hs.app_version),
                last_seen_at=bindparam("b_seen"),
            )
        )
        rows = [{"b_id": i, "b_version": v, "b_seen": when} for i, v, when in seen]
        async with self._write() as conn:
            # a slice per call: 10,000 rows in one executemany kept the driver's thread
            # binding parameters, and the event loop waiting for the interpreter lock
            for i in range(0, len(rows), SLICE):
                await conn.execute(statement, rows[i : i + SLICE])

    async def all(self) -> list[HeadsetRecord]:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                select(t.headsets)
                .where(t.headsets.c.removed_at.is_(None))
                .order_by(t.headsets.c.name)
            )
        # the rows are fetched; turning 10,000 of them into records takes tens of
        # milliseconds: in slices, the event loop free in between
        records: list[HeadsetRecord] = []
        for rows in result.partitions(SLICE):
            records.extend(to_record(HeadsetRecord, r) for r in rows)
            await asyncio.sleep(0)
        return records

    async def update(self, headset_id: str, **changes: Unpack[HeadsetChanges]) -> None:
        if changes:
            await self._count_written(
                update(t.headsets).where(t.headsets.c.id == headset_id).values(**changes)
            )

    async def remove(self, headset_id: str, now: datetime) -> bool:
        hs = t.headsets.c
        async with self._write() as conn:
            result = await conn.execute(
                update(t.headsets)
                .where(and_(hs.id == headset_id, hs.removed_at.is_(None)))
                .values(removed_at=now)
            )
            await conn.execute(_revoke_tokens_of(headset_id))
        return bool(result.rowcount)


@retry_when_disconnected
class SqlKiosks(SqlRepository):
    async def create(
        self, name: str, token_hash: str, expires_at: datetime, now: datetime
    ) -> KioskRecord:
        record = KioskRecord(id=str(uuid.uuid4()), name=name, paired_at=now)
        token = TokenRecord(token_hash, "kiosk", record.id, now, expires_at, revoked=False)
        async with self._write() as conn:
            await conn.execute(insert(t.kiosks).values(row_values(record)))
            await conn.execute(insert(t.tokens).values(row_values(token)))
        return record

    async def all(self) -> list[KioskRecord]:
        return await self._all(KioskRecord, select(t.kiosks).order_by(t.kiosks.c.paired_at))

    async def remove(self, kiosk_id: str) -> bool:
        async with self._write() as conn:
            result = await conn.execute(delete(t.kiosks).where(t.kiosks.c.id == kiosk_id))
            await conn.execute(_revoke_tokens_of(kiosk_id))
        return bool(result.rowcount)
