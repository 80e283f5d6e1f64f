"""Packaging scenes into bundles, embedding models into one GLB, and verifying bundles."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from content_tools import __version__
from content_tools.bundle import MANIFEST_NAME, iter_bundles, load_bundle, manifest_bytes
from content_tools.errors import BundleError, MissingNodesError, ModelError, SourceError
from content_tools.format.manifest import BundleManifest
from content_tools.glb import build_glb, parse_glb
from content_tools.gltf import read_model
from content_tools.package import PackageResult, package_scene

MakeScene = Callable[..., Path]
GltfParts = Callable[[Sequence[str]], tuple[dict[str, Any], bytes]]
MINI_NODES = ("spawn", "button", "cup", "tray", "sign")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative name -> bytes)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_package_mini_scene(make_scene: MakeScene, tmp_path: Path) -> None:
    scene = make_scene()
    progress: list[tuple[str, float]] = []
    result = package_scene(scene, tmp_path / "dist", progress=lambda s, f: progress.append((s, f)))

    assert result.bundle_dir == tmp_path / "dist" / "mini-0.1.0"
    glb = (scene / "scene.glb").read_bytes()
    digest = hashlib.sha256(glb).hexdigest()
    assert sorted(tree(result.bundle_dir)) == sorted([MANIFEST_NAME, f"{digest}.glb"])
    # A self-contained GLB is copied byte for byte.
    assert result.glb_path.read_bytes() == glb
    manifest = result.manifest
    assert (manifest.glb.sha256, manifest.glb.size) == (digest, len(glb))
    assert manifest.glb.path == f"{digest}.glb"
    assert manifest.thumbnail is None
    assert manifest.tool_version == __version__ == "0.1.0"
    assert manifest.scene.id == "mini"
    assert [s.id for s in manifest.script.steps] == ["start", "press", "move", "look", "quiz"]
    # manifest.json: sorted keys, two-space indent, trailing newline, and it round-trips.
    text = result.manifest_path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert BundleManifest.model_validate_json(text) == manifest
    assert result.manifest_path.read_bytes() == manifest_bytes(manifest)
    assert progress[0] == ("reading scene.yaml", 0.0)
    assert progress[-1] == ("done", 1.0)
    assert [f for _, f in progress] == sorted(f for _, f in progress)
    assert load_bundle(result.bundle_dir) == manifest


def test_packaging_twice_gives_identical_bytes(
    cook_bundle: PackageResult, cook_static: Path, tmp_path: Path
) -> None:
    """The same scene folder gives the same bytes. (That the generator builds the same model
    each time, run as a process too, is tests/e2e/scenes/test_scene_library.py's.)"""
    first = cook_bundle  # the session's packaging of the cook scene
    second = package_scene(cook_static, tmp_path / "two")
    files = tree(first.bundle_dir)
    assert files == tree(second.bundle_dir)
    assert first.manifest.thumbnail is not None
    assert first.manifest.sounds  # the cook scene has sounds: bundled by sha256 too
    sounds = [sound.path for sound in first.manifest.sounds]
    assert sorted(files) == sorted(
        [MANIFEST_NAME, first.manifest.glb.path, first.manifest.thumbnail.path, *sounds]
    )
    # Packaging again into the same folder replaces the bundle with the same bytes and leaves
    # no temporary folders behind.
    again = package_scene(cook_static, tmp_path / "two")
    assert tree(again.bundle_dir) == files
    assert [p.name for p in (tmp_path / "two").iterdir()] == [f"cook-{first.manifest.version}"]


def test_repackaging_replaces_the_old_bundle(
    make_scene: MakeScene, gltf_parts: GltfParts, tmp_path: Path
) -> None:
    scene = make_scene()
    dist = tmp_path / "dist"
    old = package_scene(scene, dist)
    document, binary = gltf_parts([*MINI_NODES, "extra"])
    (scene / "scene.glb").write_bytes(build_glb(document, binary))
    new = package_scene(scene, dist)
    assert new.bundle_dir == old.bundle_dir
    assert new.manifest.glb.sha256 != old.manifest.glb.sha256
    assert not (dist / "mini-0.1.0" / old.manifest.glb.path).exists()
    assert load_bundle(new.bundle_dir) == new.manifest
    assert [p.name for p in dist.iterdir()] == ["mini-0.1.0"]


def test_missing_referenced_node_is_refused(make_scene: MakeScene, tmp_path: Path) -> None:
    scene = make_scene(nodes=["button", "cup", "other"])  # no tray, sign or spawn
    with pytest.raises(MissingNodesError) as info:
        package_scene(scene, tmp_path / "dist")
    assert info.value.missing == ["sign", "spawn", "tray"]
    assert "sign, spawn, tray" in str(info.value)
    assert "scene.glb" in str(info.value)
    assert not (tmp_path / "dist" / "mini-0.1.0").exists()


def test_ambiguous_node_name_is_refused(make_scene: MakeScene, tmp_path: Path) -> None:
    scene = make_scene(nodes=[*MINI_NODES, "cup"])
    with pytest.raises(ModelError, match=r"cup \(2 nodes\)"):
        package_scene(scene, tmp_path / "dist")


def test_failed_packaging_keeps_the_existing_bundle(make_scene: MakeScene, tmp_path: Path) -> None:
    scene = make_scene()
    dist = tmp_path / "dist"
    good = package_scene(scene, dist)
    before = tree(good.bundle_dir)
    (scene / "scene.glb").write_bytes(b"not a glb at all")
    with pytest.raises(ModelError):
        package_scene(scene, dist)
    assert tree(good.bundle_dir) == before


def test_a_failed_swap_puts_the_old_bundle_back(
    make_scene: MakeScene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new bundle is complete but renaming it into place fails: the old one comes back
    and no temporary folder is left behind."""
    scene = make_scene()
    dist = tmp_path / "dist"
    good = package_scene(scene, dist)
    before = tree(good.bundle_dir)
    real_rename = Path.rename

    def failing_rename(self: Path, target: Path) -> Path:
        if self.name.endswith(".tmp"):
            raise OSError("disk full")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    with pytest.raises(OSError, match="disk full"):
        package_scene(scene, dist)
    monkeypatch.undo()
    assert tree(good.bundle_dir) == before
    assert sorted(p.name for p in dist.iterdir()) == [good.bundle_dir.name]


def test_gltf_with_external_buffer_and_image_is_embedded(
    make_scene: MakeScene, gltf_parts: GltfParts, mini_yaml: str, tmp_path: Path
) -> None:
    scene = make_scene(yaml_text=mini_yaml.replace("model: scene.glb", "model: model/kitchen.gltf"))
    document, binary = gltf_parts(MINI_NODES)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
    (scene / "model").mkdir()
    (scene / "textures").mkdir()
    (scene / "model" / "kitchen bin.bin").write_bytes(binary + b"extra bytes past byteLength")
    (scene / "textures" / "wall.png").write_bytes(png)
    document["buffers"][0]["uri"] = "kitchen%20bin.bin"
    document["images"] = [
        {"uri": "../textures/wall.png"},
        {"uri": "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xffjpeg").decode()},
    ]
    (scene / "model" / "kitchen.gltf").write_text(json.dumps(document))

    result = package_scene(scene, tmp_path / "dist")
    out_document, out_binary = parse_glb(result.glb_path.read_bytes(), path=result.glb_path)
    assert out_binary is not None
    assert out_document["buffers"] == [{"byteLength": len(out_binary.rstrip(b"\0"))}]
    views = out_document["bufferViews"]

    def view_bytes(index: int) -> bytes:
        view = views[index]
        assert view["buffer"] == 0
        return out_binary[view["byteOffset"] : view["byteOffset"] + view["byteLength"]]

    assert view_bytes(0) == binary
    images = out_document["images"]
    assert [image.get("uri") for image in images] == [None, None]
    assert [image["mimeType"] for image in images] == ["image/png", "image/jpeg"]
    assert view_bytes(images[0]["bufferView"]) == png
    assert view_bytes(images[1]["bufferView"]) == b"\xff\xd8\xffjpeg"
    assert out_document["nodes"] == document["nodes"]
    assert read_model(result.glb_path).is_self_contained()
    assert package_scene(scene, tmp_path / "again").glb_path.read_bytes() == (
        result.glb_path.read_bytes()
    )


@pytest.mark.parametrize(
    "uri", ["../secret.bin", "/etc/passwd", "file:///etc/passwd", "https://example.org/a.bin"]
)
def test_uri_outside_the_scene_is_refused(
    make_scene: MakeScene, gltf_parts: GltfParts, mini_yaml: str, tmp_path: Path, uri: str
) -> None:
    scene = make_scene(yaml_text=mini_yaml.replace("model: scene.glb", "model: scene.gltf"))
    document, binary = gltf_parts(MINI_NODES)
    (tmp_path / "secret.bin").write_bytes(binary)
    document["buffers"][0]["uri"] = uri
    (scene / "scene.gltf").write_text(json.dumps(document))
    with pytest.raises(ModelError, match=r"outside the scene folder|absolute|only relative"):
        package_scene(scene, tmp_path / "dist")


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda glb: glb[:-4], "header says"),
        (lambda glb: b"glTF" + struct.pack("<I", 1) + glb[8:], "version 1"),
        (lambda glb: glb[:12] + struct.pack("<I", 10**6) + glb[16:], "past the end"),
        (lambda glb: b"xxxx" + glb[4:], "magic"),
    ],
    ids=["truncated", "version", "chunk-length", "magic"],
)
def test_malformed_glb_is_refused(
    make_scene: MakeScene, tmp_path: Path, damage: Callable[[bytes], bytes], expected: str
) -> None:
    scene = make_scene()
    glb = (scene / "scene.glb").read_bytes()
    (scene / "scene.glb").write_bytes(damage(glb))
    with pytest.raises(ModelError, match=expected):
        package_scene(scene, tmp_path / "dist")


def test_thumbnail_is_copied(make_scene: MakeScene, mini_yaml: str, tmp_path: Path) -> None:
    scene = make_scene(yaml_text=mini_yaml + "thumbnail: thumb.png\n")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    (scene / "thumb.png").write_bytes(png)
    result = package_scene(scene, tmp_path / "dist")
    thumbnail = result.manifest.thumbnail
    assert thumbnail is not None
    digest = hashlib.sha256(png).hexdigest()
    assert (thumbnail.sha256, thumbnail.size, thumbnail.path) == (digest, len(png), f"{digest}.png")
    assert (result.bundle_dir / thumbnail.path).read_bytes() == png
    assert load_bundle(result.bundle_dir).thumbnail == thumbnail

    (scene / "thumb.png").write_bytes(b"GIF89a")
    with pytest.raises(SourceError, match="not a PNG"):
        package_scene(scene, tmp_path / "dist")


def packaged_copy(cook_bundle: PackageResult, tmp_path: Path) -> Path:
    bundle = tmp_path / cook_bundle.bundle_dir.name
    bundle.mkdir()
    for name, data in tree(cook_bundle.bundle_dir).items():
        (bundle / name).write_bytes(data)
    return bundle


def test_load_bundle_detects_a_tampered_glb(cook_bundle: PackageResult, tmp_path: Path) -> None:
    bundle = packaged_copy(cook_bundle, tmp_path)
    assert load_bundle(bundle) == cook_bundle.manifest
    glb = bundle / cook_bundle.manifest.glb.path
    data = bytearray(glb.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, different bytes
    glb.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="sha256") as info:
        load_bundle(bundle)
    assert info.value.path == glb


def test_load_bundle_detects_size_and_missing_files(
    cook_bundle: PackageResult, tmp_path: Path
) -> None:
    bundle = packaged_copy(cook_bundle, tmp_path)
    glb = bundle / cook_bundle.manifest.glb.path
    glb.write_bytes(glb.read_bytes() + b"\0")
    with pytest.raises(BundleError, match="bytes but the manifest says"):
        load_bundle(bundle)
    glb.unlink()
    with pytest.raises(BundleError, match="missing"):
        load_bundle(bundle)
    (bundle / MANIFEST_NAME).unlink()
    with pytest.raises(BundleError, match=r"no manifest\.json"):
        load_bundle(bundle)


def test_load_bundle_refuses_bad_manifests(cook_bundle: PackageResult, tmp_path: Path) -> None:
    bundle = packaged_copy(cook_bundle, tmp_path)
    manifest = json.loads((bundle / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["glb"]["path"] = "../" + manifest["glb"]["path"]
    (bundle / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BundleError, match=r"invalid manifest: glb\.path"):
        load_bundle(bundle)
    (bundle / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(BundleError, match="invalid manifest"):
        load_bundle(bundle)


def test_iter_bundles(make_scene: MakeScene, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert list(iter_bundles(dist)) == []  # a missing folder holds no bundles
    package_scene(make_scene(), dist)
    (dist / ".mini-0.2.0.abc.tmp").mkdir()  # an interrupted packaging run
    (dist / ".mini-0.2.0.abc.tmp" / MANIFEST_NAME).write_text("{}")
    (dist / "notes").mkdir()
    assert list(iter_bundles(dist)) == [dist / "mini-0.1.0"]
