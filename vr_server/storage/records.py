"""Plain records the store reads and writes. Services turn them into protocol views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Role = Literal["admin", "staff", "author", "editor"]
"""admin: accounts, enrollment, revocation, retention, contact data; staff: fleet, queue,
sessions; author: publishes the scenes it owns; editor: an author for every scene."""
TokenKind = Literal["admin", "staff", "author", "editor", "kiosk", "device", "venue"]
"""An account's token has its role as kind; a kiosk (check-in tablet, queue TV), a headset and
a venue server syncing with central (only the sync routes take it) have their own kinds."""
CodePurpose = Literal["headset", "kiosk", "venue"]
ACCOUNT_KINDS: frozenset[str] = frozenset({"admin", "staff", "author", "editor"})


@dataclass(frozen=True)
class AccountRecord:
    id: str
    username: str
    password_hash: str
    role: Role
    created_at: datetime
    disabled: bool
    contact_access: bool = False
    """A staff account an admin allowed to read visitors' contact data (admins always may)."""


@dataclass(frozen=True)
class TokenRecord:
    token_hash: str
    kind: TokenKind
    subject_id: str
    created_at: datetime
    expires_at: datetime | None
    revoked: bool


@dataclass(frozen=True)
class TokenSubject:
    """A token with what a request needs of its subject, read in one query."""

    token: TokenRecord
    name: str | None
    """The account's username, the headset's or the kiosk's name; None when the subject no longer
    exists (a removed headset or kiosk)."""
    disabled: bool
    """The account is disabled (always False for a headset or kiosk)."""
    contact_access: bool = False


@dataclass(frozen=True)
class HeadsetRecord:
    id: str
    device_id: str
    name: str
    status: str
    app_version: str | None
    enrolled_at: datetime
    last_seen_at: datetime | None


@dataclass(frozen=True)
class SceneVersionRecord:
    scene_id: str
    version: str
    manifest: str
    manifest_sha256: str
    published_at: datetime
    active: bool


@dataclass(frozen=True)
class SessionRecord:
    id: str
    headset_id: str
    scene_id: str
    scene_version: str
    state: str
    machine: dict[str, Any]
    result: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    row_version: int
    ticket_id: str | None = None
    result_token: str | None = None
    """The unguessable name of the session's public result page (`/results/<token>`)."""
    rating: int | None = None
    rated_at: datetime | None = None
    journey_code: str | None = None
    """The visitor's journey (their sessions of the day); None for sessions before 0005."""


@dataclass(frozen=True)
class EventRecord:
    session_id: str
    seq: int
    kind: str
    step_id: str | None
    body: dict[str, Any]
    client_at: float | None
    received_at: datetime


@dataclass(frozen=True)
class TransitionRecord:
    session_id: str
    at: datetime
    old_state: str
    new_state: str
    cause: str


TicketStatus = Literal["waiting", "called", "in_session", "done", "no_show", "cancelled"]


@dataclass(frozen=True)
class TicketRecord:
    id: str
    venue_day: str
    """The venue's local date (VR_TIMEZONE) as YYYY-MM-DD: numbers restart each day."""
    number: int
    language: str
    interests: list[str]
    status: TicketStatus
    created_at: datetime
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    headset_id: str | None = None
    scene_id: str | None = None
    session_id: str | None = None
    has_personal_data: bool = False
    journey_code: str | None = None
    """The visitor's journey, carried into every session the ticket is called to."""


@dataclass(frozen=True)
class JourneyRecord:
    """One visitor's sessions of a day, linked by a code: no personal data, only the code a
    visitor may give at check-in again (printed on their result page) and when it began."""

    code: str
    created_at: datetime


@dataclass(frozen=True)
class ContactRecord:
    """A visitor's personal data, given with consent; deleted after VR_RETENTION_DAYS."""

    ticket_id: str
    name: str | None
    phone: str | None
    consent_at: datetime


@dataclass(frozen=True)
class KioskRecord:
    id: str
    name: str
    paired_at: datetime
