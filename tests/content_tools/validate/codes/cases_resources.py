"""Per-code cases for resources and containers: URIs, buffers, images and the GLB container.

Every case was checked against the npm reference (code present on `triggers`, absent on
`clean`). External files are never needed: a URI the reference cannot load is one with a scheme
(the reference's loader fails on it, ours does not fetch it).
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

from tests.content_tools.validate.codes.cases import (
    CodeCase,
    data_uri,
    glb,
    gltf,
    with_buffer,
)

__all__ = ["CASES"]

JSON_CHUNK = 0x4E4F534A
BIN_CHUNK = 0x004E4942


def png(width: int, height: int, *, extra: bytes = b"") -> bytes:
    """A valid RGB PNG; `extra` chunks go between IHDR and IDAT."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\0" + b"\0" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


# A 1x1 lossless WebP header (VP8L): recognised, and a MIME type core glTF does not enable.
WEBP = b"RIFF" + struct.pack("<I", 26) + b"WEBPVP8L" + struct.pack("<I", 14) + b"\x2f" + b"\0" * 13


def image_doc(data: bytes, mime: str = "image/png", **members: Any) -> dict[str, Any]:
    """One image stored in a buffer view of an embedded buffer."""
    doc = gltf(
        bufferViews=[{"buffer": 0, "byteLength": len(data)}],
        images=[{"bufferView": 0, "mimeType": mime}],
        **members,
    )
    return with_buffer(doc, data)


def raw_glb(
    chunks: list[tuple[int, bytes]],
    *,
    total: int | None = None,
    version: int = 2,
    cut: int = 0,
) -> bytes:
    """A GLB of these chunks as given (no padding); `total` overrides the declared length,
    `cut` drops that many bytes from the end."""
    body = b"".join(struct.pack("<II", len(data), kind) + data for kind, data in chunks)
    length = 12 + len(body) if total is None else total
    data = b"glTF" + struct.pack("<II", version, length) + body
    return data[: len(data) - cut]


EMPTY_JSON = b'{"asset":{"version":"2.0"}}     '  # 32 bytes
BUFFER_JSON = b'{"asset":{"version":"2.0"},"buffers":[{"byteLength":4}]}'  # 56 bytes
VALID_GLB = raw_glb([(JSON_CHUNK, EMPTY_JSON)])
FOUR = b"\0\0\0\0"
ONE_BUFFER = gltf(buffers=[{"uri": data_uri(FOUR), "byteLength": 4}])


def uri_case(code: str, uri: str, byte_length: int = 4) -> CodeCase:
    """`code` at the URI of the only buffer, `uri` (of `byte_length` bytes); clean with a valid
    data URI instead."""
    return CodeCase(
        code, gltf(buffers=[{"uri": uri, "byteLength": byte_length}]), ONE_BUFFER, "/buffers/0/uri"
    )


URI_CASES = [
    uri_case("INVALID_URI", ":"),
    uri_case("INVALID_URI", "data:application/octet-stream;base64,A===", byte_length=1),
    CodeCase(  # a data URI image whose content is not of the declared media type
        "INVALID_URI",
        gltf(images=[{"uri": data_uri(png(4, 4), "image/jpeg")}]),
        gltf(images=[{"uri": data_uri(png(4, 4), "image/png")}]),
        "/images/0/uri",
    ),
    uri_case("NON_RELATIVE_URI", "http://example.com/a.bin"),
    uri_case("IO_ERROR", "http://example.com/a.bin"),
    CodeCase(
        "BUFFER_DATA_URI_MIME_TYPE_INVALID",
        gltf(buffers=[{"uri": data_uri(FOUR, "text/plain"), "byteLength": 4}]),
        gltf(buffers=[{"uri": data_uri(FOUR, "application/gltf-buffer"), "byteLength": 4}]),
        "/buffers/0/uri",
    ),
    CodeCase("URI_GLB", glb(ONE_BUFFER), ONE_BUFFER, "/buffers/0/uri"),
    CodeCase(
        "DATA_URI_GLB",
        glb(ONE_BUFFER),
        glb(gltf(buffers=[{"byteLength": 4}]), FOUR),
        "/buffers/0/uri",
    ),
]

BUFFER_CASES = [
    CodeCase(
        "BUFFER_MISSING_GLB_DATA",
        glb(gltf(buffers=[{"byteLength": 4}])),
        glb(gltf(buffers=[{"byteLength": 4}]), FOUR),
        "/buffers/0",
    ),
    CodeCase(
        "BUFFER_BYTE_LENGTH_MISMATCH",
        gltf(buffers=[{"uri": data_uri(FOUR), "byteLength": 8}]),
        ONE_BUFFER,
        "/buffers/0",
    ),
    CodeCase(
        "BUFFER_GLB_CHUNK_TOO_BIG",
        glb(gltf(buffers=[{"byteLength": 4}]), b"\0" * 12),
        glb(gltf(buffers=[{"byteLength": 4}]), FOUR),
        "/buffers/0",
    ),
]

TRIANGLE = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]


def view_doc(view: dict[str, Any], *, attribute: bool = True) -> dict[str, Any]:
    """A triangle's positions in buffer view 0 (given members over buffer 0), used as a
    POSITION attribute when `attribute`."""
    data = struct.pack("<9f", *TRIANGLE)
    doc = gltf(
        bufferViews=[{"buffer": 0, "byteLength": len(data), **view}],
        accessors=[
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": 3,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [1, 1, 0],
            }
        ],
    )
    if attribute:
        doc["meshes"] = [{"primitives": [{"attributes": {"POSITION": 0}}]}]
    return with_buffer(doc, data)


BUFFER_VIEW_CASES = [
    CodeCase(
        "BUFFER_VIEW_INVALID_BYTE_STRIDE",
        view_doc({"byteStride": 12, "target": 34963}, attribute=False),
        view_doc({"byteStride": 12, "target": 34962}, attribute=False),
        "/bufferViews/0/byteStride",
    ),
    CodeCase(
        "BUFFER_VIEW_TOO_BIG_BYTE_STRIDE",
        view_doc({"byteLength": 12, "byteStride": 16}),
        view_doc({"byteLength": 36, "byteStride": 12}),
        "/bufferViews/0/byteStride",
    ),
    CodeCase(
        "BUFFER_VIEW_TOO_LONG",
        view_doc({"byteOffset": 4, "target": 34962}),
        view_doc({"target": 34962}),
        "/bufferViews/0/byteLength",
    ),
    CodeCase(
        "BUFFER_VIEW_TARGET_MISSING",
        view_doc({}),
        view_doc({"target": 34962}),
        "/meshes/0/primitives/0/attributes/POSITION",
    ),
    CodeCase(
        "BUFFER_VIEW_TARGET_OVERRIDE",
        view_doc({"target": 34963}),
        view_doc({"target": 34962}),
        "/meshes/0/primitives/0/attributes/POSITION",
    ),
]

IMAGE_CASES = [
    CodeCase(
        "IMAGE_UNRECOGNIZED_FORMAT",
        image_doc(b"not an image, just some text"),
        image_doc(png(4, 4)),
        "/images/0",
    ),
    CodeCase("IMAGE_UNEXPECTED_EOS", image_doc(png(4, 4)[:30]), image_doc(png(4, 4)), "/images/0"),
    CodeCase(
        "IMAGE_DATA_INVALID",
        image_doc(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", b"\0" * 12) + png_chunk(b"IDAT", b"")),
        image_doc(png(4, 4)),
        "/images/0",
    ),
    CodeCase(
        "IMAGE_FEATURES_UNSUPPORTED",
        image_doc(png(4, 4, extra=png_chunk(b"gAMA", struct.pack(">I", 50000)))),
        image_doc(png(4, 4)),
        "/images/0",
    ),
    CodeCase(
        "IMAGE_MIME_TYPE_INVALID",
        image_doc(png(4, 4), "image/jpeg"),
        image_doc(png(4, 4)),
        "/images/0/bufferView",
    ),
    CodeCase("IMAGE_NON_ENABLED_MIME_TYPE", image_doc(WEBP), image_doc(png(4, 4)), "/images/0"),
    CodeCase("IMAGE_NPOT_DIMENSIONS", image_doc(png(3, 5)), image_doc(png(4, 4)), "/images/0"),
    CodeCase(
        "TEXTURE_INVALID_IMAGE_MIME_TYPE",
        image_doc(
            WEBP,
            "image/webp",
            extensionsUsed=["EXT_texture_webp"],
            textures=[{"source": 0}],
        ),
        image_doc(
            WEBP,
            "image/webp",
            extensionsUsed=["EXT_texture_webp"],
            textures=[{"extensions": {"EXT_texture_webp": {"source": 0}}}],
        ),
        "/textures/0/source",
    ),
]

GLB_CASES = [
    CodeCase("GLB_UNEXPECTED_END_OF_HEADER", VALID_GLB[:10], VALID_GLB),
    # The reference reads a file that starts with 'g' as a GLB, whatever its name.
    CodeCase("GLB_INVALID_MAGIC", b"glTX" + VALID_GLB[4:], VALID_GLB, None),
    CodeCase("GLB_INVALID_VERSION", raw_glb([(JSON_CHUNK, EMPTY_JSON)], version=1), VALID_GLB),
    CodeCase("GLB_LENGTH_TOO_SMALL", raw_glb([(JSON_CHUNK, EMPTY_JSON)], total=12), VALID_GLB),
    CodeCase("GLB_LENGTH_MISMATCH", raw_glb([(JSON_CHUNK, EMPTY_JSON)], total=56), VALID_GLB),
    CodeCase(
        "GLB_CHUNK_LENGTH_UNALIGNED",
        raw_glb([(JSON_CHUNK, EMPTY_JSON[:-1])]),
        VALID_GLB,
    ),
    CodeCase(
        "GLB_CHUNK_TOO_BIG",
        raw_glb([(JSON_CHUNK, BUFFER_JSON), (BIN_CHUNK, FOUR)], total=80),
        raw_glb([(JSON_CHUNK, BUFFER_JSON), (BIN_CHUNK, FOUR)]),
    ),
    CodeCase(
        "GLB_UNEXPECTED_FIRST_CHUNK",
        raw_glb([(BIN_CHUNK, FOUR), (JSON_CHUNK, BUFFER_JSON)]),
        raw_glb([(JSON_CHUNK, BUFFER_JSON), (BIN_CHUNK, FOUR)]),
    ),
    CodeCase(
        "GLB_UNEXPECTED_BIN_CHUNK",
        raw_glb([(JSON_CHUNK, BUFFER_JSON), (0x12345678, FOUR), (BIN_CHUNK, FOUR)]),
        raw_glb([(JSON_CHUNK, BUFFER_JSON), (BIN_CHUNK, FOUR), (0x12345678, FOUR)]),
    ),
    CodeCase(
        "GLB_DUPLICATE_CHUNK",
        raw_glb([(JSON_CHUNK, EMPTY_JSON), (JSON_CHUNK, EMPTY_JSON)]),
        VALID_GLB,
    ),
    CodeCase(
        "GLB_EMPTY_CHUNK",
        raw_glb([(JSON_CHUNK, b""), (JSON_CHUNK, EMPTY_JSON)]),
        VALID_GLB,
    ),
    CodeCase(
        "GLB_EMPTY_BIN_CHUNK",
        raw_glb([(JSON_CHUNK, EMPTY_JSON), (BIN_CHUNK, b"")]),
        raw_glb([(JSON_CHUNK, EMPTY_JSON), (BIN_CHUNK, FOUR)]),
    ),
    CodeCase("GLB_EXTRA_DATA", VALID_GLB + b"\0" * 8, VALID_GLB),
    CodeCase(
        "GLB_UNEXPECTED_END_OF_CHUNK_DATA",
        raw_glb([(JSON_CHUNK, EMPTY_JSON)], cut=4),
        VALID_GLB,
    ),
    CodeCase(
        "GLB_UNEXPECTED_END_OF_CHUNK_HEADER",
        raw_glb([(JSON_CHUNK, EMPTY_JSON)], total=56) + FOUR,
        VALID_GLB,
    ),
    CodeCase(
        "GLB_UNKNOWN_CHUNK_TYPE",
        raw_glb([(JSON_CHUNK, EMPTY_JSON), (0x12345678, FOUR)]),
        VALID_GLB,
    ),
]

CASES: list[CodeCase] = [
    *URI_CASES,
    *BUFFER_CASES,
    *BUFFER_VIEW_CASES,
    *IMAGE_CASES,
    *GLB_CASES,
]
