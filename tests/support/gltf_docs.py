"""glTF documents for tests, built with the standard library only (no numpy, no content_tools).

- `gltf(...)` a document with `asset` and the given top-level properties;
- `pack(component_type, values)` little-endian bytes of an accessor's components;
- `data_uri(data)`, `with_buffer(doc, data)` an embedded buffer (`data:` URI);
- `png(width, height)` a valid PNG image;
- `glb(doc, bin)` a GLB container (JSON chunk, optional BIN chunk);
- `Builder` grows one binary buffer view by view, then writes the document as .gltf with a
  data URI buffer (`.gltf()`) or as GLB (`.glb()`); `Builder.triangle()` is a valid one-mesh
  scene to start from.

Used by the per-code cases (tests/content_tools/validate/codes/) and the generated documents of
the validator's property-based comparison (tests/support/gltf_fuzz.py).
"""

from __future__ import annotations

import base64
import copy
import json
import struct
import zlib
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "ARRAY_BUFFER",
    "BYTE",
    "COMPONENTS",
    "ELEMENT_ARRAY_BUFFER",
    "FLOAT",
    "SHORT",
    "SIZES",
    "UNSIGNED_BYTE",
    "UNSIGNED_INT",
    "UNSIGNED_SHORT",
    "Builder",
    "Doc",
    "accessor_json",
    "case_file_name",
    "data_uri",
    "doc_bytes",
    "glb",
    "gltf",
    "pack",
    "png",
    "with_buffer",
]

Doc = dict[str, Any] | bytes
"""A glTF JSON document, or raw bytes (GLB, broken JSON)."""

BYTE = 5120
UNSIGNED_BYTE = 5121
SHORT = 5122
UNSIGNED_SHORT = 5123
UNSIGNED_INT = 5125
FLOAT = 5126
ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963

_FORMATS = {BYTE: "b", UNSIGNED_BYTE: "B", SHORT: "h", UNSIGNED_SHORT: "H", UNSIGNED_INT: "I"}
_FORMATS[FLOAT] = "f"
SIZES = {BYTE: 1, UNSIGNED_BYTE: 1, SHORT: 2, UNSIGNED_SHORT: 2, UNSIGNED_INT: 4, FLOAT: 4}
COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}


def gltf(**top: Any) -> dict[str, Any]:
    """A glTF document: `asset` (version 2.0) and the given top-level properties."""
    return {"asset": {"version": "2.0"}, **copy.deepcopy(top)}


def pack(component_type: int, values: Sequence[float]) -> bytes:
    """The little-endian bytes of `values` as components of `component_type`."""
    fmt = _FORMATS[component_type]
    if fmt != "f":
        return struct.pack(f"<{len(values)}{fmt}", *(int(v) for v in values))
    return struct.pack(f"<{len(values)}f", *values)


def accessor_json(
    view: int,
    component_type: int,
    type_: str,
    values: Sequence[float],
    *,
    bounds: bool,
    cast: Callable[[float], float] | None = None,
    **members: Any,
) -> dict[str, Any]:
    """An accessor of `type_` over the flat `values` in buffer view `view`, `members` after its
    type; with `bounds`, each column's min and max, through `cast` (default: float for FLOAT
    components, else int)."""
    width = COMPONENTS[type_]
    accessor: dict[str, Any] = {
        "bufferView": view,
        "componentType": component_type,
        "count": len(values) // width,
        "type": type_,
        **members,
    }
    if bounds:
        to = cast or (float if component_type == FLOAT else int)
        columns = [values[i::width] for i in range(width)]
        accessor["min"] = [to(min(c)) for c in columns]
        accessor["max"] = [to(max(c)) for c in columns]
    return accessor


def data_uri(data: bytes, media_type: str = "application/octet-stream") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def with_buffer(doc: dict[str, Any], data: bytes) -> dict[str, Any]:
    """A copy of `doc` with one more buffer holding `data` as a data URI."""
    out = copy.deepcopy(doc)
    out.setdefault("buffers", []).append({"byteLength": len(data), "uri": data_uri(data)})
    return out


def _pad(data: bytes, fill: bytes) -> bytes:
    return data + fill * (-len(data) % 4)


def png(width: int = 1, height: int = 1) -> bytes:
    """A valid 8-bit greyscale PNG of `width` x `height` black pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\0" + b"\0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def glb(doc: dict[str, Any] | bytes, bin_chunk: bytes | None = None, *, tail: bytes = b"") -> bytes:
    """A GLB container: a JSON chunk (`doc`, padded with spaces) and, when given, a BIN chunk
    (padded with zeros); `tail` is appended after the length the header declares."""
    text = doc if isinstance(doc, bytes) else json.dumps(doc, separators=(",", ":")).encode()
    chunks = [(0x4E4F534A, _pad(text, b" "))]
    if bin_chunk is not None:
        chunks.append((0x004E4942, _pad(bin_chunk, b"\0")))
    body = b"".join(struct.pack("<II", len(data), kind) + data for kind, data in chunks)
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body + tail


def doc_bytes(doc: Doc) -> bytes:
    """The file content of a case's document."""
    return doc if isinstance(doc, bytes) else json.dumps(doc, indent=1).encode()


def case_file_name(doc: Doc, stem: str) -> str:
    """`stem.glb` for GLB bytes, `stem.gltf` otherwise."""
    return f"{stem}.glb" if isinstance(doc, bytes) and doc[:4] == b"glTF" else f"{stem}.gltf"


class Builder:
    """One binary buffer grown view by view, and the document that uses it.

    `view()` appends bytes as a buffer view (4-byte aligned); `accessor()` packs values into a
    view of their own and adds an accessor with exact `min`/`max` (float positions need them);
    `.gltf()` writes the buffer as a data URI, `.glb()` as the BIN chunk. The document is
    `self.doc`: edit it freely before writing.
    """

    def __init__(self, **top: Any) -> None:
        self.doc: dict[str, Any] = gltf(**top)
        self.bin = bytearray()

    def view(
        self,
        data: bytes,
        *,
        target: int | None = None,
        byte_stride: int | None = None,
        **extra: Any,
    ) -> int:
        self.bin.extend(b"\0" * (-len(self.bin) % 4))
        view: dict[str, Any] = {"buffer": 0, "byteOffset": len(self.bin), "byteLength": len(data)}
        if view["byteOffset"] == 0:
            del view["byteOffset"]
        if target is not None:
            view["target"] = target
        if byte_stride is not None:
            view["byteStride"] = byte_stride
        view.update(extra)
        self.bin.extend(data)
        views: list[dict[str, Any]] = self.doc.setdefault("bufferViews", [])
        views.append(view)
        return len(views) - 1

    def accessor(
        self,
        values: Sequence[float],
        *,
        type: str = "VEC3",
        component_type: int = FLOAT,
        target: int | None = None,
        bounds: bool = True,
        **extra: Any,
    ) -> int:
        """An accessor over `values` (flat, `type`'s components each), in a view of its own."""
        width = COMPONENTS[type]
        if len(values) % width:
            raise ValueError(f"{len(values)} values are not whole {type} elements")
        view = self.view(pack(component_type, values), target=target)
        accessor = accessor_json(view, component_type, type, values, bounds=bounds)
        accessor.update(extra)
        accessors: list[dict[str, Any]] = self.doc.setdefault("accessors", [])
        accessors.append(accessor)
        return len(accessors) - 1

    def _with_buffer(self, uri: str | None) -> dict[str, Any]:
        out = copy.deepcopy(self.doc)
        if self.bin or "bufferViews" in out:
            buffer: dict[str, Any] = {"byteLength": len(self.bin)}
            if uri is not None:
                buffer["uri"] = uri
            out.setdefault("buffers", []).insert(0, buffer)
        return out

    def gltf(self) -> dict[str, Any]:
        """The document, its buffer 0 embedded as a data URI."""
        return self._with_buffer(data_uri(bytes(self.bin)))

    def glb(self) -> bytes:
        """The document as GLB, buffer 0 being the BIN chunk."""
        out = self._with_buffer(None)
        return glb(out, bytes(self.bin) if "buffers" in out else None)

    @classmethod
    def triangle(cls) -> Builder:
        """A valid document: one scene, one node, one mesh of one indexed triangle (accessor 0
        POSITION, accessor 1 indices), one material."""
        built = cls(scene=0, scenes=[{"nodes": [0]}], nodes=[{"mesh": 0}])
        position = built.accessor([0, 0, 0, 1, 0, 0, 0, 1, 0], target=ARRAY_BUFFER)
        indices = built.accessor(
            [0, 1, 2, 0],  # padded to 4 bytes: the pad element is not part of the accessor
            type="SCALAR",
            component_type=UNSIGNED_SHORT,
            target=ELEMENT_ARRAY_BUFFER,
            bounds=False,
        )
        built.doc["accessors"][indices]["count"] = 3
        built.doc["bufferViews"][built.doc["accessors"][indices]["bufferView"]]["byteLength"] = 6
        built.doc["materials"] = [{}]
        built.doc["meshes"] = [
            {
                "primitives": [
                    {"attributes": {"POSITION": position}, "indices": indices, "material": 0}
                ]
            }
        ]
        return built
