"""Queries over the stored scene versions' manifests as a whole (for `vr-server gc`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from vr_server.storage import tables as t


async def all_manifests(conn: AsyncConnection) -> list[str]:
    """The manifest JSON of every stored scene version, active or not."""
    rows = await conn.execute(select(t.scene_versions.c.manifest))
    return [row.manifest for row in rows]
