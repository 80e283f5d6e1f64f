"""KTX2 files and textured GLBs for the texture tests, made here without any encoder.

`make_ktx2` writes a KTX2 container the way Basis Universal does (header, level index, a basic
data format descriptor with the ETC1S or UASTC colour model) around zero-filled level data: the
validator reads headers only, so the pixels do not matter. `textured_quad` is a one-quad glTF
on the first of `node_names` whose material samples a colour texture (base colour, image 0) and
a data texture (normal, image 1), with the images embedded as PNG.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from content_tools.glb import build_glb
from tests.support.gltf_docs import (
    ARRAY_BUFFER,
    ELEMENT_ARRAY_BUFFER,
    FLOAT,
    UNSIGNED_SHORT,
    accessor_json,
    pack,
)

__all__ = ["make_ktx2", "png", "textured_quad", "textured_quad_glb"]

_SIGNATURE = b"\xabKTX 20\xbb\r\n\x1a\n"
_MODELS = {"etc1s": 163, "uastc": 166}
_SCHEMES = {"none": 0, "basislz": 1, "zstd": 2, "zlib": 3}


def make_ktx2(
    width: int,
    height: int,
    *,
    codec: str = "uastc",
    levels: int = 1,
    srgb: bool = True,
    alpha: bool = False,
    supercompression: str | None = None,
    vk_format: int = 0,
    faces: int = 1,
    depth: int = 0,
) -> bytes:
    """A KTX2 file of `codec` data ("etc1s", "uastc" or "other") with zero-filled levels
    (`levels` 0 writes levelCount 0 and one level, as KTX2 asks of a file without mips)."""
    scheme = supercompression or ("basislz" if codec == "etc1s" else "zstd")
    # ETC1S: RGB (+ AAA for alpha); UASTC: RGB or RGBA
    channels = ([0, 15] if alpha else [0]) if codec == "etc1s" else [3 if alpha else 0]
    samples = b"".join(
        struct.pack("<HBB4sII", 0, 63, channel, b"\0\0\0\0", 0, 0xFFFFFFFF) for channel in channels
    )
    block = struct.pack(
        "<IHHBBBB4s8s",
        0,
        2,
        24 + len(samples),
        _MODELS.get(codec, 1),
        1,
        2 if srgb else 1,
        0,
        bytes([3, 3, 0, 0]),
        bytes(8),
    )
    dfd = struct.pack("<I", 4 + len(block) + len(samples)) + block + samples
    stored = max(levels, 1)
    index_size = 24 * stored
    dfd_offset = 80 + index_size
    data_offset = dfd_offset + len(dfd)
    level_data: list[bytes] = []
    level_w, level_h = width, height
    for _ in range(stored):
        level_data.append(bytes(((level_w + 3) // 4) * ((level_h + 3) // 4) * 16))
        level_w, level_h = max(1, level_w // 2), max(1, level_h // 2)
    index = b""
    offset = data_offset
    for data in level_data:
        index += struct.pack("<3Q", offset, len(data), len(data))
        offset += len(data)
    header = _SIGNATURE + struct.pack(
        "<9I4I2Q",
        vk_format,
        1,
        width,
        height,
        depth,
        0,
        faces,
        levels,
        _SCHEMES[scheme],
        dfd_offset,
        len(dfd),
        0,
        0,
        0,
        0,
    )
    return header + index + dfd + b"".join(level_data)


def png(size: tuple[int, int], *, seed: int = 0) -> bytes:
    """A PNG of smooth colour gradients with some noise (RGB)."""
    width, height = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack(
        [
            x * 255 // max(width - 1, 1),
            y * 255 // max(height - 1, 1),
            (x + y) * 127 // max(width, 1),
        ],
        axis=-1,
    ).astype(np.int16)
    pixels += rng.integers(-8, 9, pixels.shape, dtype=np.int16)
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").save(out, format="PNG")
    return out.getvalue()


def textured_quad(
    node_names: Sequence[str], images: Sequence[tuple[bytes, str]]
) -> tuple[dict[str, Any], bytes]:
    """A glTF document (and its binary buffer) of one quad on the first node, whose material
    samples images[0] as base colour and images[1] (if given) as normal map; each image is
    (bytes, mimeType), embedded in a buffer view."""
    streams = [  # POSITION (with bounds: the corners' whole numbers), NORMAL, TANGENT, UV, indices
        ("VEC3", FLOAT, [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], ARRAY_BUFFER),
        ("VEC3", FLOAT, [0, 0, 1] * 4, ARRAY_BUFFER),
        ("VEC4", FLOAT, [1, 0, 0, 1] * 4, ARRAY_BUFFER),
        ("VEC2", FLOAT, [0, 1, 1, 1, 1, 0, 0, 0], ARRAY_BUFFER),
        ("SCALAR", UNSIGNED_SHORT, [0, 1, 2, 0, 2, 3], ELEMENT_ARRAY_BUFFER),
    ]
    views: list[dict[str, Any]] = []
    accessors: list[dict[str, Any]] = []
    binary = b""
    for type_, component_type, values, target in streams:
        chunk = pack(component_type, values)
        views.append({"buffer": 0, "byteOffset": len(binary), "byteLength": len(chunk)})
        views[-1]["target"] = target
        binary += chunk
        first = not accessors
        accessors.append(
            accessor_json(len(views) - 1, component_type, type_, values, bounds=first, cast=int)
        )
    image_entries = []
    for data, mime in images:
        binary += bytes(-len(binary) % 4)
        views.append({"buffer": 0, "byteOffset": len(binary), "byteLength": len(data)})
        image_entries.append({"bufferView": len(views) - 1, "mimeType": mime})
        binary += data
    binary += bytes(-len(binary) % 4)
    material: dict[str, Any] = {"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}
    if len(images) > 1:
        material["normalTexture"] = {"index": 1}
    names = list(node_names)
    document: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": "tests"},
        "scene": 0,
        "scenes": [{"nodes": list(range(len(names)))}],
        "nodes": [
            {"name": name, "mesh": 0} if i == 0 else {"name": name} for i, name in enumerate(names)
        ],
        "meshes": [
            {
                "primitives": [
                    {
                        "attributes": {"POSITION": 0, "NORMAL": 1, "TANGENT": 2, "TEXCOORD_0": 3},
                        "indices": 4,
                        "material": 0,
                    }
                ]
            }
        ],
        "materials": [material],
        "samplers": [{"magFilter": 9729, "minFilter": 9987}],
        "textures": [{"sampler": 0, "source": i} for i in range(len(images))],
        "images": image_entries,
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": len(binary)}],
    }
    return document, binary


def textured_quad_glb(node_names: Sequence[str], images: Sequence[tuple[bytes, str]]) -> bytes:
    return build_glb(*textured_quad(node_names, images))
