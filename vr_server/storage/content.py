"""Published content: blob rows, scenes with their active version and owner, and stored scene
versions (their manifests). The interface services depend on, and its SQL implementation."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import and_, select, update

from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.records import SceneVersionRecord
from vr_server.storage.sql_repo import SqlRepository, now, to_record


class Content(Protocol):
    async def put_blob(self, sha256: str, size: int, media_type: str) -> None:
        """Record a stored blob (nothing changes when it is recorded already)."""
        ...

    async def blob_media_type(self, sha256: str) -> str | None: ...
    async def put_version(
        self, scene_id: str, version: str, manifest: str, manifest_sha256: str, activate: bool
    ) -> bool:
        """Store a version (False if it exists with other content); optionally activate it."""
        ...

    async def activate(self, scene_id: str, version: str) -> bool:
        """Point the scene at a stored version, in one statement; False if no such version."""
        ...

    async def get_version(self, scene_id: str, version: str) -> SceneVersionRecord | None: ...
    async def get_active(self, scene_id: str) -> SceneVersionRecord | None: ...
    async def list_active(self) -> list[SceneVersionRecord]:
        """The active version of every scene, by scene id."""
        ...

    async def list_versions(self, scene_id: str) -> list[SceneVersionRecord]:
        """Every stored version of a scene, oldest first, each marked active or not."""
        ...

    async def manifests(self) -> list[str]:
        """The manifest JSON of every stored scene version (what blobs are in use)."""
        ...

    async def scene_owner(self, scene_id: str) -> tuple[bool, str | None]:
        """(the scene exists, its owner's account id)."""
        ...

    async def claim_scene(self, scene_id: str, owner_id: str) -> None:
        """Make `owner_id` the owner of a scene that has none."""
        ...


def _active_query() -> Any:
    v, s = t.scene_versions.c, t.scenes.c
    return select(t.scene_versions).join(
        t.scenes, and_(s.id == v.scene_id, s.active_version == v.version)
    )


@retry_when_disconnected
class SqlContent(SqlRepository):
    async def put_blob(self, sha256: str, size: int, media_type: str) -> None:
        await self._count_written(
            self._insert_new(
                t.blobs, sha256=sha256, size=size, media_type=media_type, created_at=now()
            )
        )

    async def blob_media_type(self, sha256: str) -> str | None:
        row = await self._first(select(t.blobs.c.media_type).where(t.blobs.c.sha256 == sha256))
        return str(row.media_type) if row is not None else None

    async def put_version(
        self, scene_id: str, version: str, manifest: str, manifest_sha256: str, activate: bool
    ) -> bool:
        v = t.scene_versions.c
        at = now()
        async with self._write() as conn:
            # Insert-if-new, then compare: two first publishes of one version at once end with
            # one row, and the one whose content differs gets False (Conflict), not an error.
            await conn.execute(
                self._insert_new(
                    t.scene_versions,
                    scene_id=scene_id,
                    version=version,
                    manifest=manifest,
                    manifest_sha256=manifest_sha256,
                    published_at=at,
                )
            )
            stored = (
                await conn.execute(
                    select(v.manifest_sha256).where(
                        and_(v.scene_id == scene_id, v.version == version)
                    )
                )
            ).scalar_one()
            if stored != manifest_sha256:
                return False
            created = await conn.execute(
                self._insert_new(t.scenes, id=scene_id, active_version=version, updated_at=at)
            )
            if not created.rowcount and activate:
                await conn.execute(
                    update(t.scenes)
                    .where(t.scenes.c.id == scene_id)
                    .values(active_version=version, updated_at=at)
                )
        return True

    async def activate(self, scene_id: str, version: str) -> bool:
        v = t.scene_versions.c
        stored = (
            select(v.version).where(and_(v.scene_id == scene_id, v.version == version)).exists()
        )
        # One UPDATE: the pointer moves only to a version that is stored, nothing else changes.
        return bool(
            await self._count_written(
                update(t.scenes)
                .where(and_(t.scenes.c.id == scene_id, stored))
                .values(active_version=version, updated_at=now())
            )
        )

    async def _versions(self, scene_id: str, query: Any) -> list[SceneVersionRecord]:
        """The versions `query` selects, each marked active or not, read in one go."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
            active = (
                await conn.execute(
                    select(t.scenes.c.active_version).where(t.scenes.c.id == scene_id)
                )
            ).scalar_one_or_none()
        return [to_record(SceneVersionRecord, r, active=r.version == active) for r in rows]

    async def get_version(self, scene_id: str, version: str) -> SceneVersionRecord | None:
        v = t.scene_versions.c
        query = select(t.scene_versions).where(and_(v.scene_id == scene_id, v.version == version))
        found = await self._versions(scene_id, query)
        return found[0] if found else None

    async def get_active(self, scene_id: str) -> SceneVersionRecord | None:
        row = await self._first(_active_query().where(t.scenes.c.id == scene_id))
        return to_record(SceneVersionRecord, row, active=True) if row else None

    async def list_active(self) -> list[SceneVersionRecord]:
        rows = await self._rows(_active_query().order_by(t.scenes.c.id))
        return [to_record(SceneVersionRecord, r, active=True) for r in rows]

    async def list_versions(self, scene_id: str) -> list[SceneVersionRecord]:
        v = t.scene_versions.c
        query = select(t.scene_versions).where(v.scene_id == scene_id)
        return await self._versions(scene_id, query.order_by(v.published_at, v.version))

    async def manifests(self) -> list[str]:
        return [row.manifest for row in await self._rows(select(t.scene_versions.c.manifest))]

    async def scene_owner(self, scene_id: str) -> tuple[bool, str | None]:
        row = await self._first(select(t.scenes.c.owner_id).where(t.scenes.c.id == scene_id))
        return (False, None) if row is None else (True, row.owner_id)

    async def claim_scene(self, scene_id: str, owner_id: str) -> None:
        s = t.scenes.c
        await self._count_written(
            update(t.scenes)
            .where(and_(s.id == scene_id, s.owner_id.is_(None)))
            .values(owner_id=owner_id)
        )
