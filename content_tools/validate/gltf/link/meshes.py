"""Meshes and primitives: accessor formats and usages, modes, morph targets, variants
(second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.context import Raw
from content_tools.validate.gltf.extensions import ExtObject
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
    Mesh,
    Node,
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
    table: dict[str, set[Fmt]],
    quant: dict[str, set[Fmt]],
) -> None:
    allowed = set(table.get(base, set()))
    if lk.doc.quantized:
        allowed |= quant.get(base, set())
    if not allowed:
        return
    lk.check_format(
        acc, "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT", sorted(allowed), name=semantic
    )


def link_primitive(lk: Linker, prim: Primitive) -> None:
    ctx = lk.ctx
    doc = lk.doc
    mat = prim.material = lk.resolve(doc.materials, prim.material_index, name="material")
    if mat is not None:
        for ref in mat.textures:
            # The texture info's set and its texture transform's, each checked.
            bindings = {ref.pointer: ref.tex_coord, ref.uv_pointer: ref.uv}
            for binding, uv in bindings.items():
                if uv >= 0 and uv >= prim.texcoord_count:
                    ctx.add(
                        "MESH_PRIMITIVE_TOO_FEW_TEXCOORDS",
                        binding,
                        f"TEXCOORD_{uv}",
                        name="material",
                    )
    attrs = prim.attributes or {}
    vertex_count = -1
    with ctx.at("attributes"):
        for semantic, idx in attrs.items():
            acc = lk.resolve(doc.accessors, idx, name=semantic)
            if acc is None:
                continue
            lk.set_usage(acc, "VertexAttribute", semantic)
            prim.attr_accessors[semantic] = acc
            if not acc.valid:
                continue
            bv = acc.buffer_view
            lk.set_view_usage(bv, "VertexBuffer", semantic)
            base = semantic.split("_", 1)[0] if not semantic.startswith("_") else "_"
            if base == "_":
                if acc.component_type == 5125:
                    ctx.add("MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_UNSIGNED_INT", name=semantic)
            elif semantic in VERTEX_FORMATS or base in (
                "TEXCOORD",
                "COLOR",
                "JOINTS",
                "WEIGHTS",
            ):
                _check_format(lk, acc, semantic, base, VERTEX_FORMATS, QUANTIZED_VERTEX)
            if bv is not None and (
                acc.byte_offset % 4 or (bv.byte_stride != -1 and bv.byte_stride % 4)
            ):
                ctx.add("MESH_PRIMITIVE_ACCESSOR_UNALIGNED", name=semantic)
            if semantic == "POSITION" and (acc.min is None or acc.max is None):
                ctx.add("MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS", name=semantic)
            if vertex_count == -1:
                vertex_count = acc.count
            elif vertex_count != acc.count:
                ctx.add("MESH_PRIMITIVE_UNEQUAL_ACCESSOR_COUNT", name=semantic)
            if bv is not None and bv.byte_stride == -1:
                bv.accessors.add(acc.index)
                if len(bv.accessors) > 1:
                    ctx.add("MESH_PRIMITIVE_ACCESSOR_WITHOUT_BYTESTRIDE", name=semantic)
            pointer = ctx.pointer(semantic)
            if any(
                c.pointer != pointer and c.kind in ("unit", "tangent", "clamped")
                for c in acc.checks
            ):
                pass
            elif semantic == "NORMAL":
                acc.checks.append(Check("unit", pointer))
            elif semantic == "TANGENT":
                acc.checks.append(Check("tangent", pointer))
            elif base == "COLOR" and acc.component_type == 5126:
                acc.checks.append(Check("clamped", pointer))
        if "TANGENT" in attrs and "NORMAL" not in attrs:
            ctx.add("MESH_PRIMITIVE_TANGENT_WITHOUT_NORMAL", name="TANGENT")
        if prim.attributes is not None and "POSITION" not in attrs:
            ctx.add("MESH_PRIMITIVE_NO_POSITION")
        if "TANGENT" in attrs and (mat is None or mat.normal_texture is None):
            ctx.add("UNUSED_MESH_TANGENT", name="TANGENT")
        used_tc = (
            {uv for ref in mat.textures for uv in (ref.tex_coord, ref.uv)}
            if mat is not None
            else set()
        )
        for tc in range(prim.texcoord_count):
            if f"TEXCOORD_{tc}" in attrs and tc not in used_tc:
                ctx.add("UNUSED_OBJECT", name=f"TEXCOORD_{tc}")
    prim.vertex_count = vertex_count
    count = vertex_count
    if prim.indices_index != -1:
        acc = lk.resolve(doc.accessors, prim.indices_index, name="indices")
        if acc is None:
            count = -1
        else:
            lk.set_usage(acc, "PrimitiveIndices", "indices")
            prim.indices = acc
            count = acc.count
            if acc.valid:
                bv = acc.buffer_view
                lk.set_view_usage(bv, "IndexBuffer", "indices")
                if bv is not None and bv.byte_stride != -1:
                    ctx.add("MESH_PRIMITIVE_INDICES_ACCESSOR_WITH_BYTESTRIDE", name="indices")
                code = "MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT"
                if lk.check_format(acc, code, INDEX_FORMATS, name="indices"):
                    acc.checks.append(
                        Check(
                            "indices",
                            ctx.pointer("indices"),
                            {"vertex_count": vertex_count, "mode": prim.mode},
                        )
                    )
    if count > 0 and prim.mode != -1:
        mode = prim.mode
        ok = {
            0: count >= 1,
            1: count >= 2 and count % 2 == 0,
            2: count >= 2,
            3: count >= 2,
            4: count >= 3 and count % 3 == 0,
            5: count >= 3,
            6: count >= 3,
        }[mode]
        if not ok:
            ctx.add(
                "MESH_PRIMITIVE_INCOMPATIBLE_MODE",
                count,
                Raw(MODE_NAMES[mode]),
                name="indices" if prim.indices_index != -1 else "attributes",
            )
    if prim.targets is not None:
        for _i, target in ctx.each("targets", prim.targets):
            for semantic, idx in target.items():
                acc = lk.resolve(doc.accessors, idx, name=semantic)
                if acc is None:
                    continue
                lk.set_usage(acc, "VertexAttribute", semantic)
                if acc.valid:
                    lk.set_view_usage(acc.buffer_view, "VertexBuffer", semantic)
                    base = semantic.split("_", 1)[0]
                    if not semantic.startswith("_"):
                        _check_format(lk, acc, semantic, base, MORPH_FORMATS, QUANTIZED_MORPH)
                if semantic not in attrs:
                    ctx.add("MESH_PRIMITIVE_MORPH_TARGET_NO_BASE_ACCESSOR", name=semantic)
                elif acc.count != -1 and vertex_count != -1 and acc.count != vertex_count:
                    ctx.add(
                        "MESH_PRIMITIVE_MORPH_TARGET_INVALID_ATTRIBUTE_COUNT",
                        name=semantic,
                    )
    if mat is not None and "TANGENT" not in attrs and prim.mode in (4, 5, 6):
        needs = mat.normal_texture is not None or "KHR_materials_anisotropy" in mat.extensions
        if needs:
            if mat.normal_texture is None:
                ctx.add("MESH_PRIMITIVE_NO_TANGENT_SPACE", name="material")
            else:
                ctx.add("MESH_PRIMITIVE_GENERATED_TANGENT_SPACE", name="material")
    variants = prim.extensions.get("KHR_materials_variants")
    if isinstance(variants, ExtObject):
        link_variants(lk, variants)


def link_variants(lk: Linker, ext: ExtObject) -> None:
    ctx = lk.ctx
    seen: set[int] = set()
    root = isinstance(lk.doc.extensions.get("KHR_materials_variants"), ExtObject)
    for mapping in ext.values.get("mappings") or []:
        ptr = mapping["pointer"]
        if not root:
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
    users: dict[int, list[Node]] = {}
    for node in lk.doc.nodes:
        if node is not None and node.mesh is not None:
            users.setdefault(node.mesh.index, []).append(node)
    for mesh in lk.doc.meshes:
        if mesh is None or mesh.weights is None:
            continue
        nodes = users.get(mesh.index)
        if nodes and all(n.weights is not None for n in nodes):
            lk.ctx.add("UNUSED_MESH_WEIGHTS", pointer=f"/meshes/{mesh.index}/weights")
