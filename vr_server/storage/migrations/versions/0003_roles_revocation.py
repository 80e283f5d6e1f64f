"""Roles and taking access back (issue 15, items 2, 6 and 10).

- `accounts.contact_access`: an admin allowed a staff account to read visitors' contact data;
- tokens of admin accounts get the kind `admin` (a token's kind is its account's role now);
- device tokens issued before this revision expire a year from now (they never did before);
- `enrollment_codes.purpose`: `headset` (enrollment) or `kiosk` (pairing a tablet or TV);
- `headsets.removed_at`: a headset an admin removed;
- `kiosks`: paired check-in tablets and queue TVs;
- `scenes.owner_id`: the account that first published the scene.

Only columns with defaults or nullable ones are added (plain ALTER TABLE on both databases).
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0003", "0002"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("contact_access", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "enrollment_codes",
        sa.Column("purpose", sa.String(16), nullable=False, server_default="headset"),
    )
    op.add_column("headsets", sa.Column("removed_at", TS, nullable=True))
    op.add_column("scenes", sa.Column("owner_id", sa.String(36), nullable=True))
    op.create_table(
        "kiosks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("paired_at", TS, nullable=False),
    )
    tokens = sa.table(
        "tokens",
        sa.column("kind", sa.String),
        sa.column("subject_id", sa.String),
        sa.column("expires_at", TS),
    )
    accounts = sa.table("accounts", sa.column("id", sa.String), sa.column("role", sa.String))
    admins = sa.select(accounts.c.id).where(accounts.c.role == "admin")
    op.execute(
        tokens.update()
        .where(sa.and_(tokens.c.kind == "staff", tokens.c.subject_id.in_(admins)))
        .values(kind="admin")
    )
    op.execute(
        tokens.update()
        .where(sa.and_(tokens.c.kind == "device", tokens.c.expires_at.is_(None)))
        .values(expires_at=datetime.now(UTC) + timedelta(days=365))
    )


def downgrade() -> None:
    tokens = sa.table("tokens", sa.column("kind", sa.String))
    op.execute(tokens.update().where(tokens.c.kind == "admin").values(kind="staff"))
    op.drop_table("kiosks")
    with op.batch_alter_table("scenes") as batch:
        batch.drop_column("owner_id")
    with op.batch_alter_table("headsets") as batch:
        batch.drop_column("removed_at")
    with op.batch_alter_table("enrollment_codes") as batch:
        batch.drop_column("purpose")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("contact_access")
