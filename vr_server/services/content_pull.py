"""Content down from central to a venue (docs/sync.md): after each up-sync round the venue asks
central for its active scene versions (`GET /api/sync/catalog`), fetches the content files it
lacks by sha256 (`GET /api/sync/blobs/<sha256>`), and publishes each version locally through
the catalog service, which checks every file's sha256 as it stores it and validates the version
like any publish.

- A version new to the venue becomes active, unless the venue pins the scene to a version
  (`VR_SYNC_PINS`, {"cook": "1.0.0"}): then it is stored and the pinned version stays (or
  becomes) active.
- A version the venue already holds is left as it is: an activation or a publish made at the
  venue stays until central publishes another version (local publishing still works).
- Resuming: a file already stored is never fetched again; a file cut off halfway is dropped
  whole (nothing unverified is kept) and fetched again at the next round.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

from vr_server.errors import ServerError
from vr_server.protocol.sync import PublishedVersion, SyncCatalog
from vr_server.services.catalog import CatalogService

log = logging.getLogger(__name__)

CATALOG_PATH = "/api/sync/catalog"
BLOB_PATH = "/api/sync/blobs/"


class ContentRefused(Exception):
    """Central's catalog or a file could not be taken (status, sha256 mismatch, invalid)."""


@dataclass
class Pulled:
    stored: list[str] = field(default_factory=list)
    """`scene@version` published here in this round."""
    activated: list[str] = field(default_factory=list)
    files: int = 0
    """Content files fetched."""
    refused: list[str] = field(default_factory=list)
    """Why a scene version could not be taken (a file altered on the way, an invalid model,
    a model over VR_MAX_MODEL_MB...): the other scenes are taken all the same."""


class ContentPull:
    def __init__(
        self,
        catalog: CatalogService,
        *,
        pins: dict[str, str],
        max_file_bytes: int,
        max_model_bytes: int,
    ) -> None:
        self.catalog = catalog
        self.pins = pins
        self.max_file_bytes = max_file_bytes
        self.max_model_bytes = max_model_bytes

    async def pull(self, client: httpx.AsyncClient) -> Pulled:
        """One round (`client` has central's URL and the venue credential). A scene that
        cannot be taken is listed in `refused`; the catalog not answering (ContentRefused)
        or the link failing (httpx errors) stops the round; what was stored stays."""
        response = await client.get(CATALOG_PATH)
        if response.status_code != 200:
            raise ContentRefused(f"central's catalog: {response.status_code} {response.text[:200]}")
        pulled = Pulled()
        for published in SyncCatalog.model_validate_json(response.content).scenes:
            try:
                await self._one(client, published, pulled)
            except ContentRefused as exc:  # this scene only: the others still come
                log.warning("content from central refused: %s", exc)
                pulled.refused.append(str(exc))
        return pulled

    async def _one(
        self, client: httpx.AsyncClient, published: PublishedVersion, pulled: Pulled
    ) -> None:
        store = self.catalog.store.content
        scene, version = published.scene_id, published.version
        pinned = self.pins.get(scene)
        held = await store.get_version(scene, version)
        if held is None:
            await self._fetch_files(client, published, pulled)
            try:
                await self.catalog.publish(
                    published.manifest,
                    activate=pinned is None or pinned == version,
                    max_model_bytes=self.max_model_bytes,
                    publisher="central",
                )
            except ServerError as exc:
                raise ContentRefused(f"{scene} {version} from central: {exc.message}") from exc
            pulled.stored.append(f"{scene}@{version}")
            if pinned is None or pinned == version:
                pulled.activated.append(f"{scene}@{version}")
        if pinned is not None:
            active = await store.get_active(scene)
            if (active is None or active.version != pinned) and await store.get_version(
                scene, pinned
            ):
                await self.catalog.activate(scene, pinned)
                pulled.activated.append(f"{scene}@{pinned}")

    async def _fetch_files(
        self, client: httpx.AsyncClient, published: PublishedVersion, pulled: Pulled
    ) -> None:
        from content_tools.format import BundleManifest

        manifest = BundleManifest.model_validate(published.manifest)
        assets = {a.sha256: a.size for a in manifest.assets()}
        for sha256 in await self.catalog.missing_blobs(list(assets)):
            async with client.stream("GET", BLOB_PATH + sha256) as response:
                if response.status_code != 200:
                    raise ContentRefused(f"file {sha256}: central answered {response.status_code}")
                try:
                    await self.catalog.receive_blob(
                        sha256,
                        response.aiter_bytes(),
                        expected_size=assets[sha256],
                        max_bytes=self.max_file_bytes,
                    )
                except ServerError as exc:  # wrong sha256 or size: nothing was stored
                    raise ContentRefused(exc.message) from exc
            pulled.files += 1
