"""Meshes and primitives: accessor formats and usages, modes, morph targets, variants
(second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.context import Raw
from content_tools.validate.gltf.extensions import ExtObject, TextureRef
from content_tools.validate.gltf.formats import (
    INDEX_FORMATS,
    MODE_NAMES,
    MORPH_FORMATS,
    QUANTIZED_MORPH,
    QUANTIZED_VERTEX,
    VERTEX_FORMATS,
    Fmt,
)
from content_tools.validate.gltf.link.linker import Linker, lookup
from content_tools.validate.gltf.objects import (
    Accessor,
    Check,
    Material,
    Mesh,
    Primitive,
)


def link_mesh(lk: Linker, mesh: Mesh) -> None:
    if mesh.primitives is None:
        return
    for _j, prim in lk.ctx.each("primitives", mesh.primitives):
        link_primitive(lk, prim)


def _check_format(
    lk: Linker,
    acc: Accessor,
    semantic: str,
    base: str,
    table: dict[str, list[Fmt]],
    quant: dict[str, list[Fmt]],
) -> bool:
    """Whether the semantic has known formats and the accessor has one of them (the allowed
    ones listed in the reference's order: the core ones, then the extension's)."""
    allowed = list(table.get(base, []))
    if lk.doc.quantized:
        allowed += [f for f in quant.get(base, []) if f not in allowed]
    if not allowed:
        return False
    return lk.check_format(
        acc, "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT", allowed, name=semantic
    )


def _aligned(acc: Accessor) -> bool:
    """Vertex data aligned as the reference wants: a 4-byte multiple offset and, when the view
    has no stride, a 4-byte multiple element length."""
    if acc.byte_offset != -1 and acc.byte_offset % 4:
        return False
    bv = acc.buffer_view
    return not (bv is not None and bv.byte_stride == -1 and acc.element_length % 4)


def _vertex_accessor(lk: Linker, semantic: str, idx: int) -> Accessor | None:
    """The accessor of an attribute or morph target `semantic`, its usage and its view's
    usage recorded (reporting at `semantic`)."""
    acc = lk.resolve(lk.doc.accessors, idx, name=semantic)
    if acc is None:
        return None
    lk.set_usage(acc, "VertexAttribute", semantic)
    lk.set_view_usage(acc.buffer_view, "VertexBuffer", semantic)
    return acc


def _without_bounds(lk: Linker, semantic: str, acc: Accessor) -> None:
    if semantic == "POSITION" and (acc.min is None or acc.max is None):
        lk.ctx.add("MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS", name=semantic)


def _stride_shared(lk: Linker, semantic: str, acc: Accessor) -> None:
    bv = acc.buffer_view
    if bv is not None and bv.byte_stride == -1:
        bv.accessors.add(acc.index)
        if len(bv.accessors) > 1:
            lk.ctx.add("MESH_PRIMITIVE_ACCESSOR_WITHOUT_BYTESTRIDE", name=semantic)


def _link_attribute(lk: Linker, prim: Primitive, semantic: str, idx: int) -> None:
    ctx = lk.ctx
    acc = _vertex_accessor(lk, semantic, idx)
    if acc is None:
        return
    prim.attr_accessors[semantic] = acc
    _without_bounds(lk, semantic, acc)
    base = semantic.split("_", 1)[0]
    format_ok = False
    if base in VERTEX_FORMATS:
        format_ok = _check_format(lk, acc, semantic, base, VERTEX_FORMATS, QUANTIZED_VERTEX)
    elif acc.component_type == 5125:
        ctx.add("MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_UNSIGNED_INT", name=semantic)
    if not _aligned(acc):
        ctx.add("MESH_PRIMITIVE_ACCESSOR_UNALIGNED", name=semantic)
    if prim.vertex_count == -1:
        prim.vertex_count = acc.count
    elif prim.vertex_count != acc.count:
        ctx.add("MESH_PRIMITIVE_UNEQUAL_ACCESSOR_COUNT", name=semantic)
    _stride_shared(lk, semantic, acc)
    # Data checks, as the reference registers them: once per use (an accessor shared by two
    # primitives is checked, and reported, for each), and only on a valid format.
    pointer = ctx.pointer(semantic)
    if not format_ok:
        return
    if semantic == "NORMAL":
        acc.checks.append(Check("unit", pointer))
    elif semantic == "TANGENT":
        acc.checks.append(Check("tangent", pointer))
    elif semantic == "COLOR_0" and acc.component_type == 5126:
        acc.checks.append(Check("clamped", pointer))


def _link_indices(lk: Linker, prim: Primitive) -> None:
    ctx = lk.ctx
    acc = lk.resolve(lk.doc.accessors, prim.indices_index, name="indices")
    if acc is None:
        return
    prim.draw_count = acc.count
    prim.indices = acc
    code = "MESH_PRIMITIVE_INDICES_ACCESSOR_WITH_BYTESTRIDE"
    lk.use_unstrided_accessor(acc, "PrimitiveIndices", "IndexBuffer", "indices", code)
    code = "MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT"
    if lk.check_format(acc, code, INDEX_FORMATS, name="indices"):
        acc.checks.append(
            Check(
                "indices",
                ctx.pointer("indices"),
                {"vertex_count": prim.vertex_count, "mode": prim.mode},
            )
        )


def _mode_fits(mode: int, count: int) -> bool:
    if mode == 1:
        return count % 2 == 0
    if mode in (2, 3):
        return count >= 2
    if mode == 4:
        return count % 3 == 0
    if mode in (5, 6):
        return count >= 3
    return True


def _texcoord_bindings(mat: Material) -> list[tuple[str, int]]:
    """(binding pointer, TEXCOORD set) of every texture info and every KHR_texture_transform
    that sets a texCoord (both count), in the reference's order: core texture infos, then
    extension objects as their parsing ends (the transforms of core infos; per material
    extension, its infos' transforms, then its infos)."""
    core = [ref for ref in mat.textures if "/extensions/" not in ref.pointer]
    groups: dict[str, list[TextureRef]] = {}
    for ref in mat.textures:
        if "/extensions/" in ref.pointer:
            groups.setdefault(ref.pointer.rsplit("/", 1)[0], []).append(ref)
    found = [(ref.pointer, ref.tex_coord) for ref in core]
    for refs in [core, *groups.values()]:
        found += [(ref.uv_pointer, ref.uv) for ref in refs if ref.uv_pointer != ref.pointer]
        if refs is not core:
            found += [(ref.pointer, ref.tex_coord) for ref in refs]
    return [(pointer, tex_coord) for pointer, tex_coord in found if tex_coord != -1]


def _link_material(lk: Linker, prim: Primitive) -> None:
    ctx = lk.ctx
    attrs = prim.attributes or {}
    mat = prim.material = lk.resolve(lk.doc.materials, prim.material_index, name="material")
    if mat is not None:
        if mat.needs_tangent_space and not ("NORMAL" in attrs and "TANGENT" in attrs):
            if mat.normal_texture is not None:
                ctx.add("MESH_PRIMITIVE_GENERATED_TANGENT_SPACE", name="material")
            else:
                ctx.add("MESH_PRIMITIVE_NO_TANGENT_SPACE", name="material")
        for pointer, tex_coord in _texcoord_bindings(mat):
            prim.used_texcoords.add(tex_coord)
            if tex_coord >= prim.texcoord_count:
                ctx.add(
                    "MESH_PRIMITIVE_TOO_FEW_TEXCOORDS",
                    pointer,
                    f"TEXCOORD_{tex_coord}",
                    name="material",
                )
    with ctx.at("attributes"):
        if "TANGENT" in attrs and (mat is None or not mat.needs_tangent_space):
            ctx.add("UNUSED_MESH_TANGENT", name="TANGENT")
        for tc in range(prim.texcoord_count):
            if tc not in prim.used_texcoords:
                ctx.add("UNUSED_OBJECT", name=f"TEXCOORD_{tc}")


def _link_targets(lk: Linker, prim: Primitive, targets: list[dict[str, int]]) -> None:
    ctx = lk.ctx
    attrs = prim.attr_accessors
    for _i, target in ctx.each("targets", targets):
        for semantic, idx in target.items():
            acc = _vertex_accessor(lk, semantic, idx)
            if acc is None:
                continue
            base_acc = attrs.get(semantic)
            if base_acc is None:
                ctx.add("MESH_PRIMITIVE_MORPH_TARGET_NO_BASE_ACCESSOR", name=semantic)
            elif base_acc.count != acc.count:
                ctx.add("MESH_PRIMITIVE_MORPH_TARGET_INVALID_ATTRIBUTE_COUNT", name=semantic)
            _without_bounds(lk, semantic, acc)
            if not semantic.startswith("_"):
                base = semantic.split("_", 1)[0]
                _check_format(lk, acc, semantic, base, MORPH_FORMATS, QUANTIZED_MORPH)
            if not _aligned(acc):
                ctx.add("MESH_PRIMITIVE_ACCESSOR_UNALIGNED", name=semantic)
            _stride_shared(lk, semantic, acc)


def link_primitive(lk: Linker, prim: Primitive) -> None:
    """The reference's order: attributes, indices, drawing mode, material (tangent space,
    texture coordinates), unused tangents and texture coordinates, morph targets."""
    ctx = lk.ctx
    variants = prim.extensions.get("KHR_materials_variants")
    if isinstance(variants, ExtObject):
        link_variants(lk, variants)
    if prim.attributes is not None:
        with ctx.at("attributes"):
            for semantic, idx in prim.attributes.items():
                _link_attribute(lk, prim, semantic, idx)
    prim.draw_count = prim.vertex_count
    if prim.indices_index != -1:
        _link_indices(lk, prim)
    count = prim.draw_count
    if count != -1 and prim.mode != -1 and not _mode_fits(prim.mode, count):
        ctx.add("MESH_PRIMITIVE_INCOMPATIBLE_MODE", count, MODE_NAMES[prim.mode])
    _link_material(lk, prim)
    if prim.targets is not None:
        _link_targets(lk, prim, prim.targets)


def link_variants(lk: Linker, ext: ExtObject) -> None:
    ctx = lk.ctx
    seen: set[int] = set()
    root = isinstance(lk.doc.extensions.get("KHR_materials_variants"), ExtObject)
    for mapping in ext.values.get("mappings") or []:
        ptr = mapping["pointer"]
        if not root:  # nothing of the mapping is linked without the root extension
            dependency = Raw("/extensions/KHR_materials_variants")
            ctx.add("UNSATISFIED_DEPENDENCY", dependency, pointer=ptr)
            continue
        for j, v in enumerate(mapping.get("variants") or []):
            if v == -1:
                continue
            variant = lookup(lk.doc.variants or [], v)
            if variant is None:
                ctx.add("UNRESOLVED_REFERENCE", v, pointer=f"{ptr}/variants/{j}")
            else:
                variant["used"] = True
            if v in seen:
                ctx.add("KHR_MATERIALS_VARIANTS_NON_UNIQUE_VARIANT", pointer=f"{ptr}/variants/{j}")
            seen.add(v)
        mi = mapping.get("material", -1)
        lk.resolve(lk.doc.materials, mi, pointer=f"{ptr}/material")


def check_mesh_weights(lk: Linker) -> None:
    """UNUSED_MESH_WEIGHTS: a used mesh's weights that no node shows (every node using it has
    weights of its own, or the mesh has no primitives to show)."""
    shown = {
        node.mesh.index
        for node in lk.doc.nodes
        if node is not None
        and node.mesh is not None
        and node.mesh.primitives is not None
        and node.weights is None
    }
    for mesh in lk.doc.meshes:
        if mesh is None or mesh.weights is None or not mesh.used:
            continue
        if mesh.index not in shown:
            lk.ctx.add("UNUSED_MESH_WEIGHTS", pointer=f"/meshes/{mesh.index}/weights")
