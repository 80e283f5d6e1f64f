"""Publishing validates the blobs the server stores in place (catalog.StoredFiles), with no
temporary folder, and names files as the author's manifest does."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_tools.bundle import MANIFEST_NAME, BundleManifest, load_bundle, manifest_bytes
from content_tools.errors import ContentError
from content_tools.glb import build_glb
from content_tools.package import package_scene
from tests.content_tools.conftest import MINI_NODES, MINI_SCENE_YAML, tiny_gltf
from vr_server.services.catalog import StoredFiles, _revalidate
from vr_server.storage.blobs import BlobStore


@pytest.fixture
def stored(tmp_path: Path) -> tuple[BundleManifest, BlobStore]:
    scene = tmp_path / "mini"
    scene.mkdir()
    (scene / "scene.yaml").write_text(MINI_SCENE_YAML, encoding="utf-8")
    document, binary = tiny_gltf(MINI_NODES)
    for node in document["nodes"]:
        node["mesh"] = 0  # a visitor can point at every node
    (scene / "scene.glb").write_bytes(build_glb(document, binary))
    bundle = package_scene(scene, tmp_path / "dist").bundle_dir
    manifest = load_bundle(bundle)
    blobs = BlobStore(tmp_path / "blobs")
    for asset in manifest.assets():
        blobs.put_file(bundle / asset.path, asset.sha256)
    return manifest, blobs


def test_stored_files_serve_the_manifest_and_the_blobs(
    stored: tuple[BundleManifest, BlobStore],
) -> None:
    manifest, blobs = stored
    files = StoredFiles(manifest, blobs)
    assert files.read(MANIFEST_NAME, 1 << 20) == manifest_bytes(manifest)
    glb = manifest.glb
    assert files.size(glb.path) == glb.size
    assert files.sha256(glb.path) == glb.sha256
    assert files.path(glb.path) == Path(glb.path)
    with pytest.raises(FileNotFoundError):
        files.read("other.glb", 100)


def test_publishing_validates_the_stored_blobs(
    stored: tuple[BundleManifest, BlobStore], tmp_path: Path
) -> None:
    manifest, blobs = stored
    assert _revalidate(StoredFiles(manifest, blobs)) == manifest
    assert not [p for p in blobs.root.iterdir() if p.name.startswith(".publish-")]
    # a stored blob that no longer matches its name is refused, named as the manifest names it
    blobs.path_for(manifest.glb.sha256).write_bytes(b"glTF" + bytes(manifest.glb.size - 4))
    with pytest.raises(ContentError, match=f"manifest.json: BUNDLE_INVALID: {manifest.glb.path}"):
        _revalidate(StoredFiles(manifest, blobs))
