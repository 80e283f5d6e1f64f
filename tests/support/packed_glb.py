"""Reading back what `vr-content package --compress meshopt` wrote, independently of the
packer: decode the EXT_meshopt_compression views (and their filters) with meshoptimizer's
decoders, dequantize accessors, apply node transforms and KHR_texture_transform, and list every
triangle in world space with its corners' attributes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import meshoptimizer  # type: ignore[import-untyped,unused-ignore]
import numpy as np
import numpy.typing as npt

from content_tools.meshpack.graph import world_matrices

__all__ = ["Corners", "accessor_values", "decoded_buffer", "world_triangles"]

_DTYPES = {5120: "<i1", 5121: "<u1", 5122: "<i2", 5123: "<u2", 5125: "<u4", 5126: "<f4"}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}
_NORMALIZED = {5120: 127.0, 5121: 255.0, 5122: 32767.0, 5123: 65535.0}


@dataclass
class Corners:
    """One primitive's triangles in world space: (triangles, 3, k) per attribute."""

    node: int
    material: int | None
    attributes: dict[str, npt.NDArray[np.float64]]
    mirrored: bool
    """The node's world transform mirrors: the GPU takes the other winding as the front."""


def decoded_buffer(document: dict[str, Any], binary: bytes) -> bytes:
    """Buffer 1 (the meshopt fallback) decoded from every compressed view, filters undone;
    asserts the views are laid out as EXT_meshopt_compression requires."""
    fallback = bytearray(document["buffers"][1]["byteLength"])
    for view in document["bufferViews"]:
        ext = view.get("extensions", {}).get("EXT_meshopt_compression")
        if ext is None:
            continue
        data = np.frombuffer(
            binary, dtype=np.uint8, count=ext["byteLength"], offset=ext.get("byteOffset", 0)
        )
        assert ext["buffer"] == 0
        assert view["buffer"] == 1
        count, stride = ext["count"], ext["byteStride"]
        if ext["mode"] == "ATTRIBUTES":
            assert data[0] == 0xA0, "EXT_meshopt_compression needs vertex codec version 0"
            raw = np.asarray(meshoptimizer.decode_vertex_buffer(count, stride, data))
            raw = raw.view(np.uint8).reshape(-1)
            undo = {
                "OCTAHEDRAL": meshoptimizer.decode_filter_oct,
                "QUATERNION": meshoptimizer.decode_filter_quat,
                "EXPONENTIAL": meshoptimizer.decode_filter_exp,
            }.get(ext.get("filter", "NONE"))
            if undo is not None:
                raw = np.asarray(undo(raw, count, stride)).view(np.uint8).reshape(-1)
            decoded = raw.tobytes()
        else:
            decode = (
                meshoptimizer.decode_index_buffer
                if ext["mode"] == "TRIANGLES"
                else meshoptimizer.decode_index_sequence
            )
            values = np.asarray(decode(count, 4, data), dtype="<u4")
            decoded = values.astype("<u2" if stride == 2 else "<u4").tobytes()
        assert len(decoded) == view["byteLength"] == count * stride
        start = view.get("byteOffset", 0)
        fallback[start : start + len(decoded)] = decoded
    return bytes(fallback)


def accessor_values(
    document: dict[str, Any], buffers: list[bytes], index: int
) -> npt.NDArray[np.float64]:
    """Accessor `index` as floats (normalized integers mapped to -1..1 or 0..1)."""
    accessor = document["accessors"][index]
    view = document["bufferViews"][accessor["bufferView"]]
    width = _WIDTH[accessor["type"]]
    dtype = np.dtype(_DTYPES[accessor["componentType"]])
    stride = view.get("byteStride", dtype.itemsize * width)
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    data = buffers[view["buffer"]]
    rows = [
        np.frombuffer(data, dtype=dtype, count=width, offset=start + i * stride)
        for i in range(accessor["count"])
    ]
    values = np.array(rows, dtype=np.float64).reshape(accessor["count"], width)
    if accessor.get("normalized"):
        values = np.maximum(values / _NORMALIZED[accessor["componentType"]], -1.0)
    return values


def _uv_matrix(info: dict[str, Any]) -> npt.NDArray[np.float64]:
    transform = info.get("extensions", {}).get("KHR_texture_transform", {})
    ox, oy = transform.get("offset", (0.0, 0.0))
    sx, sy = transform.get("scale", (1.0, 1.0))
    r = transform.get("rotation", 0.0)
    translation = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]], dtype=np.float64)
    rotation = np.array([[math.cos(r), math.sin(r), 0], [-math.sin(r), math.cos(r), 0], [0, 0, 1]])
    scale = np.diag([sx, sy, 1.0])
    matrix: npt.NDArray[np.float64] = translation @ rotation @ scale
    return matrix


def world_triangles(document: dict[str, Any], binary: bytes) -> list[Corners]:
    """Every triangle primitive shown by a node, in world space. Texture coordinates come out
    as the material's first texture using the set samples them (its transform applied)."""
    buffers = [binary]
    if len(document.get("buffers", [])) > 1:
        buffers.append(decoded_buffer(document, binary))
    world = world_matrices(document)
    found = []
    for n, node in enumerate(document.get("nodes", [])):
        if "mesh" not in node or n not in world:
            continue
        matrix = world[n]
        for primitive in document["meshes"][node["mesh"]]["primitives"]:
            indices = (
                accessor_values(document, buffers, primitive["indices"]).reshape(-1).astype(int)
            )
            attributes = {}
            for name, index in primitive["attributes"].items():
                values = accessor_values(document, buffers, index)
                if name == "POSITION":
                    values = values @ matrix[:3, :3].T + matrix[:3, 3]
                elif name in ("NORMAL", "TANGENT"):
                    linear = matrix[:3, :3]
                    xyz = values[:, :3] @ (np.linalg.inv(linear) if name == "NORMAL" else linear.T)
                    values = values.copy()
                    values[:, :3] = xyz / np.linalg.norm(xyz, axis=1, keepdims=True)
                elif name.startswith("TEXCOORD_") and "material" in primitive:
                    infos = _infos(document["materials"][primitive["material"]])
                    wanted = int(name.split("_")[1])
                    using = [i for i in infos if _tex_coord(i) == wanted]
                    if using:
                        uv = _uv_matrix(using[0])
                        values = values @ uv[:2, :2].T + uv[:2, 2]
                attributes[name] = values[indices].reshape(-1, 3, values.shape[1])
            mirrored = bool(np.linalg.det(matrix[:3, :3]) < 0)
            found.append(Corners(n, primitive.get("material"), attributes, mirrored))
    return found


def _infos(material: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[Any] = [material]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key.endswith("Texture") and isinstance(item, dict) and "index" in item:
                    found.append(item)
                else:
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _tex_coord(info: dict[str, Any]) -> int:
    transform = info.get("extensions", {}).get("KHR_texture_transform", {})
    return int(transform.get("texCoord", info.get("texCoord", 0)))
