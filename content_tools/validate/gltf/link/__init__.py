"""The second pass: resolving references between the objects the first pass read, with
the reference's link checks. One module per concept; `link_document` runs them in order."""

from __future__ import annotations

from functools import partial

from content_tools.validate.gltf.context import Ctx
from content_tools.validate.gltf.link.animations import link_animation
from content_tools.validate.gltf.link.buffers import link_accessor, link_buffer_view
from content_tools.validate.gltf.link.linker import Linker
from content_tools.validate.gltf.link.materials import link_image, link_material, link_texture
from content_tools.validate.gltf.link.meshes import check_mesh_weights, link_mesh
from content_tools.validate.gltf.link.nodes import check_nodes, link_node, link_scene, link_skin
from content_tools.validate.gltf.link.unused import report_unused
from content_tools.validate.gltf.objects import Document


def link_document(doc: Document, ctx: Ctx) -> None:
    """Resolve every reference of `doc` and run the link checks, in the reference's order;
    then the per-node checks, the unused objects and the unused mesh weights."""
    lk = Linker(doc, ctx)
    lk.each("bufferViews", doc.buffer_views, partial(link_buffer_view, lk))
    lk.each("accessors", doc.accessors, partial(link_accessor, lk))
    lk.each("images", doc.images, partial(link_image, lk))
    lk.each("textures", doc.textures, partial(link_texture, lk))
    lk.each("materials", doc.materials, partial(link_material, lk))
    lk.each("meshes", doc.meshes, partial(link_mesh, lk))
    lk.each("nodes", doc.nodes, partial(link_node, lk))
    lk.each("skins", doc.skins, partial(link_skin, lk))
    lk.each("animations", doc.animations, partial(link_animation, lk))
    lk.each("scenes", doc.scenes, partial(link_scene, lk))
    check_nodes(lk)
    report_unused(doc, ctx)
    check_mesh_weights(lk)
