"""Column sets that more than one migration creates: a venue's table and central's copy of it
(0006: `venue_*`, keyed by the venue and the venue's own ids) share most of their columns.

Frozen: each function returns the columns exactly as the migrations that call it first
created them, so changing one would rewrite those migrations. A later migration that needs
other columns writes them out itself."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

TS = sa.DateTime(timezone=True)


def event_columns() -> list[sa.Column[Any]]:
    """A session event after its session's id: 0001 `session_events`, 0006 `venue_events`."""
    return [
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("step_id", sa.String(64), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("client_at", sa.Float, nullable=True),
        sa.Column("received_at", TS, nullable=False),
    ]


def ticket_columns(id_length: int) -> list[sa.Column[Any]]:
    """A walk-in ticket after its own id, with headset and session ids of `id_length`: 0002
    `tickets` (36, the server's uuids), 0006 `venue_tickets` (64, a venue's ids)."""
    return [
        sa.Column("venue_day", sa.String(10), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("interests", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("called_at", TS, nullable=True),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("headset_id", sa.String(id_length), nullable=True),
        sa.Column("scene_id", sa.String(64), nullable=True),
        sa.Column("session_id", sa.String(id_length), nullable=True),
    ]
