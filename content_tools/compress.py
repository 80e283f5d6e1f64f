"""Geometry compression for packaged models: EXT_meshopt_compression or KHR_draco_mesh_compression.

All are deterministic: the same GLB and the same encoder versions give the same bytes.

meshopt (PyPI `meshoptimizer`; what the headsets should get):
    packed like `gltfpack -kn -cc`, keeping every node the script names (`keep_names`) with
    its name, transform and mesh, and the nodes above them with their names and transforms;
    other static meshes are merged per material, every triangle mesh is quantized
    (KHR_mesh_quantization; positions within half a millimetre per axis, normals within
    1.2 degrees with the octahedral filter, texture coordinates within 1/8 texel, colours as
    bytes), welded and ordered for the vertex cache and fetch (`content_tools.meshpack`),
    then stored like meshopt-lossless, each filtered stream naming its filter.
meshopt-lossless (the same library):
    keeps the scene graph as it is (every node, its name, parent and transform; meshes,
    materials, images) and every vertex exact. Vertex attributes and indices of mesh
    primitives are gathered into one stream per attribute (POSITION, NORMAL, ...) and index
    size, and each stream is stored with the meshopt codecs (vertex codec version 0 as
    EXT_meshopt_compression requires; index codec version 1). The decoded data lives in a
    fallback buffer that holds no bytes, so the extension is required
    (`extensionsRequired`). three.js: GLTFLoader.setMeshoptDecoder.
draco (PyPI `DracoPy`, Google's Draco; keeps the scene graph as it is):
    lossy quantization (positions 14 bits, normals 10, texture coordinates 12) and the
    edgebreaker codec. Triangle primitives whose attributes are float POSITION, NORMAL and
    TEXCOORD_0 are compressed (primitives that share accessors share the compressed data);
    others are left as they are. The extension is required. three.js: DRACOLoader.

Compressing a model that uses an extension this module does not know (it might refer to
accessors or buffer views) is refused with a ModelError.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from content_tools.errors import ModelError
from content_tools.glb_parts import (
    MESHOPT,
    GlbParts,
    MeshoptView,
    accessor_rows,
    accessor_values,
    element_size,
    remove_unused,
)
from content_tools.meshpack import FILTER_KEY, PackReport, pack

__all__ = [
    "COMPRESSIONS",
    "DRACO",
    "Compression",
    "CompressionReport",
    "compress_parts",
    "encoder_version",
]

Compression = Literal["none", "meshopt", "meshopt-lossless", "draco"]
COMPRESSIONS: tuple[str, ...] = get_args(Compression)
DRACO = "KHR_draco_mesh_compression"

DRACO_POSITION_BITS = 14
DRACO_NORMAL_BITS = 10
DRACO_TEXCOORD_BITS = 12
DRACO_COMPRESSION_LEVEL = 7  # 0 fastest .. 10 smallest; decoding speed barely changes

_ARRAY_BUFFER = 34962
_ELEMENT_ARRAY_BUFFER = 34963
_TRIANGLES = 4
# Extensions that refer to no accessor or buffer view (or only in ways handled here).
_KNOWN_EXTENSIONS = {
    "KHR_texture_transform",
    "KHR_lights_punctual",
    "KHR_mesh_quantization",
    "KHR_texture_basisu",
    "KHR_xmp_json_ld",
    "KHR_animation_pointer",
    "EXT_texture_webp",
    "EXT_texture_avif",
    "EXT_mesh_gpu_instancing",
}
# Draco attribute types (draco::GeometryAttribute::Type) of the glTF attributes we compress.
_DRACO_TYPES = {"POSITION": 0, "NORMAL": 1, "COLOR_0": 2, "TEXCOORD_0": 3}
_DRACO_SHAPES = {"POSITION": "VEC3", "NORMAL": "VEC3", "COLOR_0": "VEC4", "TEXCOORD_0": "VEC2"}
# Float attributes, except baked vertex colours: normalized unsigned bytes, kept exactly.
_DRACO_COMPONENTS = {"COLOR_0": 5121}


@dataclass(frozen=True, slots=True)
class CompressionReport:
    method: str
    encoder: str | None
    """The encoder library and version ("meshoptimizer 0.2.30a0"), None for "none"."""
    compressed: int
    """meshopt: accessors stored compressed; draco: primitives stored compressed."""
    left_uncompressed: int
    """Accessors (meshopt) or primitives (draco) that had to be left as they were."""
    packing: PackReport | None = None
    """What "meshopt" merged and quantized, and the largest errors it made."""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["packing"] = None if self.packing is None else self.packing.as_json()
        return data


def encoder_version(method: str) -> str | None:
    """`<package> <version>` of the library that encodes `method`, or None for "none"."""
    package = {"draco": "DracoPy"}.get(method, "meshoptimizer" if "meshopt" in method else None)
    if package is None:
        return None
    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return f"{package} unknown"


def compress_parts(
    parts: GlbParts, method: Compression, keep_names: frozenset[str] | None = None
) -> CompressionReport:
    """Compress the geometry of `parts` in place (write it with `glb_parts.write_glb`).

    `keep_names`: the node names "meshopt" keeps as they are (the script's nodes and the spawn
    node); None keeps every named node, like gltfpack -kn."""
    if method not in COMPRESSIONS:
        raise ValueError(f"unknown compression {method!r}")
    if method == "none":
        return CompressionReport("none", None, 0, 0)
    _check_extensions(parts)
    if method == "meshopt":
        packing = pack(parts, keep_names)
        report = _meshopt(parts, method)
        return CompressionReport(
            method, report.encoder, report.compressed, report.left_uncompressed, packing
        )
    if method == "meshopt-lossless":
        return _meshopt(parts, method)
    return _draco(parts)


# ---------------------------------------------------------------------------------------------


def _library(name: str) -> ModuleType:
    """Import an encoder (untyped C extensions: used through ModuleType, i.e. as Any)."""
    return importlib.import_module(name)


def _check_extensions(parts: GlbParts) -> None:
    used = parts.document.get("extensionsUsed", [])
    for name in used:
        if name in (MESHOPT, DRACO):
            raise ModelError(
                f"the model is already compressed ({name}): package it with --compress none",
                path=parts.path,
            )
        if not (name in _KNOWN_EXTENSIONS or name.startswith("KHR_materials_")):
            raise ModelError(
                f"cannot compress a model that uses {name} (an extension the packager does not "
                "know); package it with --compress none",
                path=parts.path,
            )


def _add_required(document: dict[str, Any], name: str) -> None:
    for key in ("extensionsUsed", "extensionsRequired"):
        names = set(document.get(key, []))
        names.add(name)
        document[key] = sorted(names)


# meshopt -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Stream:
    kind: Literal["attributes", "indices"]
    mode: str  # ATTRIBUTES, TRIANGLES or INDICES
    stride: int
    accessors: list[int]
    filter: str | None = None
    vertices: bool = True


def _meshopt(parts: GlbParts, method: str) -> CompressionReport:
    meshoptimizer = _library("meshoptimizer")
    document = parts.document
    accessors: list[dict[str, Any]] = document.get("accessors", [])
    roles: dict[int, set[tuple[str, Any]]] = {}
    for mesh in document.get("meshes", []):
        for primitive in mesh.get("primitives", []):
            mode = primitive.get("mode", _TRIANGLES)
            for name, index in primitive.get("attributes", {}).items():
                roles.setdefault(index, set()).add(("attribute", name))
            for target in primitive.get("targets", []):
                for name, index in target.items():
                    roles.setdefault(index, set()).add(("attribute", f"target {name}"))
            if "indices" in primitive:
                roles.setdefault(primitive["indices"], set()).add(("indices", mode))
    other: set[int] = set()
    for skin in document.get("skins", []):
        other.add(skin.get("inverseBindMatrices", -1))
    for animation in document.get("animations", []):
        for sampler in animation.get("samplers", []):
            other |= {sampler.get("input", -1), sampler.get("output", -1)}
    for node in document.get("nodes", []):
        instancing = node.get("extensions", {}).get("EXT_mesh_gpu_instancing", {})
        other |= set(instancing.get("attributes", {}).values())

    filters = {i: a.pop(FILTER_KEY) for i, a in enumerate(accessors) if FILTER_KEY in a}
    for index, name in filters.items():  # animation data that "meshopt" filtered
        if index not in roles:
            roles[index] = {("attribute", f"animation {name}")}
            other.discard(index)
    streams: dict[tuple[Any, ...], _Stream] = {}
    left = 0
    for index in sorted(roles):
        accessor = accessors[index]
        kinds = {kind for kind, _ in roles[index]}
        if (
            index in other
            or len(kinds) != 1
            or "bufferView" not in accessor
            or "sparse" in accessor
            or accessor.get("count", 0) < 1
        ):
            left += 1
            continue
        if kinds == {"attribute"}:
            stride = -(-element_size(accessor) // 4) * 4
            semantic = min(name for _, name in roles[index])
            filtered = filters.get(index)
            key: tuple[Any, ...] = ("attributes", semantic, stride, filtered or "")
            vertex_data = not semantic.startswith("animation ")
            stream = streams.setdefault(
                key, _Stream("attributes", "ATTRIBUTES", stride, [], filtered, vertex_data)
            )
        else:
            if accessor["type"] != "SCALAR" or accessor["componentType"] not in (5121, 5123, 5125):
                left += 1
                continue
            size = 4 if accessor["componentType"] == 5125 else 2
            triangles = all(mode == _TRIANGLES for _, mode in roles[index])
            mode = "TRIANGLES" if triangles and accessor["count"] % 3 == 0 else "INDICES"
            key = ("indices", mode, size)
            stream = streams.setdefault(key, _Stream("indices", mode, size, []))
        stream.accessors.append(index)

    meshoptimizer.encode_vertex_version(0)  # EXT_meshopt_compression: vertex codec version 0
    meshoptimizer.encode_index_version(1)
    compressed = 0
    for stream in streams.values():
        view_index = len(parts.views)
        chunks: list[npt.NDArray[Any]] = []
        offset = 0  # in elements
        for index in stream.accessors:
            accessor = accessors[index]
            if stream.kind == "attributes":
                rows = accessor_rows(parts, index)
                padded = np.zeros((len(rows), stream.stride), dtype=np.uint8)
                padded[:, : rows.shape[1]] = rows
                chunks.append(padded)
            else:
                values = accessor_values(parts, index).reshape(-1).astype(np.uint32)
                chunks.append(values)
                if accessor["componentType"] == 5121:  # meshopt indices are 2 or 4 bytes
                    accessor["componentType"] = 5123
            accessor["bufferView"] = view_index
            accessor.pop("byteOffset", None)
            if offset:
                accessor["byteOffset"] = offset * stream.stride
            offset += accessor["count"]
            compressed += 1
        data = np.concatenate(chunks)
        count = len(data)
        spec: dict[str, Any] = {"buffer": 1, "byteLength": count * stream.stride}
        if stream.kind == "attributes":
            encoded = meshoptimizer.encode_vertex_buffer(data, count, stream.stride)
            if stream.vertices:  # animation data has no stride or target in glTF
                spec["byteStride"] = stream.stride
                spec["target"] = _ARRAY_BUFFER
        else:
            vertices = int(data.max()) + 1
            encode = (
                meshoptimizer.encode_index_buffer
                if stream.mode == "TRIANGLES"
                else meshoptimizer.encode_index_sequence
            )
            encoded = encode(data, count, vertices)
            spec["target"] = _ELEMENT_ARRAY_BUFFER
        spec["extensions"] = {
            MESHOPT: {"byteStride": stream.stride, "count": count, "mode": stream.mode}
        }
        if stream.filter is not None:
            spec["extensions"][MESHOPT]["filter"] = stream.filter
        document.setdefault("bufferViews", []).append(spec)
        parts.views.append(MeshoptView(bytes(encoded), count * stream.stride))
    remove_unused(parts)
    if compressed:
        _add_required(document, MESHOPT)
    return CompressionReport(method, encoder_version(method), compressed, left)


# draco ---------------------------------------------------------------------------------------


def _draco(parts: GlbParts) -> CompressionReport:
    document = parts.document
    accessors: list[dict[str, Any]] = document.get("accessors", [])
    done: dict[str, dict[str, Any]] = {}  # primitive key -> the primitive's new fields
    compressed = left = 0
    for mesh in document.get("meshes", []):
        for primitive in mesh.get("primitives", []):
            if not _draco_eligible(primitive, accessors):
                left += 1
                continue
            key = json.dumps([primitive["attributes"], primitive.get("indices")], sort_keys=True)
            if key not in done:
                done[key] = _draco_encode(parts, primitive)
            fields = done[key]
            primitive["attributes"] = dict(fields["attributes"])
            primitive["indices"] = fields["indices"]
            primitive.setdefault("extensions", {})[DRACO] = {
                "bufferView": fields["bufferView"],
                "attributes": dict(fields["ids"]),
            }
            compressed += 1
    remove_unused(parts)
    if compressed:
        _add_required(document, DRACO)
    return CompressionReport("draco", encoder_version("draco"), compressed, left)


def _draco_eligible(primitive: dict[str, Any], accessors: list[dict[str, Any]]) -> bool:
    attributes: dict[str, int] = primitive.get("attributes", {})
    if primitive.get("mode", _TRIANGLES) != _TRIANGLES or primitive.get("targets"):
        return False
    if "POSITION" not in attributes or not set(attributes) <= set(_DRACO_TYPES):
        return False
    for name, index in attributes.items():
        accessor = accessors[index]
        if (
            accessor.get("componentType") != _DRACO_COMPONENTS.get(name, 5126)
            or (name in _DRACO_COMPONENTS and accessor.get("normalized") is not True)
            or accessor.get("type") != _DRACO_SHAPES[name]
            or "bufferView" not in accessor
            or "sparse" in accessor
        ):
            return False
    if "indices" in primitive:
        indices = accessors[primitive["indices"]]
        if "bufferView" not in indices or "sparse" in indices or indices["count"] < 3:
            return False
    return bool(accessors[attributes["POSITION"]].get("count", 0) >= 3)


def _draco_encode(parts: GlbParts, primitive: dict[str, Any]) -> dict[str, Any]:
    draco = _library("DracoPy")
    document = parts.document
    attributes: dict[str, int] = primitive["attributes"]
    points = accessor_values(parts, attributes["POSITION"]).astype(np.float32)
    if "indices" in primitive:
        indices = accessor_values(parts, primitive["indices"]).reshape(-1).astype(np.uint32)
    else:
        indices = np.arange(len(points), dtype=np.uint32)
    faces = indices[: len(indices) - len(indices) % 3].reshape(-1, 3)
    if len(faces) and int(faces.max()) >= len(points):
        raise ModelError("a primitive's indices point past its vertices", path=parts.path)
    extra: dict[str, Any] = {}
    if "NORMAL" in attributes:
        extra["normals"] = accessor_values(parts, attributes["NORMAL"]).astype(np.float64)
        extra["normal_quantization_bits"] = DRACO_NORMAL_BITS
    if "COLOR_0" in attributes:
        extra["colors"] = accessor_values(parts, attributes["COLOR_0"]).astype(np.uint8)
    if "TEXCOORD_0" in attributes:
        extra["tex_coord"] = accessor_values(parts, attributes["TEXCOORD_0"]).astype(np.float64)
        extra["tex_coord_quantization_bits"] = DRACO_TEXCOORD_BITS
    try:
        encoded = bytes(
            draco.encode(
                points,
                faces,
                quantization_bits=DRACO_POSITION_BITS,
                compression_level=DRACO_COMPRESSION_LEVEL,
                preserve_order=False,
                **extra,
            )
        )
        decoded = draco.decode(encoded)
    except Exception as exc:  # DracoPy raises its own exceptions and AssertionError
        raise ModelError(f"Draco cannot encode a primitive: {exc}", path=parts.path) from exc
    decoded_points = np.asarray(decoded.points, dtype=np.float32).reshape(-1, 3)
    decoded_faces = np.asarray(decoded.faces).reshape(-1, 3)
    count = len(decoded_points)
    ids: dict[str, int] = {}
    for name in sorted(attributes):
        attribute = decoded.get_attribute_by_type(_DRACO_TYPES[name])
        if attribute is None:
            raise ModelError(f"Draco dropped the {name} attribute", path=parts.path)
        ids[name] = int(attribute["unique_id"])
    accessors: list[dict[str, Any]] = document.setdefault("accessors", [])
    new_attributes: dict[str, int] = {}
    for name in sorted(attributes):
        accessor: dict[str, Any] = {"componentType": 5126, "count": count}
        accessor["type"] = _DRACO_SHAPES[name]
        if name in _DRACO_COMPONENTS:
            accessor.update(componentType=_DRACO_COMPONENTS[name], normalized=True)
        if name == "POSITION":
            accessor["min"] = [float(v) for v in decoded_points.min(axis=0)]
            accessor["max"] = [float(v) for v in decoded_points.max(axis=0)]
        accessors.append(accessor)
        new_attributes[name] = len(accessors) - 1
    index_type = 5123 if count <= 65535 else 5125
    accessors.append(
        {"componentType": index_type, "count": len(decoded_faces) * 3, "type": "SCALAR"}
    )
    document.setdefault("bufferViews", []).append({"buffer": 0, "byteLength": len(encoded)})
    parts.views.append(encoded)
    return {
        "attributes": new_attributes,
        "indices": len(accessors) - 1,
        "bufferView": len(parts.views) - 1,
        "ids": ids,
    }
