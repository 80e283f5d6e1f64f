"""Walk-in queue, visitors' contact data, result links and ratings (issue 6).

Tickets and visitors' personal data are separate tables, so the data can be purged
(`vr-server purge`) while tickets and statistics stay. Sessions gain the ticket they serve, the
token of their public result page and the visitor's rating. Only nullable columns are added to
`sessions`, with plain ALTER TABLE (no table rebuild), on SQLite and PostgreSQL alike.
"""

import sqlalchemy as sa
from alembic import op

from vr_server.storage.migration_columns import ticket_columns

revision, down_revision = "0002", "0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("sessions", sa.Column("ticket_id", sa.String(36), nullable=True))
    op.add_column("sessions", sa.Column("result_token", sa.String(32), nullable=True))
    op.add_column("sessions", sa.Column("rating", sa.Integer, nullable=True))
    op.add_column("sessions", sa.Column("rated_at", TS, nullable=True))
    op.create_index("ix_sessions_result_token", "sessions", ["result_token"], unique=True)
    op.create_index("ix_sessions_ticket", "sessions", ["ticket_id"])
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(36), primary_key=True),
        *ticket_columns(36),
        sa.Column("has_personal_data", sa.Boolean, nullable=False),
    )
    op.create_index("ux_tickets_day_number", "tickets", ["venue_day", "number"], unique=True)
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index("ix_tickets_created", "tickets", ["created_at"])
    op.create_table(
        "visitor_contacts",
        sa.Column("ticket_id", sa.String(36), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("consent_at", TS, nullable=False),
    )
    op.create_index("ix_visitor_contacts_consent", "visitor_contacts", ["consent_at"])


def downgrade() -> None:
    op.drop_index("ix_visitor_contacts_consent", table_name="visitor_contacts")
    op.drop_table("visitor_contacts")
    for index in ("ix_tickets_created", "ix_tickets_status", "ux_tickets_day_number"):
        op.drop_index(index, table_name="tickets")
    op.drop_table("tickets")
    op.drop_index("ix_sessions_ticket", table_name="sessions")
    op.drop_index("ix_sessions_result_token", table_name="sessions")
    with op.batch_alter_table("sessions") as batch:
        for column in ("rated_at", "rating", "result_token", "ticket_id"):
            batch.drop_column(column)
