"""Editing the data of a self-contained GLB: split it into buffer views, read accessors, drop
what nothing uses, and lay the views out again into a new GLB.

The packager's post-processing steps (texture downscaling in `content_tools.textures`, geometry
compression in `content_tools.compress`) work on a `GlbParts`: the glTF JSON document plus the
bytes of every buffer view. `write_glb` lays the views out in order (each 4-byte aligned) in the
GLB's binary chunk; a view given as a `MeshoptView` is stored compressed and its decoded bytes
are placed in an EXT_meshopt_compression fallback buffer that holds no data. Everything here is
deterministic: the same parts give the same bytes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from content_tools.errors import ModelError
from content_tools.glb import build_glb, parse_glb

__all__ = [
    "COMPONENT_DTYPES",
    "TYPE_COMPONENTS",
    "GlbParts",
    "MeshoptView",
    "accessor_rows",
    "accessor_values",
    "element_size",
    "remove_unused",
    "split_glb",
    "views_used_by_geometry",
    "write_glb",
]

COMPONENT_DTYPES: dict[int, np.dtype[Any]] = {
    5120: np.dtype("<i1"),
    5121: np.dtype("<u1"),
    5122: np.dtype("<i2"),
    5123: np.dtype("<u2"),
    5125: np.dtype("<u4"),
    5126: np.dtype("<f4"),
}
TYPE_COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
MESHOPT = "EXT_meshopt_compression"
_ALIGNMENT = 4


@dataclass(frozen=True, slots=True)
class MeshoptView:
    """A buffer view stored with EXT_meshopt_compression: `encoded` goes into the binary chunk,
    the decoded `byte_length` bytes live in the fallback buffer (which has no data)."""

    encoded: bytes
    byte_length: int


@dataclass(slots=True)
class GlbParts:
    """A GLB as its JSON document and the bytes of each buffer view (in document order)."""

    document: dict[str, Any]
    views: list[bytes | MeshoptView]
    """The bytes of each buffer view; a MeshoptView once compressed (see `write_glb`)."""
    path: Path
    """The model's path, for error messages."""


def split_glb(glb: bytes, *, path: Path) -> GlbParts:
    """Split a self-contained GLB (at most one buffer: the binary chunk) into its parts."""
    document, binary = parse_glb(glb, path=path)
    document = copy.deepcopy(document)
    if MESHOPT in document.get("extensionsUsed", []):
        raise ModelError(f"the model already uses {MESHOPT}", path=path)
    buffers = document.get("buffers", [])
    if len(buffers) > 1 or any("uri" in buffer for buffer in buffers):
        raise ModelError(
            "the GLB is not self-contained (it has more than its own buffer)", path=path
        )
    data = binary or b""
    views: list[bytes | MeshoptView] = []
    for index, view in enumerate(document.get("bufferViews", [])):
        start, length = view.get("byteOffset", 0), view.get("byteLength", 0)
        if view.get("buffer") != 0 or start + length > len(data):
            raise ModelError(f"bufferViews[{index}] is outside the GLB's binary chunk", path=path)
        views.append(data[start : start + length])
    return GlbParts(document=document, views=views, path=path)


def element_size(accessor: dict[str, Any]) -> int:
    """Bytes of one element of `accessor` (without padding)."""
    return COMPONENT_DTYPES[accessor["componentType"]].itemsize * TYPE_COMPONENTS[accessor["type"]]


def accessor_rows(parts: GlbParts, index: int) -> npt.NDArray[np.uint8]:
    """The raw bytes of accessor `index`: an array (count, element size) of uint8.

    Sparse accessors and accessors without a buffer view are refused (ModelError); matrices
    with column padding (byte/short MAT2, MAT3) are read as they are stored in the view."""
    accessor = parts.document["accessors"][index]
    if "bufferView" not in accessor or "sparse" in accessor:
        raise ModelError(f"accessors[{index}] has no plain buffer view", path=parts.path)
    view = parts.document["bufferViews"][accessor["bufferView"]]
    data = parts.views[accessor["bufferView"]]
    if not isinstance(data, bytes):
        raise ModelError(f"accessors[{index}] is compressed already", path=parts.path)
    size = element_size(accessor)
    stride = view.get("byteStride", size)
    count = accessor["count"]
    start = accessor.get("byteOffset", 0)
    if count and start + (count - 1) * stride + size > len(data):
        raise ModelError(
            f"accessors[{index}] runs past the end of its buffer view", path=parts.path
        )
    raw = np.frombuffer(data, dtype=np.uint8)
    rows = np.lib.stride_tricks.as_strided(
        raw[start:], shape=(count, size), strides=(stride, 1), writeable=False
    )
    return np.ascontiguousarray(rows)


def accessor_values(parts: GlbParts, index: int) -> npt.NDArray[Any]:
    """The values of accessor `index` as an array (count, components) of its component type."""
    accessor = parts.document["accessors"][index]
    dtype = COMPONENT_DTYPES[accessor["componentType"]]
    rows = accessor_rows(parts, index)
    return rows.view(dtype).reshape(accessor["count"], TYPE_COMPONENTS[accessor["type"]])


def views_used_by_geometry(document: dict[str, Any]) -> set[int]:
    """The buffer views that accessors or KHR_draco_mesh_compression refer to."""
    images = {id(image) for image in document.get("images", [])}
    return {ref.get() for ref in _view_refs(document) if id(ref.container) not in images}


def remove_unused(parts: GlbParts) -> None:
    """Drop accessors that nothing refers to, then buffer views that nothing refers to, and
    renumber the references (in place). Only call this on documents whose extensions are all
    known to `content_tools.compress` (other extensions might refer to either)."""
    _drop_unreferenced(parts.document, "accessors", _accessor_refs)
    keep_views = _drop_unreferenced(parts.document, "bufferViews", _view_refs)
    if keep_views is not None:
        parts.views = [parts.views[index] for index in keep_views]


def _drop_unreferenced(
    document: dict[str, Any], key: str, refs: Callable[[dict[str, Any]], Iterable[_Ref]]
) -> list[int] | None:
    """Drop the items of document[key] that no reference in `refs(document)` names and
    renumber the references; the old indices of the kept items, None when all were used."""
    used = {ref.get() for ref in refs(document)}
    items = document.get(key, [])
    keep = [index for index in range(len(items)) if index in used]
    if len(keep) == len(items):
        return None
    new_index = {old: new for new, old in enumerate(keep)}
    for ref in list(refs(document)):
        ref.set(new_index[ref.get()])
    document[key] = [items[index] for index in keep]
    if not document[key]:
        del document[key]
    return keep


def write_glb(document: dict[str, Any], views: Sequence[bytes | MeshoptView]) -> bytes:
    """A GLB of `document` whose buffer views hold `views` (one per entry of
    document["bufferViews"], which gets its buffer, byteOffset and byteLength set)."""
    document = copy.deepcopy(document)
    specs: list[dict[str, Any]] = document.get("bufferViews", [])
    if len(specs) != len(views):
        raise ValueError(f"{len(specs)} buffer views but {len(views)} datas")
    blob = bytearray()
    fallback_length = 0
    for spec, data in zip(specs, views, strict=True):
        blob += b"\x00" * (-len(blob) % _ALIGNMENT)
        if isinstance(data, MeshoptView):
            fallback_length += -fallback_length % _ALIGNMENT
            spec.update(buffer=1, byteOffset=fallback_length, byteLength=data.byte_length)
            extension = spec["extensions"][MESHOPT]
            extension.update(buffer=0, byteOffset=len(blob), byteLength=len(data.encoded))
            fallback_length += data.byte_length
            blob += data.encoded
        else:
            spec.update(buffer=0, byteOffset=len(blob), byteLength=len(data))
            blob += data
    buffers: list[dict[str, Any]] = []
    if blob:
        buffers.append({"byteLength": len(blob)})
    if fallback_length:  # buffer 1: a MeshoptView always puts data into buffer 0
        buffers.append({"byteLength": fallback_length, "extensions": {MESHOPT: {"fallback": True}}})
    if buffers:
        document["buffers"] = buffers
    else:
        document.pop("buffers", None)
    for spec in specs:  # byteOffset 0 is the default: leave it out like other writers do
        if spec.get("byteOffset") == 0:
            del spec["byteOffset"]
    return build_glb(document, bytes(blob) if blob else None)


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    container: Any
    key: Any

    def get(self) -> int:
        value: int = self.container[self.key]
        return value

    def set(self, value: int) -> None:
        self.container[self.key] = value


def _accessor_refs(document: dict[str, Any]) -> Iterator[_Ref]:
    for mesh in document.get("meshes", []):
        for primitive in mesh.get("primitives", []):
            attributes = primitive.get("attributes", {})
            yield from (_Ref(attributes, name) for name in sorted(attributes))
            if "indices" in primitive:
                yield _Ref(primitive, "indices")
            for target in primitive.get("targets", []):
                yield from (_Ref(target, name) for name in sorted(target))
    for skin in document.get("skins", []):
        if "inverseBindMatrices" in skin:
            yield _Ref(skin, "inverseBindMatrices")
    for animation in document.get("animations", []):
        for sampler in animation.get("samplers", []):
            yield _Ref(sampler, "input")
            yield _Ref(sampler, "output")
    for node in document.get("nodes", []):
        instancing = node.get("extensions", {}).get("EXT_mesh_gpu_instancing", {})
        attributes = instancing.get("attributes", {})
        yield from (_Ref(attributes, name) for name in sorted(attributes))


def _view_refs(document: dict[str, Any]) -> Iterator[_Ref]:
    for accessor in document.get("accessors", []):
        if "bufferView" in accessor:
            yield _Ref(accessor, "bufferView")
        sparse = accessor.get("sparse")
        if sparse:
            yield _Ref(sparse["indices"], "bufferView")
            yield _Ref(sparse["values"], "bufferView")
    for image in document.get("images", []):
        if "bufferView" in image:
            yield _Ref(image, "bufferView")
    for mesh in document.get("meshes", []):
        for primitive in mesh.get("primitives", []):
            draco = primitive.get("extensions", {}).get("KHR_draco_mesh_compression")
            if draco is not None:
                yield _Ref(draco, "bufferView")
