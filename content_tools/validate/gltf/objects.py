"""The glTF objects, read from JSON with the reference's schema checks (first pass).

Each `parse_*` reads one JSON object at the context's current path and returns a typed object
holding indices (-1 when absent or invalid); `link.py` resolves them afterwards.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from content_tools.validate.gltf import resources
from content_tools.validate.gltf.extensions import TextureRef, parse_extensions, parse_texture_info
from content_tools.validate.gltf.mathutil import is_trs_decomposable
from content_tools.validate.gltf.schema import (
    Ctx,
    Raw,
    check_members,
    get_bool,
    get_extras,
    get_float,
    get_float_list,
    get_gl_int_list,
    get_index,
    get_indices_list,
    get_indices_map,
    get_indices_maps_list,
    get_map,
    get_map_list,
    get_string,
    get_uint,
)

__all__ = [
    "ACCESSOR_SIZES",
    "COMPONENT_SIZES",
    "Accessor",
    "Animation",
    "Buffer",
    "BufferView",
    "Camera",
    "Image",
    "Material",
    "Mesh",
    "Node",
    "Primitive",
    "Sampler",
    "Scene",
    "Skin",
    "Sparse",
    "Texture",
    "TextureRef",
]

ACCESSOR_SIZES = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
COMPONENT_SIZES = {5120: 1, 5121: 1, 5122: 2, 5123: 2, 5124: 4, 5125: 4, 5126: 4}
COMPONENT_NAMES = {
    5120: "BYTE",
    5121: "UNSIGNED_BYTE",
    5122: "SHORT",
    5123: "UNSIGNED_SHORT",
    5124: "INT",
    5125: "UNSIGNED_INT",
    5126: "FLOAT",
}
ACCESSOR_COMPONENT_TYPES = (5120, 5121, 5122, 5123, 5125, 5126)
_VERSION = re.compile(r"^([0-9]+)\.([0-9]+)$")


@dataclass(eq=False)
class Base:
    index: int
    name: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    used: bool = False


@dataclass(eq=False)
class Asset:
    version: str | None = None
    generator: str | None = None
    major: int = -1
    minor: int = -1


@dataclass(eq=False)
class Buffer(Base):
    byte_length: int = -1
    uri: str | None = None
    data: bytes | None = None
    storage: str | None = None
    uri_ok: bool = True


@dataclass(eq=False)
class BufferView(Base):
    buffer_index: int = -1
    byte_offset: int = 0
    byte_length: int = -1
    byte_stride: int = -1
    target: int = -1
    buffer: Buffer | None = None
    usage: str | None = None
    accessors: set[int] = field(default_factory=set)


@dataclass(eq=False)
class SparsePart:
    buffer_view_index: int = -1
    byte_offset: int = 0
    component_type: int = -1
    buffer_view: BufferView | None = None


@dataclass(eq=False)
class Sparse:
    count: int = -1
    indices: SparsePart | None = None
    values: SparsePart | None = None


@dataclass(eq=False)
class Check:
    """A data check a reference registered on an accessor (unit normals, indices...)."""

    kind: str
    pointer: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Accessor(Base):
    buffer_view_index: int = -1
    byte_offset: int = 0
    component_type: int = -1
    count: int = -1
    type: str | None = None
    normalized: bool = False
    min: list[Any] | None = None
    max: list[Any] | None = None
    sparse: Sparse | None = None
    buffer_view: BufferView | None = None
    usage: str | None = None
    checks: list[Check] = field(default_factory=list)
    layout_ok: bool = True

    @property
    def valid(self) -> bool:
        return self.component_type != -1 and self.count != -1 and self.type is not None

    @property
    def components(self) -> int:
        return ACCESSOR_SIZES.get(self.type or "", 0)

    @property
    def component_size(self) -> int:
        return COMPONENT_SIZES.get(self.component_type, 0)

    @property
    def element_length(self) -> int:
        ct, t = self.component_type, self.type
        if ct in (5120, 5121):
            if t == "MAT2":
                return 6
            if t == "MAT3":
                return 11
            return self.components
        if ct in (5122, 5123):
            if t == "MAT3":
                return 22
            return 2 * self.components
        return 4 * self.components

    @property
    def natural_stride(self) -> int:
        ct, t = self.component_type, self.type
        if ct in (5120, 5121):
            if t == "MAT2":
                return 8
            if t == "MAT3":
                return 12
            return self.components
        if ct in (5122, 5123):
            if t == "MAT3":
                return 24
            return 2 * self.components
        return 4 * self.components

    @property
    def stride(self) -> int:
        bv = self.buffer_view
        if bv is not None and bv.byte_stride != -1:
            return bv.byte_stride
        return self.natural_stride

    @property
    def byte_length(self) -> int:
        return self.stride * (self.count - 1) + self.element_length

    @property
    def format(self) -> tuple[str | None, int, bool]:
        return (self.type, self.component_type, self.normalized)

    def format_name(self) -> Raw:
        return format_name(self.type, self.component_type, self.normalized)


def format_name(t: str | None, ct: int, normalized: bool) -> Raw:
    text = f"{t}, {COMPONENT_NAMES.get(ct, str(ct))}"
    if normalized:
        text += " normalized"
    return Raw("{" + text + "}")


@dataclass(eq=False)
class Material(Base):
    textures: list[TextureRef] = field(default_factory=list)
    normal_texture: TextureRef | None = None
    emissive_factor: list[float] | None = None
    double_sided: bool = False
    alpha_mode: str = "OPAQUE"


@dataclass(eq=False)
class Primitive:
    pointer: str
    attributes: dict[str, int] | None = None
    indices_index: int = -1
    material_index: int = -1
    mode: int = 4
    targets: list[dict[str, int]] | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    vertex_count: int = -1
    texcoord_count: int = 0
    joints_count: int = 0
    weights_count: int = 0
    attr_accessors: dict[str, Accessor] = field(default_factory=dict)
    indices: Accessor | None = None
    material: Material | None = None


@dataclass(eq=False)
class Mesh(Base):
    primitives: list[Primitive] | None = None
    weights: list[float] | None = None
    targets_count: int = -1

    @property
    def has_joints(self) -> bool:
        return any(p.attributes and "JOINTS_0" in p.attributes for p in self.primitives or [])


@dataclass(eq=False)
class Node(Base):
    camera_index: int = -1
    children_indices: list[int] | None = None
    skin_index: int = -1
    matrix: list[float] | None = None
    mesh_index: int = -1
    rotation: list[float] | None = None
    scale: list[float] | None = None
    translation: list[float] | None = None
    weights: list[float] | None = None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    mesh: Mesh | None = None
    skin: Skin | None = None
    camera: Camera | None = None
    scenes: set[int] = field(default_factory=set)
    has_extras: bool = False

    @property
    def has_transform(self) -> bool:
        return (
            self.matrix is not None
            or self.rotation is not None
            or self.scale is not None
            or self.translation is not None
        )


@dataclass(eq=False)
class Skin(Base):
    ibm_index: int = -1
    skeleton_index: int = -1
    joint_indices: list[int] | None = None
    joints: list[Node | None] = field(default_factory=list)
    ibm: Accessor | None = None


@dataclass(eq=False)
class Camera(Base):
    pass


@dataclass(eq=False)
class Image(Base):
    buffer_view_index: int = -1
    mime_type: str | None = None
    declared_mime: str | None = None
    uri: str | None = None
    data: bytes | None = None
    storage: str = "unknown"
    buffer_view: BufferView | None = None
    uri_ok: bool = True


@dataclass(eq=False)
class Sampler(Base):
    pass


@dataclass(eq=False)
class Texture(Base):
    sampler_index: int = -1
    source_index: int = -1
    source: Image | None = None


@dataclass(eq=False)
class Channel:
    sampler_index: int = -1
    node_index: int = -1
    path: str | None = None
    has_target: bool = False
    target_extensions: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class AnimSampler:
    input_index: int = -1
    output_index: int = -1
    interpolation: str = "LINEAR"
    used: bool = False


@dataclass(eq=False)
class Animation(Base):
    channels: list[Channel] | None = None
    samplers: list[AnimSampler] | None = None


@dataclass(eq=False)
class Scene(Base):
    node_indices: list[int] | None = None


# --------------------------------------------------------------------------------------------


def parse_asset(m: dict[str, Any], ctx: Ctx) -> Asset:
    check_members(m, ("copyright", "generator", "version", "minVersion"), ctx)
    get_string(m, "copyright", ctx)
    asset = Asset(generator=get_string(m, "generator", ctx))
    version = get_string(m, "version", ctx, req=True, pattern=_VERSION)
    asset.version = version
    if version is not None:
        match = _VERSION.match(version)
        if match:
            asset.major, asset.minor = int(match.group(1)), int(match.group(2))
    min_version = get_string(m, "minVersion", ctx, pattern=_VERSION)
    if min_version is not None and version is not None and asset.major >= 0:
        mm = _VERSION.match(min_version)
        if mm and (int(mm.group(1)), int(mm.group(2))) > (asset.major, asset.minor):
            ctx.add(
                "ASSET_MIN_VERSION_GREATER_THAN_VERSION", min_version, version, name="minVersion"
            )
    if asset.major != -1:
        if asset.major != 2:
            ctx.add("UNKNOWN_ASSET_MAJOR_VERSION", asset.major, name="version")
        elif asset.minor > 0:
            ctx.add("UNKNOWN_ASSET_MINOR_VERSION", asset.minor, name="version")
    parse_extensions(m, "asset", ctx)
    get_extras(m, ctx)
    return asset


def parse_buffer(i: int, m: dict[str, Any], ctx: Ctx) -> Buffer:
    check_members(m, ("byteLength", "uri", "name"), ctx)
    b = Buffer(i)
    b.byte_length = get_uint(m, "byteLength", ctx, req=True, min=1)
    uri = get_string(m, "uri", ctx)
    if uri is not None:
        b.uri = uri
        if ctx.is_glb:
            ctx.add("URI_GLB", name="uri")
        if uri[:5].lower() == "data:":
            if ctx.is_glb:
                ctx.add("DATA_URI_GLB", name="uri")
            parsed = resources.parse_data_uri(uri)
            if isinstance(parsed, str):
                ctx.add("INVALID_URI", uri, Raw(parsed), name="uri")
                b.uri_ok = False
            elif parsed.mime_type in ("application/octet-stream", "application/gltf-buffer"):
                b.data = parsed.data
                b.storage = "data-uri"
            else:
                ctx.add("BUFFER_DATA_URI_MIME_TYPE_INVALID", parsed.mime_type, name="uri")
                b.uri_ok = False
        else:
            info = resources.classify_uri(uri)
            if info.error is not None:
                ctx.add("INVALID_URI", uri, Raw(info.error), name="uri")
                b.uri_ok = False
            elif info.non_relative:
                ctx.add("NON_RELATIVE_URI", uri, name="uri")
    b.name = get_string(m, "name", ctx)
    b.extensions = parse_extensions(m, "buffer", ctx)
    get_extras(m, ctx)
    return b


def parse_buffer_view(i: int, m: dict[str, Any], ctx: Ctx) -> BufferView:
    check_members(m, ("buffer", "byteOffset", "byteLength", "byteStride", "target", "name"), ctx)
    bv = BufferView(i)
    bv.buffer_index = get_index(m, "buffer", ctx)
    bv.byte_offset = get_uint(m, "byteOffset", ctx, default=0)
    bv.byte_length = get_uint(m, "byteLength", ctx, req=True, min=1)
    bv.byte_stride = get_uint(m, "byteStride", ctx, min=4, max=252)
    bv.target = get_uint(m, "target", ctx, allowed=(34962, 34963))
    if bv.byte_stride != -1:
        if bv.byte_length != -1 and bv.byte_stride > bv.byte_length:
            ctx.add(
                "BUFFER_VIEW_TOO_BIG_BYTE_STRIDE",
                bv.byte_stride,
                bv.byte_length,
                name="byteStride",
            )
        if bv.byte_stride % 4:
            ctx.add("VALUE_MULTIPLE_OF", bv.byte_stride, 4, name="byteStride")
        if bv.target == 34963:
            ctx.add("BUFFER_VIEW_INVALID_BYTE_STRIDE", name="byteStride")
    bv.name = get_string(m, "name", ctx)
    bv.extensions = parse_extensions(m, "bufferView", ctx)
    get_extras(m, ctx)
    return bv


def _parse_sparse(m: dict[str, Any], ctx: Ctx) -> Sparse:
    check_members(m, ("count", "indices", "values"), ctx)
    sp = Sparse(count=get_uint(m, "count", ctx, req=True, min=1))
    ind = get_map(m, "indices", ctx, req=True)
    if ind is not None:
        with ctx.at("indices"):
            check_members(ind, ("bufferView", "byteOffset", "componentType"), ctx)
            sp.indices = SparsePart(
                buffer_view_index=get_index(ind, "bufferView", ctx),
                byte_offset=get_uint(ind, "byteOffset", ctx, default=0),
                component_type=get_uint(
                    ind, "componentType", ctx, req=True, allowed=(5121, 5123, 5125)
                ),
            )
            parse_extensions(ind, "accessorSparseIndices", ctx)
            get_extras(ind, ctx)
    val = get_map(m, "values", ctx, req=True)
    if val is not None:
        with ctx.at("values"):
            check_members(val, ("bufferView", "byteOffset"), ctx)
            sp.values = SparsePart(
                buffer_view_index=get_index(val, "bufferView", ctx),
                byte_offset=get_uint(val, "byteOffset", ctx, default=0),
            )
            parse_extensions(val, "accessorSparseValues", ctx)
            get_extras(val, ctx)
    parse_extensions(m, "accessorSparse", ctx)
    get_extras(m, ctx)
    return sp


def parse_accessor(i: int, m: dict[str, Any], ctx: Ctx) -> Accessor:
    check_members(
        m,
        (
            "bufferView",
            "byteOffset",
            "componentType",
            "normalized",
            "count",
            "type",
            "max",
            "min",
            "sparse",
            "name",
        ),
        ctx,
    )
    a = Accessor(i)
    a.buffer_view_index = get_index(m, "bufferView", ctx, req=False)
    if a.buffer_view_index == -1:
        if "byteOffset" in m:
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("bufferView"), name="byteOffset")
        a.byte_offset = 0
    else:
        a.byte_offset = get_uint(m, "byteOffset", ctx, default=0)
    a.component_type = get_uint(m, "componentType", ctx, req=True, allowed=ACCESSOR_COMPONENT_TYPES)
    a.count = get_uint(m, "count", ctx, req=True, min=1)
    a.type = get_string(m, "type", ctx, req=True, allowed=tuple(ACCESSOR_SIZES))
    if a.type is not None and a.type not in ACCESSOR_SIZES:
        a.type = None
    a.normalized = get_bool(m, "normalized", ctx)
    if a.type is not None and a.component_type != -1:
        n = ACCESSOR_SIZES[a.type]
        if a.component_type == 5126:
            a.min = get_float_list(m, "min", ctx, lengths=(n,), single=True)
            a.max = get_float_list(m, "max", ctx, lengths=(n,), single=True)
        else:
            a.min = get_gl_int_list(m, "min", ctx, a.component_type, n)
            a.max = get_gl_int_list(m, "max", ctx, a.component_type, n)
    sparse = get_map(m, "sparse", ctx)
    if sparse and "sparse" in m and isinstance(m["sparse"], dict):
        with ctx.at("sparse"):
            a.sparse = _parse_sparse(sparse, ctx)
    if a.normalized and a.component_type in (5126, 5125):
        ctx.add("ACCESSOR_NORMALIZED_INVALID", name="normalized")
    if a.type in ("MAT2", "MAT3", "MAT4") and a.byte_offset != -1 and a.byte_offset & 3:
        ctx.add("ACCESSOR_MATRIX_ALIGNMENT", name="byteOffset")
    a.name = get_string(m, "name", ctx)
    a.extensions = parse_extensions(m, "accessor", ctx)
    get_extras(m, ctx)
    return a


_ATTR_SIMPLE = ("POSITION", "NORMAL", "TANGENT")
_ATTR_INDEXED = ("TEXCOORD", "COLOR", "JOINTS", "WEIGHTS")
_INDEX_RE = re.compile(r"^(0|[1-9][0-9]*)$")


def _semantic_parts(semantic: str) -> tuple[str, int] | None:
    """(base, set index) of an indexed semantic like TEXCOORD_1, else None."""
    base, sep, idx = semantic.partition("_")
    if not sep or base not in _ATTR_INDEXED or not _INDEX_RE.match(idx):
        return None
    return base, int(idx)


def parse_primitive(m: dict[str, Any], ctx: Ctx) -> Primitive:
    check_members(m, ("attributes", "indices", "material", "mode", "targets"), ctx)
    p = Primitive(pointer=ctx.pointer())
    sets: dict[str, list[int]] = {k: [] for k in _ATTR_INDEXED}

    def check_attr(semantic: str) -> None:
        if semantic in _ATTR_SIMPLE or (semantic.startswith("_") and len(semantic) > 1):
            return
        parts = _semantic_parts(semantic)
        if parts is None:
            ctx.add("MESH_PRIMITIVE_INVALID_ATTRIBUTE", name=semantic)
        else:
            sets[parts[0]].append(parts[1])

    p.attributes = get_indices_map(m, "attributes", ctx, check_attr)
    if p.attributes is not None:
        for base, idxs in sets.items():
            if idxs:
                expected = max(idxs) + 1
                if expected != len(idxs):
                    ctx.add(
                        "MESH_PRIMITIVE_INDEXED_SEMANTIC_CONTINUITY",
                        base,
                        expected,
                        len(idxs),
                        name="attributes",
                    )
        p.texcoord_count = len(sets["TEXCOORD"])
        p.joints_count = len(sets["JOINTS"])
        p.weights_count = len(sets["WEIGHTS"])
        if p.joints_count != p.weights_count:
            ctx.add(
                "MESH_PRIMITIVE_JOINTS_WEIGHTS_MISMATCH",
                p.joints_count,
                p.weights_count,
                name="attributes",
            )
    p.indices_index = get_index(m, "indices", ctx, req=False)
    p.material_index = get_index(m, "material", ctx, req=False)
    p.mode = get_uint(m, "mode", ctx, allowed=(0, 1, 2, 3, 4, 5, 6), default=4)

    def check_target(semantic: str) -> None:
        if semantic in _ATTR_SIMPLE or (semantic.startswith("_") and len(semantic) > 1):
            return
        parts = _semantic_parts(semantic)
        if parts is None or parts[0] not in ("TEXCOORD", "COLOR"):
            ctx.add("MESH_PRIMITIVE_INVALID_ATTRIBUTE", name=semantic)

    p.targets = get_indices_maps_list(m, "targets", ctx, check_target)
    p.extensions = parse_extensions(m, "primitive", ctx)
    get_extras(m, ctx)
    return p


def parse_mesh(i: int, m: dict[str, Any], ctx: Ctx) -> Mesh:
    check_members(m, ("primitives", "weights", "name"), ctx)
    mesh = Mesh(i)
    prims = get_map_list(m, "primitives", ctx)
    if prims is not None:
        mesh.primitives = []
        with ctx.at("primitives"):
            for j, pm in enumerate(prims):
                with ctx.at(j):
                    mesh.primitives.append(parse_primitive(pm, ctx))
        counts = {len(p.targets) if p.targets is not None else 0 for p in mesh.primitives}
        if len(counts) > 1:
            ctx.add("MESH_PRIMITIVES_UNEQUAL_TARGETS_COUNT", name="primitives")
        elif counts:
            mesh.targets_count = counts.pop()
    mesh.weights = get_float_list(m, "weights", ctx)
    if (
        mesh.weights is not None
        and mesh.targets_count != -1
        and mesh.targets_count != len(mesh.weights)
    ):
        ctx.add(
            "MESH_INVALID_WEIGHTS_COUNT",
            len(mesh.weights),
            mesh.targets_count,
            name="weights",
        )
    mesh.name = get_string(m, "name", ctx)
    mesh.extensions = parse_extensions(m, "mesh", ctx)
    get_extras(m, ctx)
    return mesh


_IDENTITY = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]


def parse_node(i: int, m: dict[str, Any], ctx: Ctx) -> Node:
    check_members(
        m,
        (
            "camera",
            "children",
            "skin",
            "matrix",
            "mesh",
            "rotation",
            "scale",
            "translation",
            "weights",
            "name",
        ),
        ctx,
    )
    n = Node(i)
    n.camera_index = get_index(m, "camera", ctx, req=False)
    n.children_indices = get_indices_list(m, "children", ctx)
    n.skin_index = get_index(m, "skin", ctx, req=False)
    n.matrix = get_float_list(m, "matrix", ctx, lengths=(16,))
    n.mesh_index = get_index(m, "mesh", ctx, req=False)
    n.rotation = get_float_list(m, "rotation", ctx, lengths=(4,), min=-1.0, max=1.0)
    n.scale = get_float_list(m, "scale", ctx, lengths=(3,))
    n.translation = get_float_list(m, "translation", ctx, lengths=(3,))
    n.weights = get_float_list(m, "weights", ctx)
    if n.matrix is not None:
        if n.translation is not None or n.rotation is not None or n.scale is not None:
            ctx.add("NODE_MATRIX_TRS", name="matrix")
        elif n.matrix == _IDENTITY:
            ctx.add("NODE_MATRIX_DEFAULT", name="matrix")
        elif not is_trs_decomposable(n.matrix):
            ctx.add("NODE_MATRIX_NON_TRS", name="matrix")
    if n.rotation is not None:
        length = math.sqrt(sum(v * v for v in n.rotation))
        if abs(length - 1.0) > 0.000005:
            ctx.add("ROTATION_NON_UNIT", name="rotation")
    if n.mesh_index == -1:
        if n.skin_index != -1:
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("mesh"), name="skin")
        if n.weights is not None:
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("mesh"), name="weights")
    n.name = get_string(m, "name", ctx)
    n.has_extras = m.get("extras") is not None
    n.extensions = parse_extensions(m, "node", ctx)
    get_extras(m, ctx)
    return n


def parse_skin(i: int, m: dict[str, Any], ctx: Ctx) -> Skin:
    check_members(m, ("inverseBindMatrices", "skeleton", "joints", "name"), ctx)
    s = Skin(i)
    s.ibm_index = get_index(m, "inverseBindMatrices", ctx, req=False)
    s.skeleton_index = get_index(m, "skeleton", ctx, req=False)
    s.joint_indices = get_indices_list(m, "joints", ctx, req=True)
    s.name = get_string(m, "name", ctx)
    s.extensions = parse_extensions(m, "skin", ctx)
    get_extras(m, ctx)
    return s


def parse_camera(i: int, m: dict[str, Any], ctx: Ctx) -> Camera:
    check_members(m, ("type", "orthographic", "perspective", "name"), ctx)
    c = Camera(i)
    ctype = get_string(m, "type", ctx, req=True, allowed=("orthographic", "perspective"))
    ortho = m.get("orthographic")
    persp = m.get("perspective")
    if ctype == "orthographic":
        om = get_map(m, "orthographic", ctx, req=True)
        if om is not None:
            with ctx.at("orthographic"):
                check_members(om, ("xmag", "ymag", "zfar", "znear"), ctx)
                xmag = get_float(om, "xmag", ctx, req=True)
                ymag = get_float(om, "ymag", ctx, req=True)
                zfar = get_float(om, "zfar", ctx, req=True, excl_min=0.0)
                znear = get_float(om, "znear", ctx, req=True, min=0.0)
                if not math.isnan(zfar) and not math.isnan(znear) and zfar <= znear:
                    ctx.add("CAMERA_ZFAR_LEQUAL_ZNEAR")
                if xmag == 0.0 or ymag == 0.0:
                    ctx.add("CAMERA_XMAG_YMAG_ZERO")
                elif xmag < 0.0 or ymag < 0.0:
                    ctx.add("CAMERA_XMAG_YMAG_NEGATIVE")
                parse_extensions(om, "cameraOrthographic", ctx)
                get_extras(om, ctx)
        if persp is not None:
            ctx.add("ONE_OF_MISMATCH", ("orthographic", "perspective"))
    elif ctype == "perspective":
        pm = get_map(m, "perspective", ctx, req=True)
        if pm is not None:
            with ctx.at("perspective"):
                check_members(pm, ("aspectRatio", "yfov", "zfar", "znear"), ctx)
                get_float(pm, "aspectRatio", ctx, excl_min=0.0)
                yfov = get_float(pm, "yfov", ctx, req=True, excl_min=0.0)
                zfar = get_float(pm, "zfar", ctx, excl_min=0.0)
                znear = get_float(pm, "znear", ctx, req=True, excl_min=0.0)
                if not math.isnan(zfar) and not math.isnan(znear) and zfar <= znear:
                    ctx.add("CAMERA_ZFAR_LEQUAL_ZNEAR")
                if not math.isnan(yfov) and yfov >= math.pi:
                    ctx.add("CAMERA_YFOV_GEQUAL_PI")
                parse_extensions(pm, "cameraPerspective", ctx)
                get_extras(pm, ctx)
        if ortho is not None:
            ctx.add("ONE_OF_MISMATCH", ("orthographic", "perspective"))
    c.name = get_string(m, "name", ctx)
    c.extensions = parse_extensions(m, "camera", ctx)
    get_extras(m, ctx)
    return c


IMAGE_MIME_TYPES = ("image/jpeg", "image/png", "image/webp", "image/ktx2")


def parse_image(i: int, m: dict[str, Any], ctx: Ctx, allowed_mimes: tuple[str, ...]) -> Image:
    check_members(m, ("bufferView", "mimeType", "uri", "name"), ctx)
    img = Image(i)
    img.buffer_view_index = get_index(m, "bufferView", ctx, req=False)
    img.mime_type = get_string(m, "mimeType", ctx, allowed=allowed_mimes)
    img.declared_mime = img.mime_type
    uri = get_string(m, "uri", ctx)
    if img.buffer_view_index != -1:
        if img.mime_type is None and "mimeType" not in m:
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("mimeType"), name="bufferView")
        if uri is not None:
            ctx.add("ONE_OF_MISMATCH", ("bufferView", "uri"))
        img.storage = "buffer-view"
    elif uri is not None:
        img.uri = uri
        if ctx.is_glb:
            ctx.add("URI_GLB", name="uri")
        if uri[:5].lower() == "data:":
            if ctx.is_glb:
                ctx.add("DATA_URI_GLB", name="uri")
            parsed = resources.parse_data_uri(uri)
            if isinstance(parsed, str):
                ctx.add("INVALID_URI", uri, Raw(parsed), name="uri")
                img.uri_ok = False
            else:
                img.data = parsed.data
                img.storage = "data-uri"
                if img.mime_type is None and parsed.mime_type in IMAGE_MIME_TYPES:
                    img.mime_type = parsed.mime_type
        else:
            info = resources.classify_uri(uri)
            img.storage = "external"
            if info.error is not None:
                ctx.add("INVALID_URI", uri, Raw(info.error), name="uri")
                img.uri_ok = False
            elif info.non_relative:
                ctx.add("NON_RELATIVE_URI", uri, name="uri")
    else:
        ctx.add("ONE_OF_MISMATCH", ("bufferView", "uri"))
    img.name = get_string(m, "name", ctx)
    img.extensions = parse_extensions(m, "image", ctx)
    get_extras(m, ctx)
    return img


def parse_sampler(i: int, m: dict[str, Any], ctx: Ctx) -> Sampler:
    check_members(m, ("magFilter", "minFilter", "wrapS", "wrapT", "name"), ctx)
    get_uint(m, "magFilter", ctx, allowed=(9728, 9729))
    get_uint(m, "minFilter", ctx, allowed=(9728, 9729, 9984, 9985, 9986, 9987))
    get_uint(m, "wrapS", ctx, allowed=(33071, 33648, 10497))
    get_uint(m, "wrapT", ctx, allowed=(33071, 33648, 10497))
    s = Sampler(i, name=get_string(m, "name", ctx))
    s.extensions = parse_extensions(m, "sampler", ctx)
    get_extras(m, ctx)
    return s


def parse_texture(i: int, m: dict[str, Any], ctx: Ctx) -> Texture:
    check_members(m, ("sampler", "source", "name"), ctx)
    t = Texture(i)
    t.sampler_index = get_index(m, "sampler", ctx, req=False)
    t.source_index = get_index(m, "source", ctx, req=False)
    t.name = get_string(m, "name", ctx)
    t.extensions = parse_extensions(m, "texture", ctx)
    get_extras(m, ctx)
    return t


def parse_material(i: int, m: dict[str, Any], ctx: Ctx) -> Material:
    check_members(
        m,
        (
            "pbrMetallicRoughness",
            "normalTexture",
            "occlusionTexture",
            "emissiveTexture",
            "emissiveFactor",
            "alphaMode",
            "alphaCutoff",
            "doubleSided",
            "name",
        ),
        ctx,
    )
    mat = Material(i)
    pbr = get_map(m, "pbrMetallicRoughness", ctx)
    if pbr and isinstance(m.get("pbrMetallicRoughness"), dict):
        with ctx.at("pbrMetallicRoughness"):
            check_members(
                pbr,
                (
                    "baseColorFactor",
                    "baseColorTexture",
                    "metallicFactor",
                    "roughnessFactor",
                    "metallicRoughnessTexture",
                ),
                ctx,
            )
            get_float_list(pbr, "baseColorFactor", ctx, lengths=(4,), min=0.0, max=1.0)
            ref = parse_texture_info(pbr, "baseColorTexture", ctx)
            if ref:
                mat.textures.append(ref)
            get_float(pbr, "metallicFactor", ctx, min=0.0, max=1.0)
            get_float(pbr, "roughnessFactor", ctx, min=0.0, max=1.0)
            ref = parse_texture_info(pbr, "metallicRoughnessTexture", ctx)
            if ref:
                mat.textures.append(ref)
            parse_extensions(pbr, "pbrMetallicRoughness", ctx)
            get_extras(pbr, ctx)
    mat.normal_texture = parse_texture_info(m, "normalTexture", ctx, "normalTextureInfo")
    if mat.normal_texture:
        mat.textures.append(mat.normal_texture)
    ref = parse_texture_info(m, "occlusionTexture", ctx, "occlusionTextureInfo")
    if ref:
        mat.textures.append(ref)
    ref = parse_texture_info(m, "emissiveTexture", ctx)
    if ref:
        mat.textures.append(ref)
    mat.emissive_factor = get_float_list(m, "emissiveFactor", ctx, lengths=(3,), min=0.0, max=1.0)
    mode = get_string(m, "alphaMode", ctx, allowed=("OPAQUE", "MASK", "BLEND"), default="OPAQUE")
    mat.alpha_mode = mode or "OPAQUE"
    cutoff = get_float(m, "alphaCutoff", ctx, min=0.0)
    if not math.isnan(cutoff) and mat.alpha_mode != "MASK":
        ctx.add("MATERIAL_ALPHA_CUTOFF_INVALID_MODE", name="alphaCutoff")
    mat.double_sided = get_bool(m, "doubleSided", ctx)
    mat.name = get_string(m, "name", ctx)
    mat.extensions = parse_extensions(m, "material", ctx, owner=mat)
    get_extras(m, ctx)
    return mat


_PATHS = ("translation", "rotation", "scale", "weights")


def parse_animation(i: int, m: dict[str, Any], ctx: Ctx) -> Animation:
    check_members(m, ("channels", "samplers", "name"), ctx)
    anim = Animation(i)
    channels = get_map_list(m, "channels", ctx)
    if channels is not None:
        anim.channels = []
        with ctx.at("channels"):
            for j, cm in enumerate(channels):
                with ctx.at(j):
                    check_members(cm, ("sampler", "target"), ctx)
                    ch = Channel(sampler_index=get_index(cm, "sampler", ctx))
                    tm = get_map(cm, "target", ctx, req=True)
                    if tm is not None:
                        with ctx.at("target"):
                            ch.has_target = True
                            check_members(tm, ("node", "path"), ctx)
                            ch.node_index = get_index(tm, "node", ctx, req=False)
                            paths: tuple[str, ...] = _PATHS
                            if "KHR_animation_pointer" in ctx.extensions_loaded:
                                paths = (*_PATHS, "pointer")
                            ch.path = get_string(tm, "path", ctx, req=True, allowed=paths)
                            if ch.path not in paths:
                                ch.path = None
                            ch.target_extensions = parse_extensions(
                                tm, "animationChannelTarget", ctx, owner=ch
                            )
                            get_extras(tm, ctx)
                    parse_extensions(cm, "animationChannel", ctx)
                    get_extras(cm, ctx)
                    anim.channels.append(ch)
    samplers = get_map_list(m, "samplers", ctx)
    if samplers is not None:
        anim.samplers = []
        with ctx.at("samplers"):
            for j, sm in enumerate(samplers):
                with ctx.at(j):
                    check_members(sm, ("input", "interpolation", "output"), ctx)
                    s = AnimSampler(
                        input_index=get_index(sm, "input", ctx),
                        interpolation=get_string(
                            sm,
                            "interpolation",
                            ctx,
                            allowed=("LINEAR", "STEP", "CUBICSPLINE"),
                            default="LINEAR",
                        )
                        or "LINEAR",
                        output_index=get_index(sm, "output", ctx),
                    )
                    parse_extensions(sm, "animationSampler", ctx)
                    get_extras(sm, ctx)
                    anim.samplers.append(s)
    anim.name = get_string(m, "name", ctx)
    anim.extensions = parse_extensions(m, "animation", ctx)
    get_extras(m, ctx)
    return anim


def parse_scene(i: int, m: dict[str, Any], ctx: Ctx) -> Scene:
    check_members(m, ("nodes", "name"), ctx)
    s = Scene(i)
    s.node_indices = get_indices_list(m, "nodes", ctx)
    s.name = get_string(m, "name", ctx)
    s.extensions = parse_extensions(m, "scene", ctx)
    get_extras(m, ctx)
    return s
