"""Table definitions (SQLAlchemy Core). Migrations in `migrations/versions/` create them; a test
checks that the migrated schema matches these definitions."""

from __future__ import annotations

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
)

metadata = MetaData()

TS = DateTime(timezone=True)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
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
    Index("ix_sessions_headset_state", "headset_id", "state"),
    Index("ix_sessions_created", "created_at"),
)

session_events = Table(
    "session_events",
    metadata,
    Column("session_id", String(36), ForeignKey("sessions.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("step_id", String(64), nullable=True),
    Column("body", Text, nullable=False),
    Column("client_at", Float, nullable=True),
    Column("received_at", TS, nullable=False),
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
