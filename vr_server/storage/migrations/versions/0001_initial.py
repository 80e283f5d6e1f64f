"""Initial schema: accounts, tokens, enrollment codes, headsets, content, sessions, events."""

import sqlalchemy as sa
from alembic import op

from vr_server.storage.migration_columns import event_columns

revision, down_revision = "0001", None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("revoked", sa.Boolean, nullable=False),
    )
    op.create_index("ix_tokens_subject", "tokens", ["kind", "subject_id"])
    op.create_table(
        "enrollment_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("uses_left", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_table(
        "headsets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("app_version", sa.String(64), nullable=True),
        sa.Column("enrolled_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=True),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "scenes",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("active_version", sa.String(32), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "scene_versions",
        sa.Column("scene_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(32), primary_key=True),
        sa.Column("manifest", sa.Text, nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("published_at", TS, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("headset_id", sa.String(36), sa.ForeignKey("headsets.id"), nullable=False),
        sa.Column("scene_id", sa.String(64), nullable=False),
        sa.Column("scene_version", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("machine", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_sessions_headset_state", "sessions", ["headset_id", "state"])
    op.create_index("ix_sessions_created", "sessions", ["created_at"])
    op.create_table(
        "session_events",
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id"), primary_key=True),
        *event_columns(),
    )
    op.create_table(
        "session_transitions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("old_state", sa.String(16), nullable=False),
        sa.Column("new_state", sa.String(16), nullable=False),
        sa.Column("cause", sa.String(64), nullable=False),
    )
    op.create_index("ix_transitions_session", "session_transitions", ["session_id"])


def downgrade() -> None:
    for index, table in (
        ("ix_transitions_session", "session_transitions"),
        ("ix_sessions_created", "sessions"),
        ("ix_sessions_headset_state", "sessions"),
        ("ix_tokens_subject", "tokens"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "session_transitions",
        "session_events",
        "sessions",
        "scene_versions",
        "scenes",
        "blobs",
        "headsets",
        "enrollment_codes",
        "tokens",
        "accounts",
    ):
        op.drop_table(table)
