"""Objects nothing refers to (UNUSED_OBJECT), reported once everything is linked."""

from __future__ import annotations

from typing import Any

from content_tools.validate.gltf.context import Ctx
from content_tools.validate.gltf.objects import Document


def report_unused(doc: Document, ctx: Ctx) -> None:
    """UNUSED_OBJECT for every object nothing refers to."""
    collections: list[tuple[str, list[Any]]] = [
        ("accessors", doc.accessors),
        ("buffers", doc.buffers),
        ("bufferViews", doc.buffer_views),
        ("cameras", doc.cameras),
        ("images", doc.images),
        ("materials", doc.materials),
        ("meshes", doc.meshes),
        ("nodes", doc.nodes),
        ("samplers", doc.samplers),
        ("skins", doc.skins),
        ("textures", doc.textures),
    ]
    for name, items in collections:
        for item in items:
            if item is not None and not item.used:
                ctx.add("UNUSED_OBJECT", pointer=f"/{name}/{item.index}")
    for group in (doc.lights, doc.variants):
        for entry in group or []:
            if not entry["used"]:
                ctx.add("UNUSED_OBJECT", pointer=entry["pointer"])
