"""`vr-content package --compress none|meshopt|draco --profile ...`: geometry compression and
texture downscaling, checked by decoding the compressed data again. That the Khronos
glTF-Validator (npm, a Node process) finds no error in these models is
tests/e2e/scenes/test_compress_reference.py, which builds them with the helpers here."""

from __future__ import annotations

import io
import json
import shutil
import struct
from pathlib import Path
from typing import Any

import DracoPy  # type: ignore[import-not-found,unused-ignore]
import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from content_tools.bundle import MANIFEST_NAME, load_bundle, manifest_bytes
from content_tools.cli import main
from content_tools.compress import Compression
from content_tools.errors import ModelError
from content_tools.format.manifest import BundleManifest
from content_tools.glb import parse_glb
from content_tools.gltf import read_model
from content_tools.meshpack.graph import world_matrices
from content_tools.package import PackageResult, check_referenced_nodes, package_scene
from content_tools.source import load_scene_source
from content_tools.textures import target_size
from tests.content_tools.conftest import (
    MINI_NODES,
    MINI_SCENE_YAML,
    scene_of_nodes,
    unit_square_positions,
)
from tests.support.bundles import write_bundle
from tests.support.packed_glb import decoded_buffer

METHODS: tuple[Compression, ...] = ("none", "meshopt", "meshopt-lossless", "draco")
EXTENSION = {
    "meshopt": "EXT_meshopt_compression",
    "meshopt-lossless": "EXT_meshopt_compression",
    "draco": "KHR_draco_mesh_compression",
}
REQUIRED = {method: [name] for method, name in EXTENSION.items()}
REQUIRED["meshopt"] = ["EXT_meshopt_compression", "KHR_mesh_quantization"]
USED = {**REQUIRED, "meshopt": [*REQUIRED["meshopt"], "KHR_texture_transform"]}
"""The extensions each method declares on the cook scene (its textures' coordinates are
quantized too, so "meshopt" uses KHR_texture_transform)."""
COMPONENT = {5121: "<u1", 5123: "<u2", 5125: "<u4", 5126: "<f4"}
WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def glb_parts(path: Path) -> tuple[dict[str, Any], bytes]:
    document, binary = parse_glb(path.read_bytes(), path=path)
    return document, binary or b""


# --- fixtures ---------------------------------------------------------------------------------


def packaged_every_way(
    scene: Path, tmp_path_factory: pytest.TempPathFactory, label: str
) -> dict[str, PackageResult]:
    """`scene` packaged once with each compression method, each into a folder of its own."""
    return {
        method: package_scene(scene, tmp_path_factory.mktemp(f"{label}-{method}"), compress=method)
        for method in METHODS
    }


@pytest.fixture(scope="module")
def cook_packaged(
    cook_static: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, PackageResult]:
    """The session's cook scene (built in process, no generator line: conftest.py)
    packaged with each method."""
    return packaged_every_way(cook_static, tmp_path_factory, "cook")


def _png(size: tuple[int, int], *, metadata: bool = False) -> bytes:
    width, height = size
    x = (np.arange(width, dtype=np.uint32) * 255 // max(width - 1, 1)).astype(np.uint8)
    y = (np.arange(height, dtype=np.uint32) * 255 // max(height - 1, 1)).astype(np.uint8)
    rgba = np.empty((height, width, 4), dtype=np.uint8)
    rgba[..., 0] = x[None, :]
    rgba[..., 1] = y[:, None]
    rgba[..., 2] = 128
    rgba[..., 3] = 255
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if metadata:
        info.add_text("Comment", "made by a test")
    Image.fromarray(rgba, "RGBA").save(out, format="PNG", pnginfo=info, compress_level=1)
    return out.getvalue()


def _jpeg(size: tuple[int, int]) -> bytes:
    width, height = size
    x = np.linspace(0, 255, width)[None, :] + np.zeros((height, 1))
    rgb = np.stack([x, x[:, ::-1], np.full_like(x, 128)], axis=-1).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(out, format="JPEG", quality=80, exif=b"Exif\x00\x00MM")
    return out.getvalue()


# file name -> (size, encoder). Past quest2's 2048 (both downscaled), within quest3's 4096; no
# bigger than that, since every packaging decodes and resamples them.
TEXTURES = {
    "big.png": ((2560, 1280), lambda size: _png(size, metadata=True)),
    "wide.jpg": ((2100, 700), _jpeg),
    "small.png": ((64, 64), _png),
}


def textured_model(names: tuple[str, ...] = MINI_NODES) -> tuple[dict[str, Any], bytes]:
    """A .gltf document: three textured quads on the first three nodes, images given by URI."""
    positions = struct.pack("<12f", 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0)
    normals = struct.pack("<12f", *([0, 0, 1] * 4))
    uvs = struct.pack("<8f", 0, 1, 1, 1, 1, 0, 0, 0)
    indices = struct.pack("<6H", 0, 1, 2, 0, 2, 3)
    binary = positions + normals + uvs + indices
    document: dict[str, Any] = {
        **scene_of_nodes(names, meshes=3),
        "meshes": [
            {
                "primitives": [
                    {
                        "attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2},
                        "indices": 3,
                        "material": index,
                    }
                ]
            }
            for index in range(3)
        ],
        "materials": [
            {"pbrMetallicRoughness": {"baseColorTexture": {"index": index}}} for index in range(3)
        ],
        "textures": [{"source": index} for index in range(3)],
        "images": [{"uri": name, "name": name} for name in TEXTURES],
        "accessors": [
            unit_square_positions(4),
            {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5126, "count": 4, "type": "VEC2"},
            {"bufferView": 3, "componentType": 5123, "count": 6, "type": "SCALAR"},
        ],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 48, "target": 34962},
            {"buffer": 0, "byteOffset": 48, "byteLength": 48, "target": 34962},
            {"buffer": 0, "byteOffset": 96, "byteLength": 32, "target": 34962},
            {"buffer": 0, "byteOffset": 128, "byteLength": 12, "target": 34963},
        ],
        "buffers": [{"byteLength": len(binary), "uri": "scene.bin"}],
    }
    return document, binary


def write_textured_scene(parent: Path) -> Path:
    """The mini scene with `textured_model` for its model, in `parent/mini`."""
    folder = parent / "mini"
    folder.mkdir()
    yaml_text = MINI_SCENE_YAML.replace("model: scene.glb", "model: scene.gltf")
    (folder / "scene.yaml").write_text(yaml_text, encoding="utf-8")
    document, binary = textured_model()
    (folder / "scene.gltf").write_text(json.dumps(document), encoding="utf-8")
    (folder / "scene.bin").write_bytes(binary)
    for name, (size, encode) in TEXTURES.items():
        (folder / name).write_bytes(encode(size))
    return folder


@pytest.fixture(scope="module")
def textured_scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_textured_scene(tmp_path_factory.mktemp("textured"))


def embedded_images(glb: Path) -> list[tuple[str, bytes]]:
    document, binary = glb_parts(glb)
    out = []
    for image in document["images"]:
        view = document["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        out.append((image["mimeType"], binary[start : start + view["byteLength"]]))
    return out


# --- compression of the cook scene ------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_cook_packaged_declares_its_compression_extension(
    method: Compression, cook_packaged: dict[str, PackageResult]
) -> None:
    document, _ = glb_parts(cook_packaged[method].glb_path)
    if method == "none":
        assert "extensionsUsed" not in document
    else:
        assert document["extensionsUsed"] == USED[method]
        assert document["extensionsRequired"] == REQUIRED[method]


@pytest.mark.parametrize("method", METHODS)
def test_cook_packaging_is_deterministic(
    method: Compression, cook_static: Path, cook_packaged: dict[str, PackageResult], tmp_path: Path
) -> None:
    again = package_scene(cook_static, tmp_path / "again", compress=method)
    first = cook_packaged[method]
    assert tree(again.bundle_dir) == tree(first.bundle_dir)
    assert first.manifest.thumbnail is not None
    sounds = [sound.path for sound in first.manifest.sounds]
    assert sorted(tree(first.bundle_dir)) == sorted(
        [MANIFEST_NAME, first.manifest.glb.path, first.manifest.thumbnail.path, *sounds]
    )
    assert load_bundle(first.bundle_dir) == first.manifest


def _scene_graph(glb: Path) -> list[dict[str, Any]]:
    """Every node's name, children, transform and whether it shows a mesh."""
    document, _ = glb_parts(glb)
    keys = ("name", "children", "matrix", "translation", "rotation", "scale")
    return [
        {**{key: node.get(key) for key in keys}, "has_mesh": "mesh" in node}
        for node in document["nodes"]
    ]


@pytest.mark.parametrize("method", ["meshopt-lossless", "draco"])
def test_compression_keeps_every_node(
    method: Compression, cook_static: Path, cook_packaged: dict[str, PackageResult]
) -> None:
    source = load_scene_source(cook_static)
    compressed = cook_packaged[method].glb_path
    check_referenced_nodes(source, read_model(compressed))
    assert _scene_graph(compressed) == _scene_graph(cook_packaged["none"].glb_path)
    names = {node["name"] for node in _scene_graph(compressed)}
    assert source.script.referenced_nodes() | {source.spawn_node} <= names


def test_meshopt_keeps_the_script_nodes_and_their_ancestors(
    cook_static: Path, cook_packaged: dict[str, PackageResult]
) -> None:
    """`--compress meshopt` merges the static meshes, but every node the script (or the
    spawn) names, and every node above one, keeps its name, parent and world transform."""
    source = load_scene_source(cook_static)
    check_referenced_nodes(source, read_model(cook_packaged["meshopt"].glb_path))
    plain, _ = glb_parts(cook_packaged["none"].glb_path)
    packed, _ = glb_parts(cook_packaged["meshopt"].glb_path)
    world_plain, world_packed = world_matrices(plain), world_matrices(packed)
    parents = {c: i for i, node in enumerate(plain["nodes"]) for c in node.get("children", [])}
    index = {node.get("name"): i for i, node in enumerate(packed["nodes"])}
    packed_parents = {
        c: i for i, node in enumerate(packed["nodes"]) for c in node.get("children", [])
    }
    wanted = source.script.referenced_nodes() | {source.spawn_node}
    kept = 0
    for i, node in enumerate(plain["nodes"]):
        if node["name"] not in wanted:
            continue
        chain = [i]
        while chain[-1] in parents:
            chain.append(parents[chain[-1]])
        for j in chain:
            name = plain["nodes"][j]["name"]
            assert name in index, name
            assert np.allclose(world_plain[j], world_packed[index[name]]), name
            parent = parents.get(j)
            assert packed_parents.get(index[name]) == (
                None if parent is None else index[plain["nodes"][parent]["name"]]
            )
            kept += 1
    assert kept >= len(wanted)
    named = [node for node in packed["nodes"] if "name" in node]
    assert len(named) < len(plain["nodes"])  # static nodes were merged away
    packing = cook_packaged["meshopt"].processing.compression.packing  # type: ignore[union-attr]
    assert packing is not None
    assert packing.merged_nodes > 10
    assert packing.primitives_after < packing.primitives_before


def test_compression_makes_the_model_smaller(
    cook_static: Path, cook_packaged: dict[str, PackageResult]
) -> None:
    sizes = {method: cook_packaged[method].manifest.glb.size for method in METHODS}
    source_size = (cook_static / "scene.glb").stat().st_size
    assert sizes["none"] == source_size  # a self-contained GLB within budget: byte for byte
    # Compression is about the geometry: leave the (unchanged) images out of the comparison.
    images = {
        method: sum(len(data) for _, data in embedded_images(cook_packaged[method].glb_path))
        for method in METHODS
    }
    assert len(set(images.values())) == 1
    geometry = {method: sizes[method] - images[method] for method in METHODS}
    assert geometry["meshopt"] < 0.4 * geometry["none"]
    assert geometry["meshopt-lossless"] < 0.75 * geometry["none"]
    assert geometry["draco"] < 0.5 * geometry["none"]
    for method in METHODS:
        result = cook_packaged[method]
        assert result.processing is not None
        assert (result.processing.source_size, result.processing.size) == (
            source_size,
            sizes[method],
        )
        packaging = result.manifest.packaging
        assert packaging is not None
        assert (packaging.compression, packaging.profile) == (method, "quest2")
        assert packaging.source_size == source_size
        assert (packaging.encoder is None) == (method == "none")


def _accessor_bytes(document: dict[str, Any], binary: bytes, index: int) -> bytes:
    accessor = document["accessors"][index]
    view = document["bufferViews"][accessor["bufferView"]]
    size = np.dtype(COMPONENT[accessor["componentType"]]).itemsize * WIDTH[accessor["type"]]
    stride = view.get("byteStride", size)
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    return b"".join(
        binary[start + i * stride : start + i * stride + size] for i in range(accessor["count"])
    )


def test_meshopt_lossless_is_lossless(cook_packaged: dict[str, PackageResult]) -> None:
    plain_doc, plain_bin = glb_parts(cook_packaged["none"].glb_path)
    doc, binary = glb_parts(cook_packaged["meshopt-lossless"].glb_path)
    assert doc["buffers"][1] == {
        "byteLength": doc["buffers"][1]["byteLength"],
        "extensions": {"EXT_meshopt_compression": {"fallback": True}},
    }
    assert len(binary) < doc["buffers"][1]["byteLength"], "the fallback buffer holds no data"
    fallback = decoded_buffer(doc, binary)
    assert len(doc["accessors"]) == len(plain_doc["accessors"])
    triangle_lists = 0
    for index, accessor in enumerate(doc["accessors"]):
        view = doc["bufferViews"][accessor["bufferView"]]
        data = fallback if view["buffer"] == 1 else binary
        ours = _accessor_bytes(doc, data, index)
        theirs = _accessor_bytes(plain_doc, plain_bin, index)
        if view["extensions"]["EXT_meshopt_compression"]["mode"] == "TRIANGLES":
            # The index codec may rotate a triangle's corners (the winding stays): compare
            # each triangle starting from its smallest index.
            ours, theirs = (
                _canonical_triangles(ours, accessor["componentType"]),
                _canonical_triangles(theirs, plain_doc["accessors"][index]["componentType"]),
            )
            triangle_lists += 1
        assert ours == theirs, f"accessors[{index}] changed"
    assert triangle_lists > 0
    assert doc["meshes"] == plain_doc["meshes"]


def _canonical_triangles(data: bytes, component_type: int) -> bytes:
    triangles = np.frombuffer(data, dtype=COMPONENT[component_type]).astype("<u4").reshape(-1, 3)
    first = triangles.argmin(axis=1)
    rows = np.arange(len(triangles))[:, None]
    rotated = triangles[rows, (first[:, None] + np.arange(3)) % 3]
    return bytes(rotated.tobytes())


def _triangles(document: dict[str, Any], binary: bytes, primitive: dict[str, Any]) -> Any:
    def values(index: int) -> Any:
        accessor = document["accessors"][index]
        raw = _accessor_bytes(document, binary, index)
        return np.frombuffer(raw, dtype=COMPONENT[accessor["componentType"]]).reshape(
            accessor["count"], WIDTH[accessor["type"]]
        )

    corners = values(primitive["attributes"]["POSITION"])[values(primitive["indices"]).reshape(-1)]
    return corners.reshape(-1, 3, 3)


def test_draco_decodes_to_the_same_geometry(cook_packaged: dict[str, PackageResult]) -> None:
    plain_doc, plain_bin = glb_parts(cook_packaged["none"].glb_path)
    doc, binary = glb_parts(cook_packaged["draco"].glb_path)
    for mesh, plain_mesh in zip(doc["meshes"], plain_doc["meshes"], strict=True):
        for primitive, plain in zip(mesh["primitives"], plain_mesh["primitives"], strict=True):
            ext = primitive["extensions"]["KHR_draco_mesh_compression"]
            view = doc["bufferViews"][ext["bufferView"]]
            start = view.get("byteOffset", 0)
            decoded = DracoPy.decode(binary[start : start + view["byteLength"]])
            points = np.asarray(decoded.points).reshape(-1, 3)
            faces = np.asarray(decoded.faces).reshape(-1, 3)
            # The accessors describe the decoded data; every attribute maps to its Draco id.
            accessors = doc["accessors"]
            assert "bufferView" not in accessors[primitive["attributes"]["POSITION"]]
            assert accessors[primitive["attributes"]["POSITION"]]["count"] == len(points)
            assert accessors[primitive["indices"]]["count"] == faces.size
            assert sorted(ext["attributes"]) == sorted(plain["attributes"])
            kinds = {"POSITION": 0, "NORMAL": 1, "COLOR_0": 2, "TEXCOORD_0": 3}
            for name, unique_id in ext["attributes"].items():
                attribute = decoded.get_attribute_by_unique_id(unique_id)
                assert attribute["attribute_type"] == kinds[name]
            normals = np.asarray(decoded.normals).reshape(-1, 3)
            assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=0.01)
            # The same triangles, within the 14-bit quantization of the positions.
            original = _triangles(plain_doc, plain_bin, plain)
            assert len(faces) == len(original)
            extent = float(np.ptp(original.reshape(-1, 3), axis=0).max())
            tolerance = extent / (1 << 13)
            ours = np.sort(points[faces].mean(axis=1), axis=0)
            theirs = np.sort(original.mean(axis=1), axis=0)
            assert np.abs(ours - theirs).max() <= tolerance
            position = accessors[primitive["attributes"]["POSITION"]]
            assert np.allclose(position["min"], points.min(axis=0))
            assert np.allclose(position["max"], points.max(axis=0))


def test_an_already_compressed_model_is_copied_or_refused(
    cook_static: Path, cook_packaged: dict[str, PackageResult], tmp_path: Path
) -> None:
    scene = tmp_path / "cook"
    shutil.copytree(cook_static, scene)
    compressed = cook_packaged["meshopt"].glb_path.read_bytes()
    (scene / "scene.glb").write_bytes(compressed)
    again = package_scene(scene, tmp_path / "dist")  # no compression: byte for byte
    assert again.glb_path.read_bytes() == compressed
    with pytest.raises(ModelError, match="already compressed"):
        package_scene(scene, tmp_path / "dist2", compress="draco")


# --- textures ---------------------------------------------------------------------------------


def test_target_size() -> None:
    assert target_size(4096, 2048, 2048) == (2048, 1024)
    assert target_size(8192, 8192, 2048) == (2048, 2048)
    assert target_size(4096, 1, 1024) == (1024, 1)
    assert target_size(3000, 1000, 2048) == (2048, 683)
    assert target_size(1000, 3000, 2000) == (341, 1024)
    assert target_size(2048, 1024, 2048) == (2048, 1024)
    assert target_size(100, 300, 4096) == (100, 300)


@pytest.fixture(scope="module")
def textured_packaged(
    textured_scene: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, PackageResult]:
    return packaged_every_way(textured_scene, tmp_path_factory, "tex")


@pytest.mark.parametrize("method", METHODS)
def test_large_textures_are_downscaled_to_the_profile(
    method: Compression, textured_packaged: dict[str, PackageResult], textured_scene: Path
) -> None:
    result = textured_packaged[method]
    images = embedded_images(result.glb_path)
    sizes = []
    for media_type, data in images:
        with Image.open(io.BytesIO(data)) as image:
            sizes.append(image.size)
            assert image.format == {"image/png": "PNG", "image/jpeg": "JPEG"}[media_type]
            assert "icc_profile" not in image.info
            assert "exif" not in image.info
            assert "Comment" not in image.info
    assert [media_type for media_type, _ in images] == ["image/png", "image/jpeg", "image/png"]
    assert sizes == [(2048, 1024), (2048, 683), (64, 64)]
    assert all(max(size) <= 2048 for size in sizes)  # quest2's max_texture_size
    assert images[2][1] == (textured_scene / "small.png").read_bytes()  # within budget: as is
    assert result.manifest.packaging is not None
    assert result.manifest.packaging.textures_resized == 2
    assert result.manifest.packaging.max_texture_size == 2048
    assert result.processing is not None
    assert [c.size_after for c in result.processing.textures.resized] == [(2048, 1024), (2048, 683)]


def test_textured_models_are_deterministic(
    textured_packaged: dict[str, PackageResult], textured_scene: Path, tmp_path: Path
) -> None:
    for method in METHODS:
        again = package_scene(textured_scene, tmp_path / method, compress=method)
        assert tree(again.bundle_dir) == tree(textured_packaged[method].bundle_dir)
        check_referenced_nodes(load_scene_source(textured_scene), read_model(again.glb_path))


def test_profiles_choose_the_texture_limit(textured_scene: Path, tmp_path: Path) -> None:
    quest3 = package_scene(textured_scene, tmp_path / "q3", profile="quest3")
    sizes = [Image.open(io.BytesIO(data)).size for _, data in embedded_images(quest3.glb_path)]
    assert sizes == [(2560, 1280), (2100, 700), (64, 64)]  # within 4096: untouched
    profile = tmp_path / "tiny.json"
    profile.write_text(json.dumps({"name": "tiny", "max_texture_size": 100}))
    tiny = package_scene(textured_scene, tmp_path / "tiny", profile=profile)
    sizes = [Image.open(io.BytesIO(data)).size for _, data in embedded_images(tiny.glb_path)]
    assert sizes == [(64, 32), (64, 21), (64, 64)]
    assert tiny.manifest.packaging is not None
    assert tiny.manifest.packaging.profile == "tiny"


# --- manifest and command line ----------------------------------------------------------------


def test_manifests_without_packaging_info_still_load(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path)
    manifest = load_bundle(folder)
    assert manifest.packaging is None
    assert "packaging" not in json.loads(manifest_bytes(manifest))
    assert json.loads((folder / MANIFEST_NAME).read_bytes()) == json.loads(manifest_bytes(manifest))
    assert BundleManifest.model_validate_json(manifest_bytes(manifest)) == manifest


def test_cli_reports_compression_and_textures(
    textured_scene: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = tmp_path / "dist"
    assert (
        main(
            [
                *["package", str(textured_scene), "-o", str(dist), "--json"],
                *["--compress", "draco", "--textures", "keep"],  # KTX2 would run Node.js
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert err == ""
    report = json.loads(out)
    assert (report["compress"], report["profile"]) == ("draco", "quest2")
    [entry] = report["results"]
    processing = entry["processing"]
    assert processing["compression"]["method"] == "draco"
    assert processing["compression"]["encoder"].startswith("DracoPy ")
    assert processing["compression"]["compressed"] == 3
    assert processing["size_after"] == entry["glb"]["size"] < processing["size_before"]
    resized = processing["textures"]["resized"]
    assert [(r["size_before"], r["size_after"]) for r in resized] == [
        ([2560, 1280], [2048, 1024]),
        ([2100, 700], [2048, 683]),
    ]
    manifest = json.loads((dist / "mini-0.1.0" / MANIFEST_NAME).read_text())
    assert manifest["packaging"]["compression"] == "draco"

    command = ["package", str(textured_scene), "-o", str(dist), "--compress", "meshopt"]
    assert main([*command, "--textures", "keep"]) == 0
    out, _ = capsys.readouterr()
    assert "geometry: meshopt" in out
    assert "texture 0 big.png: 2560x1280 -> 2048x1024" in out


def test_cli_refuses_an_unknown_profile_or_compression(
    textured_scene: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = str(tmp_path / "dist")
    assert main(["package", str(textured_scene), "-o", dist, "--profile", "quest9"]) == 2
    assert "quest9" in capsys.readouterr().err
    assert main(["package", str(textured_scene), "-o", dist, "--compress", "zip"]) == 2
    assert not (tmp_path / "dist").exists()
