"""`MemoryStore`: every repository of the Store on plain dicts, for tests of the services that
need no database (tests/vr_server/services/). One process, nothing persisted, no concurrency
beyond the event loop's: each method runs to its end without awaiting, which is what makes each
one a transaction here.

It keeps the SQL store's rules services rely on: unique usernames, headset names and device
ids, optimistic session writes (StaleSession), one event per (session, seq) (DuplicateEvent),
ticket numbers per venue day, removed headsets hidden, revoked tokens.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Unpack

from vr_server.storage.accounts import (
    CODE_PURPOSES,
    AccountChanges,
    Accounts,
    CodeRecord,
    Codes,
    Tokens,
)
from vr_server.storage.audit import Audit, AuditFilter, AuditRecord
from vr_server.storage.base import Store
from vr_server.storage.content import Content
from vr_server.storage.headsets import HeadsetChanges, Headsets, Kiosks
from vr_server.storage.journeys import Journeys
from vr_server.storage.memory_sessions import (
    MemoryContent,
    MemoryJourneys,
    MemoryQueue,
    MemorySessions,
)
from vr_server.storage.memory_tables import MemoryRepository, Tables, Taken
from vr_server.storage.queue import Queue
from vr_server.storage.records import (
    ACCOUNT_KINDS,
    AccountRecord,
    CodePurpose,
    HeadsetRecord,
    KioskRecord,
    Role,
    TokenKind,
    TokenRecord,
    TokenSubject,
)
from vr_server.storage.sessions import Sessions
from vr_server.storage.setup import NEVER, SETUP_PURPOSE, Setup
from vr_server.storage.sql_repo import now


class MemoryAccounts(MemoryRepository):
    async def create(self, username: str, password_hash: str, role: Role) -> AccountRecord:
        if any(a.username == username for a in self.t.accounts.values()):
            raise Taken(username)
        record = AccountRecord(str(uuid.uuid4()), username, password_hash, role, now(), False)
        self.t.accounts[record.id] = record
        return record

    async def get(self, account_id: str) -> AccountRecord | None:
        return self.t.accounts.get(account_id)

    async def by_username(self, username: str) -> AccountRecord | None:
        return next((a for a in self.t.accounts.values() if a.username == username), None)

    async def all(self) -> list[AccountRecord]:
        return sorted(self.t.accounts.values(), key=lambda a: a.username)

    async def update(self, account_id: str, **changes: Unpack[AccountChanges]) -> bool:
        record = self.t.accounts.get(account_id)
        if record is not None:
            self.t.accounts[account_id] = replace(record, **changes)
        return record is not None


class MemoryTokens(MemoryRepository):
    async def put(
        self, token_hash: str, kind: TokenKind, subject_id: str, expires_at: datetime | None
    ) -> None:
        self.t.put_token(token_hash, kind, subject_id, now(), expires_at)

    async def get(self, token_hash: str) -> TokenRecord | None:
        return self.t.tokens.get(token_hash)

    async def subject(self, token_hash: str) -> TokenSubject | None:
        token = self.t.tokens.get(token_hash)
        if token is None:
            return None
        if token.kind == "device":
            headset = self.t.headsets.get(token.subject_id)
            removed = token.subject_id in self.t.removed
            return TokenSubject(token, headset.name if headset and not removed else None, False)
        if token.kind == "kiosk":
            kiosk = self.t.kiosks.get(token.subject_id)
            return TokenSubject(token, kiosk.name if kiosk else None, False)
        account = self.t.accounts.get(token.subject_id) if token.kind in ACCOUNT_KINDS else None
        if account is None:
            return TokenSubject(token, None, False)
        return TokenSubject(token, account.username, account.disabled, account.contact_access)

    async def revoke(self, token_hash: str) -> None:
        token = self.t.tokens.get(token_hash)
        if token is not None:
            self.t.tokens[token_hash] = replace(token, revoked=True)

    async def revoke_subject(self, subject_id: str) -> int:
        return self.t.revoke_tokens(subject_id)


class MemoryCodes(MemoryRepository):
    async def create(
        self, code_hash: str, label: str, uses: int, expires_at: datetime, purpose: CodePurpose
    ) -> None:
        self.t.codes[code_hash] = CodeRecord(code_hash, label, purpose, uses, now(), expires_at)

    async def use(
        self, code_hash: str, now: datetime, purpose: CodePurpose = "headset"
    ) -> CodeRecord | None:
        code = self.t.codes.get(code_hash)
        if code is None or code.uses_left <= 0 or code.expires_at <= now or code.purpose != purpose:
            return None
        used = self.t.codes[code_hash] = replace(code, uses_left=code.uses_left - 1)
        return used

    async def usable(self, now: datetime) -> list[CodeRecord]:
        codes = [
            c
            for c in self.t.codes.values()
            if c.uses_left > 0 and c.expires_at > now and c.purpose in CODE_PURPOSES
        ]
        return sorted(codes, key=lambda c: c.created_at)

    async def revoke(self, code_hash: str) -> bool:
        code = self.t.codes.get(code_hash)
        if code is None or code.uses_left <= 0:
            return False
        self.t.codes[code_hash] = replace(code, uses_left=0)
        return True


class MemorySetup(MemoryRepository):
    def _admin(self) -> bool:
        return any(a.role == "admin" for a in self.t.accounts.values())

    async def admin_exists(self) -> bool:
        return self._admin()

    async def add_token(self, token_hash: str) -> None:
        self.t.codes[token_hash] = CodeRecord(token_hash, "", SETUP_PURPOSE, 1, now(), NEVER)

    async def token_usable(self, token_hash: str) -> bool:
        code = self.t.codes.get(token_hash)
        return code is not None and code.purpose == SETUP_PURPOSE and code.uses_left > 0

    async def clear_tokens(self) -> int:
        setup = [h for h, c in self.t.codes.items() if c.purpose == SETUP_PURPOSE]
        for code_hash in setup:
            del self.t.codes[code_hash]
        return len(setup)

    async def create_first_admin(
        self, token_hash: str, username: str, password_hash: str
    ) -> AccountRecord | None:
        if not await self.token_usable(token_hash) or self._admin():
            return None
        if any(a.username == username for a in self.t.accounts.values()):
            raise Taken(username)
        for code_hash, code in list(self.t.codes.items()):
            if code.purpose == SETUP_PURPOSE:
                self.t.codes[code_hash] = replace(code, uses_left=0)
        record = AccountRecord(str(uuid.uuid4()), username, password_hash, "admin", now(), False)
        self.t.accounts[record.id] = record
        return record


class MemoryHeadsets(MemoryRepository):
    def _unique_name(self, name: str) -> str:
        taken = {h.name for h in self.t.headsets.values()}
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    async def enroll(
        self,
        device_id: str,
        name: str | None,
        token_hash: str,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> HeadsetRecord:
        record = next((h for h in self.t.headsets.values() if h.device_id == device_id), None)
        if record is None:
            name = self._unique_name(name or f"Quest-{len(self.t.headsets) + 1:02d}")
            record = HeadsetRecord(str(uuid.uuid4()), device_id, name, "available", None, now, None)
        else:
            self.t.revoke_tokens(record.id, "device")
            if name and name != record.name:
                record = replace(record, name=self._unique_name(name))
            self.t.removed.discard(record.id)
        self.t.headsets[record.id] = record
        self.t.put_token(token_hash, "device", record.id, now, expires_at)
        return record

    async def get(self, headset_id: str) -> HeadsetRecord | None:
        return self.t.headsets.get(headset_id)

    async def by_device(self, device_id: str) -> HeadsetRecord | None:
        return next((h for h in self.t.headsets.values() if h.device_id == device_id), None)

    async def device_token(self, token_hash: str) -> tuple[TokenRecord, HeadsetRecord] | None:
        token = self.t.tokens.get(token_hash)
        if token is None or token.kind != "device" or token.subject_id in self.t.removed:
            return None
        headset = self.t.headsets.get(token.subject_id)
        return (token, headset) if headset is not None else None

    async def touch(self, seen: list[tuple[str, str | None, datetime]]) -> None:
        for headset_id, version, when in seen:
            record = self.t.headsets.get(headset_id)
            if record is not None:
                version = version if version is not None else record.app_version
                self.t.headsets[headset_id] = replace(
                    record, app_version=version, last_seen_at=when
                )

    async def all(self) -> list[HeadsetRecord]:
        here = [h for h in self.t.headsets.values() if h.id not in self.t.removed]
        return sorted(here, key=lambda h: h.name)

    async def update(self, headset_id: str, **changes: Unpack[HeadsetChanges]) -> None:
        record = self.t.headsets.get(headset_id)
        if record is not None:
            self.t.headsets[headset_id] = replace(record, **changes)

    async def remove(self, headset_id: str, now: datetime) -> bool:
        self.t.revoke_tokens(headset_id)
        if headset_id not in self.t.headsets or headset_id in self.t.removed:
            return False
        self.t.removed.add(headset_id)
        return True


class MemoryKiosks(MemoryRepository):
    async def create(
        self, name: str, token_hash: str, expires_at: datetime, now: datetime
    ) -> KioskRecord:
        record = KioskRecord(str(uuid.uuid4()), name, now)
        self.t.kiosks[record.id] = record
        self.t.put_token(token_hash, "kiosk", record.id, now, expires_at)
        return record

    async def all(self) -> list[KioskRecord]:
        return sorted(self.t.kiosks.values(), key=lambda k: k.paired_at)

    async def remove(self, kiosk_id: str) -> bool:
        self.t.revoke_tokens(kiosk_id)
        return self.t.kiosks.pop(kiosk_id, None) is not None


class MemoryAudit(MemoryRepository):
    async def add(self, record: AuditRecord) -> None:
        details = json.loads(json.dumps(record.details, default=str))
        self.t.audit.append(replace(record, id=len(self.t.audit) + 1, details=details))

    async def entries(self, match: AuditFilter) -> list[AuditRecord]:
        found = [
            r
            for r in self.t.audit
            if (match.since is None or r.at >= match.since)
            and (match.action is None or r.action == match.action)
            and (match.actor is None or r.actor == match.actor)
        ]
        found.sort(key=lambda r: (r.at, r.id or 0), reverse=True)
        return found[: match.limit]


class MemoryStore:
    """The Store on dicts; `tables` holds every row (tests may look at them)."""

    def __init__(self) -> None:
        self.tables = tables = Tables()
        self.accounts: Accounts = MemoryAccounts(tables)
        self.tokens: Tokens = MemoryTokens(tables)
        self.codes: Codes = MemoryCodes(tables)
        self.headsets: Headsets = MemoryHeadsets(tables)
        self.kiosks: Kiosks = MemoryKiosks(tables)
        self.content: Content = MemoryContent(tables)
        self.sessions: Sessions = MemorySessions(tables)
        self.queue: Queue = MemoryQueue(tables)
        self.journeys: Journeys = MemoryJourneys(tables)
        self.audit: Audit = MemoryAudit(tables)
        self.setup: Setup = MemorySetup(tables)

    async def close(self) -> None:
        return None

    async def ping(self) -> None:
        return None


def _implements_store(store: MemoryStore) -> Store:
    """Never called: mypy checks here that MemoryStore is a Store."""
    return store
