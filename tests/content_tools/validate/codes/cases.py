"""Per-code cases: for each issue code of the reference, a minimal document that triggers it and
the same document fixed. Each `cases_<area>.py` exports `CASES: list[CodeCase]`.

(Minimal version of the shared framework, written against the interface of issue 17's brief:
the dataclass and the helpers that build documents with embedded data.)
"""

from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass
from typing import Any

__all__ = ["ASSET", "CodeCase", "Doc", "data_uri", "glb", "gltf", "with_buffer"]

Doc = dict[str, Any] | bytes
"""A glTF JSON document, or raw bytes (a GLB, or broken JSON)."""

ASSET = {"version": "2.0"}


@dataclass(frozen=True)
class CodeCase:
    code: str
    """The reference's issue code, e.g. "ACCESSOR_MIN_MISMATCH"."""
    triggers: Doc
    """A minimal document on which the code is reported."""
    clean: Doc
    """The same document fixed: the code is not reported."""
    pointer: str | None = None
    """The expected JSON pointer on `triggers`, when it matters."""


def gltf(**members: Any) -> dict[str, Any]:
    """A document with `asset` and these top-level members."""
    return {"asset": dict(ASSET), **members}


def data_uri(data: bytes, media_type: str = "application/octet-stream") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def with_buffer(doc: dict[str, Any], data: bytes) -> dict[str, Any]:
    """`doc` with `data` as its first buffer (a data URI), before any buffers it has."""
    buffer = {"uri": data_uri(data), "byteLength": len(data)}
    return {**doc, "buffers": [buffer, *doc.get("buffers", [])]}


def glb(doc: dict[str, Any], binary: bytes | None = None, *, tail: bytes = b"") -> bytes:
    """A GLB of `doc` (JSON padded with spaces) and `binary` (a BIN chunk, padded with zeros);
    `tail` is appended after the length the header declares."""
    text = json.dumps(doc).encode("utf-8")
    chunks = struct.pack("<II", len(text) + (-len(text) % 4), 0x4E4F534A)
    chunks += text + b" " * (-len(text) % 4)
    if binary is not None:
        padded = binary + b"\0" * (-len(binary) % 4)
        chunks += struct.pack("<II", len(padded), 0x004E4942) + padded
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks + tail
