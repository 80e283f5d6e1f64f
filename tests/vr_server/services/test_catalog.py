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


async def test_publish_refuses_a_sound_never_uploaded_and_keeps_nothing(tmp_path: Path) -> None:
    """A manifest whose sound file was not uploaded is refused naming the sound; once it is
    uploaded the version publishes and the sound's media type is recorded for /assets/."""
    import pytest

    from content_tools.bundle import load_bundle
    from content_tools.package import package_scene
    from tests.content_tools.validate.test_sounds import sound_scene
    from vr_server.errors import Invalid
    from vr_server.services.catalog import CatalogService
    from vr_server.storage import SqlStore, migrate
    from vr_server.storage.blobs import BlobStore

    def make_scene(*, yaml_text: str, model: bytes) -> Path:  # as tests/content_tools' fixture
        folder = tmp_path / "mini"
        folder.mkdir()
        (folder / "scene.yaml").write_text(yaml_text, encoding="utf-8")
        (folder / "scene.glb").write_bytes(model)
        return folder

    store = SqlStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    await migrate(store)
    try:
        catalog = CatalogService(store, BlobStore(tmp_path / "blobs"))
        scene = sound_scene(make_scene)
        bundle = package_scene(scene, tmp_path / "dist").bundle_dir
        manifest = load_bundle(bundle)
        ogg = next(s for s in manifest.sounds if s.media_type == "audio/ogg")
        for asset in manifest.assets():
            if asset != ogg:
                catalog.blobs.put_file(bundle / asset.path, asset.sha256)
        data = manifest.model_dump(mode="json")
        with pytest.raises(Invalid, match=f"the sound {ogg.path} .* has not been uploaded"):
            await catalog.publish(data, activate=True, max_model_bytes=1 << 20)
        assert await store.content.get_version("mini", "0.1.0") is None
        catalog.blobs.put_file(bundle / ogg.path, ogg.sha256)
        result = await catalog.publish(data, activate=True, max_model_bytes=1 << 20)
        assert (result.scene_id, result.new) == ("mini", True)
        assert await catalog.asset_media_type(ogg.sha256) == "audio/ogg"
    finally:
        await store.close()
