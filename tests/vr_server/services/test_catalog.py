"""The catalog service: media types kept, absent assets asked again."""

from __future__ import annotations

from pathlib import Path


async def test_media_types_are_kept_and_absent_assets_asked_again(
    tmp_path: Path, monkeypatch
) -> None:
    """Every download asks the media type; the catalog asks the database once per asset."""
    from vr_server.services import catalog as catalog_module
    from vr_server.services.catalog import CatalogService
    from vr_server.storage import SqlStore, migrate
    from vr_server.storage.blobs import BlobStore

    store = SqlStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    await migrate(store)
    try:
        catalog = CatalogService(store, BlobStore(tmp_path / "blobs"))
        asked: list[str] = []
        real = store.content.blob_media_type

        async def counting(sha256: str) -> str | None:
            asked.append(sha256)
            return await real(sha256)

        monkeypatch.setattr(store.content, "blob_media_type", counting)
        monkeypatch.setattr(catalog_module, "MEDIA_TYPES_KEPT", 2)
        a, b, c = "a" * 64, "b" * 64, "c" * 64
        assert await catalog.asset_media_type(a) is None
        await store.content.put_blob(a, 1, "model/gltf-binary")  # imported meanwhile
        assert await catalog.asset_media_type(a) == "model/gltf-binary"
        assert await catalog.asset_media_type(a) == "model/gltf-binary"
        assert asked == [a, a]  # the absent answer was not kept, the present one is
        for sha in (b, c):
            await store.content.put_blob(sha, 1, "image/ktx2")
            assert await catalog.asset_media_type(sha) == "image/ktx2"
        assert await catalog.asset_media_type(a) == "model/gltf-binary"  # pushed out: asked
        assert asked == [a, a, b, c, a]
    finally:
        await store.close()
