"""New accessors and extension names for the packer: an accessor cache that lets meshes of the
same shape on the same grid share their data, and the extension lists."""

from __future__ import annotations

import json
from typing import Any

from content_tools.glb_parts import GlbParts

FILTER_KEY = "_meshopt_filter"
"""Set on a packed accessor whose data is filtered; `content_tools.compress` pops it."""
_ARRAY_BUFFER = 34962


def add_accessor(
    parts: GlbParts,
    cache: dict[bytes, int],
    accessor: dict[str, Any],
    data: bytes,
    stride: int | None,
) -> int:
    """A new accessor of `data`, or the one added before with the same data (meshes of the
    same shape, on the same grid, share their accessors)."""
    key = json.dumps(accessor, sort_keys=True).encode() + b"\0" + data
    if key in cache:
        return cache[key]
    view: dict[str, Any] = {"buffer": 0, "byteLength": len(data)}
    if stride is not None:
        view.update(byteStride=stride, target=_ARRAY_BUFFER)
    document = parts.document
    document.setdefault("bufferViews", []).append(view)
    parts.views.append(data)
    accessors = document.setdefault("accessors", [])
    accessors.append({"bufferView": len(document["bufferViews"]) - 1, **accessor})
    cache[key] = len(accessors) - 1
    return cache[key]


def add_used(document: dict[str, Any], name: str, *, required: bool) -> None:
    keys = ("extensionsUsed", "extensionsRequired") if required else ("extensionsUsed",)
    for key in keys:
        document[key] = sorted({*document.get(key, []), name})
