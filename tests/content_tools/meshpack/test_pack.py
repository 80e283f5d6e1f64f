"""`content_tools.meshpack` (`--compress meshopt`): a small scene packed, then read back with
meshoptimizer's own decoders (tests/support/packed_glb.py), not the packer's code: every
triangle is where it was within the stated bounds, faces the same way, and the nodes the script
uses survive with their names, parents and transforms while the static ones are merged."""

from __future__ import annotations

import io
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from content_tools.compress import compress_parts
from content_tools.glb import build_glb, parse_glb
from content_tools.glb_parts import split_glb, write_glb
from content_tools.meshpack.attributes import (
    COLOR_MAX_ERROR,
    LARGE_SCENE_BITS,
    NORMAL_MAX_ERROR_DEG,
    POSITION_MAX_ERROR_M,
    ROOM_EXTENT_M,
    UV_MAX_ERROR_TEXELS,
    large_scene_step,
)
from content_tools.meshpack.graph import world_matrices
from tests.support.packed_glb import Corners, world_triangles

TEXELS = 64
KEEP = frozenset({"tool", "spawn"})
Floats = npt.NDArray[np.float64]


def _sphere(rows: int = 6, columns: int = 10) -> tuple[Floats, Floats, Floats, Any]:
    """A UV sphere of radius 0.1 m: positions, normals, tiling texture coordinates, indices."""
    theta = np.linspace(0, math.pi, rows + 1)
    phi = np.linspace(0, 2 * math.pi, columns + 1)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    normals = np.stack([np.sin(t) * np.cos(p), np.cos(t), np.sin(t) * np.sin(p)], -1)
    normals = normals.reshape(-1, 3)
    uvs = np.stack([p / math.pi * 2.0 - 1.5, t / math.pi * 4.0 - 1.5], -1).reshape(-1, 2)
    quads = []
    for r in range(rows):
        for c in range(columns):
            a, b = r * (columns + 1) + c, r * (columns + 1) + c + 1
            d, e = a + columns + 1, b + columns + 1
            if r > 0:
                quads.append((a, b, d))
            if r < rows - 1:
                quads.append((b, e, d))
    return normals * 0.1, normals, uvs, np.array(quads, dtype=np.uint32).reshape(-1)


class _Builder:
    def __init__(self) -> None:
        self.blob = bytearray()
        self.doc: dict[str, Any] = {
            "asset": {"version": "2.0"},
            "accessors": [],
            "bufferViews": [],
            "meshes": [],
            "nodes": [],
        }

    def data(self, raw: bytes) -> int:
        self.blob += b"\0" * (-len(self.blob) % 4)
        self.doc["bufferViews"].append(
            {"buffer": 0, "byteOffset": len(self.blob), "byteLength": len(raw)}
        )
        self.blob += raw
        return len(self.doc["bufferViews"]) - 1

    def accessor(self, values: Any, kind: str, component: int = 5126) -> int:
        array = np.ascontiguousarray(values, dtype="<f4" if component == 5126 else "<u4")
        accessor: dict[str, Any] = {
            "bufferView": self.data(array.tobytes()),
            "componentType": component,
            "count": len(array),
            "type": kind,
        }
        if kind == "VEC3" and component == 5126:
            accessor["min"] = [float(v) for v in array.min(axis=0)]
            accessor["max"] = [float(v) for v in array.max(axis=0)]
        self.doc["accessors"].append(accessor)
        return len(self.doc["accessors"]) - 1

    def mesh(self, material: int, *, uv: bool = False, color: bool = False) -> int:
        positions, normals, uvs, indices = _sphere()
        attributes = {
            "POSITION": self.accessor(positions, "VEC3"),
            "NORMAL": self.accessor(normals, "VEC3"),
        }
        if uv:
            attributes["TEXCOORD_0"] = self.accessor(uvs, "VEC2")
            attributes["TEXCOORD_1"] = self.accessor((uvs + 1.5) / 4.0, "VEC2")
        if color:
            shade = np.clip(0.5 + positions * 4, 0, 1)
            attributes["COLOR_0"] = self.accessor(np.c_[shade, np.ones(len(shade))], "VEC4")
        primitive = {
            "attributes": attributes,
            "indices": self.accessor(indices, "SCALAR", 5125),
            "material": material,
        }
        self.doc["meshes"].append(
            {"name": f"mesh{len(self.doc['meshes'])}", "primitives": [primitive]}
        )
        return len(self.doc["meshes"]) - 1

    def node(self, name: str, **fields: Any) -> int:
        self.doc["nodes"].append({"name": name, **fields})
        return len(self.doc["nodes"]) - 1


def _png() -> bytes:
    image = Image.new("RGB", (TEXELS, TEXELS), (200, 120, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def small_scene() -> bytes:
    """room (holds the tool, has a static mesh) > tool (scripted, textured) > tool_handle;
    a rotated wall with vertex colours, a mirrored shelf, a group of two nested static nodes,
    and the spawn node."""
    b = _Builder()
    b.doc["images"] = [{"bufferView": b.data(_png()), "mimeType": "image/png"}]
    b.doc["textures"] = [{"source": 0}]
    b.doc["materials"] = [
        {
            "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}},
            "occlusionTexture": {"index": 0, "texCoord": 1},
        },
        {"pbrMetallicRoughness": {"baseColorFactor": [0.5, 0.5, 0.5, 1]}},
    ]
    textured, plain = 0, 1
    handle = b.node("tool_handle", mesh=b.mesh(plain), translation=[0, -0.15, 0])
    tool = b.node(
        "tool",
        mesh=b.mesh(textured, uv=True),
        children=[handle],
        translation=[0.4, 0.9, -0.3],
        rotation=[0, math.sin(0.3), 0, math.cos(0.3)],
    )
    room = b.node("room", mesh=b.mesh(plain), children=[tool], translation=[0, 0.1, 0])
    wall = b.node(
        "wall",
        mesh=b.mesh(plain, color=True),
        translation=[-2.0, 1.2, 3.5],
        rotation=[math.sin(0.4), 0, 0, math.cos(0.4)],
        scale=[3, 1, 0.5],
    )
    shelf = b.node("mirror_shelf", mesh=b.mesh(textured, uv=True), scale=[-1, 1, 1])
    board = b.node("shelf_board", mesh=b.mesh(plain), translation=[0, 0.3, 0])
    group = b.node("shelf_group", children=[board], translation=[1.5, 0, -1])
    spawn = b.node("spawn", translation=[0, 0, 1])
    b.doc["scenes"] = [{"nodes": [room, wall, shelf, group, spawn]}]
    b.doc["scene"] = 0
    b.doc["buffers"] = [{"byteLength": len(b.blob)}]
    return build_glb(b.doc, bytes(b.blob))


@pytest.fixture(scope="module")
def packed() -> tuple[bytes, bytes, Any]:
    source = small_scene()
    parts = split_glb(source, path=Path("small.glb"))
    report = compress_parts(parts, "meshopt", KEEP)
    return source, write_glb(parts.document, parts.views), report


def _glb(data: bytes) -> tuple[dict[str, Any], bytes]:
    document, binary = parse_glb(data, path=Path("x.glb"))
    return document, binary or b""


def _by_name(document: dict[str, Any]) -> dict[str, int]:
    return {node["name"]: i for i, node in enumerate(document["nodes"]) if "name" in node}


def test_script_nodes_and_their_ancestors_keep_names_parents_and_transforms(
    packed: tuple[bytes, bytes, Any],
) -> None:
    source, out, _ = packed
    before, _ = _glb(source)
    after, _ = _glb(out)
    names_before, names_after = _by_name(before), _by_name(after)
    assert set(names_after) == {"room", "tool", "tool_handle", "spawn"}
    world_before, world_after = world_matrices(before), world_matrices(after)
    keys = ("translation", "rotation", "scale", "matrix")
    for name in names_after:
        old, new = before["nodes"][names_before[name]], after["nodes"][names_after[name]]
        assert {k: old.get(k) for k in keys} == {k: new.get(k) for k in keys}, name
        assert np.allclose(world_before[names_before[name]], world_after[names_after[name]])
    tool = after["nodes"][names_after["tool"]]
    assert names_after["tool_handle"] in tool["children"]
    assert names_after["tool"] in after["nodes"][names_after["room"]]["children"]
    # The tool still shows its own mesh (through an unnamed child that dequantizes it).
    shown = [after["nodes"][c] for c in tool["children"] if "name" not in after["nodes"][c]]
    assert len(shown) == 1
    assert "mesh" in shown[0]
    assert all("name" not in mesh for mesh in after["meshes"])


def test_static_meshes_are_merged(packed: tuple[bytes, bytes, Any]) -> None:
    _, out, report = packed
    document, _ = _glb(out)
    # room, wall, mirror_shelf and shelf_board merge into one primitive per material (and
    # attribute set): plain without colours, plain with colours, textured.
    assert report.packing.merged_nodes == 4
    assert report.packing.removed_nodes == 4  # wall, mirror_shelf, shelf_group, shelf_board
    assert report.packing.primitives_before == 6
    assert report.packing.primitives_after == 5  # tool, handle + 3 merged
    assert document["extensionsRequired"] == ["EXT_meshopt_compression", "KHR_mesh_quantization"]
    assert "KHR_texture_transform" in document["extensionsUsed"]


def _match(source: list[Corners], packed: list[Corners]) -> list[tuple[Any, Any]]:
    """Pairs (source triangle, packed triangle) matched by centroid (the test scene's
    triangles are centimetres apart; quantization moves them by under a millimetre)."""

    def flatten(found: list[Corners]) -> list[tuple[Corners, int]]:
        return [(c, t) for c in found for t in range(len(c.attributes["POSITION"]))]

    ours, theirs = flatten(source), flatten(packed)
    centre = np.array([c.attributes["POSITION"][t].mean(axis=0) for c, t in theirs])
    pairs = []
    for corners, t in ours:
        distance = np.linalg.norm(centre - corners.attributes["POSITION"][t].mean(axis=0), axis=1)
        pairs.append(((corners, t), theirs[int(np.argmin(distance))]))
    assert len(ours) == len(theirs), "every triangle kept, none added"
    return pairs


def test_every_triangle_is_within_the_bounds(packed: tuple[bytes, bytes, Any]) -> None:
    source, out, report = packed
    pairs = _match(world_triangles(*_glb(source)), world_triangles(*_glb(out)))
    worst = {"position": 0.0, "normal": 0.0, "uv": 0.0, "color": 0.0}
    for (a, i), (b, j) in pairs:
        pa, pb = a.attributes["POSITION"][i], b.attributes["POSITION"][j]
        # The same corner: the nearest one (the index codec may rotate a triangle's corners).
        order = [int(np.argmin(np.linalg.norm(pb - corner, axis=1))) for corner in pa]
        assert sorted(order) == [0, 1, 2]
        distance = np.linalg.norm(pb[order] - pa, axis=1)
        worst["position"] = max(worst["position"], float(np.max(distance)))
        facing_a = np.cross(pa[1] - pa[0], pa[2] - pa[0]) * (-1 if a.mirrored else 1)
        facing_b = np.cross(pb[1] - pb[0], pb[2] - pb[0])  # its own winding
        facing_b *= -1 if b.mirrored else 1
        assert np.dot(facing_a, facing_b) > 0, "a triangle turned its back"
        assert set(a.attributes) == set(b.attributes)
        na, nb = a.attributes["NORMAL"][i], b.attributes["NORMAL"][j][order]
        cosine = np.clip(np.sum(na * nb, axis=1), -1, 1)
        worst["normal"] = max(worst["normal"], float(np.degrees(np.max(np.arccos(cosine)))))
        for name in ("TEXCOORD_0", "TEXCOORD_1"):
            if name in a.attributes:
                error = np.abs(b.attributes[name][j][order] - a.attributes[name][i])
                worst["uv"] = max(worst["uv"], float(np.max(error)) * TEXELS)
        if "COLOR_0" in a.attributes:
            error = np.abs(b.attributes["COLOR_0"][j][order] - a.attributes["COLOR_0"][i])
            worst["color"] = max(worst["color"], float(np.max(error)))
    # Half a millimetre per axis of the grid (the mesh's frame): at most sqrt(3) times that
    # between a vertex and where it was, however the node turns it.
    assert worst["position"] <= math.sqrt(3) * POSITION_MAX_ERROR_M * 1.0001
    assert worst["normal"] <= NORMAL_MAX_ERROR_DEG
    assert worst["uv"] <= UV_MAX_ERROR_TEXELS * 1.0001
    assert worst["color"] <= COLOR_MAX_ERROR * 1.0001
    assert worst["position"] > 0
    assert worst["normal"] > 0
    assert worst["uv"] > 0
    # What the packer reports is what was measured here, within rounding.
    packing = report.packing
    assert packing.errors.position_distance_m == pytest.approx(worst["position"], abs=2e-6)
    assert packing.errors.position_m <= POSITION_MAX_ERROR_M
    assert packing.errors.uv_texels == pytest.approx(worst["uv"], abs=1e-3)


def test_keep_names_none_keeps_every_named_node(tmp_path: Path) -> None:
    parts = split_glb(small_scene(), path=tmp_path / "small.glb")
    report = compress_parts(parts, "meshopt", None)
    assert report.packing is not None
    assert report.packing.merged_nodes == 0
    names = {node.get("name") for node in parts.document["nodes"]} - {None}
    assert names == {
        "room",
        "tool",
        "tool_handle",
        "wall",
        "mirror_shelf",
        "shelf_group",
        "shelf_board",
        "spawn",
    }


def animated_scene() -> bytes:
    """The small scene with the tool spinning and sliding (linear keyframes)."""
    document, binary = _glb(small_scene())
    b = _Builder()
    b.doc, b.blob = document, bytearray(binary)
    times = np.linspace(0, 2, 9)
    angles = times * 1.3
    rotations = np.c_[np.zeros(9), np.sin(angles / 2), np.zeros(9), np.cos(angles / 2)]
    translations = np.c_[0.4 + times * 0.25, np.full(9, 0.9), -0.3 - times / 7]
    tool = _by_name(document)["tool"]
    time = b.accessor(times, "SCALAR")
    document["accessors"][time].update(min=[0.0], max=[2.0])
    document["animations"] = [
        {
            "samplers": [
                {"input": time, "output": b.accessor(rotations, "VEC4")},
                {"input": time, "output": b.accessor(translations, "VEC3")},
            ],
            "channels": [
                {"sampler": 0, "target": {"node": tool, "path": "rotation"}},
                {"sampler": 1, "target": {"node": tool, "path": "translation"}},
            ],
        }
    ]
    document["buffers"] = [{"byteLength": len(b.blob)}]
    return build_glb(document, bytes(b.blob))


def test_animation_outputs_use_the_quaternion_and_exponential_filters() -> None:
    from tests.support.packed_glb import accessor_values, decoded_buffer

    source = animated_scene()
    parts = split_glb(source, path=Path("animated.glb"))
    report = compress_parts(parts, "meshopt", KEEP)
    assert report.packing is not None
    assert report.packing.animation_outputs == 2
    document, binary = _glb(write_glb(parts.document, parts.views))
    before, before_binary = _glb(source)
    buffers = [binary, decoded_buffer(document, binary)]
    filters = {
        view.get("extensions", {}).get("EXT_meshopt_compression", {}).get("filter")
        for view in document["bufferViews"]
    }
    assert {"QUATERNION", "EXPONENTIAL", "OCTAHEDRAL"} <= filters
    (animation,) = document["animations"]
    (old,) = before["animations"]
    assert _by_name(document)["tool"] == animation["channels"][0]["target"]["node"]
    for sampler, old_sampler in zip(animation["samplers"], old["samplers"], strict=True):
        ours = accessor_values(document, buffers, sampler["output"])
        theirs = accessor_values(before, [before_binary], old_sampler["output"])
        if ours.shape[1] == 4:  # q and -q are one rotation
            cosine = np.abs(np.sum(ours * theirs, axis=1)) / np.linalg.norm(ours, axis=1)
            assert np.degrees(2 * np.arccos(np.clip(cosine, -1, 1))).max() < 0.05
        else:
            assert np.abs(ours - theirs).max() < 1e-5


def test_a_mesh_whose_node_has_an_extension_stays_on_it_exact() -> None:
    """EXT_mesh_gpu_instancing (like skins and morph weights) applies to the node's own mesh:
    that mesh is neither moved to a child nor quantized."""
    document, binary = _glb(small_scene())
    b = _Builder()
    b.doc, b.blob = document, bytearray(binary)
    handle = _by_name(document)["tool_handle"]
    offsets = b.accessor(np.array([[0, 0, 0], [0.2, 0, 0]]), "VEC3")
    document["nodes"][handle]["extensions"] = {
        "EXT_mesh_gpu_instancing": {"attributes": {"TRANSLATION": offsets}}
    }
    document["extensionsUsed"] = ["EXT_mesh_gpu_instancing"]
    document["buffers"] = [{"byteLength": len(b.blob)}]
    parts = split_glb(build_glb(document, bytes(b.blob)), path=Path("instanced.glb"))
    compress_parts(parts, "meshopt", KEEP)
    after = parts.document
    node = after["nodes"][_by_name(after)["tool_handle"]]
    (primitive,) = after["meshes"][node["mesh"]]["primitives"]
    assert after["accessors"][primitive["attributes"]["POSITION"]]["componentType"] == 5126
    assert "EXT_mesh_gpu_instancing" in node["extensions"]


def test_texture_coordinates_of_a_ktx2_texture_use_its_size() -> None:
    """A KTX2 image (KHR_texture_basisu, as `--textures ktx2` writes) is measured from its
    header: the grid of the coordinates that sample it is 1/4 of its texel."""
    document, binary = _glb(small_scene())
    b = _Builder()
    b.doc, b.blob = document, bytearray(binary)
    header = b"\xabKTX 20\xbb\r\n\x1a\n" + struct.pack("<IIII", 0, 1, 128, 128) + bytes(52)
    document["images"] = [{"bufferView": b.data(header), "mimeType": "image/ktx2"}]
    document["textures"] = [{"extensions": {"KHR_texture_basisu": {"source": 0}}}]
    document["extensionsUsed"] = ["KHR_texture_basisu"]
    document["extensionsRequired"] = ["KHR_texture_basisu"]
    document["buffers"] = [{"byteLength": len(b.blob)}]
    parts = split_glb(build_glb(document, bytes(b.blob)), path=Path("ktx2.glb"))
    compress_parts(parts, "meshopt", KEEP)
    info = parts.document["materials"][0]["pbrMetallicRoughness"]["baseColorTexture"]
    scale = info["extensions"]["KHR_texture_transform"]["scale"]
    assert scale == [2 * UV_MAX_ERROR_TEXELS / 128] * 2


def test_room_scale_keeps_half_a_millimetre_and_a_larger_scene_gets_14_bits() -> None:
    low = np.zeros(3)
    assert large_scene_step(low, np.array([ROOM_EXTENT_M, 3.0, 9.0])) is None
    assert round(ROOM_EXTENT_M, 3) == 16.383
    for extent in (16.5, 31.2, 80.0, 400.0):
        step = large_scene_step(low, np.array([extent, 2.0, 5.0]))
        assert step is not None
        gltfpack = extent / (2**LARGE_SCENE_BITS - 1)  # gltfpack -vp 14's step
        assert 0.9 * gltfpack <= step <= gltfpack, extent  # never coarser, at most 10% finer
        assert extent / step < 65535
        assert len(repr(step)) <= 8  # a short number in the document
    assert large_scene_step(low, np.array([31.2, 0.5, 5.4])) == 0.0019


def _far_scene(distance: float) -> bytes:
    """The small scene with one more static mesh `distance` metres away along x."""
    document, binary = _glb(small_scene())
    b = _Builder()
    b.doc, b.blob = document, bytearray(binary)
    far = b.node("far_fence", mesh=b.mesh(1, color=True), translation=[distance, 0.2, 0.3])
    document["scenes"][0]["nodes"].append(far)
    document["buffers"] = [{"byteLength": len(b.blob)}]
    return build_glb(document, bytes(b.blob))


def test_a_scene_larger_than_a_room_merges_on_a_coarser_shared_grid() -> None:
    """A static mesh 30 m away: the merged meshes share gltfpack's 14-bit grid across the
    scene (within half a step per axis, 0.95 mm), the scripted ones keep 0.5 mm."""
    source = _far_scene(30.0)
    parts = split_glb(source, path=Path("far.glb"))
    report = compress_parts(parts, "meshopt", KEEP)
    out = write_glb(parts.document, parts.views)
    document, _ = _glb(out)
    merged = [
        n for n, node in enumerate(document["nodes"]) if "mesh" in node and "name" not in node
    ]
    kept_children = {
        c for node in document["nodes"] if "name" in node for c in node.get("children", [])
    }
    scales = {document["nodes"][n]["scale"][0] for n in merged if n not in kept_children}
    step = 0.0019  # 32.2 m across / 16383, two digits
    assert scales == {step}
    assert {document["nodes"][n]["scale"][0] for n in kept_children & set(merged)} == {2**-10}
    pairs = _match(world_triangles(*_glb(source)), world_triangles(document, _glb(out)[1]))
    worst = {"merged": 0.0, "kept": 0.0}
    for (a, i), (b, j) in pairs:
        pa, pb = a.attributes["POSITION"][i], b.attributes["POSITION"][j]
        order = [int(np.argmin(np.linalg.norm(pb - corner, axis=1))) for corner in pa]
        if b.node in kept_children:  # the tool is turned: its grid too (a distance bound)
            distance = float(np.max(np.linalg.norm(pb[order] - pa, axis=1)))
            worst["kept"] = max(worst["kept"], distance)
        else:  # merged meshes are in world space: the grid's axes are the world's
            worst["merged"] = max(worst["merged"], float(np.max(np.abs(pb[order] - pa))))
    assert worst["kept"] <= math.sqrt(3) * POSITION_MAX_ERROR_M * 1.0001
    assert POSITION_MAX_ERROR_M < worst["merged"] <= step / 2 * 1.0001
    assert report.packing is not None
    assert report.packing.errors.position_m == pytest.approx(worst["merged"], abs=2e-6)
