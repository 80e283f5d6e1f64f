"""`SqlStore`: the Store on SQLAlchemy 2 (async), for SQLite (aiosqlite, WAL) and PostgreSQL.

Only SQLAlchemy Core is used, so every statement is visible here and works on both dialects.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from vr_server.errors import Unavailable
from vr_server.slices import SLICE
from vr_server.storage import tables as t
from vr_server.storage.access import AccessStore
from vr_server.storage.audit import AuditStore
from vr_server.storage.base import DuplicateEvent, StaleSession
from vr_server.storage.connections import (
    describe_error,
    describe_url,
    is_disconnect,
    normalize_database_url,
    retry_when_disconnected,
)
from vr_server.storage.manifests import all_manifests
from vr_server.storage.records import (
    ACCOUNT_KINDS,
    AccountRecord,
    CodePurpose,
    ContactRecord,
    EventRecord,
    HeadsetRecord,
    Role,
    SceneVersionRecord,
    SessionRecord,
    TicketRecord,
    TicketStatus,
    TokenKind,
    TokenRecord,
    TokenSubject,
    TransitionRecord,
)
from vr_server.storage.sqlite_files import (
    Synchronous,
    checkpoint,
    prepare_database_file,
    set_pragmas,
)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def create_engine_for(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 20,
    connect_timeout_s: float = 5.0,
    sqlite_synchronous: Synchronous = "full",
) -> AsyncEngine:
    """An engine for `url` (normalised: `postgres://...` means asyncpg). PostgreSQL gets a
    pool of `pool_size` connections (+ `max_overflow` under load), each checked with a ping
    when taken from the pool, so connections a database restart cut are replaced unseen.
    SQLite: see storage/sqlite_files.py (file modes, `sqlite_synchronous`, secure_delete)."""
    url = normalize_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            prepare_database_file(database)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            set_pragmas(dbapi_conn, sqlite_synchronous)

        return engine
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={"timeout": connect_timeout_s},
    )


def _token_subject_query() -> Select[Any]:
    tok, acc, hs, ki = t.tokens.c, t.accounts.c, t.headsets.c, t.kiosks.c
    subjects = (
        t.tokens.outerjoin(t.accounts, and_(acc.id == tok.subject_id, tok.kind.in_(ACCOUNT_KINDS)))
        .outerjoin(
            t.headsets,
            and_(hs.id == tok.subject_id, tok.kind == "device", hs.removed_at.is_(None)),
        )
        .outerjoin(t.kiosks, and_(ki.id == tok.subject_id, tok.kind == "kiosk"))
    )
    return (
        select(
            *t.tokens.c,
            acc.username,
            acc.disabled,
            acc.contact_access,
            hs.name.label("headset_name"),
            ki.name.label("kiosk_name"),
        )
        .select_from(subjects)
        .where(tok.token_hash == bindparam("token_hash"))
    )


_TOKEN_SUBJECT = _token_subject_query()
"""Built once: every authenticated request runs it, and building a query costs more than
SQLAlchemy's cached compilation of it."""


@retry_when_disconnected
class SqlStore:
    """Each public method is one transaction; while the database is unreachable it is re-run
    for up to `retry_s` seconds, then Unavailable is raised (see storage/connections.py)."""

    def __init__(self, engine: AsyncEngine, *, retry_s: float = 5.0) -> None:
        self.engine = engine
        self.retry_s = retry_s
        self.dialect = engine.dialect.name
        # SQLite allows one writer at a time; queueing writers here avoids SQLITE_BUSY retries.
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None
        self.access = AccessStore(engine, self._write, retry_s)
        self.audit = AuditStore(engine, self._write, retry_s=retry_s)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        retry_s: float = 5.0,
        pool_size: int = 10,
        max_overflow: int = 20,
        sqlite_synchronous: Synchronous = "full",
    ) -> SqlStore:
        engine = create_engine_for(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            sqlite_synchronous=sqlite_synchronous,
        )
        return cls(engine, retry_s=retry_s)

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(select(1))

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.begin() as conn:
            yield conn

    # ------------------------------------------------------------ accounts

    @staticmethod
    def _account(row: Any) -> AccountRecord:
        return AccountRecord(
            id=row.id,
            username=row.username,
            password_hash=row.password_hash,
            role=row.role,
            created_at=_aware(row.created_at) or _now(),
            disabled=bool(row.disabled),
            contact_access=bool(row.contact_access),
        )

    async def create_account(self, username: str, password_hash: str, role: Role) -> AccountRecord:
        record = AccountRecord(
            id=str(uuid.uuid4()),
            username=username,
            password_hash=password_hash,
            role=role,
            created_at=_now(),
            disabled=False,
        )
        async with self._write() as conn:
            await conn.execute(
                insert(t.accounts).values(
                    id=record.id,
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    created_at=record.created_at,
                    disabled=False,
                )
            )
        return record

    async def get_account(self, account_id: str) -> AccountRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.accounts).where(t.accounts.c.id == account_id))
            ).first()
        return self._account(row) if row else None

    async def get_account_by_username(self, username: str) -> AccountRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.accounts).where(t.accounts.c.username == username))
            ).first()
        return self._account(row) if row else None

    async def list_accounts(self) -> list[AccountRecord]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t.accounts).order_by(t.accounts.c.username))).all()
        return [self._account(r) for r in rows]

    async def put_token(
        self, token_hash: str, kind: TokenKind, subject_id: str, expires_at: datetime | None
    ) -> None:
        async with self._write() as conn:
            await conn.execute(
                insert(t.tokens).values(
                    token_hash=token_hash,
                    kind=kind,
                    subject_id=subject_id,
                    created_at=_now(),
                    expires_at=expires_at,
                    revoked=False,
                )
            )

    async def get_token(self, token_hash: str) -> TokenRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.tokens).where(t.tokens.c.token_hash == token_hash))
            ).first()
        return self._token(row, row.created_at) if row else None

    async def get_token_subject(self, token_hash: str) -> TokenSubject | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(_TOKEN_SUBJECT, {"token_hash": token_hash})).first()
        if row is None:
            return None
        record = self._token(row, row.created_at)
        if record.kind == "device":
            return TokenSubject(record, row.headset_name, False)
        if record.kind == "kiosk":
            return TokenSubject(record, row.kiosk_name, False)
        return TokenSubject(record, row.username, bool(row.disabled), bool(row.contact_access))

    @staticmethod
    def _token(row: Any, created_at: datetime | None) -> TokenRecord:
        return TokenRecord(
            token_hash=row.token_hash,
            kind=row.kind,
            subject_id=row.subject_id,
            created_at=_aware(created_at) or _now(),
            expires_at=_aware(row.expires_at),
            revoked=bool(row.revoked),
        )

    async def revoke_token(self, token_hash: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(t.tokens).where(t.tokens.c.token_hash == token_hash).values(revoked=True)
            )

    async def create_enrollment_code(
        self,
        code_hash: str,
        label: str,
        uses: int,
        expires_at: datetime,
        purpose: CodePurpose = "headset",
    ) -> None:
        async with self._write() as conn:
            await conn.execute(
                insert(t.enrollment_codes).values(
                    code_hash=code_hash,
                    label=label,
                    uses_left=uses,
                    created_at=_now(),
                    expires_at=expires_at,
                    purpose=purpose,
                )
            )

    async def use_enrollment_code(
        self, code_hash: str, now: datetime, purpose: CodePurpose = "headset"
    ) -> bool:
        c = t.enrollment_codes.c
        async with self._write() as conn:
            result = await conn.execute(
                update(t.enrollment_codes)
                .where(
                    and_(
                        c.code_hash == code_hash,
                        c.uses_left > 0,
                        c.expires_at > now,
                        c.purpose == purpose,
                    )
                )
                .values(uses_left=c.uses_left - 1)
            )
        return bool(result.rowcount)

    # ------------------------------------------------------------ headsets

    @staticmethod
    def _headset(row: Any) -> HeadsetRecord:
        return HeadsetRecord(
            id=row.id,
            device_id=row.device_id,
            name=row.name,
            status=row.status,
            app_version=row.app_version,
            enrolled_at=_aware(row.enrolled_at) or _now(),
            last_seen_at=_aware(row.last_seen_at),
        )

    async def enroll_headset(
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
                return await self._enroll_headset_once(device_id, name, token_hash, now, expires_at)
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(random.uniform(0, 0.02))  # noqa: S311 - retry jitter
        raise AssertionError("unreachable")  # pragma: no cover

    async def _enroll_headset_once(
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
                await conn.execute(
                    update(t.tokens)
                    .where(and_(t.tokens.c.kind == "device", t.tokens.c.subject_id == headset_id))
                    .values(revoked=True)
                )
                if name and name != row.name:
                    name = await self._unique_name(conn, name)
                    await conn.execute(
                        update(t.headsets).where(h.id == headset_id).values(name=name)
                    )
                if row.removed_at is not None:  # enrolled again after its removal
                    await conn.execute(
                        update(t.headsets).where(h.id == headset_id).values(removed_at=None)
                    )
            await conn.execute(
                insert(t.tokens).values(
                    token_hash=token_hash,
                    kind="device",
                    subject_id=headset_id,
                    created_at=now,
                    expires_at=expires_at,
                    revoked=False,
                )
            )
            row = (await conn.execute(select(t.headsets).where(h.id == headset_id))).one()
        return self._headset(row)

    @staticmethod
    async def _unique_name(conn: AsyncConnection, name: str) -> str:
        candidate, n = name, 1
        while (
            await conn.execute(select(t.headsets.c.id).where(t.headsets.c.name == candidate))
        ).first() is not None:
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    async def get_headset(self, headset_id: str) -> HeadsetRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.headsets).where(t.headsets.c.id == headset_id))
            ).first()
        return self._headset(row) if row else None

    async def get_headset_by_device(self, device_id: str) -> HeadsetRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.headsets).where(t.headsets.c.device_id == device_id))
            ).first()
        return self._headset(row) if row else None

    async def get_device_token(self, token_hash: str) -> tuple[TokenRecord, HeadsetRecord] | None:
        tok, hs = t.tokens.c, t.headsets.c
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
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
                        and_(
                            tok.token_hash == token_hash,
                            tok.kind == "device",
                            hs.removed_at.is_(None),
                        )
                    )
                )
            ).first()
        if row is None:
            return None
        return self._token(row, row.token_created_at), self._headset(row)

    async def touch_headsets(self, seen: list[tuple[str, str | None, datetime]]) -> None:
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

    async def list_headsets(self) -> list[HeadsetRecord]:
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
            records.extend(self._headset(r) for r in rows)
            await asyncio.sleep(0)
        return records

    async def update_headset(
        self,
        headset_id: str,
        *,
        status: str | None = None,
        app_version: str | None = None,
        last_seen_at: datetime | None = None,
    ) -> None:
        values: dict[str, Any] = {}
        if status is not None:
            values["status"] = status
        if app_version is not None:
            values["app_version"] = app_version
        if last_seen_at is not None:
            values["last_seen_at"] = last_seen_at
        if not values:
            return
        async with self._write() as conn:
            await conn.execute(
                update(t.headsets).where(t.headsets.c.id == headset_id).values(**values)
            )

    # ------------------------------------------------------------ content

    def _insert_new(self, table: Table, **values: Any) -> Any:
        """INSERT ... ON CONFLICT DO NOTHING: when another transaction stores the same key
        first (PostgreSQL waits for it), the row is left as it is instead of the transaction
        failing; `rowcount` says whether this one inserted."""
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).values(**values).on_conflict_do_nothing()

    async def put_blob(self, sha256: str, size: int, media_type: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                self._insert_new(
                    t.blobs, sha256=sha256, size=size, media_type=media_type, created_at=_now()
                )
            )

    async def blob_media_type(self, sha256: str) -> str | None:
        async with self.engine.connect() as conn:
            value = (
                await conn.execute(select(t.blobs.c.media_type).where(t.blobs.c.sha256 == sha256))
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    async def put_scene_version(
        self, scene_id: str, version: str, manifest: str, manifest_sha256: str, activate: bool
    ) -> bool:
        v = t.scene_versions.c
        now = _now()
        async with self._write() as conn:
            # Insert-if-new, then compare: two first publishes of one version at once end with
            # one row, and the one whose content differs gets False (Conflict), not an error.
            await conn.execute(
                self._insert_new(
                    t.scene_versions,
                    scene_id=scene_id,
                    version=version,
                    manifest=manifest,
                    manifest_sha256=manifest_sha256,
                    published_at=now,
                )
            )
            stored = (
                await conn.execute(
                    select(v.manifest_sha256).where(
                        and_(v.scene_id == scene_id, v.version == version)
                    )
                )
            ).scalar_one()
            if stored != manifest_sha256:
                return False
            created = await conn.execute(
                self._insert_new(t.scenes, id=scene_id, active_version=version, updated_at=now)
            )
            if not created.rowcount and activate:
                await conn.execute(
                    update(t.scenes)
                    .where(t.scenes.c.id == scene_id)
                    .values(active_version=version, updated_at=now)
                )
        return True

    async def activate_scene_version(self, scene_id: str, version: str) -> bool:
        v = t.scene_versions.c
        stored = (
            select(v.version).where(and_(v.scene_id == scene_id, v.version == version)).exists()
        )
        async with self._write() as conn:
            # One UPDATE: the pointer moves only to a version that is stored, nothing else changes.
            result = await conn.execute(
                update(t.scenes)
                .where(and_(t.scenes.c.id == scene_id, stored))
                .values(active_version=version, updated_at=_now())
            )
        return bool(result.rowcount)

    @staticmethod
    def _scene_version(row: Any, active: bool) -> SceneVersionRecord:
        return SceneVersionRecord(
            scene_id=row.scene_id,
            version=row.version,
            manifest=row.manifest,
            manifest_sha256=row.manifest_sha256,
            published_at=_aware(row.published_at) or _now(),
            active=active,
        )

    async def get_scene_version(self, scene_id: str, version: str) -> SceneVersionRecord | None:
        v = t.scene_versions.c
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(t.scene_versions).where(
                        and_(v.scene_id == scene_id, v.version == version)
                    )
                )
            ).first()
            active = (
                await conn.execute(
                    select(t.scenes.c.active_version).where(t.scenes.c.id == scene_id)
                )
            ).scalar_one_or_none()
        return self._scene_version(row, active == version) if row else None

    def _active_query(self) -> Any:
        v = t.scene_versions.c
        return select(t.scene_versions).join(
            t.scenes, and_(t.scenes.c.id == v.scene_id, t.scenes.c.active_version == v.version)
        )

    async def get_active_scene(self, scene_id: str) -> SceneVersionRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(self._active_query().where(t.scenes.c.id == scene_id))
            ).first()
        return self._scene_version(row, True) if row else None

    async def list_active_scenes(self) -> list[SceneVersionRecord]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(self._active_query().order_by(t.scenes.c.id))).all()
        return [self._scene_version(r, True) for r in rows]

    async def list_scene_versions(self, scene_id: str) -> list[str]:
        v = t.scene_versions.c
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(v.version).where(v.scene_id == scene_id).order_by(v.published_at)
                )
            ).all()
        return [r.version for r in rows]

    async def list_manifests(self) -> list[str]:
        async with self.engine.connect() as conn:
            return await all_manifests(conn)

    async def list_scene_version_records(self, scene_id: str) -> list[SceneVersionRecord]:
        v = t.scene_versions.c
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.scene_versions)
                    .where(v.scene_id == scene_id)
                    .order_by(v.published_at, v.version)
                )
            ).all()
            active = (
                await conn.execute(
                    select(t.scenes.c.active_version).where(t.scenes.c.id == scene_id)
                )
            ).scalar_one_or_none()
        return [self._scene_version(r, r.version == active) for r in rows]

    # ------------------------------------------------------------ sessions

    @staticmethod
    def _session(row: Any) -> SessionRecord:
        return SessionRecord(
            id=row.id,
            headset_id=row.headset_id,
            scene_id=row.scene_id,
            scene_version=row.scene_version,
            state=row.state,
            machine=json.loads(row.machine),
            result=json.loads(row.result) if row.result else None,
            created_at=_aware(row.created_at) or _now(),
            updated_at=_aware(row.updated_at) or _now(),
            row_version=row.row_version,
            ticket_id=row.ticket_id,
            result_token=row.result_token,
            rating=row.rating,
            rated_at=_aware(row.rated_at),
        )

    @staticmethod
    def _transition_values(tr: TransitionRecord) -> dict[str, Any]:
        return {
            "session_id": tr.session_id,
            "at": tr.at,
            "old_state": tr.old_state,
            "new_state": tr.new_state,
            "cause": tr.cause,
        }

    async def create_session(self, record: SessionRecord, transition: TransitionRecord) -> None:
        async with self._write() as conn:
            await conn.execute(
                insert(t.sessions).values(
                    id=record.id,
                    headset_id=record.headset_id,
                    scene_id=record.scene_id,
                    scene_version=record.scene_version,
                    state=record.state,
                    machine=_dumps(record.machine),
                    result=_dumps(record.result) if record.result is not None else None,
                    created_at=record.created_at,
                    updated_at=record.updated_at,
                    row_version=record.row_version,
                    ticket_id=record.ticket_id,
                    result_token=record.result_token,
                )
            )
            await conn.execute(
                insert(t.session_transitions).values(**self._transition_values(transition))
            )

    async def get_session(self, session_id: str) -> SessionRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.sessions).where(t.sessions.c.id == session_id))
            ).first()
        return self._session(row) if row else None

    async def active_session_for_headset(self, headset_id: str) -> SessionRecord | None:
        s = t.sessions.c
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(t.sessions)
                    .where(
                        and_(
                            s.headset_id == headset_id,
                            s.state.in_(["assigned", "loading", "ready", "running", "paused"]),
                        )
                    )
                    .order_by(s.created_at.desc())
                    .limit(1)
                )
            ).first()
        return self._session(row) if row else None

    async def list_sessions(
        self, *, states: list[str] | None = None, headset_id: str | None = None, limit: int = 100
    ) -> list[SessionRecord]:
        s = t.sessions.c
        query = select(t.sessions).order_by(s.created_at.desc()).limit(limit)
        if states:
            query = query.where(s.state.in_(states))
        if headset_id:
            query = query.where(s.headset_id == headset_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [self._session(r) for r in rows]

    async def save_session(
        self,
        record: SessionRecord,
        *,
        expected_version: int,
        event: EventRecord | None = None,
        transitions: list[TransitionRecord] | None = None,
    ) -> None:
        s = t.sessions.c
        try:
            async with self._write() as conn:
                result = await conn.execute(
                    update(t.sessions)
                    .where(and_(s.id == record.id, s.row_version == expected_version))
                    .values(
                        state=record.state,
                        machine=_dumps(record.machine),
                        result=_dumps(record.result) if record.result is not None else None,
                        updated_at=record.updated_at,
                        row_version=record.row_version,
                    )
                )
                if not result.rowcount:
                    raise StaleSession(record.id)
                if event is not None:
                    await conn.execute(
                        insert(t.session_events).values(
                            session_id=event.session_id,
                            seq=event.seq,
                            kind=event.kind,
                            step_id=event.step_id,
                            body=_dumps(event.body),
                            client_at=event.client_at,
                            received_at=event.received_at,
                        )
                    )
                for tr in transitions or []:
                    await conn.execute(
                        insert(t.session_transitions).values(**self._transition_values(tr))
                    )
        except IntegrityError as exc:
            raise DuplicateEvent(f"{record.id}#{event.seq if event else '?'}") from exc

    @staticmethod
    def _event(row: Any) -> EventRecord:
        return EventRecord(
            session_id=row.session_id,
            seq=row.seq,
            kind=row.kind,
            step_id=row.step_id,
            body=json.loads(row.body),
            client_at=row.client_at,
            received_at=_aware(row.received_at) or _now(),
        )

    async def get_event(self, session_id: str, seq: int) -> EventRecord | None:
        e = t.session_events.c
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(t.session_events).where(and_(e.session_id == session_id, e.seq == seq))
                )
            ).first()
        return self._event(row) if row else None

    async def list_events(self, session_id: str) -> list[EventRecord]:
        e = t.session_events.c
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.session_events).where(e.session_id == session_id).order_by(e.seq)
                )
            ).all()
        return [self._event(r) for r in rows]

    async def list_transitions(self, session_id: str) -> list[TransitionRecord]:
        tr = t.session_transitions.c
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.session_transitions).where(tr.session_id == session_id).order_by(tr.id)
                )
            ).all()
        return [
            TransitionRecord(
                session_id=r.session_id,
                at=_aware(r.at) or _now(),
                old_state=r.old_state,
                new_state=r.new_state,
                cause=r.cause,
            )
            for r in rows
        ]

    # ------------------------------------------------------------ results and ratings

    async def get_session_by_token(self, token: str) -> SessionRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.sessions).where(t.sessions.c.result_token == token))
            ).first()
        return self._session(row) if row else None

    async def rate_session(self, session_id: str, rating: int, rated_at: datetime) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(t.sessions)
                .where(t.sessions.c.id == session_id)
                .values(rating=rating, rated_at=rated_at)
            )

    async def list_sessions_created(self, start: datetime, end: datetime) -> list[SessionRecord]:
        s = t.sessions.c
        query = (
            select(t.sessions)
            .where(and_(s.created_at >= start, s.created_at < end))
            .order_by(s.created_at)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [self._session(r) for r in rows]

    # ------------------------------------------------------------ walk-in queue

    @staticmethod
    def _ticket(row: Any) -> TicketRecord:
        return TicketRecord(
            id=row.id,
            venue_day=row.venue_day,
            number=row.number,
            language=row.language,
            interests=list(json.loads(row.interests)),
            status=row.status,
            created_at=_aware(row.created_at) or _now(),
            called_at=_aware(row.called_at),
            started_at=_aware(row.started_at),
            ended_at=_aware(row.ended_at),
            headset_id=row.headset_id,
            scene_id=row.scene_id,
            session_id=row.session_id,
            has_personal_data=bool(row.has_personal_data),
        )

    async def create_ticket(
        self,
        *,
        venue_day: str,
        language: str,
        interests: list[str],
        created_at: datetime,
        contact: ContactRecord | None = None,
    ) -> TicketRecord:
        """Take the venue day's next number and store the ticket (and the visitor's contact
        data, if any) in one transaction. `contact.ticket_id` is ignored."""
        k = t.tickets.c
        for _attempt in range(10):
            ticket_id = str(uuid.uuid4())
            try:
                async with self._write() as conn:
                    last = (
                        await conn.execute(
                            select(func.max(k.number)).where(k.venue_day == venue_day)
                        )
                    ).scalar_one_or_none()
                    number = int(last or 0) + 1
                    await conn.execute(
                        insert(t.tickets).values(
                            id=ticket_id,
                            venue_day=venue_day,
                            number=number,
                            language=language,
                            interests=_dumps(interests),
                            status="waiting",
                            created_at=created_at,
                            has_personal_data=contact is not None,
                        )
                    )
                    if contact is not None:
                        await conn.execute(
                            insert(t.visitor_contacts).values(
                                ticket_id=ticket_id,
                                name=contact.name,
                                phone=contact.phone,
                                consent_at=contact.consent_at,
                            )
                        )
                    row = (await conn.execute(select(t.tickets).where(k.id == ticket_id))).one()
                return self._ticket(row)
            except IntegrityError:
                continue  # another instance took this number first (PostgreSQL): take the next
        raise RuntimeError("could not allocate a ticket number")

    async def get_ticket(self, ticket_id: str) -> TicketRecord | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(t.tickets).where(t.tickets.c.id == ticket_id))).first()
        return self._ticket(row) if row else None

    async def list_tickets(
        self,
        *,
        venue_day: str | None = None,
        statuses: list[str] | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
    ) -> list[TicketRecord]:
        """Tickets in queue order (day, then number)."""
        k = t.tickets.c
        query = select(t.tickets).order_by(k.venue_day, k.number)
        if venue_day is not None:
            query = query.where(k.venue_day == venue_day)
        if statuses:
            query = query.where(k.status.in_(statuses))
        if created_from is not None:
            query = query.where(k.created_at >= created_from)
        if created_to is not None:
            query = query.where(k.created_at < created_to)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [self._ticket(r) for r in rows]

    async def update_ticket(
        self, ticket_id: str, *, expect: list[TicketStatus] | None = None, **values: Any
    ) -> bool:
        """Change a ticket's columns in one statement, only while its status is in `expect`
        (when given); False when no row matched."""
        allowed = {
            "status",
            "called_at",
            "started_at",
            "ended_at",
            "headset_id",
            "scene_id",
            "session_id",
        }
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot update ticket columns {sorted(unknown)}")
        k = t.tickets.c
        condition = k.id == ticket_id
        if expect is not None:
            condition = and_(condition, k.status.in_(expect))
        async with self._write() as conn:
            result = await conn.execute(update(t.tickets).where(condition).values(**values))
        return bool(result.rowcount)

    async def get_contact(self, ticket_id: str) -> ContactRecord | None:
        c = t.visitor_contacts.c
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.visitor_contacts).where(c.ticket_id == ticket_id))
            ).first()
        if row is None:
            return None
        return ContactRecord(
            ticket_id=row.ticket_id,
            name=row.name,
            phone=row.phone,
            consent_at=_aware(row.consent_at) or _now(),
        )

    async def purge_contacts(self, before: datetime) -> int:
        """Delete the personal data given before `before`; tickets stay, marked as having none."""
        c = t.visitor_contacts.c
        async with self._write() as conn:
            old = select(c.ticket_id).where(c.consent_at < before)
            await conn.execute(
                update(t.tickets).where(t.tickets.c.id.in_(old)).values(has_personal_data=False)
            )
            result = await conn.execute(delete(t.visitor_contacts).where(c.consent_at < before))
        deleted = int(result.rowcount or 0)
        if deleted and self.dialect == "sqlite":
            # secure_delete zeroed the rows in the pages; the log still holds the pages as they
            # were written (with the rows) until it is copied back and truncated.
            async with self.engine.connect() as conn:
                await checkpoint(await conn.execution_options(isolation_level="AUTOCOMMIT"))
        return deleted


def run_sync_migrations(conn: Connection, revision: str = "head") -> None:
    """Upgrade the database behind `conn` to the newest migration (Alembic), or to
    `revision` (tests of a migration's data changes)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


MIGRATION_LOCK = 7_031_001
"""PostgreSQL advisory lock key held while migrating (any constant works)."""


async def migrate(store: SqlStore) -> None:
    async with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Instances starting together: one migrates, the others wait, then find it done.
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(run_sync_migrations)


async def open_store(
    url: str,
    *,
    retry_s: float = 5.0,
    pool_size: int = 10,
    max_overflow: int = 20,
    sqlite_synchronous: Synchronous = "full",
) -> SqlStore:
    """A store on `url`, migrated to the newest schema (the same Alembic scripts for SQLite
    and PostgreSQL). Waits up to `retry_s` seconds for a database that is starting; then
    raises Unavailable naming the URL (password hidden) and the reason."""
    store = SqlStore.from_url(
        url,
        retry_s=retry_s,
        pool_size=pool_size,
        max_overflow=max_overflow,
        sqlite_synchronous=sqlite_synchronous,
    )
    deadline = time.monotonic() + retry_s
    while True:
        try:
            await store.ping()
            break
        except Exception as exc:
            if is_disconnect(exc) and time.monotonic() < deadline:
                await asyncio.sleep(0.25)
                continue
            await store.close()
            hint = "is it running, and is VR_DATABASE_URL right?"
            raise Unavailable(
                f"cannot open the database at {describe_url(normalize_database_url(url))}: "
                f"{describe_error(exc)} ({hint})"
            ) from exc
    try:
        await migrate(store)
    except BaseException:
        await store.close()
        raise
    return store
