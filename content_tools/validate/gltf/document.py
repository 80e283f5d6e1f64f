"""The glTF root: reading every collection (first pass, `parse/`), then linking references
(second pass, `link/`), with the reference's semantic and link checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.extensions import (
    REQUIRED_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    ExtObject,
    parse_extensions,
)
from content_tools.validate.gltf.link import link_document
from content_tools.validate.gltf.link.linker import lookup
from content_tools.validate.gltf.objects import Document
from content_tools.validate.gltf.parse.animations import parse_animation
from content_tools.validate.gltf.parse.buffers import (
    parse_accessor,
    parse_buffer,
    parse_buffer_view,
)
from content_tools.validate.gltf.parse.materials import (
    parse_image,
    parse_material,
    parse_sampler,
    parse_texture,
)
from content_tools.validate.gltf.parse.meshes import parse_mesh
from content_tools.validate.gltf.parse.nodes import (
    parse_asset,
    parse_camera,
    parse_node,
    parse_scene,
    parse_skin,
)
from content_tools.validate.gltf.schema import check_members, get_extras, get_index, get_string_list

__all__ = ["read_document"]

T = TypeVar("T")

_ROOT_MEMBERS = (
    "extensionsUsed",
    "extensionsRequired",
    "accessors",
    "animations",
    "asset",
    "buffers",
    "bufferViews",
    "cameras",
    "images",
    "materials",
    "meshes",
    "nodes",
    "samplers",
    "scene",
    "scenes",
    "skins",
    "textures",
)

_EXT_NAME = re.compile(r"^([A-Z0-9]+)_[A-Za-z0-9_]+$")


def _collection(
    root: dict[str, Any],
    name: str,
    ctx: Ctx,
    parse: Callable[[int, dict[str, Any], Ctx], T],
    *,
    req: bool = False,
) -> list[T | None]:
    ctx.path.clear()
    if name not in root:
        if req:
            ctx.add("UNDEFINED_PROPERTY", Raw(name))
        return []
    value = root[name]
    if not isinstance(value, list):
        ctx.add("TYPE_MISMATCH", value, Raw("array"), name=name)
        return []
    if not value:
        ctx.add("EMPTY_ENTITY", name=name)
        return []
    result: list[T | None] = []
    with ctx.at(name):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                with ctx.at(i):
                    result.append(parse(i, item, ctx))
            else:
                ctx.add("TYPE_MISMATCH", item, Raw("object"), index=i)
                result.append(None)
    return result


def _init_extensions(doc: Document, root: dict[str, Any], ctx: Ctx) -> None:
    used = get_string_list(root, "extensionsUsed", ctx) or []
    required = get_string_list(root, "extensionsRequired", ctx) or []
    if "extensionsUsed" not in root and "extensionsRequired" in root:
        ctx.add("UNSATISFIED_DEPENDENCY", Raw("extensionsUsed"), name="extensionsRequired")
    doc.extensions_used, doc.extensions_required = used, required
    ctx.extensions_used = list(used)
    for i, name in enumerate(used):
        pointer = f"/extensionsUsed/{i}"
        if not _EXT_NAME.match(name):
            ctx.add("INVALID_EXTENSION_NAME_FORMAT", pointer=pointer)
        if name not in SUPPORTED_EXTENSIONS:
            ctx.add("UNSUPPORTED_EXTENSION", name, pointer=pointer)
            continue
        if name in REQUIRED_EXTENSIONS and name not in required:
            ctx.add("NON_REQUIRED_EXTENSION", name, pointer=pointer)
        ctx.extensions_loaded.add(name)
    for i, name in enumerate(required):
        if name not in used:
            ctx.add("UNUSED_EXTENSION_REQUIRED", name, pointer=f"/extensionsRequired/{i}")
    doc.quantized = "KHR_mesh_quantization" in ctx.extensions_loaded
    mimes = ["image/jpeg", "image/png"]
    if "EXT_texture_webp" in ctx.extensions_loaded:
        mimes.append("image/webp")
    if "KHR_texture_basisu" in ctx.extensions_loaded:
        mimes.append("image/ktx2")
    doc.image_mime_types = tuple(mimes)


def read_document(root: dict[str, Any], ctx: Ctx) -> Document:
    """First pass over the JSON root, then linking."""
    doc = Document()
    check_members(root, _ROOT_MEMBERS, ctx)
    _init_extensions(doc, root, ctx)

    ctx.path.clear()
    asset = root.get("asset")
    if "asset" not in root:
        ctx.add("UNDEFINED_PROPERTY", Raw("asset"))
    elif not isinstance(asset, dict):
        ctx.add("TYPE_MISMATCH", asset, Raw("object"), name="asset")
    else:
        with ctx.at("asset"):
            doc.asset = parse_asset(asset, ctx)
    if doc.asset is None or doc.asset.version is None or doc.asset.major != 2:
        ctx.path.clear()
        return doc  # the reference reads nothing more of a document it cannot version

    doc.accessors = _collection(root, "accessors", ctx, parse_accessor)
    doc.animations = _collection(root, "animations", ctx, parse_animation)
    doc.buffers = _collection(root, "buffers", ctx, parse_buffer)
    doc.buffer_views = _collection(root, "bufferViews", ctx, parse_buffer_view)
    doc.cameras = _collection(root, "cameras", ctx, parse_camera)
    mimes = doc.image_mime_types
    doc.images = _collection(root, "images", ctx, lambda i, m, c: parse_image(i, m, c, mimes))
    doc.materials = _collection(root, "materials", ctx, parse_material)
    doc.meshes = _collection(root, "meshes", ctx, parse_mesh)
    doc.nodes = _collection(root, "nodes", ctx, parse_node)
    doc.samplers = _collection(root, "samplers", ctx, parse_sampler)
    doc.scenes = _collection(root, "scenes", ctx, parse_scene)
    ctx.path.clear()
    doc.scene_index = get_index(root, "scene", ctx, req=False)
    if doc.scene_index != -1 and lookup(doc.scenes, doc.scene_index) is None:
        ctx.add("UNRESOLVED_REFERENCE", doc.scene_index, name="scene")
    doc.skins = _collection(root, "skins", ctx, parse_skin)
    doc.textures = _collection(root, "textures", ctx, parse_texture)
    ctx.path.clear()
    doc.extensions = parse_extensions(root, "gltf", ctx)
    get_extras(root, ctx)
    lights = doc.extensions.get("KHR_lights_punctual")
    if isinstance(lights, ExtObject):
        doc.lights = lights.values.get("lights")
    variants = doc.extensions.get("KHR_materials_variants")
    if isinstance(variants, ExtObject):
        doc.variants = variants.values.get("variants")

    ctx.path.clear()
    link_document(doc, ctx)
    ctx.path.clear()
    return doc
