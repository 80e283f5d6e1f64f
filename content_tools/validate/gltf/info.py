"""The reference's `info` figures (draw calls, vertices, triangles, materials, images...) plus
what the budget and script checks need (node names and meshes, lights, skins)."""

from __future__ import annotations

from typing import Any

from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.images import ImageHeader
from content_tools.validate.gltf.ktx2_use import min_filter
from content_tools.validate.gltf.link.linker import lookup
from content_tools.validate.gltf.objects import Buffer, Document, Image, Node, Primitive
from content_tools.validate.info import GltfInfo, ImageInfo, NodeInfo

__all__ = ["fill_info", "primitive_triangles"]


def primitive_triangles(prim: Primitive) -> int:
    """Triangles one draw of the primitive renders (0 for points and lines)."""
    n = prim.draw_count
    if n <= 0:
        return 0
    if prim.mode == 4:
        return n // 3
    if prim.mode in (5, 6):
        return max(n - 2, 0)
    return 0


def _mesh_below(nodes: list[Node | None]) -> dict[int, bool]:
    """For every node: does it or a descendant have a mesh (loops are cut)."""
    result: dict[int, bool] = {}
    for start in nodes:
        if start is None or start.index in result:
            continue
        stack: list[tuple[Node, int]] = [(start, 0)]
        on_path: set[int] = set()
        while stack:
            node, child_pos = stack.pop()
            if child_pos == 0:
                if node.index in result:
                    continue
                on_path.add(node.index)
            if child_pos < len(node.children):
                stack.append((node, child_pos + 1))
                child = node.children[child_pos]
                if child.index not in result and child.index not in on_path:
                    stack.append((child, 0))
                continue
            on_path.discard(node.index)
            result[node.index] = node.mesh is not None or any(
                result.get(c.index, False) for c in node.children
            )
    return result


def _buffer_resource(buf: Buffer, is_glb: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "pointer": f"/buffers/{buf.index}",
        "mimeType": "application/gltf-buffer",
    }
    if buf.byte_length == -1:
        return entry
    if buf.uri is not None and buf.uri_ok and buf.uri[:5].lower() != "data:":
        entry["storage"] = "external"
        entry["uri"] = buf.uri
    elif buf.storage == "data-uri":
        entry["storage"] = "data-uri"
    elif buf.uri is None and is_glb and buf.index == 0:
        entry["storage"] = "glb"
    if buf.data is not None:
        entry["byteLength"] = len(buf.data)
    return entry


def _image_resource(img: Image, header: ImageHeader | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"pointer": f"/images/{img.index}"}
    decoded = header is not None and header.error is None and header.mime_type is not None
    if decoded and header is not None:
        entry["mimeType"] = header.mime_type
    if img.extensions:
        return entry
    if img.uri is not None and img.storage == "external" and img.uri_ok:
        entry["storage"] = "external"
        entry["uri"] = img.uri
    elif img.storage == "data-uri":
        entry["storage"] = "data-uri"
    elif img.buffer_view is not None:
        entry["storage"] = "buffer-view"
    if decoded and header is not None:
        image: dict[str, Any] = {"width": header.width, "height": header.height}
        optional = (
            ("format", header.format),
            ("primaries", header.primaries),
            ("transfer", header.transfer),
            ("bits", header.bits),
        )
        image.update((key, value) for key, value in optional if value and value != "unset")
        entry["image"] = image
    return entry


def fill_info(
    info: GltfInfo, doc: Document, headers: dict[int, ImageHeader], *, is_glb: bool = False
) -> None:
    if doc.asset is not None:
        info.read = doc.asset.version is not None and doc.asset.major == 2
        info.version = doc.asset.version
        info.min_version = doc.asset.min_version
        info.generator = doc.asset.generator
    info.extensions_used = list(doc.extensions_used)
    info.extensions_required = list(doc.extensions_required)
    info.resources_storage = [b.storage or "unknown" for b in doc.buffers if b is not None]
    info.resources = [_buffer_resource(b, is_glb) for b in doc.buffers if b is not None]
    info.resources += [
        _image_resource(img, headers.get(img.index)) for img in doc.images if img is not None
    ]
    info.animation_count = len(doc.animations)
    info.material_count = len(doc.materials)
    info.skin_count = len(doc.skins)
    info.has_skins = bool(doc.skins)
    info.has_textures = bool(doc.textures)
    info.has_default_scene = lookup(doc.scenes, doc.scene_index) is not None
    info.light_count = len(doc.lights or [])
    for mesh in doc.meshes:
        if mesh is None or not mesh.primitives:
            continue
        for prim in mesh.primitives:
            info.draw_call_count += 1
            if prim.vertex_count > 0:
                info.total_vertex_count += prim.vertex_count
            info.total_triangle_count += primitive_triangles(prim)
            if prim.targets:
                info.has_morph_targets = True
            info.max_uvs = max(info.max_uvs, prim.texcoord_count)
            info.max_influences = max(info.max_influences, prim.joints_count * 4)
            info.max_attributes = max(info.max_attributes, len(prim.attr_accessors))
    mipmapped = _mipmapped_images(doc)
    for img in doc.images:
        if img is None:
            continue
        header = headers.get(img.index)
        mime = img.declared_mime or (header.mime_type if header else None) or img.mime_type
        image = ImageInfo(
            mime_type=mime, storage=img.storage, mipmapped=mipmapped.get(img.index, True)
        )
        if header is not None and header.error is None:
            image.width, image.height = header.width, header.height
            image.format, image.bits = header.format, header.bits
            image.compressed_gpu_bytes = header.gpu_bytes
        info.images.append(image)
    below = _mesh_below(doc.nodes)
    for i, node in enumerate(doc.nodes):
        if node is None:
            info.nodes.append(NodeInfo(i, None, False, False))
            continue
        info.nodes.append(
            NodeInfo(i, node.name, node.mesh is not None, below.get(node.index, False))
        )
    info.nodes_known = True
    _fill_instanced(info, doc)


def _mipmapped_images(doc: Document) -> dict[int, bool]:
    """For each image a texture uses (as its source or an extension's): does any of them
    sample it with mipmaps (a *_MIPMAP_* minFilter, or none)?"""
    found: dict[int, bool] = {}
    for texture in doc.textures:
        if texture is None:
            continue
        with_mips = min_filter(doc, texture) is not None
        sources = [texture.source_index] + [
            ext.values.get("source", -1)
            for ext in texture.extensions.values()
            if isinstance(ext, ExtObject)
        ]
        for source in sources:
            if source >= 0:
                found[source] = found.get(source, False) or with_mips
    return found


def _fill_instanced(info: GltfInfo, doc: Document) -> None:
    """What the GPU draws: each mesh once per node that shows it (the reference's figures count
    each mesh once, however many nodes use it). Budgets use these."""
    per_mesh: dict[int, tuple[int, int, int]] = {}
    for mesh in doc.meshes:
        if mesh is None:
            continue
        prims = mesh.primitives or []
        per_mesh[mesh.index] = (
            len(prims),
            sum(max(p.vertex_count, 0) for p in prims),
            sum(primitive_triangles(p) for p in prims),
        )
    for node in doc.nodes:
        if node is None or node.mesh is None:
            continue
        draws, vertices, triangles = per_mesh.get(node.mesh.index, (0, 0, 0))
        info.drawn_draw_calls += draws
        info.drawn_vertices += vertices
        info.drawn_triangles += triangles
