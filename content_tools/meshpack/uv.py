"""Texture coordinates of the packer: a quantization grid for each (material, texcoord set) the
material's textures sample, from their size in texels, and the KHR_texture_transform that maps
the quantized coordinates back."""

from __future__ import annotations

import io
import math
import struct
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from content_tools.glb_parts import GlbParts
from content_tools.meshpack.accessors import add_used
from content_tools.meshpack.attributes import UV_MAX_ERROR_TEXELS, UvGrid

TEXTURE_TRANSFORM = "KHR_texture_transform"
_DEFAULT_TEXELS = 1024  # an image whose size cannot be read counts as this
_KTX2_IDENTIFIER = b"\xabKTX 20\xbb\r\n\x1a\n"


class Primitive(Protocol):
    """What the grids read of a primitive: its material and its attributes' values."""

    @property
    def material(self) -> int | None: ...

    @property
    def attributes(self) -> Mapping[str, npt.NDArray[np.float64]]: ...


def _texture_infos(material: dict[str, Any]) -> list[dict[str, Any]]:
    """Every textureInfo of a material (core and extensions): dicts under a `...Texture` key."""
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key.endswith("Texture") and isinstance(item, dict) and "index" in item:
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(material)
    return found


def _tex_coord(info: dict[str, Any]) -> int:
    transform = info.get("extensions", {}).get(TEXTURE_TRANSFORM, {})
    return int(transform.get("texCoord", info.get("texCoord", 0)))


def _texels(parts: GlbParts, texture_index: int) -> int:
    document = parts.document
    texture = document.get("textures", [])[texture_index]
    sources = [texture.get("source")] + [
        ext.get("source") for ext in texture.get("extensions", {}).values() if isinstance(ext, dict)
    ]
    best = 0
    for source in sources:
        if source is None:
            continue
        image = document.get("images", [])[source]
        if "bufferView" not in image:
            continue
        data = bytes(parts.views[image["bufferView"]])
        if data.startswith(_KTX2_IDENTIFIER) and len(data) >= 28:  # pixelWidth, pixelHeight
            best = max(best, *struct.unpack_from("<II", data, 20))
            continue
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as opened:
                best = max(best, *opened.size)
        except Exception:  # an encoding PIL does not read
            best = max(best, _DEFAULT_TEXELS)
    return best or _DEFAULT_TEXELS


def uv_grids(
    parts: GlbParts, primitives: Mapping[int, Sequence[Primitive]], eligible: set[int]
) -> dict[tuple[int, int], UvGrid]:
    """A grid for each (material, set) that the material's textures sample and that only
    quantized primitives use."""
    document = parts.document
    materials = document.get("materials", [])
    shared: set[int] = set()  # materials that primitives left exact also use
    for m, mesh in enumerate(document.get("meshes", [])):
        if m not in eligible:
            shared.update(p["material"] for p in mesh["primitives"] if "material" in p)
    bounds: dict[tuple[int, int], list[npt.NDArray[np.float64]]] = defaultdict(list)
    for mesh_primitives in primitives.values():
        for primitive in mesh_primitives:
            for name, values in primitive.attributes.items():
                if name.startswith("TEXCOORD_") and primitive.material is not None:
                    key = (primitive.material, int(name.split("_")[1]))
                    bounds[key] += [values.min(axis=0), values.max(axis=0)]
    grids = {}
    for (material, tex_coord), extremes in sorted(bounds.items()):
        infos = [i for i in _texture_infos(materials[material]) if _tex_coord(i) == tex_coord]
        if material in shared or not infos:
            continue
        texels = max(_texels(parts, info["index"]) for info in infos)
        low, high = np.min(extremes, axis=0), np.max(extremes, axis=0)
        step = 2 * UV_MAX_ERROR_TEXELS / texels
        offset = np.floor(low / step) * step
        if float(np.max(high - offset)) / step > 65535:
            offset, step = low, float(np.max(high - low)) / 65535
        grids[(material, tex_coord)] = UvGrid((float(offset[0]), float(offset[1])), step, texels)
    return grids


def apply_uv_transforms(document: dict[str, Any], grids: dict[tuple[int, int], UvGrid]) -> None:
    """uv = offset + step * q, composed with any transform the texture had:
    T(o) R S T(q_o) S(q_s) = T(o + R S q_o) R S(S q_s)."""
    materials = document.get("materials", [])
    for (material, tex_coord), grid in grids.items():
        for info in _texture_infos(materials[material]):
            if _tex_coord(info) != tex_coord:
                continue
            extensions = info.setdefault("extensions", {})
            old = extensions.get(TEXTURE_TRANSFORM, {})
            o = np.array(old.get("offset", (0.0, 0.0)), dtype=np.float64)
            s = np.array(old.get("scale", (1.0, 1.0)), dtype=np.float64)
            r = float(old.get("rotation", 0.0))
            rotation = np.array([[math.cos(r), math.sin(r)], [-math.sin(r), math.cos(r)]])
            new = dict(old)
            new["offset"] = [float(v) for v in o + rotation @ (s * np.array(grid.offset))]
            new["scale"] = [float(v) for v in s * grid.step]
            extensions[TEXTURE_TRANSFORM] = new
            add_used(document, TEXTURE_TRANSFORM, required=False)
