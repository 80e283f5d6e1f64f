"""The glTF root: reading every collection (first pass) and linking references (second pass),
with the reference's semantic and link checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from content_tools.validate.gltf.extensions import (
    REQUIRED_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    ExtObject,
    parse_extensions,
)
from content_tools.validate.gltf.hierarchy import Hierarchy
from content_tools.validate.gltf.objects import (
    IMAGE_MIME_TYPES,
    Accessor,
    Animation,
    Asset,
    Base,
    Buffer,
    BufferView,
    Camera,
    Check,
    Image,
    Material,
    Mesh,
    Node,
    Primitive,
    Sampler,
    Scene,
    Skin,
    Texture,
    format_name,
    parse_accessor,
    parse_animation,
    parse_asset,
    parse_buffer,
    parse_buffer_view,
    parse_camera,
    parse_image,
    parse_material,
    parse_mesh,
    parse_node,
    parse_sampler,
    parse_scene,
    parse_skin,
    parse_texture,
)
from content_tools.validate.gltf.schema import (
    Ctx,
    Raw,
    check_members,
    get_extras,
    get_index,
    get_string_list,
)

__all__ = ["Document", "read_document"]

T = TypeVar("T")
_Obj = TypeVar("_Obj", bound=Base)

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

F = 5126
UB, US, UI, B, S = 5121, 5123, 5125, 5120, 5122
Fmt = tuple[str, int, bool]


def _fmts(types: tuple[str, ...], combos: tuple[tuple[int, bool], ...]) -> set[Fmt]:
    return {(t, ct, n) for t in types for ct, n in combos}


VERTEX_FORMATS: dict[str, set[Fmt]] = {
    "POSITION": {("VEC3", F, False)},
    "NORMAL": {("VEC3", F, False)},
    "TANGENT": {("VEC4", F, False)},
    "TEXCOORD": _fmts(("VEC2",), ((F, False), (UB, True), (US, True))),
    "COLOR": _fmts(("VEC3", "VEC4"), ((F, False), (UB, True), (US, True))),
    "JOINTS": _fmts(("VEC4",), ((UB, False), (US, False))),
    "WEIGHTS": _fmts(("VEC4",), ((F, False), (UB, True), (US, True))),
}
MORPH_FORMATS: dict[str, set[Fmt]] = {
    "POSITION": {("VEC3", F, False)},
    "NORMAL": {("VEC3", F, False)},
    "TANGENT": {("VEC3", F, False)},
    "TEXCOORD": _fmts(("VEC2",), ((F, False), (B, True), (UB, True), (S, True), (US, True))),
    "COLOR": _fmts(("VEC3", "VEC4"), ((F, False), (B, True), (UB, True), (S, True), (US, True))),
}
_ANY_INT = (
    (B, False),
    (B, True),
    (UB, False),
    (UB, True),
    (S, False),
    (S, True),
    (US, False),
    (US, True),
)
QUANTIZED_VERTEX: dict[str, set[Fmt]] = {
    "POSITION": _fmts(("VEC3",), _ANY_INT),
    "NORMAL": _fmts(("VEC3",), ((B, True), (S, True))),
    "TANGENT": _fmts(("VEC4",), ((B, True), (S, True))),
    "TEXCOORD": _fmts(
        ("VEC2",), ((B, False), (B, True), (UB, False), (S, False), (S, True), (US, False))
    ),
}
QUANTIZED_MORPH: dict[str, set[Fmt]] = {
    "POSITION": _fmts(("VEC3",), ((B, False), (B, True), (S, False), (S, True))),
    "NORMAL": _fmts(("VEC3",), ((B, True), (S, True))),
    "TANGENT": _fmts(("VEC3",), ((B, True), (S, True))),
    "TEXCOORD": _fmts(("VEC2",), _ANY_INT),
}
INDEX_FORMATS = [("SCALAR", UB, False), ("SCALAR", US, False), ("SCALAR", UI, False)]
_ROTATION_FORMATS = [("VEC4", F, False)] + [("VEC4", ct, True) for ct in (B, UB, S, US)]
_WEIGHTS_FORMATS = [("SCALAR", F, False)] + [("SCALAR", ct, True) for ct in (B, UB, S, US)]
OUTPUT_FORMATS: dict[str, list[Fmt]] = {
    "translation": [("VEC3", F, False)],
    "scale": [("VEC3", F, False)],
    "rotation": _ROTATION_FORMATS,
    "weights": _WEIGHTS_FORMATS,
}
MODE_NAMES = (
    "POINTS",
    "LINES",
    "LINE_LOOP",
    "LINE_STRIP",
    "TRIANGLES",
    "TRIANGLE_STRIP",
    "TRIANGLE_FAN",
)


def _names(formats: list[Fmt] | set[Fmt]) -> tuple[Raw, ...]:
    return tuple(format_name(*f) for f in sorted(formats, key=lambda f: (f[0], f[1], f[2])))


def _get(items: Sequence[T | None], index: int) -> T | None:
    if 0 <= index < len(items):
        return items[index]
    return None


@dataclass(eq=False)
class Document:
    asset: Asset | None = None
    extensions_used: list[str] = field(default_factory=list)
    extensions_required: list[str] = field(default_factory=list)
    accessors: list[Accessor | None] = field(default_factory=list)
    animations: list[Animation | None] = field(default_factory=list)
    buffers: list[Buffer | None] = field(default_factory=list)
    buffer_views: list[BufferView | None] = field(default_factory=list)
    cameras: list[Camera | None] = field(default_factory=list)
    images: list[Image | None] = field(default_factory=list)
    materials: list[Material | None] = field(default_factory=list)
    meshes: list[Mesh | None] = field(default_factory=list)
    nodes: list[Node | None] = field(default_factory=list)
    samplers: list[Sampler | None] = field(default_factory=list)
    scenes: list[Scene | None] = field(default_factory=list)
    skins: list[Skin | None] = field(default_factory=list)
    textures: list[Texture | None] = field(default_factory=list)
    scene_index: int = -1
    extensions: dict[str, Any] = field(default_factory=dict)
    lights: list[dict[str, Any]] | None = None
    variants: list[dict[str, Any]] | None = None
    quantized: bool = False
    image_mime_types: tuple[str, ...] = ("image/jpeg", "image/png")


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
    Linker(doc, ctx).link()
    ctx.path.clear()
    return doc


class Linker:
    def __init__(self, doc: Document, ctx: Ctx) -> None:
        self.doc = doc
        self.ctx = ctx
        self._hierarchy: Hierarchy | None = None
        self.animated: set[int] = set()

    # -- helpers -------------------------------------------------------------------------------

    def hierarchy(self) -> Hierarchy:
        """The node hierarchy, analysed once all nodes are linked."""
        if self._hierarchy is None:
            self._hierarchy = Hierarchy(self.doc.nodes)
        return self._hierarchy

    def set_usage(self, acc: Accessor, usage: str, name: str) -> None:
        acc.used = True
        if acc.usage is None:
            acc.usage = usage
        elif acc.usage != usage:
            self.ctx.add("ACCESSOR_USAGE_OVERRIDE", Raw(acc.usage), Raw(usage), name=name)

    def set_view_usage(self, bv: BufferView | None, usage: str, name: str) -> None:
        if bv is None:
            return
        if bv.usage is None:
            bv.usage = usage
            if bv.target == -1 and usage in ("VertexBuffer", "IndexBuffer"):
                self.ctx.add("BUFFER_VIEW_TARGET_MISSING", name=name)
        elif bv.usage != usage:
            self.ctx.add("BUFFER_VIEW_TARGET_OVERRIDE", Raw(bv.usage), Raw(usage), name=name)

    def _offset_length(
        self, byte_offset: int, comp_len: int, byte_length: int, bv: BufferView, bv_index: int
    ) -> None:
        ctx = self.ctx
        if byte_offset == -1 or comp_len == 0:
            return
        if byte_offset % comp_len:
            ctx.add("ACCESSOR_OFFSET_ALIGNMENT", byte_offset, comp_len, name="byteOffset")
        total = bv.byte_offset + byte_offset
        if bv.byte_offset != -1 and total % comp_len:
            ctx.add("ACCESSOR_TOTAL_OFFSET_ALIGNMENT", total, comp_len)
        if bv.byte_length == -1:
            return
        if byte_offset > bv.byte_length:
            ctx.add(
                "ACCESSOR_TOO_LONG",
                byte_offset,
                byte_length,
                bv_index,
                bv.byte_length,
                name="byteOffset",
            )
        elif byte_offset + byte_length > bv.byte_length:
            ctx.add("ACCESSOR_TOO_LONG", byte_offset, byte_length, bv_index, bv.byte_length)

    # -- passes ----------------------------------------------------------------------------------

    def link(self) -> None:
        ctx = self.ctx
        self.animated = {
            ch.node_index
            for anim in self.doc.animations
            if anim is not None
            for ch in anim.channels or []
            if ch.path in ("translation", "rotation", "scale", "weights")
        }
        self._link_each("bufferViews", self.doc.buffer_views, self.link_buffer_view)
        self._link_each("accessors", self.doc.accessors, self.link_accessor)
        self._link_each("images", self.doc.images, self.link_image)
        self._link_each("textures", self.doc.textures, self.link_texture)
        self._link_each("materials", self.doc.materials, self.link_material)
        self._link_each("meshes", self.doc.meshes, self.link_mesh)
        self._link_each("nodes", self.doc.nodes, self.link_node)
        self._link_each("skins", self.doc.skins, self.link_skin)
        self.check_nodes()
        self._link_each("scenes", self.doc.scenes, self.link_scene)
        if self.doc.scene_index != -1:
            scene = _get(self.doc.scenes, self.doc.scene_index)
            if scene is None:
                ctx.add("UNRESOLVED_REFERENCE", self.doc.scene_index, name="scene")
            else:
                scene.used = True
        self._link_each("animations", self.doc.animations, self.link_animation)
        self.check_mesh_weights()

    def _link_each(
        self, key: str, items: Sequence[_Obj | None], link: Callable[[_Obj], None]
    ) -> None:
        """`link` each present item of the top-level array `key`, pointers set to `/key/i`."""
        with self.ctx.at(key):
            for item in items:
                if item is not None:
                    with self.ctx.at(item.index):
                        link(item)

    def link_buffer_view(self, bv: BufferView) -> None:
        if bv.target == 34962:
            bv.usage = "VertexBuffer"
        elif bv.target == 34963:
            bv.usage = "IndexBuffer"
        if bv.buffer_index == -1:
            return
        buf = _get(self.doc.buffers, bv.buffer_index)
        if buf is None:
            self.ctx.add("UNRESOLVED_REFERENCE", bv.buffer_index, name="buffer")
            return
        bv.buffer = buf
        buf.used = True
        if buf.byte_length != -1 and bv.byte_offset != -1 and bv.byte_length != -1:
            if bv.byte_offset >= buf.byte_length:
                self.ctx.add(
                    "BUFFER_VIEW_TOO_LONG", bv.buffer_index, buf.byte_length, name="byteOffset"
                )
            elif bv.byte_offset + bv.byte_length > buf.byte_length:
                self.ctx.add(
                    "BUFFER_VIEW_TOO_LONG", bv.buffer_index, buf.byte_length, name="byteLength"
                )

    def link_accessor(self, acc: Accessor) -> None:
        ctx = self.ctx
        bv = _get(self.doc.buffer_views, acc.buffer_view_index)
        acc.buffer_view = bv
        if not acc.valid:
            return
        if acc.buffer_view_index != -1:
            if bv is None:
                ctx.add("UNRESOLVED_REFERENCE", acc.buffer_view_index, name="bufferView")
            else:
                bv.used = True
                if bv.byte_stride != -1 and bv.byte_stride < acc.element_length:
                    ctx.add("ACCESSOR_SMALL_BYTESTRIDE", bv.byte_stride, acc.element_length)
                    acc.layout_ok = False
                self._offset_length(
                    acc.byte_offset,
                    acc.component_size,
                    acc.byte_length,
                    bv,
                    acc.buffer_view_index,
                )
        sp = acc.sparse
        if sp is None or sp.count == -1 or sp.indices is None or sp.values is None:
            return
        with ctx.at("sparse"):
            if sp.count > acc.count:
                ctx.add("ACCESSOR_SPARSE_COUNT_OUT_OF_RANGE", sp.count, acc.count, name="count")
            for part_name, part in (("indices", sp.indices), ("values", sp.values)):
                with ctx.at(part_name):
                    if part.buffer_view_index == -1:
                        continue
                    pbv = _get(self.doc.buffer_views, part.buffer_view_index)
                    if pbv is None:
                        ctx.add("UNRESOLVED_REFERENCE", part.buffer_view_index, name="bufferView")
                        continue
                    part.buffer_view = pbv
                    pbv.used = True
                    self.set_view_usage(pbv, "Other", "bufferView")
                    if pbv.byte_stride != -1:
                        ctx.add("BUFFER_VIEW_INVALID_BYTE_STRIDE", name="bufferView")
                    if part_name == "indices":
                        if part.component_type != -1:
                            size = {5121: 1, 5123: 2, 5125: 4}[part.component_type]
                            self._offset_length(
                                part.byte_offset,
                                size,
                                size * sp.count,
                                pbv,
                                part.buffer_view_index,
                            )
                    else:
                        self._offset_length(
                            part.byte_offset,
                            acc.component_size,
                            acc.component_size * acc.components * sp.count,
                            pbv,
                            part.buffer_view_index,
                        )

    def link_image(self, img: Image) -> None:
        if img.buffer_view_index == -1:
            return
        bv = _get(self.doc.buffer_views, img.buffer_view_index)
        if bv is None:
            self.ctx.add("UNRESOLVED_REFERENCE", img.buffer_view_index, name="bufferView")
            return
        img.buffer_view = bv
        bv.used = True
        if bv.byte_stride != -1:
            self.ctx.add("IMAGE_BUFFER_VIEW_WITH_BYTESTRIDE", name="bufferView")
        self.set_view_usage(bv, "Other", "bufferView")

    def link_texture(self, tex: Texture) -> None:
        ctx = self.ctx
        if tex.sampler_index != -1:
            sampler = _get(self.doc.samplers, tex.sampler_index)
            if sampler is None:
                ctx.add("UNRESOLVED_REFERENCE", tex.sampler_index, name="sampler")
            else:
                sampler.used = True
        if tex.source_index != -1:
            img = _get(self.doc.images, tex.source_index)
            if img is None:
                ctx.add("UNRESOLVED_REFERENCE", tex.source_index, name="source")
            else:
                img.used = True
                tex.source = img
        for name in ("EXT_texture_webp",):
            ext = tex.extensions.get(name)
            if isinstance(ext, ExtObject):
                src = ext.values.get("source", -1)
                if src != -1:
                    img = _get(self.doc.images, src)
                    if img is None:
                        ctx.add("UNRESOLVED_REFERENCE", src, pointer=f"{ext.pointer}/source")
                    else:
                        img.used = True

    def link_material(self, mat: Material) -> None:
        ctx = self.ctx
        for ref in mat.textures:
            if ref.index == -1:
                continue
            tex = _get(self.doc.textures, ref.index)
            if tex is None:
                ctx.add("UNRESOLVED_REFERENCE", ref.index, pointer=f"{ref.pointer}/index")
            else:
                tex.used = True
        exts = mat.extensions
        normal_tc = mat.normal_texture.tex_coord if mat.normal_texture else None
        aniso = exts.get("KHR_materials_anisotropy")
        if isinstance(aniso, ExtObject) and normal_tc is not None:
            tc = aniso.values.get("texcoord")
            if tc is not None and tc != normal_tc:
                ctx.add(
                    "KHR_MATERIALS_ANISOTROPY_ANISOTROPY_TEXTURE_TEXCOORD",
                    pointer=f"{aniso.pointer}/anisotropyTexture",
                )
        clearcoat = exts.get("KHR_materials_clearcoat")
        if isinstance(clearcoat, ExtObject) and normal_tc is not None:
            tc = clearcoat.values.get("texcoord")
            if tc is not None and tc != normal_tc:
                ctx.add(
                    "KHR_MATERIALS_CLEARCOAT_CLEARCOAT_NORMAL_TEXTURE_TEXCOORD",
                    pointer=f"{clearcoat.pointer}/clearcoatNormalTexture",
                )
        disp = exts.get("KHR_materials_dispersion")
        if isinstance(disp, ExtObject) and "KHR_materials_volume" not in exts:
            ctx.add("KHR_MATERIALS_DISPERSION_NO_VOLUME", pointer=disp.pointer)
        strength = exts.get("KHR_materials_emissive_strength")
        if (
            isinstance(strength, ExtObject)
            and strength.values.get("strength", 0) > 0
            and (mat.emissive_factor is None or not any(mat.emissive_factor))
        ):
            ctx.add("KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR", pointer=strength.pointer)
        volume = exts.get("KHR_materials_volume")
        if isinstance(volume, ExtObject):
            if (
                "KHR_materials_transmission" not in exts
                and "KHR_materials_diffuse_transmission" not in exts
            ):
                ctx.add("KHR_MATERIALS_VOLUME_NO_TRANSMISSION", pointer=volume.pointer)
            if mat.double_sided and volume.values.get("thickness", 0) > 0:
                ctx.add("KHR_MATERIALS_VOLUME_DOUBLE_SIDED", pointer=volume.pointer)

    def link_mesh(self, mesh: Mesh) -> None:
        if mesh.primitives is None:
            return
        with self.ctx.at("primitives"):
            for j, prim in enumerate(mesh.primitives):
                with self.ctx.at(j):
                    self.link_primitive(prim)

    def _check_format(
        self,
        acc: Accessor,
        semantic: str,
        base: str,
        table: dict[str, set[Fmt]],
        quant: dict[str, set[Fmt]],
    ) -> None:
        allowed = set(table.get(base, set()))
        if self.doc.quantized:
            allowed |= quant.get(base, set())
        if not allowed:
            return
        if acc.format not in allowed:
            self.ctx.add(
                "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT",
                acc.format_name(),
                _names(allowed),
                name=semantic,
            )

    def link_primitive(self, prim: Primitive) -> None:
        ctx = self.ctx
        doc = self.doc
        mat: Material | None = None
        if prim.material_index != -1:
            mat = _get(doc.materials, prim.material_index)
            if mat is None:
                ctx.add("UNRESOLVED_REFERENCE", prim.material_index, name="material")
            else:
                mat.used = True
                prim.material = mat
                for ref in mat.textures:
                    if ref.tex_coord >= 0 and ref.tex_coord >= prim.texcoord_count:
                        ctx.add(
                            "MESH_PRIMITIVE_TOO_FEW_TEXCOORDS",
                            ref.pointer,
                            f"TEXCOORD_{ref.tex_coord}",
                            name="material",
                        )
        attrs = prim.attributes or {}
        vertex_count = -1
        with ctx.at("attributes"):
            for semantic, idx in attrs.items():
                if idx == -1:
                    continue
                acc = _get(doc.accessors, idx)
                if acc is None:
                    ctx.add("UNRESOLVED_REFERENCE", idx, name=semantic)
                    continue
                self.set_usage(acc, "VertexAttribute", semantic)
                prim.attr_accessors[semantic] = acc
                if not acc.valid:
                    continue
                bv = acc.buffer_view
                self.set_view_usage(bv, "VertexBuffer", semantic)
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
                    self._check_format(acc, semantic, base, VERTEX_FORMATS, QUANTIZED_VERTEX)
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
            used_tc = {ref.tex_coord for ref in mat.textures} if mat is not None else set()
            for tc in range(prim.texcoord_count):
                if f"TEXCOORD_{tc}" in attrs and tc not in used_tc:
                    ctx.add("UNUSED_OBJECT", name=f"TEXCOORD_{tc}")
        prim.vertex_count = vertex_count
        count = vertex_count
        if prim.indices_index != -1:
            acc = _get(doc.accessors, prim.indices_index)
            if acc is None:
                ctx.add("UNRESOLVED_REFERENCE", prim.indices_index, name="indices")
                count = -1
            else:
                self.set_usage(acc, "PrimitiveIndices", "indices")
                prim.indices = acc
                count = acc.count
                if acc.valid:
                    bv = acc.buffer_view
                    self.set_view_usage(bv, "IndexBuffer", "indices")
                    if bv is not None and bv.byte_stride != -1:
                        ctx.add("MESH_PRIMITIVE_INDICES_ACCESSOR_WITH_BYTESTRIDE", name="indices")
                    if acc.format not in INDEX_FORMATS:
                        ctx.add(
                            "MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT",
                            acc.format_name(),
                            tuple(format_name(*f) for f in INDEX_FORMATS),
                            name="indices",
                        )
                    else:
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
            with ctx.at("targets"):
                for i, target in enumerate(prim.targets):
                    with ctx.at(i):
                        for semantic, idx in target.items():
                            if idx == -1:
                                continue
                            acc = _get(doc.accessors, idx)
                            if acc is None:
                                ctx.add("UNRESOLVED_REFERENCE", idx, name=semantic)
                                continue
                            self.set_usage(acc, "VertexAttribute", semantic)
                            if acc.valid:
                                self.set_view_usage(acc.buffer_view, "VertexBuffer", semantic)
                                base = semantic.split("_", 1)[0]
                                if not semantic.startswith("_"):
                                    self._check_format(
                                        acc, semantic, base, MORPH_FORMATS, QUANTIZED_MORPH
                                    )
                            if semantic not in attrs:
                                ctx.add(
                                    "MESH_PRIMITIVE_MORPH_TARGET_NO_BASE_ACCESSOR", name=semantic
                                )
                            elif (
                                acc.count != -1 and vertex_count != -1 and acc.count != vertex_count
                            ):
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
            self.link_variants(variants)

    def link_variants(self, ext: ExtObject) -> None:
        ctx = self.ctx
        seen: set[int] = set()
        for mapping in ext.values.get("mappings") or []:
            ptr = mapping["pointer"]
            for j, v in enumerate(mapping.get("variants") or []):
                if v == -1:
                    continue
                variant = _get(self.doc.variants or [], v)
                if variant is None:
                    ctx.add("UNRESOLVED_REFERENCE", v, pointer=f"{ptr}/variants/{j}")
                else:
                    variant["used"] = True
                if v in seen:
                    ctx.add(
                        "KHR_MATERIALS_VARIANTS_NON_UNIQUE_VARIANT", pointer=f"{ptr}/variants/{j}"
                    )
                seen.add(v)
            mi = mapping.get("material", -1)
            if mi != -1:
                mat = _get(self.doc.materials, mi)
                if mat is None:
                    ctx.add("UNRESOLVED_REFERENCE", mi, pointer=f"{ptr}/material")
                else:
                    mat.used = True

    def link_node(self, node: Node) -> None:
        ctx = self.ctx
        doc = self.doc
        if node.camera_index != -1:
            cam = _get(doc.cameras, node.camera_index)
            if cam is None:
                ctx.add("UNRESOLVED_REFERENCE", node.camera_index, name="camera")
            else:
                cam.used = True
                node.camera = cam
        if node.children_indices is not None:
            with ctx.at("children"):
                for j, ci in enumerate(node.children_indices):
                    if ci == -1:
                        continue
                    child = _get(doc.nodes, ci)
                    if child is None:
                        ctx.add("UNRESOLVED_REFERENCE", ci, index=j)
                        continue
                    if child.parent is not None:
                        ctx.add("NODE_PARENT_OVERRIDE", ci, index=j)
                    child.parent = node
                    child.used = True
                    node.children.append(child)
        if node.skin_index != -1:
            skin = _get(doc.skins, node.skin_index)
            if skin is None:
                ctx.add("UNRESOLVED_REFERENCE", node.skin_index, name="skin")
            else:
                skin.used = True
                node.skin = skin
        if node.mesh_index != -1:
            mesh = _get(doc.meshes, node.mesh_index)
            if mesh is None:
                ctx.add("UNRESOLVED_REFERENCE", node.mesh_index, name="mesh")
            else:
                mesh.used = True
                node.mesh = mesh
                if node.weights is not None and mesh.targets_count != len(node.weights):
                    ctx.add(
                        "NODE_WEIGHTS_INVALID",
                        len(node.weights),
                        max(mesh.targets_count, 0),
                        name="weights",
                    )
                if node.skin is None:
                    if mesh.has_joints:
                        ctx.add("NODE_SKINNED_MESH_WITHOUT_SKIN")
                elif not mesh.has_joints:
                    ctx.add("NODE_SKIN_WITH_NON_SKINNED_MESH")
                elif node.has_transform:
                    ctx.add("NODE_SKINNED_MESH_LOCAL_TRANSFORMS")
        light = node.extensions.get("KHR_lights_punctual")
        if isinstance(light, ExtObject):
            li = light.values.get("light", -1)
            if li != -1:
                target = _get(doc.lights or [], li)
                if target is None:
                    ctx.add("UNRESOLVED_REFERENCE", li, pointer=f"{light.pointer}/light")
                else:
                    target["used"] = True

    def link_skin(self, skin: Skin) -> None:
        ctx = self.ctx
        doc = self.doc
        if skin.ibm_index != -1:
            acc = _get(doc.accessors, skin.ibm_index)
            if acc is None:
                ctx.add("UNRESOLVED_REFERENCE", skin.ibm_index, name="inverseBindMatrices")
            else:
                self.set_usage(acc, "IBM", "inverseBindMatrices")
                skin.ibm = acc
                if acc.valid:
                    bv = acc.buffer_view
                    self.set_view_usage(bv, "Other", "inverseBindMatrices")
                    if bv is not None and bv.byte_stride != -1:
                        ctx.add("SKIN_IBM_ACCESSOR_WITH_BYTESTRIDE", name="inverseBindMatrices")
                    if acc.format != ("MAT4", F, False):
                        ctx.add(
                            "SKIN_IBM_INVALID_FORMAT",
                            acc.format_name(),
                            (format_name("MAT4", F, False),),
                            name="inverseBindMatrices",
                        )
                    elif skin.joint_indices is not None and acc.count < len(skin.joint_indices):
                        ctx.add(
                            "INVALID_IBM_ACCESSOR_COUNT",
                            len(skin.joint_indices),
                            acc.count,
                            name="inverseBindMatrices",
                        )
                    else:
                        acc.checks.append(Check("ibm", ctx.pointer("inverseBindMatrices")))
        skeleton: Node | None = None
        if skin.skeleton_index != -1:
            skeleton = _get(doc.nodes, skin.skeleton_index)
            if skeleton is None:
                ctx.add("UNRESOLVED_REFERENCE", skin.skeleton_index, name="skeleton")
        if skin.joint_indices is None:
            return
        with ctx.at("joints"):
            for j, ji in enumerate(skin.joint_indices):
                node = _get(doc.nodes, ji) if ji != -1 else None
                if node is None:
                    if ji != -1:
                        ctx.add("UNRESOLVED_REFERENCE", ji, index=j)
                    skin.joints.append(None)
                    continue
                node.used = True
                skin.joints.append(node)
        hier = self.hierarchy()
        roots = {id(hier.root.get(j.index)) if j is not None else None for j in skin.joints}
        if not skin.joints or None in roots or id(None) in roots or len(roots) != 1:
            ctx.add("SKIN_NO_COMMON_ROOT", name="joints")
        elif skeleton is not None and not all(
            j is not None and hier.is_ancestor_or_self(skeleton, j) for j in skin.joints
        ):
            ctx.add("SKIN_SKELETON_INVALID", name="skeleton")

    def check_nodes(self) -> None:
        ctx = self.ctx
        doc = self.doc
        joints = {id(n) for s in doc.skins if s is not None for n in s.joints if n is not None}
        hier = self.hierarchy()
        for node in doc.nodes:
            if node is None:
                continue
            pointer = f"/nodes/{node.index}"
            if node.index in hier.in_loop:
                ctx.add("NODE_LOOP", pointer=pointer)
            if node.skin is not None and node.mesh is not None and node.parent is not None:
                if hier.transform_above.get(node.index, False):
                    ctx.add("NODE_SKINNED_MESH_PARENT_TRANSFORMS", pointer=pointer)
                ctx.add("NODE_SKINNED_MESH_NON_ROOT", pointer=pointer)
            if (
                node.camera is None
                and node.mesh is None
                and not node.children_indices
                and not node.extensions
                and not node.has_extras
                and id(node) not in joints
                and node.index not in self.animated
            ):
                ctx.add("NODE_EMPTY", pointer=pointer)

    def link_scene(self, scene: Scene) -> None:
        ctx = self.ctx
        if scene.node_indices is None:
            return
        with ctx.at("nodes"):
            for j, ni in enumerate(scene.node_indices):
                if ni == -1:
                    continue
                node = _get(self.doc.nodes, ni)
                if node is None:
                    ctx.add("UNRESOLVED_REFERENCE", ni, index=j)
                    continue
                node.used = True
                if node.parent is not None:
                    ctx.add("SCENE_NON_ROOT_NODE", ni, index=j)

    def link_animation(self, anim: Animation) -> None:
        ctx = self.ctx
        doc = self.doc
        samplers = anim.samplers or []
        resolved: list[tuple[Accessor | None, Accessor | None]] = []
        if anim.samplers is not None:
            with ctx.at("samplers"):
                for j, s in enumerate(samplers):
                    with ctx.at(j):
                        inp = out = None
                        if s.input_index != -1:
                            inp = _get(doc.accessors, s.input_index)
                            if inp is None:
                                ctx.add("UNRESOLVED_REFERENCE", s.input_index, name="input")
                            else:
                                self.set_usage(inp, "AnimationInput", "input")
                                if inp.valid:
                                    bv = inp.buffer_view
                                    if bv is not None and bv.byte_stride != -1:
                                        ctx.add(
                                            "ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE",
                                            name="input",
                                        )
                                    self.set_view_usage(bv, "Other", "input")
                                    if inp.format != ("SCALAR", F, False):
                                        ctx.add(
                                            "ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT",
                                            inp.format_name(),
                                            (format_name("SCALAR", F, False),),
                                            name="input",
                                        )
                                    if inp.min is None or inp.max is None:
                                        ctx.add(
                                            "ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS",
                                            name="input",
                                        )
                                    if s.interpolation == "CUBICSPLINE" and inp.count < 2:
                                        ctx.add(
                                            "ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS",
                                            Raw("CUBICSPLINE"),
                                            2,
                                            inp.count,
                                            name="input",
                                        )
                                    inp.checks.append(Check("anim_input", ctx.pointer("input")))
                        if s.output_index != -1:
                            out = _get(doc.accessors, s.output_index)
                            if out is None:
                                ctx.add("UNRESOLVED_REFERENCE", s.output_index, name="output")
                            else:
                                self.set_usage(out, "AnimationOutput", "output")
                                if out.valid:
                                    bv = out.buffer_view
                                    if bv is not None and bv.byte_stride != -1:
                                        ctx.add(
                                            "ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE",
                                            name="output",
                                        )
                                    self.set_view_usage(bv, "Other", "output")
                        resolved.append((inp, out))
        if anim.channels is None:
            return
        targets: dict[tuple[int, str], int] = {}
        with ctx.at("channels"):
            for j, ch in enumerate(anim.channels):
                with ctx.at(j):
                    sampler = None
                    if ch.sampler_index != -1:
                        if 0 <= ch.sampler_index < len(samplers):
                            sampler = samplers[ch.sampler_index]
                            sampler.used = True
                        else:
                            ctx.add("UNRESOLVED_REFERENCE", ch.sampler_index, name="sampler")
                    node = None
                    if ch.has_target:
                        with ctx.at("target"):
                            ptr_ext = ch.target_extensions.get("KHR_animation_pointer")
                            if ch.node_index != -1:
                                node = _get(doc.nodes, ch.node_index)
                                if node is None:
                                    ctx.add("UNRESOLVED_REFERENCE", ch.node_index, name="node")
                                else:
                                    node.used = True
                                if isinstance(ptr_ext, ExtObject):
                                    ctx.add(
                                        "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_NODE",
                                        pointer=ptr_ext.pointer,
                                    )
                            if isinstance(ptr_ext, ExtObject) and ch.path not in (None, "pointer"):
                                ctx.add(
                                    "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_PATH",
                                    ch.path,
                                    pointer=ptr_ext.pointer,
                                )
                            if node is not None and ch.path is not None:
                                key = (node.index, ch.path)
                                if key in targets:
                                    ctx.add("ANIMATION_DUPLICATE_TARGETS", targets[key])
                                else:
                                    targets[key] = j
                                if ch.path == "weights":
                                    if node.mesh is not None and node.mesh.targets_count <= 0:
                                        ctx.add(
                                            "ANIMATION_CHANNEL_TARGET_NODE_WEIGHTS_NO_MORPHS",
                                            name="path",
                                        )
                                elif ch.path in ("translation", "rotation", "scale"):
                                    if node.matrix is not None:
                                        ctx.add("ANIMATION_CHANNEL_TARGET_NODE_MATRIX", name="path")
                                    elif node.skin is not None and node.mesh is not None:
                                        ctx.add("ANIMATION_CHANNEL_TARGET_NODE_SKIN", name="path")
                    if sampler is None or ch.path not in OUTPUT_FORMATS:
                        continue
                    inp, out = resolved[ch.sampler_index]
                    if out is None or not out.valid:
                        continue
                    allowed = OUTPUT_FORMATS[ch.path]
                    if out.format not in allowed:
                        ctx.add(
                            "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_FORMAT",
                            out.format_name(),
                            tuple(format_name(*f) for f in allowed),
                            ch.path,
                            name="sampler",
                        )
                        continue
                    cubic = sampler.interpolation == "CUBICSPLINE"
                    if inp is not None and inp.valid:
                        expected = inp.count * (3 if cubic else 1)
                        if ch.path == "weights":
                            tc = node.mesh.targets_count if node and node.mesh else -1
                            expected = expected * tc if tc > 0 else -1
                        if expected != -1 and out.count != expected:
                            ctx.add(
                                "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT",
                                expected,
                                out.count,
                                name="sampler",
                            )
                    if ch.path == "rotation":
                        out.checks.append(Check("quat", ctx.pointer("sampler"), {"cubic": cubic}))

    def check_mesh_weights(self) -> None:
        users: dict[int, list[Node]] = {}
        for node in self.doc.nodes:
            if node is not None and node.mesh is not None:
                users.setdefault(node.mesh.index, []).append(node)
        for mesh in self.doc.meshes:
            if mesh is None or mesh.weights is None:
                continue
            nodes = users.get(mesh.index)
            if nodes and all(n.weights is not None for n in nodes):
                self.ctx.add("UNUSED_MESH_WEIGHTS", pointer=f"/meshes/{mesh.index}/weights")


def report_unused(doc: Document, ctx: Ctx) -> None:
    """UNUSED_OBJECT for every object nothing refers to."""
    for anim in doc.animations:
        if anim is not None and anim.samplers:
            for j, s in enumerate(anim.samplers):
                if not s.used:
                    ctx.add("UNUSED_OBJECT", pointer=f"/animations/{anim.index}/samplers/{j}")
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


__all__ += ["IMAGE_MIME_TYPES", "report_unused"]
