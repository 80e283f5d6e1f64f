"""The glTF objects the validator reads: typed, holding indices (-1 when absent or invalid)
that the second pass (`link/`) resolves to objects. `parse/` reads them from JSON."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from content_tools.validate.gltf.extensions import TextureRef

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


@dataclass(eq=False)
class Base:
    index: int
    name: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    used: bool = False


@dataclass(eq=False)
class Asset:
    version: str | None = None
    min_version: str | None = None
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
    has_uri: bool = False
    """The object has a `uri` member, whatever its value (a GLB buffer has none)."""


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


_check_numbers = itertools.count()


@dataclass(eq=False)
class Check:
    """A data check a reference registered on an accessor (unit normals, indices...).
    `seq` numbers checks in the order they were registered: the reference checks accessors in
    the order they first got a check."""

    kind: str
    pointer: str
    args: dict[str, Any] = field(default_factory=dict)
    seq: int = field(default_factory=lambda: next(_check_numbers))


# (component size, type) -> (element length, natural stride) where columns are padded.
_PADDED_MATRICES: dict[tuple[int, str | None], tuple[int, int]] = {
    (1, "MAT2"): (6, 8),
    (1, "MAT3"): (11, 12),
    (2, "MAT3"): (22, 24),
}


@dataclass(eq=False)
class Accessor(Base):
    buffer_view_index: int = -1
    byte_offset: int = 0
    component_type: int = -1
    count: int = -1
    type: str | None = None
    type_name: str | None = None
    """`type` as written, even when it is not a type (format names in messages show it)."""
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

    def _lengths(self) -> tuple[int, int]:
        """(element length, natural stride) in bytes: matrix columns of 1- and 2-byte
        components are padded to 4 bytes, except after the last column."""
        ct = self.component_type
        size = 1 if ct in (5120, 5121) else 2 if ct in (5122, 5123) else 4
        plain = size * self.components
        return _PADDED_MATRICES.get((size, self.type), (plain, plain))

    @property
    def element_length(self) -> int:
        return self._lengths()[0]

    @property
    def natural_stride(self) -> int:
        return self._lengths()[1]

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

    def format_name(self) -> str:
        return format_name(self.type_name, self.component_type, self.normalized)


def format_name(t: str | None, ct: int, normalized: bool) -> str:
    """The reference's name of an accessor format, e.g. {VEC3, FLOAT} (quoted in messages)."""
    text = f"{t or 'null'}, {COMPONENT_NAMES.get(ct, 'null')}"
    if normalized:
        text += " normalized"
    return "{" + text + "}"


@dataclass(eq=False)
class Material(Base):
    textures: list[TextureRef] = field(default_factory=list)
    normal_texture: TextureRef | None = None
    emissive_factor: list[float] | None = None
    emissive_zero: bool = True
    """The emissive factor is absent or zero (as the reference reads it)."""
    double_sided: bool = False
    alpha_mode: str = "OPAQUE"

    @property
    def needs_tangent_space(self) -> bool:
        """A normal texture (core or clearcoat's) or an anisotropy texture needs one."""
        return any(ref.kind == "normalTextureInfo" or ref.tangent_space for ref in self.textures)


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
    draw_count: int = -1
    """Indices' count, or the vertex count without indices (-1 when unknown)."""
    used_texcoords: set[int] = field(default_factory=set)
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
    def any_skinned(self) -> bool:
        """Some primitive has joints (counted as the reference does)."""
        return any(p.joints_count != 0 for p in self.primitives or [])


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
    has_extras: bool = False
    is_joint: bool = False


@dataclass(eq=False)
class Skin(Base):
    ibm_index: int = -1
    skeleton_index: int = -1
    joint_indices: list[int] | None = None
    joints: list[Node] = field(default_factory=list)
    """The joints that resolve."""
    ibm: Accessor | None = None
    root: Node | None = None
    """The root of the joints' common tree (None when they have none)."""


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
    min_filter: int = -1
    """minFilter, -1 when absent or invalid (the loader then chooses: mipmaps in three.js)."""


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
    interpolation: str | None = "LINEAR"
    """None when it is not a string (the reference then checks no output count)."""
    used: bool = False


@dataclass(eq=False)
class Animation(Base):
    channels: list[Channel] | None = None
    samplers: list[AnimSampler] | None = None


@dataclass(eq=False)
class Scene(Base):
    node_indices: list[int] | None = None


@dataclass(eq=False)
class Document:
    """The root object: every collection, in the order of the JSON arrays (None where an entry
    is not an object), and what the root's extensions declare."""

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
