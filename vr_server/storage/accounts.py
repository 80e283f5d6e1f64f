"""Accounts, tokens and enrollment/pairing codes: each an interface services depend on, and
its SQL implementation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypedDict, Unpack, get_args

from sqlalchemy import Select, and_, bindparam, insert, select, update

from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.records import (
    ACCOUNT_KINDS,
    AccountRecord,
    CodePurpose,
    Role,
    TokenKind,
    TokenRecord,
    TokenSubject,
)
from vr_server.storage.sql_repo import SqlRepository, now, row_values, to_record

CODE_PURPOSES: tuple[str, ...] = get_args(CodePurpose)
"""What `Codes.usable` lists: not the setup tokens that share their table (storage/setup.py)."""


@dataclass(frozen=True)
class CodeRecord:
    """An enrollment (headset) or pairing (kiosk) code; the code itself is only hashed."""

    code_hash: str
    label: str
    purpose: str
    uses_left: int
    created_at: datetime
    expires_at: datetime


class AccountChanges(TypedDict, total=False):
    disabled: bool
    contact_access: bool
    role: Role


class Accounts(Protocol):
    async def create(self, username: str, password_hash: str, role: Role) -> AccountRecord: ...
    async def get(self, account_id: str) -> AccountRecord | None: ...
    async def by_username(self, username: str) -> AccountRecord | None: ...
    async def all(self) -> list[AccountRecord]:
        """Every account, by username."""
        ...

    async def update(self, account_id: str, **changes: Unpack[AccountChanges]) -> bool:
        """Change the given fields; False when there is no such account."""
        ...


class Tokens(Protocol):
    async def put(
        self, token_hash: str, kind: TokenKind, subject_id: str, expires_at: datetime | None
    ) -> None: ...
    async def get(self, token_hash: str) -> TokenRecord | None: ...
    async def subject(self, token_hash: str) -> TokenSubject | None:
        """A token with its account's, headset's or kiosk's name, in one query (every
        request)."""
        ...

    async def revoke(self, token_hash: str) -> None: ...
    async def revoke_subject(self, subject_id: str) -> int:
        """Revoke every token of an account, headset or kiosk; returns how many were live."""
        ...


class Codes(Protocol):
    async def create(
        self, code_hash: str, label: str, uses: int, expires_at: datetime, purpose: CodePurpose
    ) -> None: ...
    async def use(
        self, code_hash: str, now: datetime, purpose: CodePurpose = "headset"
    ) -> CodeRecord | None:
        """Take one use of a valid, unexpired code: the code as it is after the use (its label
        says which code a headset enrolled with); None when there is none left."""
        ...

    async def usable(self, now: datetime) -> list[CodeRecord]:
        """Codes that can still be used, oldest first."""
        ...

    async def revoke(self, code_hash: str) -> bool:
        """Use up a code at once; False when no usable code has this hash."""
        ...


@retry_when_disconnected
class SqlAccounts(SqlRepository):
    async def create(self, username: str, password_hash: str, role: Role) -> AccountRecord:
        record = AccountRecord(
            id=str(uuid.uuid4()),
            username=username,
            password_hash=password_hash,
            role=role,
            created_at=now(),
            disabled=False,
        )
        async with self._write() as conn:
            await conn.execute(insert(t.accounts).values(row_values(record)))
        return record

    async def get(self, account_id: str) -> AccountRecord | None:
        return await self._one_by(AccountRecord, t.accounts, "id", account_id)

    async def by_username(self, username: str) -> AccountRecord | None:
        return await self._one_by(AccountRecord, t.accounts, "username", username)

    async def all(self) -> list[AccountRecord]:
        return await self._all(AccountRecord, select(t.accounts).order_by(t.accounts.c.username))

    async def update(self, account_id: str, **changes: Unpack[AccountChanges]) -> bool:
        statement = update(t.accounts).where(t.accounts.c.id == account_id).values(**changes)
        return bool(await self._count_written(statement))


def _token_subject_query() -> Select[Any]:
    tok, acc, hs, ki, ve = t.tokens.c, t.accounts.c, t.headsets.c, t.kiosks.c, t.venues.c
    subjects = (
        t.tokens.outerjoin(t.accounts, and_(acc.id == tok.subject_id, tok.kind.in_(ACCOUNT_KINDS)))
        .outerjoin(
            t.headsets,
            and_(hs.id == tok.subject_id, tok.kind == "device", hs.removed_at.is_(None)),
        )
        .outerjoin(t.kiosks, and_(ki.id == tok.subject_id, tok.kind == "kiosk"))
        .outerjoin(t.venues, and_(ve.id == tok.subject_id, tok.kind == "venue"))
    )
    return (
        select(
            *t.tokens.c,
            acc.username,
            acc.disabled,
            acc.contact_access,
            hs.name.label("headset_name"),
            ki.name.label("kiosk_name"),
            ve.name.label("venue_name"),
        )
        .select_from(subjects)
        .where(tok.token_hash == bindparam("token_hash"))
    )


_TOKEN_SUBJECT = _token_subject_query()
"""Built once: every authenticated request runs it, and building a query costs more than
SQLAlchemy's cached compilation of it."""


@retry_when_disconnected
class SqlTokens(SqlRepository):
    async def put(
        self, token_hash: str, kind: TokenKind, subject_id: str, expires_at: datetime | None
    ) -> None:
        record = TokenRecord(token_hash, kind, subject_id, now(), expires_at, revoked=False)
        async with self._write() as conn:
            await conn.execute(insert(t.tokens).values(row_values(record)))

    async def get(self, token_hash: str) -> TokenRecord | None:
        return await self._one_by(TokenRecord, t.tokens, "token_hash", token_hash)

    async def subject(self, token_hash: str) -> TokenSubject | None:
        row = await self._first(_TOKEN_SUBJECT, {"token_hash": token_hash})
        if row is None:
            return None
        record = to_record(TokenRecord, row)
        if record.kind == "device":
            return TokenSubject(record, row.headset_name, False)
        if record.kind == "kiosk":
            return TokenSubject(record, row.kiosk_name, False)
        if record.kind == "venue":
            return TokenSubject(record, row.venue_name, False)
        return TokenSubject(record, row.username, bool(row.disabled), bool(row.contact_access))

    async def revoke(self, token_hash: str) -> None:
        tok = t.tokens.c
        await self._count_written(
            update(t.tokens).where(tok.token_hash == token_hash).values(revoked=True)
        )

    async def revoke_subject(self, subject_id: str) -> int:
        tok = t.tokens.c
        return await self._count_written(
            update(t.tokens)
            .where(and_(tok.subject_id == subject_id, tok.revoked.is_(False)))
            .values(revoked=True)
        )


@retry_when_disconnected
class SqlCodes(SqlRepository):
    async def create(
        self, code_hash: str, label: str, uses: int, expires_at: datetime, purpose: CodePurpose
    ) -> None:
        record = CodeRecord(code_hash, label, purpose, uses, now(), expires_at)
        async with self._write() as conn:
            await conn.execute(insert(t.enrollment_codes).values(row_values(record)))

    async def use(
        self, code_hash: str, now: datetime, purpose: CodePurpose = "headset"
    ) -> CodeRecord | None:
        c = t.enrollment_codes.c
        usable = and_(
            c.code_hash == code_hash, c.uses_left > 0, c.expires_at > now, c.purpose == purpose
        )
        statement = (
            update(t.enrollment_codes)
            .where(usable)
            .values(uses_left=c.uses_left - 1)
            .returning(*t.enrollment_codes.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(statement)).first()
        return None if row is None else to_record(CodeRecord, row)

    async def usable(self, now: datetime) -> list[CodeRecord]:
        c = t.enrollment_codes.c
        query = (
            select(t.enrollment_codes)
            .where(and_(c.uses_left > 0, c.expires_at > now, c.purpose.in_(CODE_PURPOSES)))
            .order_by(c.created_at)
        )
        return await self._all(CodeRecord, query)

    async def revoke(self, code_hash: str) -> bool:
        c = t.enrollment_codes.c
        statement = (
            update(t.enrollment_codes)
            .where(and_(c.code_hash == code_hash, c.uses_left > 0))
            .values(uses_left=0)
        )
        return bool(await self._count_written(statement))
