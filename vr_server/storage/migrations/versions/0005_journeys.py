"""A visitor's journey across occupations (issue 18): one random code links a visitor's
sessions of the day (their ticket carries it into each session, or their first result's code
given at check-in again). No personal data: the code and when it began.

Only nullable columns are added to `sessions` and `tickets` (plain ALTER TABLE), on SQLite and
PostgreSQL alike.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0005", "0004"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("sessions", sa.Column("journey_code", sa.String(12), nullable=True))
    op.add_column("tickets", sa.Column("journey_code", sa.String(12), nullable=True))
    op.create_index("ix_sessions_journey", "sessions", ["journey_code"])
    op.create_table(
        "journeys",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_index("ix_sessions_journey", table_name="sessions")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("journey_code")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("journey_code")
    op.drop_table("journeys")
