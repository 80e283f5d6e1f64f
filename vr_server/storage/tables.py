"""Table definitions (SQLAlchemy Core). Migrations in `migrations/versions/` create them; a test
checks that the migrated schema matches these definitions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """TIMESTAMP WITH TIME ZONE that stores every instant in UTC and hands it back in UTC.

    PostgreSQL does this itself; SQLite keeps the wall-clock time and drops the offset, so a
    Bangkok time would come back as that wall-clock time in UTC (7 hours off) and compare
    wrongly against stored UTC times. Naive values are taken as UTC on both."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


TS = UtcDateTime()


# Central keeps what venues send in tables of its own (`venue_*`, keyed by the venue and the
# venue's own ids), with the columns of the venue's tables that these give both.


def _event_columns() -> list[Column[Any]]:
    """A session event after its session's id (`session_events`, `venue_events`)."""
    return [
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("kind", String(32), nullable=False),
        Column("step_id", String(64), nullable=True),
        Column("body", Text, nullable=False),
        Column("client_at", Float, nullable=True),
        Column("received_at", TS, nullable=False),
    ]


def _ticket_columns(id_length: int) -> list[Column[Any]]:
    """A walk-in ticket after its own id, headset and session ids of `id_length` (`tickets`:
    36, the server's uuids; `venue_tickets`: 64, a venue's ids)."""
    return [
        Column("venue_day", String(10), nullable=False),
        Column("number", Integer, nullable=False),
        Column("language", String(8), nullable=False),
        Column("interests", Text, nullable=False),
        Column("status", String(16), nullable=False),
        Column("created_at", TS, nullable=False),
        Column("called_at", TS, nullable=True),
        Column("started_at", TS, nullable=True),
        Column("ended_at", TS, nullable=True),
        Column("headset_id", String(id_length), nullable=True),
        Column("scene_id", String(64), nullable=True),
        Column("session_id", String(id_length), nullable=True),
    ]


accounts = Table(
    "accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    # 0003: an admin allowed this staff account to read visitors' contact data
    Column("contact_access", Boolean, nullable=False, default=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("subject_id", String(36), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Index("ix_tokens_subject", "kind", "subject_id"),
)

enrollment_codes = Table(
    "enrollment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("label", String(100), nullable=False, default=""),
    Column("uses_left", Integer, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    # 0003: "headset" (enrollment) or "kiosk" (pairing a check-in tablet or queue TV)
    Column("purpose", String(16), nullable=False, default="headset"),
)

headsets = Table(
    "headsets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("device_id", String(64), nullable=False, unique=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("app_version", String(64), nullable=True),
    Column("enrolled_at", TS, nullable=False),
    Column("last_seen_at", TS, nullable=True),
    # 0003: removed by an admin (its tokens are revoked; enrolling the device again restores it)
    Column("removed_at", TS, nullable=True),
)

# 0003: paired check-in tablets and queue TVs (kiosk tokens have a kiosk's id as subject)
kiosks = Table(
    "kiosks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("paired_at", TS, nullable=False),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
)

scenes = Table(
    "scenes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("active_version", String(32), nullable=False),
    Column("updated_at", TS, nullable=False),
    # 0003: the account that first published the scene (None: published before 0003, or by
    # `vr-server import`); only it, editors and admins publish, activate and roll back
    Column("owner_id", String(36), nullable=True),
)

scene_versions = Table(
    "scene_versions",
    metadata,
    Column("scene_id", String(64), primary_key=True),
    Column("version", String(32), primary_key=True),
    Column("manifest", Text, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("published_at", TS, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("headset_id", String(36), ForeignKey("headsets.id"), nullable=False),
    Column("scene_id", String(64), nullable=False),
    Column("scene_version", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("machine", Text, nullable=False),
    Column("result", Text, nullable=True),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("row_version", Integer, nullable=False),
    # 0002: the ticket served, the public result's token, the visitor's rating
    Column("ticket_id", String(36), nullable=True),
    Column("result_token", String(32), nullable=True),
    Column("rating", Integer, nullable=True),
    Column("rated_at", TS, nullable=True),
    # 0005: the visitor's journey (services/journeys.py)
    Column("journey_code", String(12), nullable=True),
    # 0006: the outbox position of the row's last change (storage/outbox.py)
    Column("sync_seq", Integer, nullable=True),
    Index("ix_sessions_headset_state", "headset_id", "state"),
    Index("ix_sessions_created", "created_at"),
    Index("ix_sessions_result_token", "result_token", unique=True),
    Index("ix_sessions_ticket", "ticket_id"),
    Index("ix_sessions_journey", "journey_code"),
    Index("ix_sessions_sync_seq", "sync_seq"),
)

session_events = Table(
    "session_events",
    metadata,
    Column("session_id", String(36), ForeignKey("sessions.id"), primary_key=True),
    *_event_columns(),
    Column("sync_seq", Integer, nullable=True),  # 0006
    Index("ix_session_events_sync_seq", "sync_seq"),
)

session_transitions = Table(
    "session_transitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(36), ForeignKey("sessions.id"), nullable=False),
    Column("at", TS, nullable=False),
    Column("old_state", String(16), nullable=False),
    Column("new_state", String(16), nullable=False),
    Column("cause", String(64), nullable=False),
    Index("ix_transitions_session", "session_id"),
)

# ---------------------------------------------------------------- walk-in queue (0002)

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(36), primary_key=True),
    *_ticket_columns(36),
    Column("has_personal_data", Boolean, nullable=False, default=False),
    # 0005: the visitor's journey
    Column("journey_code", String(12), nullable=True),
    Column("sync_seq", Integer, nullable=True),  # 0006
    Index("ux_tickets_day_number", "venue_day", "number", unique=True),
    Index("ix_tickets_sync_seq", "sync_seq"),
    Index("ix_tickets_status", "status"),
    Index("ix_tickets_created", "created_at"),
)

# 0005: a visitor's journey across occupations: a random code and when it began, nothing else
journeys = Table(
    "journeys",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("created_at", TS, nullable=False),
)

# Visitors' personal data (PDPA): kept apart from tickets so that it can be deleted alone.
visitor_contacts = Table(
    "visitor_contacts",
    metadata,
    Column("ticket_id", String(36), ForeignKey("tickets.id"), primary_key=True),
    Column("name", String(100), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("consent_at", TS, nullable=False),
    Index("ix_visitor_contacts_consent", "consent_at"),
)

# The audit trail (who did what, when, from where): written by services/audit.py, read by
# `vr-server audit` and the admin page. Rows are only ever added.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TS, nullable=False),
    Column("actor", String(64), nullable=True),
    Column("actor_role", String(16), nullable=True),
    Column("action", String(32), nullable=False),
    Column("target", String(200), nullable=True),
    Column("address", String(64), nullable=True),
    Column("details", Text, nullable=False),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_action_at", "action", "at"),
    Index("ix_audit_log_actor_at", "actor", "at"),
)

# ---------------------------------------------------------------- venues and central (0006)
# docs/sync.md. At a venue: the outbox clock and the pairing with central. At central: the
# venues and what they sent, keyed by (venue, the venue's own id).

# One row (id 1): the last outbox position given out. Taking the next one locks the row until
# the transaction ends, so positions become visible in the order they were given.
sync_clock = Table(
    "sync_clock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", Integer, nullable=False),
)

# One row (id 1) at a paired venue: where central is, the credential, the acknowledged mark.
venue_link = Table(
    "venue_link",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("central_url", String(500), nullable=False),
    Column("venue_id", String(36), nullable=False),
    Column("venue_name", String(64), nullable=False),
    Column("credential", String(128), nullable=False),
    Column("paired_at", TS, nullable=False),
    Column("acked_seq", Integer, nullable=False),
    Column("last_sync_at", TS, nullable=True),
    Column("last_attempt_at", TS, nullable=True),
    Column("last_error", String(300), nullable=True),
)

venues = Table(
    "venues",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("created_at", TS, nullable=False),
    Column("paired_at", TS, nullable=True),
    Column("acked_seq", Integer, nullable=False),
    Column("last_sync_at", TS, nullable=True),
    Column("records", Integer, nullable=False),
    # what the venue said of its headsets online at its last round, and when
    Column("headsets_online", Integer, nullable=True),
    Column("presence_at", TS, nullable=True),
)

venue_sessions = Table(
    "venue_sessions",
    metadata,
    Column("venue_id", String(36), ForeignKey("venues.id"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("headset_id", String(64), nullable=False),
    Column("scene_id", String(64), nullable=False),
    Column("scene_version", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("result", Text, nullable=True),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("ticket_id", String(64), nullable=True),
    Column("rating", Integer, nullable=True),
    Column("rated_at", TS, nullable=True),
    # from the venue's machine snapshot (the stats page at central)
    Column("started_at", TS, nullable=True),
    Column("ended_at", TS, nullable=True),
    Column("sync_seq", Integer, nullable=False),
    Index("ix_venue_sessions_created", "venue_id", "created_at"),
)

venue_events = Table(
    "venue_events",
    metadata,
    Column("venue_id", String(36), ForeignKey("venues.id"), primary_key=True),
    Column("session_id", String(64), primary_key=True),
    *_event_columns(),
    Column("sync_seq", Integer, nullable=False),
)

venue_tickets = Table(
    "venue_tickets",
    metadata,
    Column("venue_id", String(36), ForeignKey("venues.id"), primary_key=True),
    Column("id", String(64), primary_key=True),
    *_ticket_columns(64),
    Column("sync_seq", Integer, nullable=False),
    Index("ix_venue_tickets_created", "venue_id", "created_at"),
)
