"""Venues that sync with a central server (issue 19, docs/sync.md).

At a venue: `sync_seq` on sessions, events and tickets (the outbox position of a row's last
change), the `sync_clock` that gives positions out, and `venue_link` (the pairing with central).
At central: `venues` and the rows they sent (`venue_sessions`, `venue_events`,
`venue_tickets`), keyed by (venue, the venue's own id).

Rows stored before this migration get positions too (sessions, then events, then tickets, each
oldest first), so a venue that pairs later sends its whole history. `UPDATE ... FROM` works on
SQLite 3.33+ and PostgreSQL alike. Only nullable columns are added to existing tables.
"""

import sqlalchemy as sa
from alembic import op

from vr_server.storage.migration_columns import event_columns, ticket_columns

revision, down_revision = "0006", "0005"

TS = sa.DateTime(timezone=True)

_BACKFILL = (
    ("sessions", "id", "created_at, id", "sessions.id = r.id"),
    (
        "session_events",
        "session_id, seq",
        "received_at, session_id, seq",
        "session_events.session_id = r.session_id AND session_events.seq = r.seq",
    ),
    ("tickets", "id", "created_at, id", "tickets.id = r.id"),
)


def _backfill() -> int:
    """Give every existing row a position; the last one given."""
    bind = op.get_bind()
    given = 0
    for table, key, order, match in _BACKFILL:
        bind.execute(
            sa.text(
                f"UPDATE {table} SET sync_seq = r.n + :base FROM "  # noqa: S608 - constants
                f"(SELECT {key}, ROW_NUMBER() OVER (ORDER BY {order}) AS n FROM {table}) AS r "
                f"WHERE {match}"
            ),
            {"base": given},
        )
        given += int(bind.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608
    return given


def _venue_key() -> sa.Column[str]:
    return sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), primary_key=True)


def upgrade() -> None:
    for table in ("sessions", "session_events", "tickets"):
        op.add_column(table, sa.Column("sync_seq", sa.Integer, nullable=True))
        op.create_index(f"ix_{table}_sync_seq", table, ["sync_seq"])
    op.create_table(
        "sync_clock",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.get_bind().execute(
        sa.text("INSERT INTO sync_clock (id, value) VALUES (1, :value)"), {"value": _backfill()}
    )
    op.create_table(
        "venue_link",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("central_url", sa.String(500), nullable=False),
        sa.Column("venue_id", sa.String(36), nullable=False),
        sa.Column("venue_name", sa.String(64), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("paired_at", TS, nullable=False),
        sa.Column("acked_seq", sa.Integer, nullable=False),
        sa.Column("last_sync_at", TS, nullable=True),
        sa.Column("last_attempt_at", TS, nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
    )
    op.create_table(
        "venues",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("paired_at", TS, nullable=True),
        sa.Column("acked_seq", sa.Integer, nullable=False),
        sa.Column("last_sync_at", TS, nullable=True),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("headsets_online", sa.Integer, nullable=True),
        sa.Column("presence_at", TS, nullable=True),
    )
    op.create_table(
        "venue_sessions",
        _venue_key(),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("headset_id", sa.String(64), nullable=False),
        sa.Column("scene_id", sa.String(64), nullable=False),
        sa.Column("scene_version", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("ticket_id", sa.String(64), nullable=True),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("rated_at", TS, nullable=True),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("sync_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_venue_sessions_created", "venue_sessions", ["venue_id", "created_at"])
    op.create_table(
        "venue_events",
        _venue_key(),
        sa.Column("session_id", sa.String(64), primary_key=True),
        *event_columns(),
        sa.Column("sync_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "venue_tickets",
        _venue_key(),
        sa.Column("id", sa.String(64), primary_key=True),
        *ticket_columns(64),
        sa.Column("sync_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_venue_tickets_created", "venue_tickets", ["venue_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_venue_tickets_created", table_name="venue_tickets")
    op.drop_index("ix_venue_sessions_created", table_name="venue_sessions")
    for table in ("venue_tickets", "venue_events", "venue_sessions", "venues", "venue_link"):
        op.drop_table(table)
    op.drop_table("sync_clock")
    for table in ("sessions", "session_events", "tickets"):
        op.drop_index(f"ix_{table}_sync_seq", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sync_seq")
