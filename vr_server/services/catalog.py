"""The catalog: scene versions, which one is active, and their blobs.

Bundles come from `vr-content package` folders (imported at start from `VR_CONTENT_DIRS`, or by
`vr-server import`). Every asset is re-hashed on import; a bundle whose bytes do not match its
manifest is refused and nothing already stored changes. Manifests are immutable per
(scene, version), so they are cached in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from content_tools.errors import ContentError
from content_tools.format import BundleManifest
from content_tools.package import MANIFEST_NAME, iter_bundles, load_bundle
from vr_server.blobs import BlobMismatch, BlobStore
from vr_server.errors import Conflict, Invalid, NotFound
from vr_server.protocol.common import SceneSummary
from vr_server.storage.base import Store

log = logging.getLogger(__name__)


def canonical_manifest(manifest: BundleManifest) -> str:
    return json.dumps(manifest.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class ImportResult:
    scene_id: str
    version: str
    activated: bool
    new: bool


class CatalogService:
    def __init__(self, store: Store, blobs: BlobStore) -> None:
        self.store = store
        self.blobs = blobs
        self._manifests: dict[tuple[str, str], BundleManifest] = {}

    def _check_and_store_blobs(self, bundle_dir: Path) -> BundleManifest:
        """Blocking (reads and hashes every asset): run it in a thread."""
        manifest = load_bundle(bundle_dir)  # the manifest is valid, every asset matches it
        for asset in manifest.assets():
            # put_file hashes again while copying: the file may have changed meanwhile
            self.blobs.put_file(bundle_dir / asset.path, asset.sha256)
        return manifest

    async def import_bundle(self, bundle_dir: Path, *, activate: bool = True) -> ImportResult:
        try:
            manifest = await asyncio.to_thread(self._check_and_store_blobs, bundle_dir)
        except (ContentError, BlobMismatch) as exc:
            raise Invalid(f"{bundle_dir}: {exc}") from exc
        for asset in manifest.assets():
            await self.store.put_blob(asset.sha256, asset.size, asset.media_type)
        canonical = canonical_manifest(manifest)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        existing = await self.store.get_scene_version(manifest.scene_id, manifest.version)
        if not await self.store.put_scene_version(
            manifest.scene_id, manifest.version, canonical, digest, activate
        ):
            raise Conflict(
                f"{manifest.scene_id} {manifest.version} exists already with other content; "
                "raise the version in scene.yaml"
            )
        self._manifests[(manifest.scene_id, manifest.version)] = manifest
        return ImportResult(manifest.scene_id, manifest.version, activate, existing is None)

    async def import_dirs(self, dirs: list[Path]) -> list[ImportResult]:
        results = []
        for root in dirs:
            if not root.is_dir():
                log.warning("content folder %s does not exist; skipped", root)
                continue
            single = (root / MANIFEST_NAME).is_file()
            candidates = [root] if single else list(iter_bundles(root))
            for bundle in candidates:
                result = await self.import_bundle(bundle)
                log.info("catalog: %s %s imported", result.scene_id, result.version)
                results.append(result)
        return results

    async def manifest(self, scene_id: str, version: str) -> BundleManifest:
        key = (scene_id, version)
        cached = self._manifests.get(key)
        if cached is not None:
            return cached
        record = await self.store.get_scene_version(scene_id, version)
        if record is None:
            raise NotFound(f"scene {scene_id} version {version} does not exist")
        manifest = BundleManifest.model_validate_json(record.manifest)
        self._manifests[key] = manifest
        return manifest

    async def active_manifest(self, scene_id: str) -> BundleManifest:
        record = await self.store.get_active_scene(scene_id)
        if record is None:
            raise NotFound(f"no scene {scene_id!r} in the catalog")
        return await self.manifest(scene_id, record.version)

    async def summaries(self) -> list[SceneSummary]:
        out = []
        for record in await self.store.list_active_scenes():
            manifest = await self.manifest(record.scene_id, record.version)
            out.append(await self._summary(manifest))
        return out

    async def summary(self, scene_id: str) -> SceneSummary:
        return await self._summary(await self.active_manifest(scene_id))

    async def _summary(self, manifest: BundleManifest) -> SceneSummary:
        meta = manifest.scene
        return SceneSummary(
            id=meta.id,
            version=meta.version,
            title=meta.title,
            summary=meta.summary,
            isco08=meta.isco08,
            riasec=list(meta.riasec),
            duration_min=meta.duration_min,
            comfort=meta.comfort,
            glb_sha256=manifest.glb.sha256,
            glb_size=manifest.glb.size,
            thumbnail_sha256=manifest.thumbnail.sha256 if manifest.thumbnail else None,
            versions=await self.store.list_scene_versions(meta.id),
        )
