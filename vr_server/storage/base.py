"""The storage interface every back end implements (SQLite and PostgreSQL share `SqlStore`).

Services depend on this protocol only, so a test or a new back end can stand in for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from vr_server.errors import Conflict
from vr_server.storage.access import AccessStore
from vr_server.storage.audit import AuditStore
from vr_server.storage.records import (
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


class StaleSession(Conflict):
    """The session row changed since it was read (another writer got there first)."""


class DuplicateEvent(Conflict):
    """An event with this (session, seq) is stored already."""


class Store(Protocol):
    access: AccessStore
    """Revocation, kiosks, codes and scene owners (storage/access.py)."""
    audit: AuditStore
    """The audit trail's table (storage/audit.py)."""

    async def close(self) -> None: ...
    async def ping(self) -> None: ...

    # accounts and credentials
    async def create_account(
        self, username: str, password_hash: str, role: Role
    ) -> AccountRecord: ...
    async def get_account(self, account_id: str) -> AccountRecord | None: ...
    async def get_account_by_username(self, username: str) -> AccountRecord | None: ...
    async def list_accounts(self) -> list[AccountRecord]: ...
    async def put_token(
        self, token_hash: str, kind: TokenKind, subject_id: str, expires_at: datetime | None
    ) -> None: ...
    async def get_token(self, token_hash: str) -> TokenRecord | None: ...
    async def get_token_subject(self, token_hash: str) -> TokenSubject | None:
        """A token with its account's or headset's name, in one query (every request)."""
        ...

    async def revoke_token(self, token_hash: str) -> None: ...
    async def create_enrollment_code(
        self,
        code_hash: str,
        label: str,
        uses: int,
        expires_at: datetime,
        purpose: CodePurpose = "headset",
    ) -> None: ...
    async def use_enrollment_code(
        self, code_hash: str, now: datetime, purpose: CodePurpose = "headset"
    ) -> bool:
        """Take one use of a valid, unexpired code; False when there is none left."""
        ...

    # headsets
    async def enroll_headset(
        self,
        device_id: str,
        name: str | None,
        token_hash: str,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> HeadsetRecord:
        """Create the headset, or re-enroll it (a new token; old device tokens revoked)."""
        ...

    async def get_headset(self, headset_id: str) -> HeadsetRecord | None: ...
    async def get_headset_by_device(self, device_id: str) -> HeadsetRecord | None: ...
    async def get_device_token(self, token_hash: str) -> tuple[TokenRecord, HeadsetRecord] | None:
        """A device token with its headset, in one query (a headset's every connect)."""
        ...

    async def touch_headsets(self, seen: list[tuple[str, str | None, datetime]]) -> None:
        """Record (headset id, app version or None to keep it, last seen) for many headsets
        in one transaction."""
        ...

    async def list_headsets(self) -> list[HeadsetRecord]: ...
    async def update_headset(
        self,
        headset_id: str,
        *,
        status: str | None = None,
        app_version: str | None = None,
        last_seen_at: datetime | None = None,
    ) -> None: ...

    # content
    async def put_blob(self, sha256: str, size: int, media_type: str) -> None: ...
    async def blob_media_type(self, sha256: str) -> str | None: ...
    async def put_scene_version(
        self, scene_id: str, version: str, manifest: str, manifest_sha256: str, activate: bool
    ) -> bool:
        """Store a version (False if it exists with other content); optionally activate it."""
        ...

    async def activate_scene_version(self, scene_id: str, version: str) -> bool:
        """Point the scene at a stored version, in one statement; False if no such version."""
        ...

    async def get_scene_version(self, scene_id: str, version: str) -> SceneVersionRecord | None: ...
    async def get_active_scene(self, scene_id: str) -> SceneVersionRecord | None: ...
    async def list_active_scenes(self) -> list[SceneVersionRecord]: ...
    async def list_scene_versions(self, scene_id: str) -> list[str]: ...
    async def list_manifests(self) -> list[str]:
        """The manifest JSON of every stored scene version (what blobs are in use)."""
        ...

    async def list_scene_version_records(self, scene_id: str) -> list[SceneVersionRecord]:
        """Every stored version of a scene, oldest first, each marked active or not."""
        ...

    # sessions
    async def create_session(self, record: SessionRecord, transition: TransitionRecord) -> None: ...
    async def get_session(self, session_id: str) -> SessionRecord | None: ...
    async def active_session_for_headset(self, headset_id: str) -> SessionRecord | None: ...
    async def list_sessions(
        self, *, states: list[str] | None = None, headset_id: str | None = None, limit: int = 100
    ) -> list[SessionRecord]: ...
    async def save_session(
        self,
        record: SessionRecord,
        *,
        expected_version: int,
        event: EventRecord | None = None,
        transitions: list[TransitionRecord] | None = None,
    ) -> None:
        """Write the session, its new event and transitions in one transaction.

        Raises StaleSession if the row version moved, DuplicateEvent if the seq is taken.
        """
        ...

    async def get_event(self, session_id: str, seq: int) -> EventRecord | None: ...
    async def list_events(self, session_id: str) -> list[EventRecord]: ...
    async def list_transitions(self, session_id: str) -> list[TransitionRecord]: ...

    # results and ratings
    async def get_session_by_token(self, token: str) -> SessionRecord | None: ...
    async def rate_session(self, session_id: str, rating: int, rated_at: datetime) -> None: ...
    async def list_sessions_created(self, start: datetime, end: datetime) -> list[SessionRecord]:
        """Sessions created in [start, end), oldest first."""
        ...

    # walk-in queue and visitors' personal data
    async def create_ticket(
        self,
        *,
        venue_day: str,
        language: str,
        interests: list[str],
        created_at: datetime,
        contact: ContactRecord | None = None,
    ) -> TicketRecord:
        """Store a ticket with the venue day's next number, and its contact data, at once."""
        ...

    async def get_ticket(self, ticket_id: str) -> TicketRecord | None: ...
    async def list_tickets(
        self,
        *,
        venue_day: str | None = None,
        statuses: list[str] | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
    ) -> list[TicketRecord]: ...
    async def update_ticket(
        self, ticket_id: str, *, expect: list[TicketStatus] | None = None, **values: Any
    ) -> bool:
        """Update columns while the status is one of `expect`; False when nothing matched."""
        ...

    async def get_contact(self, ticket_id: str) -> ContactRecord | None: ...
    async def purge_contacts(self, before: datetime) -> int:
        """Delete personal data given before `before`; returns how many visitors' data."""
        ...
