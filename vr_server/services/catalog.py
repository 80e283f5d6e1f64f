"""The catalog: scene versions, which one is active, and their blobs.

Bundles come from `vr-content package` folders (imported at start from `VR_CONTENT_DIRS`, or by
`vr-server import`), or are published over HTTP by authors (`vr-content publish`): the author
uploads the missing blobs (`receive_blob`, hashed while they stream in), then publishes the
manifest (`publish`), which checks every asset it names against the stored blob, re-validates
the model and the script on the stored blobs in place (`_revalidate`, through `StoredFiles`)
and stores the version. Every asset is re-hashed; a bundle whose bytes do not match its
manifest is refused and nothing already stored changes.

Every version is kept. Which one is active is one pointer per scene, moved in one statement
(`activate`); sessions record the version they started with and keep it. Manifests are
immutable per (scene, version), so they are cached in memory; the active version never is.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from content_tools.bundle import (
    MANIFEST_NAME,
    PNG_SIGNATURE,
    BundleFiles,
    BundleManifest,
    iter_bundles,
    load_bundle,
    manifest_bytes,
)
from content_tools.errors import ContentError, ModelError, validation_problems
from content_tools.hashing import SHA256_RE, sha256_file
from content_tools.validate.budget import BudgetProfile
from vr_server.errors import Conflict, Invalid, NotFound, TooLarge, found
from vr_server.protocol.common import SceneSummary
from vr_server.protocol.errors import Reason
from vr_server.storage.base import Store
from vr_server.storage.blobs import (
    UPLOAD_PREFIX,
    BlobMismatch,
    BlobNotFound,
    BlobStore,
    IncomingBlob,
)
from vr_server.storage.records import SceneVersionRecord
from vr_server.tasks import open_in_thread

log = logging.getLogger(__name__)


def canonical_manifest(manifest: BundleManifest) -> str:
    return json.dumps(manifest.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class ImportResult:
    scene_id: str
    version: str
    activated: bool
    new: bool


@dataclass(frozen=True)
class BlobReceipt:
    sha256: str
    size: int
    new: bool
    """False when the blob was stored already (the upload was checked, then dropped)."""


@dataclass(frozen=True)
class PublishResult:
    scene_id: str
    version: str
    new: bool
    """False when this version was published already with the same content."""
    active_version: str
    previous_active: str | None
    """The active version before this publish (None for a new scene)."""

    @property
    def activated(self) -> bool:
        return self.active_version == self.version


@dataclass(frozen=True)
class ActivateResult:
    scene_id: str
    active_version: str
    previous_active: str


UPLOAD_WRITE_CHUNK = 1024 * 1024
MAX_MISSING_QUERY = 1000


class StoredFiles:
    """The files of a bundle being published, as `content_tools.bundle.BundleFiles`: the
    manifest from memory, every asset it names from the blob store, in place. Names are the
    manifest's file names (messages name files as the author knows them)."""

    def __init__(self, manifest: BundleManifest, blobs: BlobStore) -> None:
        self._manifest = manifest_bytes(manifest)
        self._blobs = blobs
        self._sha256 = {asset.path: asset.sha256 for asset in manifest.assets()}

    def path(self, name: str) -> Path:
        return Path(name)

    def _blob(self, name: str) -> Path:
        sha256 = self._sha256.get(name)
        if sha256 is None:
            raise FileNotFoundError(name)
        try:
            return self._blobs.local_path(sha256)  # fetched by _check_uploaded
        except BlobNotFound:
            raise FileNotFoundError(name) from None

    def size(self, name: str) -> int:
        if name == MANIFEST_NAME:
            return len(self._manifest)
        return self._blob(name).stat().st_size

    def sha256(self, name: str) -> str:
        if name == MANIFEST_NAME:
            return hashlib.sha256(self._manifest).hexdigest()
        return sha256_file(self._blob(name))

    def read(self, name: str, max_bytes: int) -> bytes:
        if name == MANIFEST_NAME:
            return self._manifest[: max_bytes + 1]
        with self._blob(name).open("rb") as file:
            return file.read(max_bytes + 1)


def _revalidate(files: BundleFiles, profile: BudgetProfile | None = None) -> BundleManifest:
    """Validate a bundle before it is published; raises ContentError naming the problems.

    `content_tools.validate.run.validate_bundle_files` (the manifest and every asset's size and
    sha256, the glTF checks, the budget, the script's nodes against the GLB) refuses on any
    error-severity issue. Beyond what a valid glTF needs, a published model must be one
    self-contained GLB (headsets download one file) and a thumbnail must be a PNG.
    Blocking: run it in a thread.
    """
    # Imported here: the validator is only needed when authors publish, not to serve headsets.
    from content_tools.bundle import open_bundle
    from content_tools.gltf import MAX_MODEL_BYTES, parse_model_file
    from content_tools.validate.issues import Severity
    from content_tools.validate.run import validate_bundle_files

    errors = [
        f"{Path(report.uri).name}{' ' + issue.pointer if issue.pointer else ''}: "
        f"{issue.code}: {issue.message}"
        for report in validate_bundle_files(files, profile=profile)
        for issue in report.issues.messages
        if issue.severity == Severity.ERROR
    ]
    if errors:
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ContentError(f"{len(errors)} validation error(s): {'; '.join(errors[:5])}{more}")
    manifest = open_bundle(files)
    glb_path = files.path(manifest.glb.path)
    model = parse_model_file(files.read(manifest.glb.path, MAX_MODEL_BYTES), path=glb_path)
    if not model.is_glb:
        raise ModelError("the model is not a GLB file", path=model.path)
    if not model.is_self_contained():
        raise ModelError(
            "the model refers to external files; publish a self-contained GLB", path=model.path
        )
    thumbnail = manifest.thumbnail
    if thumbnail is not None and files.read(thumbnail.path, 8)[:8] != PNG_SIGNATURE:
        raise ContentError("the thumbnail is not a PNG image")
    return manifest


MEDIA_TYPES_KEPT = 50_000
"""Asset media types kept in memory (about 10 MB at most)."""


class CatalogService:
    def __init__(
        self, store: Store, blobs: BlobStore, *, profile: BudgetProfile | None = None
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.profile = profile
        """The budget a published scene must fit (None: no budget check)."""
        self._manifests: dict[tuple[str, str], BundleManifest] = {}
        self._media_types: dict[str, str] = {}

    async def asset_media_type(self, sha256: str) -> str | None:
        """The media type of a stored asset, None when there is no such asset.

        Every asset download asks this; the answer is kept, since the bytes behind a sha256,
        and so their type, never change (an absent asset is asked again: it may be imported
        meanwhile, by another instance too)."""
        media_type = self._media_types.get(sha256)
        if media_type is None:
            media_type = await self.store.content.blob_media_type(sha256)
            if media_type is not None:
                if len(self._media_types) >= MEDIA_TYPES_KEPT:
                    self._media_types.pop(next(iter(self._media_types)))  # the oldest
                self._media_types[sha256] = media_type
        return media_type

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
            await self.store.content.put_blob(asset.sha256, asset.size, asset.media_type)
        canonical = canonical_manifest(manifest)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        existing = await self.store.content.get_version(manifest.scene_id, manifest.version)
        if not await self.store.content.put_version(
            manifest.scene_id, manifest.version, canonical, digest, activate
        ):
            raise Conflict(_exists_already(manifest.scene_id, manifest.version))
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

    # ------------------------------------------------------------ publishing (authors)

    async def missing_blobs(self, sha256s: list[str]) -> list[str]:
        """The blobs of `sha256s` this server does not hold, in the order given."""
        if len(sha256s) > MAX_MISSING_QUERY:
            raise Invalid(f"ask for at most {MAX_MISSING_QUERY} blobs at a time")
        bad = [sha for sha in sha256s if not SHA256_RE.match(sha)]
        if bad:
            raise Invalid(f"not a sha256 (64 lower-case hex digits): {bad[0]!r}")
        wanted = list(dict.fromkeys(sha256s))
        present = await asyncio.to_thread(lambda: {sha for sha in wanted if self.blobs.exists(sha)})
        return [sha for sha in wanted if sha not in present]

    async def receive_blob(
        self,
        sha256: str,
        chunks: AsyncIterator[bytes],
        *,
        expected_size: int | None,
        max_bytes: int,
    ) -> BlobReceipt:
        """Store the streamed bytes as blob `sha256` if they hash to it (and have
        `expected_size` bytes, when given). Nothing is stored when they do not."""
        if not SHA256_RE.match(sha256):
            raise Invalid(f"blobs are named by their sha256 (64 lower-case hex digits): {sha256!r}")
        limit = f"the server accepts files of up to {max_bytes} bytes (VR_MAX_UPLOAD_MB)"
        if expected_size is not None and expected_size > max_bytes:
            raise TooLarge(f"blob {sha256} has {expected_size} bytes; {limit}")
        target = self.blobs.path_for(sha256)
        incoming = await open_in_thread(
            lambda: IncomingBlob(target, UPLOAD_PREFIX), IncomingBlob.discard
        )
        try:
            buffer = bytearray()
            async for chunk in chunks:
                if incoming.size + len(buffer) + len(chunk) > max_bytes:
                    raise TooLarge(f"blob {sha256} is larger than allowed; {limit}")
                buffer += chunk
                if len(buffer) >= UPLOAD_WRITE_CHUNK:
                    await asyncio.to_thread(incoming.write, bytes(buffer))
                    buffer.clear()
            if buffer:
                await asyncio.to_thread(incoming.write, bytes(buffer))
            if expected_size is not None and incoming.size != expected_size:
                raise Invalid(
                    f"blob {sha256}: received {incoming.size} bytes, "
                    f"the upload announced {expected_size}"
                )
            actual = incoming.sha256
            if actual != sha256:
                raise Invalid(
                    f"blob {sha256}: the uploaded bytes have sha256 {actual}; nothing was stored"
                )
            # into the S3 bucket too, when there is one (Unavailable, and nothing stored, when
            # it cannot be reached); False when the blob was there already
            new = await asyncio.to_thread(self.blobs.commit_incoming, incoming, sha256)
        finally:
            await asyncio.to_thread(incoming.discard)
        return BlobReceipt(sha256, incoming.size, new)

    async def publish(
        self,
        data: dict[str, Any],
        *,
        activate: bool,
        max_model_bytes: int,
        publisher: str = "",
        authorize: Callable[[str], Awaitable[None]] | None = None,
    ) -> PublishResult:
        """Check a manifest against the uploaded blobs, re-validate it and store the version.

        Refusals raise before anything is written, so the stored versions and the active one
        stay as they were: Invalid (bad manifest, missing or mismatched blob, invalid model or
        script), TooLarge (model over the limit), Conflict (the version exists with other
        content), or what `authorize(scene_id)` raises (Forbidden: not this author's scene).
        """
        try:
            manifest = BundleManifest.model_validate(data)
        except ValidationError as exc:
            raise Invalid(f"invalid manifest: {validation_problems(exc)}") from None
        scene_id, version = manifest.scene_id, manifest.version
        if authorize is not None:  # may this publisher publish this scene? (raises if not)
            await authorize(scene_id)
        canonical = canonical_manifest(manifest)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        before = await self.store.content.get_active(scene_id)
        existing = await self.store.content.get_version(scene_id, version)
        if existing is not None and existing.manifest_sha256 != digest:
            raise Conflict(_exists_already(scene_id, version))
        if existing is None:
            if manifest.glb.size > max_model_bytes:
                raise TooLarge(
                    f"{scene_id} {version}: the model has {manifest.glb.size} bytes; this "
                    f"server accepts models of up to {max_model_bytes} bytes (VR_MAX_MODEL_MB)"
                )
            await self._check_uploaded(manifest)
            try:
                await asyncio.to_thread(self._revalidate_stored, manifest)
            except ContentError as exc:
                raise Invalid(f"{scene_id} {version} is invalid: {exc}") from None
            for asset in manifest.assets():
                await self.store.content.put_blob(asset.sha256, asset.size, asset.media_type)
        if not await self.store.content.put_version(scene_id, version, canonical, digest, activate):
            raise Conflict(_exists_already(scene_id, version))  # another publish got there first
        self._manifests[(scene_id, version)] = manifest
        after = await self.store.content.get_active(scene_id)
        active = after.version if after is not None else version
        log.info(
            "catalog: %s %s published by %s (%s); active version %s",
            scene_id,
            version,
            publisher or "?",
            "new" if existing is None else "already stored",
            active,
        )
        return PublishResult(
            scene_id=scene_id,
            version=version,
            new=existing is None,
            active_version=active,
            previous_active=before.version if before is not None else None,
        )

    async def _check_uploaded(self, manifest: BundleManifest) -> None:
        def sizes() -> dict[str, int | None]:
            # local_path: a blob only the S3 bucket has is fetched (revalidation reads it).
            out: dict[str, int | None] = {}
            for asset in manifest.assets():
                try:
                    out[asset.sha256] = self.blobs.local_path(asset.sha256).stat().st_size
                except (BlobNotFound, FileNotFoundError):
                    out[asset.sha256] = None
            return out

        stored = await asyncio.to_thread(sizes)
        named = [("model", manifest.glb), ("thumbnail", manifest.thumbnail)]
        for kind, asset in [*named, *(("sound", sound) for sound in manifest.sounds)]:
            if asset is None:
                continue
            size = stored[asset.sha256]
            if size is None:
                raise Invalid(
                    f"the {kind} {asset.path} (sha256 {asset.sha256}) has not been uploaded: "
                    f"PUT /api/content/blobs/{asset.sha256} first"
                )
            if size != asset.size:
                raise Invalid(
                    f"the manifest says the {kind} {asset.path} has {asset.size} bytes, "
                    f"but the stored blob {asset.sha256} has {size}"
                )

    def _revalidate_stored(self, manifest: BundleManifest) -> None:
        """Validate the bundle on the stored blobs, in place. Blocking: run it in a thread."""
        try:
            _revalidate(StoredFiles(manifest, self.blobs), self.profile)
        except ContentError as exc:
            # Name the file as the author knows it (its name in the manifest).
            where = f"{exc.path.name}: " if exc.path is not None else ""
            raise ContentError(where + exc.message) from None

    async def activate(self, scene_id: str, version: str) -> ActivateResult:
        """Make a stored version the active one (a rollback, or a publish made inactive)."""
        before = found(
            await self.store.content.get_active(scene_id), f"no scene {scene_id!r} in the catalog"
        )
        if not await self.store.content.activate(scene_id, version):
            stored = ", ".join(r.version for r in await self.store.content.list_versions(scene_id))
            raise NotFound(f"scene {scene_id} has no version {version} (stored: {stored})")
        log.info("catalog: %s active version %s -> %s", scene_id, before.version, version)
        return ActivateResult(scene_id, version, before.version)

    async def versions(self, scene_id: str) -> list[SceneVersionRecord]:
        records = await self.store.content.list_versions(scene_id)
        if not records:
            raise NotFound(f"no scene {scene_id!r} in the catalog")
        return records

    # ------------------------------------------------------------ reading

    async def manifest(self, scene_id: str, version: str) -> BundleManifest:
        key = (scene_id, version)
        cached = self._manifests.get(key)
        if cached is not None:
            return cached
        record = found(
            await self.store.content.get_version(scene_id, version),
            f"scene {scene_id} version {version} does not exist",
        )
        manifest = BundleManifest.model_validate_json(record.manifest)
        self._manifests[key] = manifest
        return manifest

    async def active_manifest(self, scene_id: str) -> BundleManifest:
        record = await self.store.content.get_active(scene_id)
        if record is None:
            raise NotFound(
                f"no scene {scene_id!r} in the catalog",
                reason=Reason.SCENE_UNAVAILABLE,
                params={"scene_id": scene_id},
            )
        return await self.manifest(scene_id, record.version)

    async def summaries(self) -> list[SceneSummary]:
        out = []
        for record in await self.store.content.list_active():
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
            versions=[r.version for r in await self.store.content.list_versions(meta.id)],
        )


def _exists_already(scene_id: str, version: str) -> str:
    return (
        f"{scene_id} {version} exists already with other content; raise the version in scene.yaml"
    )
