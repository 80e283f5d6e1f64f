"""Packing geometry as tight as gltfpack while keeping every node the script uses.

`pack(parts, keep_names)` rewrites the meshes of a split GLB in place, before the
EXT_meshopt_compression codecs store them (`content_tools.compress`, method "meshopt"):

1. **Keep.** The nodes named in `keep_names` (the script's nodes and the spawn node), every
   node below them, and nodes that anything else refers to (cameras, skins, animations,
   extensions, extras) stay where they are with their meshes (`graph.plan`). The nodes above
   them keep their names and transforms.
2. **Merge.** Every other mesh that one node shows is moved into world space (positions,
   normals, tangents; the winding flips under a mirroring transform) and merged with the others
   of its material and attribute set into one primitive on a new unnamed node at the scene's
   root. The nodes left with nothing (no mesh, no kept node below) are dropped.
3. **Quantize** every triangle primitive (`attributes`: positions to half a millimetre per axis
   (the merged meshes of a scene larger than a room: 2^14 steps across it, as gltfpack),
   normals octahedral 8-bit, texture coordinates to 1/8 texel, colours to bytes). A kept
   mesh's positions are dequantized by a new unnamed child node that shows it (the named node
   keeps its transform); merged meshes carry the scale on their own node; texture coordinates
   by KHR_texture_transform on the material's textures.
4. **Optimize**: identical vertices are welded, triangles that lost their area in indices are
   dropped, then meshoptimizer orders triangles for the vertex cache and vertices for fetch.

Material members equal to glTF's defaults are dropped (`defaults`: the JSON is not compressed).
Animation outputs get the meshopt filters (`animations`); `uv` makes the texture-coordinate
grids, `accessors` the shared accessor cache.

Meshes that are skinned, morphed, not triangle lists, or that have attributes other than
positions, normals, tangents, texture coordinates and colours are left exact (the lossless
meshopt path stores them). Deterministic: numpy and meshoptimizer only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from content_tools.glb_parts import GlbParts, accessor_values
from content_tools.meshpack.accessors import FILTER_KEY, add_accessor, add_used
from content_tools.meshpack.animations import pack_animations
from content_tools.meshpack.attributes import (
    POSITION_MAX_ERROR_M,
    Encoded,
    Errors,
    UvGrid,
    encode_attribute,
    large_scene_step,
    position_grid,
    to_floats,
)
from content_tools.meshpack.defaults import drop_material_defaults
from content_tools.meshpack.graph import Plan, drop_meshes, drop_nodes, plan, world_matrices
from content_tools.meshpack.uv import TEXTURE_TRANSFORM, apply_uv_transforms, uv_grids

__all__ = ["FILTER_KEY", "QUANTIZATION", "TEXTURE_TRANSFORM", "PackReport", "pack"]

QUANTIZATION = "KHR_mesh_quantization"

_TRIANGLES = 4
_ALLOWED = re.compile(r"POSITION|NORMAL|TANGENT|TEXCOORD_[0-9]+|COLOR_[0-9]+")


@dataclass(slots=True)
class PackReport:
    merged_nodes: int = 0
    """Nodes whose meshes were merged into others."""
    removed_nodes: int = 0
    primitives_before: int = 0
    primitives_after: int = 0
    """Triangle primitives (draw calls per instance) before and after."""
    quantized_primitives: int = 0
    animation_outputs: int = 0
    """Animation outputs stored with a filter (rotations: quaternion; translations, scales:
    exponential)."""
    errors: Errors = field(default_factory=Errors)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        errors = data.pop("errors")
        data["max_position_error_mm"] = round(errors["position_m"] * 1000, 4)
        data["max_position_distance_mm"] = round(errors["position_distance_m"] * 1000, 4)
        data["max_normal_error_deg"] = round(errors["normal_deg"], 3)
        data["max_uv_error_texels"] = round(errors["uv_texels"], 4)
        data["max_uv_error_units"] = round(errors["uv_units"], 6)
        data["max_color_error"] = round(errors["color"], 5)
        return data


@dataclass(slots=True)
class _Primitive:
    attributes: dict[str, npt.NDArray[np.float64]]
    indices: npt.NDArray[np.uint32]
    material: int | None


def pack(parts: GlbParts, keep_names: set[str] | frozenset[str] | None) -> PackReport:
    """Merge, quantize and optimize the meshes of `parts` in place (see the module doc)."""
    document = parts.document
    nodes: list[dict[str, Any]] = document.get("nodes", [])
    meshes: list[dict[str, Any]] = document.get("meshes", [])
    report = PackReport()
    report.primitives_before = sum(
        len(meshes[node["mesh"]]["primitives"]) for node in nodes if "mesh" in node
    )
    users: dict[int, list[int]] = defaultdict(list)
    for index, node in enumerate(nodes):
        if "mesh" in node:
            users[node["mesh"]].append(index)
    eligible = {m for m in users if _mesh_eligible(document, m, users[m])}
    graph = plan(document, keep_names)
    world = world_matrices(document)
    merging = len(document.get("scenes", [])) == 1
    merged = [
        n
        for n, node in enumerate(nodes)
        if merging
        and "mesh" in node
        and node["mesh"] in eligible
        and len(users[node["mesh"]]) == 1
        and n in graph.in_scene
        and n not in graph.pinned
    ]
    in_place = sorted(m for m in eligible if not (len(users[m]) == 1 and users[m][0] in merged))

    # Texture coordinates: one grid per (material, set) over every primitive quantized.
    primitives = {m: [_read(parts, p) for p in meshes[m]["primitives"]] for m in eligible}
    grids = uv_grids(parts, primitives, eligible)

    cache: dict[bytes, int] = {}  # accessors by content
    groups: dict[tuple[Any, ...], list[_Primitive]] = defaultdict(list)
    for n in merged:
        matrix = world[n]
        for primitive in primitives[nodes[n]["mesh"]]:
            moved = _transformed(primitive, matrix)
            names = tuple((name, v.shape[1]) for name, v in sorted(moved.attributes.items()))
            groups[(moved.material, names)].append(moved)
    scene_step = None  # one step for every merged primitive: their shared edges stay shut
    if groups:
        every = np.concatenate([p.attributes["POSITION"] for g in groups.values() for p in g])
        scene_step = large_scene_step(every.min(0), every.max(0))
    for key in sorted(groups, key=lambda k: (k[0] is None, k[0] or 0, k[1])):
        combined = _concatenate(groups[key])
        low, high = combined.attributes["POSITION"].min(0), combined.attributes["POSITION"].max(0)
        offset, step = position_grid(low, high, POSITION_MAX_ERROR_M, step=scene_step)
        fields = _encode(parts, combined, offset, step, 1.0, grids, report, cache)
        if combined.material is not None:
            fields["material"] = combined.material
        document.setdefault("meshes", []).append({"primitives": [fields]})
        node = {"mesh": len(document["meshes"]) - 1}
        node.update(_dequantize(offset, step))
        nodes.append(node)
        document["scenes"][0]["nodes"].append(len(nodes) - 1)

    for m in in_place:
        mesh = meshes[m]
        scale = max((_max_scale(world.get(n)) for n in users[m]), default=1.0)
        positions = np.concatenate([p.attributes["POSITION"] for p in primitives[m]])
        offset, step = position_grid(
            positions.min(0), positions.max(0), POSITION_MAX_ERROR_M / scale
        )
        mesh["primitives"] = [
            {
                **{k: v for k, v in old.items() if k != "mode"},
                **_encode(parts, p, offset, step, scale, grids, report, cache),
            }
            for old, p in zip(mesh["primitives"], primitives[m], strict=True)
        ]
        for n in users[m]:
            child = {"mesh": m, **_dequantize(offset, step)}
            del nodes[n]["mesh"]
            nodes.append(child)
            nodes[n].setdefault("children", []).append(len(nodes) - 1)

    apply_uv_transforms(document, grids)
    drop_material_defaults(document)
    for mesh in document.get("meshes", []):  # the nodes carry the names the app uses
        mesh.pop("name", None)
        if mesh.get("extras") == {}:
            del mesh["extras"]
    for node in nodes:
        _translation_only(node)
    for n in merged:
        del nodes[n]["mesh"]
    removed = _removable(nodes, graph)
    report.merged_nodes = len(merged)
    report.removed_nodes = len(removed)
    drop_nodes(document, removed)
    drop_meshes(document)
    report.primitives_after = sum(
        len(document["meshes"][node["mesh"]]["primitives"])
        for node in document.get("nodes", [])
        if "mesh" in node
    )
    report.animation_outputs = pack_animations(parts, cache)
    if report.quantized_primitives:
        add_used(document, QUANTIZATION, required=True)
    return report


# ---------------------------------------------------------------------------------------------


def _mesh_eligible(document: dict[str, Any], mesh: int, users: list[int]) -> bool:
    accessors = document.get("accessors", [])
    definition = document["meshes"][mesh]
    # Skins, morph weights and node extensions (EXT_mesh_gpu_instancing, ...) apply to the
    # node's own mesh: such a mesh stays on its node, exact.
    if "weights" in definition or any(
        "skin" in document["nodes"][n] or "extensions" in document["nodes"][n] for n in users
    ):
        return False
    for primitive in definition["primitives"]:
        attributes = primitive.get("attributes", {})
        if (
            primitive.get("mode", _TRIANGLES) != _TRIANGLES
            or "targets" in primitive
            or "extensions" in primitive
            or "POSITION" not in attributes
            or not all(_ALLOWED.fullmatch(name) for name in attributes)
        ):
            return False
        used = [*attributes.values(), *([primitive["indices"]] if "indices" in primitive else [])]
        for index in used:
            accessor = accessors[index]
            if "bufferView" not in accessor or "sparse" in accessor or accessor["count"] < 1:
                return False
        position = accessors[attributes["POSITION"]]
        if position["componentType"] != 5126 or position["type"] != "VEC3":
            return False
    return True


def _read(parts: GlbParts, primitive: dict[str, Any]) -> _Primitive:
    accessors = parts.document["accessors"]
    attributes = {
        name: to_floats(accessor_values(parts, index), accessors[index])
        for name, index in primitive["attributes"].items()
    }
    count = len(attributes["POSITION"])
    if "indices" in primitive:
        indices = accessor_values(parts, primitive["indices"]).reshape(-1).astype(np.uint32)
    else:
        indices = np.arange(count, dtype=np.uint32)
    indices = indices[: len(indices) - len(indices) % 3]
    if len(indices) and int(indices.max()) >= count:
        from content_tools.errors import ModelError

        raise ModelError("a primitive's indices point past its vertices", path=parts.path)
    return _Primitive(attributes, indices, primitive.get("material"))


def _transformed(primitive: _Primitive, matrix: npt.NDArray[np.float64]) -> _Primitive:
    linear = matrix[:3, :3]
    attributes = dict(primitive.attributes)
    attributes["POSITION"] = attributes["POSITION"] @ linear.T + matrix[:3, 3]
    determinant = float(np.linalg.det(linear))
    if "NORMAL" in attributes:
        normal = attributes["NORMAL"] @ np.linalg.inv(linear)  # inverse transpose, row vectors
        attributes["NORMAL"] = normal / np.maximum(
            np.linalg.norm(normal, axis=1, keepdims=True), 1e-30
        )
    if "TANGENT" in attributes:
        tangent = attributes["TANGENT"].copy()
        xyz = tangent[:, :3] @ linear.T
        tangent[:, :3] = xyz / np.maximum(np.linalg.norm(xyz, axis=1, keepdims=True), 1e-30)
        if determinant < 0:
            tangent[:, 3] = -tangent[:, 3]
        attributes["TANGENT"] = tangent
    indices = primitive.indices
    if determinant < 0:  # a mirroring transform: keep the triangles facing out
        indices = indices.reshape(-1, 3)[:, [0, 2, 1]].reshape(-1)
    return _Primitive(attributes, indices, primitive.material)


def _concatenate(primitives: list[_Primitive]) -> _Primitive:
    starts = np.cumsum([0] + [len(p.attributes["POSITION"]) for p in primitives])
    names = primitives[0].attributes
    return _Primitive(
        {name: np.concatenate([p.attributes[name] for p in primitives]) for name in names},
        np.concatenate(
            [p.indices + np.uint32(s) for p, s in zip(primitives, starts, strict=False)]
        ),
        primitives[0].material,
    )


def _translation_only(node: dict[str, Any]) -> None:
    """Write a matrix that only translates as a translation (the same transform, shorter)."""
    matrix = node.get("matrix")
    if matrix is None or matrix[:12] != [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] or matrix[15] != 1:
        return
    del node["matrix"]
    if any(matrix[12:15]):
        node["translation"] = list(matrix[12:15])


def _max_scale(matrix: npt.NDArray[np.float64] | None) -> float:
    if matrix is None:
        return 1.0
    return float(np.max(np.linalg.norm(matrix[:3, :3], axis=0))) or 1.0


def _dequantize(offset: npt.NDArray[np.float64], step: float) -> dict[str, Any]:
    return {"translation": [float(v) for v in offset], "scale": [step, step, step]}


def _encode(
    parts: GlbParts,
    primitive: _Primitive,
    offset: npt.NDArray[np.float64],
    step: float,
    scale: float,
    uv_grids: dict[tuple[int, int], UvGrid],
    report: PackReport,
    cache: dict[bytes, int],
) -> dict[str, Any]:
    """Quantize, weld and optimize `primitive`; add its accessors; its new fields."""
    import meshoptimizer  # type: ignore[import-untyped,unused-ignore]

    encoded: dict[str, Encoded] = {}
    for name in sorted(primitive.attributes):
        values = primitive.attributes[name]
        grid = None
        if name.startswith("TEXCOORD_") and primitive.material is not None:
            grid = uv_grids.get((primitive.material, int(name.split("_")[1])))
        position = (offset, step, scale) if name == "POSITION" else None
        encoded[name] = encode_attribute(name, values, position=position, uv=grid)
        report.errors.merge(encoded[name].errors)
    rows = np.hstack([encoded[name].rows for name in encoded])
    # Weld vertices that quantized to the same bytes (kept in first-seen order).
    keys = np.ascontiguousarray(rows).view(np.dtype((np.void, rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    rows = rows[first[order]]
    triangles = rank[inverse.reshape(-1)][primitive.indices].reshape(-1, 3)
    # A triangle two of whose corners quantized to one position has no area: drop it.
    corners = encoded["POSITION"].rows[primitive.indices].reshape(-1, 3, 8)
    keep = ~(
        np.all(corners[:, 0] == corners[:, 1], axis=1)
        | np.all(corners[:, 1] == corners[:, 2], axis=1)
        | np.all(corners[:, 0] == corners[:, 2], axis=1)
    )
    indices = np.ascontiguousarray(triangles[keep].reshape(-1), dtype=np.uint32)
    if len(indices):
        cached = np.zeros_like(indices)
        meshoptimizer.optimize_vertex_cache_strip(cached, indices, len(indices), len(rows))
        remap = np.zeros(len(rows), dtype=np.uint32)
        count = meshoptimizer.optimize_vertex_fetch_remap(remap, cached, len(cached), len(rows))
        used = remap != 0xFFFFFFFF
        fetched = np.zeros((count, rows.shape[1]), dtype=np.uint8)
        fetched[remap[used]] = rows[used]
        rows, indices = fetched, remap[cached]
    else:  # every triangle collapsed: keep one vertex so the accessors stay valid
        rows, indices = rows[:1], np.zeros(3, dtype=np.uint32)
    fields: dict[str, Any] = {"attributes": {}}
    column = 0
    for name, part in encoded.items():
        width = part.rows.shape[1]
        data = np.ascontiguousarray(rows[:, column : column + width])
        column += width
        accessor = dict(part.accessor, count=len(data))
        if name == "POSITION":
            q = data.view(np.uint16)[:, :3]
            accessor["min"] = [int(v) for v in q.min(axis=0)]
            accessor["max"] = [int(v) for v in q.max(axis=0)]
        if part.filter is not None:
            accessor[FILTER_KEY] = part.filter
        fields["attributes"][name] = add_accessor(parts, cache, accessor, data.tobytes(), width)
    index_type = (np.uint16, 5123) if len(rows) <= 65535 else (np.uint32, 5125)
    index_accessor = {"componentType": index_type[1], "count": len(indices), "type": "SCALAR"}
    fields["indices"] = add_accessor(
        parts, cache, index_accessor, indices.astype(index_type[0]).tobytes(), None
    )
    report.quantized_primitives += 1
    return fields


def _removable(nodes: list[dict[str, Any]], graph: Plan) -> set[int]:
    """Scene nodes outside the plan with no mesh left and nothing kept below them."""
    removable: set[int] = set()

    def visit(index: int) -> bool:
        node = nodes[index]
        results = [visit(child) for child in node.get("children", [])]  # visit every child
        children_ok = all(results)
        ok = (
            children_ok
            and index in graph.in_scene
            and index not in graph.pinned
            and index not in graph.ancestors
            and "mesh" not in node
        )
        if ok:
            removable.add(index)
        return ok

    parents = {c for node in nodes for c in node.get("children", [])}
    for root in range(len(nodes)):
        if root not in parents:
            visit(root)
    return removable
