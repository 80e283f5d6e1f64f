"""The GLB container (binary glTF 2.0): a 12-byte header, a JSON chunk, an optional BIN chunk.

The one reader of GLB files in the content tools. `scan_glb` walks the container the way the
Khronos validator's streaming reader does and records every finding under the validator's
issue code (the validator reports them all); `parse_glb` is the strict reading the packager,
the thumbnail renderer and the server use: it refuses the file on the first finding that makes
it unusable. `build_glb` writes one.

Never trusts the lengths the file declares: chunk bodies are sliced from the bytes actually
present, so a header claiming gigabytes costs nothing.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content_tools.errors import ModelError

__all__ = [
    "CHUNK_BIN",
    "CHUNK_JSON",
    "MAGIC",
    "GlbFinding",
    "GlbScan",
    "build_glb",
    "is_glb",
    "parse_glb",
    "parse_json_document",
    "scan_glb",
]

MAGIC = b"glTF"
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942
_HEADER = struct.Struct("<4sII")
_CHUNK_HEADER = struct.Struct("<II")


@dataclass(frozen=True, slots=True)
class GlbFinding:
    """Something wrong with the container, named by the Khronos validator's issue code."""

    code: str
    offset: int
    """Where in the file (bytes)."""
    chunk_type: int | None = None
    """The chunk it is about (the message's first argument), if any."""
    values: tuple[int, ...] = ()
    """The message's other arguments."""


@dataclass(slots=True)
class GlbScan:
    json: bytes | None
    """The JSON chunk's bytes (None: no usable JSON chunk, nothing more to read)."""
    bin: bytes | None
    aborted_json: bytes | None = None
    """A complete JSON chunk of a GLB the reference stopped reading: only its syntax is checked."""
    partial_json: bytes | None = None
    """What there is of a JSON chunk the file ends inside."""
    findings: list[GlbFinding] = field(default_factory=list)
    version: int | None = None
    declared_length: int | None = None
    """The length the header declares (None when there is no readable header)."""


def is_glb(data: bytes) -> bool:
    return data[:4] == MAGIC


def scan_glb(data: bytes) -> GlbScan:
    """Walk a GLB's header and chunks; json is None when the reference would stop (bad header,
    truncation). Never raises."""
    scan = GlbScan(None, None)
    found = scan.findings
    size = len(data)
    if size < 12:
        found.append(GlbFinding("GLB_UNEXPECTED_END_OF_HEADER", size))
        return scan
    magic, version, total = _HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        found.append(GlbFinding("GLB_INVALID_MAGIC", 0, values=(int.from_bytes(magic, "little"),)))
        return scan
    scan.version, scan.declared_length = version, total
    if version != 2:
        found.append(GlbFinding("GLB_INVALID_VERSION", 4, values=(version,)))
        return scan
    if total <= 12:
        found.append(GlbFinding("GLB_LENGTH_TOO_SMALL", 8, values=(total,)))

    offset = 12
    chunk_number = 0
    has_json = has_bin = False
    while offset < size:
        if offset == total:  # the reference stops at the declared end: a warning, not an error
            found.append(GlbFinding("GLB_EXTRA_DATA", offset))
            break
        if size - offset < 8:
            found.append(GlbFinding("GLB_UNEXPECTED_END_OF_CHUNK_HEADER", size))
            scan.aborted_json, scan.json = scan.json, None
            return scan
        length, chunk_type = _CHUNK_HEADER.unpack_from(data, offset)
        if length & 3:
            found.append(GlbFinding("GLB_CHUNK_LENGTH_UNALIGNED", offset, chunk_type))
        if offset + 8 + length > total:
            found.append(GlbFinding("GLB_CHUNK_TOO_BIG", offset, chunk_type, (length,)))
        if chunk_number == 0 and chunk_type != CHUNK_JSON:
            found.append(GlbFinding("GLB_UNEXPECTED_FIRST_CHUNK", offset, chunk_type))
        if chunk_type == CHUNK_BIN and chunk_number > 1 and not has_bin:
            found.append(GlbFinding("GLB_UNEXPECTED_BIN_CHUNK", offset))
        kind = "unknown"
        if chunk_type == CHUNK_JSON:
            if length == 0:
                found.append(GlbFinding("GLB_EMPTY_CHUNK", offset, chunk_type))
            if has_json:
                found.append(GlbFinding("GLB_DUPLICATE_CHUNK", offset, chunk_type))
            else:
                kind = "json"
            has_json = True
        elif chunk_type == CHUNK_BIN:
            if length == 0:
                found.append(GlbFinding("GLB_EMPTY_BIN_CHUNK", offset))
            if has_bin:
                found.append(GlbFinding("GLB_DUPLICATE_CHUNK", offset, chunk_type))
            else:
                kind = "bin"
            has_bin = True
        else:
            found.append(GlbFinding("GLB_UNKNOWN_CHUNK_TYPE", offset, chunk_type))
        chunk_number += 1
        offset += 8
        # The stream ends right after the chunk header, or inside the chunk's body.
        if size - offset < length:
            found.append(GlbFinding("GLB_UNEXPECTED_END_OF_CHUNK_DATA", size))
            if kind == "json":
                scan.partial_json = data[offset:size]
        if offset >= size or size - offset < length:
            scan.aborted_json, scan.json = scan.json, None
            return scan
        body = data[offset : offset + length]
        if kind == "json":
            scan.json = body
        elif kind == "bin":
            scan.bin = body
        offset += length
    if total != offset:
        found.append(GlbFinding("GLB_LENGTH_MISMATCH", offset, values=(total, offset)))
    return scan


_FATAL = {
    "GLB_UNEXPECTED_END_OF_HEADER": "not a GLB file: too short",
    "GLB_INVALID_MAGIC": "not a GLB file: wrong magic bytes",
    "GLB_UNEXPECTED_END_OF_CHUNK_HEADER": "GLB chunk header runs past the end of the file",
    "GLB_CHUNK_TOO_BIG": "GLB chunk runs past the end of the file",
    "GLB_UNEXPECTED_END_OF_CHUNK_DATA": "GLB chunk runs past the end of the file",
    "GLB_UNEXPECTED_FIRST_CHUNK": "GLB must start with a JSON chunk",
    "GLB_DUPLICATE_CHUNK": "GLB has more than one JSON or BIN chunk",
    "GLB_UNEXPECTED_BIN_CHUNK": "GLB has more than one JSON or BIN chunk",
}
"""The findings `parse_glb` refuses a file for, and what it says (the others, such as an
unaligned chunk length or an unknown chunk type, do not stop a reader)."""


def parse_glb(data: bytes, *, path: Path | None) -> tuple[dict[str, Any], bytes | None]:
    """Split a GLB into its JSON document and binary chunk, checking the container.

    Raises ModelError (naming `path`) when the container is malformed or the JSON is not an
    object."""
    scan = scan_glb(data)
    if scan.version is not None and scan.version != 2:
        raise ModelError(f"GLB version {scan.version} is not supported (only 2)", path=path)
    # Bytes after the declared end are ignored (GLB_EXTRA_DATA, a warning for the reference).
    if scan.declared_length is not None and scan.declared_length > len(data):
        raise ModelError(
            f"GLB header says {scan.declared_length} bytes but the file has {len(data)}",
            path=path,
        )
    for finding in scan.findings:
        if finding.code in _FATAL:
            raise ModelError(_FATAL[finding.code], path=path)
    # No finding, yet stopped: the file ends with an empty chunk's header.
    json_chunk = scan.json if scan.json is not None else scan.aborted_json
    if json_chunk is None:
        raise ModelError("GLB must start with a JSON chunk", path=path)
    return parse_json_document(json_chunk, path=path), scan.bin


def parse_json_document(data: bytes, *, path: Path | None) -> dict[str, Any]:
    """The glTF JSON object in `data` (UTF-8; NaN and Infinity refused). Raises ModelError."""

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        document = json.loads(data.decode("utf-8"), parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"the glTF JSON is malformed: {exc}", path=path) from None
    if not isinstance(document, dict):
        raise ModelError("the glTF JSON must be an object", path=path)
    return document


def build_glb(document: dict[str, Any], binary: bytes | None) -> bytes:
    """Write a GLB: compact UTF-8 JSON padded with spaces, binary chunk padded with zeros."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    json_chunk = text.encode("utf-8")
    json_chunk += b" " * (-len(json_chunk) % 4)
    parts = [_CHUNK_HEADER.pack(len(json_chunk), CHUNK_JSON), json_chunk]
    if binary is not None:
        bin_chunk = binary + b"\x00" * (-len(binary) % 4)
        parts += [_CHUNK_HEADER.pack(len(bin_chunk), CHUNK_BIN), bin_chunk]
    body = b"".join(parts)
    return _HEADER.pack(MAGIC, 2, _HEADER.size + len(body)) + body
