"""Differences that are the npm reference's own bugs, recognised on a compared file.

Each is described in docs/validator.md ("Known differences that are the reference's own") with
a minimal case. `known_bug` says which one explains ALL of a file's differences, or None: a file
with any other difference stays a disagreement.

- Stale pointers: after some errors (a channel's `sampler` of the wrong type or missing) the npm
  build keeps stale segments in every later pointer (`/animations/materials/0` for
  `/materials/0`). Recognised when each differing message of the reference has a pointer that
  resolves to nothing in the document and pairs with one of ours (same code and severity) whose
  pointer is the same path with segments left out.
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["known_bug"]

Key = tuple[str, int, str]


def _document(path: Path) -> Any:
    data = path.read_bytes()
    if data[:4] == b"glTF" and len(data) >= 20:
        (length,) = struct.unpack_from("<I", data, 12)
        data = data[20 : 20 + length]
    try:
        return json.loads(data)
    except ValueError:
        return None


def _resolves(document: Any, pointer: str) -> bool:
    if not pointer.startswith("/") or pointer == "/":
        return True
    node = document
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


def _leaves_out(longer: str, shorter: str) -> bool:
    """True when `shorter`'s segments are `longer`'s with some left out (same order)."""
    remaining = iter(longer.split("/"))
    return all(part in remaining for part in shorter.split("/"))


def known_bug(path: Path, only_ours: Counter[Key], only_reference: Counter[Key]) -> str | None:
    """The name of the reference bug that explains every difference, or None."""
    if not only_reference or sum(only_ours.values()) != sum(only_reference.values()):
        return None
    document = _document(path)
    if document is None:
        return None
    unpaired = list(only_ours.elements())
    for code, severity, pointer in only_reference.elements():
        if _resolves(document, pointer):
            return None
        match = next(
            (
                key
                for key in unpaired
                if key[:2] == (code, severity) and _leaves_out(pointer, key[2])
            ),
            None,
        )
        if match is None:
            return None
        unpaired.remove(match)
    return "stale pointers"
