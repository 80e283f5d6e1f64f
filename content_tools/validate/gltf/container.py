"""GLB container: header and chunks, checked like the reference's streaming GLB reader.

Never trusts the lengths the file declares: chunk bodies are sliced from the bytes actually
present, so a header claiming gigabytes costs nothing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from content_tools.validate.gltf.schema import Ctx, Raw

__all__ = ["GlbParts", "read_glb"]

_MAGIC = 0x46546C67
_JSON = 0x4E4F534A
_BIN = 0x004E4942


@dataclass(slots=True)
class GlbParts:
    json: bytes | None
    """The JSON chunk's bytes (None: no usable JSON chunk, nothing more to validate)."""
    bin: bytes | None
    aborted_json: bytes | None = None
    """A complete JSON chunk of a GLB the reference stopped reading: only its syntax is checked."""


def _chunk_name(chunk_type: int) -> Raw:
    return Raw(f"0x{chunk_type:08x}")


def read_glb(data: bytes, ctx: Ctx) -> GlbParts:
    """Parse a GLB; returns json None when the reference would stop (bad header, truncation)."""
    size = len(data)
    if size < 12:
        ctx.add("GLB_UNEXPECTED_END_OF_HEADER", offset=size)
        return GlbParts(None, None)
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != _MAGIC:
        ctx.add("GLB_INVALID_MAGIC", magic, offset=0)
        return GlbParts(None, None)
    if version != 2:
        ctx.add("GLB_INVALID_VERSION", version, offset=4)
        return GlbParts(None, None)
    if total <= 12:
        ctx.add("GLB_LENGTH_TOO_SMALL", total, offset=8)

    offset = 12
    chunk_number = 0
    json_bytes: bytes | None = None
    bin_bytes: bytes | None = None
    has_json = has_bin = False
    while offset < size:
        if size - offset < 8:
            ctx.add("GLB_UNEXPECTED_END_OF_CHUNK_HEADER", offset=size)
            return GlbParts(None, bin_bytes, json_bytes)
        length, chunk_type = struct.unpack_from("<II", data, offset)
        name = _chunk_name(chunk_type)
        if length & 3:
            ctx.add("GLB_CHUNK_LENGTH_UNALIGNED", name, offset=offset)
        if offset + 8 + length > total:
            ctx.add("GLB_CHUNK_TOO_BIG", name, length, offset=offset)
        if chunk_number == 0 and chunk_type != _JSON:
            ctx.add("GLB_UNEXPECTED_FIRST_CHUNK", name, offset=offset)
        if chunk_type == _BIN and chunk_number > 1 and not has_bin:
            ctx.add("GLB_UNEXPECTED_BIN_CHUNK", offset=offset)
        kind = "unknown"
        if chunk_type == _JSON:
            if length == 0:
                ctx.add("GLB_EMPTY_CHUNK", name, offset=offset)
            if has_json:
                ctx.add("GLB_DUPLICATE_CHUNK", name, offset=offset)
            else:
                kind = "json"
            has_json = True
        elif chunk_type == _BIN:
            if has_bin:
                ctx.add("GLB_DUPLICATE_CHUNK", name, offset=offset)
            else:
                kind = "bin"
            has_bin = True
        else:
            ctx.add("GLB_UNKNOWN_CHUNK_TYPE", name, offset=offset)
        chunk_number += 1
        offset += 8
        if offset >= size:
            # The stream ended right after the chunk header.
            if length > 0:
                ctx.add("GLB_UNEXPECTED_END_OF_CHUNK_DATA", offset=size)
            return GlbParts(None, bin_bytes, json_bytes)
        if size - offset < length:
            ctx.add("GLB_UNEXPECTED_END_OF_CHUNK_DATA", offset=size)
            return GlbParts(None, bin_bytes, json_bytes)
        body = data[offset : offset + length]
        if kind == "json":
            json_bytes = body
        elif kind == "bin":
            bin_bytes = body
        offset += length
    if total != offset:
        ctx.add("GLB_LENGTH_MISMATCH", total, offset, offset=offset)
    return GlbParts(json_bytes if has_json else None, bin_bytes)
