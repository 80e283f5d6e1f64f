"""The rows of `MemoryStore` (memory.py): one `Tables` that every in-memory repository of a
store shares, and their base class, kept apart so that the repositories in memory.py and
memory_sessions.py both import them without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from vr_server.storage.accounts import CodeRecord
from vr_server.storage.audit import AuditRecord
from vr_server.storage.records import (
    AccountRecord,
    ContactRecord,
    EventRecord,
    HeadsetRecord,
    JourneyRecord,
    KioskRecord,
    SceneVersionRecord,
    SessionRecord,
    TicketRecord,
    TokenKind,
    TokenRecord,
    TransitionRecord,
)


class Taken(Exception):
    """A unique value is taken (the SQL store raises IntegrityError)."""


@dataclass
class Tables:
    """Every repository's rows; the repositories of one store share one."""

    accounts: dict[str, AccountRecord] = field(default_factory=dict)
    tokens: dict[str, TokenRecord] = field(default_factory=dict)
    codes: dict[str, CodeRecord] = field(default_factory=dict)
    headsets: dict[str, HeadsetRecord] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    """Ids of removed headsets."""
    kiosks: dict[str, KioskRecord] = field(default_factory=dict)
    blobs: dict[str, tuple[int, str]] = field(default_factory=dict)
    active: dict[str, str] = field(default_factory=dict)
    """Scene id -> its active version."""
    owners: dict[str, str | None] = field(default_factory=dict)
    versions: dict[tuple[str, str], SceneVersionRecord] = field(default_factory=dict)
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    events: dict[tuple[str, int], EventRecord] = field(default_factory=dict)
    transitions: list[TransitionRecord] = field(default_factory=list)
    tickets: dict[str, TicketRecord] = field(default_factory=dict)
    contacts: dict[str, ContactRecord] = field(default_factory=dict)
    journeys: dict[str, JourneyRecord] = field(default_factory=dict)
    audit: list[AuditRecord] = field(default_factory=list)

    def put_token(
        self,
        token_hash: str,
        kind: TokenKind,
        subject: str,
        when: datetime,
        expires: datetime | None,
    ) -> None:
        if token_hash in self.tokens:
            raise Taken(token_hash)
        self.tokens[token_hash] = TokenRecord(token_hash, kind, subject, when, expires, False)

    def revoke_tokens(self, subject_id: str, kind: str | None = None) -> int:
        live = [
            tok
            for tok in self.tokens.values()
            if tok.subject_id == subject_id and not tok.revoked and kind in (None, tok.kind)
        ]
        for tok in live:
            self.tokens[tok.token_hash] = replace(tok, revoked=True)
        return len(live)


class MemoryRepository:
    """Base of the in-memory repositories: each works on its store's one `Tables`."""

    def __init__(self, tables: Tables) -> None:
        self.t = tables
