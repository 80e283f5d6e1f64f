"""What a validated glTF holds: the figures the reference validator's `info` block reports,
plus what the budget and script checks need (node names, texture sizes, GPU memory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["GltfInfo", "ImageInfo", "NodeInfo"]


@dataclass(slots=True)
class ImageInfo:
    mime_type: str | None
    storage: str
    """"buffer-view", "data-uri", "external" or "unknown"."""
    width: int | None = None
    height: int | None = None
    format: str | None = None
    """"rgb", "rgba", "luminance", "luminance-alpha" or None when unknown."""
    bits: int | None = None
    compressed_gpu_bytes: int | None = None
    """A KTX2 image's GPU memory in the block format it is transcoded to (with its levels)."""
    mipmapped: bool = True
    """Some texture samples it with mipmaps (a *_MIPMAP_* minFilter, or none: the loader's
    default), or no texture says (an unused image): the loader makes a PNG/JPEG's mips."""

    @property
    def gpu_bytes(self) -> int:
        """Estimated GPU memory: a KTX2 image's block-compressed size with the levels it
        stores; any other image decoded to RGBA8, with the full mip chain the loader makes
        (4/3) when it is sampled with mipmaps."""
        if self.compressed_gpu_bytes is not None:
            return self.compressed_gpu_bytes
        if not self.width or not self.height:
            return 0
        pixels = self.width * self.height * 4
        return pixels * 4 // 3 if self.mipmapped else pixels


@dataclass(frozen=True, slots=True)
class NodeInfo:
    index: int
    name: str | None
    has_mesh: bool
    """The node itself has a mesh."""
    has_mesh_below: bool
    """The node or one of its descendants has a mesh (can be hit by a ray)."""


@dataclass(slots=True)
class GltfInfo:
    read: bool = False
    """The document was read (its asset has a 2.x version): the reference reports its `info`
    only then."""
    issues_when_read: int = 0
    """Issues found once the document was read and linked: the reference, stopped at fewer
    (its maxIssues), reports no `info`."""
    version: str | None = None
    min_version: str | None = None
    generator: str | None = None
    extensions_used: list[str] = field(default_factory=list)
    extensions_required: list[str] = field(default_factory=list)
    resources_storage: list[str] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    """The reference's `resources`: each buffer, then each image, with its pointer, media type,
    storage, URI, byte length and decoded image header, as far as known."""
    animation_count: int = 0
    material_count: int = 0
    has_morph_targets: bool = False
    has_skins: bool = False
    skin_count: int = 0
    has_textures: bool = False
    has_default_scene: bool = False
    draw_call_count: int = 0
    total_vertex_count: int = 0
    total_triangle_count: int = 0
    max_uvs: int = 0
    max_influences: int = 0
    max_attributes: int = 0
    light_count: int = 0
    drawn_draw_calls: int = 0
    drawn_vertices: int = 0
    drawn_triangles: int = 0
    """The three figures above count each mesh once per node that shows it (what the GPU
    draws); the reference's `drawCallCount` and totals count each mesh once."""
    images: list[ImageInfo] = field(default_factory=list)
    nodes: list[NodeInfo] = field(default_factory=list)
    nodes_known: bool = False
    """The document's nodes could be read (so `nodes` is the whole list and a script can be
    checked against it)."""
    file_size: int = 0

    @property
    def texture_gpu_bytes(self) -> int:
        return sum(image.gpu_bytes for image in self.images)

    @property
    def max_texture_size(self) -> int:
        return max((max(i.width or 0, i.height or 0) for i in self.images), default=0)
